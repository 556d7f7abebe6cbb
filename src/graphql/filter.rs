//! Filter inputs of the API and their translation into the database's filters.

use super::date::Date;
use async_graphql::{Enum, ID, InputObject};

use super::article::ArticleKind;
use super::ids::{self, NodeType};
use crate::db::filter::{self as db, EntityKind, EntityRef};
use crate::error::{AppError, AppResult};

/// Longest accepted full-text or name search, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most words in one search.
pub const MAX_SEARCH_WORDS: usize = 12;
/// A search text within the bounds (length and words), trimmed; longer texts are a user
/// error rather than seconds of ranking.
pub fn bounded_search(text: &str) -> AppResult<String> {
    let text = text.trim();
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(AppError::bad_input(format!(
            "a search may be at most {MAX_SEARCH_CHARS} characters long"
        )));
    }
    if text.split_whitespace().count() > MAX_SEARCH_WORDS {
        return Err(AppError::bad_input(format!(
            "a search may have at most {MAX_SEARCH_WORDS} words"
        )));
    }
    Ok(text.to_owned())
}

/// Most conditions (nested filters included) one filter may hold.
const MAX_FILTER_NODES: usize = 64;
/// Deepest nesting of `and` / `or` / `not`.
const MAX_FILTER_DEPTH: usize = 8;

/// Conditions on articles. All given fields must hold; `and`, `or` and `not` combine
/// filters. People and organizations are named by global ID, slug, name or any alias
/// (case- and accent-insensitive).
#[derive(InputObject, Clone, Default, Debug)]
#[graphql(name = "ArticleFilter")]
pub struct ArticleFilterInput {
    /// Full-text search over title (weighted higher) and body; web-search syntax
    /// (`"exact phrase"`, `-excluded`, `or`).
    pub search: Option<String>,
    /// Published on or after this date.
    pub published_from: Option<Date>,
    /// Published on or before this date.
    pub published_to: Option<Date>,
    /// Appeared in this outlet (slug or name, e.g. "Yomiuri").
    pub outlet: Option<String>,
    /// In this section or any of its sub-sections ("INTERNATIONAL",
    /// "INTERNATIONAL > East Asia & Pacific").
    pub section: Option<String>,
    /// Carries this tag (slug or name).
    pub tag: Option<String>,
    /// Of this kind.
    pub kind: Option<ArticleKind>,
    /// Written by this person (byline).
    pub author: Option<String>,
    /// Filed from this place ("BEIJING").
    pub dateline: Option<String>,
    /// Mentions this person.
    pub mentions_person: Option<String>,
    /// Mentions this organization.
    pub mentions_organization: Option<String>,
    /// Quotes this speaker (a person or an organization).
    pub quoted_speaker: Option<String>,
    /// Every one of these filters holds.
    pub and: Option<Vec<ArticleFilterInput>>,
    /// At least one of these filters holds.
    pub or: Option<Vec<ArticleFilterInput>>,
    /// This filter does not hold.
    pub not: Option<Box<ArticleFilterInput>>,
}

/// Conditions on quotes. All given fields must hold.
#[derive(InputObject, Clone, Default, Debug)]
#[graphql(name = "QuoteFilter")]
pub struct QuoteFilterInput {
    /// Said by this person or organization (global ID, slug, name or alias).
    pub speaker: Option<String>,
    /// `true`: only unnamed sources; `false`: only named speakers.
    pub unnamed: Option<bool>,
    /// In this article (global ID).
    pub article: Option<ID>,
    /// From articles published on or after this date.
    pub published_from: Option<Date>,
    /// From articles published on or before this date.
    pub published_to: Option<Date>,
    /// Full-text search in the quoted words (web-search syntax).
    pub search: Option<String>,
    /// From articles that mention this person or organization.
    pub mentions: Option<String>,
    /// From articles matching this filter.
    pub articles: Option<ArticleFilterInput>,
}

/// Orderings of article lists.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ArticleOrderBy {
    /// Newest first.
    #[default]
    PublishedDesc,
    /// Oldest first.
    PublishedAsc,
    /// By title, A to Z.
    Title,
    /// Best match first; needs `filter.search` (falls back to newest first without it).
    Relevance,
}

/// A person or organization reference as given by a client.
pub fn entity_ref(value: &str) -> EntityRef {
    match ids::decode(value) {
        Ok((NodeType::Person, id)) => EntityRef::Id(EntityKind::Person, id),
        Ok((NodeType::Organization, id)) => EntityRef::Id(EntityKind::Organization, id),
        _ => EntityRef::Name(value.trim().to_owned()),
    }
}

impl ArticleFilterInput {
    /// Checks the size of the filter and translates it.
    pub fn to_db(&self) -> AppResult<db::ArticleFilter> {
        let mut nodes = 0;
        self.convert(0, &mut nodes)
    }

    fn convert(&self, depth: usize, nodes: &mut usize) -> AppResult<db::ArticleFilter> {
        *nodes += 1;
        if depth > MAX_FILTER_DEPTH || *nodes > MAX_FILTER_NODES {
            return Err(AppError::too_complex(format!(
                "filters may nest {MAX_FILTER_DEPTH} levels and hold {MAX_FILTER_NODES} filters at most"
            )));
        }
        let list = |fs: &Option<Vec<ArticleFilterInput>>,
                    nodes: &mut usize|
         -> AppResult<Vec<db::ArticleFilter>> {
            fs.iter()
                .flatten()
                .map(|f| f.convert(depth + 1, nodes))
                .collect()
        };
        let search = self
            .search
            .as_deref()
            .map(bounded_search)
            .transpose()?
            .filter(|s| !s.is_empty());
        Ok(db::ArticleFilter {
            search,
            published_from: self.published_from.map(|d| d.0),
            published_to: self.published_to.map(|d| d.0),
            outlet: self.outlet.clone(),
            section: self.section.clone(),
            tag: self.tag.clone(),
            kind: self.kind.map(|k| k.as_db().to_owned()),
            author: self.author.as_deref().map(entity_ref),
            dateline: self.dateline.clone(),
            mentions_person: self.mentions_person.as_deref().map(entity_ref),
            mentions_organization: self.mentions_organization.as_deref().map(entity_ref),
            quoted_speaker: self.quoted_speaker.as_deref().map(entity_ref),
            and: list(&self.and, nodes)?,
            or: list(&self.or, nodes)?,
            not: self
                .not
                .as_ref()
                .map(|f| f.convert(depth + 1, nodes).map(Box::new))
                .transpose()?,
        })
    }
}

impl QuoteFilterInput {
    /// Translates the filter.
    pub fn to_db(&self) -> AppResult<db::QuoteFilter> {
        Ok(db::QuoteFilter {
            speaker: self.speaker.as_deref().map(entity_ref),
            unnamed: self.unnamed,
            article: self
                .article
                .as_ref()
                .map(|id| ids::decode_as(NodeType::Article, id))
                .transpose()?,
            published_from: self.published_from.map(|d| d.0),
            published_to: self.published_to.map(|d| d.0),
            search: self
                .search
                .as_deref()
                .map(bounded_search)
                .transpose()?
                .filter(|s| !s.is_empty()),
            mentions: self.mentions.as_deref().map(entity_ref),
            articles: self
                .articles
                .as_ref()
                .map(ArticleFilterInput::to_db)
                .transpose()?,
        })
    }
}

/// Optional filters to their database form (empty when absent).
pub fn article_filter(input: Option<&ArticleFilterInput>) -> AppResult<db::ArticleFilter> {
    input.map_or_else(
        || Ok(db::ArticleFilter::default()),
        ArticleFilterInput::to_db,
    )
}

/// Optional quote filters to their database form (empty when absent).
pub fn quote_filter(input: Option<&QuoteFilterInput>) -> AppResult<db::QuoteFilter> {
    input.map_or_else(|| Ok(db::QuoteFilter::default()), QuoteFilterInput::to_db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_filters_are_refused() {
        let mut f = ArticleFilterInput::default();
        for _ in 0..20 {
            f = ArticleFilterInput {
                not: Some(Box::new(f)),
                ..Default::default()
            };
        }
        let err = f.to_db().expect_err("too deep");
        assert_eq!(err.code, crate::error::ErrorCode::QueryTooComplex);
    }

    #[test]
    fn entity_refs_accept_ids_and_names() {
        let id = ids::encode(NodeType::Person, 5);
        assert_eq!(entity_ref(&id), EntityRef::Id(EntityKind::Person, 5));
        assert_eq!(
            entity_ref(" Xi Jinping "),
            EntityRef::Name("Xi Jinping".into())
        );
    }
}
