//! `corrections`: the log of every editor change (who, when, before, after). Quote
//! speaker corrections are also the source `store` re-applies after re-extraction.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::schema::corrections;

/// What was corrected (`corrections.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    UpdateArticle,
    DeleteArticle,
    MergePeople,
    MergeOrganizations,
    UpdatePerson,
    UpdateOrganization,
    SetQuoteSpeaker,
}

impl Action {
    fn as_db(self) -> &'static str {
        match self {
            Self::UpdateArticle => "UPDATE_ARTICLE",
            Self::DeleteArticle => "DELETE_ARTICLE",
            Self::MergePeople => "MERGE_PEOPLE",
            Self::MergeOrganizations => "MERGE_ORGANIZATIONS",
            Self::UpdatePerson => "UPDATE_PERSON",
            Self::UpdateOrganization => "UPDATE_ORGANIZATION",
            Self::SetQuoteSpeaker => "SET_QUOTE_SPEAKER",
        }
    }
}

/// The kind of row a correction is about (`corrections.subject_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Article(i64),
    Person(i64),
    Organization(i64),
    /// A quote, with where it sits (the key re-extraction keeps).
    Quote {
        id: i64,
        article_id: i64,
        paragraph: i32,
        start_offset: i32,
    },
}

/// Who made a change.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// `api_keys.id`.
    pub key_id: i64,
    /// The key's name at the time.
    pub name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = corrections)]
struct NewCorrection<'a> {
    api_key_id: Option<i64>,
    actor: &'a str,
    action: &'a str,
    subject_type: &'a str,
    subject_id: i64,
    article_id: Option<i64>,
    paragraph: Option<i32>,
    start_offset: Option<i32>,
    before: Option<&'a Value>,
    after: &'a Value,
}

/// Records one correction; runs in the transaction that made it.
pub async fn record(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    action: Action,
    subject: Subject,
    before: Option<&Value>,
    after: &Value,
) -> QueryResult<()> {
    let (subject_type, subject_id, article_id, paragraph, start_offset) = match subject {
        Subject::Article(id) => ("ARTICLE", id, None, None, None),
        Subject::Person(id) => ("PERSON", id, None, None, None),
        Subject::Organization(id) => ("ORGANIZATION", id, None, None, None),
        Subject::Quote {
            id,
            article_id,
            paragraph,
            start_offset,
        } => (
            "QUOTE",
            id,
            Some(article_id),
            Some(paragraph),
            Some(start_offset),
        ),
    };
    diesel::insert_into(corrections::table)
        .values(NewCorrection {
            api_key_id: Some(actor.key_id),
            actor: actor.name,
            action: action.as_db(),
            subject_type,
            subject_id,
            article_id,
            paragraph,
            start_offset,
            before,
            after,
        })
        .execute(conn)
        .await?;
    Ok(())
}
