//! `Article` and what hangs off it: sources, outlets, sections, tags.

use async_graphql::{Context, Enum, ID, Object};
use chrono::{DateTime, Utc};

use super::date::Date;

use super::analytics::ArticleFacets;
use super::data::{Obj, Val, key};
use super::entity::{ArticleOrganizationConnection, ArticlePersonConnection, Person};
use super::pagination::connection_type;
use super::quote::QuoteConnection;
use crate::error::AppResult;

connection_type!(
    ArticleConnection,
    ArticleEdge,
    Article,
    "A page of articles.",
    facets: ArticleFacets
);

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

/// A press article: its metadata, body, and the people, organizations and quotes in it.
#[derive(Clone)]
pub struct Article(pub(crate) Obj);

/// An outlet the article was published in, with the print page where known.
#[derive(Clone)]
pub struct ArticleSource(pub(crate) Obj);

/// A newspaper, broadcaster or site that publishes articles ("Yomiuri", "NHK").
#[derive(Clone)]
pub struct Outlet(pub(crate) Obj);

/// An editorial tag.
#[derive(Clone)]
pub struct Tag(pub(crate) Obj);

/// A node of the section tree ("INTERNATIONAL > East Asia & Pacific").
#[derive(Clone)]
pub struct Section(pub(crate) Obj);

/// An outlet the article was published in, with the print page where known.
#[Object]
impl ArticleSource {
    /// The outlet.
    async fn outlet(&self, ctx: &Context<'_>) -> AppResult<Outlet> {
        Ok(Outlet(self.0.obj(key(ctx))?))
    }

    /// The print page ("7"), when the sources line gives one.
    async fn page(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }
}

/// A newspaper, broadcaster or site that publishes articles ("Yomiuri", "NHK").
#[Object]
impl Outlet {
    /// Global ID.
    pub async fn id(&self, ctx: &Context<'_>) -> AppResult<ID> {
        Ok(ID(self.0.str(key(ctx))?.to_owned()))
    }

    /// URL-safe unique name.
    async fn slug(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The name as printed on sources lines.
    async fn name(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }
}

/// An editorial tag.
#[Object]
impl Tag {
    /// URL-safe name; pass it to the `tag` filter.
    async fn slug(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The tag as written.
    async fn name(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }
}

/// A node of the section tree ("INTERNATIONAL > East Asia & Pacific").
#[Object]
impl Section {
    /// Global ID.
    pub async fn id(&self, ctx: &Context<'_>) -> AppResult<ID> {
        Ok(ID(self.0.str(key(ctx))?.to_owned()))
    }

    /// This section's own name ("East Asia & Pacific").
    async fn name(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The full breadcrumb ("INTERNATIONAL > East Asia & Pacific"); pass it to the
    /// `section` filter to get this section and its sub-sections.
    async fn path(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// 1 for top-level sections.
    async fn depth(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }
}

/// A press article: its metadata, body, and the people, organizations and quotes in it.
#[Object]
impl Article {
    /// Global ID.
    pub async fn id(&self, ctx: &Context<'_>) -> AppResult<ID> {
        Ok(ID(self.0.str(key(ctx))?.to_owned()))
    }

    /// URL-safe unique name: the date and the title.
    async fn slug(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The headline as published.
    async fn title(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Translation, summary or original.
    async fn kind(&self, ctx: &Context<'_>) -> AppResult<ArticleKind> {
        Ok(ArticleKind::from_db(self.0.str(key(ctx))?))
    }

    /// The date the article was published (ISO 8601 date).
    async fn published_on(&self, ctx: &Context<'_>) -> AppResult<Date> {
        self.0.date(key(ctx)).map(Date)
    }

    /// The sources line as written ("Okinawa Times, Ryukyu Shimpo").
    async fn publication(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// The outlets the article appeared in, in sources-line order, with print pages.
    async fn sources(&self, ctx: &Context<'_>) -> AppResult<Vec<ArticleSource>> {
        Ok(self
            .0
            .objs(key(ctx))?
            .into_iter()
            .map(ArticleSource)
            .collect())
    }

    /// The outlets the article appeared in (the outlets of `sources`).
    async fn outlets(&self, ctx: &Context<'_>) -> AppResult<Vec<Outlet>> {
        Ok(self.0.objs(key(ctx))?.into_iter().map(Outlet).collect())
    }

    /// The section path from the top ("INTERNATIONAL", then "East Asia & Pacific");
    /// empty when the page gave none.
    async fn section_path(&self, ctx: &Context<'_>) -> AppResult<Vec<Section>> {
        Ok(self.0.objs(key(ctx))?.into_iter().map(Section).collect())
    }

    /// The innermost section, if any.
    async fn section(&self, ctx: &Context<'_>) -> AppResult<Option<Section>> {
        Ok(self.0.opt_obj(key(ctx))?.map(Section))
    }

    /// The byline's authors.
    async fn authors(&self, ctx: &Context<'_>) -> AppResult<Vec<Person>> {
        Ok(self.0.objs(key(ctx))?.into_iter().map(Person).collect())
    }

    /// Editorial tags (never the site navigation captured with a print view).
    async fn tags(&self, ctx: &Context<'_>) -> AppResult<Vec<Tag>> {
        Ok(self.0.objs(key(ctx))?.into_iter().map(Tag).collect())
    }

    /// The people named in the body, in order of first mention, with the titles the
    /// article gives them and every span.
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ArticlePersonConnection> {
        let _ = (first, after, last, before);
        Ok(ArticlePersonConnection(self.0.obj(key(ctx))?))
    }

    /// The organizations named in the body, in order of first mention, with every span.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<ArticleOrganizationConnection> {
        let _ = (first, after, last, before);
        Ok(ArticleOrganizationConnection(self.0.obj(key(ctx))?))
    }

    /// The attributed quotes, in text order.
    async fn quotes(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<QuoteConnection> {
        let _ = (first, after, last, before);
        Ok(QuoteConnection(self.0.obj(key(ctx))?))
    }

    /// The place named at the start of the body ("BEIJING").
    async fn dateline(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// The body, one string per paragraph, exactly as ingested (spans index into these).
    async fn paragraphs(&self, ctx: &Context<'_>) -> AppResult<Vec<&str>> {
        Ok(self
            .0
            .list(key(ctx))?
            .iter()
            .filter_map(Val::as_str)
            .collect())
    }

    /// The body as one text, paragraphs separated by blank lines.
    async fn body(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Whether the page had no title line, so `title` is its first sentence.
    async fn title_derived(&self, ctx: &Context<'_>) -> AppResult<bool> {
        self.0.bool(key(ctx))
    }

    /// Where `publishedOn` came from: "text" (the page), "source_url" (the URL's date) or
    /// "given" (supplied with the ingest).
    async fn date_source(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Whether the page says the text is abridged.
    async fn abridged(&self, ctx: &Context<'_>) -> AppResult<bool> {
        self.0.bool(key(ctx))
    }

    /// Where the article was captured from, if known.
    async fn source_url(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// Language of this text (ISO 639-1, "en").
    async fn language(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Language of the original article for translations and summaries ("ja").
    async fn original_language(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// Words in the body.
    async fn word_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// Version of the extractor that produced this article's people, organizations and quotes.
    async fn extractor_version(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// When the article entered the archive.
    async fn created_at(&self, ctx: &Context<'_>) -> AppResult<DateTime<Utc>> {
        self.0.datetime(key(ctx))
    }

    /// When the article was last changed in the archive.
    async fn updated_at(&self, ctx: &Context<'_>) -> AppResult<DateTime<Utc>> {
        self.0.datetime(key(ctx))
    }
}
