//! `people` and `organizations` with their aliases, titles and mentions: lookups and
//! the batched queries behind the read API. Every batched query takes the ids of all
//! parents at one level of a request and answers for all of them at once.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Float4, Int4, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::EntityKind;
use super::schema::{organizations, people};
use super::sql::{Bind, Sql};

/// A person as stored.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = people, check_for_backend(diesel::pg::Pg))]
pub struct PersonRow {
    pub id: i64,
    pub slug: String,
    pub canonical_name: String,
    pub external_id: Option<String>,
    pub merged_into_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An organization as stored.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = organizations, check_for_backend(diesel::pg::Pg))]
pub struct OrganizationRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub acronym: Option<String>,
    pub kind: String,
    pub country: Option<String>,
    pub external_id: Option<String>,
    pub merged_into_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const PERSON_COLUMNS: &str =
    "e.id, e.slug, e.canonical_name, e.external_id, e.merged_into_id, e.created_at, e.updated_at";
const ORGANIZATION_COLUMNS: &str = "e.id, e.slug, e.name, e.acronym, e.kind, e.country, e.external_id, e.merged_into_id, e.created_at, e.updated_at";

fn table(kind: EntityKind) -> (&'static str, &'static str, &'static str, &'static str) {
    match kind {
        EntityKind::Person => ("people", "person_aliases", "person_id", "canonical_name"),
        EntityKind::Organization => (
            "organizations",
            "organization_aliases",
            "organization_id",
            "name",
        ),
    }
}

/// People by id; merged ids resolve to the person they were merged into.
pub async fn people_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, PersonRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        asked: i64,
        #[diesel(embed)]
        person: PersonRow,
    }
    let mut sql = Sql::new(&format!(
        "SELECT x0.id AS asked, {PERSON_COLUMNS} FROM people x0 \
         JOIN people e ON e.id = COALESCE(x0.merged_into_id, x0.id) WHERE x0.id = ANY("
    ));
    sql.bind(Bind::BigInts(ids.to_vec())).push(")");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.asked, r.person)).collect())
}

/// Organizations by id; merged ids resolve to the survivor.
pub async fn organizations_by_ids(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<(i64, OrganizationRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        asked: i64,
        #[diesel(embed)]
        organization: OrganizationRow,
    }
    let mut sql = Sql::new(&format!(
        "SELECT x0.id AS asked, {ORGANIZATION_COLUMNS} FROM organizations x0 \
         JOIN organizations e ON e.id = COALESCE(x0.merged_into_id, x0.id) WHERE x0.id = ANY("
    ));
    sql.bind(Bind::BigInts(ids.to_vec())).push(")");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.asked, r.organization))
        .collect())
}

/// The person with this slug, or the live person one of whose names or aliases this is
/// (case- and accent-insensitive); the most mentioned wins when several share it.
pub async fn find_person(
    conn: &mut AsyncPgConnection,
    slug_or_name: &str,
) -> QueryResult<Option<PersonRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {PERSON_COLUMNS} FROM people e WHERE e.merged_into_id IS NULL AND (e.slug = "
    ));
    sql.text(slug_or_name)
        .push(" OR e.id IN (SELECT person_id FROM person_aliases WHERE alias_key = name_key(")
        .text(slug_or_name)
        .push("))) ORDER BY e.slug = ")
        .text(slug_or_name)
        .push(" DESC, name_key(e.canonical_name) = name_key(")
        .text(slug_or_name)
        .push(
            ") DESC, (SELECT count(*) FROM mentions m WHERE m.person_id = e.id) DESC, e.id LIMIT 1",
        );
    sql.into_query().get_result(conn).await.optional()
}

/// As [`find_person`], for organizations (the acronym counts as a name).
pub async fn find_organization(
    conn: &mut AsyncPgConnection,
    slug_or_name: &str,
) -> QueryResult<Option<OrganizationRow>> {
    let mut sql = Sql::new(&format!(
        "SELECT {ORGANIZATION_COLUMNS} FROM organizations e WHERE e.merged_into_id IS NULL AND (e.slug = "
    ));
    sql.text(slug_or_name)
        .push(" OR e.id IN (SELECT organization_id FROM organization_aliases WHERE alias_key = name_key(")
        .text(slug_or_name)
        .push("))) ORDER BY e.slug = ")
        .text(slug_or_name)
        .push(" DESC, name_key(e.name) = name_key(")
        .text(slug_or_name)
        .push(") DESC, (SELECT count(*) FROM mentions m WHERE m.organization_id = e.id) DESC, e.id LIMIT 1");
    sql.into_query().get_result(conn).await.optional()
}

/// A position in an entity list: by name, or by fuzzy-match score.
#[derive(Debug, Clone, PartialEq)]
pub enum EntityKey {
    /// Name, A to Z.
    Name(String, i64),
    /// Similarity to the search, best first.
    Score(f32, i64),
    /// Mentions, most first.
    Mentions(i64, i64),
}

/// Orderings of entity lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrder {
    /// By name.
    Name,
    /// By number of mentions, most first.
    Mentions,
    /// By name similarity to the search (fuzzy).
    Relevance,
}

/// A live entity with the score it was listed by.
#[derive(Debug, Clone)]
pub struct Listed<T> {
    /// The row.
    pub row: T,
    /// Similarity (relevance order) or mention count (mentions order).
    pub score: f32,
    /// Mentions (mentions order only).
    pub mentions: i64,
}

/// A keyset page of live people or organizations, optionally fuzzy-matched against
/// `search` (trigram similarity over names and aliases, accent-insensitive).
pub async fn list_people(
    conn: &mut AsyncPgConnection,
    search: Option<&str>,
    order: EntityOrder,
    key: Option<&EntityKey>,
    backward: bool,
    limit: usize,
) -> QueryResult<Vec<Listed<PersonRow>>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        person: PersonRow,
        #[diesel(sql_type = Float4)]
        score: f32,
        #[diesel(sql_type = BigInt)]
        mentions: i64,
    }
    let sql = list_sql(
        EntityKind::Person,
        PERSON_COLUMNS,
        search,
        order,
        key,
        backward,
        limit,
    );
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            row: r.person,
            score: r.score,
            mentions: r.mentions,
        })
        .collect())
}

/// As [`list_people`], for organizations.
pub async fn list_organizations(
    conn: &mut AsyncPgConnection,
    search: Option<&str>,
    order: EntityOrder,
    key: Option<&EntityKey>,
    backward: bool,
    limit: usize,
) -> QueryResult<Vec<Listed<OrganizationRow>>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        organization: OrganizationRow,
        #[diesel(sql_type = Float4)]
        score: f32,
        #[diesel(sql_type = BigInt)]
        mentions: i64,
    }
    let sql = list_sql(
        EntityKind::Organization,
        ORGANIZATION_COLUMNS,
        search,
        order,
        key,
        backward,
        limit,
    );
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| Listed {
            row: r.organization,
            score: r.score,
            mentions: r.mentions,
        })
        .collect())
}

fn list_sql(
    kind: EntityKind,
    columns: &str,
    search: Option<&str>,
    order: EntityOrder,
    key: Option<&EntityKey>,
    backward: bool,
    limit: usize,
) -> Sql {
    let (table, aliases, fk, name) = table(kind);
    let mut sql = Sql::new("SELECT * FROM (SELECT ");
    sql.push(columns).push(", ");
    match search {
        Some(q) => {
            sql.push("(SELECT max(similarity(lower(alias_key), name_key(")
                .text(q)
                .push(&format!(
                    "))) FROM {aliases} al WHERE al.{fk} = e.id)::real AS score, "
                ));
        }
        None => {
            sql.push("0::real AS score, ");
        }
    }
    if order == EntityOrder::Mentions {
        sql.push(&format!(
            "(SELECT count(*) FROM mentions m WHERE m.{fk} = e.id) AS mentions"
        ));
    } else {
        sql.push("0::bigint AS mentions");
    }
    sql.push(&format!(" FROM {table} e WHERE e.merged_into_id IS NULL"));
    if let Some(q) = search {
        sql.push(&format!(" AND e.id IN (SELECT {fk} FROM {aliases} WHERE "));
        push_alias_match(&mut sql, q);
        sql.push(")");
    }
    sql.push(") e WHERE TRUE");
    let (key_expr, desc) = match (order, search) {
        (EntityOrder::Relevance, Some(_)) => ("e.score", true),
        (EntityOrder::Mentions, _) => ("e.mentions", true),
        _ => (
            if name == "name" {
                "e.name"
            } else {
                "e.canonical_name"
            },
            false,
        ),
    };
    let desc = desc != backward;
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    if let Some(key) = key {
        sql.push(&format!(" AND ({key_expr}, e.id) {cmp} ("));
        match key {
            EntityKey::Name(n, id) => sql.text(n).push(", ").bind(Bind::BigInt(*id)),
            EntityKey::Score(s, id) => sql.bind(Bind::Float(*s)).push(", ").bind(Bind::BigInt(*id)),
            EntityKey::Mentions(m, id) => sql
                .bind(Bind::BigInt(*m))
                .push(", ")
                .bind(Bind::BigInt(*id)),
        };
        sql.push(")");
    }
    sql.push(&format!(
        " ORDER BY {key_expr} {dir}, e.id {dir} LIMIT {limit}"
    ));
    sql
}

/// Live entities (people or organizations).
pub async fn count_live(
    conn: &mut AsyncPgConnection,
    kind: EntityKind,
    search: Option<&str>,
) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let (table, aliases, fk, _) = table(kind);
    let mut sql = Sql::new(&format!(
        "SELECT count(*) AS n FROM {table} e WHERE e.merged_into_id IS NULL"
    ));
    if let Some(q) = search {
        sql.push(&format!(" AND e.id IN (SELECT {fk} FROM {aliases} WHERE "));
        push_alias_match(&mut sql, q);
        sql.push(")");
    }
    Ok(sql.into_query().get_result::<Count>(conn).await?.n)
}

/// `alias_key` matches the search `q`: by trigram similarity (`%`, which uses the GIN
/// index on `lower(alias_key)`), or as a literal substring for short queries. The substring is
/// matched as text (`%`, `_` and `\` escaped), and an empty key (a search of
/// punctuation only) matches nothing rather than everything.
fn push_alias_match(sql: &mut Sql, q: &str) {
    sql.push("(lower(alias_key) % name_key(")
        .text(q)
        .push(") OR (name_key(")
        .text(q)
        .push(r") <> '' AND lower(alias_key) LIKE '%' || replace(replace(replace(name_key(")
        .text(q)
        .push(r"), '\', '\\'), '%', '\%'), '_', '\_') || '%'))");
}

/// One mention of an entity in an article, with the entity's id.
#[derive(Debug, Clone, QueryableByName)]
pub struct MentionRow {
    #[diesel(sql_type = BigInt)]
    pub article_id: i64,
    #[diesel(sql_type = BigInt)]
    pub entity_id: i64,
    #[diesel(sql_type = Int4)]
    pub paragraph: i32,
    #[diesel(sql_type = Int4)]
    pub start_offset: i32,
    #[diesel(sql_type = Int4)]
    pub end_offset: i32,
    #[diesel(sql_type = Text)]
    pub surface: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub title: Option<String>,
}

/// Every mention of people (or organizations) in these articles, in text order.
pub async fn mentions_in(
    conn: &mut AsyncPgConnection,
    kind: EntityKind,
    article_ids: &[i64],
) -> QueryResult<Vec<MentionRow>> {
    let (_, _, fk, _) = table(kind);
    let mut sql = Sql::new(&format!(
        "SELECT m.article_id, m.{fk} AS entity_id, m.paragraph, m.start_offset, m.end_offset, m.surface, m.title \
         FROM mentions m WHERE m.{fk} IS NOT NULL AND m.article_id = ANY("
    ));
    sql.bind(Bind::BigInts(article_ids.to_vec()))
        .push(") ORDER BY m.article_id, m.paragraph, m.start_offset");
    sql.into_query().load(conn).await
}

/// Aliases of these entities, alphabetically.
pub async fn aliases_of(
    conn: &mut AsyncPgConnection,
    kind: EntityKind,
    ids: &[i64],
) -> QueryResult<Vec<(i64, String)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        owner: i64,
        #[diesel(sql_type = Text)]
        alias: String,
    }
    let (_, aliases, fk, _) = table(kind);
    let mut sql = Sql::new(&format!(
        "SELECT {fk} AS owner, alias FROM {aliases} WHERE {fk} = ANY("
    ));
    sql.bind(Bind::BigInts(ids.to_vec()))
        .push(") ORDER BY alias_key");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.owner, r.alias)).collect())
}

/// Mention and article counts of these entities.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Counts {
    #[diesel(sql_type = BigInt)]
    pub owner: i64,
    #[diesel(sql_type = BigInt)]
    pub mentions: i64,
    #[diesel(sql_type = BigInt)]
    pub articles: i64,
    #[diesel(sql_type = BigInt)]
    pub quotes: i64,
}

/// How often these entities are mentioned, in how many articles, and quoted.
pub async fn counts_of(
    conn: &mut AsyncPgConnection,
    kind: EntityKind,
    ids: &[i64],
) -> QueryResult<Vec<Counts>> {
    let (_, _, fk, _) = table(kind);
    let speaker = match kind {
        EntityKind::Person => "speaker_person_id",
        EntityKind::Organization => "speaker_organization_id",
    };
    let mut sql = Sql::new(&format!(
        "SELECT i AS owner, \
           (SELECT count(*) FROM mentions m WHERE m.{fk} = i) AS mentions, \
           (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.{fk} = i) AS articles, \
           (SELECT count(*) FROM quotes q WHERE q.{speaker} = i) AS quotes \
         FROM unnest("
    ));
    sql.bind(Bind::BigInts(ids.to_vec())).push(") AS i");
    sql.into_query().load(conn).await
}

/// A title a person had in an article.
#[derive(Debug, Clone, QueryableByName)]
pub struct TitleRow {
    #[diesel(sql_type = BigInt)]
    pub person_id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Date)]
    pub published_on: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub article_id: i64,
}

/// Titles of these people, oldest first.
pub async fn titles_of(conn: &mut AsyncPgConnection, ids: &[i64]) -> QueryResult<Vec<TitleRow>> {
    let mut sql = Sql::new(
        "SELECT person_id, title, published_on, article_id FROM person_titles WHERE person_id = ANY(",
    );
    sql.bind(Bind::BigInts(ids.to_vec()))
        .push(") ORDER BY person_id, published_on, id");
    sql.into_query().load(conn).await
}

/// Another entity seen in the same articles, with how many articles they share.
#[derive(Debug, Clone, QueryableByName)]
pub struct CoRow {
    #[diesel(sql_type = BigInt)]
    pub owner: i64,
    #[diesel(sql_type = BigInt)]
    pub other: i64,
    #[diesel(sql_type = BigInt)]
    pub articles: i64,
}

/// For each of `ids` (of kind `from`), the `limit` entities of kind `to` mentioned in
/// the most of the same articles.
pub async fn co_mentioned(
    conn: &mut AsyncPgConnection,
    from: EntityKind,
    ids: &[i64],
    to: EntityKind,
    limit: usize,
) -> QueryResult<Vec<CoRow>> {
    let (_, _, from_fk, _) = table(from);
    let (_, _, to_fk, _) = table(to);
    let not_self = if from == to {
        format!(" AND m2.{to_fk} <> m1.{from_fk}")
    } else {
        String::new()
    };
    let mut sql = Sql::new(&format!(
        "SELECT owner, other, articles FROM ( \
           SELECT owner, other, articles, row_number() OVER (PARTITION BY owner ORDER BY articles DESC, other) AS rn \
           FROM (SELECT m1.{from_fk} AS owner, m2.{to_fk} AS other, count(DISTINCT m1.article_id) AS articles \
                 FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.{to_fk} IS NOT NULL{not_self} \
                 WHERE m1.{from_fk} = ANY("
    ));
    sql.bind(Bind::BigInts(ids.to_vec())).push(&format!(
        ") GROUP BY 1, 2) c) r WHERE rn <= {limit} ORDER BY owner, rn"
    ));
    sql.into_query().load(conn).await
}

/// Byline authors of these articles, in byline order.
pub async fn authors_of(
    conn: &mut AsyncPgConnection,
    article_ids: &[i64],
) -> QueryResult<Vec<(i64, PersonRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        article_id: i64,
        #[diesel(embed)]
        person: PersonRow,
    }
    let mut sql = Sql::new(&format!(
        "SELECT aa.article_id, {PERSON_COLUMNS} FROM article_authors aa JOIN people e ON e.id = aa.person_id WHERE aa.article_id = ANY("
    ));
    sql.bind(Bind::BigInts(article_ids.to_vec()))
        .push(") ORDER BY aa.article_id, aa.position");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.article_id, r.person)).collect())
}

/// Tags of these articles.
pub async fn tags_of(
    conn: &mut AsyncPgConnection,
    article_ids: &[i64],
) -> QueryResult<Vec<(i64, String, String)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        article_id: i64,
        #[diesel(sql_type = Text)]
        slug: String,
        #[diesel(sql_type = Text)]
        name: String,
    }
    let mut sql = Sql::new(
        "SELECT at.article_id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ANY(",
    );
    sql.bind(Bind::BigInts(article_ids.to_vec()))
        .push(") ORDER BY t.name");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.article_id, r.slug, r.name))
        .collect())
}

/// Organizations by id (no merge resolution; for outlets' organizations and speakers
/// already resolved at write time).
pub async fn organizations(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
) -> QueryResult<Vec<OrganizationRow>> {
    organizations::table
        .filter(organizations::id.eq_any(ids))
        .select(OrganizationRow::as_select())
        .load(conn)
        .await
}

/// For each organization in `ids`, the `limit` people quoted most often in articles that
/// mention it (counted in articles).
pub async fn people_quoted_with(
    conn: &mut AsyncPgConnection,
    ids: &[i64],
    limit: usize,
) -> QueryResult<Vec<CoRow>> {
    let mut sql = Sql::new(
        "SELECT owner, other, articles FROM ( \
           SELECT owner, other, articles, row_number() OVER (PARTITION BY owner ORDER BY articles DESC, other) AS rn \
           FROM (SELECT m.organization_id AS owner, q.speaker_person_id AS other, count(DISTINCT q.article_id) AS articles \
                 FROM mentions m JOIN quotes q ON q.article_id = m.article_id AND q.speaker_person_id IS NOT NULL \
                 WHERE m.organization_id = ANY(",
    );
    sql.bind(Bind::BigInts(ids.to_vec())).push(&format!(
        ") GROUP BY 1, 2) c) r WHERE rn <= {limit} ORDER BY owner, rn"
    ));
    sql.into_query().load(conn).await
}

/// Every mention of a person in these articles, in text order, with the person (one
/// statement; mentions always point at live people, merges move them).
pub async fn people_mentioned_in(
    conn: &mut AsyncPgConnection,
    article_ids: &[i64],
) -> QueryResult<Vec<(MentionRow, PersonRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        mention: MentionRow,
        #[diesel(embed)]
        person: PersonRow,
    }
    let mut sql = Sql::new(&format!(
        "SELECT m.article_id, m.person_id AS entity_id, m.paragraph, m.start_offset, m.end_offset, m.surface, m.title, \
         {PERSON_COLUMNS} FROM mentions m JOIN people e ON e.id = m.person_id WHERE m.article_id = ANY("
    ));
    sql.bind(Bind::BigInts(article_ids.to_vec()))
        .push(") ORDER BY m.article_id, m.paragraph, m.start_offset");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows.into_iter().map(|r| (r.mention, r.person)).collect())
}

/// As [`people_mentioned_in`], for organizations.
pub async fn organizations_mentioned_in(
    conn: &mut AsyncPgConnection,
    article_ids: &[i64],
) -> QueryResult<Vec<(MentionRow, OrganizationRow)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        mention: MentionRow,
        #[diesel(embed)]
        organization: OrganizationRow,
    }
    let mut sql = Sql::new(&format!(
        "SELECT m.article_id, m.organization_id AS entity_id, m.paragraph, m.start_offset, m.end_offset, m.surface, m.title, \
         {ORGANIZATION_COLUMNS} FROM mentions m JOIN organizations e ON e.id = m.organization_id WHERE m.article_id = ANY("
    ));
    sql.bind(Bind::BigInts(article_ids.to_vec()))
        .push(") ORDER BY m.article_id, m.paragraph, m.start_offset");
    let rows: Vec<Row> = sql.into_query().load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.mention, r.organization))
        .collect())
}
