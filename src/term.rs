//! The terminal: entering and leaving full-screen raw mode, restoring it on panic, and
//! suspending on Ctrl-Z. Nothing else touches terminal modes.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use std::io::{Write, stdout};

pub fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    Ok(())
}

/// Gives the terminal back as it was. Safe to call twice, and from a panic.
pub fn leave() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = stdout().flush();
}

/// A panic restores the terminal before the message is printed, so it can be read.
pub fn install_panic_hook() {
    let original = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        original(info);
    }));
}

/// Ctrl-Z: hand the terminal back, stop like any job, and take it again on `fg`.
pub fn suspend() -> std::io::Result<()> {
    leave();
    #[cfg(unix)]
    // SAFETY: raising SIGTSTP on our own process is what a shell job does on Ctrl-Z; the
    // process stops here and continues when resumed.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enter()
}

/// The terminal bell.
pub fn bell() {
    let mut out = stdout();
    let _ = out.write_all(b"\x07");
    let _ = out.flush();
}
