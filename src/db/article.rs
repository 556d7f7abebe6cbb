//! `articles` and the tables that hang off it directly (outlets, sections, authors, tags).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::ArticleFilter;
use super::schema::{article_outlets, articles, outlets, sections};
use super::sql::{Bind, Sql};

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
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = sections, check_for_backend(diesel::pg::Pg))]
pub struct SectionRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub path: String,
    pub depth: i32,
}

/// Sections by id, with all their ancestors (so a breadcrumb can be built), in one
/// statement.
pub async fn sections_with_ancestors(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<SectionRow>> {
    let mut sql = Sql::new("WITH RECURSIVE up AS (SELECT * FROM sections WHERE id = ANY(");
    sql.bind(Bind::BigInts(ids.to_vec())).push(
        ") UNION SELECT s.* FROM sections s JOIN up ON s.id = up.parent_id) \
         SELECT id, parent_id, name, path, depth FROM up",
    );
    sql.into_query().load(conn).await
}

/// The columns of [`ArticleRow`], for hand-written queries over `articles a`.
pub const ARTICLE_COLUMNS: &str = "a.id, a.slug, a.raw_document_id, a.title, a.kind, a.published_on, \
    a.publication, a.section_id, a.dateline, a.paragraphs, a.abridged, a.source_url, a.language, \
    a.original_language, a.word_count, a.extractor_version, a.created_at, a.updated_at";

/// The orderings of article lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArticleOrder {
    /// Newest first (the default).
    PublishedDesc,
    /// Oldest first.
    PublishedAsc,
    /// By title, A to Z.
    Title,
    /// Best full-text match first (needs a search).
    Relevance,
}

/// A position in an ordering: the sort key and the id that breaks ties.
#[derive(Debug, Clone, PartialEq)]
pub enum ArticleKey {
    /// Published date.
    Date(NaiveDate, i64),
    /// Title.
    Title(String, i64),
    /// Relevance score.
    Rank(f32, i64),
}

/// An article with the relevance it was ranked by (0 outside relevance order).
#[derive(Debug, Clone, QueryableByName)]
pub struct RankedArticle {
    #[diesel(embed)]
    pub article: ArticleRow,
    #[diesel(sql_type = diesel::sql_types::Float4)]
    pub rank: f32,
}

/// One keyset page of articles matching `filter` in `order`, after `key`; `backward`
/// reads the ordering from the other end. Fetches `limit` rows.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &ArticleFilter,
    order: ArticleOrder,
    key: Option<&ArticleKey>,
    backward: bool,
    limit: usize,
) -> QueryResult<Vec<RankedArticle>> {
    let search = filter.search_text().map(str::to_owned);
    let mut sql = Sql::new(&format!("SELECT {ARTICLE_COLUMNS}, "));
    match (&order, &search) {
        (ArticleOrder::Relevance, Some(q)) => {
            sql.push("ts_rank_cd(a.search, websearch_to_tsquery('english', ")
                .text(q)
                .push("))::real AS rank");
        }
        _ => {
            sql.push("0::real AS rank");
        }
    }
    sql.push(" FROM articles a WHERE ")
        .append(&filter.condition());
    // Descending orderings compare with <, ascending with >; backward flips both.
    let desc = matches!(order, ArticleOrder::PublishedDesc | ArticleOrder::Relevance) != backward;
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let key_expr = match (&order, &search) {
        (ArticleOrder::Title, _) => "a.title",
        (ArticleOrder::Relevance, Some(_)) => {
            "ts_rank_cd(a.search, websearch_to_tsquery('english', $Q))::real"
        }
        _ => "a.published_on",
    };
    if let Some(key) = key {
        sql.push(" AND (");
        push_sort(&mut sql, key_expr, search.as_deref());
        sql.push(&format!(", a.id) {cmp} ("));
        match key {
            ArticleKey::Date(d, id) => sql.bind(Bind::Date(*d)).push(", ").bind(Bind::BigInt(*id)),
            ArticleKey::Title(t, id) => sql.text(t).push(", ").bind(Bind::BigInt(*id)),
            ArticleKey::Rank(r, id) => sql.bind(Bind::Float(*r)).push(", ").bind(Bind::BigInt(*id)),
        };
        sql.push(")");
    }
    sql.push(" ORDER BY ");
    push_sort(&mut sql, key_expr, search.as_deref());
    sql.push(&format!(" {dir}, a.id {dir} LIMIT {limit}"));
    sql.into_query().load(conn).await
}

fn push_sort(sql: &mut Sql, expr: &str, search: Option<&str>) {
    match expr.split_once("$Q") {
        Some((before, after)) => {
            sql.push(before)
                .text(search.unwrap_or_default())
                .push(after);
        }
        None => {
            sql.push(expr);
        }
    }
}

/// How many articles match `filter`.
pub async fn count(conn: &mut AsyncPgConnection, filter: &ArticleFilter) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut sql = Sql::new("SELECT count(*) AS n FROM articles a WHERE ");
    sql.append(&filter.condition());
    Ok(sql.into_query().get_result::<Count>(conn).await?.n)
}

/// All articles.
pub async fn count_all(conn: &mut AsyncPgConnection) -> QueryResult<i64> {
    articles::table.count().get_result(conn).await
}

/// For each entity in `ids`, the newest articles mentioning it (one keyset page per
/// entity, all in one statement).
pub async fn mentioning(
    conn: &mut AsyncPgConnection,
    kind: super::filter::EntityKind,
    ids: &[i64],
    key: Option<(NaiveDate, i64)>,
    limit: usize,
) -> QueryResult<Vec<(i64, ArticleRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        owner: i64,
        #[diesel(embed)]
        article: ArticleRow,
    }
    let fk = match kind {
        super::filter::EntityKind::Person => "person_id",
        super::filter::EntityKind::Organization => "organization_id",
    };
    let mut sql = Sql::new(&format!("SELECT s.owner, {ARTICLE_COLUMNS} FROM unnest("));
    sql.bind(Bind::BigInts(ids.to_vec())).push(&format!(
        ") AS s(owner) CROSS JOIN LATERAL (SELECT * FROM articles a \
         WHERE a.id IN (SELECT m.article_id FROM mentions m WHERE m.{fk} = s.owner)"
    ));
    if let Some((date, id)) = key {
        sql.push(" AND (a.published_on, a.id) < (")
            .bind(Bind::Date(date))
            .push(", ")
            .bind(Bind::BigInt(id))
            .push(")");
    }
    sql.push(&format!(
        " ORDER BY a.published_on DESC, a.id DESC LIMIT {limit}) a"
    ));
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.owner, r.article)).collect())
}

/// An outlet as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outlets, check_for_backend(diesel::pg::Pg))]
pub struct OutletRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub organization_id: Option<i64>,
}

/// Outlets by id.
pub async fn outlets_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<OutletRow>> {
    outlets::table
        .filter(outlets::id.eq_any(ids))
        .select(OutletRow::as_select())
        .load(conn)
        .await
}

/// Sections by id.
pub async fn sections_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<SectionRow>> {
    sections::table
        .filter(sections::id.eq_any(ids))
        .select(SectionRow::as_select())
        .load(conn)
        .await
}
