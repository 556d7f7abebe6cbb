//! Editor changes: article updates and deletion, merges of people and organizations,
//! entity updates, quote speakers. Every function runs inside the caller's transaction,
//! locks the rows it changes first (`SELECT ... FOR UPDATE`, so concurrent edits of one
//! entity queue instead of overwriting each other), and records a correction.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

use super::article::ArticleRow;
use super::correction::{self, Action, Actor, Subject};
use super::schema::{articles, organizations, people, quotes};
use super::store::slugify;

/// An input the archive refuses: which input field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The input field (`title`, `into`, ...).
    pub field: &'static str,
    /// What is wrong, for people.
    pub message: String,
}

/// Why an edit did not happen.
#[derive(Debug)]
pub enum EditError {
    /// The input was refused; the transaction is rolled back.
    Invalid(Invalid),
    /// The caller's key was revoked before the change could commit.
    Revoked,
    /// The database failed.
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for EditError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e)
    }
}

/// Result of an edit.
pub type EditResult<T> = Result<T, EditError>;

fn invalid<T>(field: &'static str, message: impl Into<String>) -> EditResult<T> {
    Err(EditError::Invalid(Invalid {
        field,
        message: message.into(),
    }))
}

/// Text that must not be blank, trimmed.
fn required(field: &'static str, value: &str) -> EditResult<String> {
    let v = value.trim();
    if v.is_empty() {
        return invalid(field, "must not be blank");
    }
    Ok(v.to_owned())
}

/// Blank text clears a nullable field.
fn optional_text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

// ---------------------------------------------------------------------------------------
// Articles

/// Changes to an article's metadata; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ArticleChanges {
    pub title: Option<String>,
    /// `TRANSLATION`, `SUMMARY` or `ORIGINAL`.
    pub kind: Option<&'static str>,
    pub published_on: Option<NaiveDate>,
    /// `Some(None)` clears it.
    pub dateline: Option<Option<String>>,
    /// `Some(None)` clears it.
    pub source_url: Option<Option<String>>,
    /// Replaces the article's tags.
    pub tags: Option<Vec<String>>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = articles)]
struct ArticleChangeset {
    title: Option<String>,
    kind: Option<&'static str>,
    published_on: Option<NaiveDate>,
    dateline: Option<Option<String>>,
    source_url: Option<Option<String>>,
}

async fn article_tags(conn: &mut AsyncPgConnection, article_id: i64) -> QueryResult<Vec<String>> {
    use super::schema::{article_tags, tags};
    article_tags::table
        .inner_join(tags::table)
        .filter(article_tags::article_id.eq(article_id))
        .order(tags::name)
        .select(tags::name)
        .load(conn)
        .await
}

/// Updates an article's metadata. The slug (its permalink) does not change.
pub async fn update_article(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    id: i64,
    changes: ArticleChanges,
) -> EditResult<()> {
    let Some(row) = articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return invalid("id", "no article has this ID");
    };
    let mut set = ArticleChangeset::default();
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    if let Some(title) = &changes.title {
        let title = required("title", title)?;
        before.insert("title".into(), json!(row.title));
        after.insert("title".into(), json!(title));
        set.title = Some(title);
    }
    if let Some(kind) = changes.kind {
        before.insert("kind".into(), json!(row.kind));
        after.insert("kind".into(), json!(kind));
        set.kind = Some(kind);
    }
    if let Some(date) = changes.published_on {
        before.insert("publishedOn".into(), json!(row.published_on));
        after.insert("publishedOn".into(), json!(date));
        set.published_on = Some(date);
    }
    if let Some(dateline) = &changes.dateline {
        let dateline = optional_text(dateline.as_deref());
        before.insert("dateline".into(), json!(row.dateline));
        after.insert("dateline".into(), json!(dateline));
        set.dateline = Some(dateline);
    }
    if let Some(url) = &changes.source_url {
        let url = match optional_text(url.as_deref()).map(|u| crate::domain::source_url(&u)) {
            None => None,
            Some(Ok(u)) => Some(u),
            Some(Err(_)) => return invalid("sourceUrl", "must be an http or https URL"),
        };
        before.insert("sourceUrl".into(), json!(row.source_url));
        after.insert("sourceUrl".into(), json!(url));
        set.source_url = Some(url);
    }
    if let Some(tags) = &changes.tags {
        let mut names: Vec<String> = Vec::new();
        let mut slugs: Vec<String> = Vec::new();
        for tag in tags {
            let slug = slugify(tag, 60);
            if slug.is_empty() {
                return invalid("tags", format!("{tag:?} is not a usable tag"));
            }
            if !slugs.contains(&slug) {
                names.push(tag.trim().to_owned());
                slugs.push(slug);
            }
        }
        before.insert("tags".into(), json!(article_tags(conn, id).await?));
        replace_tags(conn, id, &names, &slugs).await?;
        after.insert("tags".into(), json!(article_tags(conn, id).await?));
    }
    if after.is_empty() {
        return invalid("id", "nothing to change: give at least one field");
    }
    let has_columns = set.title.is_some()
        || set.kind.is_some()
        || set.published_on.is_some()
        || set.dateline.is_some()
        || set.source_url.is_some();
    if has_columns {
        diesel::update(articles::table.find(id))
            .set(&set)
            .execute(conn)
            .await?;
    }
    correction::record(
        conn,
        actor,
        Action::UpdateArticle,
        Subject::Article(id),
        Some(&Value::Object(before)),
        &Value::Object(after),
    )
    .await?;
    Ok(())
}

async fn replace_tags(
    conn: &mut AsyncPgConnection,
    article_id: i64,
    names: &[String],
    slugs: &[String],
) -> QueryResult<()> {
    diesel::sql_query(
        "DELETE FROM article_tags at USING tags t
         WHERE at.article_id = $1 AND t.id = at.tag_id AND NOT (t.slug = ANY($2::text[]))",
    )
    .bind::<BigInt, _>(article_id)
    .bind::<Array<Text>, _>(slugs)
    .execute(conn)
    .await?;
    if names.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "WITH t AS (
             INSERT INTO tags (slug, name) SELECT s, n FROM unnest($2::text[], $3::text[]) AS x(n, s)
             ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id)
         INSERT INTO article_tags (article_id, tag_id, added_by_editor)
         SELECT $1, id, true FROM t ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(article_id)
    .bind::<Array<Text>, _>(names)
    .bind::<Array<Text>, _>(slugs)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes an article with everything extracted from it and all its raw captures (so the
/// same text can be ingested again).
pub async fn delete_article(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    id: i64,
) -> EditResult<()> {
    let Some(row) = articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return invalid("id", "no article has this ID");
    };
    use super::schema::{article_captures, raw_documents};
    let captures: Vec<i64> = article_captures::table
        .filter(article_captures::article_id.eq(id))
        .select(article_captures::raw_document_id)
        .load(conn)
        .await?;
    diesel::delete(articles::table.find(id))
        .execute(conn)
        .await?;
    diesel::delete(
        raw_documents::table.filter(
            raw_documents::id
                .eq_any(captures)
                .or(raw_documents::id.eq(row.raw_document_id)),
        ),
    )
    .execute(conn)
    .await?;
    let before = json!({
        "slug": row.slug,
        "title": row.title,
        "kind": row.kind,
        "publishedOn": row.published_on,
        "sourceUrl": row.source_url,
        "rawDocumentId": row.raw_document_id,
    });
    correction::record(
        conn,
        actor,
        Action::DeleteArticle,
        Subject::Article(id),
        Some(&before),
        &json!({ "deleted": true }),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// People and organizations

/// People or organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Person,
    Organization,
}

impl Entity {
    fn noun(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Organization => "organization",
        }
    }
}

#[derive(QueryableByName, Debug, Clone)]
struct EntityRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    external_id: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    merged_into_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    kind: Option<String>,
}

/// Locks entities (in id order, so two merges never deadlock) and returns them.
async fn lock_entities(
    conn: &mut AsyncPgConnection,
    entity: Entity,
    ids: &[i64],
) -> QueryResult<Vec<EntityRow>> {
    let sql = match entity {
        Entity::Person => {
            "SELECT id, canonical_name AS name, external_id, merged_into_id, NULL::text AS kind
             FROM people WHERE id = ANY($1) ORDER BY id FOR UPDATE"
        }
        Entity::Organization => {
            "SELECT id, name, external_id, merged_into_id, kind
             FROM organizations WHERE id = ANY($1) ORDER BY id FOR UPDATE"
        }
    };
    diesel::sql_query(sql)
        .bind::<Array<BigInt>, _>(ids)
        .load(conn)
        .await
}

/// Merges `from` into `into`: every mention, title, quote, authorship and outlet moves to
/// `into`, earlier merges into `from` are repointed, `from`'s names become aliases of
/// `into`, and `from` keeps its row with `merged_into_id` set, so its ID and its names
/// (on re-extraction too) resolve to `into`.
pub async fn merge(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    entity: Entity,
    from: i64,
    into: i64,
) -> EditResult<()> {
    let noun = entity.noun();
    if from == into {
        return invalid("into", format!("cannot merge a {noun} into itself"));
    }
    let rows = lock_entities(conn, entity, &[from, into]).await?;
    let Some(source) = rows.iter().find(|r| r.id == from).cloned() else {
        return invalid("from", format!("no {noun} has this ID"));
    };
    let Some(target) = rows.iter().find(|r| r.id == into).cloned() else {
        return invalid("into", format!("no {noun} has this ID"));
    };
    if source.merged_into_id.is_some() {
        return invalid("from", format!("this {noun} was already merged"));
    }
    if target.merged_into_id.is_some() {
        return invalid(
            "into",
            format!("this {noun} was merged into another; merge into that one"),
        );
    }
    let statements: &[&str] = match entity {
        Entity::Person => &[
            "UPDATE mentions SET person_id = $2 WHERE person_id = $1",
            "UPDATE quotes SET speaker_person_id = $2 WHERE speaker_person_id = $1",
            "INSERT INTO person_titles (person_id, article_id, title, published_on, extractor_version)
             SELECT $2, article_id, title, published_on, extractor_version
             FROM person_titles WHERE person_id = $1 ON CONFLICT DO NOTHING",
            "DELETE FROM person_titles WHERE person_id = $1",
            "INSERT INTO article_authors (article_id, person_id, position)
             SELECT article_id, $2, position FROM article_authors WHERE person_id = $1
             ON CONFLICT DO NOTHING",
            "DELETE FROM article_authors WHERE person_id = $1",
            "INSERT INTO person_aliases (person_id, alias, added_by_editor)
             SELECT $2, alias, true FROM person_aliases WHERE person_id = $1
             UNION ALL SELECT $2, canonical_name, true FROM people WHERE id = $1
             ON CONFLICT DO NOTHING",
            "UPDATE people SET merged_into_id = $2 WHERE merged_into_id = $1",
            "UPDATE people SET external_id = COALESCE(
                 (SELECT external_id FROM people WHERE id = $2),
                 (SELECT external_id FROM people WHERE id = $1)),
                 merged_into_id = CASE WHEN id = $1 THEN $2 END
             WHERE id IN ($1, $2)",
        ],
        Entity::Organization => &[
            "UPDATE mentions SET organization_id = $2 WHERE organization_id = $1",
            "UPDATE quotes SET speaker_organization_id = $2 WHERE speaker_organization_id = $1",
            "UPDATE outlets SET organization_id = $2 WHERE organization_id = $1",
            "INSERT INTO organization_aliases (organization_id, alias, added_by_editor)
             SELECT $2, alias, true FROM organization_aliases WHERE organization_id = $1
             UNION ALL SELECT $2, name, true FROM organizations WHERE id = $1
             UNION ALL SELECT $2, acronym, true FROM organizations WHERE id = $1 AND acronym IS NOT NULL
             ON CONFLICT DO NOTHING",
            "UPDATE organizations SET merged_into_id = $2 WHERE merged_into_id = $1",
            "UPDATE organizations SET external_id = COALESCE(
                 (SELECT external_id FROM organizations WHERE id = $2),
                 (SELECT external_id FROM organizations WHERE id = $1)),
                 merged_into_id = CASE WHEN id = $1 THEN $2 END
             WHERE id IN ($1, $2)",
        ],
    };
    for sql in statements {
        diesel::sql_query(*sql)
            .bind::<BigInt, _>(from)
            .bind::<BigInt, _>(into)
            .execute(conn)
            .await?;
    }
    let describe =
        |r: &EntityRow| json!({ "id": r.id, "name": r.name, "externalId": r.external_id });
    let (action, subject) = match entity {
        Entity::Person => (Action::MergePeople, Subject::Person(from)),
        Entity::Organization => (Action::MergeOrganizations, Subject::Organization(from)),
    };
    correction::record(
        conn,
        actor,
        action,
        subject,
        Some(&json!({ "from": describe(&source), "into": describe(&target) })),
        &json!({ "mergedIntoId": into }),
    )
    .await?;
    Ok(())
}

/// Changes to a person or organization; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct EntityChanges {
    /// The canonical name (it also becomes an alias, so re-extraction still finds it).
    pub name: Option<String>,
    /// `Some(None)` clears it.
    pub external_id: Option<Option<String>>,
    /// Organizations only: `GOVERNMENT`, `PARTY`, ...
    pub kind: Option<&'static str>,
    /// Aliases to add (marked as added by an editor).
    pub add_aliases: Vec<String>,
    /// Aliases to remove (matched case- and accent-insensitively).
    pub remove_aliases: Vec<String>,
}

#[derive(QueryableByName)]
struct AliasRow {
    #[diesel(sql_type = Text)]
    alias: String,
}

async fn aliases_of(
    conn: &mut AsyncPgConnection,
    entity: Entity,
    id: i64,
) -> QueryResult<Vec<String>> {
    let sql = match entity {
        Entity::Person => {
            "SELECT alias FROM person_aliases WHERE person_id = $1 ORDER BY alias_key"
        }
        Entity::Organization => {
            "SELECT alias FROM organization_aliases WHERE organization_id = $1 ORDER BY alias_key"
        }
    };
    let rows: Vec<AliasRow> = diesel::sql_query(sql)
        .bind::<BigInt, _>(id)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.alias).collect())
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    key: String,
}

async fn name_keys(conn: &mut AsyncPgConnection, names: &[String]) -> QueryResult<Vec<String>> {
    let rows: Vec<KeyRow> =
        diesel::sql_query("SELECT COALESCE(name_key(n), '') AS key FROM unnest($1::text[]) AS n")
            .bind::<Array<Text>, _>(names)
            .load(conn)
            .await?;
    Ok(rows.into_iter().map(|r| r.key).collect())
}

/// Updates a person or organization. The row is locked first, so two concurrent edits
/// of one entity both apply, one after the other.
pub async fn update_entity(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    entity: Entity,
    id: i64,
    changes: EntityChanges,
) -> EditResult<()> {
    let noun = entity.noun();
    let Some(row) = lock_entities(conn, entity, &[id]).await?.pop() else {
        return invalid("id", format!("no {noun} has this ID"));
    };
    if row.merged_into_id.is_some() {
        return invalid(
            "id",
            format!("this {noun} was merged into another; edit that one"),
        );
    }
    let name_field = match entity {
        Entity::Person => "canonicalName",
        Entity::Organization => "name",
    };
    let new_name = changes
        .name
        .as_deref()
        .map(|n| required(name_field, n))
        .transpose()?;
    let mut add: Vec<String> = Vec::new();
    for alias in &changes.add_aliases {
        add.push(required("addAliases", alias)?);
    }
    let final_name = new_name.clone().unwrap_or_else(|| row.name.clone());
    if !changes.remove_aliases.is_empty() {
        let keys = name_keys(conn, std::slice::from_ref(&final_name)).await?;
        let removed = name_keys(conn, &changes.remove_aliases).await?;
        if removed.iter().any(|k| keys.contains(k)) {
            return invalid(
                "removeAliases",
                format!("the {noun}'s own name cannot be removed from its aliases"),
            );
        }
    }
    let external_id = changes
        .external_id
        .as_ref()
        .map(|e| optional_text(e.as_deref()));
    if let Some(Some(ext)) = &external_id {
        let taken: i64 = match entity {
            Entity::Person => {
                people::table
                    .filter(people::external_id.eq(ext))
                    .filter(people::id.ne(id))
                    .count()
                    .get_result(conn)
                    .await?
            }
            Entity::Organization => {
                organizations::table
                    .filter(organizations::external_id.eq(ext))
                    .filter(organizations::id.ne(id))
                    .count()
                    .get_result(conn)
                    .await?
            }
        };
        if taken > 0 {
            return invalid(
                "externalId",
                format!("another {noun} already has this external ID"),
            );
        }
    }
    if new_name.is_none()
        && external_id.is_none()
        && changes.kind.is_none()
        && add.is_empty()
        && changes.remove_aliases.is_empty()
    {
        return invalid("id", "nothing to change: give at least one field");
    }
    let aliases_before = aliases_of(conn, entity, id).await?;
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    if let Some(name) = &new_name {
        before.insert(name_field.into(), json!(row.name));
        after.insert(name_field.into(), json!(name));
        add.push(name.clone());
    }
    if let Some(ext) = &external_id {
        before.insert("externalId".into(), json!(row.external_id));
        after.insert("externalId".into(), json!(ext));
    }
    if let Some(kind) = changes.kind {
        before.insert("kind".into(), json!(row.kind));
        after.insert("kind".into(), json!(kind));
    }
    match entity {
        Entity::Person => {
            diesel::sql_query(
                "UPDATE people SET canonical_name = COALESCE($2, canonical_name),
                     external_id = CASE WHEN $3 THEN $4 ELSE external_id END
                 WHERE id = $1",
            )
            .bind::<BigInt, _>(id)
            .bind::<Nullable<Text>, _>(new_name.as_deref())
            .bind::<diesel::sql_types::Bool, _>(external_id.is_some())
            .bind::<Nullable<Text>, _>(external_id.clone().flatten())
            .execute(conn)
            .await?;
        }
        Entity::Organization => {
            diesel::sql_query(
                "UPDATE organizations SET name = COALESCE($2, name),
                     external_id = CASE WHEN $3 THEN $4 ELSE external_id END,
                     kind = COALESCE($5, kind)
                 WHERE id = $1",
            )
            .bind::<BigInt, _>(id)
            .bind::<Nullable<Text>, _>(new_name.as_deref())
            .bind::<diesel::sql_types::Bool, _>(external_id.is_some())
            .bind::<Nullable<Text>, _>(external_id.clone().flatten())
            .bind::<Nullable<Text>, _>(changes.kind)
            .execute(conn)
            .await?;
        }
    }
    let (aliases, fk) = match entity {
        Entity::Person => ("person_aliases", "person_id"),
        Entity::Organization => ("organization_aliases", "organization_id"),
    };
    if !changes.remove_aliases.is_empty() {
        diesel::sql_query(format!(
            "DELETE FROM {aliases} WHERE {fk} = $1
             AND alias_key IN (SELECT name_key(n) FROM unnest($2::text[]) AS n)"
        ))
        .bind::<BigInt, _>(id)
        .bind::<Array<Text>, _>(&changes.remove_aliases)
        .execute(conn)
        .await?;
    }
    if !add.is_empty() {
        // Editor aliases are kept through re-extraction, which only ever adds aliases.
        diesel::sql_query(format!(
            "INSERT INTO {aliases} ({fk}, alias, added_by_editor)
             SELECT $1, n, true FROM unnest($2::text[]) AS n
             ON CONFLICT ({fk}, alias_key) DO UPDATE SET added_by_editor = true"
        ))
        .bind::<BigInt, _>(id)
        .bind::<Array<Text>, _>(&add)
        .execute(conn)
        .await?;
    }
    let aliases_after = aliases_of(conn, entity, id).await?;
    if aliases_after != aliases_before {
        before.insert("aliases".into(), json!(aliases_before));
        after.insert("aliases".into(), json!(aliases_after));
    }
    let (action, subject) = match entity {
        Entity::Person => (Action::UpdatePerson, Subject::Person(id)),
        Entity::Organization => (Action::UpdateOrganization, Subject::Organization(id)),
    };
    correction::record(
        conn,
        actor,
        action,
        subject,
        Some(&Value::Object(before)),
        &Value::Object(after),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Quotes

/// Who said a quote, as an editor sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpeakerChoice {
    /// A person (a merged person's ID resolves to the survivor).
    Person(i64),
    /// An organization.
    Organization(i64),
    /// An unnamed source ("a government source").
    Description(String),
    /// Unknown.
    Clear,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quotes, check_for_backend(diesel::pg::Pg))]
struct QuoteSpeakerRow {
    article_id: i64,
    paragraph: i32,
    start_offset: i32,
    speaker_person_id: Option<i64>,
    speaker_organization_id: Option<i64>,
    speaker_description: Option<String>,
}

fn speaker_json(person: Option<i64>, org: Option<i64>, description: Option<&str>) -> Value {
    json!({ "personId": person, "organizationId": org, "description": description })
}

/// Sets (or clears) a quote's speaker. The correction is keyed by the quote's position,
/// so re-extraction applies it again.
pub async fn set_quote_speaker(
    conn: &mut AsyncPgConnection,
    actor: Actor<'_>,
    quote_id: i64,
    speaker: SpeakerChoice,
) -> EditResult<()> {
    let Some(quote) = quotes::table
        .find(quote_id)
        .select(QuoteSpeakerRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
    else {
        return invalid("quote", "no quote has this ID");
    };
    let (person, org, description) = match speaker {
        SpeakerChoice::Person(id) => {
            let survivor: Option<i64> = people::table
                .find(id)
                .select(diesel::dsl::sql::<BigInt>("COALESCE(merged_into_id, id)"))
                .first(conn)
                .await
                .optional()?;
            match survivor {
                Some(p) => (Some(p), None, None),
                None => return invalid("person", "no person has this ID"),
            }
        }
        SpeakerChoice::Organization(id) => {
            let survivor: Option<i64> = organizations::table
                .find(id)
                .select(diesel::dsl::sql::<BigInt>("COALESCE(merged_into_id, id)"))
                .first(conn)
                .await
                .optional()?;
            match survivor {
                Some(o) => (None, Some(o), None),
                None => return invalid("organization", "no organization has this ID"),
            }
        }
        SpeakerChoice::Description(d) => (None, None, Some(required("description", &d)?)),
        SpeakerChoice::Clear => (None, None, None),
    };
    diesel::update(quotes::table.find(quote_id))
        .set((
            quotes::speaker_person_id.eq(person),
            quotes::speaker_organization_id.eq(org),
            quotes::speaker_description.eq(description.as_deref()),
            quotes::confidence.eq(1.0_f32),
        ))
        .execute(conn)
        .await?;
    correction::record(
        conn,
        actor,
        Action::SetQuoteSpeaker,
        Subject::Quote {
            id: quote_id,
            article_id: quote.article_id,
            paragraph: quote.paragraph,
            start_offset: quote.start_offset,
        },
        Some(&speaker_json(
            quote.speaker_person_id,
            quote.speaker_organization_id,
            quote.speaker_description.as_deref(),
        )),
        &speaker_json(person, org, description.as_deref()),
    )
    .await?;
    Ok(())
}
