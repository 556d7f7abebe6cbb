//! The subscription root: new articles as they are added, over graphql-ws.

use async_graphql::{Context, InputObject, Subscription};
use futures_util::{Stream, StreamExt};

use super::article::{Article, ArticleBatch, ArticleKind};
use crate::db::Db;
use crate::db::notify::{self, ArticleFeed, FeedFilter};
use crate::error::{AppError, AppResult};

/// Where a websocket connection joined the feed: its subscriptions receive every
/// article added from then on, even one added before the subscription itself started.
#[derive(Debug, Clone, Copy)]
pub struct FeedMark(pub u64);

/// Which new articles a subscriber wants; every given condition must hold.
#[derive(InputObject, Default, Clone)]
pub struct ArticleAddedFilter {
    /// Only this kind.
    pub kind: Option<ArticleKind>,
    /// Only this section or its sub-sections, by path ("INTERNATIONAL > East Asia &
    /// Pacific"), ignoring case and accents.
    pub section: Option<String>,
    /// Only articles from this outlet, by slug or name.
    pub outlet: Option<String>,
    /// Only articles matching this full-text search (web search syntax).
    pub search: Option<String>,
}

impl From<ArticleAddedFilter> for FeedFilter {
    fn from(f: ArticleAddedFilter) -> Self {
        let text = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            kind: f.kind.map(ArticleKind::as_db),
            section: text(f.section),
            outlet: text(f.outlet),
            search: text(f.search),
        }
    }
}

/// Live updates, over the graphql-ws protocol (`graphql-transport-ws`) on `/graphql`.
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Articles as they are added to the archive (by any server or by the command line),
    /// optionally only those matching `filter`.
    async fn article_added(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleAddedFilter>,
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
        let filter = FeedFilter::from(filter.unwrap_or_default());
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
