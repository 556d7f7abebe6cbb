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
pub mod gazetteer;
pub mod notify;
pub mod persisted_document;
pub mod raw;
pub mod read;
pub mod replicas;
pub mod request;
pub mod rules;
pub mod schema;
pub mod sql;
pub mod store;

use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use futures_util::FutureExt;

use crate::error::{AppError, AppResult};

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pooled async connection.
pub type Conn = Object<AsyncPgConnection>;

/// Counters about the database traffic of one process (exported on `/metrics`).
#[derive(Debug, Default)]
pub struct DbStats {
    statements: AtomicU64,
    /// How long requests recently waited for a pooled connection: a moving average, in
    /// microseconds, each checkout weighing a sixteenth (a few slow checkouts among
    /// quick ones do not move it much; a queue that stays long does).
    queue_delay_us: AtomicU64,
    /// Checkouts waiting for a pooled connection now, over every pool.
    waiting: AtomicUsize,
    /// Checkouts that got a connection since start.
    checkouts: AtomicU64,
    /// The current rate window: its start (microseconds since [`EPOCH`]) and the
    /// checkouts counted before it.
    window_start_us: AtomicU64,
    window_checkouts: AtomicU64,
    /// Checkouts per second over the last window, in thousandths; 0 while unknown.
    rate_milli: AtomicU64,
}

/// The instant rate windows are counted from.
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

/// How long a rate window lasts at least, and at most for its rate to count: a window
/// that spans an idle gap says nothing about how fast the pools drain under load.
const RATE_WINDOW_US: u64 = 250_000;
const RATE_WINDOW_MAX_US: u64 = 1_000_000;
/// With no rate known, how many pools' worth of waiting checkouts is too many: far more
/// than a steady load of clients keeps waiting (64 clients on a pool of 16 keep about 48).
const CROWD: usize = 8;
/// Fewest checkouts in a window for its rate to count.
const RATE_MIN_CHECKOUTS: u64 = 8;

/// One checkout's place in the waiting count, given back however the wait ends (with a
/// connection, a timeout, or the request dropped).
pub struct Waiting<'a>(&'a DbStats);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

impl DbStats {
    /// Counts a checkout as waiting until the guard drops.
    pub fn begin_wait(&self) -> Waiting<'_> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Waiting(self)
    }

    /// Checkouts waiting for a connection now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Counts a checkout that got its connection.
    pub fn record_checkout(&self) {
        let now = u64::try_from(EPOCH.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.record_checkout_at(now);
    }

    fn record_checkout_at(&self, now_us: u64) {
        let count = self.checkouts.fetch_add(1, Ordering::Relaxed) + 1;
        let start = self.window_start_us.load(Ordering::Relaxed);
        let span = now_us.saturating_sub(start);
        if span < RATE_WINDOW_US
            || self
                .window_start_us
                .compare_exchange(start, now_us, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let before = self.window_checkouts.swap(count, Ordering::Relaxed);
        let n = count.saturating_sub(before);
        let rate = if span <= RATE_WINDOW_MAX_US && n >= RATE_MIN_CHECKOUTS {
            n.saturating_mul(1_000_000_000) / span
        } else {
            0
        };
        self.rate_milli.store(rate, Ordering::Relaxed);
    }

    /// How long a new checkout would wait, from the checkouts ahead of it and how fast the
    /// pools handed out connections in the last window; `None` while fewer than
    /// `at_least` wait (the pools are not the bottleneck). With no rate yet (a crowd
    /// arriving at an idle server), [`Duration::MAX`] once [`CROWD`] times `at_least`
    /// wait, else `None`.
    pub fn predicted_wait(&self, at_least: usize) -> Option<Duration> {
        let waiting = self.waiting();
        let rate = self.rate_milli.load(Ordering::Relaxed);
        if waiting < at_least.max(1) {
            return None;
        }
        if rate == 0 {
            return (waiting >= at_least.max(1).saturating_mul(CROWD)).then_some(Duration::MAX);
        }
        let waiting = u64::try_from(waiting).unwrap_or(u64::MAX);
        Some(Duration::from_micros(
            waiting.saturating_mul(1_000_000_000) / rate,
        ))
    }

    /// SQL statements sent since start.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Adds one request's wait for a pooled connection (also a wait that timed out) to
    /// the queue delay.
    pub fn record_wait(&self, waited: Duration) {
        let sample = u64::try_from(waited.as_micros()).unwrap_or(u64::MAX);
        // Racing updates may lose a sample; the average stays an average.
        let old = self.queue_delay_us.load(Ordering::Relaxed);
        let new = old - old / 16 + sample / 16;
        self.queue_delay_us.store(new, Ordering::Relaxed);
    }

    /// How long requests recently waited for a pooled connection.
    pub fn queue_delay(&self) -> Duration {
        Duration::from_micros(self.queue_delay_us.load(Ordering::Relaxed))
    }
}

tokio::task_local! {
    /// Statements sent by the task inside [`count_statements`].
    static TASK_STATEMENTS: std::cell::Cell<u64>;
}

/// Runs `work` and counts the SQL statements it sends, on any pool. diesel-async records
/// a statement when the query is issued, in the task that issues it, so a task-local
/// counter sees exactly the request's own statements (not those of concurrent requests
/// on other workers), with no lock.
pub async fn count_statements<T>(work: impl std::future::Future<Output = T>) -> (T, u64) {
    TASK_STATEMENTS
        .scope(std::cell::Cell::new(0), async {
            let out = work.await;
            (out, TASK_STATEMENTS.with(std::cell::Cell::get))
        })
        .await
}

/// Client-side bounds on database calls, so that a database that stops answering
/// (frozen, cut off) turns into quick `SERVICE_UNAVAILABLE` errors instead of requests
/// that hang for as long as it does. PostgreSQL's own `statement_timeout` cannot help
/// there: it needs a server that runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest wait for a free pooled connection.
    pub pool_wait: Duration,
    /// Longest time to open and set up a new connection.
    pub connect: Duration,
    /// Added to the statement timeout: a call that has not answered by then will not.
    pub margin: Duration,
    /// How far behind the primary a read replica may replay before it gets no reads.
    pub replica_max_lag: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            pool_wait: Duration::from_secs(2),
            connect: Duration::from_secs(2),
            margin: Duration::from_millis(500),
            replica_max_lag: Duration::from_secs(10),
        }
    }
}

/// The pools and what every request needs to know about them.
#[derive(Clone)]
pub struct Db {
    /// The primary: writes, and reads that must see them.
    pub write: Pool<AsyncPgConnection>,
    /// Queries: the read replicas in turn while they answer, else the primary.
    pub read: replicas::Reads,
    /// Statement counters.
    pub stats: Arc<DbStats>,
    /// `statement_timeout` applied to each request's transaction.
    pub statement_timeout: Duration,
    /// Client-side bounds.
    pub timeouts: Timeouts,
    /// The archive's names, for extraction on the single-article ingest path.
    pub gazetteer: Arc<gazetteer::Cache>,
}

impl Db {
    /// Pools for one-off commands and tests: queries on `read_url` (a replica unless it
    /// is `write_url`), default client-side timeouts.
    pub fn new(
        write_url: &str,
        read_url: &str,
        size: usize,
        statement_timeout: Duration,
    ) -> anyhow::Result<Self> {
        let replicas = if read_url == write_url {
            Vec::new()
        } else {
            vec![read_url.to_owned()]
        };
        Self::with(
            write_url,
            &replicas,
            size,
            statement_timeout,
            Timeouts::default(),
        )
    }

    /// The server's pools, as configured.
    pub fn from_config(config: &crate::config::Config) -> anyhow::Result<Self> {
        Self::with(
            &config.database_url,
            &config.read_database_urls,
            config.pool_size,
            config.statement_timeout,
            config.db_timeouts,
        )
    }

    /// Builds the pools; connections are opened lazily. Read pools are pools of their
    /// own (one per replica, and one on the primary), because their connections are set
    /// up for requests once, when they are opened: read-only, with the statement timeout,
    /// so that a request's one statement needs no transaction around it.
    pub fn with(
        write_url: &str,
        read_urls: &[String],
        size: usize,
        statement_timeout: Duration,
        timeouts: Timeouts,
    ) -> anyhow::Result<Self> {
        let stats = Arc::new(DbStats::default());
        // Writes set the timeout per transaction too; the session setting bounds the
        // primary's reads (mutation payloads, the subscription feed) and everything else.
        let write = pool(
            write_url,
            size,
            StatementCounter::new(&stats),
            timeouts,
            Some(format!(
                "SET statement_timeout = {}",
                statement_timeout.as_millis()
            )),
        )?;
        let session = format!(
            "SET default_transaction_read_only = on; SET statement_timeout = {}; SET jit = off",
            statement_timeout.as_millis()
        );
        // Each read pool counts its own statements too (`/metrics`), so that operators
        // and tests can see where queries went.
        let read_pool = |url: &str| {
            let counter = StatementCounter::new(&stats);
            let statements = counter.pool.clone();
            pool(url, size, counter, timeouts, Some(session.clone()))
                .map(|pool| replicas::ReadPool { pool, statements })
        };
        let mut replicas = Vec::with_capacity(read_urls.len());
        for url in read_urls {
            replicas.push((url.clone(), read_pool(url)?));
        }
        let read = replicas::Reads::new(
            read_pool(write_url)?,
            write_url,
            replicas,
            timeouts.replica_max_lag,
        );
        Ok(Self {
            write,
            read,
            stats,
            statement_timeout,
            timeouts,
            gazetteer: Arc::default(),
        })
    }

    /// The `SET LOCAL` that bounds every statement of a transaction on the primary.
    pub fn timeout_sql(&self) -> String {
        format!(
            "SET LOCAL statement_timeout = {}",
            self.statement_timeout.as_millis()
        )
    }

    /// How long a request's database work may take before the database counts as
    /// unreachable: the statement timeout (which a running server enforces) plus the
    /// margin.
    pub fn deadline(&self) -> Duration {
        self.statement_timeout + self.timeouts.margin
    }

    /// Runs `work` within [`Db::deadline`]; past it, `SERVICE_UNAVAILABLE`. Dropping
    /// the work drops its connections; one left inside a transaction is discarded.
    pub async fn bounded<T>(
        &self,
        work: impl std::future::Future<Output = AppResult<T>>,
    ) -> AppResult<T> {
        tokio::time::timeout(self.deadline(), work)
            .await
            .unwrap_or_else(|_| Err(AppError::unavailable()))
    }
}

fn pool(
    url: &str,
    size: usize,
    counter: StatementCounter,
    timeouts: Timeouts,
    session: Option<String>,
) -> anyhow::Result<Pool<AsyncPgConnection>> {
    let mut config = ManagerConfig::default();
    // Requests never leave a transaction open on a healthy connection, and diesel's
    // transaction check still runs (as does the check that the socket is open); a test
    // query per checkout would cost a round trip.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let counter = counter.clone();
        let session = session.clone();
        async move {
            let mut conn = AsyncPgConnection::establish(url).await?;
            if let Some(session) = &session {
                conn.batch_execute(session)
                    .await
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))?;
            }
            // Counted from here on: statements of requests, not of the set-up.
            conn.set_instrumentation(counter);
            Ok(conn)
        }
        .boxed()
    });
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    // A frozen server still completes TCP handshakes (the kernel does), so only a
    // deadline ends a connection attempt that gets no answer.
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(timeouts.pool_wait))
        .create_timeout(Some(timeouts.connect))
        .recycle_timeout(Some(timeouts.connect))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .context("building the connection pool")
}

/// Counts the statements of a pool's connections, in the process's total and the pool's.
#[derive(Clone)]
struct StatementCounter {
    all: Arc<DbStats>,
    pool: Arc<AtomicU64>,
}

impl StatementCounter {
    fn new(all: &Arc<DbStats>) -> Self {
        Self {
            all: all.clone(),
            pool: Arc::default(),
        }
    }
}

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { .. } = event {
            self.all.statements.fetch_add(1, Ordering::Relaxed);
            self.pool.fetch_add(1, Ordering::Relaxed);
            // Outside `count_statements` (migrations, the health checks) nobody counts.
            let _ = TASK_STATEMENTS.try_with(|n| n.set(n.get() + 1));
        }
    }
}

/// Whether the pool's database answers a trivial query within `within`.
pub async fn ping(pool: &Pool<AsyncPgConnection>, within: Duration) -> bool {
    let answer = async {
        match pool.get().await {
            Ok(mut conn) => conn.batch_execute("SELECT 1").await.is_ok(),
            Err(_) => false,
        }
    };
    tokio::time::timeout(within, answer).await.unwrap_or(false)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_ahead_is_predicted_from_the_queue_and_the_last_window_s_rate() {
        let stats = DbStats::default();
        // 100 checkouts in a quarter second: 400 a second.
        for i in 0..=100 {
            stats.record_checkout_at(RATE_WINDOW_US + i * 2_500);
        }
        let waits: Vec<Waiting<'_>> = (0..800).map(|_| stats.begin_wait()).collect();
        assert_eq!(stats.waiting(), 800);
        assert_eq!(stats.predicted_wait(16), Some(Duration::from_secs(2)));
        // Fewer waiting than a pool's worth: the pools are not the bottleneck.
        assert_eq!(stats.predicted_wait(1_000), None);
        drop(waits);
        assert_eq!(stats.waiting(), 0);
        assert_eq!(stats.predicted_wait(1), None);
    }

    #[test]
    fn a_window_across_an_idle_gap_or_with_few_checkouts_gives_no_rate() {
        let stats = DbStats::default();
        // 20 checkouts spread over 5 s: the window spans idle time.
        for i in 0..20 {
            stats.record_checkout_at(i * 250_000);
        }
        let gap = stats.begin_wait();
        for i in 0..20 {
            stats.record_checkout_at(10_000_000 + i * 1_000);
        }
        stats.record_checkout_at(12_000_000);
        assert_eq!(stats.predicted_wait(1), None);
        drop(gap);
        // A crowd with no rate known: eight pools' worth waiting is too many.
        let crowd: Vec<Waiting<'_>> = (0..127).map(|_| stats.begin_wait()).collect();
        assert_eq!(stats.predicted_wait(16), None);
        let last = stats.begin_wait();
        assert_eq!(stats.predicted_wait(16), Some(Duration::MAX));
        drop((crowd, last));
    }
}
