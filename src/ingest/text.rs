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

/// A paragraph with a byte-to-char offset table, so spans can be reported in chars while
/// matching runs on bytes.
pub(crate) struct Indexed {
    /// `chars[b]` is the char offset of byte `b` (valid at char boundaries and at the end).
    chars: Vec<u32>,
}

impl Indexed {
    pub fn new(text: &str) -> Self {
        let mut chars = vec![0u32; text.len() + 1];
        let mut n = 0u32;
        for (b, c) in text.char_indices() {
            for slot in chars.iter_mut().skip(b).take(c.len_utf8()) {
                *slot = n;
            }
            n += 1;
        }
        if let Some(last) = chars.last_mut() {
            *last = n;
        }
        Self { chars }
    }

    /// The char offset of a byte offset.
    pub fn char_at(&self, byte: usize) -> u32 {
        self.chars.get(byte).copied().unwrap_or(0)
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
