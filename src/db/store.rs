//! Writing an ingested article: the raw text, the article, its outlets, section,
//! authors, and everything extracted from it, resolved against the archive's people and
//! organizations. The caller runs [`store_article`] inside one transaction per article.
//! What the rows are (slugs, dedup, entity resolution) is decided by [`super::rules`],
//! which the bulk path ([`super::bulk`]) applies to whole batches.
//!
//! The number of statements per article is fixed (names are resolved in bulk with
//! arrays).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Int4, Nullable, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};

use super::rules::{self, EntityKind};
use super::schema::{mentions, person_titles, quotes};
use crate::domain::{Extraction, ParsedArticle};

/// Where a raw text came from and how it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFormat {
    /// A print view (plain text).
    Print,
    /// A JSON object (also one line of NDJSON).
    Json,
}

impl RawFormat {
    /// The value stored in `raw_documents.format`.
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Print => "PRINT",
            Self::Json => "JSON",
        }
    }

    /// The value stored in `raw_documents.format`, read back.
    pub fn from_db(s: &str) -> Self {
        if s == "JSON" { Self::Json } else { Self::Print }
    }
}

/// The verbatim input of one article.
#[derive(Debug, Clone)]
pub struct RawInput<'a> {
    /// The text exactly as received.
    pub content: &'a str,
    /// How it was parsed.
    pub format: RawFormat,
    /// File name or other origin, for people reading the archive's provenance.
    pub source_name: Option<&'a str>,
}

/// SHA-256 of a raw text: a second ingest of the very same capture stores nothing.
pub fn content_hash(content: &str) -> Vec<u8> {
    Sha256::digest(content.as_bytes()).to_vec()
}

/// SHA-256 of an article's content, its title and body paragraphs after parsing, joined
/// by U+001F: what makes two captures of one article (with different site navigation,
/// whitespace or markup around it) one article. The migration that added
/// `articles.content_hash` computes the same value in SQL.
pub fn article_hash(article: &ParsedArticle) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(article.title.as_bytes());
    for paragraph in &article.paragraphs {
        hasher.update([0x1f]);
        hasher.update(paragraph.as_bytes());
    }
    hasher.finalize().to_vec()
}

/// What storing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A new article.
    Created {
        /// Its id.
        article_id: i64,
        /// Its slug.
        slug: String,
        /// People linked.
        people: usize,
        /// Organizations linked.
        organizations: usize,
        /// Quotes stored.
        quotes: usize,
    },
    /// The same article was archived before: nothing changed but, for a new capture of
    /// it, that capture's raw text is kept.
    Unchanged {
        /// The existing article.
        article_id: i64,
    },
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct OrdId {
    #[diesel(sql_type = BigInt)]
    ord: i64,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Stores a parsed article and its extraction. `published_on` is the resolved date (from
/// the text, the source URL or an override). Must run inside a transaction.
pub async fn store_article(
    conn: &mut AsyncPgConnection,
    raw: &RawInput<'_>,
    article: &ParsedArticle,
    published_on: NaiveDate,
    extraction: &Extraction,
) -> QueryResult<Stored> {
    let hash = content_hash(raw.content);
    let inserted: Option<IdRow> = diesel::sql_query(
        "INSERT INTO raw_documents (content, content_hash, format, source_name)
         VALUES ($1, $2, $3, $4) ON CONFLICT (content_hash) DO NOTHING RETURNING id",
    )
    .bind::<Text, _>(raw.content)
    .bind::<diesel::sql_types::Bytea, _>(&hash)
    .bind::<Text, _>(raw.format.as_db())
    .bind::<Nullable<Text>, _>(raw.source_name)
    .get_result(conn)
    .await
    .optional()?;
    let Some(raw_id) = inserted.map(|r| r.id) else {
        // This very capture was seen before (possibly committed by a concurrent ingest a
        // moment ago).
        let existing: IdRow = diesel::sql_query(
            "SELECT c.article_id AS id FROM article_captures c
             JOIN raw_documents r ON r.id = c.raw_document_id WHERE r.content_hash = $1",
        )
        .bind::<diesel::sql_types::Bytea, _>(&hash)
        .get_result(conn)
        .await?;
        return Ok(Stored::Unchanged {
            article_id: existing.id,
        });
    };

    // Ingests of the same content wait for each other here (until commit), so the second
    // finds the first's article instead of racing it.
    let article_hash = article_hash(article);
    let lock_key = i32::from_be_bytes([
        article_hash[0],
        article_hash[1],
        article_hash[2],
        article_hash[3],
    ]);
    diesel::sql_query("SELECT pg_advisory_xact_lock(7412010, $1)")
        .bind::<Int4, _>(lock_key)
        .execute(conn)
        .await?;
    let same: Option<IdRow> = diesel::sql_query("SELECT id FROM articles WHERE content_hash = $1")
        .bind::<diesel::sql_types::Bytea, _>(&article_hash)
        .get_result(conn)
        .await
        .optional()?;
    if let Some(same) = same {
        add_capture(conn, raw_id, same.id).await?;
        return Ok(Stored::Unchanged {
            article_id: same.id,
        });
    }

    let section_id = upsert_section_path(conn, &article.section).await?;
    let base_slug = rules::article_base_slug(published_on, &article.title);
    let new = NewArticleRow {
        raw_id,
        article,
        published_on,
        section_id,
        content_hash: &article_hash,
        extractor_version: &extraction.extractor_version,
    };
    // The slug's unique index decides, not an earlier read: a concurrent ingest of another
    // text with the same title and date may commit the slug between any read and insert.
    // The raw document's id is unique, so the suffixed slug is free.
    let (article_id, slug) = match insert_article(conn, &new, &base_slug).await? {
        Some(id) => (id, base_slug),
        None => {
            let slug = format!("{base_slug}-{raw_id}");
            let id = insert_article(conn, &new, &slug)
                .await?
                .ok_or(diesel::result::Error::NotFound)?;
            (id, slug)
        }
    };
    add_capture(conn, raw_id, article_id).await?;

    store_outlets(conn, article_id, article).await?;
    store_tags(conn, article_id, &article.tags).await?;
    if !article.byline.is_empty() {
        let authors = resolve_people(conn, &article.byline, &[]).await?;
        let (people, positions): (Vec<i64>, Vec<i16>) =
            rules::authors(&authors).into_iter().unzip();
        diesel::sql_query(
            "INSERT INTO article_authors (article_id, person_id, position)
             SELECT $1, p, o FROM unnest($2::bigint[], $3::smallint[]) AS t(p, o)",
        )
        .bind::<BigInt, _>(article_id)
        .bind::<Array<BigInt>, _>(&people)
        .bind::<Array<diesel::sql_types::SmallInt>, _>(&positions)
        .execute(conn)
        .await?;
    }
    let (people, organizations, quotes) =
        store_extraction(conn, article_id, published_on, extraction).await?;
    super::notify::announce(conn, article_id).await?;
    Ok(Stored::Created {
        article_id,
        slug,
        people,
        organizations,
        quotes,
    })
}

pub use super::rules::date_source;

/// The values of a new `articles` row but its slug.
struct NewArticleRow<'a> {
    raw_id: i64,
    article: &'a ParsedArticle,
    published_on: NaiveDate,
    section_id: Option<i64>,
    content_hash: &'a [u8],
    extractor_version: &'a str,
}

/// Inserts the article under `slug`; `None` when the slug is taken.
async fn insert_article(
    conn: &mut AsyncPgConnection,
    new: &NewArticleRow<'_>,
    slug: &str,
) -> QueryResult<Option<i64>> {
    let article = new.article;
    let inserted: Option<IdRow> = diesel::sql_query(
        "INSERT INTO articles (slug, raw_document_id, title, kind, published_on, publication,
             section_id, dateline, paragraphs, abridged, source_url, language, original_language,
             word_count, extractor_version, content_hash, title_derived, date_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .bind::<Text, _>(slug)
    .bind::<BigInt, _>(new.raw_id)
    .bind::<Text, _>(&article.title)
    .bind::<Text, _>(rules::kind_db(article.kind))
    .bind::<Date, _>(new.published_on)
    .bind::<Nullable<Text>, _>(article.publication.as_deref())
    .bind::<Nullable<BigInt>, _>(new.section_id)
    .bind::<Nullable<Text>, _>(rules::dateline(article))
    .bind::<Array<Text>, _>(&article.paragraphs)
    .bind::<Bool, _>(article.abridged)
    .bind::<Nullable<Text>, _>(article.source_url.as_deref())
    .bind::<Text, _>(&article.language)
    .bind::<Nullable<Text>, _>(article.original_language.as_deref())
    .bind::<Int4, _>(rules::word_count(article))
    .bind::<Text, _>(new.extractor_version)
    .bind::<diesel::sql_types::Bytea, _>(new.content_hash)
    .bind::<Bool, _>(article.title_derived)
    .bind::<Text, _>(date_source(article, new.published_on))
    .get_result::<IdRow>(conn)
    .await
    .optional()?;
    Ok(inserted.map(|r| r.id))
}

/// Records that raw document `raw_id` is a capture of `article_id`.
async fn add_capture(
    conn: &mut AsyncPgConnection,
    raw_id: i64,
    article_id: i64,
) -> QueryResult<()> {
    diesel::sql_query("INSERT INTO article_captures (raw_document_id, article_id) VALUES ($1, $2)")
        .bind::<BigInt, _>(raw_id)
        .bind::<BigInt, _>(article_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces everything extracted for an article (mentions, titles, quotes) with a new
/// extraction, then re-applies editor corrections. Must run inside a transaction.
pub async fn replace_extraction(
    conn: &mut AsyncPgConnection,
    article_id: i64,
    published_on: NaiveDate,
    extraction: &Extraction,
) -> QueryResult<(usize, usize, usize)> {
    diesel::delete(mentions::table.filter(mentions::article_id.eq(article_id)))
        .execute(conn)
        .await?;
    diesel::delete(person_titles::table.filter(person_titles::article_id.eq(article_id)))
        .execute(conn)
        .await?;
    diesel::delete(quotes::table.filter(quotes::article_id.eq(article_id)))
        .execute(conn)
        .await?;
    diesel::sql_query("UPDATE articles SET extractor_version = $2 WHERE id = $1")
        .bind::<BigInt, _>(article_id)
        .bind::<Text, _>(&extraction.extractor_version)
        .execute(conn)
        .await?;
    store_extraction(conn, article_id, published_on, extraction).await
}

async fn store_extraction(
    conn: &mut AsyncPgConnection,
    article_id: i64,
    published_on: NaiveDate,
    extraction: &Extraction,
) -> QueryResult<(usize, usize, usize)> {
    let version = extraction.extractor_version.as_str();
    let person_names: Vec<String> = extraction.people.iter().map(|p| p.name.clone()).collect();
    let person_aliases: Vec<Vec<String>> = extraction
        .people
        .iter()
        .map(|p| p.mentions.iter().map(|m| m.surface.clone()).collect())
        .collect();
    let person_ids = resolve_people(conn, &person_names, &person_aliases).await?;
    let org_ids = resolve_organizations(conn, extraction).await?;

    #[derive(Insertable)]
    #[diesel(table_name = mentions)]
    struct NewMention<'a> {
        article_id: i64,
        person_id: Option<i64>,
        organization_id: Option<i64>,
        paragraph: i32,
        start_offset: i32,
        end_offset: i32,
        surface: &'a str,
        title: Option<&'a str>,
        extractor_version: &'a str,
    }
    let rows: Vec<NewMention> = rules::mention_rows(extraction, &person_ids, &org_ids)
        .into_iter()
        .map(|m| NewMention {
            article_id,
            person_id: m.person_id,
            organization_id: m.organization_id,
            paragraph: m.paragraph,
            start_offset: m.start_offset,
            end_offset: m.end_offset,
            surface: m.surface,
            title: m.title,
            extractor_version: version,
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(mentions::table)
            .values(&rows)
            .execute(conn)
            .await?;
    }

    #[derive(Insertable)]
    #[diesel(table_name = person_titles)]
    struct NewTitle<'a> {
        person_id: i64,
        article_id: i64,
        title: &'a str,
        published_on: NaiveDate,
        extractor_version: &'a str,
    }
    let titles: Vec<NewTitle> = rules::title_rows(extraction, &person_ids)
        .into_iter()
        .map(|(person_id, title)| NewTitle {
            person_id,
            article_id,
            title,
            published_on,
            extractor_version: version,
        })
        .collect();
    if !titles.is_empty() {
        diesel::insert_into(person_titles::table)
            .values(&titles)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }

    #[derive(Insertable)]
    #[diesel(table_name = quotes)]
    struct NewQuote<'a> {
        article_id: i64,
        published_on: NaiveDate,
        paragraph: i32,
        start_offset: i32,
        end_offset: i32,
        text: &'a str,
        speaker_person_id: Option<i64>,
        speaker_organization_id: Option<i64>,
        speaker_description: Option<&'a str>,
        cue: Option<&'a str>,
        is_fragment: bool,
        confidence: f32,
        extractor_version: &'a str,
    }
    let new_quotes: Vec<NewQuote> = rules::quote_rows(extraction, &person_ids, &org_ids)
        .into_iter()
        .map(|q| NewQuote {
            article_id,
            published_on,
            paragraph: q.paragraph,
            start_offset: q.start_offset,
            end_offset: q.end_offset,
            text: q.text,
            speaker_person_id: q.speaker_person_id,
            speaker_organization_id: q.speaker_organization_id,
            speaker_description: q.speaker_description,
            cue: q.cue,
            is_fragment: q.is_fragment,
            confidence: q.confidence,
            extractor_version: version,
        })
        .collect();
    if !new_quotes.is_empty() {
        diesel::insert_into(quotes::table)
            .values(&new_quotes)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    apply_quote_corrections(conn, article_id).await?;
    Ok((person_ids.len(), org_ids.len(), new_quotes.len()))
}

/// Re-applies editors' speaker corrections to an article's quotes, oldest first, so the
/// newest wins. Corrections are keyed by the quote's position, which re-extraction keeps;
/// a speaker merged since the correction resolves to the entity it was merged into.
async fn apply_quote_corrections(conn: &mut AsyncPgConnection, article_id: i64) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE quotes q SET
             speaker_person_id = (SELECT COALESCE(p.merged_into_id, p.id) FROM people p
                                  WHERE p.id = (c.after->>'personId')::bigint),
             speaker_organization_id = (SELECT COALESCE(o.merged_into_id, o.id) FROM organizations o
                                        WHERE o.id = (c.after->>'organizationId')::bigint),
             speaker_description = c.after->>'description',
             confidence = 1
         FROM (SELECT DISTINCT ON (paragraph, start_offset) paragraph, start_offset, after
               FROM corrections
               WHERE article_id = $1 AND action = 'SET_QUOTE_SPEAKER'
               ORDER BY paragraph, start_offset, id DESC) c
         WHERE q.article_id = $1 AND q.paragraph = c.paragraph AND q.start_offset = c.start_offset",
    )
    .bind::<BigInt, _>(article_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Upserts each level of a section path; returns the innermost section's id.
async fn upsert_section_path(
    conn: &mut AsyncPgConnection,
    path: &[String],
) -> QueryResult<Option<i64>> {
    let mut parent: Option<i64> = None;
    for level in rules::section_levels(path) {
        // Read first, insert with DO NOTHING when missing, read again: an upsert that
        // updates would lock the shared row until commit and serialize every concurrent
        // ingest in the same section; a read in the inserting statement could miss a row
        // committed concurrently.
        let find = || {
            diesel::sql_query("SELECT id FROM sections WHERE path = $1")
                .bind::<Text, _>(level.path.clone())
        };
        let row: IdRow = match find().get_result(conn).await.optional()? {
            Some(row) => row,
            None => {
                diesel::sql_query(
                    "INSERT INTO sections (parent_id, name, path, depth) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (path) DO NOTHING",
                )
                .bind::<Nullable<BigInt>, _>(parent)
                .bind::<Text, _>(&level.name)
                .bind::<Text, _>(&level.path)
                .bind::<Int4, _>(level.depth)
                .execute(conn)
                .await?;
                find().get_result(conn).await?
            }
        };
        parent = Some(row.id);
    }
    Ok(parent)
}

async fn store_outlets(
    conn: &mut AsyncPgConnection,
    article_id: i64,
    article: &ParsedArticle,
) -> QueryResult<()> {
    let outlets = rules::outlets(article);
    let names: Vec<&str> = outlets.iter().map(|o| o.name.as_str()).collect();
    let slugs: Vec<&str> = outlets.iter().map(|o| o.slug.as_str()).collect();
    let pages: Vec<Option<&str>> = outlets.iter().map(|o| o.page.as_deref()).collect();
    if names.is_empty() {
        return Ok(());
    }
    // Insert the new ones without touching (locking) existing rows, then read all.
    diesel::sql_query(
        "INSERT INTO outlets (slug, name)
         SELECT s, n FROM unnest($1::text[], $2::text[]) AS t(n, s)
         WHERE NOT EXISTS (SELECT 1 FROM outlets o WHERE o.slug = t.s)
         ON CONFLICT DO NOTHING",
    )
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&slugs)
    .execute(conn)
    .await?;
    let ids: Vec<OrdId> = diesel::sql_query(
        "SELECT id, (array_position($2::text[], slug))::bigint AS ord FROM outlets WHERE slug = ANY($2::text[])",
    )
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&slugs)
    .load(conn)
    .await?;
    let mut outlet_ids = vec![0_i64; names.len()];
    for row in ids {
        if let Some(slot) = usize::try_from(row.ord - 1)
            .ok()
            .and_then(|i| outlet_ids.get_mut(i))
        {
            *slot = row.id;
        }
    }
    diesel::sql_query(
        "INSERT INTO article_outlets (article_id, outlet_id, position, page)
         SELECT $1, o, (n - 1)::smallint, p
         FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS t(o, p, n)
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(article_id)
    .bind::<Array<BigInt>, _>(&outlet_ids)
    .bind::<Array<Nullable<Text>>, _>(&pages)
    .execute(conn)
    .await?;
    Ok(())
}

async fn store_tags(
    conn: &mut AsyncPgConnection,
    article_id: i64,
    tags: &[String],
) -> QueryResult<()> {
    let (names, slugs): (Vec<String>, Vec<String>) = rules::tags(tags).into_iter().unzip();
    if names.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO tags (slug, name) SELECT s, n FROM unnest($1::text[], $2::text[]) AS x(n, s)
         ON CONFLICT (slug) DO NOTHING",
    )
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&slugs)
    .execute(conn)
    .await?;
    diesel::sql_query(
        "INSERT INTO article_tags (article_id, tag_id) SELECT $1, id FROM tags WHERE slug = ANY($2::text[])
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(article_id)
    .bind::<Array<Text>, _>(&slugs)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds or creates one person per name, in order. A name matches an existing person
/// through any of their aliases (case- and accent-insensitive); merged people resolve to
/// the person they were merged into. A one-word name matches only when exactly one
/// person carries it, so people who share a family name are never merged. Advisory
/// locks on the names keep concurrent ingests from creating the same person twice.
pub async fn resolve_people(
    conn: &mut AsyncPgConnection,
    names: &[String],
    extra_aliases: &[Vec<String>],
) -> QueryResult<Vec<i64>> {
    resolve_entities(conn, EntityKind::People, names, &[], extra_aliases).await
}

async fn resolve_organizations(
    conn: &mut AsyncPgConnection,
    extraction: &Extraction,
) -> QueryResult<Vec<i64>> {
    let names: Vec<String> = extraction
        .organizations
        .iter()
        .map(|o| o.name.clone())
        .collect();
    let acronyms: Vec<Option<String>> = extraction
        .organizations
        .iter()
        .map(|o| o.acronym.clone())
        .collect();
    let aliases: Vec<Vec<String>> = extraction
        .organizations
        .iter()
        .map(|o| {
            let mut a: Vec<String> = o.mentions.iter().map(|m| m.surface.clone()).collect();
            a.extend(o.acronym.clone());
            a
        })
        .collect();
    let ids =
        resolve_entities(conn, EntityKind::Organizations, &names, &acronyms, &aliases).await?;
    // Kind, acronym and country fill in where the archive has none yet.
    if !ids.is_empty() {
        let fills: Vec<rules::OrgFill> = rules::organization_fills(extraction).collect();
        diesel::sql_query(rules::FILL_ORGANIZATIONS_SQL)
            .bind::<Array<BigInt>, _>(&ids)
            .bind::<Array<Nullable<Text>>, _>(fills.iter().map(|f| f.acronym).collect::<Vec<_>>())
            .bind::<Array<Text>, _>(fills.iter().map(|f| f.kind).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(fills.iter().map(|f| f.country).collect::<Vec<_>>())
            .execute(conn)
            .await?;
    }
    Ok(ids)
}

async fn resolve_entities(
    conn: &mut AsyncPgConnection,
    table: EntityKind,
    names: &[String],
    acronyms: &[Option<String>],
    extra_aliases: &[Vec<String>],
) -> QueryResult<Vec<i64>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = lookup_entities(conn, table, names, acronyms, extra_aliases).await?;
    let missing: Vec<usize> = (0..names.len()).filter(|&i| ids[i].is_none()).collect();
    if !missing.is_empty() {
        // Only names about to be created are locked (by slug: names that differ only in
        // case, accents or punctuation share one), sorted so that two ingests never wait
        // on each other in a cycle, and held until commit. Known names, the vast majority
        // once an archive is warm, take no lock, so concurrent ingests do not serialize on
        // frequently named people.
        let mut lock_keys: Vec<String> = missing
            .iter()
            .map(|&i| format!("{}{}", table.lock_prefix(), slugify(&names[i], 70)))
            .collect();
        lock_keys.sort();
        lock_keys.dedup();
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) AS k")
            .bind::<Array<Text>, _>(&lock_keys)
            .execute(conn)
            .await?;
        // Another ingest may have created some of them while we waited.
        let pick =
            |v: &[String]| -> Vec<String> { missing.iter().map(|&i| v[i].clone()).collect() };
        let again = lookup_entities(
            conn,
            table,
            &pick(names),
            &missing
                .iter()
                .map(|&i| acronyms.get(i).cloned().flatten())
                .collect::<Vec<_>>(),
            &missing
                .iter()
                .map(|&i| extra_aliases.get(i).cloned().unwrap_or_default())
                .collect::<Vec<_>>(),
        )
        .await?;
        for (&i, found) in missing.iter().zip(again) {
            ids[i] = found;
        }
    }
    // Create the rest, reusing one new row for repeated names in this batch.
    let mut created: HashMap<String, i64> = HashMap::new();
    for i in 0..names.len() {
        if ids[i].is_some() {
            continue;
        }
        let key = rules::creation_key(&names[i]);
        if let Some(id) = created.get(&key) {
            ids[i] = Some(*id);
            continue;
        }
        let id = create_entity(
            conn,
            table,
            names[i].trim(),
            acronyms.get(i).cloned().flatten(),
        )
        .await?;
        created.insert(key, id);
        ids[i] = Some(id);
    }
    let ids: Vec<i64> = ids.into_iter().map(|id| id.unwrap_or_default()).collect();
    // Every surface form becomes an alias.
    let (alias_owner, alias_text): (Vec<i64>, Vec<&str>) =
        rules::alias_forms(names, extra_aliases, &ids).unzip();
    diesel::sql_query(format!(
        "INSERT INTO {aliases} ({fk}, alias) SELECT * FROM unnest($1::bigint[], $2::text[])
         ON CONFLICT DO NOTHING",
        aliases = table.aliases(),
        fk = table.fk(),
    ))
    .bind::<Array<BigInt>, _>(&alias_owner)
    .bind::<Array<Text>, _>(&alias_text)
    .execute(conn)
    .await?;
    Ok(ids)
}

/// Finds the live entity each name refers to, if the archive knows it ([`rules::decide`]
/// has the rules); `None` where it must be created.
async fn lookup_entities(
    conn: &mut AsyncPgConnection,
    table: EntityKind,
    names: &[String],
    acronyms: &[Option<String>],
    extra_aliases: &[Vec<String>],
) -> QueryResult<Vec<Option<i64>>> {
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = BigInt)]
        ord: i64,
        #[diesel(sql_type = Nullable<Text>)]
        key: Option<String>,
    }
    let strings: Vec<&str> = rules::strings_to_key(names, acronyms, extra_aliases).collect();
    let rows: Vec<Key> = diesel::sql_query(rules::KEYS_SQL)
        .bind::<Array<Text>, _>(&strings)
        .load(conn)
        .await?;
    let mut keys: HashMap<&str, Option<String>> = HashMap::new();
    for row in rows {
        if let Some(s) = usize::try_from(row.ord - 1)
            .ok()
            .and_then(|i| strings.get(i))
        {
            keys.insert(s, row.key);
        }
    }
    let lookup: Vec<&String> = keys.values().flatten().collect();
    let candidates: Vec<rules::Candidate> = diesel::sql_query(table.candidates_sql())
        .bind::<Array<Text>, _>(lookup)
        .load(conn)
        .await?;
    let known = rules::Known::from_candidates(candidates);
    let wanted = rules::wanted(names, acronyms, extra_aliases, &keys);
    Ok(rules::decide(table, &known, &wanted))
}

async fn create_entity(
    conn: &mut AsyncPgConnection,
    table: EntityKind,
    name: &str,
    acronym: Option<String>,
) -> QueryResult<i64> {
    let base = rules::entity_base_slug(name);
    // The slug is unique: suffix a number when the plain one is taken.
    let row: IdRow = match table {
        EntityKind::People => diesel::sql_query(
            "INSERT INTO people (slug, canonical_name)
             SELECT CASE WHEN n = 1 THEN $1 ELSE $1 || '-' || n END, $2
             FROM generate_series(1, 1000) AS n
             WHERE NOT EXISTS (SELECT 1 FROM people WHERE slug = CASE WHEN n = 1 THEN $1 ELSE $1 || '-' || n END)
             LIMIT 1 RETURNING id",
        )
        .bind::<Text, _>(&base)
        .bind::<Text, _>(name)
        .get_result(conn)
        .await?,
        EntityKind::Organizations => diesel::sql_query(
            "INSERT INTO organizations (slug, name, acronym)
             SELECT CASE WHEN n = 1 THEN $1 ELSE $1 || '-' || n END, $2, $3
             FROM generate_series(1, 1000) AS n
             WHERE NOT EXISTS (SELECT 1 FROM organizations WHERE slug = CASE WHEN n = 1 THEN $1 ELSE $1 || '-' || n END)
             LIMIT 1 RETURNING id",
        )
        .bind::<Text, _>(&base)
        .bind::<Text, _>(name)
        .bind::<Nullable<Text>, _>(rules::creation_acronym(name, acronym.as_deref()))
        .get_result(conn)
        .await?,
    };
    Ok(row.id)
}

pub use super::rules::slugify;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hash_is_sha256() {
        assert_eq!(content_hash("").len(), 32);
        assert_ne!(content_hash("a"), content_hash("b"));
    }
}
