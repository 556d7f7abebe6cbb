//! The ingest pipeline: raw article text in, domain values out. Pure and synchronous, so it
//! can run on any thread, be re-run on stored raw text, and be tested on fixture files.

mod entities;
mod gazetteer;
mod gold;
mod json;
mod lexicon;
mod print;
mod quotes;
pub mod score;
mod text;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;

use crate::domain::{Extraction, ParsedArticle};

pub use gazetteer::{Gazetteer, Probes};
pub use gold::to_gold;
pub use json::{parse_json, parse_ndjson};
pub use print::{date_from_source_url, parse_print};

/// Version of the extraction rules; stored with every extracted link so that re-extraction
/// knows what produced it. Bump when rules change.
pub const EXTRACTOR_VERSION: &str = "rules-10";

/// Largest raw article accepted, in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Why a raw article could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ParseError {
    /// The input holds nothing but whitespace.
    #[error("the article is empty")]
    Empty,
    /// The input is not valid UTF-8 text.
    #[error("the article is not valid UTF-8 text")]
    NotUtf8,
    /// The input is larger than [`MAX_INPUT_BYTES`].
    #[error("the article is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input.
        size: usize,
        /// The limit it exceeds.
        limit: usize,
    },
    /// No title line could be found.
    #[error("the article has no title")]
    NoTitle,
    /// JSON input that does not parse.
    #[error("invalid JSON: {0}")]
    InvalidJson(String),
    /// JSON input without a required field.
    #[error("missing required field `{0}`")]
    MissingField(&'static str),
    /// A date that is not a calendar date in a known format.
    #[error("invalid date `{0}`")]
    InvalidDate(String),
    /// A source URL that is not an http or https URL.
    #[error(transparent)]
    SourceUrl(#[from] crate::domain::InvalidSourceUrl),
}

/// The shape of a raw input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A print view or another plain-text page.
    Print,
    /// One JSON object.
    Json,
    /// One JSON object per line, or a JSON array of objects.
    Ndjson,
}

/// Tells the format of a raw input from its first characters.
pub fn detect_format(text: &str) -> Format {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    // What follows the opening bracket tells JSON from a page whose title opens with one
    // ("[Exclusive] Seoul city to cap ...", "{Update} ..."): an array of objects, an object
    // with a key.
    let then = |open: char| {
        trimmed
            .strip_prefix(open)
            .map(|rest| rest.trim_start().chars().next())
    };
    if let Some(next) = then('[') {
        return if matches!(next, None | Some('{' | ']')) {
            Format::Ndjson
        } else {
            Format::Print
        };
    }
    if !matches!(then('{'), Some(None | Some('"' | '}'))) {
        return Format::Print;
    }
    // Several non-empty lines that each open an object: one article per line.
    let mut objects = trimmed.lines().map(str::trim).filter(|l| !l.is_empty());
    let first_is_whole = objects
        .next()
        .is_some_and(|l| l.ends_with('}') && serde_json::from_str::<serde_json::Value>(l).is_ok());
    if first_is_whole && objects.next().is_some_and(|l| l.starts_with('{')) {
        Format::Ndjson
    } else {
        Format::Json
    }
}

/// Checks raw bytes (size, UTF-8, emptiness) and returns them as text.
pub fn decode(bytes: &[u8]) -> Result<&str, ParseError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ParseError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(text)
}

/// Extracts people, organizations and attributed quotes from an article's body.
///
/// Pure: the same article always gives the same extraction. The title is not read, since
/// its quoted words repeat the body's.
pub fn extract(article: &ParsedArticle) -> Extraction {
    extract_with(article, &Gazetteer::new())
}

/// As [`extract`], with what the archive already knows: a one-word organization or a
/// person's single name that the article uses alone is found when `known` names exactly
/// one entity by it.
pub fn extract_with(article: &ParsedArticle, known: &Gazetteer) -> Extraction {
    extract_names(article, known)
}

/// As [`extract_with`], with the words it looked up in `known`: the extraction is the
/// same with any gazetteer that answers them alike ([`Probes::same_answers`]).
pub fn extract_probed(article: &ParsedArticle, known: &Gazetteer) -> (Extraction, Probes) {
    let probing = gazetteer::Probing::new(known);
    let extraction = extract_names(article, &probing);
    (extraction, probing.probes())
}

fn extract_names(article: &ParsedArticle, known: &dyn gazetteer::Names) -> Extraction {
    let entities = entities::extract_entities(&article.paragraphs, known);
    let quotes = quotes::extract_quotes(&article.paragraphs, &entities);
    Extraction {
        extractor_version: EXTRACTOR_VERSION.to_owned(),
        people: entities.people,
        organizations: entities.organizations,
        quotes,
    }
}

/// Parses an ISO `YYYY-MM-DD` or a written date ("February 28, 2022", "Feb. 28, 2022").
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    [
        "%Y-%m-%d",
        "%B %d, %Y",
        "%b. %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
        "%Y/%m/%d",
    ]
    .iter()
    .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}
