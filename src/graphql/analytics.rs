//! Analytics for data teams: timelines, rankings of entities (with their own
//! timelines), facets, and the ranked search with safe snippets.

use super::date::Date;
use async_graphql::{Context, Enum, ID, Object, SimpleObject, Union};

use super::article::Article;
use super::data::{Obj, key};
use super::entity::{Organization, Person};
use super::quote::{Quote, UnnamedSource};
use crate::db::read::analytics::{Interval, MARK_END, MARK_START, SearchKind};
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
#[graphql(remote = "crate::db::read::analytics::Interval")]
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

/// A count for one time bucket.
#[derive(Clone)]
pub struct TimeBucket(pub(crate) Obj);

/// A count for one time bucket.
#[Object]
impl TimeBucket {
    /// The first day of the bucket.
    async fn start(&self, ctx: &Context<'_>) -> AppResult<Date> {
        self.0.date(key(ctx)).map(Date)
    }

    /// Items in the bucket (0 for a bucket without any).
    async fn count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        self.0.int(key(ctx))
    }
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

/// An entry of a ranking.
#[derive(Clone)]
pub struct RankedEntity(pub(crate) Obj);

/// An entry of a ranking.
#[Object]
impl RankedEntity {
    /// The entity.
    async fn entity(&self, ctx: &Context<'_>) -> AppResult<Entity> {
        let obj = self.0.obj(key(ctx))?;
        match obj.tag() {
            Some("Person") => Ok(Entity::Person(Person(obj))),
            Some("Organization") => Ok(Entity::Organization(Organization(obj))),
            _ => Ok(Entity::UnnamedSource(UnnamedSource(obj))),
        }
    }

    /// Its name (or an unnamed source's description).
    async fn name(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Matching articles (people, organizations) or quotes (speakers).
    async fn count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        self.0.int(key(ctx))
    }

    /// The same count per time bucket, restricted to this entity, with every bucket of
    /// the range (the filter's dates, else the entity's first and last), empty ones 0.
    /// Empty for unnamed sources.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        interval: TimeInterval,
    ) -> AppResult<Vec<TimeBucket>> {
        let _ = interval;
        Ok(self.0.objs(key(ctx))?.into_iter().map(TimeBucket).collect())
    }
}

/// One value of a facet with its count.
#[derive(Clone)]
pub struct FacetValue(pub(crate) Obj);

/// One value of a facet with its count.
#[Object]
impl FacetValue {
    /// The outlet's or section's global ID, for those facets.
    async fn id(&self, ctx: &Context<'_>) -> AppResult<Option<ID>> {
        Ok(self.0.opt_str(key(ctx))?.map(|id| ID(id.to_owned())))
    }

    /// The value ("TRANSLATION", "Yomiuri", "POLITICS > Diet", "2022").
    async fn value(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Articles of the list with this value.
    async fn count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        self.0.int(key(ctx))
    }
}

/// Counts of an article list by facet, each computed only when selected.
#[derive(Clone)]
pub struct ArticleFacets(pub(crate) Obj);

impl ArticleFacets {
    fn values(&self, ctx: &Context<'_>) -> AppResult<Vec<FacetValue>> {
        Ok(self.0.objs(key(ctx))?.into_iter().map(FacetValue).collect())
    }

    fn ranked(&self, ctx: &Context<'_>) -> AppResult<Vec<RankedEntity>> {
        Ok(self
            .0
            .objs(key(ctx))?
            .into_iter()
            .map(RankedEntity)
            .collect())
    }
}

/// Counts of an article list by facet, each computed only when selected.
#[Object]
impl ArticleFacets {
    /// By kind.
    async fn kinds(&self, ctx: &Context<'_>) -> AppResult<Vec<FacetValue>> {
        self.values(ctx)
    }

    /// By outlet, largest first.
    async fn outlets(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<FacetValue>> {
        let _ = first;
        self.values(ctx)
    }

    /// By section (full path), largest first.
    async fn sections(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<FacetValue>> {
        let _ = first;
        self.values(ctx)
    }

    /// By year of publication, largest first.
    async fn years(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> AppResult<Vec<FacetValue>> {
        let _ = first;
        self.values(ctx)
    }

    /// People mentioned in the most articles of the list.
    async fn people(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        let _ = first;
        self.ranked(ctx)
    }

    /// Organizations mentioned in the most articles of the list.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        let _ = first;
        self.ranked(ctx)
    }

    /// Speakers of the most quotes in the list's articles.
    async fn speakers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] first: i32,
    ) -> AppResult<Vec<RankedEntity>> {
        let _ = first;
        self.ranked(ctx)
    }
}

/// What `search` looks through.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::db::read::analytics::SearchKind")]
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

/// A stretch of `snippetText` that matched the search: character offsets (Unicode
/// scalar values), end exclusive.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct TextRange {
    /// First character.
    pub start: i32,
    /// One past the last character.
    pub end: i32,
}

/// One search result.
#[derive(Clone)]
pub struct SearchHit(pub(crate) Obj);

/// A raw snippet as plain text with the ranges of its highlights.
fn highlighted(raw: &str) -> (String, Vec<TextRange>) {
    let mut text = String::with_capacity(raw.len());
    let mut ranges = Vec::new();
    let mut chars = 0_i32;
    let mut open: Option<i32> = None;
    for c in raw.chars() {
        match c {
            MARK_START => open = Some(chars),
            MARK_END => {
                if let Some(start) = open.take() {
                    ranges.push(TextRange { start, end: chars });
                }
            }
            c => {
                text.push(c);
                chars += 1;
            }
        }
    }
    (text, ranges)
}

/// A raw snippet as safe HTML: the text escaped, highlights in `<b>…</b>`.
fn snippet_html(raw: &str) -> String {
    let mut html = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            MARK_START => html.push_str("<b>"),
            MARK_END => html.push_str("</b>"),
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
    html
}

/// One search result.
#[Object]
impl SearchHit {
    /// What was found.
    #[graphql(name = "type")]
    async fn kind(&self, ctx: &Context<'_>) -> AppResult<SearchType> {
        Ok(match self.0.str(key(ctx))? {
            "ARTICLE" => SearchType::Article,
            "QUOTE" => SearchType::Quote,
            "PERSON" => SearchType::Person,
            _ => SearchType::Organization,
        })
    }

    /// Relevance (full-text rank or name similarity); higher is better.
    async fn score(&self, ctx: &Context<'_>) -> AppResult<f64> {
        self.0.float(key(ctx))
    }

    /// The matching text as HTML that is safe to render: the text escaped, matched
    /// words wrapped in `<b>…</b>`.
    async fn snippet(&self) -> AppResult<String> {
        Ok(snippet_html(self.0.str("__snippet")?))
    }

    /// The matching text as plain text (see `highlights` for the matched words).
    async fn snippet_text(&self) -> AppResult<String> {
        Ok(highlighted(self.0.str("__snippet")?).0)
    }

    /// Where the matched words are in `snippetText`.
    async fn highlights(&self) -> AppResult<Vec<TextRange>> {
        Ok(highlighted(self.0.str("__snippet")?).1)
    }

    /// The article, quote, person or organization.
    async fn node(&self, ctx: &Context<'_>) -> AppResult<SearchResult> {
        let obj = self.0.obj(key(ctx))?;
        match obj.tag() {
            Some("Article") => Ok(SearchResult::Article(Article(obj))),
            Some("Quote") => Ok(SearchResult::Quote(Quote(obj))),
            Some("Person") => Ok(SearchResult::Person(Person(obj))),
            Some("Organization") => Ok(SearchResult::Organization(Organization(obj))),
            other => Err(AppError::internal(format!("a search hit tagged {other:?}"))),
        }
    }
}

/// The kinds `search` looks through by default: everything.
pub fn all_search_kinds() -> Vec<SearchKind> {
    vec![
        SearchKind::Article,
        SearchKind::Quote,
        SearchKind::Person,
        SearchKind::Organization,
    ]
}

/// The database interval of a GraphQL one.
pub fn interval(i: TimeInterval) -> Interval {
    i.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_the_text_and_mark_only_real_highlights() {
        let raw = format!("<img src=x onerror=alert(2)> {MARK_START}Taiwan{MARK_END} & \"more\"");
        assert_eq!(
            snippet_html(&raw),
            "&lt;img src=x onerror=alert(2)&gt; <b>Taiwan</b> &amp; &quot;more&quot;"
        );
        let (text, ranges) = highlighted(&raw);
        assert_eq!(text, "<img src=x onerror=alert(2)> Taiwan & \"more\"");
        assert_eq!(ranges, vec![TextRange { start: 29, end: 35 }]);
        assert_eq!(&text[29..35], "Taiwan");
    }
}
