//! `Quote` and its speaker.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject, Union};
use chrono::NaiveDate;
use tokio::sync::OnceCell;

use super::article::{Article, ArticleBatch};
use super::entity::{Organization, OrganizationBatch, Person, PersonBatch};
use super::ids::{self, NodeType};
use super::pagination;
use super::request_conn;
use crate::db::article as db_article;
use crate::db::quote::QuoteRow;
use crate::error::AppResult;

/// The speakers of a batch of quotes, by id.
type Speakers = Arc<(HashMap<i64, Person>, HashMap<i64, Organization>)>;

/// What the quotes of one list share: their speakers and articles, loaded once for all.
#[derive(Default)]
pub struct QuoteBatch {
    person_ids: Vec<i64>,
    organization_ids: Vec<i64>,
    article_ids: Vec<i64>,
    speakers: OnceCell<Speakers>,
    articles: OnceCell<Arc<HashMap<i64, Article>>>,
}

impl QuoteBatch {
    /// Wraps rows loaded together into `Quote`s sharing one batch.
    pub fn wrap(rows: Vec<QuoteRow>) -> Vec<Quote> {
        let person_ids = super::batch::distinct(rows.iter().filter_map(|r| r.speaker_person_id));
        let organization_ids =
            super::batch::distinct(rows.iter().filter_map(|r| r.speaker_organization_id));
        let article_ids = super::batch::distinct(rows.iter().map(|r| r.article_id));
        let batch = Arc::new(Self {
            person_ids,
            organization_ids,
            article_ids,
            ..Self::default()
        });
        rows.into_iter()
            .map(|row| Quote {
                row: Arc::new(row),
                batch: batch.clone(),
            })
            .collect()
    }

    async fn speakers(&self, ctx: &Context<'_>) -> AppResult<Speakers> {
        self.speakers
            .get_or_try_init(|| async {
                // Both statements always run, so the statement count of a request does
                // not depend on which kinds of speakers its rows happen to have.
                let people = PersonBatch::load(ctx, &self.person_ids).await?;
                let orgs = OrganizationBatch::load(ctx, &self.organization_ids).await?;
                Ok(Arc::new((people, orgs)))
            })
            .await
            .cloned()
    }
}

/// Words in quotation marks, attributed to who said them.
#[derive(Clone)]
pub struct Quote {
    row: Arc<QuoteRow>,
    batch: Arc<QuoteBatch>,
}

/// A speaker who is not named: kept as the article describes them ("a diplomatic
/// source in Beijing").
#[derive(SimpleObject, Clone)]
pub struct UnnamedSource {
    /// The description as written.
    pub description: String,
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

impl Quote {
    /// The article's id.
    pub fn article_id(&self) -> i64 {
        self.row.article_id
    }
}

#[Object]
impl Quote {
    /// Global ID.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Quote, self.row.id)
    }

    /// The exact words between the quotation marks.
    async fn text(&self) -> &str {
        &self.row.text
    }

    /// Who said them; null when the attribution is unknown.
    async fn speaker(&self, ctx: &Context<'_>) -> AppResult<Option<Speaker>> {
        if let Some(d) = &self.row.speaker_description {
            return Ok(Some(Speaker::UnnamedSource(UnnamedSource {
                description: d.clone(),
            })));
        }
        if self.row.speaker_person_id.is_none() && self.row.speaker_organization_id.is_none() {
            return Ok(None);
        }
        let speakers = self.batch.speakers(ctx).await?;
        if let Some(id) = self.row.speaker_person_id {
            return Ok(speakers.0.get(&id).cloned().map(Speaker::Person));
        }
        Ok(self
            .row
            .speaker_organization_id
            .and_then(|id| speakers.1.get(&id).cloned())
            .map(Speaker::Organization))
    }

    /// The speaker's name, or the unnamed source's description.
    async fn speaker_name(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        if let Some(d) = &self.row.speaker_description {
            return Ok(Some(d.clone()));
        }
        if self.row.speaker_person_id.is_none() && self.row.speaker_organization_id.is_none() {
            return Ok(None);
        }
        let speakers = self.batch.speakers(ctx).await?;
        Ok(self
            .row
            .speaker_person_id
            .and_then(|id| speakers.0.get(&id).map(|p| p.row().canonical_name.clone()))
            .or_else(|| {
                self.row
                    .speaker_organization_id
                    .and_then(|id| speakers.1.get(&id).map(|o| o.row().name.clone()))
            }))
    }

    /// Whether the speaker is an unnamed source.
    async fn is_unnamed(&self) -> bool {
        self.row.speaker_description.is_some()
    }

    /// The words that attribute the quote ("said", "told", "called for").
    async fn cue(&self) -> Option<&str> {
        self.row.cue.as_deref()
    }

    /// Whether the quote is a fragment inside a sentence rather than whole sentences.
    async fn is_fragment(&self) -> bool {
        self.row.is_fragment
    }

    /// Confidence of the attribution, from 0 to 1 (1 when an editor set it).
    async fn confidence(&self) -> f32 {
        self.row.confidence
    }

    /// Index into the article's `paragraphs`.
    async fn paragraph(&self) -> i32 {
        self.row.paragraph
    }

    /// First character of the quoted words in the paragraph (Unicode scalar values).
    async fn start(&self) -> i32 {
        self.row.start_offset
    }

    /// One past the last character.
    async fn end(&self) -> i32 {
        self.row.end_offset
    }

    /// The date of the article it appeared in.
    async fn published_on(&self) -> NaiveDate {
        self.row.published_on
    }

    /// Version of the extractor that found it.
    async fn extractor_version(&self) -> &str {
        &self.row.extractor_version
    }

    /// The article it appeared in.
    async fn article(&self, ctx: &Context<'_>) -> AppResult<Option<Article>> {
        let batch = &self.batch;
        let articles = batch
            .articles
            .get_or_try_init(|| async {
                let rows = {
                    let mut conn = request_conn(ctx)?.get().await?;
                    db_article::find_many(&mut conn, &batch.article_ids).await?
                };
                Ok::<_, crate::error::AppError>(Arc::new(
                    ArticleBatch::wrap(rows)
                        .into_iter()
                        .map(|a| (a.row().id, a))
                        .collect(),
                ))
            })
            .await?;
        Ok(articles.get(&self.row.article_id).cloned())
    }
}

pagination::connection_type!(QuoteConnection, QuoteEdge, Quote, "A page of quotes.");
