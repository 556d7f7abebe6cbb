//! The query root. Every field here answers with one SQL statement built from its
//! selection (`crate::db::read`), whose document is the field's response: handed to
//! async-graphql as the field's value ([`Prebuilt`]), nothing below resolves. Search
//! hits are read by resolvers (their snippets are escaped here).

use async_graphql::{Context, ID, Object};

use super::analytics::{
    self, EntityRanking, RankedEntity, SearchHit, SearchType, TimeBucket, TimeInterval,
};
use super::article::{Article, ArticleConnection};
use super::data::{Obj, Prebuilt, Val};
use super::entity::{Organization, OrganizationConnection, Person, PersonConnection};
use super::filter::{self, ArticleFilterInput, ArticleOrderBy, QuoteFilterInput};
use super::ids::{self, NodeType};
use super::pagination::{self, MAX_PAGE_SIZE};
use super::quote::{Quote, QuoteConnection};
use super::{Node, read, read_text, select};
use crate::db::filter::EntityKind;
use crate::db::read::analytics::{Counted, Ranked, Ranking};
use crate::db::read::article::{ArticleKey, ArticleOrder};
use crate::db::read::entity::EntityOrder;
use crate::db::read::{self as plan, Aliases, NodeKind};
use crate::db::sql::{Bind, Sql};
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

fn node_kind(t: NodeType) -> Option<NodeKind> {
    match t {
        NodeType::Article => Some(NodeKind::Article),
        NodeType::Person => Some(NodeKind::Person),
        NodeType::Organization => Some(NodeKind::Organization),
        NodeType::Quote => Some(NodeKind::Quote),
        NodeType::Outlet => Some(NodeKind::Outlet),
        NodeType::Section => Some(NodeKind::Section),
        NodeType::ApiKey => None,
    }
}

/// The document of a read statement as a field's value; `None` when SQL NULL.
async fn prebuilt<T>(ctx: &Context<'_>, sql: Sql) -> AppResult<Option<Prebuilt<T>>> {
    read_text(ctx, sql)
        .await?
        .as_deref()
        .map(Prebuilt::parse)
        .transpose()
}

/// As [`prebuilt`], for a document that is never NULL (a list, a connection).
async fn prebuilt_some<T>(ctx: &Context<'_>, sql: Sql) -> AppResult<Prebuilt<T>> {
    prebuilt(ctx, sql)
        .await?
        .ok_or_else(|| AppError::internal("a read statement returned nothing"))
}

/// The objects of a read statement's document that is a list.
fn objects(value: Option<Val>) -> AppResult<Vec<Option<Obj>>> {
    match value {
        None | Some(Val::Null) => Ok(Vec::new()),
        Some(Val::List(items)) => Ok(items.iter().map(|v| v.as_obj().cloned()).collect()),
        Some(_) => Err(AppError::internal("a list document was not a list")),
    }
}

fn all(items: Vec<Option<Obj>>) -> Vec<Obj> {
    items.into_iter().flatten().collect()
}

/// `slug` or `name`, refusing both at once (`id` with either is refused by the caller).
fn exactly_one_key(slug: Option<String>, name: Option<String>) -> AppResult<Option<String>> {
    match (slug, name) {
        (Some(_), Some(_)) => Err(AppError::bad_input("give one of `id`, `slug` or `name`")),
        (slug, name) => Ok(slug.or(name)),
    }
}

/// One person or organization by ID, slug, name or alias.
async fn entity<T>(
    ctx: &Context<'_>,
    kind: EntityKind,
    id: Option<ID>,
    slug: Option<String>,
    name: Option<String>,
) -> AppResult<Option<Prebuilt<T>>> {
    let node = match kind {
        EntityKind::Person => NodeType::Person,
        EntityKind::Organization => NodeType::Organization,
    };
    let selection = select::current(ctx)?;
    let mut aliases = Aliases::default();
    let sql = match (id, exactly_one_key(slug, name)?) {
        (Some(id), None) => {
            let mut n = Sql::default();
            n.bind(Bind::BigInt(ids::decode_as(node, &id)?));
            plan::entity::by_id_expr(&mut aliases, kind, &selection, &n, false)?
        }
        (None, Some(key)) => plan::entity::by_key(&mut aliases, kind, &selection, &key)?,
        _ => return Err(AppError::bad_input("give one of `id`, `slug` or `name`")),
    };
    prebuilt(ctx, sql).await
}

/// A root list of people or organizations.
#[expect(
    clippy::too_many_arguments,
    reason = "the kind, the search and order, and the Relay arguments"
)]
async fn entity_list<T>(
    ctx: &Context<'_>,
    kind: EntityKind,
    search: Option<String>,
    order_by: Option<EntityOrderBy>,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> AppResult<Prebuilt<T>> {
    let page = pagination::page(first, after, last, before)?;
    let search = search
        .map(|s| filter::bounded_search(&s))
        .transpose()?
        .filter(|s| !s.trim().is_empty());
    let order = match (order_by, &search) {
        (Some(EntityOrderBy::Mentions), _) => EntityOrder::Mentions,
        (Some(EntityOrderBy::Name), _) => EntityOrder::Name,
        (Some(EntityOrderBy::Relevance) | None, Some(_)) => EntityOrder::Relevance,
        (_, None) => EntityOrder::Name,
    };
    let selection = select::current(ctx)?;
    let sql = plan::entity::list(
        &mut Aliases::default(),
        kind,
        &selection,
        search.as_deref(),
        order,
        &page,
    )?;
    prebuilt_some(ctx, sql).await
}

#[Object(name = "Query")]
impl QueryRoot {
    /// Any object by its global ID (merged people and organizations resolve to the
    /// entity they were merged into).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Prebuilt<Node>>> {
        let (kind, n) = ids::decode(&id)?;
        let Some(kind) = node_kind(kind) else {
            return Ok(None);
        };
        let selection = select::current(ctx)?;
        let sql = plan::node(&mut Aliases::default(), &selection, kind, n)?;
        prebuilt(ctx, sql).await
    }

    /// Several objects by global ID, in the order asked (null where not found); at most 100.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
    ) -> AppResult<Prebuilt<Vec<Option<Node>>>> {
        if ids.len() > MAX_PAGE_SIZE {
            return Err(AppError::bad_input(format!("at most {MAX_PAGE_SIZE} ids")));
        }
        let items = ids
            .iter()
            .map(|id| ids::decode(id).map(|(kind, n)| (node_kind(kind), n)))
            .collect::<AppResult<Vec<_>>>()?;
        let selection = select::current(ctx)?;
        let sql = plan::nodes(&mut Aliases::default(), &selection, &items)?;
        prebuilt_some(ctx, sql).await
    }

    /// One article, by global ID or by slug (give exactly one).
    async fn article(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
    ) -> AppResult<Option<Prebuilt<Article>>> {
        let id = id
            .map(|id| ids::decode_as(NodeType::Article, &id))
            .transpose()?;
        let key = match (id, slug.as_deref()) {
            (Some(id), None) => ArticleKey::Id(id),
            (None, Some(slug)) => ArticleKey::Slug(slug),
            _ => return Err(AppError::bad_input("give `id` or `slug`, exactly one")),
        };
        let selection = select::current(ctx)?;
        let sql = plan::article::by_key(&mut Aliases::default(), &selection, key)?;
        prebuilt(ctx, sql).await
    }

    /// Articles matching a filter, as a cursor connection (at most 100 per page), with
    /// the total and facets on request.
    #[expect(
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
    ) -> AppResult<Prebuilt<ArticleConnection>> {
        let page = pagination::page(first, after, last, before)?;
        let filter = filter::article_filter(filter.as_ref())?;
        let order = match order_by {
            ArticleOrderBy::PublishedDesc => ArticleOrder::PublishedDesc,
            ArticleOrderBy::PublishedAsc => ArticleOrder::PublishedAsc,
            ArticleOrderBy::Title => ArticleOrder::Title,
            ArticleOrderBy::Relevance => ArticleOrder::Relevance,
        };
        let selection = select::current(ctx)?;
        let sql =
            plan::article::list_page(&mut Aliases::default(), &selection, &filter, order, &page)?;
        prebuilt_some(ctx, sql).await
    }

    /// One person, by global ID, slug, or any name or alias (case- and
    /// accent-insensitive; give exactly one). Merged IDs resolve to the survivor.
    async fn person(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        name: Option<String>,
    ) -> AppResult<Option<Prebuilt<Person>>> {
        entity(ctx, EntityKind::Person, id, slug, name).await
    }

    /// People, optionally fuzzy-matched by name (trigram similarity, accent-insensitive).
    #[expect(
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
    ) -> AppResult<Prebuilt<PersonConnection>> {
        entity_list(
            ctx,
            EntityKind::Person,
            search,
            order_by,
            first,
            after,
            last,
            before,
        )
        .await
    }

    /// One organization, by global ID, slug, or any name, acronym or alias (give exactly one).
    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        slug: Option<String>,
        name: Option<String>,
    ) -> AppResult<Option<Prebuilt<Organization>>> {
        entity(ctx, EntityKind::Organization, id, slug, name).await
    }

    /// Organizations, optionally fuzzy-matched by name or acronym.
    #[expect(
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
    ) -> AppResult<Prebuilt<OrganizationConnection>> {
        entity_list(
            ctx,
            EntityKind::Organization,
            search,
            order_by,
            first,
            after,
            last,
            before,
        )
        .await
    }

    /// One quote by global ID.
    async fn quote(&self, ctx: &Context<'_>, id: ID) -> AppResult<Option<Prebuilt<Quote>>> {
        let n = ids::decode_as(NodeType::Quote, &id)?;
        let selection = select::current(ctx)?;
        let sql = plan::quote::by_id(&mut Aliases::default(), &selection, n)?;
        prebuilt(ctx, sql).await
    }

    /// Quotes matching a filter, newest first.
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        filter: Option<QuoteFilterInput>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Prebuilt<QuoteConnection>> {
        let page = pagination::page(first, after, last, before)?;
        let filter = filter::quote_filter(filter.as_ref())?;
        let selection = select::current(ctx)?;
        let sql = plan::quote::list(&mut Aliases::default(), &selection, &filter, &page)?;
        prebuilt_some(ctx, sql).await
    }

    /// One ranked search over articles, quotes, people and organizations, with
    /// highlighted snippets. `types` narrows what is searched (default: everything).
    /// The query is web-search syntax, at most 200 characters and 12 words.
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        types: Option<Vec<SearchType>>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<SearchHit>> {
        let query = filter::bounded_search(&query)?;
        if query.trim().is_empty() {
            return Err(AppError::bad_input("`query` is empty"));
        }
        let kinds = types.map_or_else(analytics::all_search_kinds, |t| {
            t.into_iter().map(Into::into).collect()
        });
        let limit = analytics::ranked_size(first)?;
        let selection = select::current(ctx)?;
        let sql =
            plan::analytics::search(&mut Aliases::tagged(), &selection, &query, &kinds, limit)?;
        Ok(all(objects(read(ctx, sql).await?)?)
            .into_iter()
            .map(SearchHit)
            .collect())
    }

    /// Counts per day, week, month or year: of articles matching `articles`, or of
    /// quotes matching `quotes` (give at most one; neither counts all articles). Every
    /// bucket from the filter's `publishedFrom` (else the first with data) to its
    /// `publishedTo` (else the last) is there, empty ones with 0.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        interval: TimeInterval,
        articles: Option<ArticleFilterInput>,
        quotes: Option<QuoteFilterInput>,
    ) -> AppResult<Prebuilt<Vec<TimeBucket>>> {
        let counted = match (articles, quotes) {
            (Some(_), Some(_)) => {
                return Err(AppError::bad_input("give `articles` or `quotes`, not both"));
            }
            (_, Some(q)) => Counted::Quotes(q.to_db()?),
            (a, None) => Counted::Articles(filter::article_filter(a.as_ref())?),
        };
        let selection = select::current(ctx)?;
        let sql = plan::analytics::timeline(&counted, analytics::interval(interval), &selection)?;
        prebuilt_some(ctx, sql).await
    }

    /// The people or organizations mentioned in the most articles matching `articles`,
    /// or the speakers of the most quotes matching `quotes` (and `articles`); each entry
    /// can give its own timeline.
    async fn top_entities(
        &self,
        ctx: &Context<'_>,
        kind: EntityRanking,
        articles: Option<ArticleFilterInput>,
        quotes: Option<QuoteFilterInput>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Prebuilt<Vec<RankedEntity>>> {
        let articles = filter::article_filter(articles.as_ref())?;
        let quotes = filter::quote_filter(quotes.as_ref())?;
        let limit = analytics::ranked_size(first)?;
        let ranking = Ranking {
            ranked: match kind {
                EntityRanking::People => Ranked::People,
                EntityRanking::Organizations => Ranked::Organizations,
                EntityRanking::Speakers => Ranked::Speakers,
            },
            articles: &articles,
            quotes: &quotes,
        };
        let selection = select::current(ctx)?;
        let sql =
            plan::analytics::top_entities(&mut Aliases::default(), &selection, &ranking, limit)?;
        prebuilt_some(ctx, sql).await
    }

    /// The people or organizations mentioned in the most articles together with
    /// `entity` (a person or organization: ID, slug, name or alias), within `articles`.
    async fn cooccurrence(
        &self,
        ctx: &Context<'_>,
        entity: String,
        with: CooccurringKind,
        articles: Option<ArticleFilterInput>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Prebuilt<Vec<RankedEntity>>> {
        let to = match with {
            CooccurringKind::People => EntityKind::Person,
            CooccurringKind::Organizations => EntityKind::Organization,
        };
        let articles = filter::article_filter(articles.as_ref())?;
        let limit = analytics::ranked_size(first)?;
        let selection = select::current(ctx)?;
        let sql = plan::analytics::cooccurrence(
            &mut Aliases::default(),
            &selection,
            &filter::entity_ref(&entity),
            to,
            &articles,
            limit,
        )?;
        prebuilt_some(ctx, sql).await
    }
}
