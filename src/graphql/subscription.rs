//! The subscription root: new articles as they are added, over graphql-ws.

use async_graphql::{Context, Subscription};
use futures_util::{Stream, StreamExt};

use super::article::Article;
use super::filter::ArticleFilterInput;
use super::select;
use crate::db::Db;
use crate::db::notify::ArticleFeed;
use crate::db::read::{self as plan, Aliases};
use crate::error::{AppError, AppResult};

/// Where a websocket connection joined the feed: its subscriptions receive every
/// article added from then on, even one added before the subscription itself started.
#[derive(Debug, Clone, Copy)]
pub struct FeedMark(pub u64);

/// Live updates, over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`.
pub struct SubscriptionRoot;

/// Live updates over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`; the
/// API key, if any, goes in the `connection_init` payload or the upgrade request.
#[Subscription(name = "Subscription")]
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
        let selection = select::current(ctx)?;
        Ok(feed.since(mark).filter_map(move |article_id| {
            let db = db.clone();
            let filter = filter.clone();
            let selection = selection.clone();
            async move {
                let found = async {
                    let sql = plan::article::matching(
                        &mut Aliases::default(),
                        &selection,
                        article_id,
                        &filter,
                    )?;
                    let mut conn = db.read.get().await?;
                    let text = plan::fetch(&mut conn, sql).await?;
                    text.as_deref().map(super::data::decode).transpose()
                }
                .await;
                match found {
                    Ok(Some(value)) => value.as_obj().cloned().map(|o| Ok(Article(o))),
                    // Deleted meanwhile, or not wanted.
                    Ok(None) => None,
                    Err(e) => Some(Err(e)),
                }
            }
        }))
    }
}
