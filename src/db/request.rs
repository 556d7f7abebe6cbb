//! The connection a GraphQL query runs on: taken from the read pool on first use,
//! inside one read-only transaction with `SET LOCAL statement_timeout`, and shared by
//! every resolver of the request (they take turns; batching keeps the turns few).

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
}

impl RequestConn {
    /// A request that will read from `db`'s read pool.
    pub fn new(db: &Db) -> Self {
        Self {
            pool: db.read.clone(),
            begin_sql: format!("BEGIN READ ONLY; {}", db.timeout_sql()),
            conn: Mutex::new(None),
        }
    }

    /// The request's connection, opening the transaction on first use.
    pub async fn get(&self) -> AppResult<MappedMutexGuard<'_, AsyncPgConnection>> {
        let mut guard = self.conn.lock().await;
        if guard.is_none() {
            let mut conn = self.pool.get().await?;
            AnsiTransactionManager::begin_transaction_sql(&mut *conn, &self.begin_sql)
                .await
                .map_err(AppError::from)?;
            *guard = Some(conn);
        }
        MutexGuard::try_map(guard, |c| c.as_deref_mut())
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
