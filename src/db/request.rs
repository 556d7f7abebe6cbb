//! The connection a GraphQL operation reads on: taken from the read pool on first use
//! and shared by every resolver of the request.
//!
//! Read pool connections are read-only and carry the statement timeout from the moment
//! they are opened (see [`super::Db::new`]), so a request of one root field, which is
//! one statement, runs with no transaction around it. A request of several root fields
//! reads them in one `REPEATABLE READ` transaction, so that they see one snapshot.
//! Mutations read their payloads from the primary, inside `BEGIN READ ONLY` with the
//! statement timeout.
//!
//! Subscriptions live for hours, so they must not hold a connection between events:
//! their `RequestConn` ([`RequestConn::per_use`]) lends a pooled connection for each use.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use super::replicas::Reads;
use super::{Conn, Db};
use crate::error::{AppError, AppResult};

/// One request's connection. Dropping it without [`RequestConn::finish`] (a request
/// cancelled at its deadline) closes the connection instead of returning it to the pool:
/// it may still be waiting for an answer, or be inside a transaction.
pub struct RequestConn {
    pool: Pool<AsyncPgConnection>,
    /// The statement that opens the request's transaction; empty for none.
    begin_sql: String,
    conn: Mutex<Option<Conn>>,
    in_transaction: AtomicBool,
    per_use: bool,
    /// For `per_use` reads: where each use picks its pool.
    reads: Option<Reads>,
    /// Where checkouts record how long they waited.
    stats: std::sync::Arc<super::DbStats>,
}

impl Drop for RequestConn {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.get_mut().take() {
            drop(deadpool::managed::Object::take(conn));
        }
    }
}

/// A connection lent by [`RequestConn::get`].
pub enum ConnGuard<'a> {
    /// The request's shared connection.
    Shared(MappedMutexGuard<'a, AsyncPgConnection>),
    /// A pooled connection of its own, returned when dropped.
    Own(Box<Conn>),
}

impl Deref for ConnGuard<'_> {
    type Target = AsyncPgConnection;
    fn deref(&self) -> &AsyncPgConnection {
        match self {
            Self::Shared(c) => c,
            Self::Own(c) => c,
        }
    }
}

impl DerefMut for ConnGuard<'_> {
    fn deref_mut(&mut self) -> &mut AsyncPgConnection {
        match self {
            Self::Shared(c) => c,
            Self::Own(c) => c,
        }
    }
}

impl RequestConn {
    /// A request of one root field: its statement runs alone on a read connection.
    pub fn new(db: &Db) -> Self {
        Self::on(db, db.read.pick(), String::new(), false)
    }

    /// A request of several root fields: one read-only snapshot for all of them.
    pub fn snapshot(db: &Db) -> Self {
        Self::on(
            db,
            db.read.pick(),
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".into(),
            false,
        )
    }

    /// A request that reads from the primary, so it sees what it has just written
    /// (mutations: their payloads are read after their own transactions commit).
    pub fn primary(db: &Db) -> Self {
        Self::on(
            db,
            db.write.clone(),
            format!("BEGIN READ ONLY; {}", db.timeout_sql()),
            false,
        )
    }

    /// For subscriptions: every use takes a connection from the read pool and gives it
    /// back at once; nothing is held between events.
    pub fn per_use(db: &Db) -> Self {
        let mut conn = Self::on(db, db.read.pick(), String::new(), true);
        // Each use picks again, so a replica that stops answering is left at once.
        conn.reads = Some(db.read.clone());
        conn
    }

    /// As [`RequestConn::per_use`], on the primary's write pool (for mutations).
    pub fn per_use_on_primary(db: &Db) -> Self {
        Self::on(db, db.write.clone(), String::new(), true)
    }

    fn on(db: &Db, pool: Pool<AsyncPgConnection>, begin_sql: String, per_use: bool) -> Self {
        Self {
            stats: db.stats.clone(),
            pool,
            begin_sql,
            conn: Mutex::new(None),
            in_transaction: AtomicBool::new(false),
            per_use,
            reads: None,
        }
    }

    /// The request's connection, opening its transaction (if it has one) on first use.
    pub async fn get(&self) -> AppResult<ConnGuard<'_>> {
        if self.per_use {
            let pool = self
                .reads
                .as_ref()
                .map_or_else(|| self.pool.clone(), Reads::pick);
            return Ok(ConnGuard::Own(Box::new(self.checkout(&pool).await?)));
        }
        let mut guard = self.conn.lock().await;
        if guard.is_none() {
            let mut conn = self.checkout(&self.pool).await?;
            if !self.begin_sql.is_empty() {
                AnsiTransactionManager::begin_transaction_sql(&mut *conn, &self.begin_sql)
                    .await
                    .map_err(AppError::from)?;
                self.in_transaction.store(true, Ordering::Relaxed);
            }
            *guard = Some(conn);
        }
        MutexGuard::try_map(guard, |c| c.as_deref_mut())
            .map(ConnGuard::Shared)
            .map_err(|_| AppError::internal("request connection vanished"))
    }

    /// A connection of `pool`; how long the wait took goes into the queue delay that
    /// load shedding looks at ([`super::DbStats::queue_delay`]).
    async fn checkout(&self, pool: &Pool<AsyncPgConnection>) -> AppResult<Conn> {
        let asked = std::time::Instant::now();
        let waiting = self.stats.begin_wait();
        let conn = pool.get().await;
        drop(waiting);
        self.stats.record_wait(asked.elapsed());
        if conn.is_ok() {
            self.stats.record_checkout();
        }
        Ok(conn?)
    }

    /// Ends the transaction, if any, and returns the connection to the pool.
    pub async fn finish(&self) {
        let taken = self.conn.lock().await.take();
        if let Some(mut conn) = taken
            && self.in_transaction.load(Ordering::Relaxed)
            && let Err(e) = AnsiTransactionManager::commit_transaction(&mut *conn).await
        {
            // A failed commit leaves the manager broken: the pool drops the connection.
            tracing::warn!(error = ?e, "ending a read transaction failed");
        }
    }
}
