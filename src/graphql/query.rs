//! The query root.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use futures_util::FutureExt;
use futures_util::future::BoxFuture;

use super::analytics::{
    self, EntityRanking, RankedEntity, SearchHit, SearchType, TimeBucket, TimeInterval,
};
use super::article::{Article, ArticleBatch, ArticleConnection, Outlet, Section};
use super::entity::{
    Organization, OrganizationBatch, OrganizationConnection, Person, PersonBatch, PersonConnection,
};
use super::filter::{self, ArticleFilterInput, ArticleOrderBy, QuoteFilterInput};
use super::ids::{self, NodeType};
use super::pagination::{self, CountQuery, Direction, Page, Total};
use super::quote::{Quote, QuoteBatch, QuoteConnection};
use super::{Node, request_conn};
use crate::db::analytics::Counted;
use crate::db::article::{self as db_article, ArticleKey, ArticleOrder};
use crate::db::entity::{self as db_entity, EntityKey, EntityOrder};
use crate::db::filter::{ArticleFilter, EntityKind, QuoteFilter};
use crate::db::quote::{self as db_quote, QuoteKey};
use crate::db::request::RequestConn;
use crate::error::{AppError, AppResult};

/// Entry points for reading the archive.
pub struct QueryRoot;

/// Orderings of people and organization lists.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum EntityOrderBy {
    /// By name, A to Z (the default without `search`).
    #[default]
    Name,
    /// Most mentioned first.
    Mentions,
    /// Closest name match first (the default with `search`).
    Relevance,
}

/// Which entities `cooccurrence` returns.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum CooccurringKind {
    /// People.
    People,
    /// Organizations.
    Organizations,
}

#[Object]
impl QueryRoot {
    /// Any object by its global ID (merged people and organizations resolve to the
    /// entity they were merged into).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Node>> {
        let (kind, n) = ids::decode(&id)?;
        load_node(ctx, kind, n).await
    }

    /// Several objects by global ID, in the order asked (null where not found); at most 100.
    #[graphql(complexity = "ids.len() * child_complexity")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> AppResult<Vec<Option<Node>>> {
        if ids.len() > pagination::MAX_PAGE_SIZE {
            return Err(AppError::bad_input(format!(
                "at most {} ids",
                pagination::MAX_PAGE_SIZE
            )));
        }
        let decoded: Vec<(NodeType, i64)> = ids
            .iter()
            .map(|id| ids::decode(id))
            .collect::<AppResult<_>>()?;
        let of = |t: NodeType| -> Vec<i64> {
            decoded
                .iter()
                .filter(|(k, _)| *k == t)
                .map(|(_, n)| *n)
                .collect()
        };
        let people = PersonBatch::load(ctx, &of(NodeType::Person)).await?;
        let orgs = OrganizationBatch::load(ctx, &of(NodeType::Organization)).await?;
        let (articles, quotes, outlets, sections) = {
            let mut conn = request_conn(ctx)?.get().await?;
            (
                db_article::find_many(&mut conn, &of(NodeType::Article)).await?,
                db_quote::by_ids(&mut conn, &of(NodeType::Quote)).await?,
                db_article::outlets_by_ids(&mut conn, &of(NodeType::Outlet)).await?,
                db_article::sections_by_ids(&mut conn, &of(NodeType::Section)).await?,
            )
        };
        let outlets: std::collections::HashMap<i64, Outlet> =
            outlets.iter().map(|o| (o.id, Outlet::from(o))).collect();
        let sections: std::collections::HashMap<i64, Section> =
            sections.iter().map(|s| (s.id, Section::from(s))).collect();
        let articles: std::collections::HashMap<i64, Article> = ArticleBatch::wrap(articles)
            .into_iter()
            .map(|a| (a.row().id, a))
            .collect();
        let quote_ids: Vec<i64> = quotes.iter().map(|q| q.id).collect();
        let quotes: std::collections::HashMap<i64, Quote> = quote_ids
            .into_iter()
            .zip(QuoteBatch::wrap(quotes))
            .collect();
        Ok(decoded
            .into_iter()
            .map(|(kind, n)| match kind {
                NodeType::Article => articles.get(&n).cloned().map(Node::Article),
                NodeType::Person => people.get(&n).cloned().map(Node::Person),
                NodeType::Organization => orgs.get(&n).cloned().map(Node::Organization),
                NodeType::Quote => quotes.get(&n).cloned().map(Node::Quote),
                NodeType::Outlet => outlets.get(&n).cloned().map(Node::Outlet),
                NodeType::Section => sections.get(&n).cloned().map(Node::Section),
                NodeType::ApiKey => None,
            })
            .collect())
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

    /// Articles matching a filter, as a cursor connection (at most 100 per page), with
    /// the total and facets on request.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the Relay arguments plus filter and order"
    )]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilterInput>,
        #[graphql(default)] order_by: ArticleOrderBy,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let page = Page::new(first, after, last, before)?;
        let filter = Arc::new(filter::article_filter(filter.as_ref())?);
        let order = match order_by {
            ArticleOrderBy::PublishedDesc => ArticleOrder::PublishedDesc,
            ArticleOrderBy::PublishedAsc => ArticleOrder::PublishedAsc,
            ArticleOrderBy::Title => ArticleOrder::Title,
            ArticleOrderBy::Relevance if filter.search_text().is_some() => ArticleOrder::Relevance,
            ArticleOrderBy::Relevance => ArticleOrder::PublishedDesc,
        };
        let key = page
            .cursor
            .as_deref()
            .map(|c| parse_article_key(c, order))
            .transpose()?;
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_article::list(
                &mut conn,
                &filter,
                order,
                key.as_ref(),
                page.direction == Direction::Backward,
                page.size + 1,
            )
            .await?
        };
        let (edges, info) = pagination::finish_page(rows, &page, |r| match order {
            ArticleOrder::Title => format!("t:{}:{}", r.article.id, r.article.title),
            ArticleOrder::Relevance => format!("r:{}:{}", r.rank.to_bits(), r.article.id),
            _ => format!("d:{}:{}", r.article.published_on, r.article.id),
        });
        let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
        let articles = ArticleBatch::wrap(rows.into_iter().map(|r| r.article).collect());
        let mut connection = ArticleConnection::new(
            cursors.into_iter().zip(articles).collect(),
            info,
            Total::Query(Arc::new(CountArticles(filter.clone()))),
        );
        connection.filter = Some(filter);
        Ok(connection)
    }

    /// One person, by global ID, slug, or any name or alias (case- and
    /// accent-insensitive; give exactly one). Merged IDs resolve to the survivor.
    async fn person(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        name: Option<String>,
    ) -> AppResult<Option<Person>> {
        match (id, exactly_one_key(slug, name)?) {
            (Some(id), None) => {
                let n = ids::decode_as(NodeType::Person, &id)?;
                Ok(PersonBatch::load(ctx, &[n]).await?.remove(&n))
            }
            (None, Some(key)) => {
                let row = {
                    let mut conn = request_conn(ctx)?.get().await?;
                    db_entity::find_person(&mut conn, &key).await?
                };
                Ok(row.map(|r| PersonBatch::wrap(vec![r]).remove(0)))
            }
            _ => Err(AppError::bad_input("give one of `id`, `slug` or `name`")),
        }
    }

    /// People, optionally fuzzy-matched by name (trigram similarity, accent-insensitive).
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the Relay arguments plus search and order"
    )]
    async fn people(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        order_by: Option<EntityOrderBy>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<PersonConnection> {
        let page = Page::new(first, after, last, before)?;
        let (search, order) = entity_list_args(search, order_by);
        let key = page
            .cursor
            .as_deref()
            .map(|c| parse_entity_key(c, order))
            .transpose()?;
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_entity::list_people(
                &mut conn,
                search.as_deref(),
                order,
                key.as_ref(),
                page.direction == Direction::Backward,
                page.size + 1,
            )
            .await?
        };
        let (edges, info) = pagination::finish_page(rows, &page, |r| {
            entity_cursor(order, &r.row.canonical_name, r.row.id, r.score, r.mentions)
        });
        let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
        let people = PersonBatch::wrap(rows.into_iter().map(|r| r.row).collect());
        Ok(PersonConnection::new(
            cursors.into_iter().zip(people).collect(),
            info,
            Total::Query(Arc::new(CountEntities(EntityKind::Person, search))),
        ))
    }

    /// One organization, by global ID, slug, or any name, acronym or alias (give exactly one).
    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        name: Option<String>,
    ) -> AppResult<Option<Organization>> {
        match (id, exactly_one_key(slug, name)?) {
            (Some(id), None) => {
                let n = ids::decode_as(NodeType::Organization, &id)?;
                Ok(OrganizationBatch::load(ctx, &[n]).await?.remove(&n))
            }
            (None, Some(key)) => {
                let row = {
                    let mut conn = request_conn(ctx)?.get().await?;
                    db_entity::find_organization(&mut conn, &key).await?
                };
                Ok(row.map(|r| OrganizationBatch::wrap(vec![r]).remove(0)))
            }
            _ => Err(AppError::bad_input("give one of `id`, `slug` or `name`")),
        }
    }

    /// Organizations, optionally fuzzy-matched by name or acronym.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    #[allow(
        clippy::too_many_arguments,
        reason = "the Relay arguments plus search and order"
    )]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        order_by: Option<EntityOrderBy>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<OrganizationConnection> {
        let page = Page::new(first, after, last, before)?;
        let (search, order) = entity_list_args(search, order_by);
        let key = page
            .cursor
            .as_deref()
            .map(|c| parse_entity_key(c, order))
            .transpose()?;
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_entity::list_organizations(
                &mut conn,
                search.as_deref(),
                order,
                key.as_ref(),
                page.direction == Direction::Backward,
                page.size + 1,
            )
            .await?
        };
        let (edges, info) = pagination::finish_page(rows, &page, |r| {
            entity_cursor(order, &r.row.name, r.row.id, r.score, r.mentions)
        });
        let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
        let orgs = OrganizationBatch::wrap(rows.into_iter().map(|r| r.row).collect());
        Ok(OrganizationConnection::new(
            cursors.into_iter().zip(orgs).collect(),
            info,
            Total::Query(Arc::new(CountEntities(EntityKind::Organization, search))),
        ))
    }

    /// One quote by global ID.
    async fn quote(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Quote>> {
        let n = ids::decode_as(NodeType::Quote, &id)?;
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_quote::by_ids(&mut conn, &[n]).await?
        };
        Ok(QuoteBatch::wrap(rows).pop())
    }

    /// Quotes matching a filter, newest first.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        filter: Option<QuoteFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<QuoteConnection> {
        let page = Page::new(first, after, last, before)?;
        let filter = Arc::new(filter::quote_filter(filter.as_ref())?);
        let key = page
            .cursor
            .as_deref()
            .map(parse_date_key)
            .transpose()?
            .map(|(published_on, id)| QuoteKey { published_on, id });
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_quote::list(
                &mut conn,
                &filter,
                key,
                page.direction == Direction::Backward,
                page.size + 1,
            )
            .await?
        };
        let (edges, info) =
            pagination::finish_page(rows, &page, |r| format!("d:{}:{}", r.published_on, r.id));
        let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
        Ok(QuoteConnection::new(
            cursors.into_iter().zip(QuoteBatch::wrap(rows)).collect(),
            info,
            Total::Query(Arc::new(CountQuotes(filter))),
        ))
    }

    /// One ranked search over articles, quotes, people and organizations, with
    /// highlighted snippets. `types` narrows what is searched (default: everything).
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 5")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        types: Option<Vec<SearchType>>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<SearchHit>> {
        let types = types.unwrap_or_else(|| {
            vec![
                SearchType::Article,
                SearchType::Quote,
                SearchType::Person,
                SearchType::Organization,
            ]
        });
        analytics::search(ctx, &query, &types, analytics::ranked_size(first)?).await
    }

    /// Counts per day, week, month or year: of articles matching `articles`, or of
    /// quotes matching `quotes` (give at most one; neither counts all articles).
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        interval: TimeInterval,
        articles: Option<ArticleFilterInput>,
        quotes: Option<QuoteFilterInput>,
    ) -> AppResult<Vec<TimeBucket>> {
        let counted = match (articles, quotes) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input("give `articles` or `quotes`, not both"));
            }
            (_, Some(q)) => Counted::Quotes(q.to_db()?),
            (a, None) => Counted::Articles(filter::article_filter(a.as_ref())?),
        };
        analytics::timeline(ctx, counted, interval).await
    }

    /// The people or organizations mentioned in the most articles matching `articles`,
    /// or the speakers of the most quotes matching `quotes` (and `articles`); each entry
    /// can give its own timeline.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 5")]
    async fn top_entities(
        &self,
        ctx: &Context<'_>,
        kind: EntityRanking,
        articles: Option<ArticleFilterInput>,
        quotes: Option<QuoteFilterInput>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        let articles = filter::article_filter(articles.as_ref())?;
        let quotes = filter::quote_filter(quotes.as_ref())?;
        analytics::top_entities(ctx, kind, articles, quotes, analytics::ranked_size(first)?).await
    }

    /// The people or organizations mentioned in the most articles together with
    /// `entity` (a person or organization: ID, slug, name or alias), within `articles`.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 5")]
    async fn cooccurrence(
        &self,
        ctx: &Context<'_>,
        entity: String,
        with: CooccurringKind,
        articles: Option<ArticleFilterInput>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        let to = match with {
            CooccurringKind::People => EntityKind::Person,
            CooccurringKind::Organizations => EntityKind::Organization,
        };
        let articles = filter::article_filter(articles.as_ref())?;
        analytics::cooccurrence(ctx, &entity, to, articles, analytics::ranked_size(first)?).await
    }
}

async fn load_node(ctx: &Context<'_>, kind: NodeType, n: i64) -> AppResult<Option<Node>> {
    Ok(match kind {
        NodeType::Article => load_article(ctx, n).await?.map(Node::Article),
        NodeType::Person => PersonBatch::load(ctx, &[n])
            .await?
            .remove(&n)
            .map(Node::Person),
        NodeType::Organization => OrganizationBatch::load(ctx, &[n])
            .await?
            .remove(&n)
            .map(Node::Organization),
        NodeType::Quote => {
            let rows = {
                let mut conn = request_conn(ctx)?.get().await?;
                db_quote::by_ids(&mut conn, &[n]).await?
            };
            QuoteBatch::wrap(rows).pop().map(Node::Quote)
        }
        NodeType::Outlet => {
            let mut conn = request_conn(ctx)?.get().await?;
            db_article::outlets_by_ids(&mut conn, &[n])
                .await?
                .first()
                .map(|o| Node::Outlet(Outlet::from(o)))
        }
        NodeType::Section => {
            let mut conn = request_conn(ctx)?.get().await?;
            db_article::sections_by_ids(&mut conn, &[n])
                .await?
                .first()
                .map(|s| Node::Section(Section::from(s)))
        }
        NodeType::ApiKey => None,
    })
}

async fn load_article(ctx: &Context<'_>, id: i64) -> AppResult<Option<Article>> {
    let row = {
        let mut conn = request_conn(ctx)?.get().await?;
        db_article::find(&mut conn, id).await?
    };
    Ok(row.map(|r| ArticleBatch::wrap(vec![r]).remove(0)))
}

/// `slug` or `name`, refusing both at once (`id` with either is refused by the caller).
fn exactly_one_key(slug: Option<String>, name: Option<String>) -> AppResult<Option<String>> {
    match (slug, name) {
        (Some(_), Some(_)) => Err(AppError::bad_input("give one of `id`, `slug` or `name`")),
        (slug, name) => Ok(slug.or(name)),
    }
}

fn invalid_cursor() -> AppError {
    AppError::bad_input("the cursor does not belong to this list")
}

/// A newest-first cursor: `d:DATE:ID`.
pub fn parse_date_key(cursor: &str) -> AppResult<(NaiveDate, i64)> {
    let rest = cursor.strip_prefix("d:").ok_or_else(invalid_cursor)?;
    let (date, id) = rest.split_once(':').ok_or_else(invalid_cursor)?;
    Ok((
        date.parse::<NaiveDate>().map_err(|_| invalid_cursor())?,
        id.parse().map_err(|_| invalid_cursor())?,
    ))
}

fn parse_article_key(cursor: &str, order: ArticleOrder) -> AppResult<ArticleKey> {
    match order {
        ArticleOrder::PublishedDesc | ArticleOrder::PublishedAsc => {
            let (d, id) = parse_date_key(cursor)?;
            Ok(ArticleKey::Date(d, id))
        }
        ArticleOrder::Title => {
            let rest = cursor.strip_prefix("t:").ok_or_else(invalid_cursor)?;
            let (id, title) = rest.split_once(':').ok_or_else(invalid_cursor)?;
            Ok(ArticleKey::Title(
                title.to_owned(),
                id.parse().map_err(|_| invalid_cursor())?,
            ))
        }
        ArticleOrder::Relevance => {
            let rest = cursor.strip_prefix("r:").ok_or_else(invalid_cursor)?;
            let (bits, id) = rest.split_once(':').ok_or_else(invalid_cursor)?;
            Ok(ArticleKey::Rank(
                f32::from_bits(bits.parse().map_err(|_| invalid_cursor())?),
                id.parse().map_err(|_| invalid_cursor())?,
            ))
        }
    }
}

fn entity_list_args(
    search: Option<String>,
    order_by: Option<EntityOrderBy>,
) -> (Option<String>, EntityOrder) {
    let search = search.filter(|s| !s.trim().is_empty());
    let order = match (order_by, &search) {
        (Some(EntityOrderBy::Mentions), _) => EntityOrder::Mentions,
        (Some(EntityOrderBy::Name), _) => EntityOrder::Name,
        (Some(EntityOrderBy::Relevance) | None, Some(_)) => EntityOrder::Relevance,
        (_, None) => EntityOrder::Name,
    };
    (search, order)
}

fn entity_cursor(order: EntityOrder, name: &str, id: i64, score: f32, mentions: i64) -> String {
    match order {
        EntityOrder::Name => format!("n:{id}:{name}"),
        EntityOrder::Relevance => format!("s:{}:{id}", score.to_bits()),
        EntityOrder::Mentions => format!("m:{mentions}:{id}"),
    }
}

/// An entity list cursor, which must have been made by the same ordering (a name
/// cursor compared with mention counts would not even type-check in SQL).
fn parse_entity_key(cursor: &str, order: EntityOrder) -> AppResult<EntityKey> {
    let (tag, rest) = cursor.split_once(':').ok_or_else(invalid_cursor)?;
    let (a, b) = rest.split_once(':').ok_or_else(invalid_cursor)?;
    let bad = |_| invalid_cursor();
    Ok(match (tag, order) {
        ("n", EntityOrder::Name) => EntityKey::Name(b.to_owned(), a.parse().map_err(bad)?),
        ("s", EntityOrder::Relevance) => EntityKey::Score(
            f32::from_bits(a.parse().map_err(bad)?),
            b.parse().map_err(bad)?,
        ),
        ("m", EntityOrder::Mentions) => {
            EntityKey::Mentions(a.parse().map_err(bad)?, b.parse().map_err(bad)?)
        }
        _ => return Err(invalid_cursor()),
    })
}

struct CountArticles(Arc<ArticleFilter>);

impl CountQuery for CountArticles {
    fn count<'a>(&'a self, conn: &'a RequestConn) -> BoxFuture<'a, AppResult<i64>> {
        async move {
            let mut conn = conn.get().await?;
            Ok(db_article::count(&mut conn, &self.0).await?)
        }
        .boxed()
    }
}

struct CountQuotes(Arc<QuoteFilter>);

impl CountQuery for CountQuotes {
    fn count<'a>(&'a self, conn: &'a RequestConn) -> BoxFuture<'a, AppResult<i64>> {
        async move {
            let mut conn = conn.get().await?;
            Ok(db_quote::count(&mut conn, &self.0).await?)
        }
        .boxed()
    }
}

struct CountEntities(EntityKind, Option<String>);

impl CountQuery for CountEntities {
    fn count<'a>(&'a self, conn: &'a RequestConn) -> BoxFuture<'a, AppResult<i64>> {
        async move {
            let mut conn = conn.get().await?;
            Ok(db_entity::count_live(&mut conn, self.0, self.1.as_deref()).await?)
        }
        .boxed()
    }
}
