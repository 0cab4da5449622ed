//! Large outputs written as they are read: one JSON array (pretty, as `--json` always was) or
//! JSON Lines, element by element into a buffered standard output. A reader that stops early
//! (`| head`) closes the pipe; the command then ends quietly.

use serde::Serialize;
use std::io::{BufWriter, StdoutLock, Write};

use crate::store::StoreError;

/// Why a stream stopped before its end.
#[derive(Debug)]
pub enum StreamError {
    Store(StoreError),
    Write(std::io::Error),
}

impl From<StoreError> for StreamError {
    fn from(e: StoreError) -> Self {
        StreamError::Store(e)
    }
}

impl From<serde_json::Error> for StreamError {
    fn from(e: serde_json::Error) -> Self {
        StreamError::Write(e.into())
    }
}

impl From<std::io::Error> for StreamError {
    fn from(e: std::io::Error) -> Self {
        StreamError::Write(e)
    }
}

impl StreamError {
    /// The reader went away: not a failure of ours.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, StreamError::Write(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// How elements are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One pretty-printed JSON array.
    Array,
    /// One compact JSON object a line.
    Lines,
}

/// A JSON output being written: `put` each element, then `finish`.
pub struct JsonOut {
    layout: Layout,
    out: BufWriter<StdoutLock<'static>>,
    first: bool,
}

impl JsonOut {
    pub fn begin(layout: Layout) -> Self {
        JsonOut {
            layout,
            out: BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()),
            first: true,
        }
    }

    pub fn put<T: Serialize>(&mut self, x: &T) -> Result<(), StreamError> {
        match self.layout {
            Layout::Array => {
                self.out
                    .write_all(if self.first { b"[\n  " } else { b",\n  " })?;
                // Each element one level in, as a pretty array of them would be.
                serde_json::to_writer_pretty(Indented(&mut self.out), x)?;
            }
            Layout::Lines => {
                serde_json::to_writer(&mut self.out, x)?;
                self.out.write_all(b"\n")?;
            }
        }
        self.first = false;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(), StreamError> {
        if self.layout == Layout::Array {
            self.out
                .write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Indents every line after the first by two spaces. JSON strings never hold a raw newline,
/// so every newline written is the pretty printer's own.
struct Indented<'a, W: Write>(&'a mut W);

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|b| *b == b'\n') {
            self.0.write_all(&rest[..=i])?;
            self.0.write_all(b"  ")?;
            rest = &rest[i + 1..];
        }
        self.0.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
