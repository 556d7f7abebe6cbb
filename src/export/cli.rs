//! `archive export DATASET --format ndjson|csv|parquet [--out FILE] [filters]`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use super::{Export, Format, filter};
use crate::config::Config;
use crate::db::export::Dataset;

/// What to export, on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DatasetArg {
    /// Articles (newest first), filtered like `articles`.
    Articles,
    /// Quotes (newest first), filtered like `quotes`.
    Quotes,
    /// People; with an article filter, those mentioned in matching articles.
    People,
    /// Organizations; with an article filter, those mentioned in matching articles.
    Organizations,
    /// Mentions of people and organizations in articles matching the filter.
    Mentions,
}

impl From<DatasetArg> for Dataset {
    fn from(arg: DatasetArg) -> Self {
        match arg {
            DatasetArg::Articles => Self::Articles,
            DatasetArg::Quotes => Self::Quotes,
            DatasetArg::People => Self::People,
            DatasetArg::Organizations => Self::Organizations,
            DatasetArg::Mentions => Self::Mentions,
        }
    }
}

/// Output formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// One JSON object per line.
    Ndjson,
    /// Comma-separated values with a header line.
    Csv,
    /// Apache Parquet with typed columns.
    Parquet,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Ndjson => Self::Ndjson,
            FormatArg::Csv => Self::Csv,
            FormatArg::Parquet => Self::Parquet,
        }
    }
}

/// Options of `archive export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    pub dataset: DatasetArg,
    /// The file format.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// Write here (replaced only once the export is complete) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Filter fields, as the API's `ArticleFilter` (or `QuoteFilter` for quotes) takes them.
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// The filter of an export: each flag is a field of the API's filter; `--filter` takes a
/// whole filter as JSON (`and`, `or`, `not`, a quote filter's `articles`).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Filter (the API's ArticleFilter; QuoteFilter for quotes)")]
pub struct FilterArgs {
    /// A whole filter as JSON, e.g. '{"or": [{"tag": "ukraine"}, {"search": "Kyiv"}]}'.
    #[arg(long, value_name = "JSON")]
    pub filter: Option<String>,
    /// Full text (web-search syntax): articles' title and body, quotes' words.
    #[arg(long)]
    pub search: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub published_from: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub published_to: Option<String>,
    /// Articles: in this outlet (slug or name).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Articles: in this section or its sub-sections.
    #[arg(long)]
    pub section: Option<String>,
    /// Articles: carrying this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Articles: of this kind (TRANSLATION, SUMMARY, ORIGINAL).
    #[arg(long)]
    pub kind: Option<String>,
    /// Articles: written by this person.
    #[arg(long)]
    pub author: Option<String>,
    /// Articles: filed from this place.
    #[arg(long)]
    pub dateline: Option<String>,
    /// Articles: mentioning this person.
    #[arg(long)]
    pub mentions_person: Option<String>,
    /// Articles: mentioning this organization.
    #[arg(long)]
    pub mentions_organization: Option<String>,
    /// Articles: quoting this speaker.
    #[arg(long)]
    pub quoted_speaker: Option<String>,
    /// Quotes: said by this person or organization.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Quotes: only unnamed sources (true) or only named speakers (false).
    #[arg(long, value_name = "BOOL")]
    pub unnamed: Option<bool>,
    /// Quotes: in this article (global ID).
    #[arg(long, value_name = "ID")]
    pub article: Option<String>,
    /// Quotes: from articles mentioning this person or organization.
    #[arg(long)]
    pub mentions: Option<String>,
}

impl FilterArgs {
    /// The flags as (API field, value) pairs, as the HTTP endpoint takes them.
    pub fn params(&self) -> Vec<(String, String)> {
        let fields: [(&str, Option<String>); 17] = [
            (filter::FILTER_PARAM, self.filter.clone()),
            ("search", self.search.clone()),
            ("publishedFrom", self.published_from.clone()),
            ("publishedTo", self.published_to.clone()),
            ("outlet", self.outlet.clone()),
            ("section", self.section.clone()),
            ("tag", self.tag.clone()),
            ("kind", self.kind.clone()),
            ("author", self.author.clone()),
            ("dateline", self.dateline.clone()),
            ("mentionsPerson", self.mentions_person.clone()),
            ("mentionsOrganization", self.mentions_organization.clone()),
            ("quotedSpeaker", self.quoted_speaker.clone()),
            ("speaker", self.speaker.clone()),
            ("unnamed", self.unnamed.map(|b| b.to_string())),
            ("article", self.article.clone()),
            ("mentions", self.mentions.clone()),
        ];
        fields
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name.to_owned(), v)))
            .collect()
    }
}

/// `archive export`: streams the export to `--out` or standard output; prints the row
/// count to standard error.
pub async fn run(config: Config, args: ExportArgs) -> anyhow::Result<()> {
    let dataset = Dataset::from(args.dataset);
    let rows = filter::rows(dataset, &args.filter.params())
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let db = crate::db::Db::with(
        &config.database_url,
        &config.read_database_urls,
        1,
        config.statement_timeout,
        config.db_timeouts,
    )?;
    let mut export = Export::open(&db, &rows, args.format.into())
        .await
        .map_err(|e| anyhow::anyhow!("cannot start the export: {}", e.message))?;
    let partial = args.out.as_ref().map(|out| {
        let mut name = out.clone().into_os_string();
        name.push(".partial");
        PathBuf::from(name)
    });
    let mut sink: Box<dyn Write + Send> = match &partial {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    loop {
        let chunk = export
            .next_chunk()
            .await
            .map_err(|e| anyhow::anyhow!("the export failed: {}", e.message))?;
        let Some(chunk) = chunk else { break };
        // Writing may block (a pipe, a slow disk): off the async workers.
        sink = tokio::task::spawn_blocking(move || sink.write_all(&chunk).map(|()| sink))
            .await
            .context("writer thread")?
            .context("writing the export")?;
    }
    tokio::task::spawn_blocking(move || sink.flush())
        .await
        .context("writer thread")?
        .context("writing the export")?;
    if let (Some(partial), Some(out)) = (&partial, &args.out) {
        std::fs::rename(partial, out)
            .with_context(|| format!("{}: cannot replace", out.display()))?;
    }
    eprintln!("{} {} exported", export.rows(), dataset.name());
    Ok(())
}
