//! Giving freed heap back to the system. A whole reload frees one register's worth of rows
//! on one thread after building the next on another; glibc keeps such freed pages mapped in
//! its per-thread arenas, so the process's resident size would stay at its peak. Asking it
//! to trim after the old rows are dropped keeps the console's RSS at what it holds.

/// One heap for the whole process. The console's few threads are mostly idle, and glibc's
/// arena for each thread kept the rows the store thread built apart from those the console
/// thread freed: about 5 MB of a 100k console. Call before any thread starts.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets an allocator parameter; it takes no pointers.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Returns freed heap pages to the system where the allocator can (glibc); elsewhere nothing.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}
