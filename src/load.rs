//! Loading raw inputs into the archive: decode, parse, extract (pure, in [`crate::ingest`]),
//! then store each article in its own transaction ([`crate::db::store`]). Used by
//! `archive ingest`, `archive seed`, `archive reextract` and the `ingestArticle` mutation.

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;

use crate::db::store::{self, RawFormat, RawInput, Stored};
use crate::domain::{Extraction, ParsedArticle};
use crate::ingest::{self, Format, ParseError};

/// Values given from outside the text (CLI flags, mutation arguments).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Where the article was published online; also a date source (`/YYYYMMDD.../`).
    pub source_url: Option<String>,
    /// The date, used when the text carries none.
    pub published_on: Option<NaiveDate>,
}

/// Why an input did not become an article.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text could not be read as an article.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The source URL given from outside the text is not an http or https URL.
    #[error(transparent)]
    SourceUrl(#[from] crate::domain::InvalidSourceUrl),
    /// Neither the text, the source URL nor an override gives a date.
    #[error(
        "no date in the text and none given (use --published-on or a source URL with /YYYYMMDD.../)"
    )]
    NoDate,
    /// The input could not be read.
    #[error("cannot read: {0}")]
    Io(String),
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    /// No database connection could be had.
    #[error("database unavailable: {0}")]
    Pool(String),
}

/// An input ready to store: parsed, dated and extracted.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The raw text of this one article, verbatim.
    pub raw: String,
    /// How it was read.
    pub format: RawFormat,
    /// The parsed article.
    pub article: ParsedArticle,
    /// Its resolved date.
    pub published_on: NaiveDate,
    /// What was extracted from it.
    pub extraction: Extraction,
}

/// Reads one input (a file's bytes, a request body) into zero or more articles: one
/// for a print view or JSON object, one per line for NDJSON. Pure CPU work.
pub fn prepare_bytes(
    bytes: &[u8],
    format: Option<Format>,
    overrides: &Overrides,
) -> Vec<Result<Prepared, LoadError>> {
    match ingest::decode(bytes) {
        Ok(text) => prepare_text(text, format, overrides),
        Err(e) => vec![Err(e.into())],
    }
}

/// As [`prepare_bytes`], for text.
pub fn prepare_text(
    text: &str,
    format: Option<Format>,
    overrides: &Overrides,
) -> Vec<Result<Prepared, LoadError>> {
    match format.unwrap_or_else(|| ingest::detect_format(text)) {
        Format::Print => vec![prepare_one(
            text,
            RawFormat::Print,
            ingest::parse_print(text),
            overrides,
        )],
        Format::Json => vec![prepare_one(
            text,
            RawFormat::Json,
            ingest::parse_json(text),
            overrides,
        )],
        Format::Ndjson => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| prepare_one(line, RawFormat::Json, ingest::parse_json(line), overrides))
            .collect(),
    }
}

fn prepare_one(
    raw: &str,
    format: RawFormat,
    parsed: Result<ParsedArticle, ParseError>,
    overrides: &Overrides,
) -> Result<Prepared, LoadError> {
    let mut article = parsed?;
    if let Some(url) = &overrides.source_url {
        article.source_url = Some(crate::domain::source_url(url)?);
    }
    let published_on = resolve_date(&article, overrides).ok_or(LoadError::NoDate)?;
    let extraction = ingest::extract(&article);
    Ok(Prepared {
        raw: raw.to_owned(),
        format,
        article,
        published_on,
        extraction,
    })
}

/// The text's own date first, then the override, then the source URL.
pub fn resolve_date(article: &ParsedArticle, overrides: &Overrides) -> Option<NaiveDate> {
    article.published_on.or(overrides.published_on).or_else(|| {
        article
            .source_url
            .as_deref()
            .and_then(ingest::date_from_source_url)
    })
}

/// Stores one prepared article in its own transaction.
pub async fn store(
    pool: &Pool<AsyncPgConnection>,
    prepared: &Prepared,
    source_name: Option<&str>,
) -> Result<Stored, LoadError> {
    let mut conn = pool
        .get()
        .await
        .map_err(|e| LoadError::Pool(e.to_string()))?;
    store_on(&mut conn, prepared, source_name).await
}

/// Stores one prepared article in its own transaction on `conn`.
pub async fn store_on(
    conn: &mut AsyncPgConnection,
    prepared: &Prepared,
    source_name: Option<&str>,
) -> Result<Stored, LoadError> {
    use diesel_async::AsyncConnection;
    let stored = conn
        .transaction(async |conn| {
            let raw = RawInput {
                content: &prepared.raw,
                format: prepared.format,
                source_name,
            };
            store::store_article(
                conn,
                &raw,
                &prepared.article,
                prepared.published_on,
                &prepared.extraction,
            )
            .await
        })
        .await?;
    Ok(stored)
}

/// What `reextract` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReextractSummary {
    /// Articles re-extracted.
    pub articles: usize,
    /// Articles whose stored text no longer parses (left as they were).
    pub failed: usize,
}

/// Re-runs extraction with the current extractor over every stored raw text, one
/// transaction per article; editor corrections are applied again afterwards.
pub async fn reextract(
    pool: &Pool<AsyncPgConnection>,
    mut progress: impl FnMut(usize),
) -> Result<ReextractSummary, LoadError> {
    use diesel_async::AsyncConnection;
    let mut conn = pool
        .get()
        .await
        .map_err(|e| LoadError::Pool(e.to_string()))?;
    let mut summary = ReextractSummary::default();
    let mut after = 0_i64;
    loop {
        let batch = crate::db::raw::stored_after(&mut conn, after, 500).await?;
        let Some(last) = batch.last() else { break };
        after = last.article_id;
        for stored in &batch {
            let format = RawFormat::from_db(&stored.format);
            let parsed = match format {
                RawFormat::Print => ingest::parse_print(&stored.content),
                RawFormat::Json => ingest::parse_json(&stored.content),
            };
            let Ok(article) = parsed else {
                tracing::warn!(
                    article_id = stored.article_id,
                    "stored text no longer parses"
                );
                summary.failed += 1;
                continue;
            };
            let extraction = ingest::extract(&article);
            let (id, date) = (stored.article_id, stored.published_on);
            conn.transaction(async |conn| {
                store::replace_extraction(conn, id, date, &extraction).await
            })
            .await?;
            summary.articles += 1;
            progress(summary.articles);
        }
    }
    Ok(summary)
}
