//! `articles` and the tables that hang off it directly (outlets, sections, authors, tags).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::{article_outlets, articles, outlets, sections};

/// An article as stored (without its search vector).
#[derive(Debug, Clone, Queryable, Selectable)]
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

/// An article by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<ArticleRow>> {
    articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// An article by slug.
pub async fn find_by_slug(
    conn: &mut AsyncPgConnection,
    slug: &str,
) -> QueryResult<Option<ArticleRow>> {
    articles::table
        .filter(articles::slug.eq(slug))
        .select(ArticleRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Articles by id, in no particular order.
pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<ArticleRow>> {
    articles::table
        .filter(articles::id.eq_any(ids))
        .select(ArticleRow::as_select())
        .load(conn)
        .await
}

/// An outlet an article appeared in, with the page.
#[derive(Debug, Clone, Queryable)]
pub struct ArticleOutletRow {
    pub article_id: i64,
    pub position: i16,
    pub page: Option<String>,
    pub outlet_id: i64,
    pub slug: String,
    pub name: String,
    pub organization_id: Option<i64>,
}

/// The outlets of many articles, in sources-line order.
pub async fn outlets_of(
    conn: &mut AsyncPgConnection,
    article_ids: &[i64],
) -> QueryResult<Vec<ArticleOutletRow>> {
    article_outlets::table
        .inner_join(outlets::table)
        .filter(article_outlets::article_id.eq_any(article_ids))
        .order((article_outlets::article_id, article_outlets::position))
        .select((
            article_outlets::article_id,
            article_outlets::position,
            article_outlets::page,
            outlets::id,
            outlets::slug,
            outlets::name,
            outlets::organization_id,
        ))
        .load(conn)
        .await
}

/// A section of the tree.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sections, check_for_backend(diesel::pg::Pg))]
pub struct SectionRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub path: String,
    pub depth: i32,
}

/// Sections by id, with all their ancestors (so a breadcrumb can be built).
pub async fn sections_with_ancestors(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<SectionRow>> {
    // Paths are "A > B > C": every ancestor's path is a prefix of the leaf's, so one
    // lookup by the leaves' path prefixes finds them all without recursion.
    let leaves: Vec<SectionRow> = sections::table
        .filter(sections::id.eq_any(ids))
        .select(SectionRow::as_select())
        .load(conn)
        .await?;
    let mut prefixes: Vec<String> = Vec::new();
    for leaf in &leaves {
        let parts: Vec<&str> = leaf.path.split(" > ").collect();
        for n in 1..parts.len() {
            prefixes.push(parts[..n].join(" > "));
        }
    }
    if prefixes.is_empty() {
        return Ok(leaves);
    }
    let mut all: Vec<SectionRow> = sections::table
        .filter(sections::path.eq_any(&prefixes))
        .select(SectionRow::as_select())
        .load(conn)
        .await?;
    all.extend(leaves);
    Ok(all)
}

/// A position in the newest-first ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateKey {
    /// Published date.
    pub published_on: NaiveDate,
    /// Tie-breaker.
    pub id: i64,
}

/// One keyset page of articles, newest first (`backward`: the page before `after`,
/// fetched oldest first). Fetches `limit` rows; callers ask for one extra to learn
/// whether more follow.
pub async fn page_by_date(
    conn: &mut AsyncPgConnection,
    after: Option<DateKey>,
    backward: bool,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Bool, Date};
    let mut query = articles::table.select(ArticleRow::as_select()).into_boxed();
    if let Some(key) = after {
        let op = if backward { ">" } else { "<" };
        query = query.filter(
            sql::<Bool>(&format!("(articles.published_on, articles.id) {op} ("))
                .bind::<Date, _>(key.published_on)
                .sql(", ")
                .bind::<BigInt, _>(key.id)
                .sql(")"),
        );
    }
    query = if backward {
        query.order((articles::published_on.asc(), articles::id.asc()))
    } else {
        query.order((articles::published_on.desc(), articles::id.desc()))
    };
    query.limit(limit).load(conn).await
}

/// All articles.
pub async fn count_all(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    articles::table.count().get_result(conn).await
}
