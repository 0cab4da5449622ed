//! The terminal: entering and leaving full-screen raw mode, restoring it on panic, and
//! suspending on Ctrl-Z. Nothing else touches terminal modes.

use crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use std::io::{Write, stdout};

/// Mouse reports for clicks, the wheel and drags only (button and drag modes, SGR encoding).
/// crossterm's `EnableMouseCapture` also turns on all-motion tracking (`?1003h`), which makes
/// selecting a phone number to copy in Xshell or PuTTY need Shift-drag; these are written by
/// hand instead.
pub const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1002h\x1b[?1006h";

pub fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    let mut out = stdout();
    execute!(
        out,
        EnterAlternateScreen,
        EnableBracketedPaste,
        cursor::Hide
    )?;
    out.write_all(MOUSE_ON.as_bytes())?;
    out.flush()?;
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

/// Whether the terminal named by `TERM` (and `COLORTERM`) takes 256-colour escapes. `xterm`,
/// `linux`, `vt100` and the like get the 16 classic colour codes instead.
pub fn has_256_colours(term: Option<&str>, colorterm: Option<&str>) -> bool {
    let term = term.unwrap_or("");
    colorterm.is_some_and(|c| !c.is_empty())
        || term.contains("256")
        || term.contains("direct")
        || term.contains("truecolor")
}

/// A writer that turns the 256-colour form of the 16 classic colours (`38;5;N`, `48;5;N`,
/// N < 16, which crossterm writes for every named colour) into the classic SGR codes
/// (30–37, 90–97, 40–47, 100–107) that 16-colour terminals understand. Escape sequences may
/// arrive split over several writes; an unfinished one is held until its final byte.
pub struct Ansi16<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Ansi16<W> {
    pub fn new(inner: W) -> Self {
        Ansi16 {
            inner,
            pending: Vec::new(),
        }
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Rewrites one complete CSI sequence (`ESC [ … final`).
    fn rewrite(seq: &[u8]) -> Vec<u8> {
        if seq.last() != Some(&b'm') {
            return seq.to_vec();
        }
        let Ok(params) = std::str::from_utf8(&seq[2..seq.len() - 1]) else {
            return seq.to_vec();
        };
        let parts: Vec<&str> = params.split(';').collect();
        let mut out: Vec<String> = Vec::new();
        let mut i = 0;
        while i < parts.len() {
            let p = parts[i];
            if (p == "38" || p == "48")
                && parts.get(i + 1) == Some(&"5")
                && let Some(n) = parts.get(i + 2).and_then(|n| n.parse::<u8>().ok())
                && n < 16
            {
                let base = if p == "38" { 30 } else { 40 };
                let code = if n < 8 {
                    base + u32::from(n)
                } else {
                    base + 60 + u32::from(n - 8)
                };
                out.push(code.to_string());
                i += 3;
                continue;
            }
            out.push(p.to_string());
            i += 1;
        }
        format!("\x1b[{}m", out.join(";")).into_bytes()
    }
}

impl<W: Write> Write for Ansi16<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len());
        for &b in buf {
            if self.pending.is_empty() {
                if b == 0x1b {
                    self.pending.push(b);
                } else {
                    out.push(b);
                }
                continue;
            }
            self.pending.push(b);
            let n = self.pending.len();
            if n == 2 && b != b'[' {
                // Not a CSI sequence: pass it on as it is.
                out.append(&mut self.pending);
            } else if n > 2 && (0x40..=0x7e).contains(&b) {
                out.extend(Self::rewrite(&self.pending));
                self.pending.clear();
            } else if n > 64 {
                out.append(&mut self.pending);
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_colour_terminals_get_classic_colour_codes_even_when_split() {
        let mut w = Ansi16::new(Vec::new());
        w.write_all(b"a\x1b[38;5;9mb\x1b[48;").unwrap();
        w.write_all(b"5;4m\x1b[38;5;200mc\x1b[1md").unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "a\x1b[91mb\x1b[44m\x1b[38;5;200mc\x1b[1md"
        );
    }

    #[test]
    fn xterm_linux_and_vt100_lack_256_colours() {
        for t in ["xterm", "linux", "vt100", "screen"] {
            assert!(!has_256_colours(Some(t), None), "{t}");
        }
        assert!(has_256_colours(Some("xterm-256color"), None));
        assert!(has_256_colours(Some("xterm"), Some("truecolor")));
    }
}
