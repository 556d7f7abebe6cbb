//! The data commands of the CLI: `ingest`, `extract`, `seed`, `reextract`, and the demo
//! corpus loaded by `serve` on an empty archive.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::db::store::Stored;
use crate::ingest::{Format, MAX_INPUT_BYTES, ParseError};
use crate::load::{self, LoadError, Overrides};
use crate::records::{self, Records};

/// Input formats accepted on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Tell from the content.
    Auto,
    /// A print view (plain text).
    Print,
    /// One JSON object.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl FormatArg {
    fn format(self) -> Option<Format> {
        match self {
            Self::Auto => None,
            Self::Print => Some(Format::Print),
            Self::Json => Some(Format::Json),
            Self::Ndjson => Some(Format::Ndjson),
        }
    }
}

/// Options of `archive ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files or directories (read recursively); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How to read the inputs.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// The article's URL (also gives the date when it has a /YYYYMMDD.../ part).
    #[arg(long)]
    pub source_url: Option<String>,
    /// The date (YYYY-MM-DD), used when the text carries none.
    #[arg(long)]
    pub published_on: Option<NaiveDate>,
    /// Load in batches (one transaction per batch, prepared on all cores, written with
    /// COPY) and report per file instead of per article.
    #[arg(long)]
    pub bulk: bool,
    #[command(flatten)]
    pub batches: BatchArgs,
}

/// How a bulk load is cut and prepared.
#[derive(Debug, Clone, clap::Args)]
pub struct BatchArgs {
    /// Threads preparing articles (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Articles per batch (one transaction each).
    #[arg(long, default_value_t = 1000)]
    pub batch_size: usize,
}

impl BatchArgs {
    fn jobs(&self) -> usize {
        self.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        })
    }
}

/// Options of `archive extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print JSON (the scoring format of the corpus); the only output format.
    #[arg(long, default_value_t = true)]
    pub json: bool,
    /// Write one NAME.json per input NAME.txt into this directory instead of printing.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Options of `archive seed`.
#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// How many articles to generate.
    #[arg(long, default_value_t = 1000)]
    pub articles: u64,
    /// The corpus seed; the same seed gives the same articles.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub batches: BatchArgs,
}

fn files_under(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            files_under(&entry, out)?;
        }
    } else {
        out.push(path.to_owned());
    }
    Ok(())
}

fn progress(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {pos}/{len} articles, {per_sec}, ETA {eta}, {msg} [{elapsed_precise}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn progress_bytes(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:30} {binary_bytes}/{binary_total_bytes}, {msg}, ETA {eta} [{elapsed_precise}]",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

async fn pools(config: &Config, size: usize) -> anyhow::Result<crate::db::Db> {
    crate::db::prepare(&config.database_url).await?;
    crate::db::Db::new(
        &config.database_url,
        &config.database_url,
        size,
        config.statement_timeout,
    )
}

/// `archive ingest`: every file in its own transaction(s); a per-file summary; a
/// non-zero exit when any file failed, after processing the rest.
pub async fn ingest(config: Config, args: IngestArgs) -> anyhow::Result<()> {
    if args.bulk {
        return ingest_bulk(config, args).await;
    }
    let db = pools(&config, 2).await?;
    let mut files = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            files.push(PathBuf::from("-"));
        } else {
            files_under(path, &mut files)
                .with_context(|| format!("{}: cannot read", path.display()))?;
        }
    }
    let overrides = Overrides {
        source_url: args.source_url.clone(),
        published_on: args.published_on,
    };
    let bar = progress(Some(files.len() as u64));
    let (mut created, mut unchanged, mut failed) = (0_usize, 0_usize, 0_usize);
    let format = args.format.format();
    for file in &files {
        let name = file.display().to_string();
        let reader: std::io::Result<Box<dyn Read>> = if name == "-" {
            Ok(Box::new(std::io::stdin().lock()))
        } else {
            std::fs::File::open(file).map(|f| Box::new(f) as Box<dyn Read>)
        };
        let mut report = |label: &str, outcome: Result<Stored, LoadError>| {
            let line = match outcome {
                Ok(Stored::Created {
                    article_id,
                    slug,
                    people,
                    organizations,
                    quotes,
                }) => {
                    created += 1;
                    format!(
                        "{label}: created article {article_id} ({slug}): {people} people, {organizations} organizations, {quotes} quotes"
                    )
                }
                Ok(Stored::Unchanged { article_id }) => {
                    unchanged += 1;
                    format!("{label}: unchanged: already archived as article {article_id}")
                }
                Err(e) => {
                    failed += 1;
                    format!("{label}: error: {e}")
                }
            };
            bar.suspend(|| println!("{line}"));
        };
        match reader.and_then(|r| records::open(r, format)) {
            Err(e) => report(&name, Err(LoadError::Io(e.to_string()))),
            Ok(Records::TooLarge(size)) => report(
                &name,
                Err(ParseError::TooLarge {
                    size,
                    limit: MAX_INPUT_BYTES,
                }
                .into()),
            ),
            Ok(Records::Whole(bytes)) => {
                let results = match load::known_names(&db).await {
                    Ok(known) => load::prepare_bytes_with(&bytes, format, &overrides, &known),
                    Err(e) => vec![Err(e)],
                };
                let many = results.len() > 1;
                for (i, result) in results.into_iter().enumerate() {
                    let label = if many {
                        format!("{name}:{}", i + 1)
                    } else {
                        name.clone()
                    };
                    let outcome = match result {
                        Ok(prepared) => load::store(&db.write, &prepared, Some(&name)).await,
                        Err(e) => Err(e),
                    };
                    report(&label, outcome);
                }
            }
            Ok(Records::Lines(lines)) => {
                // One line read, parsed and stored at a time: memory stays at one article.
                for (i, line) in lines.enumerate() {
                    let label = format!("{name}:{}", i + 1);
                    let outcome = match line {
                        Err(e) => {
                            report(&label, Err(LoadError::Io(e.to_string())));
                            break;
                        }
                        Ok(Err(e)) => Err(e.into()),
                        Ok(Ok(bytes)) => {
                            let mut prepared = match load::known_names(&db).await {
                                Ok(known) => load::prepare_bytes_with(
                                    &bytes,
                                    Some(Format::Json),
                                    &overrides,
                                    &known,
                                ),
                                Err(e) => vec![Err(e)],
                            };
                            match prepared.pop() {
                                Some(Ok(prepared)) => {
                                    load::store(&db.write, &prepared, Some(&name)).await
                                }
                                Some(Err(e)) => Err(e),
                                None => continue,
                            }
                        }
                    };
                    report(&label, outcome);
                }
            }
        }
        bar.set_message(format!("{failed} errors"));
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!("{created} created, {unchanged} unchanged, {failed} failed");
    if failed > 0 {
        anyhow::bail!("{failed} input(s) failed");
    }
    Ok(())
}

/// `archive extract`: the extraction of each file in the corpus scoring format.
pub fn extract(args: ExtractArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    let mut failed = 0;
    for file in &args.files {
        let bytes =
            std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
        let text = match crate::ingest::decode(&bytes) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: error: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        let parsed = match crate::ingest::detect_format(text) {
            Format::Print => crate::ingest::parse_print(text),
            Format::Json | Format::Ndjson => crate::ingest::parse_json(text),
        };
        let article = match parsed {
            Ok(a) => a,
            Err(e) => {
                eprintln!("{}: error: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        let extraction = crate::ingest::extract(&article);
        let gold = crate::ingest::to_gold(&article, &extraction);
        let json = serde_json::to_string_pretty(&gold)?;
        match &args.out {
            Some(dir) => {
                let stem = file
                    .file_stem()
                    .map_or_else(|| "article".into(), |s| s.to_string_lossy().into_owned());
                std::fs::write(dir.join(format!("{stem}.json")), json + "\n")?;
            }
            None => println!("{json}"),
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} file(s) failed");
    }
    Ok(())
}

/// `archive seed`: generates a synthetic corpus and loads it through the bulk path.
pub async fn seed(config: Config, args: SeedArgs) -> anyhow::Result<()> {
    crate::db::prepare(&config.database_url).await?;
    let bar = progress(Some(args.articles));
    let started = Instant::now();
    let options = load::BulkOptions {
        jobs: args.batches.jobs(),
        batch_size: args.batches.batch_size,
        fast_commit: true,
        overrides: Overrides::default(),
    };
    let (url, seed, count) = (config.database_url.clone(), args.seed, args.articles);
    let worker_bar = bar.clone();
    let summary = tokio::task::spawn_blocking(move || {
        let source: Arc<str> = Arc::from("seed");
        let inputs = (0..count).map(move |index| load::BulkInput {
            file: 0,
            label: format!("seed:{index}"),
            source: source.clone(),
            work: load::BulkWork::Generated { seed, index },
            size: 1,
        });
        let mut summary = SeedSummary::default();
        load::bulk_load(&url, inputs, &options, |outcomes| {
            for outcome in outcomes {
                match outcome.result {
                    Ok(Stored::Created { .. }) => summary.created += 1,
                    Ok(Stored::Unchanged { .. }) => summary.unchanged += 1,
                    Err(e) => {
                        tracing::warn!(article = %outcome.label, error = %e, "generated article failed");
                        summary.failed += 1;
                    }
                }
                worker_bar.inc(1);
            }
        })
        .map(|()| summary)
    })
    .await
    .context("seed")??;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} created, {} unchanged, {} failed in {secs:.1} s ({:.0} articles/s)",
        summary.created,
        summary.unchanged,
        summary.failed,
        args.articles as f64 / secs.max(1e-9)
    );
    if summary.failed > 0 {
        anyhow::bail!("{} generated article(s) failed", summary.failed);
    }
    Ok(())
}

/// `archive ingest --bulk`: batches of articles across files, one transaction per batch;
/// a line per file (and per failed article), a non-zero exit when any failed.
async fn ingest_bulk(config: Config, args: IngestArgs) -> anyhow::Result<()> {
    crate::db::prepare(&config.database_url).await?;
    let mut files = Vec::new();
    for path in &args.paths {
        if path.as_os_str() == "-" {
            files.push(PathBuf::from("-"));
        } else {
            files_under(path, &mut files)
                .with_context(|| format!("{}: cannot read", path.display()))?;
        }
    }
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let bar = progress_bytes(total);
    let options = load::BulkOptions {
        jobs: args.batches.jobs(),
        batch_size: args.batches.batch_size,
        fast_commit: false,
        overrides: Overrides {
            source_url: args.source_url.clone(),
            published_on: args.published_on,
        },
    };
    let format = args.format.format();
    let url = config.database_url.clone();
    let worker_bar = bar.clone();
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let counts = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut report = BulkReport::new(names.clone());
        let inputs = bulk_inputs(&files, &names, format);
        load::bulk_load(&url, inputs, &options, |outcomes| {
            for outcome in outcomes {
                worker_bar.inc(outcome.size);
                if let Some(line) = report.add(outcome) {
                    worker_bar.suspend(|| println!("{line}"));
                }
            }
            let done = report.total();
            worker_bar.set_message(format!(
                "{done} articles, {:.0}/s",
                done as f64 / started.elapsed().as_secs_f64().max(1e-9)
            ));
        })?;
        if let Some(line) = report.finish() {
            worker_bar.suspend(|| println!("{line}"));
        }
        Ok::<_, LoadError>(report.counts)
    })
    .await
    .context("ingest")??;
    bar.finish_and_clear();
    let (created, unchanged, failed) = counts;
    println!("{created} created, {unchanged} unchanged, {failed} failed");
    if failed > 0 {
        anyhow::bail!("{failed} input(s) failed");
    }
    Ok(())
}

/// The inputs of `ingest --bulk`, read lazily: a file whole, or NDJSON line by line.
fn bulk_inputs<'a>(
    files: &'a [PathBuf],
    names: &'a [String],
    format: Option<Format>,
) -> impl Iterator<Item = load::BulkInput> + 'a {
    files.iter().enumerate().flat_map(move |(file, path)| {
        let name = names[file].clone();
        let source: Arc<str> = Arc::from(name.as_str());
        let input = move |label: String, work: load::BulkWork, size: u64| load::BulkInput {
            file,
            label,
            source: source.clone(),
            work,
            size,
        };
        let reader: std::io::Result<Box<dyn Read>> = if name == "-" {
            Ok(Box::new(std::io::stdin().lock()))
        } else {
            std::fs::File::open(path).map(|f| Box::new(f) as Box<dyn Read>)
        };
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let items: Box<dyn Iterator<Item = load::BulkInput>> =
            match reader.and_then(|r| records::open(r, format)) {
                Err(e) => Box::new(std::iter::once(input(
                    name,
                    load::BulkWork::Failed(LoadError::Io(e.to_string())),
                    size,
                ))),
                Ok(Records::TooLarge(big)) => Box::new(std::iter::once(input(
                    name,
                    load::BulkWork::Failed(
                        ParseError::TooLarge {
                            size: big,
                            limit: MAX_INPUT_BYTES,
                        }
                        .into(),
                    ),
                    size,
                ))),
                Ok(Records::Whole(bytes)) => Box::new(std::iter::once(input(
                    name,
                    load::BulkWork::Bytes { bytes, format },
                    size,
                ))),
                Ok(Records::Lines(lines)) => Box::new(
                    lines
                        .enumerate()
                        .map_while(move |(i, line)| {
                            let label = format!("{name}:{}", i + 1);
                            Some(match line {
                                Err(e) => (
                                    true,
                                    input(
                                        label,
                                        load::BulkWork::Failed(LoadError::Io(e.to_string())),
                                        0,
                                    ),
                                ),
                                Ok(Err(e)) => {
                                    (false, input(label, load::BulkWork::Failed(e.into()), 0))
                                }
                                Ok(Ok(bytes)) => {
                                    let n = bytes.len() as u64 + 1;
                                    let work = load::BulkWork::Bytes {
                                        bytes,
                                        format: Some(Format::Json),
                                    };
                                    (false, input(label, work, n))
                                }
                            })
                        })
                        // A read error ends the file after reporting it.
                        .scan(false, |stop, (last, item)| {
                            if *stop {
                                return None;
                            }
                            *stop = last;
                            Some(item)
                        }),
                ),
            };
        items
    })
}

/// Per-file counts of a bulk ingest; a file's line is printed once a later file's
/// articles arrive (inputs come in order), the failures as they come.
struct BulkReport {
    names: Vec<String>,
    current: Option<(usize, usize, usize, usize)>,
    counts: (usize, usize, usize),
}

impl BulkReport {
    fn new(names: Vec<String>) -> Self {
        Self {
            names,
            current: None,
            counts: (0, 0, 0),
        }
    }

    fn total(&self) -> usize {
        self.counts.0 + self.counts.1 + self.counts.2
    }

    fn file_line(&self) -> Option<String> {
        self.current.map(|(file, created, unchanged, failed)| {
            format!(
                "{}: {created} created, {unchanged} unchanged, {failed} failed",
                self.names[file]
            )
        })
    }

    /// Counts an outcome; a line to print, if any.
    fn add(&mut self, outcome: load::BulkOutcome) -> Option<String> {
        let mut lines = Vec::new();
        if self.current.is_some_and(|(file, ..)| file != outcome.file) {
            lines.extend(self.file_line());
            self.current = None;
        }
        let entry = self.current.get_or_insert((outcome.file, 0, 0, 0));
        match outcome.result {
            Ok(Stored::Created { .. }) => {
                entry.1 += 1;
                self.counts.0 += 1;
            }
            Ok(Stored::Unchanged { .. }) => {
                entry.2 += 1;
                self.counts.1 += 1;
            }
            Err(e) => {
                entry.3 += 1;
                self.counts.2 += 1;
                lines.push(format!("{}: error: {e}", outcome.label));
            }
        }
        (!lines.is_empty()).then(|| lines.join("\n"))
    }

    fn finish(&mut self) -> Option<String> {
        let line = self.file_line();
        self.current = None;
        line
    }
}

/// Counts of a seeding run.
#[derive(Debug, Default)]
pub struct SeedSummary {
    /// New articles.
    pub created: u64,
    /// Already there.
    pub unchanged: u64,
    /// Could not be stored.
    pub failed: u64,
}

/// Generates articles `0..count` of corpus `seed` and stores them with `jobs` workers.
pub async fn seed_corpus(
    db: &crate::db::Db,
    count: u64,
    seed: u64,
    jobs: usize,
    bar: &ProgressBar,
) -> anyhow::Result<SeedSummary> {
    let next = Arc::new(AtomicU64::new(0));
    let created = Arc::new(AtomicU64::new(0));
    let unchanged = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..jobs {
        let (next, created, unchanged, failed) = (
            next.clone(),
            created.clone(),
            unchanged.clone(),
            failed.clone(),
        );
        let pool = db.write.clone();
        let db = db.clone();
        let bar = bar.clone();
        workers.push(tokio::spawn(async move {
            let mut conn = pool
                .get()
                .await
                .map_err(|e| anyhow::anyhow!("database unavailable: {e}"))?;
            // Generated data can be generated again: no need to wait for each commit's
            // WAL flush (a crash loses at most the last few articles, never consistency).
            diesel_async::SimpleAsyncConnection::batch_execute(
                &mut *conn,
                "SET synchronous_commit = off",
            )
            .await?;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<(), anyhow::Error>(());
                }
                let generated = crate::synth::generate(seed, i);
                let known = load::known_names(&db).await?;
                let outcome = match load::prepare_text_with(
                    &generated.text,
                    Some(Format::Print),
                    &Overrides::default(),
                    &known,
                )
                .pop()
                {
                    Some(Ok(prepared)) => load::store_on(&mut conn, &prepared, Some("seed")).await,
                    Some(Err(e)) => Err(e),
                    None => Err(LoadError::NoDate),
                };
                match outcome {
                    Ok(Stored::Created { .. }) => created.fetch_add(1, Ordering::Relaxed),
                    Ok(Stored::Unchanged { .. }) => unchanged.fetch_add(1, Ordering::Relaxed),
                    Err(e) => {
                        tracing::warn!(index = i, error = %e, "generated article failed");
                        failed.fetch_add(1, Ordering::Relaxed);
                        0
                    }
                };
                bar.inc(1);
            }
        }));
    }
    for worker in workers {
        worker.await.context("seed worker")??;
    }
    Ok(SeedSummary {
        created: created.load(Ordering::Relaxed),
        unchanged: unchanged.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed) as u64,
    })
}

/// `serve` on an empty archive: load the demo corpus so there is something to query.
pub async fn seed_demo_if_empty(config: &Config) -> anyhow::Result<()> {
    if config.demo_articles == 0 {
        return Ok(());
    }
    let db = crate::db::Db::new(
        &config.database_url,
        &config.database_url,
        2,
        config.statement_timeout,
    )?;
    let empty = {
        let mut conn = db.write.get().await.context("database unavailable")?;
        crate::db::article::count_all(&mut conn).await? == 0
    };
    if empty {
        tracing::info!(
            articles = config.demo_articles,
            "empty archive: loading the demo corpus"
        );
        let summary = seed_corpus(&db, config.demo_articles, 1, 2, &ProgressBar::hidden()).await?;
        tracing::info!(
            created = summary.created,
            failed = summary.failed,
            "demo corpus loaded"
        );
    }
    Ok(())
}

/// `archive reextract`.
pub async fn reextract(config: Config) -> anyhow::Result<()> {
    let db = pools(&config, 1).await?;
    let bar = progress(None);
    let started = Instant::now();
    let summary = load::reextract(&db.write, |n| bar.set_position(n as u64)).await?;
    bar.finish_and_clear();
    println!(
        "re-extracted {} articles with extractor {} in {:.1} s ({} could not be parsed)",
        summary.articles,
        crate::ingest::EXTRACTOR_VERSION,
        started.elapsed().as_secs_f64(),
        summary.failed
    );
    Ok(())
}
