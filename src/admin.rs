//! `archive keys`: create, list and revoke API keys from the command line.

use anyhow::Context as _;
use clap::Subcommand;

use crate::auth::{self, Role};
use crate::config::Config;
use crate::db::api_key;

/// Options of `archive keys`.
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    /// What to do with keys.
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// The `archive keys` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key and print its token (shown this once only).
    Create {
        /// reader, editor or admin.
        #[arg(long)]
        role: Role,
        /// Who or what the key is for; recorded with every correction made with it.
        #[arg(long)]
        name: String,
    },
    /// List keys (id, token prefix, role, name, created, revoked).
    List,
    /// Revoke a key, by id or by the token prefix shown in `list`.
    Revoke {
        /// The key's id or token prefix.
        key: String,
    },
}

/// Runs `archive keys ...`.
pub async fn keys(config: Config, args: KeysArgs) -> anyhow::Result<()> {
    let mut conn = crate::db::prepare_and_connect(&config.database_url).await?;
    match args.command {
        KeysCommand::Create { role, name } => {
            let name = name.trim();
            anyhow::ensure!(!name.is_empty(), "--name must not be blank");
            let created = auth::create_key(&mut conn, name, role)
                .await
                .map_err(|e| anyhow::anyhow!("creating the key: {}", e.message))?;
            eprintln!(
                "created {} key {} ({}); the token is shown only this once:",
                role.as_db().to_ascii_lowercase(),
                created.row.id,
                created.row.name
            );
            println!("{}", created.token);
        }
        KeysCommand::List => {
            println!(
                "{:>5}  {:<12} {:<7} {:<25} {:<25} name",
                "id", "prefix", "role", "created", "revoked"
            );
            for key in api_key::list(&mut conn).await? {
                println!(
                    "{:>5}  {:<12} {:<7} {:<25} {:<25} {}",
                    key.id,
                    key.token_prefix,
                    key.role.to_ascii_lowercase(),
                    key.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    key.revoked_at
                        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                        .unwrap_or_else(|| "-".into()),
                    key.name
                );
            }
        }
        KeysCommand::Revoke { key } => {
            let id = match key.parse::<i64>() {
                Ok(id) => id,
                Err(_) => {
                    let found = api_key::find_by_prefix(&mut conn, key.trim()).await?;
                    match found.as_slice() {
                        [one] => one.id,
                        [] => anyhow::bail!("no key has the prefix {key:?}"),
                        _ => anyhow::bail!(
                            "{} keys have the prefix {key:?}; give the id",
                            found.len()
                        ),
                    }
                }
            };
            let revoked = api_key::revoke(&mut conn, id)
                .await?
                .with_context(|| format!("no key has the id {id}"))?;
            println!("revoked key {} ({})", revoked.id, revoked.name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    #[test]
    fn keys_commands_parse() {
        let cli = Cli::try_parse_from([
            "archive", "keys", "create", "--role", "editor", "--name", "desk",
        ])
        .expect("parses");
        match cli.command {
            Some(Command::Keys(KeysArgs {
                command: KeysCommand::Create { role, name },
            })) => {
                assert_eq!(role, Role::Editor);
                assert_eq!(name, "desk");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            Cli::try_parse_from(["archive", "keys", "create", "--role", "root", "--name", "x"])
                .is_err()
        );
        assert!(Cli::try_parse_from(["archive", "keys", "revoke", "na_abc"]).is_ok());
    }
}
