//! `Article` and its relations.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::batch::{Lookup, Rel};
use super::entity::{
    ArticleOrganization, ArticleOrganizationConnection, ArticlePerson, ArticlePersonConnection,
    Person, PersonBatch, load_article_organizations, load_article_people,
};
use super::ids::{self, NodeType};
use super::pagination::{self, Page, Total};
use super::quote::{Quote, QuoteBatch, QuoteConnection};
use super::request_conn;
use crate::db::article::{self as db_article, ArticleOutletRow, ArticleRow, SectionRow};
use crate::db::entity as db_entity;
use crate::db::quote as db_quote;
use crate::error::AppResult;

/// A page of articles, with cursors, page info, the total and facets.
pub struct ArticleConnection {
    /// The page's edges.
    pub edges: Vec<ArticleEdge>,
    /// Where the page sits.
    pub page_info: pagination::PageInfo,
    /// The total, counted only when selected.
    pub total: Total,
    /// The filter the list was made with (facets are computed over it).
    pub filter: Option<Arc<crate::db::filter::ArticleFilter>>,
}

/// An article with its cursor.
#[derive(SimpleObject)]
pub struct ArticleEdge {
    /// Opaque position of this item; pass it as `after` or `before`.
    pub cursor: String,
    /// The article.
    pub node: Article,
}

impl ArticleConnection {
    /// Builds the connection from finished page rows.
    pub fn new(
        edges: Vec<(String, Article)>,
        page_info: pagination::PageInfo,
        total: Total,
    ) -> Self {
        Self {
            edges: edges
                .into_iter()
                .map(|(cursor, node)| ArticleEdge { cursor, node })
                .collect(),
            page_info,
            total,
            filter: None,
        }
    }
}

#[Object]
impl ArticleConnection {
    /// The page's items with their cursors.
    async fn edges(&self) -> &[ArticleEdge] {
        &self.edges
    }

    /// The page's items.
    async fn nodes(&self) -> Vec<&Article> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// Where this page sits in the whole list.
    async fn page_info(&self) -> &pagination::PageInfo {
        &self.page_info
    }

    /// How many articles the whole list holds (counted only when asked for).
    async fn total_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        self.total.get(ctx).await
    }

    /// Counts of the whole list by kind, outlet, section, year, people and
    /// organizations (computed only for the parts selected). Null on lists that are not
    /// made by a filter (an entity's articles).
    #[graphql(complexity = "50 + child_complexity")]
    async fn facets(&self) -> Option<super::analytics::ArticleFacets> {
        self.filter
            .clone()
            .map(super::analytics::ArticleFacets::new)
    }
}

/// Whether an article is a translation, a summary or original reporting.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ArticleKind {
    /// A full translation of a press article ("JMH Translation").
    Translation,
    /// A summary of one or more press articles ("JMH Summary").
    Summary,
    /// Anything else: original reporting, wire stories.
    Original,
}

impl ArticleKind {
    /// The value stored in `articles.kind`.
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Translation => "TRANSLATION",
            Self::Summary => "SUMMARY",
            Self::Original => "ORIGINAL",
        }
    }

    fn from_db(s: &str) -> Self {
        match s {
            "TRANSLATION" => Self::Translation,
            "SUMMARY" => Self::Summary,
            _ => Self::Original,
        }
    }
}

/// What every article of one list shares: its relations, loaded once for all.
#[derive(Default)]
pub struct ArticleBatch {
    ids: Vec<i64>,
    section_ids: Vec<i64>,
    outlets: Rel<ArticleOutletRow>,
    sections: Lookup<SectionRow>,
    people: Rel<ArticlePerson>,
    organizations: Rel<ArticleOrganization>,
    quotes: Rel<Quote>,
    authors: Rel<Person>,
    tags: Rel<Tag>,
}

impl ArticleBatch {
    /// Wraps rows that were loaded together into `Article`s sharing one batch.
    pub fn wrap(rows: Vec<ArticleRow>) -> Vec<Article> {
        let batch = Arc::new(Self {
            ids: rows.iter().map(|r| r.id).collect(),
            section_ids: rows.iter().filter_map(|r| r.section_id).collect(),
            ..Self::default()
        });
        rows.into_iter()
            .map(|row| Article {
                row: Arc::new(row),
                batch: batch.clone(),
            })
            .collect()
    }
}

/// A press article: its metadata, body, and the people, organizations and quotes in it.
#[derive(Clone)]
pub struct Article {
    row: Arc<ArticleRow>,
    batch: Arc<ArticleBatch>,
}

impl Article {
    /// The row behind this article.
    pub fn row(&self) -> &ArticleRow {
        &self.row
    }
}

/// An outlet the article was published in, with the print page where known.
#[derive(SimpleObject, Clone)]
pub struct ArticleSource {
    /// The outlet.
    pub outlet: Outlet,
    /// The print page ("7"), when the sources line gives one.
    pub page: Option<String>,
}

/// A newspaper, broadcaster or site that publishes articles ("Yomiuri", "NHK").
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Outlet {
    /// The row id.
    #[graphql(skip)]
    pub row_id: i64,
    /// URL-safe unique name.
    pub slug: String,
    /// The name as printed on sources lines.
    pub name: String,
}

/// An editorial tag.
#[derive(SimpleObject, Clone)]
pub struct Tag {
    /// URL-safe name; pass it to the `tag` filter.
    pub slug: String,
    /// The tag as written.
    pub name: String,
}

/// A node of the section tree ("INTERNATIONAL > East Asia & Pacific").
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Section {
    /// The row id.
    #[graphql(skip)]
    pub row_id: i64,
    /// This section's own name ("East Asia & Pacific").
    pub name: String,
    /// The full breadcrumb ("INTERNATIONAL > East Asia & Pacific"); pass it to the
    /// `section` filter to get this section and its sub-sections.
    pub path: String,
    /// 1 for top-level sections.
    pub depth: i32,
}

#[async_graphql::ComplexObject]
impl Outlet {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Outlet, self.row_id)
    }
}

#[async_graphql::ComplexObject]
impl Section {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Section, self.row_id)
    }
}

impl From<&db_article::OutletRow> for Outlet {
    fn from(row: &db_article::OutletRow) -> Self {
        Self {
            row_id: row.id,
            slug: row.slug.clone(),
            name: row.name.clone(),
        }
    }
}

impl From<&SectionRow> for Section {
    fn from(row: &SectionRow) -> Self {
        Self {
            row_id: row.id,
            name: row.name.clone(),
            path: row.path.clone(),
            depth: row.depth,
        }
    }
}

#[Object]
impl Article {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Article, self.row.id)
    }

    /// URL-safe unique name: the date and the title.
    async fn slug(&self) -> &str {
        &self.row.slug
    }

    /// The headline as published.
    async fn title(&self) -> &str {
        &self.row.title
    }

    /// Translation, summary or original.
    async fn kind(&self) -> ArticleKind {
        ArticleKind::from_db(&self.row.kind)
    }

    /// The date the article was published (ISO 8601 date).
    async fn published_on(&self) -> NaiveDate {
        self.row.published_on
    }

    /// The sources line as written ("Okinawa Times, Ryukyu Shimpo").
    async fn publication(&self) -> Option<&str> {
        self.row.publication.as_deref()
    }

    /// The outlets the article appeared in, in sources-line order, with print pages.
    async fn sources(&self, ctx: &Context<'_>) -> AppResult<Vec<ArticleSource>> {
        self.load_sources(ctx).await
    }

    /// The outlets the article appeared in (the outlets of `sources`).
    async fn outlets(&self, ctx: &Context<'_>) -> AppResult<Vec<Outlet>> {
        Ok(self
            .load_sources(ctx)
            .await?
            .into_iter()
            .map(|s| s.outlet)
            .collect())
    }

    /// The section path from the top ("INTERNATIONAL", then "East Asia & Pacific");
    /// empty when the page gave none.
    async fn section_path(&self, ctx: &Context<'_>) -> AppResult<Vec<Section>> {
        self.load_section_path(ctx).await
    }

    /// The innermost section, if any.
    async fn section(&self, ctx: &Context<'_>) -> AppResult<Option<Section>> {
        Ok(self.load_section_path(ctx).await?.pop())
    }

    /// The byline's authors.
    async fn authors(&self, ctx: &Context<'_>) -> AppResult<Vec<Person>> {
        let batch = &self.batch;
        let all = batch
            .authors
            .get(|| async {
                let rows = {
                    let mut conn = request_conn(ctx)?.get().await?;
                    db_entity::authors_of(&mut conn, &batch.ids).await?
                };
                let (articles, people): (Vec<i64>, Vec<_>) = rows.into_iter().unzip();
                Ok(articles
                    .into_iter()
                    .zip(PersonBatch::wrap(people))
                    .collect())
            })
            .await?;
        Ok(all.get(&self.row.id).cloned().unwrap_or_default())
    }

    /// Editorial tags (never the site navigation captured with a print view).
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        let batch = &self.batch;
        let all = batch
            .tags
            .get(|| async {
                let mut conn = request_conn(ctx)?.get().await?;
                let rows = db_entity::tags_of(&mut conn, &batch.ids).await?;
                Ok(rows
                    .into_iter()
                    .map(|(a, slug, name)| (a, Tag { slug, name }))
                    .collect())
            })
            .await?;
        Ok(all.get(&self.row.id).cloned().unwrap_or_default())
    }

    /// The people named in the body, in order of first mention, with the titles the
    /// article gives them and every span.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ArticlePersonConnection> {
        let page = Page::new(first, after, last, before)?;
        let batch = &self.batch;
        let all = batch
            .people
            .get(|| load_article_people(ctx, &batch.ids))
            .await?;
        let (edges, info, total) = pagination::page_of_parent(&all, self.row.id, &page)?;
        Ok(ArticlePersonConnection::new(edges, info, total))
    }

    /// The organizations named in the body, in order of first mention, with every span.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ArticleOrganizationConnection> {
        let page = Page::new(first, after, last, before)?;
        let batch = &self.batch;
        let all = batch
            .organizations
            .get(|| load_article_organizations(ctx, &batch.ids))
            .await?;
        let (edges, info, total) = pagination::page_of_parent(&all, self.row.id, &page)?;
        Ok(ArticleOrganizationConnection::new(edges, info, total))
    }

    /// The attributed quotes, in text order.
    #[graphql(complexity = "first.or(last).unwrap_or(20).max(0) as usize * child_complexity + 1")]
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<QuoteConnection> {
        let page = Page::new(first, after, last, before)?;
        let batch = &self.batch;
        let all = batch
            .quotes
            .get(|| async {
                let rows = {
                    let mut conn = request_conn(ctx)?.get().await?;
                    db_quote::of_articles(&mut conn, &batch.ids).await?
                };
                Ok(QuoteBatch::wrap(rows)
                    .into_iter()
                    .map(|q| (q.article_id(), q))
                    .collect())
            })
            .await?;
        let (edges, info, total) = pagination::page_of_parent(&all, self.row.id, &page)?;
        Ok(QuoteConnection::new(edges, info, total))
    }

    /// The place named at the start of the body ("BEIJING").
    async fn dateline(&self) -> Option<&str> {
        self.row.dateline.as_deref()
    }

    /// The body, one string per paragraph, exactly as ingested (spans index into these).
    async fn paragraphs(&self) -> Vec<&str> {
        self.row
            .paragraphs
            .iter()
            .flatten()
            .map(String::as_str)
            .collect()
    }

    /// The body as one text, paragraphs separated by blank lines.
    async fn body(&self) -> String {
        self.row
            .paragraphs
            .iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Whether the page says the text is abridged.
    async fn abridged(&self) -> bool {
        self.row.abridged
    }

    /// Where the article was captured from, if known.
    async fn source_url(&self) -> Option<&str> {
        self.row.source_url.as_deref()
    }

    /// Language of this text (ISO 639-1, "en").
    async fn language(&self) -> &str {
        &self.row.language
    }

    /// Language of the original article for translations and summaries ("ja").
    async fn original_language(&self) -> Option<&str> {
        self.row.original_language.as_deref()
    }

    /// Words in the body.
    async fn word_count(&self) -> i32 {
        self.row.word_count
    }

    /// Version of the extractor that produced this article's people, organizations and quotes.
    async fn extractor_version(&self) -> &str {
        &self.row.extractor_version
    }

    /// When the article entered the archive.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// When the article was last changed in the archive.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

impl Article {
    async fn load_sources(&self, ctx: &Context<'_>) -> AppResult<Vec<ArticleSource>> {
        let batch = &self.batch;
        let all = batch
            .outlets
            .get(|| async {
                let mut conn = request_conn(ctx)?.get().await?;
                let rows = db_article::outlets_of(&mut conn, &batch.ids).await?;
                Ok(rows.into_iter().map(|r| (r.article_id, r)).collect())
            })
            .await?;
        Ok(all
            .get(&self.row.id)
            .map(|rows| {
                rows.iter()
                    .map(|r| ArticleSource {
                        outlet: Outlet {
                            row_id: r.outlet_id,
                            slug: r.slug.clone(),
                            name: r.name.clone(),
                        },
                        page: r.page.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn load_section_path(&self, ctx: &Context<'_>) -> AppResult<Vec<Section>> {
        let Some(section_id) = self.row.section_id else {
            return Ok(Vec::new());
        };
        let batch = &self.batch;
        let sections = batch
            .sections
            .get(|| async {
                let mut conn = request_conn(ctx)?.get().await?;
                let rows =
                    db_article::sections_with_ancestors(&mut conn, &batch.section_ids).await?;
                Ok(rows.into_iter().map(|r| (r.id, r)).collect())
            })
            .await?;
        let mut path = Vec::new();
        let mut next = Some(section_id);
        while let Some(id) = next {
            let Some(row) = sections.get(&id) else { break };
            path.push(Section::from(row));
            next = row.parent_id;
        }
        path.reverse();
        Ok(path)
    }
}
