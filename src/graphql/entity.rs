//! `Person` and `Organization`, and how they appear in an article.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::NaiveDate;

use super::article::{ArticleBatch, ArticleConnection};
use super::batch::{Keyed, Lookup, Rel};
use super::ids::{self, NodeType};
use super::pagination::{self, Page, Total};
use super::quote::{QuoteBatch, QuoteConnection};
use super::request_conn;
use crate::db::article as db_article;
use crate::db::entity::{self as db_entity, Counts, OrganizationRow, PersonRow, TitleRow};
use crate::db::filter::EntityKind;
use crate::db::quote::{self as db_quote, QuoteKey};
use crate::error::{AppError, AppResult};

/// Largest `first` for the small ranked lists (co-mentions).
const MAX_RANKED: i32 = 50;

fn ranked_limit(first: i32) -> AppResult<usize> {
    usize::try_from(first)
        .ok()
        .filter(|n| *n <= MAX_RANKED as usize)
        .ok_or_else(|| AppError::bad_input(format!("`first` must be between 0 and {MAX_RANKED}")))
}

/// What the people of one list share: their relations, loaded once for all.
#[derive(Default)]
pub struct PersonBatch {
    ids: Vec<i64>,
    aliases: Rel<String>,
    titles: Rel<TitleRow>,
    counts: Lookup<Counts>,
    co_people: Keyed<(Person, i64)>,
    co_organizations: Keyed<(Organization, i64)>,
    articles: Keyed<db_article::ArticleRow>,
    quotes: Keyed<crate::db::quote::QuoteRow>,
}

impl PersonBatch {
    /// Wraps rows loaded together into `Person`s sharing one batch.
    pub fn wrap(rows: Vec<PersonRow>) -> Vec<Person> {
        let ids = super::batch::distinct(rows.iter().map(|r| r.id));
        let batch = Arc::new(Self {
            ids,
            ..Self::default()
        });
        rows.into_iter()
            .map(|row| Person {
                row: Arc::new(row),
                batch: batch.clone(),
            })
            .collect()
    }

    /// Loads people by id (merged ids resolve to the survivor) as one batch, keyed by
    /// the id asked for.
    pub async fn load(ctx: &Context<'_>, ids: &[i64]) -> AppResult<HashMap<i64, Person>> {
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_entity::people_by_ids(&mut conn, ids).await?
        };
        let (asked, rows): (Vec<i64>, Vec<PersonRow>) = rows.into_iter().unzip();
        Ok(asked.into_iter().zip(Self::wrap(rows)).collect())
    }
}

/// A person named in the archive's articles: politicians, officials, experts, authors.
#[derive(Clone)]
pub struct Person {
    row: Arc<PersonRow>,
    batch: Arc<PersonBatch>,
}

impl Person {
    /// The row behind this person.
    pub fn row(&self) -> &PersonRow {
        &self.row
    }
}

/// A title a person was given in one article ("Chinese Foreign Minister").
#[derive(SimpleObject, Clone)]
pub struct PersonTitle {
    /// The title as written before the name.
    pub title: String,
    /// The date of the article it appeared in.
    pub published_on: NaiveDate,
    /// The article's global ID.
    pub article_id: ID,
}

/// A person seen together with another entity, and in how many articles.
#[derive(SimpleObject, Clone)]
pub struct CoMentionedPerson {
    /// The person.
    pub person: Person,
    /// Articles mentioning both.
    pub article_count: i64,
}

/// An organization seen together with another entity, and in how many articles.
#[derive(SimpleObject, Clone)]
pub struct CoMentionedOrganization {
    /// The organization.
    pub organization: Organization,
    /// Articles mentioning both.
    pub article_count: i64,
}

async fn load_counts(
    ctx: &Context<'_>,
    kind: EntityKind,
    ids: &[i64],
    cell: &Lookup<Counts>,
    id: i64,
) -> AppResult<Counts> {
    let all = cell
        .get(|| async {
            let mut conn = request_conn(ctx)?.get().await?;
            let rows = db_entity::counts_of(&mut conn, kind, ids).await?;
            Ok(rows.into_iter().map(|c| (c.owner, c)).collect())
        })
        .await?;
    Ok(all.get(&id).copied().unwrap_or(Counts {
        owner: id,
        mentions: 0,
        articles: 0,
        quotes: 0,
    }))
}

async fn load_aliases(
    ctx: &Context<'_>,
    kind: EntityKind,
    ids: &[i64],
    cell: &Rel<String>,
    id: i64,
) -> AppResult<Vec<String>> {
    let all = cell
        .get(|| async {
            let mut conn = request_conn(ctx)?.get().await?;
            Ok(db_entity::aliases_of(&mut conn, kind, ids).await?)
        })
        .await?;
    Ok(all.get(&id).cloned().unwrap_or_default())
}

/// A page of the articles mentioning an entity (newest first), batched over siblings.
#[expect(
    clippy::too_many_arguments,
    reason = "the relation, its parent, and the Relay arguments"
)]
async fn entity_articles(
    ctx: &Context<'_>,
    kind: EntityKind,
    ids: &[i64],
    cell: &Keyed<db_article::ArticleRow>,
    id: i64,
    total: i64,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<ArticleConnection> {
    let page = Page::new(first, after, None, None)?;
    let key = page
        .cursor
        .as_deref()
        .map(super::query::parse_date_key)
        .transpose()?;
    let rel = cell.rel(&format!("{}:{:?}", page.size, page.cursor));
    let all = rel
        .get(|| async {
            let mut conn = request_conn(ctx)?.get().await?;
            Ok(db_article::mentioning(&mut conn, kind, ids, key, page.size + 1).await?)
        })
        .await?;
    let rows = all.get(&id).cloned().unwrap_or_default();
    let (edges, info) =
        pagination::finish_page(rows, &page, |r| format!("d:{}:{}", r.published_on, r.id));
    let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
    Ok(ArticleConnection::new(
        cursors.into_iter().zip(ArticleBatch::wrap(rows)).collect(),
        info,
        Total::Known(total),
    ))
}

/// A page of an entity's quotes (newest first), batched over siblings.
#[expect(
    clippy::too_many_arguments,
    reason = "the relation, its parent, and the Relay arguments"
)]
async fn entity_quotes(
    ctx: &Context<'_>,
    kind: EntityKind,
    ids: &[i64],
    cell: &Keyed<crate::db::quote::QuoteRow>,
    id: i64,
    total: i64,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<QuoteConnection> {
    let page = Page::new(first, after, None, None)?;
    let key = page
        .cursor
        .as_deref()
        .map(super::query::parse_date_key)
        .transpose()?
        .map(|(published_on, id)| QuoteKey { published_on, id });
    let rel = cell.rel(&format!("{}:{:?}", page.size, page.cursor));
    let all = rel
        .get(|| async {
            let mut conn = request_conn(ctx)?.get().await?;
            Ok(db_quote::by_speakers(&mut conn, kind, ids, key, page.size + 1).await?)
        })
        .await?;
    let rows = all.get(&id).cloned().unwrap_or_default();
    let (edges, info) =
        pagination::finish_page(rows, &page, |r| format!("d:{}:{}", r.published_on, r.id));
    let (cursors, rows): (Vec<String>, Vec<_>) = edges.into_iter().unzip();
    Ok(QuoteConnection::new(
        cursors.into_iter().zip(QuoteBatch::wrap(rows)).collect(),
        info,
        Total::Known(total),
    ))
}

async fn co_people(
    ctx: &Context<'_>,
    from: EntityKind,
    ids: &[i64],
    cell: &Keyed<(Person, i64)>,
    id: i64,
    limit: usize,
    quoted_with: bool,
) -> AppResult<Vec<CoMentionedPerson>> {
    let rel = cell.rel(&format!("{limit}:{quoted_with}"));
    let all = rel
        .get(|| async {
            let mut conn = request_conn(ctx)?.get().await?;
            let co = if quoted_with {
                db_entity::people_quoted_with(&mut conn, ids, limit).await?
            } else {
                db_entity::co_mentioned(&mut conn, from, ids, EntityKind::Person, limit).await?
            };
            let others: Vec<i64> = co.iter().map(|c| c.other).collect();
            let rows = db_entity::people_by_ids(&mut conn, &others).await?;
            let (asked, rows): (Vec<i64>, Vec<PersonRow>) = rows.into_iter().unzip();
            let people: HashMap<i64, Person> =
                asked.into_iter().zip(PersonBatch::wrap(rows)).collect();
            Ok(co
                .into_iter()
                .filter_map(|c| {
                    people
                        .get(&c.other)
                        .map(|p| (c.owner, (p.clone(), c.articles)))
                })
                .collect())
        })
        .await?;
    Ok(all
        .get(&id)
        .map(|v| {
            v.iter()
                .map(|(person, n)| CoMentionedPerson {
                    person: person.clone(),
                    article_count: *n,
                })
                .collect()
        })
        .unwrap_or_default())
}

async fn co_organizations(
    ctx: &Context<'_>,
    from: EntityKind,
    ids: &[i64],
    cell: &Keyed<(Organization, i64)>,
    id: i64,
    limit: usize,
) -> AppResult<Vec<CoMentionedOrganization>> {
    let rel = cell.rel(&limit.to_string());
    let all = rel
        .get(|| async {
            let mut conn = request_conn(ctx)?.get().await?;
            let co = db_entity::co_mentioned(&mut conn, from, ids, EntityKind::Organization, limit)
                .await?;
            let others: Vec<i64> = co.iter().map(|c| c.other).collect();
            let rows = db_entity::organizations_by_ids(&mut conn, &others).await?;
            let (asked, rows): (Vec<i64>, Vec<OrganizationRow>) = rows.into_iter().unzip();
            let orgs: HashMap<i64, Organization> = asked
                .into_iter()
                .zip(OrganizationBatch::wrap(rows))
                .collect();
            Ok(co
                .into_iter()
                .filter_map(|c| {
                    orgs.get(&c.other)
                        .map(|o| (c.owner, (o.clone(), c.articles)))
                })
                .collect())
        })
        .await?;
    Ok(all
        .get(&id)
        .map(|v| {
            v.iter()
                .map(|(organization, n)| CoMentionedOrganization {
                    organization: organization.clone(),
                    article_count: *n,
                })
                .collect()
        })
        .unwrap_or_default())
}

#[Object]
impl Person {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Person, self.row.id)
    }

    /// URL-safe unique name.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// The canonical name: the fullest form the archive has seen, without titles.
    async fn name(&self) -> &str {
        &self.row.canonical_name
    }

    /// Every form of the name seen in articles ("Xi", "Xi Jinping") and added by editors.
    async fn aliases(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        load_aliases(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.aliases,
            self.row.id,
        )
        .await
    }

    /// An external identifier such as a Wikidata QID, when an editor has set one.
    async fn external_id(&self) -> Option<&str> {
        self.row.external_id.as_deref()
    }

    /// Mentions across the archive.
    async fn mention_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(load_counts(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .mentions)
    }

    /// Articles that mention this person.
    async fn article_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(load_counts(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .articles)
    }

    /// Quotes attributed to this person.
    async fn quote_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(load_counts(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .quotes)
    }

    /// The titles this person was given, as of each article, oldest first.
    async fn titles(&self, ctx: &Context<'_>) -> AppResult<Vec<PersonTitle>> {
        let batch = &self.batch;
        let all = batch
            .titles
            .get(|| async {
                let mut conn = request_conn(ctx)?.get().await?;
                let rows = db_entity::titles_of(&mut conn, &batch.ids).await?;
                Ok(rows.into_iter().map(|t| (t.person_id, t)).collect())
            })
            .await?;
        Ok(all
            .get(&self.row.id)
            .map(|v| {
                v.iter()
                    .map(|t| PersonTitle {
                        title: t.title.clone(),
                        published_on: t.published_on,
                        article_id: ids::encode(NodeType::Article, t.article_id),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Articles mentioning this person, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let total = load_counts(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .articles;
        entity_articles(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.articles,
            self.row.id,
            total,
            first,
            after,
        )
        .await
    }

    /// Quotes attributed to this person, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<QuoteConnection> {
        let total = load_counts(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .quotes;
        entity_quotes(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.quotes,
            self.row.id,
            total,
            first,
            after,
        )
        .await
    }

    /// People most often mentioned in the same articles.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn co_mentioned_people(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<CoMentionedPerson>> {
        co_people(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.co_people,
            self.row.id,
            ranked_limit(first)?,
            false,
        )
        .await
    }

    /// Organizations most often mentioned in the same articles.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn co_mentioned_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<CoMentionedOrganization>> {
        co_organizations(
            ctx,
            EntityKind::Person,
            &self.batch.ids,
            &self.batch.co_organizations,
            self.row.id,
            ranked_limit(first)?,
        )
        .await
    }
}

/// What kind of body an organization is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum OrganizationKind {
    /// Ministries, agencies, legislatures, administrations.
    Government,
    /// Political parties.
    Party,
    /// Newspapers, broadcasters, news agencies.
    Media,
    /// Companies and business groups.
    Company,
    /// International and intergovernmental bodies.
    International,
    /// Armed forces and their units.
    Military,
    /// Anything else.
    Other,
}

impl OrganizationKind {
    /// From `organizations.kind`.
    pub fn from_db(s: &str) -> Self {
        match s {
            "GOVERNMENT" => Self::Government,
            "PARTY" => Self::Party,
            "MEDIA" => Self::Media,
            "COMPANY" => Self::Company,
            "INTERNATIONAL" => Self::International,
            "MILITARY" => Self::Military,
            _ => Self::Other,
        }
    }
}

/// What the organizations of one list share.
#[derive(Default)]
pub struct OrganizationBatch {
    ids: Vec<i64>,
    aliases: Rel<String>,
    counts: Lookup<Counts>,
    co_people: Keyed<(Person, i64)>,
    quoted_with: Keyed<(Person, i64)>,
    co_organizations: Keyed<(Organization, i64)>,
    articles: Keyed<db_article::ArticleRow>,
    quotes: Keyed<crate::db::quote::QuoteRow>,
}

impl OrganizationBatch {
    /// Wraps rows loaded together into `Organization`s sharing one batch.
    pub fn wrap(rows: Vec<OrganizationRow>) -> Vec<Organization> {
        let ids = super::batch::distinct(rows.iter().map(|r| r.id));
        let batch = Arc::new(Self {
            ids,
            ..Self::default()
        });
        rows.into_iter()
            .map(|row| Organization {
                row: Arc::new(row),
                batch: batch.clone(),
            })
            .collect()
    }

    /// Loads organizations by id (merged ids resolve to the survivor) as one batch.
    pub async fn load(ctx: &Context<'_>, ids: &[i64]) -> AppResult<HashMap<i64, Organization>> {
        let rows = {
            let mut conn = request_conn(ctx)?.get().await?;
            db_entity::organizations_by_ids(&mut conn, ids).await?
        };
        let (asked, rows): (Vec<i64>, Vec<OrganizationRow>) = rows.into_iter().unzip();
        Ok(asked.into_iter().zip(Self::wrap(rows)).collect())
    }
}

/// A government body, party, company, outlet, international body or military.
#[derive(Clone)]
pub struct Organization {
    row: Arc<OrganizationRow>,
    batch: Arc<OrganizationBatch>,
}

impl Organization {
    /// The row behind this organization.
    pub fn row(&self) -> &OrganizationRow {
        &self.row
    }
}

#[Object]
impl Organization {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Organization, self.row.id)
    }

    /// URL-safe unique name.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// The full name ("Chinese Communist Party").
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// The acronym ("CCP"), when known.
    async fn acronym(&self) -> Option<&str> {
        self.row.acronym.as_deref()
    }

    /// What kind of body it is.
    async fn kind(&self) -> OrganizationKind {
        OrganizationKind::from_db(&self.row.kind)
    }

    /// Its country, when known.
    async fn country(&self) -> Option<&str> {
        self.row.country.as_deref()
    }

    /// An external identifier such as a Wikidata QID, when an editor has set one.
    async fn external_id(&self) -> Option<&str> {
        self.row.external_id.as_deref()
    }

    /// Every form of the name seen in articles, the acronym, and editors' additions.
    async fn aliases(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        load_aliases(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.aliases,
            self.row.id,
        )
        .await
    }

    /// Mentions across the archive.
    async fn mention_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(load_counts(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .mentions)
    }

    /// Articles that mention this organization.
    async fn article_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(load_counts(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .articles)
    }

    /// Quotes attributed to this organization (statements, spokespeople unnamed).
    async fn quote_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        Ok(load_counts(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .quotes)
    }

    /// Articles mentioning this organization, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let total = load_counts(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .articles;
        entity_articles(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.articles,
            self.row.id,
            total,
            first,
            after,
        )
        .await
    }

    /// Quotes attributed to this organization, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> AppResult<QuoteConnection> {
        let total = load_counts(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.counts,
            self.row.id,
        )
        .await?
        .quotes;
        entity_quotes(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.quotes,
            self.row.id,
            total,
            first,
            after,
        )
        .await
    }

    /// People quoted most often in articles that mention this organization.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn people_quoted_with(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<CoMentionedPerson>> {
        co_people(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.quoted_with,
            self.row.id,
            ranked_limit(first)?,
            true,
        )
        .await
    }

    /// People most often mentioned in the same articles.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn co_mentioned_people(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<CoMentionedPerson>> {
        co_people(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.co_people,
            self.row.id,
            ranked_limit(first)?,
            false,
        )
        .await
    }

    /// Organizations most often mentioned in the same articles.
    #[graphql(complexity = "first.max(0) as usize * child_complexity + 1")]
    async fn co_mentioned_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<CoMentionedOrganization>> {
        co_organizations(
            ctx,
            EntityKind::Organization,
            &self.batch.ids,
            &self.batch.co_organizations,
            self.row.id,
            ranked_limit(first)?,
        )
        .await
    }
}

/// Where an entity occurs in an article body: paragraph index and character offsets
/// (Unicode scalar values, end exclusive) into `Article.paragraphs`.
#[derive(SimpleObject, Clone)]
pub struct MentionSpan {
    /// Index into `Article.paragraphs`.
    pub paragraph: i32,
    /// First character.
    pub start: i32,
    /// One past the last character.
    pub end: i32,
    /// The characters as written ("Xi").
    pub surface: String,
    /// The title written before the name here ("Chinese leader"), if any.
    pub title: Option<String>,
}

/// A person as they appear in one article: the titles used there and every span.
#[derive(SimpleObject, Clone)]
pub struct ArticlePerson {
    /// The person.
    pub person: Person,
    /// The titles the article gives them, in order of first use.
    pub titles: Vec<String>,
    /// Every mention, in text order.
    pub mentions: Vec<MentionSpan>,
}

/// An organization as it appears in one article, with every span.
#[derive(SimpleObject, Clone)]
pub struct ArticleOrganization {
    /// The organization.
    pub organization: Organization,
    /// Every mention, in text order.
    pub mentions: Vec<MentionSpan>,
}

pagination::connection_type!(
    ArticlePersonConnection,
    ArticlePersonEdge,
    ArticlePerson,
    "The people of an article, in order of first mention."
);
pagination::connection_type!(
    ArticleOrganizationConnection,
    ArticleOrganizationEdge,
    ArticleOrganization,
    "The organizations of an article, in order of first mention."
);
pagination::connection_type!(PersonConnection, PersonEdge, Person, "A page of people.");
pagination::connection_type!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    "A page of organizations."
);

fn span(m: &db_entity::MentionRow) -> MentionSpan {
    MentionSpan {
        paragraph: m.paragraph,
        start: m.start_offset,
        end: m.end_offset,
        surface: m.surface.clone(),
        title: m.title.clone(),
    }
}

/// Groups mention rows of many articles by article, then entity (first-mention order).
fn group_mentions<E: Clone>(
    mentions: Vec<db_entity::MentionRow>,
    entities: &HashMap<i64, E>,
) -> Vec<(i64, (E, Vec<MentionSpan>))> {
    let mut out: Vec<(i64, (E, Vec<MentionSpan>))> = Vec::new();
    let mut index: HashMap<(i64, i64), usize> = HashMap::new();
    for m in mentions {
        let Some(entity) = entities.get(&m.entity_id) else {
            continue;
        };
        match index.get(&(m.article_id, m.entity_id)) {
            Some(&i) => out[i].1.1.push(span(&m)),
            None => {
                index.insert((m.article_id, m.entity_id), out.len());
                out.push((m.article_id, (entity.clone(), vec![span(&m)])));
            }
        }
    }
    out
}

/// Mentions and the distinct entities they point at.
fn split_mentions<T>(
    rows: Vec<(db_entity::MentionRow, T)>,
    id: impl Fn(&T) -> i64,
) -> (Vec<db_entity::MentionRow>, Vec<T>) {
    let mut seen = std::collections::HashSet::new();
    let mut mentions = Vec::with_capacity(rows.len());
    let mut entities = Vec::new();
    for (mention, entity) in rows {
        if seen.insert(id(&entity)) {
            entities.push(entity);
        }
        mentions.push(mention);
    }
    (mentions, entities)
}

/// The people of all articles of a batch, with their mentions, in one statement.
pub async fn load_article_people(
    ctx: &Context<'_>,
    article_ids: &[i64],
) -> AppResult<Vec<(i64, ArticlePerson)>> {
    let rows = {
        let mut conn = request_conn(ctx)?.get().await?;
        db_entity::people_mentioned_in(&mut conn, article_ids).await?
    };
    let (mentions, people) = split_mentions(rows, |p: &PersonRow| p.id);
    let people: HashMap<i64, Person> = PersonBatch::wrap(people)
        .into_iter()
        .map(|p| (p.row().id, p))
        .collect();
    Ok(group_mentions(mentions, &people)
        .into_iter()
        .map(|(article, (person, mentions))| {
            let mut titles: Vec<String> = Vec::new();
            for t in mentions.iter().filter_map(|m| m.title.clone()) {
                if !titles.contains(&t) {
                    titles.push(t);
                }
            }
            (
                article,
                ArticlePerson {
                    person,
                    titles,
                    mentions,
                },
            )
        })
        .collect())
}

/// The organizations of all articles of a batch, with their mentions, in one statement.
pub async fn load_article_organizations(
    ctx: &Context<'_>,
    article_ids: &[i64],
) -> AppResult<Vec<(i64, ArticleOrganization)>> {
    let rows = {
        let mut conn = request_conn(ctx)?.get().await?;
        db_entity::organizations_mentioned_in(&mut conn, article_ids).await?
    };
    let (mentions, orgs) = split_mentions(rows, |o: &OrganizationRow| o.id);
    let orgs: HashMap<i64, Organization> = OrganizationBatch::wrap(orgs)
        .into_iter()
        .map(|o| (o.row().id, o))
        .collect();
    Ok(group_mentions(mentions, &orgs)
        .into_iter()
        .map(|(article, (organization, mentions))| {
            (
                article,
                ArticleOrganization {
                    organization,
                    mentions,
                },
            )
        })
        .collect())
}
