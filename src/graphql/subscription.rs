//! The subscription root: new articles as they are committed, over graphql-ws.

use std::collections::VecDeque;
use std::time::Duration;

use async_graphql::{Context, Subscription};
use futures_util::Stream;

use super::article::Article;
use super::data::{self, Obj, Val};
use super::filter::ArticleFilterInput;
use super::select;
use crate::db::filter::ArticleFilter;
use crate::db::notify::{self, ArticleFeed};
use crate::db::read::{self as plan, Aliases, Selection};
use crate::db::{Db, sql::Sql};
use crate::error::{AppError, AppResult};

/// The feed position a subscription starts after, taken when its `subscribe` message
/// was processed (by the websocket handler, before it reads the next message).
#[derive(Debug, Clone, Copy)]
pub struct FeedMark(pub i64);

/// Feed entries read per statement while catching up.
const FEED_BATCH: usize = 100;

/// Live updates, over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`.
pub struct SubscriptionRoot;

/// A subscription's position in the feed and what it has read but not yet sent.
struct Cursor {
    last: i64,
    pending: VecDeque<Obj>,
    heads: tokio::sync::watch::Receiver<i64>,
}

/// Reads the feed after `last` on the primary (no replica lag can hide an article):
/// the new last position and the matching articles.
async fn read_feed(
    db: &Db,
    selection: &Selection,
    filter: &ArticleFilter,
    last: i64,
) -> AppResult<(i64, Vec<Obj>)> {
    let sql: Sql =
        plan::article::feed_after(&mut Aliases::tagged(), selection, last, filter, FEED_BATCH)?;
    let text = {
        let mut conn = db.write.get().await?;
        plan::fetch(&mut conn, sql).await?
    };
    let page = text
        .as_deref()
        .map(data::decode)
        .transpose()?
        .and_then(|v| v.as_obj().cloned())
        .ok_or_else(|| AppError::internal("the feed statement returned nothing"))?;
    let items = page
        .list("items")?
        .iter()
        .filter_map(Val::as_obj)
        .cloned()
        .collect();
    Ok((page.int("last")?, items))
}

/// Live updates over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`; the
/// API key, if any, goes in the `connection_init` payload or the upgrade request.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Articles as they are committed to the archive (by any server or by the command
    /// line), optionally only those matching `filter` (the filter of `articles`): every
    /// article committed after the subscription started, once, in commit order, also
    /// across this server's reconnections to the database.
    async fn article_added(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilterInput>,
    ) -> async_graphql::Result<impl Stream<Item = AppResult<Article>> + use<>> {
        let feed = ctx
            .data::<ArticleFeed>()
            .map_err(|_| AppError::internal("no article feed in the schema"))?
            .clone();
        let db = ctx
            .data::<Db>()
            .map_err(|_| AppError::internal("no database in the schema"))?
            .clone();
        let filter = filter.unwrap_or_default().to_db()?;
        let selection = select::current(ctx)?;
        let start = match ctx.data_opt::<FeedMark>() {
            Some(mark) => mark.0,
            None => {
                db.bounded(async {
                    let mut conn = db.write.get().await?;
                    Ok(notify::position(&mut conn).await?)
                })
                .await?
            }
        };
        let cursor = Cursor {
            last: start,
            pending: VecDeque::new(),
            heads: feed.heads(),
        };
        Ok(futures_util::stream::unfold(cursor, move |mut cursor| {
            let db = db.clone();
            let selection = selection.clone();
            let filter = filter.clone();
            async move {
                loop {
                    if let Some(next) = cursor.pending.pop_front() {
                        return Some((Ok(Article(next)), cursor));
                    }
                    if *cursor.heads.borrow_and_update() <= cursor.last {
                        // Nothing new: wait until the feed moves.
                        cursor.heads.changed().await.ok()?;
                        continue;
                    }
                    // Within the deadline: a frozen primary is retried, not waited on.
                    match db
                        .bounded(read_feed(&db, &selection, &filter, cursor.last))
                        .await
                    {
                        Ok((last, items)) => {
                            cursor.last = last;
                            cursor.pending.extend(items);
                        }
                        Err(e) => {
                            // Nothing is lost: the same position is read again.
                            tracing::warn!(
                                code = e.code.as_str(),
                                "reading the article feed failed"
                            );
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }
        }))
    }
}
