//! Analytics for data teams: timelines, top entities (with their own timelines),
//! co-occurrence, facets, and the ranked search.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject, Union};
use chrono::NaiveDate;
use tokio::sync::OnceCell;

use super::article::{Article, ArticleBatch};
use super::entity::{Organization, OrganizationBatch, Person, PersonBatch};
use super::ids::{self, NodeType};
use super::quote::{Quote, QuoteBatch, UnnamedSource};
use super::request_conn;
use crate::db::analytics::{self as db, Bucket, Facet, Interval, RankRow, Ranked};
use crate::db::filter::{ArticleFilter, EntityKind, QuoteFilter};
use crate::error::{AppError, AppResult};

/// Most entries of a ranking or facet.
pub const MAX_RANKED: usize = 100;

/// Checks a ranking size.
pub fn ranked_size(first: i32) -> AppResult<usize> {
    usize::try_from(first)
        .ok()
        .filter(|n| *n <= MAX_RANKED)
        .ok_or_else(|| AppError::bad_input(format!("`first` must be between 0 and {MAX_RANKED}")))
}

/// Width of the buckets of a timeline.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TimeInterval {
    /// Calendar days.
    Day,
    /// ISO weeks, starting Monday.
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

impl From<TimeInterval> for Interval {
    fn from(i: TimeInterval) -> Self {
        match i {
            TimeInterval::Day => Self::Day,
            TimeInterval::Week => Self::Week,
            TimeInterval::Month => Self::Month,
            TimeInterval::Year => Self::Year,
        }
    }
}

/// A count for one time bucket.
#[derive(SimpleObject, Clone, Debug)]
pub struct TimeBucket {
    /// The first day of the bucket.
    pub start: NaiveDate,
    /// Items in the bucket.
    pub count: i64,
}

impl From<&Bucket> for TimeBucket {
    fn from(b: &Bucket) -> Self {
        Self {
            start: b.start,
            count: b.count,
        }
    }
}

/// Counts per time bucket for the filter, oldest first (empty buckets left out).
pub async fn timeline(
    ctx: &Context<'_>,
    counted: db::Counted,
    interval: TimeInterval,
) -> AppResult<Vec<TimeBucket>> {
    let rows = {
        let mut conn = request_conn(ctx)?.get().await?;
        db::timeline(&mut conn, &counted, interval.into()).await?
    };
    Ok(rows.iter().map(TimeBucket::from).collect())
}

/// What to rank in `topEntities`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EntityRanking {
    /// People mentioned in the most matching articles.
    People,
    /// Organizations mentioned in the most matching articles.
    Organizations,
    /// Speakers (people, organizations, unnamed sources) of the most matching quotes.
    Speakers,
}

/// A person, an organization or an unnamed source.
#[derive(Union, Clone)]
pub enum Entity {
    /// A person.
    Person(Person),
    /// An organization.
    Organization(Organization),
    /// An unnamed source, as described.
    UnnamedSource(UnnamedSource),
}

/// Per-entity buckets of one ranking.
type EntityTimelines = Arc<Vec<(EntityKind, Bucket)>>;

/// What the entries of one ranking share: the filters, and their timelines loaded once.
struct RankingContext {
    ranked: Ranked,
    articles: ArticleFilter,
    quotes: QuoteFilter,
    people: Vec<i64>,
    organizations: Vec<i64>,
    timelines: tokio::sync::Mutex<HashMap<String, Arc<OnceCell<EntityTimelines>>>>,
}

/// An entry of a ranking.
#[derive(Clone)]
pub struct RankedEntity {
    entity: Entity,
    name: String,
    count: i64,
    key: Option<(EntityKind, i64)>,
    ranking: Arc<RankingContext>,
}

#[Object]
impl RankedEntity {
    /// The entity.
    async fn entity(&self) -> &Entity {
        &self.entity
    }

    /// Its name (or an unnamed source's description).
    async fn name(&self) -> &str {
        &self.name
    }

    /// Matching articles (people, organizations) or quotes (speakers).
    async fn count(&self) -> i64 {
        self.count
    }

    /// The same count per time bucket, restricted to this entity; loaded for every
    /// entry of the ranking in one statement. Empty for unnamed sources.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        interval: TimeInterval,
    ) -> AppResult<Vec<TimeBucket>> {
        let Some((kind, id)) = self.key else {
            return Ok(Vec::new());
        };
        let cell = {
            let mut map = self.ranking.timelines.lock().await;
            map.entry(format!("{interval:?}")).or_default().clone()
        };
        let r = &self.ranking;
        let rows = cell
            .get_or_try_init(|| async {
                let mut conn = request_conn(ctx)?.get().await?;
                let rows = db::entity_timelines(
                    &mut conn,
                    r.ranked,
                    &r.people,
                    &r.organizations,
                    &r.articles,
                    &r.quotes,
                    interval.into(),
                )
                .await?;
                Ok::<_, AppError>(Arc::new(rows))
            })
            .await?;
        Ok(rows
            .iter()
            .filter(|(k, b)| *k == kind && b.owner == id)
            .map(|(_, b)| TimeBucket::from(b))
            .collect())
    }
}

/// Turns ranking rows into entries, loading the people and organizations in two statements.
async fn rank_entries(
    ctx: &Context<'_>,
    rows: Vec<RankRow>,
    ranked: Ranked,
    articles: ArticleFilter,
    quotes: QuoteFilter,
) -> AppResult<Vec<RankedEntity>> {
    let people_ids: Vec<i64> = rows.iter().filter_map(|r| r.person_id).collect();
    let org_ids: Vec<i64> = rows.iter().filter_map(|r| r.organization_id).collect();
    let people = PersonBatch::load(ctx, &people_ids).await?;
    let orgs = OrganizationBatch::load(ctx, &org_ids).await?;
    let ranking = Arc::new(RankingContext {
        ranked,
        articles,
        quotes,
        people: people_ids,
        organizations: org_ids,
        timelines: Default::default(),
    });
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let (entity, name, key) = if let Some(id) = r.person_id {
                let p = people.get(&id)?.clone();
                let name = p.row().canonical_name.clone();
                (Entity::Person(p), name, Some((EntityKind::Person, id)))
            } else if let Some(id) = r.organization_id {
                let o = orgs.get(&id)?.clone();
                let name = o.row().name.clone();
                (
                    Entity::Organization(o),
                    name,
                    Some((EntityKind::Organization, id)),
                )
            } else {
                let d = r.description?;
                (
                    Entity::UnnamedSource(UnnamedSource {
                        description: d.clone(),
                    }),
                    d,
                    None,
                )
            };
            Some(RankedEntity {
                entity,
                name,
                count: r.count,
                key,
                ranking: ranking.clone(),
            })
        })
        .collect())
}

/// The top entities for the filters.
pub async fn top_entities(
    ctx: &Context<'_>,
    ranking: EntityRanking,
    articles: ArticleFilter,
    quotes: QuoteFilter,
    limit: usize,
) -> AppResult<Vec<RankedEntity>> {
    let ranked = match ranking {
        EntityRanking::People => Ranked::People,
        EntityRanking::Organizations => Ranked::Organizations,
        EntityRanking::Speakers => Ranked::Speakers,
    };
    let rows = {
        let mut conn = request_conn(ctx)?.get().await?;
        db::top_entities(&mut conn, ranked, &articles, &quotes, limit).await?
    };
    rank_entries(ctx, rows, ranked, articles, quotes).await
}

/// The entities most often mentioned together with one entity.
pub async fn cooccurrence(
    ctx: &Context<'_>,
    entity: &str,
    with: EntityKind,
    articles: ArticleFilter,
    limit: usize,
) -> AppResult<Vec<RankedEntity>> {
    let rows = {
        let mut conn = request_conn(ctx)?.get().await?;
        db::cooccurrence(
            &mut conn,
            &super::filter::entity_ref(entity),
            with,
            &articles,
            limit,
        )
        .await?
    };
    let ranked = if with == EntityKind::Person {
        Ranked::People
    } else {
        Ranked::Organizations
    };
    rank_entries(ctx, rows, ranked, articles, QuoteFilter::default()).await
}

/// One value of a facet with its count.
#[derive(SimpleObject, Clone)]
pub struct FacetValue {
    /// The outlet's or section's global ID, for those facets.
    pub id: Option<ID>,
    /// The value ("TRANSLATION", "Yomiuri", "POLITICS > Diet", "2022").
    pub value: String,
    /// Articles of the list with this value.
    pub count: i64,
}

/// Counts of an article list by facet, each computed only when selected.
pub struct ArticleFacets {
    filter: Arc<ArticleFilter>,
}

impl ArticleFacets {
    /// Facets of the list made by `filter`.
    pub fn new(filter: Arc<ArticleFilter>) -> Self {
        Self { filter }
    }

    async fn facet(
        &self,
        ctx: &Context<'_>,
        facet: Facet,
        first: i32,
        node: Option<NodeType>,
    ) -> AppResult<Vec<FacetValue>> {
        let limit = ranked_size(first)?;
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db::facet(&mut conn, facet, &self.filter, limit).await?
        };
        Ok(rows
            .into_iter()
            .map(|r| FacetValue {
                id: node.map(|n| ids::encode(n, r.id)),
                value: r.value,
                count: r.count,
            })
            .collect())
    }
}

#[Object]
impl ArticleFacets {
    /// By kind.
    async fn kinds(&self, ctx: &Context<'_>) -> AppResult<Vec<FacetValue>> {
        self.facet(ctx, Facet::Kind, 3, None).await
    }

    /// By outlet, largest first.
    async fn outlets(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<FacetValue>> {
        self.facet(ctx, Facet::Outlet, first, Some(NodeType::Outlet))
            .await
    }

    /// By section (full path), largest first.
    async fn sections(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<FacetValue>> {
        self.facet(ctx, Facet::Section, first, Some(NodeType::Section))
            .await
    }

    /// By year of publication, largest first.
    async fn years(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> AppResult<Vec<FacetValue>> {
        self.facet(ctx, Facet::Year, first, None).await
    }

    /// People mentioned in the most articles of the list.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        top_entities(
            ctx,
            EntityRanking::People,
            (*self.filter).clone(),
            QuoteFilter::default(),
            ranked_size(first)?,
        )
        .await
    }

    /// Organizations mentioned in the most articles of the list.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        top_entities(
            ctx,
            EntityRanking::Organizations,
            (*self.filter).clone(),
            QuoteFilter::default(),
            ranked_size(first)?,
        )
        .await
    }

    /// Speakers of the most quotes in the list's articles.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn speakers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        top_entities(
            ctx,
            EntityRanking::Speakers,
            (*self.filter).clone(),
            QuoteFilter::default(),
            ranked_size(first)?,
        )
        .await
    }
}

/// What `search` looks through.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SearchType {
    /// Article titles and bodies (full text).
    Article,
    /// Quoted words (full text).
    Quote,
    /// Names and aliases of people (fuzzy).
    Person,
    /// Names, acronyms and aliases of organizations (fuzzy).
    Organization,
}

impl SearchType {
    fn as_db(self) -> &'static str {
        match self {
            Self::Article => "ARTICLE",
            Self::Quote => "QUOTE",
            Self::Person => "PERSON",
            Self::Organization => "ORGANIZATION",
        }
    }
}

/// Anything `search` can find.
#[derive(Union, Clone)]
pub enum SearchResult {
    /// An article.
    Article(Article),
    /// A quote.
    Quote(Quote),
    /// A person.
    Person(Person),
    /// An organization.
    Organization(Organization),
}

/// One search result.
#[derive(SimpleObject, Clone)]
pub struct SearchHit {
    /// What was found.
    #[graphql(name = "type")]
    pub kind: SearchType,
    /// Relevance (full-text rank or name similarity); higher is better.
    pub score: f32,
    /// The matching text, matched words wrapped in `<b>…</b>`.
    pub snippet: String,
    /// The article, quote, person or organization.
    pub node: SearchResult,
}

/// The ranked search.
pub async fn search(
    ctx: &Context<'_>,
    query: &str,
    types: &[SearchType],
    limit: usize,
) -> AppResult<Vec<SearchHit>> {
    if query.trim().is_empty() {
        return Err(AppError::bad_input("`query` is empty"));
    }
    let kinds: Vec<&str> = types.iter().map(|t| t.as_db()).collect();
    let rows = {
        let mut conn = request_conn(ctx)?.get().await?;
        db::search(&mut conn, query, &kinds, limit).await?
    };
    let ids_of = |kind: &str| -> Vec<i64> {
        rows.iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.id)
            .collect()
    };
    let (article_ids, quote_ids) = (ids_of("ARTICLE"), ids_of("QUOTE"));
    let people = PersonBatch::load(ctx, &ids_of("PERSON")).await?;
    let orgs = OrganizationBatch::load(ctx, &ids_of("ORGANIZATION")).await?;
    let (articles, quotes) = {
        let mut conn = request_conn(ctx)?.get().await?;
        let a = crate::db::article::find_many(&mut conn, &article_ids).await?;
        let q = crate::db::quote::by_ids(&mut conn, &quote_ids).await?;
        (a, q)
    };
    let articles: HashMap<i64, Article> = ArticleBatch::wrap(articles)
        .into_iter()
        .map(|a| (a.row().id, a))
        .collect();
    let quotes: HashMap<i64, Quote> = {
        let wrapped = QuoteBatch::wrap(quotes.clone());
        quotes.iter().map(|q| q.id).zip(wrapped).collect()
    };
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let (kind, node) = match r.kind.as_str() {
                "ARTICLE" => (
                    SearchType::Article,
                    SearchResult::Article(articles.get(&r.id)?.clone()),
                ),
                "QUOTE" => (
                    SearchType::Quote,
                    SearchResult::Quote(quotes.get(&r.id)?.clone()),
                ),
                "PERSON" => (
                    SearchType::Person,
                    SearchResult::Person(people.get(&r.id)?.clone()),
                ),
                _ => (
                    SearchType::Organization,
                    SearchResult::Organization(orgs.get(&r.id)?.clone()),
                ),
            };
            Some(SearchHit {
                kind,
                score: r.score,
                snippet: r.snippet,
                node,
            })
        })
        .collect())
}
