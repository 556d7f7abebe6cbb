//! The connection a GraphQL operation runs on: taken from the read pool on first use,
//! inside one read-only transaction with `SET LOCAL statement_timeout`, and shared by
//! every resolver of the request (they take turns; batching keeps the turns few).
//!
//! Subscriptions live for hours, so they must not hold a connection between events:
//! their `RequestConn` ([`RequestConn::per_use`]) lends a pooled connection for each use.

use std::ops::{Deref, DerefMut};

use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, TransactionManager};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use super::{Conn, Db};
use crate::error::{AppError, AppResult};

/// One request's read transaction. Dropping it without [`RequestConn::finish`] leaves
/// the transaction open, which makes the pool discard the connection instead of reusing it.
pub struct RequestConn {
    pool: Pool<AsyncPgConnection>,
    begin_sql: String,
    conn: Mutex<Option<Conn>>,
    per_use: bool,
}

/// A connection lent by [`RequestConn::get`].
pub enum ConnGuard<'a> {
    /// The request's shared transaction.
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
    /// A request that will read from `db`'s read pool.
    pub fn new(db: &Db) -> Self {
        Self::on(db, db.read.clone())
    }

    /// A request that reads from the primary, so it sees what it has just written
    /// (mutations: their payloads are read after their own transactions commit).
    pub fn primary(db: &Db) -> Self {
        Self::on(db, db.write.clone())
    }

    /// For subscriptions: every use takes a connection from the read pool and gives it
    /// back at once; nothing is held between events.
    pub fn per_use(db: &Db) -> Self {
        Self {
            per_use: true,
            ..Self::new(db)
        }
    }

    /// As [`RequestConn::per_use`], on another pool (the primary, for mutations).
    pub fn per_use_on(pool: Pool<AsyncPgConnection>) -> Self {
        Self {
            pool,
            begin_sql: String::new(),
            conn: Mutex::new(None),
            per_use: true,
        }
    }

    fn on(db: &Db, pool: Pool<AsyncPgConnection>) -> Self {
        Self {
            pool,
            begin_sql: format!("BEGIN READ ONLY; {}", db.timeout_sql()),
            conn: Mutex::new(None),
            per_use: false,
        }
    }

    /// The request's connection, opening the transaction on first use.
    pub async fn get(&self) -> AppResult<ConnGuard<'_>> {
        if self.per_use {
            return Ok(ConnGuard::Own(Box::new(self.pool.get().await?)));
        }
        let mut guard = self.conn.lock().await;
        if guard.is_none() {
            let mut conn = self.pool.get().await?;
            AnsiTransactionManager::begin_transaction_sql(&mut *conn, &self.begin_sql)
                .await
                .map_err(AppError::from)?;
            *guard = Some(conn);
        }
        MutexGuard::try_map(guard, |c| c.as_deref_mut())
            .map(ConnGuard::Shared)
            .map_err(|_| AppError::internal("request connection vanished"))
    }

    /// Ends the transaction and returns the connection to the pool.
    pub async fn finish(&self) {
        let taken = self.conn.lock().await.take();
        if let Some(mut conn) = taken
            && let Err(e) = AnsiTransactionManager::commit_transaction(&mut *conn).await
        {
            // A failed commit leaves the manager broken: the pool drops the connection.
            tracing::warn!(error = ?e, "ending a read transaction failed");
        }
    }
}
