//! The bulk write path: a batch of prepared articles in one transaction, with a fixed
//! number of statements per batch whatever its size. Used by `archive ingest --bulk` and
//! `archive seed`.
//!
//! Everything the batch needs from the archive is read set-wise (one statement per table:
//! known captures and articles by hash, sections by path, outlets and tags by slug, the
//! keys of every name, the aliases matching them, the slugs new entities would take).
//! Then the batch is resolved in memory, article after article, with the rules of
//! [`super::rules`], the very functions the per-article path calls: an article sees the
//! people and aliases that the articles before it in the batch created, exactly as it
//! would have after their commits. Ids of new rows are drawn from their sequences in one
//! statement per table, and the rows go in with binary `COPY` (diesel's `copy_from`, on
//! a synchronous connection: diesel-async has no `COPY`).
//!
//! The batch locks the tables it resolves against (`SHARE ROW EXCLUSIVE`: reads go on,
//! per-article ingests wait for the batch's commit), so nothing it decided can change
//! before it commits, and the foreign keys it would check row by row are skipped where the
//! role may set `session_replication_role`. Counters are staged by the statement triggers,
//! or in replica mode by the batch from its own rows, with the same sums; the search
//! vectors come computed ahead on another connection ([`search_vectors`]) or are computed
//! here; the batch's articles enter the feed in order, under the feed's lock, with one
//! notification carrying the last position.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bytea, Nullable, Text};

use super::rules::{self, EntityKind, Known};
use super::schema::sql_types::Tsvector;
use super::schema::{
    article_authors, article_captures, article_outlets, article_tags, articles, mentions,
    organization_aliases, organizations, people, person_aliases, person_titles, quotes,
    raw_documents, sections,
};
use super::store::{RawInput, Stored, article_hash, content_hash};
use crate::domain::{Extraction, ParsedArticle};
use crate::ingest::Gazetteer;

/// One article of a batch, prepared.
#[derive(Debug, Clone)]
pub struct Article<'a> {
    /// Its raw text.
    pub raw: RawInput<'a>,
    /// Parsed.
    pub article: &'a ParsedArticle,
    /// Its resolved date.
    pub published_on: NaiveDate,
    /// What was extracted.
    pub extraction: &'a Extraction,
    /// Extracted with the names the article before it was (both come from one input, as
    /// the per-article path prepares all of an input's articles at once).
    pub follows_in_input: bool,
    /// Its search vectors, when computed ahead ([`search_vectors`]); the batch computes
    /// whatever is missing.
    pub vectors: Option<&'a Vectors>,
}

/// A search vector as PostgreSQL sends it (binary `tsvector`), stored back as is.
#[derive(Debug, Clone, PartialEq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Tsvector)]
pub struct Vector(Vec<u8>);

impl diesel::serialize::ToSql<Tsvector, diesel::pg::Pg> for Vector {
    fn to_sql<'b>(
        &'b self,
        out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
    ) -> diesel::serialize::Result {
        use std::io::Write;
        out.write_all(&self.0)?;
        Ok(diesel::serialize::IsNull::No)
    }
}

impl diesel::deserialize::FromSql<Tsvector, diesel::pg::Pg> for Vector {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
        Ok(Self(value.as_bytes().to_vec()))
    }
}

/// The search vectors of an article and of its quotes' texts, as the triggers
/// `articles_fill_search` and `quotes_fill_search` would compute them.
#[derive(Debug, Clone, Default)]
pub struct Vectors {
    /// The article's (title and body).
    pub article: Option<Vector>,
    /// Each quote's, by its text.
    pub quotes: HashMap<String, Vector>,
}

/// The texts an article's search vectors are computed from, owned, so that another
/// thread can compute them while the batch is written.
#[derive(Debug, Clone)]
pub struct VectorTexts {
    title: String,
    /// The paragraphs as `paragraphs_text()` joins them.
    body: String,
    quotes: Vec<String>,
}

impl VectorTexts {
    /// The texts of `article` and of the quotes extracted from it.
    pub fn of(article: &ParsedArticle, extraction: &Extraction) -> Self {
        Self {
            title: article.title.clone(),
            body: body(article),
            quotes: (extraction.quotes.iter())
                .filter(|q| !q.text.is_empty())
                .map(|q| q.text.clone())
                .collect(),
        }
    }
}

/// The text an article's body is searched in: its paragraphs as `paragraphs_text()` joins
/// them.
fn body(article: &ParsedArticle) -> String {
    article.paragraphs.join("\n\n")
}

/// Computes the search vectors of articles (title, body) and quote texts, one statement
/// each, in order.
fn compute_vectors(
    conn: &mut PgConnection,
    articles: &[(&str, &str)],
    quotes: &[&str],
) -> QueryResult<(Vec<Vector>, Vec<Vector>)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Tsvector)]
        v: Vector,
    }
    let mut of_articles = Vec::new();
    if !articles.is_empty() {
        of_articles = diesel::sql_query(
            "SELECT article_search_vector(t, b) AS v
             FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u (t, b, n) ORDER BY n",
        )
        .bind::<Array<Text>, _>(articles.iter().map(|a| a.0).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(articles.iter().map(|a| a.1).collect::<Vec<_>>())
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| r.v)
        .collect();
    }
    let mut of_quotes = Vec::new();
    if !quotes.is_empty() {
        of_quotes = diesel::sql_query(
            "SELECT quote_search_vector(t) AS v
             FROM unnest($1::text[]) WITH ORDINALITY AS u (t, n) ORDER BY n",
        )
        .bind::<Array<Text>, _>(quotes)
        .load::<Row>(conn)?
        .into_iter()
        .map(|r| r.v)
        .collect();
    }
    Ok((of_articles, of_quotes))
}

/// The search vectors of each article and its quotes, computed in two statements: what a
/// bulk load runs on a second connection while its writer stores the batch before.
pub fn search_vectors(
    conn: &mut PgConnection,
    articles: &[VectorTexts],
) -> QueryResult<Vec<Vectors>> {
    let texts: Vec<(&str, &str)> = (articles.iter())
        .map(|a| (a.title.as_str(), a.body.as_str()))
        .collect();
    let quotes: Vec<&str> = (articles.iter())
        .flat_map(|a| a.quotes.iter().map(String::as_str))
        .collect();
    let (of_articles, of_quotes) = compute_vectors(conn, &texts, &quotes)?;
    let mut of_quotes = quotes.into_iter().zip(of_quotes);
    Ok(articles
        .iter()
        .zip(of_articles)
        .map(|(a, article)| Vectors {
            article: Some(article),
            quotes: (of_quotes.by_ref().take(a.quotes.len()))
                .map(|(t, v)| (t.to_owned(), v))
                .collect(),
        })
        .collect())
}

/// The archive's names as the batch grows them, article after article, for extraction
/// that knows what the articles before stored (see [`crate::ingest::Gazetteer`]).
pub struct Growing<'a> {
    /// The names as of the batch's start, grown in place by each new article's entities
    /// and aliases as stored. Left unusable when the batch fails (read it again).
    pub known: &'a mut Gazetteer,
    /// The extraction article `i` of the batch must have with the names `now`, when it
    /// is not the one it was prepared with.
    pub redo: &'a dyn Fn(usize, &Gazetteer) -> Option<Extraction>,
}

/// One form a new article stores, as the gazetteer reads it back.
enum Grown {
    Person(i64, String, String),
    Organization(i64, String, String),
}

/// The tables a batch writes, analyzed after the first batches of a load (autovacuum may
/// be off, and the planner needs statistics to keep using the indexes).
pub const TOUCHED_TABLES: &str = "raw_documents, articles, article_captures, article_feed, \
     sections, outlets, article_outlets, tags, article_tags, article_authors, people, \
     person_aliases, organizations, organization_aliases, mentions, person_titles, quotes";

/// Updates the planner's statistics of [`TOUCHED_TABLES`].
pub fn analyze(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query(format!("ANALYZE {TOUCHED_TABLES}")).execute(conn)?;
    Ok(())
}

/// Stores a batch in one transaction; one outcome per article, in order.
///
/// With `growing`, each new article is checked, in order, against the names the articles
/// before it stored, and extracted again when they change its extraction.
pub fn write_batch(
    conn: &mut PgConnection,
    batch: &[Article<'_>],
    growing: Option<&mut Growing<'_>>,
) -> QueryResult<Vec<Stored>> {
    conn.transaction(|conn| write(conn, batch, growing))
}

/// Where an article of the batch goes.
#[derive(Debug, Clone, Copy)]
enum Fate {
    /// This very text is archived: the article it is a capture of.
    Seen(Target),
    /// A new capture of an archived (or earlier in the batch) article.
    Capture(Target),
    /// A new article (index among the batch's new articles).
    New(usize),
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Stored(i64),
    Batch(usize),
}

#[derive(QueryableByName)]
struct HashId {
    #[diesel(sql_type = Bytea)]
    hash: Vec<u8>,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct TextId {
    #[diesel(sql_type = Text)]
    text: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct OneText {
    #[diesel(sql_type = Text)]
    text: String,
}

#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = BigInt)]
    ord: i64,
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// `n` new ids of `table`, ascending.
fn allocate(conn: &mut PgConnection, table: &str, n: usize) -> QueryResult<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> = diesel::sql_query(format!(
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id
         FROM generate_series(1, $1)"
    ))
    .bind::<BigInt, _>(n as i64)
    .load::<Id>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect();
    ids.sort_unstable();
    Ok(ids)
}

/// New entities get provisional ids above any real one, in creation order, so that the
/// rules' "lowest id" choices order them as their real ids will.
const PROVISIONAL: i64 = i64::MAX / 2;

/// People or organizations resolved across a batch.
struct Entities {
    kind: EntityKind,
    known: Known,
    /// New entities: name (trimmed) and, for organizations, the acronym.
    created: Vec<(String, Option<String>)>,
    /// New aliases: (entity, text).
    aliases: Vec<(i64, String)>,
}

impl Entities {
    /// Resolves one article's names as the per-article path does: decide, create the
    /// rest (one new entity per name up to case), add every form as an alias.
    fn resolve(
        &mut self,
        keys: &HashMap<&str, Option<String>>,
        names: &[String],
        acronyms: &[Option<String>],
        extra: &[Vec<String>],
    ) -> Vec<i64> {
        if names.is_empty() {
            return Vec::new();
        }
        let wanted = rules::wanted(names, acronyms, extra, keys);
        let decided = rules::decide(self.kind, &self.known, &wanted);
        let mut created: HashMap<String, i64> = HashMap::new();
        let mut ids = Vec::with_capacity(names.len());
        for (i, found) in decided.into_iter().enumerate() {
            let id = match found {
                Some(id) => id,
                None => *created
                    .entry(rules::creation_key(&names[i]))
                    .or_insert_with(|| {
                        let id = PROVISIONAL + self.created.len() as i64;
                        let name = names[i].trim();
                        let acronym = rules::creation_acronym(
                            name,
                            acronyms.get(i).and_then(|a| a.as_deref()),
                        );
                        self.created.push((name.to_owned(), acronym));
                        let key = keys.get(name).cloned().flatten().unwrap_or_default();
                        self.known.add_entity(id, key);
                        id
                    }),
            };
            ids.push(id);
        }
        for (id, form) in rules::alias_forms(names, extra, &ids) {
            if let Some(key) = keys.get(form).cloned().flatten()
                && self.known.add_alias(id, key)
            {
                self.aliases.push((id, form.to_owned()));
            }
        }
        ids
    }

    /// Draws the real ids and slugs of the new entities and writes them; returns the
    /// provisional-to-real mapping.
    fn write(self, conn: &mut PgConnection) -> QueryResult<(Vec<i64>, Vec<NewAlias>)> {
        let ids = allocate(conn, self.kind.table(), self.created.len())?;
        let slugs = entity_slugs(
            conn,
            self.kind,
            self.created.iter().map(|(n, _)| rules::entity_base_slug(n)),
        )?;
        match self.kind {
            EntityKind::People => {
                let rows: Vec<NewPerson> = self
                    .created
                    .iter()
                    .zip(&ids)
                    .zip(&slugs)
                    .map(|(((name, _), id), slug)| NewPerson {
                        id: *id,
                        slug,
                        canonical_name: name,
                    })
                    .collect();
                if !rows.is_empty() {
                    diesel::dsl::copy_from(people::table)
                        .from_insertable(&rows)
                        .execute(conn)?;
                }
            }
            EntityKind::Organizations => {
                let rows: Vec<NewOrganization> = self
                    .created
                    .iter()
                    .zip(&ids)
                    .zip(&slugs)
                    .map(|(((name, acronym), id), slug)| NewOrganization {
                        id: *id,
                        slug,
                        name,
                        acronym: acronym.as_deref(),
                    })
                    .collect();
                if !rows.is_empty() {
                    diesel::dsl::copy_from(organizations::table)
                        .from_insertable(&rows)
                        .execute(conn)?;
                }
            }
        }
        let aliases = self
            .aliases
            .into_iter()
            .map(|(id, text)| (real(&ids, id), text))
            .collect();
        Ok((ids, aliases))
    }
}

impl Entities {
    /// The forms of the entities created from `created` on and of the aliases added from
    /// `aliases` on, as the gazetteer reads them back: a new entity's name (and
    /// acronym), each new alias under its entity.
    fn grown(&self, created: usize, aliases: usize) -> Vec<Grown> {
        let one = |id: i64, name: &str, form: &str| match self.kind {
            EntityKind::People => Grown::Person(id, name.to_owned(), form.to_owned()),
            EntityKind::Organizations => Grown::Organization(id, name.to_owned(), form.to_owned()),
        };
        let mut out = Vec::new();
        for (k, (name, acronym)) in self.created.iter().enumerate().skip(created) {
            let id = PROVISIONAL + k as i64;
            out.push(one(id, name, name));
            out.extend(acronym.iter().map(|a| one(id, name, a)));
        }
        for (id, form) in &self.aliases[aliases..] {
            // The name matters only for an entity the gazetteer does not hold yet, and
            // every new one comes with its name first.
            let name = usize::try_from(id - PROVISIONAL)
                .ok()
                .and_then(|k| self.created.get(k))
                .map_or("", |(n, _)| n.as_str());
            out.push(one(*id, name, form));
        }
        out
    }
}

/// Adds what new articles stored to the names (an alias of an entity they do not hold,
/// one another process added, is left out).
fn grow(known: &mut Gazetteer, grown: impl Iterator<Item = Grown>) {
    for g in grown {
        match g {
            Grown::Person(id, name, form) => {
                if !name.is_empty() || known.has_person(id) {
                    known.add_person(id, &name, &form);
                }
            }
            Grown::Organization(id, name, form) => {
                if !name.is_empty() || known.has_organization(id) {
                    known.add_organization(id, &name, &form);
                }
            }
        }
    }
}

/// The names of an extraction, as the resolution takes them.
struct ExtractedNames {
    people: Vec<String>,
    people_forms: Vec<Vec<String>>,
    orgs: Vec<String>,
    acronyms: Vec<Option<String>>,
    org_forms: Vec<Vec<String>>,
}

impl ExtractedNames {
    fn of(x: &Extraction) -> Self {
        Self {
            people: x.people.iter().map(|p| p.name.clone()).collect(),
            people_forms: x
                .people
                .iter()
                .map(|p| p.mentions.iter().map(|m| m.surface.clone()).collect())
                .collect(),
            orgs: x.organizations.iter().map(|o| o.name.clone()).collect(),
            acronyms: x.organizations.iter().map(|o| o.acronym.clone()).collect(),
            org_forms: x
                .organizations
                .iter()
                .map(|o| {
                    let mut a: Vec<String> = o.mentions.iter().map(|m| m.surface.clone()).collect();
                    a.extend(o.acronym.clone());
                    a
                })
                .collect(),
        }
    }

    /// The key of each of its strings: from `keys` when read already, else read now.
    fn keys<'s>(
        &'s self,
        conn: &mut PgConnection,
        keys: &HashMap<&str, Option<String>>,
    ) -> QueryResult<HashMap<&'s str, Option<String>>> {
        let mut strings: Vec<&str> =
            rules::strings_to_key(&self.people, &[], &self.people_forms).collect();
        strings.extend(rules::strings_to_key(
            &self.orgs,
            &self.acronyms,
            &self.org_forms,
        ));
        strings.sort_unstable();
        strings.dedup();
        let mut out: HashMap<&str, Option<String>> = HashMap::with_capacity(strings.len());
        let mut missing: Vec<&str> = Vec::new();
        for s in strings {
            match keys.get(s) {
                Some(k) => {
                    out.insert(s, k.clone());
                }
                None => missing.push(s),
            }
        }
        if !missing.is_empty() {
            for row in diesel::sql_query(rules::KEYS_SQL)
                .bind::<Array<Text>, _>(&missing)
                .load::<Key>(conn)?
            {
                if let Some(s) = usize::try_from(row.ord - 1)
                    .ok()
                    .and_then(|i| missing.get(i))
                {
                    out.insert(s, row.key);
                }
            }
        }
        Ok(out)
    }
}

/// An alias to add: the (real) entity and the text.
type NewAlias = (i64, String);

/// The real id of a possibly provisional one.
fn real(ids: &[i64], id: i64) -> i64 {
    if id >= PROVISIONAL {
        usize::try_from(id - PROVISIONAL)
            .ok()
            .and_then(|i| ids.get(i))
            .copied()
            .unwrap_or(id)
    } else {
        id
    }
}

/// The slug of each new entity, in creation order: its base slug, else the first of
/// `base-2`, `base-3`, ... free in the table and not taken earlier in the batch.
fn entity_slugs(
    conn: &mut PgConnection,
    kind: EntityKind,
    bases: impl Iterator<Item = String>,
) -> QueryResult<Vec<String>> {
    let bases: Vec<String> = bases.collect();
    let mut wanted: HashMap<&str, usize> = HashMap::new();
    for base in &bases {
        *wanted.entry(base).or_default() += 1;
    }
    // Probe a few more numbers than needed per base; probe further for a base that runs out.
    let mut probed: HashMap<&str, usize> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut next: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::with_capacity(bases.len());
    for base in &bases {
        loop {
            let n = *next.get(base.as_str()).unwrap_or(&1);
            let have = *probed.get(base.as_str()).unwrap_or(&0);
            if n > have {
                // Probe this base (and every other not probed yet) in one statement.
                let mut probes = Vec::new();
                for (b, count) in &wanted {
                    let from = *probed.get(b).unwrap_or(&0);
                    let to = if *b == base.as_str() {
                        (from * 2).max(count + 4)
                    } else if from == 0 {
                        count + 4
                    } else {
                        continue;
                    };
                    probes.extend((from + 1..=to).map(|n| rules::nth_slug(b, n)));
                    probed.insert(b, to);
                }
                let found: Vec<OneText> = diesel::sql_query(format!(
                    "SELECT slug AS text FROM {} WHERE slug = ANY($1::text[])",
                    kind.table()
                ))
                .bind::<Array<Text>, _>(&probes)
                .load(conn)?;
                taken.extend(found.into_iter().map(|r| r.text));
                continue;
            }
            next.insert(base, n + 1);
            let slug = rules::nth_slug(base, n);
            if taken.insert(slug.clone()) {
                out.push(slug);
                break;
            }
        }
    }
    Ok(out)
}

#[derive(Insertable)]
#[diesel(table_name = people, treat_none_as_default_value = false)]
struct NewPerson<'a> {
    id: i64,
    slug: &'a str,
    canonical_name: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = organizations, treat_none_as_default_value = false)]
struct NewOrganization<'a> {
    id: i64,
    slug: &'a str,
    name: &'a str,
    acronym: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = raw_documents, treat_none_as_default_value = false)]
struct NewRaw<'a> {
    id: i64,
    content: &'a str,
    content_hash: &'a [u8],
    format: &'a str,
    source_name: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = articles, treat_none_as_default_value = false)]
struct NewArticle<'a> {
    id: i64,
    slug: &'a str,
    raw_document_id: i64,
    title: &'a str,
    kind: &'a str,
    published_on: NaiveDate,
    publication: Option<&'a str>,
    section_id: Option<i64>,
    dateline: Option<&'a str>,
    paragraphs: &'a Vec<String>,
    abridged: bool,
    source_url: Option<&'a str>,
    language: &'a str,
    original_language: Option<&'a str>,
    word_count: i32,
    extractor_version: &'a str,
    content_hash: &'a [u8],
    title_derived: bool,
    date_source: &'a str,
    search: &'a Vector,
}

#[derive(Insertable)]
#[diesel(table_name = article_captures, treat_none_as_default_value = false)]
struct NewCapture {
    raw_document_id: i64,
    article_id: i64,
}

#[derive(Insertable)]
#[diesel(table_name = sections, treat_none_as_default_value = false)]
struct NewSection<'a> {
    id: i64,
    parent_id: Option<i64>,
    name: &'a str,
    path: &'a str,
    depth: i32,
}

#[derive(Insertable)]
#[diesel(table_name = article_outlets, treat_none_as_default_value = false)]
struct NewArticleOutlet<'a> {
    article_id: i64,
    outlet_id: i64,
    position: i16,
    page: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = article_authors, treat_none_as_default_value = false)]
struct NewAuthor {
    article_id: i64,
    person_id: i64,
    position: i16,
}

#[derive(Insertable)]
#[diesel(table_name = article_tags, treat_none_as_default_value = false)]
struct NewArticleTag {
    article_id: i64,
    tag_id: i64,
}

#[derive(Insertable)]
#[diesel(table_name = person_aliases, treat_none_as_default_value = false)]
struct NewPersonAlias<'a> {
    person_id: i64,
    alias: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = organization_aliases, treat_none_as_default_value = false)]
struct NewOrganizationAlias<'a> {
    organization_id: i64,
    alias: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = mentions, treat_none_as_default_value = false)]
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

#[derive(Insertable)]
#[diesel(table_name = person_titles, treat_none_as_default_value = false)]
struct NewTitle<'a> {
    person_id: i64,
    article_id: i64,
    title: &'a str,
    published_on: NaiveDate,
    extractor_version: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = quotes, treat_none_as_default_value = false)]
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
    search: &'a Vector,
}

/// What the batch resolved for one new article.
struct Resolved {
    authors: Vec<i64>,
    people: Vec<i64>,
    organizations: Vec<i64>,
}

fn write(
    conn: &mut PgConnection,
    batch: &[Article<'_>],
    mut growing: Option<&mut Growing<'_>>,
) -> QueryResult<Vec<Stored>> {
    diesel::sql_query(
        "LOCK TABLE raw_documents, articles, sections, outlets, tags, people, person_aliases,
             organizations, organization_aliases IN SHARE ROW EXCLUSIVE MODE",
    )
    .execute(conn)?;
    // Every row the batch references is its own or was read under the locks above, so the
    // per-row foreign-key checks (a quarter of a load's time in the server) can prove
    // nothing; where the role may, the batch skips them as `pg_restore --disable-triggers`
    // does, in replica mode, until its rows are in. Replica mode also silences the
    // counters' triggers on `mentions` and `quotes`: their deltas are staged below, from
    // the batch's own rows, once for the whole batch. (It silences the search vectors'
    // triggers too: the batch gives every vector.)
    let unchecked = !diesel::sql_query(
        "SELECT set_config('session_replication_role', 'replica', true) AS text
         WHERE has_parameter_privilege('session_replication_role', 'SET')",
    )
    .load::<OneText>(conn)?
    .is_empty();

    // Captures and articles already archived, by hash.
    let raw_hashes: Vec<Vec<u8>> = batch.iter().map(|a| content_hash(a.raw.content)).collect();
    let article_hashes: Vec<Vec<u8>> = batch.iter().map(|a| article_hash(a.article)).collect();
    let seen: HashMap<Vec<u8>, i64> = diesel::sql_query(
        "SELECT r.content_hash AS hash, c.article_id AS id FROM raw_documents r
         JOIN article_captures c ON c.raw_document_id = r.id
         WHERE r.content_hash = ANY($1::bytea[])",
    )
    .bind::<Array<Bytea>, _>(&raw_hashes)
    .load::<HashId>(conn)?
    .into_iter()
    .map(|r| (r.hash, r.id))
    .collect();
    let archived: HashMap<Vec<u8>, i64> = diesel::sql_query(
        "SELECT content_hash AS hash, id FROM articles WHERE content_hash = ANY($1::bytea[])",
    )
    .bind::<Array<Bytea>, _>(&article_hashes)
    .load::<HashId>(conn)?
    .into_iter()
    .map(|r| (r.hash, r.id))
    .collect();

    // Each article's fate, in order, as one transaction per article would decide it.
    let mut fates = Vec::with_capacity(batch.len());
    let mut raws: Vec<usize> = Vec::new(); // batch indexes of new raw documents
    let mut news: Vec<usize> = Vec::new(); // batch indexes of new articles
    let mut raw_in_batch: HashMap<&[u8], usize> = HashMap::new();
    let mut article_in_batch: HashMap<&[u8], usize> = HashMap::new();
    let mut raw_fate_of: Vec<Option<Target>> = Vec::with_capacity(batch.len());
    for i in 0..batch.len() {
        let raw_hash = raw_hashes[i].as_slice();
        if let Some(id) = seen.get(raw_hash) {
            fates.push(Fate::Seen(Target::Stored(*id)));
            raw_fate_of.push(None);
            continue;
        }
        if let Some(&j) = raw_in_batch.get(raw_hash) {
            let target = raw_fate_of[j].unwrap_or(Target::Stored(0));
            fates.push(Fate::Seen(target));
            raw_fate_of.push(None);
            continue;
        }
        raw_in_batch.insert(raw_hash, i);
        raws.push(i);
        let hash = article_hashes[i].as_slice();
        let target = if let Some(id) = archived.get(hash) {
            fates.push(Fate::Capture(Target::Stored(*id)));
            Target::Stored(*id)
        } else if let Some(&n) = article_in_batch.get(hash) {
            fates.push(Fate::Capture(Target::Batch(n)));
            Target::Batch(n)
        } else {
            article_in_batch.insert(hash, news.len());
            fates.push(Fate::New(news.len()));
            news.push(i);
            Target::Batch(news.len() - 1)
        };
        raw_fate_of.push(Some(target));
    }

    let raw_ids = allocate(conn, "raw_documents", raws.len())?;
    let raw_id_of: HashMap<usize, i64> =
        raws.iter().copied().zip(raw_ids.iter().copied()).collect();
    let article_ids = allocate(conn, "articles", news.len())?;
    let target_id = |t: Target| match t {
        Target::Stored(id) => id,
        Target::Batch(n) => article_ids[n],
    };

    // Slugs: the base slug, else suffixed with the raw document's id.
    let bases: Vec<String> = news
        .iter()
        .map(|&i| rules::article_base_slug(batch[i].published_on, &batch[i].article.title))
        .collect();
    let mut taken: HashSet<String> =
        diesel::sql_query("SELECT slug AS text FROM articles WHERE slug = ANY($1::text[])")
            .bind::<Array<Text>, _>(&bases)
            .load::<OneText>(conn)?
            .into_iter()
            .map(|r| r.text)
            .collect();
    let slugs: Vec<String> = news
        .iter()
        .zip(bases)
        .map(|(i, base)| {
            if taken.insert(base.clone()) {
                base
            } else {
                format!("{base}-{}", raw_id_of[i])
            }
        })
        .collect();

    // Sections: the levels of every new article's path, the missing ones created.
    let levels: Vec<Vec<rules::SectionLevel>> = news
        .iter()
        .map(|&i| rules::section_levels(&batch[i].article.section))
        .collect();
    let paths: Vec<&str> = levels.iter().flatten().map(|l| l.path.as_str()).collect();
    let mut section_ids: HashMap<String, i64> =
        diesel::sql_query("SELECT path AS text, id FROM sections WHERE path = ANY($1::text[])")
            .bind::<Array<Text>, _>(&paths)
            .load::<TextId>(conn)?
            .into_iter()
            .map(|r| (r.text, r.id))
            .collect();
    let mut new_levels: Vec<&rules::SectionLevel> = Vec::new();
    let mut planned: HashSet<&str> = HashSet::new();
    for level in levels.iter().flatten() {
        if !section_ids.contains_key(&level.path) && planned.insert(&level.path) {
            new_levels.push(level);
        }
    }
    let new_section_ids = allocate(conn, "sections", new_levels.len())?;
    for (level, id) in new_levels.iter().zip(&new_section_ids) {
        section_ids.insert(level.path.clone(), *id);
    }
    let new_sections: Vec<NewSection> = new_levels
        .iter()
        .zip(&new_section_ids)
        .map(|(level, id)| NewSection {
            id: *id,
            parent_id: level
                .path
                .rsplit_once(" > ")
                .and_then(|(parent, _)| section_ids.get(parent).copied()),
            name: &level.name,
            path: &level.path,
            depth: level.depth,
        })
        .collect();
    if !new_sections.is_empty() {
        diesel::dsl::copy_from(sections::table)
            .from_insertable(&new_sections)
            .execute(conn)?;
    }
    let section_of: Vec<Option<i64>> = levels
        .iter()
        .map(|l| l.last().and_then(|l| section_ids.get(&l.path).copied()))
        .collect();

    // Outlets and tags: the new ones inserted in first-seen order, then all read back.
    let outlets: Vec<Vec<rules::OutletRef>> = news
        .iter()
        .map(|&i| rules::outlets(batch[i].article))
        .collect();
    let outlet_ids = upsert_named(
        conn,
        "outlets",
        outlets
            .iter()
            .flatten()
            .map(|o| (o.name.as_str(), o.slug.as_str())),
    )?;
    let tags: Vec<Vec<(String, String)>> = news
        .iter()
        .map(|&i| rules::tags(&batch[i].article.tags))
        .collect();
    let tag_ids = upsert_named(
        conn,
        "tags",
        tags.iter().flatten().map(|(n, s)| (n.as_str(), s.as_str())),
    )?;

    // People and organizations: every string's key, the aliases matching them, then the
    // articles in order.
    let org_names: Vec<Vec<String>> = news
        .iter()
        .map(|&i| {
            batch[i]
                .extraction
                .organizations
                .iter()
                .map(|o| o.name.clone())
                .collect()
        })
        .collect();
    let org_acronyms: Vec<Vec<Option<String>>> = news
        .iter()
        .map(|&i| {
            batch[i]
                .extraction
                .organizations
                .iter()
                .map(|o| o.acronym.clone())
                .collect()
        })
        .collect();
    let org_forms: Vec<Vec<Vec<String>>> = news
        .iter()
        .map(|&i| {
            batch[i]
                .extraction
                .organizations
                .iter()
                .map(|o| {
                    let mut a: Vec<String> = o.mentions.iter().map(|m| m.surface.clone()).collect();
                    a.extend(o.acronym.clone());
                    a
                })
                .collect()
        })
        .collect();
    let person_names: Vec<Vec<String>> = news
        .iter()
        .map(|&i| {
            batch[i]
                .extraction
                .people
                .iter()
                .map(|p| p.name.clone())
                .collect()
        })
        .collect();
    let person_forms: Vec<Vec<Vec<String>>> = news
        .iter()
        .map(|&i| {
            batch[i]
                .extraction
                .people
                .iter()
                .map(|p| p.mentions.iter().map(|m| m.surface.clone()).collect())
                .collect()
        })
        .collect();
    let mut strings: Vec<&str> = Vec::new();
    for (n, &i) in news.iter().enumerate() {
        strings.extend(rules::strings_to_key(&batch[i].article.byline, &[], &[]));
        strings.extend(rules::strings_to_key(
            &person_names[n],
            &[],
            &person_forms[n],
        ));
        strings.extend(rules::strings_to_key(
            &org_names[n],
            &org_acronyms[n],
            &org_forms[n],
        ));
    }
    strings.sort_unstable();
    strings.dedup();
    let mut keys: HashMap<&str, Option<String>> = HashMap::with_capacity(strings.len());
    for row in diesel::sql_query(rules::KEYS_SQL)
        .bind::<Array<Text>, _>(&strings)
        .load::<Key>(conn)?
    {
        if let Some(s) = usize::try_from(row.ord - 1)
            .ok()
            .and_then(|i| strings.get(i))
        {
            keys.insert(s, row.key);
        }
    }
    let lookup: Vec<&String> = {
        let mut v: Vec<&String> = keys.values().flatten().collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut entities = [EntityKind::People, EntityKind::Organizations].map(|kind| Entities {
        kind,
        known: Known::default(),
        created: Vec::new(),
        aliases: Vec::new(),
    });
    for e in &mut entities {
        let candidates: Vec<rules::Candidate> = diesel::sql_query(e.kind.candidates_sql())
            .bind::<Array<Text>, _>(&lookup)
            .load(conn)?;
        e.known = Known::from_candidates(candidates);
    }
    let [mut persons, mut orgs] = entities;
    let mut resolved = Vec::with_capacity(news.len());
    let empty: Vec<Vec<String>> = Vec::new();
    // Extractions done again with the names grown by the articles before (rare).
    let mut redone: Vec<Option<Extraction>> = (0..news.len()).map(|_| None).collect();
    let mut fetched: HashSet<String> = lookup.iter().map(|k| (*k).clone()).collect();
    let mut pending: Vec<Grown> = Vec::new();
    for (n, &i) in news.iter().enumerate() {
        if let Some(g) = growing.as_deref_mut() {
            if !batch[i].follows_in_input {
                grow(g.known, pending.drain(..));
            }
            redone[n] = (g.redo)(i, g.known);
        }
        let before = [
            persons.created.len(),
            persons.aliases.len(),
            orgs.created.len(),
            orgs.aliases.len(),
        ];
        let byline = &batch[i].article.byline;
        let authors = persons.resolve(&keys, byline, &[], &empty);
        let (people_ids, org_ids) = match &redone[n] {
            None => (
                persons.resolve(&keys, &person_names[n], &[], &person_forms[n]),
                orgs.resolve(&keys, &org_names[n], &org_acronyms[n], &org_forms[n]),
            ),
            Some(x) => {
                let names = ExtractedNames::of(x);
                let keys = names.keys(conn, &keys)?;
                // The aliases of keys no statement above read.
                let unread: Vec<&String> = keys
                    .values()
                    .flatten()
                    .filter(|k| !fetched.contains(*k))
                    .collect();
                if !unread.is_empty() {
                    for e in [&mut persons, &mut orgs] {
                        let candidates: Vec<rules::Candidate> =
                            diesel::sql_query(e.kind.candidates_sql())
                                .bind::<Array<Text>, _>(&unread)
                                .load(conn)?;
                        e.known.add_candidates(candidates);
                    }
                    fetched.extend(unread.into_iter().cloned());
                }
                (
                    persons.resolve(&keys, &names.people, &[], &names.people_forms),
                    orgs.resolve(&keys, &names.orgs, &names.acronyms, &names.org_forms),
                )
            }
        };
        if growing.is_some() {
            pending.extend(persons.grown(before[0], before[1]));
            pending.extend(orgs.grown(before[2], before[3]));
        }
        resolved.push(Resolved {
            authors,
            people: people_ids,
            organizations: org_ids,
        });
    }
    let (person_ids, person_aliases) = persons.write(conn)?;
    let (org_ids, org_aliases) = orgs.write(conn)?;
    if let Some(g) = growing {
        grow(g.known, pending.drain(..));
        for (k, id) in person_ids.iter().enumerate() {
            g.known.renumber_person(PROVISIONAL + k as i64, *id);
        }
        for (k, id) in org_ids.iter().enumerate() {
            g.known.renumber_organization(PROVISIONAL + k as i64, *id);
        }
    }
    for r in &mut resolved {
        for id in r.authors.iter_mut().chain(&mut r.people) {
            *id = real(&person_ids, *id);
        }
        for id in &mut r.organizations {
            *id = real(&org_ids, *id);
        }
    }

    // The rows.
    let new_raws: Vec<NewRaw> = raws
        .iter()
        .zip(&raw_ids)
        .map(|(&i, id)| NewRaw {
            id: *id,
            content: batch[i].raw.content,
            content_hash: &raw_hashes[i],
            format: batch[i].raw.format.as_db(),
            source_name: batch[i].raw.source_name,
        })
        .collect();
    if !new_raws.is_empty() {
        diesel::dsl::copy_from(raw_documents::table)
            .from_insertable(&new_raws)
            .execute(conn)?;
    }
    // The search vectors not computed ahead (all of them when none were), now.
    let ahead = |n: usize| batch[news[n]].vectors.and_then(|v| v.article.as_ref());
    let unvectored: Vec<usize> = (0..news.len()).filter(|&n| ahead(n).is_none()).collect();
    let texts: HashSet<&str> = news
        .iter()
        .enumerate()
        .flat_map(|(n, &i)| {
            let ahead = batch[i].vectors.map(|v| &v.quotes);
            let x = redone[n].as_ref().unwrap_or(batch[i].extraction);
            x.quotes
                .iter()
                .map(|q| q.text.as_str())
                .filter(move |t| !t.is_empty() && !ahead.is_some_and(|v| v.contains_key(*t)))
        })
        .collect();
    let texts: Vec<&str> = texts.into_iter().collect();
    let bodies: Vec<String> = (unvectored.iter())
        .map(|&n| body(batch[news[n]].article))
        .collect();
    let unvectored_articles: Vec<(&str, &str)> = (unvectored.iter().zip(&bodies))
        .map(|(&n, b)| (batch[news[n]].article.title.as_str(), b.as_str()))
        .collect();
    let (of_articles, of_quotes) = compute_vectors(conn, &unvectored_articles, &texts)?;
    let article_vector: HashMap<usize, Vector> = unvectored.into_iter().zip(of_articles).collect();
    let quote_vector: HashMap<&str, Vector> = texts.into_iter().zip(of_quotes).collect();
    let new_articles: Vec<NewArticle> = news
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            let a = &batch[i];
            let article = a.article;
            NewArticle {
                id: article_ids[n],
                slug: &slugs[n],
                raw_document_id: raw_id_of[&i],
                title: &article.title,
                kind: rules::kind_db(article.kind),
                published_on: a.published_on,
                publication: article.publication.as_deref(),
                section_id: section_of[n],
                dateline: rules::dateline(article),
                paragraphs: &article.paragraphs,
                abridged: article.abridged,
                source_url: article.source_url.as_deref(),
                language: &article.language,
                original_language: article.original_language.as_deref(),
                word_count: rules::word_count(article),
                extractor_version: &a.extraction.extractor_version,
                content_hash: &article_hashes[i],
                title_derived: article.title_derived,
                date_source: rules::date_source(article, a.published_on),
                search: ahead(n).unwrap_or_else(|| &article_vector[&n]),
            }
        })
        .collect();
    if !new_articles.is_empty() {
        diesel::dsl::copy_from(articles::table)
            .from_insertable(&new_articles)
            .execute(conn)?;
    }
    let captures: Vec<NewCapture> = raws
        .iter()
        .zip(&raw_ids)
        .filter_map(|(&i, raw_id)| {
            let target = match fates[i] {
                Fate::Capture(t) => t,
                Fate::New(n) => Target::Batch(n),
                Fate::Seen(_) => return None,
            };
            Some(NewCapture {
                raw_document_id: *raw_id,
                article_id: target_id(target),
            })
        })
        .collect();
    if !captures.is_empty() {
        diesel::dsl::copy_from(article_captures::table)
            .from_insertable(&captures)
            .execute(conn)?;
    }

    let mut article_outlets = Vec::new();
    let mut article_tags = Vec::new();
    let mut authors = Vec::new();
    for (n, article_id) in article_ids.iter().enumerate() {
        for (position, o) in outlets[n].iter().enumerate() {
            article_outlets.push(NewArticleOutlet {
                article_id: *article_id,
                // A slug that could not be inserted (its name's key belongs to another
                // outlet) fails the batch on the foreign key, as it fails the article.
                outlet_id: outlet_ids.get(&o.slug).copied().unwrap_or(0),
                position: i16::try_from(position).unwrap_or(i16::MAX),
                page: o.page.as_deref(),
            });
        }
        for (_, slug) in &tags[n] {
            article_tags.push(NewArticleTag {
                article_id: *article_id,
                tag_id: tag_ids.get(slug).copied().unwrap_or(0),
            });
        }
        for (person_id, position) in rules::authors(&resolved[n].authors) {
            authors.push(NewAuthor {
                article_id: *article_id,
                person_id,
                position,
            });
        }
    }
    if !article_outlets.is_empty() {
        diesel::dsl::copy_from(article_outlets::table)
            .from_insertable(&article_outlets)
            .execute(conn)?;
    }
    if !article_tags.is_empty() {
        diesel::dsl::copy_from(article_tags::table)
            .from_insertable(&article_tags)
            .execute(conn)?;
    }
    if !authors.is_empty() {
        diesel::dsl::copy_from(article_authors::table)
            .from_insertable(&authors)
            .execute(conn)?;
    }
    let person_alias_rows: Vec<NewPersonAlias> = person_aliases
        .iter()
        .map(|(id, alias)| NewPersonAlias {
            person_id: *id,
            alias,
        })
        .collect();
    if !person_alias_rows.is_empty() {
        diesel::dsl::copy_from(person_aliases::table)
            .from_insertable(&person_alias_rows)
            .execute(conn)?;
    }
    let org_alias_rows: Vec<NewOrganizationAlias> = org_aliases
        .iter()
        .map(|(id, alias)| NewOrganizationAlias {
            organization_id: *id,
            alias,
        })
        .collect();
    if !org_alias_rows.is_empty() {
        diesel::dsl::copy_from(organization_aliases::table)
            .from_insertable(&org_alias_rows)
            .execute(conn)?;
    }

    let mut mention_rows = Vec::new();
    let mut title_rows = Vec::new();
    let mut quote_rows = Vec::new();
    let mut fills = Vec::new();
    let mut outcomes_new = Vec::with_capacity(news.len());
    for (n, &i) in news.iter().enumerate() {
        let a = &batch[i];
        let x = redone[n].as_ref().unwrap_or(a.extraction);
        let (article_id, r) = (article_ids[n], &resolved[n]);
        let version = x.extractor_version.as_str();
        for m in rules::mention_rows(x, &r.people, &r.organizations) {
            mention_rows.push(NewMention {
                article_id,
                person_id: m.person_id,
                organization_id: m.organization_id,
                paragraph: m.paragraph,
                start_offset: m.start_offset,
                end_offset: m.end_offset,
                surface: m.surface,
                title: m.title,
                extractor_version: version,
            });
        }
        for (person_id, title) in rules::title_rows(x, &r.people) {
            title_rows.push(NewTitle {
                person_id,
                article_id,
                title,
                published_on: a.published_on,
                extractor_version: version,
            });
        }
        let quotes = rules::quote_rows(x, &r.people, &r.organizations);
        outcomes_new.push((r.people.len(), r.organizations.len(), quotes.len()));
        for q in quotes {
            quote_rows.push(NewQuote {
                article_id,
                published_on: a.published_on,
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
                search: a
                    .vectors
                    .and_then(|v| v.quotes.get(q.text))
                    .unwrap_or_else(|| &quote_vector[q.text]),
            });
        }
        fills.extend(
            r.organizations
                .iter()
                .copied()
                .zip(rules::organization_fills(x)),
        );
    }
    if !mention_rows.is_empty() {
        diesel::dsl::copy_from(mentions::table)
            .from_insertable(&mention_rows)
            .execute(conn)?;
    }
    if !title_rows.is_empty() {
        diesel::dsl::copy_from(person_titles::table)
            .from_insertable(&title_rows)
            .execute(conn)?;
    }
    if !quote_rows.is_empty() {
        diesel::dsl::copy_from(quotes::table)
            .from_insertable(&quote_rows)
            .execute(conn)?;
    }
    if unchecked {
        // Back to the session's mode: the organizations' updates below fire their triggers.
        diesel::sql_query("SET LOCAL session_replication_role TO DEFAULT").execute(conn)?;
        stage_counts(conn, &mention_rows, &quote_rows)?;
    }
    if !fills.is_empty() {
        diesel::sql_query(rules::FILL_ORGANIZATIONS_SQL)
            .bind::<Array<BigInt>, _>(fills.iter().map(|(id, _)| *id).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                fills.iter().map(|(_, f)| f.acronym).collect::<Vec<_>>(),
            )
            .bind::<Array<Text>, _>(fills.iter().map(|(_, f)| f.kind).collect::<Vec<_>>())
            .bind::<Array<Nullable<Text>>, _>(
                fills.iter().map(|(_, f)| f.country).collect::<Vec<_>>(),
            )
            .execute(conn)?;
    }
    if !article_ids.is_empty() {
        // The feed, in batch order, last: its lock is held until the commit.
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(super::notify::FEED_LOCK)
            .execute(conn)?;
        diesel::sql_query(
            "WITH f AS (INSERT INTO article_feed (article_id)
                        SELECT a FROM unnest($1::bigint[]) WITH ORDINALITY AS t(a, o) ORDER BY o
                        RETURNING seq)
             SELECT pg_notify('article_added', max(seq)::text) FROM f",
        )
        .bind::<Array<BigInt>, _>(&article_ids)
        .execute(conn)?;
    }

    Ok(fates
        .iter()
        .map(|fate| match *fate {
            Fate::Seen(t) | Fate::Capture(t) => Stored::Unchanged {
                article_id: target_id(t),
            },
            Fate::New(n) => {
                let (people, organizations, quotes) = outcomes_new[n];
                Stored::Created {
                    article_id: article_ids[n],
                    slug: slugs[n].clone(),
                    people,
                    organizations,
                    quotes,
                }
            }
        })
        .collect())
}

/// Stages the counters' deltas of a batch's new articles, in one statement, where replica
/// mode silenced the statement triggers that stage them. All of these articles' mentions
/// and quotes are new, so each entity's mentions and quotes grow by its rows and its
/// articles by the articles it has a mention in: what `stage_mention_changes()` and
/// `stage_quote_changes()` count, without counting the rows again in the tables.
fn stage_counts(
    conn: &mut PgConnection,
    mentions: &[NewMention<'_>],
    quotes: &[NewQuote<'_>],
) -> QueryResult<()> {
    #[derive(Default)]
    struct Delta {
        mentions: i64,
        articles: i64,
        quotes: i64,
        last_article: Option<i64>,
    }
    let mut deltas: std::collections::BTreeMap<(Option<i64>, Option<i64>), Delta> =
        std::collections::BTreeMap::new();
    // A batch's mentions come article after article.
    for m in mentions {
        let d = deltas.entry((m.person_id, m.organization_id)).or_default();
        d.mentions += 1;
        if d.last_article != Some(m.article_id) {
            d.articles += 1;
            d.last_article = Some(m.article_id);
        }
    }
    for q in quotes {
        if q.speaker_person_id.is_some() != q.speaker_organization_id.is_some() {
            let key = (q.speaker_person_id, q.speaker_organization_id);
            deltas.entry(key).or_default().quotes += 1;
        }
    }
    if deltas.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&Delta) -> i64| deltas.values().map(f).collect::<Vec<_>>();
    diesel::sql_query(
        "INSERT INTO entity_count_deltas (person_id, organization_id, mentions, articles, quotes)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[],
                              $5::bigint[])",
    )
    .bind::<Array<Nullable<BigInt>>, _>(deltas.keys().map(|k| k.0).collect::<Vec<_>>())
    .bind::<Array<Nullable<BigInt>>, _>(deltas.keys().map(|k| k.1).collect::<Vec<_>>())
    .bind::<Array<BigInt>, _>(column(|d| d.mentions))
    .bind::<Array<BigInt>, _>(column(|d| d.articles))
    .bind::<Array<BigInt>, _>(column(|d| d.quotes))
    .execute(conn)?;
    Ok(())
}

/// Inserts the `(name, slug)` rows of `table` (outlets or tags) whose slug is new, in
/// first-seen order, without touching existing rows; returns every slug's id.
fn upsert_named<'a>(
    conn: &mut PgConnection,
    table: &str,
    rows: impl Iterator<Item = (&'a str, &'a str)>,
) -> QueryResult<HashMap<String, i64>> {
    let mut names = Vec::new();
    let mut slugs = Vec::new();
    let mut seen = HashSet::new();
    for (name, slug) in rows {
        if seen.insert(slug) {
            names.push(name);
            slugs.push(slug);
        }
    }
    if slugs.is_empty() {
        return Ok(HashMap::new());
    }
    diesel::sql_query(format!(
        "INSERT INTO {table} (slug, name)
         SELECT s, n FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(n, s, o)
         WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.slug = t.s)
         ORDER BY o
         ON CONFLICT DO NOTHING"
    ))
    .bind::<Array<Text>, _>(&names)
    .bind::<Array<Text>, _>(&slugs)
    .execute(conn)?;
    let ids: HashMap<String, i64> = diesel::sql_query(format!(
        "SELECT slug AS text, id FROM {table} WHERE slug = ANY($1::text[])"
    ))
    .bind::<Array<Text>, _>(&slugs)
    .load::<TextId>(conn)?
    .into_iter()
    .map(|r| (r.text, r.id))
    .collect();
    // A name whose slug is new but whose key is taken ("Škoda Times" beside "Skoda Times")
    // was not inserted: the batch fails here, not on a foreign key it may not check.
    if let Some((name, _)) = names
        .iter()
        .zip(&slugs)
        .find(|(_, slug)| !ids.contains_key(**slug))
    {
        return Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            Box::new(format!(
                "{table}: \"{name}\" has the name key of an existing row"
            )),
        ));
    }
    Ok(ids)
}
