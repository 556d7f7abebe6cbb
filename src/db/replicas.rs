//! Where queries read: read replicas in turn, while they answer, else the primary.
//!
//! Each replica has its own pool of read connections. A background task checks every
//! replica every [`CHECK_EVERY`] on a connection of its own (not a pooled one, so that
//! busy pools cannot make a healthy replica look dead): a replica that does not answer
//! `SELECT 1` within [`CHECK_TIMEOUT`] (stopped, unreachable, frozen) gets no new reads
//! until it answers again. With no replica answering, queries read the primary.
//!
//! What must see the primary's latest state never comes here: writes, mutation
//! payloads (read after their commit) and the subscription feed use the write pool.

use std::sync::Arc;
use std::sync::Weak;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

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
    replicas: Vec<Replica>,
    next: AtomicUsize,
}

/// One read replica.
pub struct Replica {
    /// Where it is (host, port and database; no password), for logs and metrics.
    pub label: String,
    url: String,
    pool: ReadPool,
    healthy: AtomicBool,
}

impl Reads {
    /// Queries on `replicas` (URL and pool) in turn, on `primary` when none answers.
    /// Starts the health checks when there is a replica and a Tokio runtime; they stop
    /// when the last clone is dropped.
    pub fn new(primary: ReadPool, replicas: Vec<(String, ReadPool)>) -> Self {
        let replicas: Vec<Replica> = replicas
            .into_iter()
            .map(|(url, pool)| Replica {
                label: super::describe_url(&url),
                url,
                pool,
                // Until the first check says otherwise.
                healthy: AtomicBool::new(true),
            })
            .collect();
        let checked = !replicas.is_empty();
        let reads = Self(Arc::new(Inner {
            primary,
            replicas,
            next: AtomicUsize::new(0),
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
}

/// Checks every replica, all at once, until the pools are dropped.
async fn check_forever(reads: Weak<Inner>) {
    let count = match reads.upgrade() {
        Some(inner) => inner.replicas.len(),
        None => return,
    };
    let mut conns: Vec<Option<AsyncPgConnection>> = (0..count).map(|_| None).collect();
    let mut tick = tokio::time::interval(CHECK_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = reads.upgrade() else {
            return;
        };
        let checks = inner
            .replicas
            .iter()
            .zip(conns.iter_mut())
            .map(|(replica, conn)| async move {
                let answers = tokio::time::timeout(CHECK_TIMEOUT, answers(&replica.url, conn))
                    .await
                    .unwrap_or(false);
                if !answers {
                    // A connection that missed its deadline may still have a reply coming.
                    *conn = None;
                }
                let was = replica.healthy.swap(answers, Ordering::Relaxed);
                if was != answers {
                    if answers {
                        tracing::info!(replica = %replica.label, "read replica answers again");
                    } else {
                        tracing::warn!(replica = %replica.label, "read replica does not answer; reading elsewhere");
                    }
                }
            });
        futures_util::future::join_all(checks).await;
    }
}

/// Whether the replica answers `SELECT 1` on the checker's connection (opened if needed).
async fn answers(url: &str, conn: &mut Option<AsyncPgConnection>) -> bool {
    if conn.is_none() {
        match AsyncPgConnection::establish(url).await {
            Ok(c) => *conn = Some(c),
            Err(_) => return false,
        }
    }
    let Some(c) = conn.as_mut() else {
        return false;
    };
    if c.batch_execute("SELECT 1").await.is_ok() {
        true
    } else {
        *conn = None;
        false
    }
}
