//! Giving freed heap back to the system. A whole reload frees one register's worth of rows
//! on one thread after building the next on another; glibc keeps such freed pages mapped in
//! its per-thread arenas, so the process's resident size would stay at its peak. Asking it
//! to trim after the old rows are dropped keeps the console's RSS at what it holds.

/// Returns freed heap pages to the system where the allocator can (glibc); elsewhere nothing.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
