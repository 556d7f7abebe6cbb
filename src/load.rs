//! Loading raw inputs into the archive: decode, parse, extract (pure, in [`crate::ingest`]),
//! then store each article in its own transaction ([`crate::db::store`]). Used by
//! `archive ingest`, `archive seed`, `archive reextract` and the `ingestArticle` mutation.

use std::sync::{Arc, PoisonError};

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::Pool;

use crate::db::bulk::VectorTexts;
use crate::db::store::{self, RawFormat, RawInput, Stored};
use crate::domain::{Extraction, ParsedArticle};
use crate::ingest::{self, Format, Gazetteer, ParseError};

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
    /// The words extraction looked up in the archive's names.
    pub probes: ingest::Probes,
}

/// Reads one input (a file's bytes, a request body) into zero or more articles: one
/// for a print view or JSON object, one per line for NDJSON. Pure CPU work.
///
/// Extraction sees the article alone; [`prepare_bytes_with`] adds what the archive knows.
pub fn prepare_bytes(
    bytes: &[u8],
    format: Option<Format>,
    overrides: &Overrides,
) -> Vec<Result<Prepared, LoadError>> {
    prepare_bytes_with(bytes, format, overrides, &Gazetteer::new())
}

/// As [`prepare_bytes`], extracting with the archive's names ([`crate::db::gazetteer`]).
pub fn prepare_bytes_with(
    bytes: &[u8],
    format: Option<Format>,
    overrides: &Overrides,
    known: &Gazetteer,
) -> Vec<Result<Prepared, LoadError>> {
    match ingest::decode(bytes) {
        Ok(text) => prepare_text_with(text, format, overrides, known),
        Err(e) => vec![Err(e.into())],
    }
}

/// As [`prepare_bytes`], for text.
pub fn prepare_text(
    text: &str,
    format: Option<Format>,
    overrides: &Overrides,
) -> Vec<Result<Prepared, LoadError>> {
    prepare_text_with(text, format, overrides, &Gazetteer::new())
}

/// As [`prepare_bytes_with`], for text.
pub fn prepare_text_with(
    text: &str,
    format: Option<Format>,
    overrides: &Overrides,
    known: &Gazetteer,
) -> Vec<Result<Prepared, LoadError>> {
    let one = |raw: &str, format, parsed| prepare_one(raw, format, parsed, overrides, known);
    match format.unwrap_or_else(|| ingest::detect_format(text)) {
        Format::Print => vec![one(text, RawFormat::Print, ingest::parse_print(text))],
        Format::Json => vec![one(text, RawFormat::Json, ingest::parse_json(text))],
        Format::Ndjson => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| one(line, RawFormat::Json, ingest::parse_json(line)))
            .collect(),
    }
}

fn prepare_one(
    raw: &str,
    format: RawFormat,
    parsed: Result<ParsedArticle, ParseError>,
    overrides: &Overrides,
    known: &Gazetteer,
) -> Result<Prepared, LoadError> {
    let mut article = parsed?;
    if let Some(url) = &overrides.source_url {
        article.source_url = Some(crate::domain::source_url(url)?);
    }
    let published_on = resolve_date(&article, overrides).ok_or(LoadError::NoDate)?;
    let (extraction, probes) = ingest::extract_probed(&article, known);
    Ok(Prepared {
        raw: raw.to_owned(),
        format,
        article,
        published_on,
        extraction,
        probes,
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

/// The archive's names as of now (the process's copy, loaded again when entities were
/// added or edited since), for [`prepare_bytes_with`].
pub async fn known_names(db: &crate::db::Db) -> Result<Arc<Gazetteer>, LoadError> {
    let mut conn = db
        .write
        .get()
        .await
        .map_err(|e| LoadError::Pool(e.to_string()))?;
    Ok(db.gazetteer.current(&mut conn).await?)
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
/// transaction per article; editor corrections are applied again afterwards. Extraction
/// knows the archive's names as they are when each article comes up, so it gains from
/// everything ingested since the article was.
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
    let known = crate::db::gazetteer::Cache::default();
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
            let extraction = ingest::extract_with(&article, &*known.current(&mut conn).await?);
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

/// What one input of a bulk load is.
#[derive(Debug)]
pub enum BulkWork {
    /// A file's bytes or one NDJSON line: one article or more.
    Bytes {
        /// The input.
        bytes: Vec<u8>,
        /// How to read it; told from the content when `None`.
        format: Option<Format>,
    },
    /// Article `index` of the synthetic corpus `seed` (generated while preparing).
    Generated {
        /// The corpus.
        seed: u64,
        /// The article.
        index: u64,
    },
    /// An input that could not even be read.
    Failed(LoadError),
}

/// One input of a bulk load, with where it came from.
#[derive(Debug)]
pub struct BulkInput {
    /// The index of its file among the load's files (for the per-file report).
    pub file: usize,
    /// How it is named in the report (`file`, `file:line`).
    pub label: String,
    /// `raw_documents.source_name`.
    pub source: std::sync::Arc<str>,
    /// What to prepare.
    pub work: BulkWork,
    /// Its size in bytes, for the progress bar.
    pub size: u64,
}

/// What became of one article of a bulk load.
#[derive(Debug)]
pub struct BulkOutcome {
    /// Its file (see [`BulkInput::file`]).
    pub file: usize,
    /// Its label (with `:N` when its input held several articles).
    pub label: String,
    /// Stored, or why not.
    pub result: Result<Stored, LoadError>,
    /// The size of its input (on its input's first article only).
    pub size: u64,
}

/// How a bulk load runs.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// Threads preparing articles (decode, parse, extract) while the previous batch is
    /// written.
    pub jobs: usize,
    /// Inputs per batch (one transaction).
    pub batch_size: usize,
    /// Commit without waiting for the WAL flush (for generated data, which can be
    /// generated again: a crash loses the last batches, never consistency).
    pub fast_commit: bool,
    /// Values given from outside the texts.
    pub overrides: Overrides,
}

struct PreparedInput {
    /// Not the first article of its input.
    follows_in_input: bool,
    file: usize,
    label: String,
    source: std::sync::Arc<str>,
    result: Result<Prepared, LoadError>,
    size: u64,
}

fn prepare_input(input: BulkInput, overrides: &Overrides, known: &Gazetteer) -> Vec<PreparedInput> {
    let results = match input.work {
        BulkWork::Bytes { bytes, format } => prepare_bytes_with(&bytes, format, overrides, known),
        BulkWork::Generated { seed, index } => {
            let generated = crate::synth::generate(seed, index);
            prepare_text_with(&generated.text, Some(Format::Print), overrides, known)
        }
        BulkWork::Failed(e) => vec![Err(e)],
    };
    let many = results.len() > 1;
    results
        .into_iter()
        .enumerate()
        .map(|(i, result)| PreparedInput {
            follows_in_input: i > 0,
            file: input.file,
            label: if many {
                format!("{}:{}", input.label, i + 1)
            } else {
                input.label.clone()
            },
            source: input.source.clone(),
            result,
            size: if i == 0 { input.size } else { 0 },
        })
        .collect()
}

/// Prepares a batch's inputs on `jobs` threads, keeping their order, extracting with the
/// names `known` (the writer checks each article against the names grown since).
fn prepare_batch(
    inputs: Vec<BulkInput>,
    jobs: usize,
    overrides: &Overrides,
    known: &Gazetteer,
) -> Vec<PreparedInput> {
    let per_thread = inputs.len().div_ceil(jobs.max(1)).max(1);
    let mut parts: Vec<Vec<BulkInput>> = Vec::new();
    let mut inputs = inputs.into_iter().peekable();
    while inputs.peek().is_some() {
        parts.push(inputs.by_ref().take(per_thread).collect());
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                s.spawn(move || {
                    part.into_iter()
                        .flat_map(|input| prepare_input(input, overrides, known))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// A batch ready to write: its articles and the names they were extracted with.
struct PreparedBatch {
    inputs: Vec<PreparedInput>,
    known: Arc<Gazetteer>,
    /// The search vectors of each input's article, computed by the vectorizing connection
    /// while the batch before is written (empty when they could not be: the writer
    /// computes them then).
    vectors: std::sync::mpsc::Receiver<Vec<Option<crate::db::bulk::Vectors>>>,
}

/// A batch's texts to compute search vectors for, one per input (none for a failed one),
/// and where to send them.
type VectorJob = (
    Vec<Option<crate::db::bulk::VectorTexts>>,
    std::sync::mpsc::Sender<Vec<Option<crate::db::bulk::Vectors>>>,
);

/// Computes the search vectors of each batch sent to it, on its own connection.
fn vectorize(conn: &mut diesel::PgConnection, jobs: std::sync::mpsc::Receiver<VectorJob>) {
    for (texts, reply) in jobs {
        let ready: Vec<crate::db::bulk::VectorTexts> = texts.iter().flatten().cloned().collect();
        let vectors = match crate::db::bulk::search_vectors(conn, &ready) {
            Ok(vectors) => {
                let mut vectors = vectors.into_iter();
                (texts.iter())
                    .map(|t| t.as_ref().and_then(|_| vectors.next()))
                    .collect()
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot compute a batch's search vectors ahead");
                Vec::new()
            }
        };
        let _ = reply.send(vectors);
    }
}

/// The connection of a bulk load, the archive's names as its batches grow them, and when
/// to refresh the planner's statistics.
struct BulkWriter {
    conn: diesel::PgConnection,
    known: Arc<Gazetteer>,
    /// The names after the last batch written, for the batches prepared next.
    shared: Arc<std::sync::Mutex<Arc<Gazetteer>>>,
    batches: u64,
    next_analyze: u64,
}

impl BulkWriter {
    fn connect(database_url: &str, fast_commit: bool) -> Result<Self, LoadError> {
        use diesel::Connection;
        let mut conn = diesel::PgConnection::establish(database_url)
            .map_err(|e| LoadError::Pool(e.to_string()))?;
        if fast_commit {
            diesel::connection::SimpleConnection::batch_execute(
                &mut conn,
                "SET synchronous_commit = off",
            )?;
        }
        let known = Arc::new(crate::db::gazetteer::load_sync(&mut conn)?);
        Ok(Self {
            conn,
            shared: Arc::new(std::sync::Mutex::new(known.clone())),
            known,
            batches: 0,
            next_analyze: 1,
        })
    }

    /// Writes a batch in one transaction. When it fails, its articles are written one by
    /// one, so that one bad article fails alone and the others are kept.
    fn write(&mut self, prepared: PreparedBatch) -> Vec<BulkOutcome> {
        let PreparedBatch {
            inputs: batch,
            known: then,
            vectors,
        } = prepared;
        let vectors = vectors.recv().unwrap_or_default();
        let ready: Vec<(usize, &Prepared, &str)> = batch
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.result.as_ref().ok().map(|r| (i, r, &*p.source)))
            .collect();
        let articles: Vec<crate::db::bulk::Article> = ready
            .iter()
            .map(|(i, p, source)| crate::db::bulk::Article {
                raw: RawInput {
                    content: &p.raw,
                    format: p.format,
                    source_name: Some(source),
                },
                article: &p.article,
                published_on: p.published_on,
                extraction: &p.extraction,
                follows_in_input: batch[*i].follows_in_input,
                vectors: vectors.get(*i).and_then(Option::as_ref),
            })
            .collect();
        // Article `i` of `articles` again, when the names grown since change it.
        let redo = |i: usize, now: &Gazetteer| {
            let p = ready[i].1;
            (!p.probes.same_answers(&then, now)).then(|| ingest::extract_with(&p.article, now))
        };
        let mut stored: Vec<Option<Result<Stored, LoadError>>> =
            (0..batch.len()).map(|_| None).collect();
        let known = Arc::make_mut(&mut self.known);
        let mut growing = crate::db::bulk::Growing { known, redo: &redo };
        let mut failed = false;
        match crate::db::bulk::write_batch(&mut self.conn, &articles, Some(&mut growing)) {
            Ok(outcomes) => {
                for ((i, _, _), outcome) in ready.iter().zip(outcomes) {
                    stored[*i] = Some(Ok(outcome));
                }
            }
            Err(e) if articles.len() == 1 => {
                failed = true;
                stored[ready[0].0] = Some(Err(e.into()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "a batch failed; writing its articles one by one");
                failed = true;
                self.reload();
                for (n, ((i, _, _), article)) in ready.iter().zip(&articles).enumerate() {
                    // Alone, each article is its own input; the names are read again
                    // after each failure.
                    let known = Arc::make_mut(&mut self.known);
                    let redo_one = |_: usize, now: &Gazetteer| redo(n, now);
                    let mut growing = crate::db::bulk::Growing {
                        known,
                        redo: &redo_one,
                    };
                    let mut alone = article.clone();
                    alone.follows_in_input = false;
                    let one = crate::db::bulk::write_batch(
                        &mut self.conn,
                        std::slice::from_ref(&alone),
                        Some(&mut growing),
                    );
                    if one.is_err() {
                        self.reload();
                    }
                    stored[*i] = Some(one.map_err(Into::into).and_then(|mut v| {
                        v.pop()
                            .ok_or(LoadError::Database(diesel::result::Error::NotFound))
                    }));
                }
            }
        }
        if failed && articles.len() == 1 {
            self.reload();
        }
        *self.shared.lock().unwrap_or_else(PoisonError::into_inner) = self.known.clone();
        self.batches += 1;
        if self.batches == self.next_analyze {
            // Autovacuum may be off: without statistics the planner would keep treating
            // the growing tables as empty. After batches 1, 4, 16, 64, ...
            if let Err(e) = crate::db::bulk::analyze(&mut self.conn) {
                tracing::warn!(error = %e, "ANALYZE failed");
            }
            self.next_analyze *= 4;
        }
        batch
            .into_iter()
            .zip(stored)
            .map(|(p, s)| BulkOutcome {
                file: p.file,
                label: p.label,
                result: match (p.result, s) {
                    (Err(e), _) => Err(e),
                    (Ok(_), Some(r)) => r,
                    (Ok(_), None) => Err(LoadError::Database(diesel::result::Error::NotFound)),
                },
                size: p.size,
            })
            .collect()
    }
}

impl BulkWriter {
    /// Reads the names again (a failed batch left them grown by what it did not store).
    fn reload(&mut self) {
        match crate::db::gazetteer::load_sync(&mut self.conn) {
            Ok(known) => self.known = Arc::new(known),
            Err(e) => tracing::warn!(error = %e, "cannot read the archive's names"),
        }
    }
}

/// Loads `inputs` in batches: each batch is prepared on `jobs` threads while the previous
/// one is written ([`crate::db::bulk`], one transaction per batch). `on_batch` gets each
/// batch's outcomes, in input order. Blocking: run it off the async runtime.
pub fn bulk_load(
    database_url: &str,
    inputs: impl Iterator<Item = BulkInput>,
    options: &BulkOptions,
    mut on_batch: impl FnMut(Vec<BulkOutcome>) + Send,
) -> Result<(), LoadError> {
    let mut writer = BulkWriter::connect(database_url, options.fast_commit)?;
    // A second connection computes each batch's search vectors (`to_tsvector`, a third of
    // the writer's time when it computed them itself) while the writer stores the batch
    // before.
    let mut vectorizer = {
        use diesel::Connection;
        diesel::PgConnection::establish(database_url).map_err(|e| LoadError::Pool(e.to_string()))?
    };
    let shared = writer.shared.clone();
    let mut inputs = inputs.peekable();
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<PreparedBatch>(1);
        let (jobs, to_vectorize) = std::sync::mpsc::sync_channel::<VectorJob>(1);
        s.spawn(move || vectorize(&mut vectorizer, to_vectorize));
        let writing = s.spawn(move || {
            for batch in rx {
                on_batch(writer.write(batch));
            }
        });
        while inputs.peek().is_some() {
            let chunk: Vec<BulkInput> = inputs.by_ref().take(options.batch_size.max(1)).collect();
            let known = shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let inputs = prepare_batch(chunk, options.jobs, &options.overrides, &known);
            let texts = (inputs.iter())
                .map(|p| {
                    (p.result.as_ref().ok()).map(|r| VectorTexts::of(&r.article, &r.extraction))
                })
                .collect();
            let (reply, vectors) = std::sync::mpsc::channel();
            if jobs.send((texts, reply)).is_err() {
                break;
            }
            let batch = PreparedBatch {
                inputs,
                known,
                vectors,
            };
            if tx.send(batch).is_err() {
                break;
            }
        }
        drop((tx, jobs));
        writing
            .join()
            .map_err(|_| LoadError::Io("the bulk writer stopped".into()))
    })
}
