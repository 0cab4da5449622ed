//! A long list written to standard output as it is read, one element at a time through a
//! buffered writer: a pretty JSON array (byte for byte what `to_string_pretty` of the whole
//! list gave) or JSON Lines (`--jsonl`). An output the size of the register never sits in
//! memory, and a reader that closes the pipe (`| head`) ends the program quietly.

use serde::Serialize;
use std::io::{self, BufWriter, Write};

/// The shape of a list on standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// One JSON array, indented as `serde_json::to_string_pretty` indents it.
    Pretty,
    /// One compact JSON object per line.
    Lines,
}

impl ListFormat {
    /// The format `--json` / `--jsonl` ask for; `None` for text.
    pub fn chosen(json: bool, jsonl: bool) -> Option<ListFormat> {
        (json || jsonl).then(|| ListFormat::new(jsonl))
    }

    pub fn new(jsonl: bool) -> ListFormat {
        if jsonl {
            ListFormat::Lines
        } else {
            ListFormat::Pretty
        }
    }
}

/// Writes the elements of one list to `out` as they come.
pub struct JsonList<W: Write> {
    out: BufWriter<W>,
    format: ListFormat,
    written: usize,
    /// One element's text, reused so that each element costs no allocation of its own.
    scratch: Vec<u8>,
}

impl<W: Write> JsonList<W> {
    pub fn new(out: W, format: ListFormat) -> Self {
        JsonList {
            out: BufWriter::with_capacity(64 * 1024, out),
            format,
            written: 0,
            scratch: Vec::with_capacity(1024),
        }
    }

    pub fn push<T: Serialize + ?Sized>(&mut self, item: &T) -> io::Result<()> {
        match self.format {
            ListFormat::Lines => {
                serde_json::to_writer(&mut self.out, item)?;
                self.out.write_all(b"\n")?;
            }
            ListFormat::Pretty => {
                self.scratch.clear();
                serde_json::to_writer_pretty(&mut self.scratch, item)?;
                self.out.write_all(if self.written == 0 {
                    b"[\n  "
                } else {
                    b",\n  "
                })?;
                // An element sits one level into the array: each of its line breaks is
                // followed by two more spaces. JSON strings escape their own line breaks, so
                // every raw one here is the formatter's.
                let mut rest = &self.scratch[..];
                while let Some(at) = rest.iter().position(|&b| b == b'\n') {
                    self.out.write_all(&rest[..=at])?;
                    self.out.write_all(b"  ")?;
                    rest = &rest[at + 1..];
                }
                self.out.write_all(rest)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Closes the array (an empty list is `[]`) and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        if self.format == ListFormat::Pretty {
            self.out
                .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

/// Why a list streamed from the store stopped before its end: the store, or the writing.
#[derive(Debug)]
pub enum StreamError {
    Store(crate::store::StoreError),
    Write(io::Error),
}

impl From<crate::store::StoreError> for StreamError {
    fn from(e: crate::store::StoreError) -> Self {
        StreamError::Store(e)
    }
}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Write(e)
    }
}

/// A write to standard output that failed because the reader went away ends the program
/// with success, as `emit` does; any other error is returned.
pub fn closed_pipe_ends_quietly(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn written(items: &[serde_json::Value], format: ListFormat) -> String {
        let mut buf = Vec::new();
        let mut list = JsonList::new(&mut buf, format);
        for i in items {
            list.push(i).unwrap();
        }
        list.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_streamed_array_reads_exactly_as_the_whole_list_pretty_printed() {
        let items = [
            json!({"name": "张三", "flags": {"a": true}, "notes": ["x\ny", 1], "empty": []}),
            json!({"name": "李四", "n": null}),
        ];
        for n in 0..=items.len() {
            let whole = serde_json::to_string_pretty(&items[..n].to_vec()).unwrap() + "\n";
            assert_eq!(written(&items[..n], ListFormat::Pretty), whole, "{n} items");
        }
    }

    #[test]
    fn json_lines_hold_one_compact_object_per_line() {
        let items = [json!({"a": 1}), json!({"b": "两\n行"})];
        let text = written(&items, ListFormat::Lines);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for (line, item) in lines.iter().zip(&items) {
            assert_eq!(
                &serde_json::from_str::<serde_json::Value>(line).unwrap(),
                item
            );
        }
        assert_eq!(written(&[], ListFormat::Lines), "");
    }
}
