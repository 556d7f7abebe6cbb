//! Character offsets and compiled patterns shared by the extraction passes.

use regex::Regex;

use crate::domain::Span;

/// Compiles one of the pipeline's constant patterns.
#[expect(
    clippy::unwrap_used,
    reason = "constant patterns, every one compiled by the unit tests"
)]
pub(crate) fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap()
}

/// A paragraph with a byte-to-char offset map, so spans can be reported in chars while
/// matching runs on bytes. Text is mostly ASCII, so the map keeps only the multi-byte
/// characters: where each ends, and how many bytes beyond one per character end there.
pub(crate) struct Indexed {
    /// `(end, extra)` per multi-byte character, in order: from byte `end` on, a byte offset
    /// is `extra` more than its char offset.
    wide: Vec<(usize, usize)>,
    /// The text's length in bytes.
    len: usize,
}

impl Indexed {
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra = 0;
        for (b, &byte) in text.as_bytes().iter().enumerate() {
            // A UTF-8 lead byte of 2, 3 or 4 bytes.
            let width = match byte {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xFF => 4,
                _ => continue,
            };
            extra += width - 1;
            wide.push((b + width, extra));
        }
        Self {
            wide,
            len: text.len(),
        }
    }

    /// The char offset of a byte offset at a char boundary (0 past the end).
    pub fn char_at(&self, byte: usize) -> u32 {
        if byte > self.len {
            return 0;
        }
        let ended = self.wide.partition_point(|&(end, _)| end <= byte);
        let extra = ended
            .checked_sub(1)
            .and_then(|i| self.wide.get(i))
            .map_or(0, |w| w.1);
        u32::try_from(byte - extra).unwrap_or(u32::MAX)
    }

    /// The span of a byte range in paragraph `paragraph`.
    pub fn span(&self, paragraph: usize, start: usize, end: usize) -> Span {
        Span {
            paragraph: u32::try_from(paragraph).unwrap_or(u32::MAX),
            start: self.char_at(start),
            end: self.char_at(end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Indexed;

    #[test]
    fn char_offsets_of_byte_offsets() {
        // “ and ” take 3 bytes, é 2, the emoji 4.
        let text = "“Né” 😀 x";
        let ix = Indexed::new(text);
        let expected: Vec<(usize, u32)> = text
            .char_indices()
            .enumerate()
            .map(|(n, (b, _))| (b, u32::try_from(n).unwrap_or(0)))
            .chain([(text.len(), 8)])
            .collect();
        assert_eq!(expected.last(), Some(&(text.len(), 8)));
        for (b, n) in expected {
            assert_eq!(ix.char_at(b), n, "byte {b}");
        }
        assert_eq!(ix.char_at(text.len() + 1), 0);
        assert_eq!(Indexed::new("plain").char_at(5), 5);
    }
}
