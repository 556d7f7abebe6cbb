//! `quotes`: lookups, batched loads per article or speaker, and filtered keyset pages.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::{EntityKind, QuoteFilter};
use super::schema::quotes;
use super::sql::{Bind, Sql};

/// A quote as stored (without its search vector).
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = quotes, check_for_backend(diesel::pg::Pg))]
pub struct QuoteRow {
    pub id: i64,
    pub article_id: i64,
    pub published_on: NaiveDate,
    pub paragraph: i32,
    pub start_offset: i32,
    pub end_offset: i32,
    pub text: String,
    pub speaker_person_id: Option<i64>,
    pub speaker_organization_id: Option<i64>,
    pub speaker_description: Option<String>,
    pub cue: Option<String>,
    pub is_fragment: bool,
    pub confidence: f32,
    pub extractor_version: String,
}

const QUOTE_COLUMNS: &str = "q.id, q.article_id, q.published_on, q.paragraph, q.start_offset, q.end_offset, q.text, \
    q.speaker_person_id, q.speaker_organization_id, q.speaker_description, q.cue, q.is_fragment, q.confidence, \
    q.extractor_version";

/// Quotes by id.
pub async fn by_ids(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<QuoteRow>> {
    quotes::table
        .filter(quotes::id.eq_any(ids))
        .select(QuoteRow::as_select())
        .load(conn)
        .await
}

/// Every quote of these articles, in text order.
pub async fn of_articles(
    conn: &mut AsyncPgConnection,
    article_ids: &[i64],
) -> QueryResult<Vec<QuoteRow>> {
    quotes::table
        .filter(quotes::article_id.eq_any(article_ids))
        .order((quotes::article_id, quotes::paragraph, quotes::start_offset))
        .select(QuoteRow::as_select())
        .load(conn)
        .await
}

/// A position in the newest-first quote ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteKey {
    /// The article's date.
    pub published_on: NaiveDate,
    /// Tie-breaker.
    pub id: i64,
}

/// One keyset page of quotes matching `filter`, newest first (`backward`: from the
/// oldest end).
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &QuoteFilter,
    key: Option<QuoteKey>,
    backward: bool,
    limit: usize,
) -> QueryResult<Vec<QuoteRow>> {
    let mut sql = Sql::new(&format!("SELECT {QUOTE_COLUMNS} FROM quotes q WHERE "));
    sql.append(&filter.condition());
    let (cmp, dir) = if backward {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some(key) = key {
        sql.push(&format!(" AND (q.published_on, q.id) {cmp} ("))
            .bind(Bind::Date(key.published_on))
            .push(", ")
            .bind(Bind::BigInt(key.id))
            .push(")");
    }
    sql.push(&format!(
        " ORDER BY q.published_on {dir}, q.id {dir} LIMIT {limit}"
    ));
    sql.into_query().load(conn).await
}

/// How many quotes match `filter`.
pub async fn count(conn: &mut AsyncPgConnection, filter: &QuoteFilter) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut sql = Sql::new("SELECT count(*) AS n FROM quotes q WHERE ");
    sql.append(&filter.condition());
    Ok(sql.into_query().get_result::<Count>(conn).await?.n)
}

/// For each speaker (person or organization) in `ids`, its newest quotes: one keyset page
/// per speaker, all in one statement.
pub async fn by_speakers(
    conn: &mut AsyncPgConnection,
    kind: EntityKind,
    ids: &[i64],
    key: Option<QuoteKey>,
    limit: usize,
) -> QueryResult<Vec<(i64, QuoteRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        owner: i64,
        #[diesel(embed)]
        quote: QuoteRow,
    }
    let column = match kind {
        EntityKind::Person => "speaker_person_id",
        EntityKind::Organization => "speaker_organization_id",
    };
    let mut sql = Sql::new(&format!("SELECT s.owner, {QUOTE_COLUMNS} FROM unnest("));
    sql.bind(Bind::BigInts(ids.to_vec())).push(&format!(
        ") AS s(owner) CROSS JOIN LATERAL (SELECT * FROM quotes q WHERE q.{column} = s.owner"
    ));
    if let Some(key) = key {
        sql.push(" AND (q.published_on, q.id) < (")
            .bind(Bind::Date(key.published_on))
            .push(", ")
            .bind(Bind::BigInt(key.id))
            .push(")");
    }
    sql.push(&format!(
        " ORDER BY q.published_on DESC, q.id DESC LIMIT {limit}) q"
    ));
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.owner, r.quote)).collect())
}
