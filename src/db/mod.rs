//! PostgreSQL: the pool, database creation, embedded migrations, and one module per
//! table (row types with their queries). Query functions take a connection so the
//! caller owns the transaction.

pub mod api_key;
pub mod article;
pub mod bulk;
pub mod correction;
pub mod edit;
pub mod export;
pub mod filter;
pub mod notify;
pub mod persisted_document;
pub mod raw;
pub mod read;
pub mod request;
pub mod rules;
pub mod schema;
pub mod sql;
pub mod store;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pooled async connection.
pub type Conn = Object<AsyncPgConnection>;

/// Counters about the database traffic of one process (exported on `/metrics`).
#[derive(Debug, Default)]
pub struct DbStats {
    statements: AtomicU64,
}

impl DbStats {
    /// SQL statements sent since start.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

/// Both pools and what every request needs to know about them.
#[derive(Clone)]
pub struct Db {
    /// The primary: writes, and reads that must see them.
    pub write: Pool<AsyncPgConnection>,
    /// Queries: the read replica if configured, else the primary.
    pub read: Pool<AsyncPgConnection>,
    /// Statement counters.
    pub stats: Arc<DbStats>,
    /// `statement_timeout` applied to each request's transaction.
    pub statement_timeout: Duration,
}

impl Db {
    /// Builds the pools; connections are opened lazily. The read pool is always a pool of
    /// its own (on the replica if there is one), because its connections are set up for
    /// requests once, when they are opened: read-only, with the statement timeout, so
    /// that a request's one statement needs no transaction around it.
    pub fn new(
        write_url: &str,
        read_url: &str,
        size: usize,
        statement_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let stats = Arc::new(DbStats::default());
        // Writes set the timeout per transaction too; the session setting bounds the
        // primary's reads (mutation payloads, the subscription feed) and everything else.
        let write = pool(
            write_url,
            size,
            stats.clone(),
            Some(format!(
                "SET statement_timeout = {}",
                statement_timeout.as_millis()
            )),
        )?;
        let session = format!(
            "SET default_transaction_read_only = on; SET statement_timeout = {}; SET jit = off",
            statement_timeout.as_millis()
        );
        let read = pool(read_url, size, stats.clone(), Some(session))?;
        Ok(Self {
            write,
            read,
            stats,
            statement_timeout,
        })
    }

    /// The `SET LOCAL` that bounds every statement of a transaction on the primary.
    pub fn timeout_sql(&self) -> String {
        format!(
            "SET LOCAL statement_timeout = {}",
            self.statement_timeout.as_millis()
        )
    }
}

fn pool(
    url: &str,
    size: usize,
    stats: Arc<DbStats>,
    session: Option<String>,
) -> anyhow::Result<Pool<AsyncPgConnection>> {
    let mut config = ManagerConfig::default();
    // Requests never leave a transaction open on a healthy connection, and diesel's
    // transaction check still runs; a test query per checkout would cost a round trip.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let stats = stats.clone();
        let session = session.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            if let Some(session) = &session {
                conn.batch_execute(session)
                    .await
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            }
            // Counted from here on: statements of requests, not of the set-up.
            conn.set_instrumentation(StatementCounter(stats));
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(Duration::from_secs(10)))
        .create_timeout(Some(Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .context("building the connection pool")
}

struct StatementCounter(Arc<DbStats>);

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.0.statements.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Whether the pool's database answers a trivial query.
pub async fn ping(pool: &Pool<AsyncPgConnection>) -> bool {
    match pool.get().await {
        Ok(mut conn) => conn.batch_execute("SELECT 1").await.is_ok(),
        Err(_) => false,
    }
}

/// The parts of a database URL start-up needs: the database name and where it lives.
fn split_database_url(database_url: &str) -> anyhow::Result<(url::Url, String)> {
    let url = url::Url::parse(database_url)
        .with_context(|| format!("DATABASE_URL {database_url:?} is not a URL"))?;
    let name = url.path().trim_start_matches('/').to_owned();
    anyhow::ensure!(
        !name.is_empty(),
        "DATABASE_URL {database_url:?} names no database"
    );
    Ok((url, name))
}

/// Where a URL points, for messages (no password).
pub fn describe_url(database_url: &str) -> String {
    match split_database_url(database_url) {
        Ok((url, name)) => format!(
            "{}:{} (database {name})",
            url.host_str().unwrap_or("localhost"),
            url.port().unwrap_or(5432)
        ),
        Err(_) => "the configured DATABASE_URL".into(),
    }
}

/// The URL of the `postgres` maintenance database on the same server.
pub fn maintenance_url(database_url: &str) -> anyhow::Result<String> {
    let (mut url, _) = split_database_url(database_url)?;
    url.set_path("/postgres");
    Ok(url.to_string())
}

/// A database name safe to splice into `CREATE DATABASE` / `DROP DATABASE`.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates the database of `database_url` if it does not exist. Fails with one clear
/// line if the server cannot be reached.
pub async fn create_database_if_missing(database_url: &str) -> anyhow::Result<()> {
    let (_, name) = split_database_url(database_url)?;
    let maintenance = maintenance_url(database_url)?;
    let mut conn = AsyncPgConnection::establish(&maintenance).await.map_err(|e| {
        anyhow::anyhow!(
            "cannot reach PostgreSQL at {}: {}; start it (pg_ctlcluster 15 main start) or set DATABASE_URL (see .env.example)",
            describe_url(database_url),
            e.to_string().trim()
        )
    })?;
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    use diesel_async::RunQueryDsl;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(&name)
            .get_result(&mut conn)
            .await?;
    if !found.exists {
        match conn
            .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
            .await
        {
            Ok(()) => tracing::info!(database = %name, "created database"),
            // Another process created it meanwhile.
            Err(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("already exists") => {}
            Err(e) => return Err(e).context(format!("creating database {name}")),
        }
    }
    Ok(())
}

/// Runs the pending embedded migrations (blocking libpq, so on a blocking thread), under
/// an advisory lock so that replicas starting together do not race.
pub async fn run_migrations(database_url: &str) -> anyhow::Result<usize> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut conn = diesel::PgConnection::establish(&url)
            .with_context(|| format!("connecting to {}", describe_url(&url)))?;
        conn.batch_execute("SELECT pg_advisory_lock(7412001)")?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| anyhow::anyhow!("running migrations: {e}"));
        conn.batch_execute("SELECT pg_advisory_unlock(7412001)")?;
        applied
    })
    .await
    .context("migration thread")?
}

/// Reverts every migration (used by the up-down-up test and `archive migrate --redo`).
pub async fn revert_all_migrations(database_url: &str) -> anyhow::Result<usize> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
        use diesel::Connection;
        let mut conn = diesel::PgConnection::establish(&url)?;
        let reverted = conn
            .revert_all_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("reverting migrations: {e}"))?;
        Ok(reverted.len())
    })
    .await
    .context("migration thread")?
}

/// Start-up: create the database if missing and bring its schema up to date.
pub async fn prepare(database_url: &str) -> anyhow::Result<()> {
    create_database_if_missing(database_url).await?;
    let applied = run_migrations(database_url).await?;
    if applied > 0 {
        tracing::info!(applied, "applied migrations");
    }
    Ok(())
}

/// For one-off commands: [`prepare`] the database, then open one connection to it.
pub async fn prepare_and_connect(database_url: &str) -> anyhow::Result<AsyncPgConnection> {
    prepare(database_url).await?;
    AsyncPgConnection::establish(database_url)
        .await
        .with_context(|| format!("connecting to {}", describe_url(database_url)))
}
