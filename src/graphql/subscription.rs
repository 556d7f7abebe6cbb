//! The subscription root: new articles as they are added, over graphql-ws.

use async_graphql::{Context, Subscription};
use futures_util::{Stream, StreamExt};

use super::article::{Article, ArticleBatch};
use super::filter::ArticleFilterInput;
use crate::db::Db;
use crate::db::notify::{self, ArticleFeed};
use crate::error::{AppError, AppResult};

/// Where a websocket connection joined the feed: its subscriptions receive every
/// article added from then on, even one added before the subscription itself started.
#[derive(Debug, Clone, Copy)]
pub struct FeedMark(pub u64);

/// Live updates, over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`.
pub struct SubscriptionRoot;

/// Live updates over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`; the
/// API key, if any, goes in the `connection_init` payload or the upgrade request.
#[Subscription]
impl SubscriptionRoot {
    /// Articles as they are added to the archive (by any server or by the command line),
    /// optionally only those matching `filter` (the filter of `articles`).
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
        let mark = ctx
            .data_opt::<FeedMark>()
            .map_or_else(|| feed.mark(), |m| m.0);
        let filter = filter.unwrap_or_default().to_db()?;
        Ok(feed.since(mark).filter_map(move |article_id| {
            let db = db.clone();
            let filter = filter.clone();
            async move {
                let found = async {
                    let mut conn = db.read.get().await?;
                    Ok::<_, AppError>(
                        notify::matching_article(&mut conn, article_id, &filter).await?,
                    )
                }
                .await;
                match found {
                    Ok(Some(row)) => Some(Ok(ArticleBatch::wrap(vec![row]).remove(0))),
                    // Deleted meanwhile, or not wanted.
                    Ok(None) => None,
                    Err(e) => Some(Err(e)),
                }
            }
        }))
    }
}
