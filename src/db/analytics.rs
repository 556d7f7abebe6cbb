//! Aggregates for data teams and facets: counts over time, top entities, co-occurrence,
//! and the ranked search across articles, quotes, people and organizations. Each is one
//! statement over the same filter conditions as the lists.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Float4, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::{ArticleFilter, EntityKind, EntityRef, QuoteFilter, entity_ids};
use super::sql::{Bind, Sql};

/// Width of a time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Calendar days.
    Day,
    /// ISO weeks (starting Monday).
    Week,
    /// Calendar months.
    Month,
    /// Calendar years.
    Year,
}

impl Interval {
    fn unit(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

/// What a timeline counts.
#[derive(Debug, Clone)]
pub enum Counted {
    /// Articles matching a filter.
    Articles(ArticleFilter),
    /// Quotes matching a filter.
    Quotes(QuoteFilter),
}

/// One bucket of a timeline, optionally for one entity of a list.
#[derive(Debug, Clone, QueryableByName)]
pub struct Bucket {
    /// The entity (person or organization id) for per-entity timelines, else 0.
    #[diesel(sql_type = BigInt)]
    pub owner: i64,
    /// First day of the bucket.
    #[diesel(sql_type = Date)]
    pub start: NaiveDate,
    /// Items in it.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// Counts per bucket, oldest first; empty buckets are left out.
pub async fn timeline(
    conn: &mut AsyncPgConnection,
    counted: &Counted,
    interval: Interval,
) -> QueryResult<Vec<Bucket>> {
    let unit = interval.unit();
    let mut sql = match counted {
        Counted::Articles(f) => {
            let mut s = Sql::new(&format!(
                "SELECT 0::bigint AS owner, date_trunc('{unit}', a.published_on)::date AS start, count(*) AS count FROM articles a WHERE "
            ));
            s.append(&f.condition());
            s
        }
        Counted::Quotes(f) => {
            let mut s = Sql::new(&format!(
                "SELECT 0::bigint AS owner, date_trunc('{unit}', q.published_on)::date AS start, count(*) AS count FROM quotes q WHERE "
            ));
            s.append(&f.condition());
            s
        }
    };
    sql.push(" GROUP BY 2 ORDER BY 2");
    sql.into_query().load(conn).await
}

/// Which entities a ranking counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranked {
    /// People mentioned in the most matching articles.
    People,
    /// Organizations mentioned in the most matching articles.
    Organizations,
    /// Speakers (people, organizations, unnamed sources) of the most matching quotes.
    Speakers,
}

/// Appends `AND <column> IN (articles matching the filter)`, unless the filter is empty.
fn in_articles(sql: &mut Sql, column: &str, articles: &ArticleFilter) {
    let condition = articles.condition();
    if condition.as_str() != "TRUE" {
        sql.push(&format!(
            " AND {column} IN (SELECT a.id FROM articles a WHERE "
        ))
        .append(&condition)
        .push(")");
    }
}

/// One entry of a ranking.
#[derive(Debug, Clone, QueryableByName)]
pub struct RankRow {
    /// A person.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub person_id: Option<i64>,
    /// An organization.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub organization_id: Option<i64>,
    /// An unnamed source's description.
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    /// Articles (people, organizations) or quotes (speakers).
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// The top `limit` entities for the filters.
pub async fn top_entities(
    conn: &mut AsyncPgConnection,
    ranked: Ranked,
    articles: &ArticleFilter,
    quotes: &QuoteFilter,
    limit: usize,
) -> QueryResult<Vec<RankRow>> {
    let mut sql = match ranked {
        Ranked::People | Ranked::Organizations => {
            let (fk, person, org) = if ranked == Ranked::People {
                ("person_id", "m.person_id", "NULL::bigint")
            } else {
                ("organization_id", "NULL::bigint", "m.organization_id")
            };
            let mut s = Sql::new(&format!(
                "SELECT {person} AS person_id, {org} AS organization_id, NULL::text AS description, \
                 count(DISTINCT m.article_id) AS count FROM mentions m \
                 WHERE m.{fk} IS NOT NULL AND m.article_id IN (SELECT a.id FROM articles a WHERE "
            ));
            s.append(&articles.condition())
                .push(&format!(") GROUP BY m.{fk} ORDER BY count DESC, m.{fk}"));
            s
        }
        Ranked::Speakers => {
            let mut s = Sql::new(
                "SELECT q.speaker_person_id AS person_id, q.speaker_organization_id AS organization_id, \
                 q.speaker_description AS description, count(*) AS count FROM quotes q WHERE \
                 num_nonnulls(q.speaker_person_id, q.speaker_organization_id, q.speaker_description) = 1 AND ",
            );
            s.append(&quotes.condition());
            in_articles(&mut s, "q.article_id", articles);
            s.push(" GROUP BY 1, 2, 3 ORDER BY count DESC, 1, 2, 3");
            s
        }
    };
    sql.push(&format!(" LIMIT {limit}"));
    sql.into_query().load(conn).await
}

/// Per-entity timelines for the entries of a ranking, all in one statement. `owner` is
/// the person or organization id; unnamed sources get no timeline.
pub async fn entity_timelines(
    conn: &mut AsyncPgConnection,
    ranked: Ranked,
    people: &[i64],
    organizations: &[i64],
    articles: &ArticleFilter,
    quotes: &QuoteFilter,
    interval: Interval,
) -> QueryResult<Vec<(EntityKind, Bucket)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        kind: String,
        #[diesel(embed)]
        bucket: Bucket,
    }
    let unit = interval.unit();
    let mut sql = match ranked {
        Ranked::People | Ranked::Organizations => {
            let mut s = Sql::new(&format!(
                "SELECT CASE WHEN m.person_id IS NOT NULL THEN 'P' ELSE 'O' END AS kind, \
                 COALESCE(m.person_id, m.organization_id) AS owner, \
                 date_trunc('{unit}', a.published_on)::date AS start, count(DISTINCT a.id) AS count \
                 FROM mentions m JOIN articles a ON a.id = m.article_id \
                 WHERE (m.person_id = ANY("
            ));
            s.bind(Bind::BigInts(people.to_vec()))
                .push(") OR m.organization_id = ANY(")
                .bind(Bind::BigInts(organizations.to_vec()))
                .push(")) AND ")
                .append(&articles.condition());
            s
        }
        Ranked::Speakers => {
            let mut s = Sql::new(&format!(
                "SELECT CASE WHEN q.speaker_person_id IS NOT NULL THEN 'P' ELSE 'O' END AS kind, \
                 COALESCE(q.speaker_person_id, q.speaker_organization_id) AS owner, \
                 date_trunc('{unit}', q.published_on)::date AS start, count(*) AS count \
                 FROM quotes q WHERE (q.speaker_person_id = ANY("
            ));
            s.bind(Bind::BigInts(people.to_vec()))
                .push(") OR q.speaker_organization_id = ANY(")
                .bind(Bind::BigInts(organizations.to_vec()))
                .push(")) AND ")
                .append(&quotes.condition());
            in_articles(&mut s, "q.article_id", articles);
            s
        }
    };
    sql.push(" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let kind = if r.kind == "P" {
                EntityKind::Person
            } else {
                EntityKind::Organization
            };
            (kind, r.bucket)
        })
        .collect())
}

/// Entities of kind `to` mentioned in the most articles that also mention `entity`
/// (and match `articles`).
pub async fn cooccurrence(
    conn: &mut AsyncPgConnection,
    entity: &EntityRef,
    to: EntityKind,
    articles: &ArticleFilter,
    limit: usize,
) -> QueryResult<Vec<RankRow>> {
    let (fk, person, org) = match to {
        EntityKind::Person => ("person_id", "m2.person_id", "NULL::bigint"),
        EntityKind::Organization => ("organization_id", "NULL::bigint", "m2.organization_id"),
    };
    let mut sql = Sql::new(&format!(
        "SELECT {person} AS person_id, {org} AS organization_id, NULL::text AS description, \
         count(DISTINCT m2.article_id) AS count \
         FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.{fk} IS NOT NULL \
         WHERE (m1.person_id IN "
    ));
    entity_ids(&mut sql, EntityKind::Person, entity);
    sql.push(" OR m1.organization_id IN ");
    entity_ids(&mut sql, EntityKind::Organization, entity);
    sql.push(") AND NOT (m2.person_id IS NOT DISTINCT FROM m1.person_id AND m2.organization_id IS NOT DISTINCT FROM m1.organization_id)");
    in_articles(&mut sql, "m1.article_id", articles);
    sql.push(&format!(
        " GROUP BY m2.{fk} ORDER BY count DESC, m2.{fk} LIMIT {limit}"
    ));
    sql.into_query().load(conn).await
}

/// A facet value: an id (outlet, section) or a key (kind, year), its label and count.
#[derive(Debug, Clone, QueryableByName)]
pub struct FacetRow {
    /// Row id where the facet is a table (0 otherwise).
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// The value as shown.
    #[diesel(sql_type = Text)]
    pub value: String,
    /// Matching articles.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// Facets of an article filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// By kind.
    Kind,
    /// By outlet.
    Outlet,
    /// By section (full path).
    Section,
    /// By year.
    Year,
}

/// Counts of matching articles per facet value, largest first.
pub async fn facet(
    conn: &mut AsyncPgConnection,
    facet: Facet,
    filter: &ArticleFilter,
    limit: usize,
) -> QueryResult<Vec<FacetRow>> {
    let head = match facet {
        Facet::Kind => {
            "SELECT 0::bigint AS id, a.kind AS value, count(*) AS count FROM articles a WHERE "
        }
        Facet::Year => {
            "SELECT 0::bigint AS id, extract(year FROM a.published_on)::int::text AS value, count(*) AS count FROM articles a WHERE "
        }
        Facet::Outlet => {
            "SELECT o.id, o.name AS value, count(*) AS count FROM articles a \
             JOIN article_outlets ao ON ao.article_id = a.id JOIN outlets o ON o.id = ao.outlet_id WHERE "
        }
        Facet::Section => {
            "SELECT s.id, s.path AS value, count(*) AS count FROM articles a JOIN sections s ON s.id = a.section_id WHERE "
        }
    };
    let mut sql = Sql::new(head);
    sql.append(&filter.condition()).push(&format!(
        " GROUP BY 1, 2 ORDER BY count DESC, value LIMIT {limit}"
    ));
    sql.into_query().load(conn).await
}

/// What a search hit is.
#[derive(Debug, Clone, QueryableByName)]
pub struct SearchRow {
    /// `ARTICLE`, `QUOTE`, `PERSON` or `ORGANIZATION`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The row id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Rank (full text) or similarity (names), comparable enough to interleave.
    #[diesel(sql_type = Float4)]
    pub score: f32,
    /// The matching text with the matched words in `<b>…</b>`.
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

/// One ranked search over articles, quotes, people and organizations.
pub async fn search(
    conn: &mut AsyncPgConnection,
    query: &str,
    kinds: &[&str],
    limit: usize,
) -> QueryResult<Vec<SearchRow>> {
    let mut parts: Vec<Sql> = Vec::new();
    let tsq = |s: &mut Sql| {
        s.push("websearch_to_tsquery('english', ")
            .text(query)
            .push(")");
    };
    if kinds.contains(&"ARTICLE") {
        let mut s = Sql::new(
            "SELECT 'ARTICLE'::text AS kind, id, score, ts_headline('english', title || ' — ' || paragraphs_text(paragraphs), ",
        );
        tsq(&mut s);
        s.push(", 'MaxFragments=2, MaxWords=25, MinWords=8') AS snippet FROM (SELECT a.id, a.title, a.paragraphs, ts_rank_cd(a.search, ");
        tsq(&mut s);
        s.push(")::real AS score FROM articles a WHERE a.search @@ ");
        tsq(&mut s);
        s.push(&format!(" ORDER BY score DESC, a.id DESC LIMIT {limit}) x"));
        parts.push(s);
    }
    if kinds.contains(&"QUOTE") {
        let mut s =
            Sql::new("SELECT 'QUOTE'::text AS kind, id, score, ts_headline('english', text, ");
        tsq(&mut s);
        s.push(
            ", 'HighlightAll=true') AS snippet FROM (SELECT q.id, q.text, ts_rank_cd(q.search, ",
        );
        tsq(&mut s);
        s.push(")::real AS score FROM quotes q WHERE q.search @@ ");
        tsq(&mut s);
        s.push(&format!(" ORDER BY score DESC, q.id DESC LIMIT {limit}) x"));
        parts.push(s);
    }
    for (kind, table, aliases, fk, name) in [
        (
            "PERSON",
            "people",
            "person_aliases",
            "person_id",
            "canonical_name",
        ),
        (
            "ORGANIZATION",
            "organizations",
            "organization_aliases",
            "organization_id",
            "name",
        ),
    ] {
        if !kinds.contains(&kind) {
            continue;
        }
        let mut s = Sql::new(&format!(
            "SELECT '{kind}'::text AS kind, e.id, x.score, '<b>' || e.{name} || '</b>' AS snippet FROM \
             (SELECT al.{fk} AS id, max(similarity(lower(al.alias_key), name_key("
        ));
        s.text(query)
            .push(&format!(
                "))) ::real AS score FROM {aliases} al WHERE lower(al.alias_key) % name_key("
            ))
            .text(query)
            .push(&format!(
                ") GROUP BY al.{fk}) x JOIN {table} e ON e.id = x.id AND e.merged_into_id IS NULL \
                 ORDER BY x.score DESC, e.id LIMIT {limit}"
            ));
        let mut wrapped = Sql::new("SELECT * FROM (");
        wrapped.append(&s).push(") y");
        parts.push(wrapped);
    }
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT * FROM (");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("(").append(p).push(")");
    }
    sql.push(&format!(
        ") hits ORDER BY score DESC, kind, id LIMIT {limit}"
    ));
    sql.into_query().load(conn).await
}
