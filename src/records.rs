//! Reading an input file article by article, so that a file of many articles is never held
//! whole: NDJSON is streamed line by line and the size limit
//! ([`crate::ingest::MAX_INPUT_BYTES`]) applies to each article, not to the file. Any other
//! input is one article and is read whole, up to the limit.

use std::io::{self, BufRead, BufReader, Cursor, Read};

use crate::ingest::{self, Format, MAX_INPUT_BYTES, ParseError};

/// An input, opened.
pub enum Records<R> {
    /// One document (a print view, a JSON object or array, or small NDJSON), whole.
    Whole(Vec<u8>),
    /// A single document over the size limit, with its size; not read into memory.
    TooLarge(usize),
    /// NDJSON, one article per line, read as it is consumed.
    Lines(Lines<BufReader<io::Chain<Cursor<Vec<u8>>, R>>>),
}

/// Opens an input: reads at most the size limit to tell its shape, and streams the rest only
/// when it is NDJSON (given as `format`, or detected when `format` is `None`).
pub fn open<R: Read>(mut reader: R, format: Option<Format>) -> io::Result<Records<R>> {
    let mut head = Vec::new();
    (&mut reader)
        .take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut head)?;
    let over = head.len() > MAX_INPUT_BYTES;
    let ndjson = match format {
        Some(f) => f == Format::Ndjson,
        // Small inputs keep the whole-text detection (a JSON array is NDJSON there too).
        None => over && ingest::detect_format(&String::from_utf8_lossy(&head)) == Format::Ndjson,
    };
    if ndjson && !head.trim_ascii_start().starts_with(b"[") {
        return Ok(Records::Lines(Lines::new(BufReader::new(
            Cursor::new(head).chain(reader),
        ))));
    }
    if over {
        let rest = io::copy(&mut reader, &mut io::sink())?;
        let size = usize::try_from(rest)
            .unwrap_or(usize::MAX)
            .saturating_add(head.len());
        return Ok(Records::TooLarge(size));
    }
    Ok(Records::Whole(head))
}

/// The non-blank lines of a reader, each at most [`MAX_INPUT_BYTES`]; a longer line is
/// skipped (never buffered) and reported as [`ParseError::TooLarge`].
pub struct Lines<B> {
    reader: B,
}

impl<B: BufRead> Lines<B> {
    /// Lines of `reader`.
    pub fn new(reader: B) -> Self {
        Self { reader }
    }

    /// The next line without its end of line: `None` at the end of the input.
    fn next_line(&mut self) -> io::Result<Option<Result<Vec<u8>, ParseError>>> {
        let mut line = Vec::new();
        let mut size = 0_usize;
        let mut read_any = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            read_any = true;
            let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            size = size.saturating_add(chunk.len());
            if size <= MAX_INPUT_BYTES {
                line.extend_from_slice(chunk);
            } else {
                line = Vec::new();
            }
            self.reader.consume(used);
            if done {
                break;
            }
        }
        if !read_any {
            return Ok(None);
        }
        if size > MAX_INPUT_BYTES {
            return Ok(Some(Err(ParseError::TooLarge {
                size,
                limit: MAX_INPUT_BYTES,
            })));
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        Ok(Some(Ok(line)))
    }
}

impl<B: BufRead> Iterator for Lines<B> {
    type Item = io::Result<Result<Vec<u8>, ParseError>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_line() {
                Ok(Some(Ok(line))) if line.trim_ascii().is_empty() => continue,
                other => return other.transpose(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8]) -> Vec<Result<Vec<u8>, ParseError>> {
        Lines::new(BufReader::with_capacity(7, text))
            .collect::<io::Result<_>>()
            .expect("no IO error")
    }

    #[test]
    fn lines_skip_blank_ones_and_strip_line_ends_across_buffer_refills() {
        assert_eq!(
            lines(b"{\"a\": 1}\r\n\n  \n{\"b\": 22222}"),
            vec![Ok(b"{\"a\": 1}".to_vec()), Ok(b"{\"b\": 22222}".to_vec())]
        );
        assert_eq!(lines(b""), vec![]);
    }

    #[test]
    fn a_line_over_the_limit_is_refused_alone() {
        let mut text = b"{}\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_INPUT_BYTES + 5));
        text.extend(b"\n{\"c\": 3}\n");
        assert_eq!(
            lines(&text),
            vec![
                Ok(b"{}".to_vec()),
                Err(ParseError::TooLarge {
                    size: MAX_INPUT_BYTES + 5,
                    limit: MAX_INPUT_BYTES
                }),
                Ok(b"{\"c\": 3}".to_vec()),
            ]
        );
    }

    #[test]
    fn only_large_ndjson_is_streamed_and_other_large_inputs_are_too_large() {
        let big_line = format!("{{\"t\": \"{}\"}}\n", "x".repeat(600_000));
        let ndjson = big_line.repeat(2);
        assert!(matches!(
            open(ndjson.as_bytes(), None),
            Ok(Records::Lines(_))
        ));
        let print = "x".repeat(MAX_INPUT_BYTES + 1);
        assert!(matches!(
            open(print.as_bytes(), None),
            Ok(Records::TooLarge(n)) if n == MAX_INPUT_BYTES + 1
        ));
        assert!(matches!(
            open(&b"{}\n{}\n"[..], None),
            Ok(Records::Whole(_))
        ));
        assert!(matches!(
            open(&b"{}\n{}\n"[..], Some(Format::Ndjson)),
            Ok(Records::Lines(_))
        ));
    }
}
