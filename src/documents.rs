//! Persisted GraphQL documents: the hash clients use to name them, and `archive
//! documents` to register trusted documents (the only ones that run when
//! `TRUSTED_DOCUMENTS_ONLY` is on).

use anyhow::Context as _;
use clap::Subcommand;
use diesel_async::AsyncPgConnection;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::db::persisted_document;

/// The hex SHA-256 of a document's exact text, as Apollo clients compute it.
pub fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Registers `text` as a trusted document; returns its hash.
pub async fn register(conn: &mut AsyncPgConnection, text: &str) -> anyhow::Result<String> {
    anyhow::ensure!(!text.trim().is_empty(), "the document is empty");
    async_graphql::parser::parse_query(text).context("the document is not valid GraphQL")?;
    let sha256 = hash(text);
    persisted_document::trust(conn, &sha256, text).await?;
    Ok(sha256)
}

/// Options of `archive documents`.
#[derive(Debug, clap::Args)]
pub struct DocumentsArgs {
    /// What to do with documents.
    #[command(subcommand)]
    pub command: DocumentsCommand,
}

/// The `archive documents` subcommands.
#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Register .graphql files as trusted documents; prints each one's SHA-256, which
    /// clients send as `extensions.persistedQuery.sha256Hash`.
    Add {
        /// The files; each is one document, hashed exactly as written.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// List trusted documents (hash and first line).
    List,
}

/// Runs `archive documents ...`.
pub async fn run(config: Config, args: DocumentsArgs) -> anyhow::Result<()> {
    let mut conn = crate::db::prepare_and_connect(&config.database_url).await?;
    match args.command {
        DocumentsCommand::Add { files } => {
            for file in files {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {}", file.display()))?;
                let sha256 = register(&mut conn, &text)
                    .await
                    .with_context(|| file.display().to_string())?;
                println!("{sha256}  {}", file.display());
            }
        }
        DocumentsCommand::List => {
            for doc in persisted_document::trusted(&mut conn).await? {
                let first = doc.document.lines().next().unwrap_or("");
                println!("{}  {first}", doc.sha256);
            }
        }
    }
    Ok(())
}
