//! `Article` and its relations.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use super::batch::{Lookup, Rel};
use super::ids::{self, NodeType};
use super::request_conn;
use crate::db::article::{self as db_article, ArticleOutletRow, ArticleRow, SectionRow};
use crate::error::AppResult;

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
pub struct Outlet {
    /// Global ID.
    pub id: ID,
    /// URL-safe unique name.
    pub slug: String,
    /// The name as printed on sources lines.
    pub name: String,
}

/// A node of the section tree ("INTERNATIONAL > East Asia & Pacific").
#[derive(SimpleObject, Clone)]
pub struct Section {
    /// Global ID.
    pub id: ID,
    /// This section's own name ("East Asia & Pacific").
    pub name: String,
    /// The full breadcrumb ("INTERNATIONAL > East Asia & Pacific"); pass it to the
    /// `section` filter to get this section and its sub-sections.
    pub path: String,
    /// 1 for top-level sections.
    pub depth: i32,
}

impl From<&SectionRow> for Section {
    fn from(row: &SectionRow) -> Self {
        Self {
            id: ids::encode(NodeType::Section, row.id),
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
                            id: ids::encode(NodeType::Outlet, r.outlet_id),
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
