//! Typed configuration, read once from the environment (and `.env` if present) and
//! passed down. Every variable is documented with its default in `.env.example`.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

/// A variable that is set but cannot be used; the message names it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{name}: {problem} (got {value:?}; see .env.example)")]
pub struct ConfigError {
    /// The environment variable.
    pub name: &'static str,
    /// The value that was found.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

/// Everything the service and the CLI need to know about their surroundings.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: the primary PostgreSQL database (created if missing).
    pub database_url: String,
    /// `READ_DATABASE_URLS` (comma-separated; `READ_DATABASE_URL` for one): read
    /// replicas for queries, used in turn while they answer. Empty: queries read the
    /// primary.
    pub read_database_urls: Vec<String>,
    /// `BIND_ADDR`: where `archive serve` listens.
    pub bind_addr: SocketAddr,
    /// `HTTP_WORKERS`: actix worker threads; 0 means one per core.
    pub http_workers: usize,
    /// `DATABASE_POOL_SIZE`: connections per pool.
    pub pool_size: usize,
    /// `DATABASE_POOL_SHED_MS`: when a new GraphQL request over HTTP would wait for a
    /// database connection longer than this (requests recently waited longer on average,
    /// or more wait than the pools hand out in this time), it is refused at once (503
    /// `SERVER_BUSY`) instead of queueing. Default: three quarters of
    /// `DATABASE_POOL_WAIT_MS`.
    pub pool_shed_wait: Duration,
    /// `STATEMENT_TIMEOUT_MS`: per-request `statement_timeout`.
    pub statement_timeout: Duration,
    /// `DATABASE_POOL_WAIT_MS`, `DATABASE_CONNECT_TIMEOUT_MS`, `DATABASE_TIMEOUT_MARGIN_MS`:
    /// client-side bounds on database calls.
    pub db_timeouts: crate::db::Timeouts,
    /// `DEMO_ARTICLES`: articles generated on an empty database at start-up (0: none).
    pub demo_articles: u64,
    /// `GRAPHQL_INTROSPECTION`: whether introspection (and field suggestions) is on.
    pub introspection: bool,
    /// `ALLOW_ANONYMOUS_READS`: whether queries without an API key are answered.
    pub anonymous_reads: bool,
    /// `MAX_BODY_BYTES`: largest accepted request body.
    pub max_body_bytes: usize,
    /// `GRAPHQL_MAX_DEPTH`: deepest accepted selection.
    pub max_depth: usize,
    /// `GRAPHQL_MAX_COMPLEXITY`: highest accepted query cost.
    pub max_complexity: usize,
    /// `GRAPHQL_MAX_ALIASES`: most aliases in one operation.
    pub max_aliases: usize,
    /// `GRAPHQL_MAX_FIELDS`: most field selections in one operation.
    pub max_fields: usize,
    /// `GRAPHQL_MAX_BATCH`: most operations in one batched request.
    pub max_batch: usize,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `HTTP_CACHE_MAX_AGE`: seconds anonymous GET reads may be cached (0: revalidate).
    pub http_cache_max_age: u64,
    /// `TRUSTED_DOCUMENTS_ONLY`: run only documents an admin registered.
    pub trusted_documents_only: bool,
    /// `RATE_LIMIT_COST_PER_MINUTE`: query cost each key or anonymous address may spend
    /// per minute (0: no limit).
    pub rate_limit_cost_per_minute: u64,
    /// `REDIS_URL`: where rate limits are shared between replicas.
    pub redis_url: String,
    /// `RATE_LIMIT_KEY_PREFIX`: the start of every Redis key the rate limits write.
    pub rate_limit_key_prefix: String,
    /// `EXPORT_MAX_CONCURRENT`: HTTP exports running at once; more are refused
    /// (`SERVER_BUSY`, HTTP 503 with `Retry-After`).
    pub export_max_concurrent: usize,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err("expected `text` or `json`".into()),
        }
    }
}

/// The default Redis, which every machine of ours runs.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// The default database: the local server, database `news_archive`.
pub const DEFAULT_DATABASE_URL: &str = "postgres://127.0.0.1:5432/news_archive";

impl Config {
    /// Reads `.env` (if present) and then the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        // A missing .env is normal; a malformed one is not worth aborting for.
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any variable source (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &'static str, default: &str| -> String {
            get(name)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        fn parse<T: FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.trim().parse().map_err(|e: T::Err| ConfigError {
                name,
                problem: e.to_string(),
                value,
            })
        }
        fn boolean(name: &'static str, value: String) -> Result<bool, ConfigError> {
            match value.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(ConfigError {
                    name,
                    value,
                    problem: "expected true or false".into(),
                }),
            }
        }
        let database_url = var("DATABASE_URL", DEFAULT_DATABASE_URL);
        check_postgres_url("DATABASE_URL", &database_url)?;
        let mut read_database_urls = Vec::new();
        for name in ["READ_DATABASE_URLS", "READ_DATABASE_URL"] {
            for url in get(name).unwrap_or_default().split(',').map(str::trim) {
                if url.is_empty() {
                    continue;
                }
                check_postgres_url(name, url)?;
                if !read_database_urls.iter().any(|u| u == url) {
                    read_database_urls.push(url.to_owned());
                }
            }
        }
        let millis = |name: &'static str, default: &str| -> Result<Duration, ConfigError> {
            Ok(Duration::from_millis(
                positive(name, var(name, default))? as u64
            ))
        };
        let pool_wait = millis("DATABASE_POOL_WAIT_MS", "2000")?;
        let pool_shed_wait = millis(
            "DATABASE_POOL_SHED_MS",
            &(pool_wait.as_millis() * 3 / 4).max(1).to_string(),
        )?;
        Ok(Self {
            database_url,
            read_database_urls,
            bind_addr: parse("BIND_ADDR", var("BIND_ADDR", "127.0.0.1:8080"))?,
            http_workers: parse("HTTP_WORKERS", var("HTTP_WORKERS", "0"))?,
            pool_size: positive("DATABASE_POOL_SIZE", var("DATABASE_POOL_SIZE", "16"))?,
            pool_shed_wait,
            statement_timeout: Duration::from_millis(positive(
                "STATEMENT_TIMEOUT_MS",
                var("STATEMENT_TIMEOUT_MS", "5000"),
            )? as u64),
            db_timeouts: crate::db::Timeouts {
                pool_wait,
                connect: millis("DATABASE_CONNECT_TIMEOUT_MS", "2000")?,
                margin: millis("DATABASE_TIMEOUT_MARGIN_MS", "500")?,
                replica_max_lag: millis("READ_REPLICA_MAX_LAG_MS", "10000")?,
            },
            demo_articles: parse("DEMO_ARTICLES", var("DEMO_ARTICLES", "300"))?,
            introspection: boolean(
                "GRAPHQL_INTROSPECTION",
                var("GRAPHQL_INTROSPECTION", "true"),
            )?,
            anonymous_reads: boolean(
                "ALLOW_ANONYMOUS_READS",
                var("ALLOW_ANONYMOUS_READS", "true"),
            )?,
            max_body_bytes: positive("MAX_BODY_BYTES", var("MAX_BODY_BYTES", "2097152"))?,
            max_depth: positive("GRAPHQL_MAX_DEPTH", var("GRAPHQL_MAX_DEPTH", "10"))?,
            max_complexity: positive(
                "GRAPHQL_MAX_COMPLEXITY",
                var("GRAPHQL_MAX_COMPLEXITY", "5000"),
            )?,
            max_aliases: positive("GRAPHQL_MAX_ALIASES", var("GRAPHQL_MAX_ALIASES", "30"))?,
            max_fields: positive("GRAPHQL_MAX_FIELDS", var("GRAPHQL_MAX_FIELDS", "500"))?,
            max_batch: positive("GRAPHQL_MAX_BATCH", var("GRAPHQL_MAX_BATCH", "10"))?,
            log_format: parse("LOG_FORMAT", var("LOG_FORMAT", "text"))?,
            http_cache_max_age: parse("HTTP_CACHE_MAX_AGE", var("HTTP_CACHE_MAX_AGE", "60"))?,
            trusted_documents_only: boolean(
                "TRUSTED_DOCUMENTS_ONLY",
                var("TRUSTED_DOCUMENTS_ONLY", "false"),
            )?,
            rate_limit_cost_per_minute: parse(
                "RATE_LIMIT_COST_PER_MINUTE",
                var("RATE_LIMIT_COST_PER_MINUTE", "50000"),
            )?,
            redis_url: var("REDIS_URL", DEFAULT_REDIS_URL),
            rate_limit_key_prefix: var("RATE_LIMIT_KEY_PREFIX", "news-archive:ratelimit:"),
            export_max_concurrent: positive(
                "EXPORT_MAX_CONCURRENT",
                var("EXPORT_MAX_CONCURRENT", "2"),
            )?,
        })
    }
}

fn positive(name: &'static str, value: String) -> Result<usize, ConfigError> {
    match value.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(ConfigError {
            name,
            value,
            problem: "expected a positive whole number".into(),
        }),
    }
}

fn check_postgres_url(name: &'static str, url: &str) -> Result<(), ConfigError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(())
    } else {
        Err(ConfigError {
            name,
            value: url.to_owned(),
            problem: "expected a postgres:// URL".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_point_at_the_local_server() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.bind_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.pool_size, 16);
        assert!(c.introspection);
        assert!(c.anonymous_reads);
        assert!(c.read_database_urls.is_empty());
        assert_eq!(c.db_timeouts.margin, Duration::from_millis(500));
        assert_eq!(c.rate_limit_cost_per_minute, 50_000);
        assert_eq!(c.redis_url, DEFAULT_REDIS_URL);
        assert_eq!(c.export_max_concurrent, 2);
        assert_eq!(c.pool_shed_wait, Duration::from_millis(1500));
        assert_eq!(c.db_timeouts.replica_max_lag, Duration::from_secs(10));
    }

    #[test]
    fn load_is_shed_at_three_quarters_of_the_pool_wait_unless_set() {
        let c = config(&[("DATABASE_POOL_WAIT_MS", "300")]).expect("valid");
        assert_eq!(c.pool_shed_wait, Duration::from_millis(225));
        let c = config(&[
            ("DATABASE_POOL_WAIT_MS", "300"),
            ("DATABASE_POOL_SHED_MS", "70"),
        ])
        .expect("valid");
        assert_eq!(c.pool_shed_wait, Duration::from_millis(70));
        let c = config(&[("READ_REPLICA_MAX_LAG_MS", "250")]).expect("valid");
        assert_eq!(c.db_timeouts.replica_max_lag, Duration::from_millis(250));
    }

    #[test]
    fn errors_name_the_variable() {
        let err = config(&[("BIND_ADDR", "nowhere")]).expect_err("bad address");
        assert_eq!(err.name, "BIND_ADDR");
        assert!(err.to_string().starts_with("BIND_ADDR: "));
        let err = config(&[("DATABASE_POOL_SIZE", "0")]).expect_err("zero pool");
        assert_eq!(err.name, "DATABASE_POOL_SIZE");
        let err = config(&[("GRAPHQL_INTROSPECTION", "maybe")]).expect_err("bad bool");
        assert_eq!(err.name, "GRAPHQL_INTROSPECTION");
        let err = config(&[("EXPORT_MAX_CONCURRENT", "0")]).expect_err("no exports");
        assert_eq!(err.name, "EXPORT_MAX_CONCURRENT");
        let err = config(&[("DATABASE_URL", "mysql://x")]).expect_err("bad url");
        assert_eq!(err.name, "DATABASE_URL");
    }

    #[test]
    fn read_replicas_come_from_either_variable_without_repeats() {
        let c = config(&[("READ_DATABASE_URL", "postgres://replica/db")]).expect("valid");
        assert_eq!(c.read_database_urls, ["postgres://replica/db"]);
        let c = config(&[
            (
                "READ_DATABASE_URLS",
                "postgres://a/db, postgres://b/db,,postgres://a/db",
            ),
            ("READ_DATABASE_URL", "postgres://c/db"),
        ])
        .expect("valid");
        assert_eq!(
            c.read_database_urls,
            ["postgres://a/db", "postgres://b/db", "postgres://c/db"]
        );
        let err =
            config(&[("READ_DATABASE_URLS", "postgres://a/db,mysql://b")]).expect_err("bad url");
        assert_eq!(err.name, "READ_DATABASE_URLS");
        let err = config(&[("DATABASE_TIMEOUT_MARGIN_MS", "0")]).expect_err("zero");
        assert_eq!(err.name, "DATABASE_TIMEOUT_MARGIN_MS");
    }
}
