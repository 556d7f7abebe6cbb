//! The feed of new articles, and key revocations, through PostgreSQL.
//!
//! Every ingest (server or CLI, any replica) adds its article to `article_feed` at the
//! end of its transaction, under a lock held to its commit, so feed positions follow
//! commit order, and notifies `article_added` with the position. Each server process
//! keeps one connection that `LISTEN`s (reconnecting with backoff) and publishes the
//! highest position it knows; on every (re)connection it reads the position from the
//! table, so notifications missed while it was away are made up for. Subscriptions do
//! not rely on the notifications' content: each remembers the last position it
//! delivered and reads the feed after it whenever the head moves, so every article
//! committed after a subscription started is delivered once, in commit order.
//!
//! The same connection listens on `api_key_revoked` (a trigger on `api_keys`), so that
//! every server closes the websockets opened with a revoked key.

use std::sync::Arc;
use std::time::Duration;

use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::StreamExt;
use tokio::sync::{broadcast, watch};

/// The channel ingests notify on (payload: the feed position).
pub const CHANNEL: &str = "article_added";

/// The channel a trigger on `api_keys` notifies when a key is revoked (payload: its id),
/// so that every server closes the websockets opened with it.
pub const REVOKED_CHANNEL: &str = "api_key_revoked";

/// The `application_name` of the listening connection.
pub const LISTENER_NAME: &str = "archive-feed";

/// How long the listener's connection may take to open and start listening.
const SETUP_TIMEOUT: Duration = Duration::from_secs(5);

/// The advisory lock that orders feed positions by commit.
pub const FEED_LOCK: i64 = 7_412_003;

/// Adds `article_id` to the feed and notifies the servers. Call it last in the ingest's
/// transaction: the lock it takes is held until the commit.
pub async fn announce(conn: &mut AsyncPgConnection, article_id: i64) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
        .bind::<BigInt, _>(FEED_LOCK)
        .execute(conn)
        .await?;
    diesel::sql_query(
        "WITH f AS (INSERT INTO article_feed (article_id) VALUES ($1) RETURNING seq) \
         SELECT pg_notify('article_added', f.seq::text) FROM f",
    )
    .bind::<BigInt, _>(article_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The last position of the feed now: what a subscription starting now starts after.
pub async fn position(conn: &mut AsyncPgConnection) -> diesel::QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Head {
        #[diesel(sql_type = BigInt)]
        seq: i64,
    }
    let head: Head = diesel::sql_query("SELECT coalesce(max(seq), 0) AS seq FROM article_feed")
        .get_result(conn)
        .await?;
    Ok(head.seq)
}

/// The process's view of the feed (cheap to clone).
#[derive(Clone)]
pub struct ArticleFeed {
    head: Arc<watch::Sender<i64>>,
    revoked: broadcast::Sender<i64>,
    ready: Arc<watch::Sender<bool>>,
}

impl Default for ArticleFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl ArticleFeed {
    /// A feed with no listener yet (see [`ArticleFeed::listen`]).
    pub fn new() -> Self {
        let (revoked, _) = broadcast::channel(256);
        Self {
            head: Arc::new(watch::Sender::new(0)),
            revoked,
            ready: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Records that the feed has reached `seq` (positions only grow).
    pub fn advance(&self, seq: i64) {
        self.head.send_if_modified(|head| {
            let moved = seq > *head;
            if moved {
                *head = seq;
            }
            moved
        });
    }

    /// The highest position this process knows of, and its changes.
    pub fn heads(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    /// Ids of API keys revoked from now on (by any server or the command line).
    pub fn revocations(&self) -> broadcast::Receiver<i64> {
        self.revoked.subscribe()
    }

    /// Tells this process's websockets that a key was revoked.
    pub fn publish_revocation(&self, key_id: i64) {
        let _ = self.revoked.send(key_id);
    }

    /// Waits (at most `timeout`) until the listener is listening; whether it is.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        let mut rx = self.ready.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|ready| *ready))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Whether the listener is connected and listening.
    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// Listens on `database_url` forever, reconnecting with backoff (100 ms doubling to
    /// 2 s). Dropping the future closes the connection.
    pub async fn listen(self, database_url: String) {
        let mut backoff = Duration::from_millis(100);
        loop {
            match self.listen_once(&database_url).await {
                Ok(()) => tracing::warn!("the article feed connection closed; reconnecting"),
                Err(e) => tracing::warn!(error = %e, "the article feed is not listening; retrying"),
            }
            if self.ready.send_replace(false) {
                // It was listening: start the backoff again.
                backoff = Duration::from_millis(100);
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(2));
        }
    }

    async fn listen_once(&self, database_url: &str) -> anyhow::Result<()> {
        // Named, so that operators (and the tests) can tell it from the pools.
        let mut url = url::Url::parse(database_url)?;
        url.query_pairs_mut()
            .append_pair("application_name", LISTENER_NAME);
        // A frozen server accepts the TCP connection and then says nothing: bound the
        // set-up, so that the listener retries instead of waiting forever.
        let mut conn = tokio::time::timeout(SETUP_TIMEOUT, async {
            let mut conn = AsyncPgConnection::establish(url.as_str()).await?;
            conn.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {REVOKED_CHANNEL}"))
                .await?;
            // Whatever was added while this process was not listening.
            self.advance(position(&mut conn).await?);
            anyhow::Ok(conn)
        })
        .await
        .map_err(|_| anyhow::anyhow!("no answer from the database"))??;
        self.ready.send_replace(true);
        tracing::info!("listening for new articles");
        let mut notifications = std::pin::pin!(conn.notifications_stream());
        while let Some(notification) = notifications.next().await {
            let notification = notification?;
            match (
                notification.channel.as_str(),
                notification.payload.parse::<i64>(),
            ) {
                (CHANNEL, Ok(seq)) => self.advance(seq),
                (REVOKED_CHANNEL, Ok(id)) => self.publish_revocation(id),
                _ => tracing::warn!(
                    channel = %notification.channel,
                    payload = %notification.payload,
                    "unexpected notification"
                ),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_head_only_moves_forward_and_wakes_its_watchers() {
        let feed = ArticleFeed::new();
        let mut heads = feed.heads();
        feed.advance(3);
        assert!(heads.has_changed().expect("open"));
        assert_eq!(*heads.borrow_and_update(), 3);
        feed.advance(2);
        assert!(!heads.has_changed().expect("open"));
        feed.advance(5);
        assert_eq!(*heads.borrow_and_update(), 5);
    }
}
