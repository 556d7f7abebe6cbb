//! The `archive` command line: each subcommand owns its options and its `run`.

use clap::{Parser, Subcommand};

use crate::config::Config;

/// news-archive: a GraphQL archive of press articles and of the people, organizations
/// and quotes inside them.
#[derive(Debug, Parser)]
#[command(name = "archive", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (GraphiQL at /), creating and migrating the database first.
    Serve(ServeArgs),
    /// Create the database if missing and apply pending migrations.
    Migrate(MigrateArgs),
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    PrintSchema,
    /// Ingest print views, JSON or NDJSON files (files, directories, `-` for stdin).
    Ingest(crate::commands::IngestArgs),
    /// Print what extraction finds in files, in the scoring format, without a database.
    Extract(crate::commands::ExtractArgs),
    /// Generate a deterministic synthetic corpus and ingest it.
    Seed(crate::commands::SeedArgs),
    /// Re-run extraction over every stored raw text with the current extractor.
    Reextract,
    /// Manage API keys: create (prints the token once), list, revoke.
    Keys(crate::admin::KeysArgs),
    /// Export a dataset with the API's filters as NDJSON, CSV or Parquet.
    Export(Box<crate::export::cli::ExportArgs>),
    /// Register trusted GraphQL documents (persisted queries): add FILE.graphql..., list.
    Documents(crate::documents::DocumentsArgs),
}

/// Options of `archive serve`.
#[derive(Debug, clap::Args, Default)]
pub struct ServeArgs {
    /// Listen here instead of BIND_ADDR.
    #[arg(long)]
    pub bind: Option<std::net::SocketAddr>,
}

/// Options of `archive migrate`.
#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// Revert every migration and apply them again (destroys all data).
    #[arg(long)]
    pub redo: bool,
}

impl Cli {
    /// Runs the chosen command.
    pub async fn run(self, config: Config) -> anyhow::Result<()> {
        match self.command.unwrap_or(Command::Serve(ServeArgs::default())) {
            Command::Serve(args) => serve(config, args).await,
            Command::Migrate(args) => migrate(config, args).await,
            Command::PrintSchema => {
                print!("{}", crate::graphql::sdl());
                Ok(())
            }
            Command::Ingest(args) => crate::commands::ingest(config, args).await,
            Command::Extract(args) => crate::commands::extract(args),
            Command::Seed(args) => crate::commands::seed(config, args).await,
            Command::Reextract => crate::commands::reextract(config).await,
            Command::Keys(args) => crate::admin::keys(config, args).await,
            Command::Export(args) => crate::export::cli::run(config, *args).await,
            Command::Documents(args) => crate::documents::run(config, args).await,
        }
    }
}

async fn serve(mut config: Config, args: ServeArgs) -> anyhow::Result<()> {
    if let Some(bind) = args.bind {
        config.bind_addr = bind;
    }
    crate::db::prepare(&config.database_url).await?;
    crate::commands::seed_demo_if_empty(&config).await?;
    let db = crate::db::Db::from_config(&config)?;
    let server = crate::http::Server::bind(config, db)?;
    tracing::info!(
        "serving GraphQL at http://{0}/graphql (GraphiQL at http://{0}/)",
        server.addr()
    );
    server.run().await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(config: Config, args: MigrateArgs) -> anyhow::Result<()> {
    crate::db::create_database_if_missing(&config.database_url).await?;
    if args.redo {
        let reverted = crate::db::revert_all_migrations(&config.database_url).await?;
        println!("reverted {reverted} migrations");
    }
    let applied = crate::db::run_migrations(&config.database_url).await?;
    println!(
        "{applied} migrations applied; {} is up to date",
        crate::db::describe_url(&config.database_url)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_means_serve() {
        let cli = Cli::try_parse_from(["archive"]).expect("parses");
        assert!(cli.command.is_none());
    }
}
