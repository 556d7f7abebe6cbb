//! `raw_documents`: the verbatim inputs articles came from.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::{articles, raw_documents};

/// An article's stored raw text, for re-extraction.
#[derive(Debug, Clone, Queryable)]
pub struct StoredRaw {
    /// The article.
    pub article_id: i64,
    /// Its date (kept; the text may not carry one).
    pub published_on: NaiveDate,
    /// The verbatim text.
    pub content: String,
    /// `PRINT` or `JSON`.
    pub format: String,
}

/// The next `limit` articles after `after` (by id), with their raw texts.
pub async fn stored_after(
    conn: &mut AsyncPgConnection,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<StoredRaw>> {
    articles::table
        .inner_join(raw_documents::table)
        .filter(articles::id.gt(after))
        .order(articles::id.asc())
        .limit(limit)
        .select((
            articles::id,
            articles::published_on,
            raw_documents::content,
            raw_documents::format,
        ))
        .load(conn)
        .await
}
