//! `Quote` and its speaker.

use super::date::Date;
use async_graphql::{Context, ID, Object, Union};

use super::article::Article;
use super::data::{Obj, key};
use super::entity::{Organization, Person};
use super::pagination::connection_type;
use crate::error::{AppError, AppResult};

/// Words in quotation marks, attributed to who said them.
#[derive(Clone)]
pub struct Quote(pub(crate) Obj);

/// A speaker who is not named: kept as the article describes them ("a diplomatic
/// source in Beijing").
#[derive(Clone)]
pub struct UnnamedSource(pub(crate) Obj);

/// A speaker who is not named: kept as the article describes them ("a diplomatic
/// source in Beijing").
#[Object]
impl UnnamedSource {
    /// The description as written.
    async fn description(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }
}

/// Who said a quote: a person, an organization, or an unnamed source.
#[derive(Union, Clone)]
pub enum Speaker {
    /// A named person.
    Person(Person),
    /// An organization (a statement, a spokesperson not named).
    Organization(Organization),
    /// An unnamed source, kept as described.
    UnnamedSource(UnnamedSource),
}

impl Speaker {
    /// The member a tagged object stands for.
    pub fn from_obj(obj: Obj) -> AppResult<Self> {
        match obj.tag() {
            Some("Person") => Ok(Self::Person(Person(obj))),
            Some("Organization") => Ok(Self::Organization(Organization(obj))),
            Some("UnnamedSource") => Ok(Self::UnnamedSource(UnnamedSource(obj))),
            other => Err(AppError::internal(format!("a speaker tagged {other:?}"))),
        }
    }
}

/// Words in quotation marks, attributed to who said them.
#[Object]
impl Quote {
    /// Global ID.
    pub async fn id(&self, ctx: &Context<'_>) -> AppResult<ID> {
        Ok(ID(self.0.str(key(ctx))?.to_owned()))
    }

    /// The exact words between the quotation marks.
    async fn text(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// Who said them; null when the attribution is unknown.
    async fn speaker(&self, ctx: &Context<'_>) -> AppResult<Option<Speaker>> {
        self.0.opt_obj(key(ctx))?.map(Speaker::from_obj).transpose()
    }

    /// The speaker's name, or the unnamed source's description.
    async fn speaker_name(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// Whether the speaker is an unnamed source.
    async fn is_unnamed(&self, ctx: &Context<'_>) -> AppResult<bool> {
        self.0.bool(key(ctx))
    }

    /// The words that attribute the quote ("said", "told", "called for").
    async fn cue(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// Whether the quote is a fragment inside a sentence rather than whole sentences.
    async fn is_fragment(&self, ctx: &Context<'_>) -> AppResult<bool> {
        self.0.bool(key(ctx))
    }

    /// Confidence of the attribution, from 0 to 1 (1 when an editor set it).
    async fn confidence(&self, ctx: &Context<'_>) -> AppResult<f64> {
        self.0.float(key(ctx))
    }

    /// Index into the article's `paragraphs`.
    async fn paragraph(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// First character of the quoted words in the paragraph (Unicode scalar values).
    async fn start(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// One past the last character.
    async fn end(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// The date of the article it appeared in.
    async fn published_on(&self, ctx: &Context<'_>) -> AppResult<Date> {
        self.0.date(key(ctx)).map(Date)
    }

    /// Version of the extractor that found it.
    async fn extractor_version(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The article it appeared in.
    async fn article(&self, ctx: &Context<'_>) -> AppResult<Option<Article>> {
        Ok(self.0.opt_obj(key(ctx))?.map(Article))
    }
}

connection_type!(QuoteConnection, QuoteEdge, Quote, "A page of quotes.");
