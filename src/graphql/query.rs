//! The query root.

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::article::{Article, ArticleBatch};
use super::ids::{self, NodeType};
use super::pagination::{self, CountQuery, Direction, Page, Total, connection_type};
use super::{Node, request_conn};
use crate::db::article::{self as db_article, DateKey};
use crate::db::request::RequestConn;
use crate::error::{AppError, AppResult};

connection_type!(
    ArticleConnection,
    ArticleEdge,
    Article,
    "A page of articles, with cursors, page info and the total."
);

/// Entry points for reading the archive.
pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// Any object by its global ID.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Node>> {
        let (kind, n) = ids::decode(&id)?;
        match kind {
            NodeType::Article => Ok(load_article(ctx, n).await?.map(Node::Article)),
            _ => Ok(None),
        }
    }

    /// One article, by global ID or by slug (give exactly one).
    async fn article(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> AppResult<Option<Article>> {
        match (id, slug) {
            (Some(id), None) => load_article(ctx, ids::decode_as(NodeType::Article, &id)?).await,
            (None, Some(slug)) => {
                let row = {
                    let mut conn = request_conn(ctx)?.get().await?;
                    db_article::find_by_slug(&mut conn, &slug).await?
                };
                Ok(row.map(|r| ArticleBatch::wrap(vec![r]).remove(0)))
            }
            _ => Err(AppError::bad_input("give `id` or `slug`, exactly one")),
        }
    }

    /// Articles, newest first, as a cursor connection (at most 100 per page).
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let page = Page::new(first, after, last, before)?;
        let key = page.cursor.as_deref().map(parse_date_key).transpose()?;
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_article::page_by_date(
                &mut conn,
                key,
                page.direction == Direction::Backward,
                page.size as i64 + 1,
            )
            .await?
        };
        let (edges, info) =
            pagination::finish_page(rows, &page, |r| format!("d:{}:{}", r.published_on, r.id));
        let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
        let edges = cursors.into_iter().zip(ArticleBatch::wrap(rows)).collect();
        Ok(ArticleConnection::new(
            edges,
            info,
            Total::Query(std::sync::Arc::new(AllArticles)),
        ))
    }
}

async fn load_article(ctx: &Context<'_>, id: i64) -> AppResult<Option<Article>> {
    let row = {
        let mut conn = request_conn(ctx)?.get().await?;
        db_article::find(&mut conn, id).await?
    };
    Ok(row.map(|r| ArticleBatch::wrap(vec![r]).remove(0)))
}

fn parse_date_key(cursor: &str) -> AppResult<DateKey> {
    let invalid = || AppError::bad_input("the cursor does not belong to this list");
    let rest = cursor.strip_prefix("d:").ok_or_else(invalid)?;
    let (date, id) = rest.split_once(':').ok_or_else(invalid)?;
    Ok(DateKey {
        published_on: date.parse::<NaiveDate>().map_err(|_| invalid())?,
        id: id.parse().map_err(|_| invalid())?,
    })
}

struct AllArticles;

impl CountQuery for AllArticles {
    fn count<'a>(&'a self, conn: &'a RequestConn) -> BoxFuture<'a, AppResult<i64>> {
        async move {
            let mut conn = conn.get().await?;
            Ok(db_article::count_all(&mut conn).await?)
        }
        .boxed()
    }
}
