//! The `article_added` feed. Every ingest (server or CLI, any replica) runs
//! `pg_notify('article_added', id)` in its transaction; each server process keeps one
//! connection that `LISTEN`s on the channel and fans the ids out to its subscribers
//! through a broadcast channel, reconnecting with backoff when the connection fails.
//!
//! Notifications sent while the listener is reconnecting are not seen. The last few
//! events are kept so that a subscription started a moment after its websocket
//! connection was acknowledged still receives everything since the acknowledgement.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::{Stream, StreamExt};
use tokio::sync::{broadcast, watch};

/// The channel `store` notifies on.
pub const CHANNEL: &str = "article_added";

/// The channel a trigger on `api_keys` notifies when a key is revoked (payload: its id),
/// so that every server closes the websockets opened with it.
pub const REVOKED_CHANNEL: &str = "api_key_revoked";

/// Events kept for subscriptions that start after their connection was acknowledged.
const RECENT: usize = 256;

/// One article added to the archive, numbered in the order this process saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    /// Position in this process's feed.
    pub seq: u64,
    /// The new article.
    pub article_id: i64,
}

struct Recent {
    next_seq: u64,
    events: VecDeque<Added>,
}

/// The process's feed of new articles (cheap to clone).
#[derive(Clone)]
pub struct ArticleFeed {
    tx: broadcast::Sender<Added>,
    revoked: broadcast::Sender<i64>,
    recent: Arc<Mutex<Recent>>,
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
        let (tx, _) = broadcast::channel(1024);
        let (revoked, _) = broadcast::channel(256);
        Self {
            tx,
            revoked,
            recent: Arc::new(Mutex::new(Recent {
                next_seq: 1,
                events: VecDeque::with_capacity(RECENT),
            })),
            ready: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Hands a new article to every subscriber.
    pub fn publish(&self, article_id: i64) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let event = Added {
            seq: recent.next_seq,
            article_id,
        };
        recent.next_seq += 1;
        if recent.events.len() == RECENT {
            recent.events.pop_front();
        }
        recent.events.push_back(event);
        // Sent under the lock, so `since` sees each event exactly once.
        let _ = self.tx.send(event);
    }

    /// Ids of API keys revoked from now on (by any server or the command line).
    pub fn revocations(&self) -> broadcast::Receiver<i64> {
        self.revoked.subscribe()
    }

    /// Tells this process's websockets that a key was revoked.
    pub fn publish_revocation(&self, key_id: i64) {
        let _ = self.revoked.send(key_id);
    }

    /// The position of the next event: a subscription started with
    /// [`ArticleFeed::since`] this value receives every event from now on.
    pub fn mark(&self) -> u64 {
        self.recent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .next_seq
    }

    /// Ids of the articles added from position `mark` on: the recent ones first, then
    /// live ones as they come.
    pub fn since(&self, mark: u64) -> impl Stream<Item = i64> + Send + use<> {
        let (replay, rx) = {
            let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
            let replay: Vec<i64> = recent
                .events
                .iter()
                .filter(|e| e.seq >= mark)
                .map(|e| e.article_id)
                .collect();
            (replay, self.tx.subscribe())
        };
        let live = futures_util::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(event) => return Some((event.article_id, rx)),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a subscriber fell behind the article feed");
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        });
        futures_util::stream::iter(replay).chain(live)
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
    /// 10 s). Dropping the future closes the connection.
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
            backoff = (backoff * 2).min(Duration::from_secs(10));
        }
    }

    async fn listen_once(&self, database_url: &str) -> anyhow::Result<()> {
        let mut conn = AsyncPgConnection::establish(database_url).await?;
        conn.batch_execute(&format!("LISTEN {CHANNEL}; LISTEN {REVOKED_CHANNEL}"))
            .await?;
        self.ready.send_replace(true);
        tracing::info!("listening for new articles");
        let mut notifications = std::pin::pin!(conn.notifications_stream());
        while let Some(notification) = notifications.next().await {
            let notification = notification?;
            match (
                notification.channel.as_str(),
                notification.payload.parse::<i64>(),
            ) {
                (CHANNEL, Ok(id)) => self.publish(id),
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
    async fn subscribers_get_events_from_their_mark_on() {
        let feed = ArticleFeed::new();
        feed.publish(1);
        let mark = feed.mark();
        feed.publish(2);
        // Started after event 2, but from a mark taken before it.
        let mut stream = std::pin::pin!(feed.since(mark));
        feed.publish(3);
        assert_eq!(stream.next().await, Some(2));
        assert_eq!(stream.next().await, Some(3));
    }
}
