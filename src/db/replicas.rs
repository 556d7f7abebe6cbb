//! Where queries read: read replicas in turn, while they answer, else the primary.
//!
//! Each replica has its own pool of read connections. A background task checks every
//! replica every [`CHECK_EVERY`] on a connection of its own (not a pooled one, so that
//! busy pools cannot make a healthy replica look dead): a replica that does not answer
//! within [`CHECK_TIMEOUT`] (stopped, unreachable, frozen) gets no new reads until it
//! answers again. Nor does a replica that lags: each check also reads the primary's WAL
//! position, and a replica whose replay position is still below what the primary had
//! written more than `READ_REPLICA_MAX_LAG_MS` ago gets no reads until it catches up.
//! With no replica fit to read, queries read the primary.
//!
//! What must see the primary's latest state never comes here: writes, mutation
//! payloads (read after their commit) and the subscription feed use the write pool.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Weak;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::sql_types::{BigInt, Nullable};
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncConnection, AsyncPgConnection};

/// How often each replica is checked.
pub const CHECK_EVERY: Duration = Duration::from_millis(200);

/// How long a replica has to answer a check.
pub const CHECK_TIMEOUT: Duration = Duration::from_millis(400);

/// A pool of read connections and the count of statements sent on it.
pub struct ReadPool {
    /// The pool.
    pub pool: Pool<AsyncPgConnection>,
    /// Statements sent on its connections since start.
    pub statements: Arc<AtomicU64>,
}

impl ReadPool {
    /// Statements sent on this pool's connections since start.
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }
}

/// The pools queries read on (cheap to clone).
#[derive(Clone)]
pub struct Reads(Arc<Inner>);

struct Inner {
    /// Read connections on the primary: the fallback, and the only pool without replicas.
    primary: ReadPool,
    /// Where the checks read the primary's WAL position.
    primary_url: String,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    /// The most a replica may lag and still get reads.
    max_lag: Duration,
}

/// One read replica.
pub struct Replica {
    /// Where it is (host, port and database; no password), for logs and metrics.
    pub label: String,
    url: String,
    pool: ReadPool,
    /// Answered its last check and lags at most the allowed time: it gets reads.
    healthy: AtomicBool,
    /// How far behind the primary it replayed at its last check, in microseconds (0 when
    /// caught up or not known).
    lag_us: AtomicU64,
}

impl Reads {
    /// Queries on `replicas` (URL and pool) in turn, on `primary` (at `primary_url`)
    /// when none is fit to read. Starts the health checks when there is a replica and a
    /// Tokio runtime; they stop when the last clone is dropped.
    pub fn new(
        primary: ReadPool,
        primary_url: &str,
        replicas: Vec<(String, ReadPool)>,
        max_lag: Duration,
    ) -> Self {
        let replicas: Vec<Replica> = replicas
            .into_iter()
            .map(|(url, pool)| Replica {
                label: super::describe_url(&url),
                url,
                pool,
                // Until the first check says otherwise.
                healthy: AtomicBool::new(true),
                lag_us: AtomicU64::new(0),
            })
            .collect();
        let checked = !replicas.is_empty();
        let reads = Self(Arc::new(Inner {
            primary,
            primary_url: primary_url.to_owned(),
            replicas,
            next: AtomicUsize::new(0),
            max_lag,
        }));
        if checked && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(check_forever(Arc::downgrade(&reads.0)));
        }
        reads
    }

    /// The pool the next query reads on: the next answering replica, else the primary.
    pub fn pick(&self) -> Pool<AsyncPgConnection> {
        let replicas = &self.0.replicas;
        if !replicas.is_empty() {
            let start = self.0.next.fetch_add(1, Ordering::Relaxed);
            for i in 0..replicas.len() {
                let replica = &replicas[(start + i) % replicas.len()];
                if replica.healthy.load(Ordering::Relaxed) {
                    return replica.pool.pool.clone();
                }
            }
        }
        self.0.primary.pool.clone()
    }

    /// The primary's read pool (read-only connections with the statement timeout).
    pub fn primary(&self) -> &ReadPool {
        &self.0.primary
    }

    /// The replicas, with whether each answered its last check.
    pub fn replicas(&self) -> impl Iterator<Item = (&Replica, bool)> {
        self.0
            .replicas
            .iter()
            .map(|r| (r, r.healthy.load(Ordering::Relaxed)))
    }
}

impl Replica {
    /// Its pool.
    pub fn pool(&self) -> &ReadPool {
        &self.pool
    }

    /// How far behind the primary it was at its last check (zero when caught up or not
    /// known).
    pub fn lag(&self) -> Duration {
        Duration::from_micros(self.lag_us.load(Ordering::Relaxed))
    }
}

/// The primary's WAL positions of the last checks, oldest first: enough to tell how long
/// ago the primary had written what a replica has not replayed yet.
struct Written {
    samples: VecDeque<(Instant, i64)>,
    /// Samples older than this are dropped (a replica behind all of them lags at least
    /// that long).
    keep: Duration,
}

impl Written {
    fn new(max_lag: Duration) -> Self {
        Self {
            samples: VecDeque::new(),
            keep: max_lag + 2 * CHECK_EVERY,
        }
    }

    fn record(&mut self, at: Instant, position: i64) {
        self.samples.push_back((at, position));
        while self
            .samples
            .front()
            .is_some_and(|(t, _)| at.duration_since(*t) > self.keep)
        {
            self.samples.pop_front();
        }
    }

    /// How long ago the primary first had written past `replayed`: zero when the
    /// replica has replayed everything the checks saw.
    fn lag(&self, now: Instant, replayed: i64) -> Duration {
        self.samples
            .iter()
            .find(|(_, written)| *written > replayed)
            .map_or(Duration::ZERO, |(t, _)| now.saturating_duration_since(*t))
    }
}

/// Checks every replica, all at once, until the pools are dropped.
async fn check_forever(reads: Weak<Inner>) {
    let (count, max_lag) = match reads.upgrade() {
        Some(inner) => (inner.replicas.len(), inner.max_lag),
        None => return,
    };
    let mut conns: Vec<Option<AsyncPgConnection>> = (0..count).map(|_| None).collect();
    let mut primary_conn: Option<AsyncPgConnection> = None;
    let mut written = Written::new(max_lag);
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = reads.upgrade() else {
            return;
        };
        // The primary's position first: a replica checked after it has had at least as
        // long to replay it. Without an answer, no new sample (and no replica is judged
        // late for lack of one).
        let asked = Instant::now();
        if let Some(position) = checked_position(
            &inner.primary_url,
            &mut primary_conn,
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::int8 AS p",
        )
        .await
        .flatten()
        {
            written.record(asked, position);
        }
        let written = &written;
        let checks = inner
            .replicas
            .iter()
            .zip(conns.iter_mut())
            .map(|(replica, conn)| async move {
                // NULL when the server is not a standby: nothing to lag behind.
                let replayed = checked_position(
                    &replica.url,
                    conn,
                    "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::int8 AS p",
                )
                .await;
                let answers = replayed.is_some();
                let lag = replayed
                    .flatten()
                    .map_or(Duration::ZERO, |p| written.lag(Instant::now(), p));
                // Microseconds: a lag just over the allowed second must not read as 1.000.
                replica.lag_us.store(
                    u64::try_from(lag.as_micros()).unwrap_or(u64::MAX),
                    Ordering::Relaxed,
                );
                let fit = answers && lag <= max_lag;
                let was = replica.healthy.swap(fit, Ordering::Relaxed);
                if was != fit {
                    if fit {
                        tracing::info!(replica = %replica.label, "read replica answers and is caught up again");
                    } else if answers {
                        tracing::warn!(replica = %replica.label, lag_ms = lag.as_millis() as u64, "read replica lags behind the primary; reading elsewhere");
                    } else {
                        tracing::warn!(replica = %replica.label, "read replica does not answer; reading elsewhere");
                    }
                }
            });
        futures_util::future::join_all(checks).await;
    }
}

#[derive(diesel::QueryableByName)]
struct Position {
    #[diesel(sql_type = Nullable<BigInt>)]
    p: Option<i64>,
}

/// The position `sql` reads on the checker's connection (opened if needed), within
/// [`CHECK_TIMEOUT`]; `None` when the server does not answer in time.
async fn checked_position(
    url: &str,
    conn: &mut Option<AsyncPgConnection>,
    sql: &'static str,
) -> Option<Option<i64>> {
    let answer = tokio::time::timeout(CHECK_TIMEOUT, position(url, conn, sql))
        .await
        .ok()
        .flatten();
    if answer.is_none() {
        // A connection that missed its deadline may still have a reply coming.
        *conn = None;
    }
    answer
}

async fn position(
    url: &str,
    conn: &mut Option<AsyncPgConnection>,
    sql: &'static str,
) -> Option<Option<i64>> {
    if conn.is_none() {
        *conn = Some(AsyncPgConnection::establish(url).await.ok()?);
    }
    let c = conn.as_mut()?;
    // Called through the trait: in scope, its `load` would shadow the atomics' `load`.
    match diesel_async::RunQueryDsl::get_result::<Position>(diesel::sql_query(sql), c).await {
        Ok(row) => Some(row.p),
        Err(_) => {
            *conn = None;
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replica_lags_from_when_the_primary_first_wrote_past_its_position() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut written = Written::new(ms(1000));
        written.record(t0, 100);
        written.record(t0 + ms(200), 100);
        written.record(t0 + ms(400), 150);
        written.record(t0 + ms(600), 180);
        let now = t0 + ms(700);
        // Replayed everything the primary had: no lag, whatever the time.
        assert_eq!(written.lag(now, 180), Duration::ZERO);
        assert_eq!(written.lag(now, 200), Duration::ZERO);
        // Behind what the primary had at 400 ms: late by 300 ms.
        assert_eq!(written.lag(now, 120), ms(300));
        assert_eq!(written.lag(now, 150), ms(100));
        // Behind even the oldest sample.
        assert_eq!(written.lag(now, 50), ms(700));
    }

    #[test]
    fn old_positions_are_dropped_past_the_allowed_lag() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut written = Written::new(ms(500));
        for i in 0..20 {
            written.record(t0 + ms(200 * i), 10 * i as i64);
        }
        // Kept: the last 500 ms plus two checks.
        let now = t0 + ms(200 * 19);
        assert!(written.samples.len() <= 6, "{}", written.samples.len());
        // A replica far behind lags at least the allowed time.
        assert!(written.lag(now, 0) > ms(500));
    }
}
