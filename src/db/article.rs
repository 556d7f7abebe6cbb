//! `articles`: the row type of the builder-based queries (edits) and counts. The read
//! API builds its statements in [`super::read`].

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::articles;

/// An article as stored (without its search vector).
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = articles, check_for_backend(diesel::pg::Pg))]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub raw_document_id: i64,
    pub title: String,
    pub kind: String,
    pub published_on: NaiveDate,
    pub publication: Option<String>,
    pub section_id: Option<i64>,
    pub dateline: Option<String>,
    pub paragraphs: Vec<Option<String>>,
    pub abridged: bool,
    pub source_url: Option<String>,
    pub language: String,
    pub original_language: Option<String>,
    pub word_count: i32,
    pub extractor_version: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// All articles.
pub async fn count_all(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    articles::table.count().get_result(conn).await
}
