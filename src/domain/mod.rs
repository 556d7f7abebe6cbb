//! Plain values of the archive: articles as parsed, and the people, organizations and quotes
//! extracted from them. No IO and no storage concerns live here.

mod link;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use link::{InvalidSourceUrl, MAX_SOURCE_URL_BYTES, source_url};

/// How an article relates to its original: a full translation, a summary, or an original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ArticleKind {
    /// A translation of one press article ("JMH Translation").
    Translation,
    /// A summary of one or more press articles ("JMH Summary").
    Summary,
    /// Text published as is, in its own language.
    #[default]
    Original,
}

/// One press outlet an article comes from, with the print page when given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outlet {
    /// The outlet as written in the sources line, e.g. "Yomiuri".
    pub name: String,
    /// The print page, e.g. "7".
    pub page: Option<String>,
}

/// A character range inside one body paragraph.
///
/// Offsets count Unicode scalar values (Rust `char`s), not bytes, so that clients in any
/// language can highlight the same range; `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Index of the paragraph in [`ParsedArticle::paragraphs`].
    pub paragraph: u32,
    /// First character of the range.
    pub start: u32,
    /// One past the last character of the range.
    pub end: u32,
}

/// An article as read from its raw text, before entity extraction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedArticle {
    /// The headline.
    pub title: String,
    /// Whether the page had no title line, so the title is its first sentence.
    #[serde(default)]
    pub title_derived: bool,
    /// Translation, summary or original.
    pub kind: ArticleKind,
    /// Publication date, when the text or its source URL gives one.
    pub published_on: Option<NaiveDate>,
    /// The sources line as written, e.g. "Okinawa Times, Ryukyu Shimpo".
    pub publication: Option<String>,
    /// The outlets of the sources line, each with its page.
    pub outlets: Vec<Outlet>,
    /// Section path from the breadcrumb, outermost first.
    pub section: Vec<String>,
    /// Authors from the byline.
    pub byline: Vec<String>,
    /// Place the story was filed from, e.g. "BEIJING".
    pub dateline: Option<String>,
    /// Body paragraphs exactly as in the source (the dateline stays in the first one so that
    /// spans index into the text as written).
    pub paragraphs: Vec<String>,
    /// Whether the text is marked "(Abridged)".
    pub abridged: bool,
    /// Where the article was published online.
    pub source_url: Option<String>,
    /// Language of this text (ISO 639-1).
    pub language: String,
    /// Language of the original for translations and summaries.
    pub original_language: Option<String>,
    /// Editorial tags; only explicit structured input provides them.
    pub tags: Vec<String>,
}

/// What kind of body an organization is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
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

impl OrgKind {
    /// The value stored in `organizations.kind`.
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Government => "GOVERNMENT",
            Self::Party => "PARTY",
            Self::Media => "MEDIA",
            Self::Company => "COMPANY",
            Self::International => "INTERNATIONAL",
            Self::Military => "MILITARY",
            Self::Other => "OTHER",
        }
    }

    /// A stored kind; anything unknown is `Other`.
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

/// One occurrence of an entity in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The characters as written, e.g. "Xi".
    pub surface: String,
    /// Where they are.
    pub span: Span,
    /// The title written before the name at this occurrence, e.g. "Chinese leader".
    pub title: Option<String>,
}

/// A person named in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonEntity {
    /// The fullest form of the name the article writes, without titles.
    pub name: String,
    /// Every occurrence, in text order.
    pub mentions: Vec<Mention>,
    /// Distinct titles used before the name, in order of first use.
    pub titles: Vec<String>,
}

/// An organization named in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgEntity {
    /// The fullest form of the name the article writes.
    pub name: String,
    /// Acronym, from parentheses after the name or from the lexicon.
    pub acronym: Option<String>,
    /// Kind of body.
    pub kind: OrgKind,
    /// Country, when the text or the lexicon says.
    pub country: Option<String>,
    /// Every occurrence, in text order.
    pub mentions: Vec<Mention>,
}

/// Who a quote is attributed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Speaker {
    /// Index into [`Extraction::people`].
    Person(usize),
    /// Index into [`Extraction::organizations`].
    Organization(usize),
    /// An unnamed source, kept as described, e.g. "A diplomatic source in Beijing".
    Unnamed(String),
}

/// Words in quotation marks attributed to a speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The exact characters between the marks.
    pub text: String,
    /// Where those characters are (marks excluded).
    pub span: Span,
    /// Who said them.
    pub speaker: Speaker,
    /// The attribution verb or phrase, e.g. "said", "called for".
    pub cue: Option<String>,
    /// Whether the quote is a fragment embedded in a sentence.
    pub fragment: bool,
    /// Confidence of the attribution, from 0 to 1.
    pub confidence: f32,
}

/// Everything extracted from one article by one extractor version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The rules version that produced this extraction.
    pub extractor_version: String,
    /// People, in order of first mention.
    pub people: Vec<PersonEntity>,
    /// Organizations, in order of first mention.
    pub organizations: Vec<OrgEntity>,
    /// Attributed quotes, in text order.
    pub quotes: Vec<Quote>,
}
