//! What an ingested article becomes in the archive: the rules both write paths apply, the
//! per-article path ([`super::store`], one transaction per article) and the bulk path
//! ([`super::bulk`], one transaction per batch). Everything here is pure; the callers
//! fetch what the rules need (aliases whose key matches a name, slugs already taken) and
//! write what they decide.
//!
//! Names are compared by `name_key()` (case, accents, spacing and edge punctuation
//! folded), which PostgreSQL computes for both paths so that they fold alike.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::domain::{ArticleKind, Extraction, ParsedArticle, Speaker};

/// People or organizations: the two kinds of entity names resolve to, with the tables
/// and columns that hold them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// `people`, `person_aliases`.
    People,
    /// `organizations`, `organization_aliases`.
    Organizations,
}

impl EntityKind {
    /// The entity table.
    pub fn table(self) -> &'static str {
        match self {
            Self::People => "people",
            Self::Organizations => "organizations",
        }
    }
    /// The alias table.
    pub fn aliases(self) -> &'static str {
        match self {
            Self::People => "person_aliases",
            Self::Organizations => "organization_aliases",
        }
    }
    /// The alias table's reference to the entity.
    pub fn fk(self) -> &'static str {
        match self {
            Self::People => "person_id",
            Self::Organizations => "organization_id",
        }
    }
    /// The column holding the entity's name.
    pub fn name_column(self) -> &'static str {
        match self {
            Self::People => "canonical_name",
            Self::Organizations => "name",
        }
    }
    /// Prefix of the advisory-lock keys of names about to be created.
    pub fn lock_prefix(self) -> &'static str {
        match self {
            Self::People => "person:",
            Self::Organizations => "organization:",
        }
    }

    /// The aliases whose key is one of `$1::text[]`, with their owner, the live entity
    /// the owner stands for (itself, or the one it was merged into) and both names' keys.
    pub fn candidates_sql(self) -> String {
        format!(
            "SELECT a.alias_key AS key, a.{fk} AS owner_id,
                    COALESCE(e.merged_into_id, e.id) AS live_id,
                    name_key(e.{name}) AS owner_key, name_key(l.{name}) AS live_key
             FROM {aliases} a
             JOIN {table} e ON e.id = a.{fk}
             JOIN {table} l ON l.id = COALESCE(e.merged_into_id, e.id)
             WHERE a.alias_key = ANY($1::text[])",
            fk = self.fk(),
            name = self.name_column(),
            aliases = self.aliases(),
            table = self.table(),
        )
    }
}

/// `name_key()` of each of `$1::text[]`, in order (`ord` from 1).
pub const KEYS_SQL: &str =
    "SELECT ord, name_key(s) AS key FROM unnest($1::text[]) WITH ORDINALITY AS t(s, ord)";

/// One alias row found by [`EntityKind::candidates_sql`].
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct Candidate {
    /// The alias's key.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub key: String,
    /// The entity the alias belongs to.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub owner_id: i64,
    /// The live entity the owner stands for.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub live_id: i64,
    /// `name_key` of the owner's name.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub owner_key: String,
    /// `name_key` of the live entity's name.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub live_key: String,
}

/// The aliases a resolution can match, by key: each holder is the live entity and the
/// key of the name of the entity that owns the alias (which says whether the alias is
/// that entity's own name).
#[derive(Debug, Default)]
pub struct Known {
    by_key: HashMap<String, Vec<(i64, String)>>,
    owned: HashSet<(i64, String)>,
    live_keys: HashMap<i64, String>,
}

impl Known {
    /// The aliases found in the database.
    pub fn from_candidates(candidates: Vec<Candidate>) -> Self {
        let mut known = Self::default();
        known.add_candidates(candidates);
        known
    }

    /// Adds the aliases found in the database for keys not read before.
    pub fn add_candidates(&mut self, candidates: Vec<Candidate>) {
        for c in candidates {
            self.live_keys.entry(c.live_id).or_insert(c.live_key);
            self.owned.insert((c.owner_id, c.key.clone()));
            self.by_key
                .entry(c.key)
                .or_default()
                .push((c.live_id, c.owner_key));
        }
    }

    fn holders(&self, key: Option<&str>) -> &[(i64, String)] {
        key.and_then(|k| self.by_key.get(k))
            .map_or(&[], |v| v.as_slice())
    }

    /// Records a new entity (its id and its name's key).
    pub fn add_entity(&mut self, id: i64, name_key: String) {
        self.live_keys.insert(id, name_key);
    }

    /// Records alias `key` of live entity `id`; whether it is new (the alias table's
    /// primary key is the entity and the key: a second form with the same key is not
    /// stored).
    pub fn add_alias(&mut self, id: i64, key: String) -> bool {
        if !self.owned.insert((id, key.clone())) {
            return false;
        }
        let own = self.live_keys.get(&id).cloned().unwrap_or_default();
        self.by_key.entry(key).or_default().push((id, own));
        true
    }
}

/// One name to resolve, with the keys of its strings.
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    /// The name as extracted.
    pub name: &'a str,
    /// `name_key(name)`.
    pub key: Option<String>,
    /// `name_key(acronym)`, organizations only.
    pub acronym_key: Option<String>,
    /// The other forms the article used for it (trimmed), with their keys.
    pub forms: Vec<(&'a str, Option<String>)>,
}

/// Finds the live entity each name refers to, if the archive knows it; `None` where it
/// must be created.
///
/// A name matches an entity through any alias (its key, or for organizations its
/// acronym's key). An entity whose own name has the same key wins; otherwise a name of
/// several words takes the match (the lowest id when several), and a one-word name only a
/// match that is unique, so people who share a family name are never merged. A person
/// the archive does not know by the name may be known by another full form the article
/// used ("Fumio Kishida" later written "Kishida Fumio"): the one live person carrying such
/// a form. People only: an organization's shorter forms ("Foreign Ministry" for "Chinese
/// Foreign Ministry") name other bodies.
pub fn decide(kind: EntityKind, known: &Known, wanted: &[Wanted<'_>]) -> Vec<Option<i64>> {
    wanted
        .iter()
        .map(|w| {
            let mut found: Vec<(i64, bool)> = [w.key.as_deref(), w.acronym_key.as_deref()]
                .into_iter()
                .flat_map(|k| known.holders(k))
                .map(|(id, owner_key)| (*id, Some(owner_key.as_str()) == w.key.as_deref()))
                .collect();
            if found.is_empty() {
                return match kind {
                    EntityKind::People => by_other_form(known, w),
                    EntityKind::Organizations => None,
                };
            }
            found.sort_unstable();
            found.dedup();
            let mut distinct: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
            distinct.dedup();
            let one_word = !w.name.trim().contains(' ');
            if let Some((id, _)) = found.iter().find(|(_, canonical)| *canonical) {
                Some(*id)
            } else if distinct.len() == 1 || !one_word {
                distinct.first().copied()
            } else {
                None
            }
        })
        .collect()
}

fn by_other_form(known: &Known, w: &Wanted<'_>) -> Option<i64> {
    let own = w.name.trim().to_lowercase();
    let mut ids: Vec<i64> = w
        .forms
        .iter()
        .filter(|(form, _)| form.contains(' ') && form.to_lowercase() != own)
        .flat_map(|(_, key)| known.holders(key.as_deref()))
        .map(|(id, _)| *id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    match ids[..] {
        [id] => Some(id),
        _ => None,
    }
}

/// Names in one resolution that create one new entity together: the same name up to
/// case and surrounding space.
pub fn creation_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The strings whose keys a resolution of `names` with `extra` forms needs.
pub fn strings_to_key<'a>(
    names: &'a [String],
    acronyms: &'a [Option<String>],
    extra: &'a [Vec<String>],
) -> impl Iterator<Item = &'a str> {
    names
        .iter()
        .map(String::as_str)
        .chain(names.iter().map(|n| n.trim()))
        .chain(acronyms.iter().flatten().map(String::as_str))
        .chain(extra.iter().flatten().map(|f| f.trim()))
}

/// The [`Wanted`] of each name, given the keys of [`strings_to_key`]'s strings.
pub fn wanted<'a>(
    names: &'a [String],
    acronyms: &'a [Option<String>],
    extra: &'a [Vec<String>],
    keys: &HashMap<&str, Option<String>>,
) -> Vec<Wanted<'a>> {
    let key = |s: &str| keys.get(s).cloned().flatten();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| Wanted {
            name,
            key: key(name),
            acronym_key: acronyms.get(i).and_then(|a| a.as_deref()).and_then(key),
            forms: extra
                .get(i)
                .into_iter()
                .flatten()
                .map(|f| (f.trim(), key(f.trim())))
                .collect(),
        })
        .collect()
}

/// Every surface form of each resolved name becomes an alias of its entity: the name,
/// then the other forms, trimmed, in order.
pub fn alias_forms<'a>(
    names: &'a [String],
    extra: &'a [Vec<String>],
    ids: &'a [i64],
) -> impl Iterator<Item = (i64, &'a str)> {
    ids.iter().enumerate().flat_map(move |(i, id)| {
        std::iter::once(names[i].as_str())
            .chain(extra.get(i).into_iter().flatten().map(String::as_str))
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(move |f| (*id, f))
    })
}

/// The slug a new entity tries first (then `-2`, `-3`, ... while taken).
pub fn entity_base_slug(name: &str) -> String {
    let s = slugify(name, 70);
    if s.is_empty() {
        "unnamed".to_owned()
    } else {
        s
    }
}

/// The `n`th slug (from 1) a new entity with base slug `base` tries.
pub fn nth_slug(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_owned()
    } else {
        format!("{base}-{n}")
    }
}

/// The acronym a new organization is created with.
pub fn creation_acronym(name: &str, acronym: Option<&str>) -> Option<String> {
    acronym
        .filter(|a| !a.is_empty() && *a != name)
        .map(str::to_owned)
}

/// The slug of a new article; when taken, the raw document's id is appended.
pub fn article_base_slug(published_on: NaiveDate, title: &str) -> String {
    slugify(&format!("{published_on} {title}"), 90)
}

/// `articles.kind`.
pub fn kind_db(kind: ArticleKind) -> &'static str {
    match kind {
        ArticleKind::Translation => "TRANSLATION",
        ArticleKind::Summary => "SUMMARY",
        ArticleKind::Original => "ORIGINAL",
    }
}

/// `articles.word_count`.
pub fn word_count(article: &ParsedArticle) -> i32 {
    let n: usize = article
        .paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `articles.dateline`.
pub fn dateline(article: &ParsedArticle) -> Option<&str> {
    article.dateline.as_deref().filter(|d| !d.is_empty())
}

/// Where the resolved date came from (`articles.date_source`): the page itself, the source
/// URL, or else it was given from outside (`--published-on`, `publishedOn`).
pub fn date_source(article: &ParsedArticle, published_on: NaiveDate) -> &'static str {
    if article.published_on == Some(published_on) {
        "text"
    } else if article
        .source_url
        .as_deref()
        .and_then(crate::ingest::date_from_source_url)
        == Some(published_on)
    {
        "source_url"
    } else {
        "given"
    }
}

/// One level of a section path: its name, the full path to it, its depth (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionLevel {
    /// The level's own name.
    pub name: String,
    /// `A > B > C`.
    pub path: String,
    /// 1 for a top-level section.
    pub depth: i32,
}

/// The levels of a section path, outermost first (blank names skipped).
pub fn section_levels(path: &[String]) -> Vec<SectionLevel> {
    let mut full = String::new();
    path.iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .enumerate()
        .map(|(depth, name)| {
            if !full.is_empty() {
                full.push_str(" > ");
            }
            full.push_str(name);
            SectionLevel {
                name: name.to_owned(),
                path: full.clone(),
                depth: depth as i32 + 1,
            }
        })
        .collect()
}

/// An outlet on an article's sources line: name, slug, page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutletRef {
    /// As printed (trimmed).
    pub name: String,
    /// Its slug, what identifies the outlet.
    pub slug: String,
    /// The page, when given.
    pub page: Option<String>,
}

/// The article's outlets, once each (by slug), in order; the position is the index.
pub fn outlets(article: &ParsedArticle) -> Vec<OutletRef> {
    let mut out: Vec<OutletRef> = Vec::new();
    for outlet in &article.outlets {
        let slug = slugify(&outlet.name, 60);
        if slug.is_empty() || out.iter().any(|o| o.slug == slug) {
            continue;
        }
        out.push(OutletRef {
            name: outlet.name.trim().to_owned(),
            slug,
            page: outlet.page.clone().filter(|p| !p.is_empty()),
        });
    }
    out
}

/// The article's tags as (name, slug), once each.
pub fn tags(tags: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for tag in tags {
        let slug = slugify(tag, 60);
        if !slug.is_empty() && !out.iter().any(|(_, s)| *s == slug) {
            out.push((tag.trim().to_owned(), slug));
        }
    }
    out
}

/// The byline's authors as (person, position), once each: a second name resolving to
/// the same person keeps the first's position.
pub fn authors(person_ids: &[i64]) -> Vec<(i64, i16)> {
    let mut out: Vec<(i64, i16)> = Vec::new();
    for (i, id) in person_ids.iter().enumerate() {
        if !out.iter().any(|(p, _)| p == id) {
            out.push((*id, i16::try_from(i).unwrap_or(i16::MAX)));
        }
    }
    out
}

/// A mention to store.
#[derive(Debug, Clone)]
pub struct MentionRow<'a> {
    /// The person mentioned, or
    pub person_id: Option<i64>,
    /// the organization.
    pub organization_id: Option<i64>,
    /// Where.
    pub paragraph: i32,
    /// Character offsets in the paragraph.
    pub start_offset: i32,
    /// End (exclusive).
    pub end_offset: i32,
    /// The text as written.
    pub surface: &'a str,
    /// The title given there.
    pub title: Option<&'a str>,
}

/// The extraction's mentions (people's, then organizations'), empty spans left out.
pub fn mention_rows<'a>(
    extraction: &'a Extraction,
    person_ids: &[i64],
    org_ids: &[i64],
) -> Vec<MentionRow<'a>> {
    let people = extraction
        .people
        .iter()
        .zip(person_ids)
        .flat_map(|(p, id)| p.mentions.iter().map(move |m| (Some(*id), None, m)));
    let orgs = extraction
        .organizations
        .iter()
        .zip(org_ids)
        .flat_map(|(o, id)| o.mentions.iter().map(move |m| (None, Some(*id), m)));
    people
        .chain(orgs)
        .map(|(person_id, organization_id, m)| MentionRow {
            person_id,
            organization_id,
            paragraph: m.span.paragraph as i32,
            start_offset: m.span.start as i32,
            end_offset: m.span.end as i32,
            surface: &m.surface,
            title: m.title.as_deref().filter(|t| !t.is_empty()),
        })
        .filter(|r| r.end_offset > r.start_offset && !r.surface.is_empty())
        .collect()
}

/// The titles each person is given, as (person, title), once each.
pub fn title_rows<'a>(extraction: &'a Extraction, person_ids: &[i64]) -> Vec<(i64, &'a str)> {
    let mut seen = HashSet::new();
    extraction
        .people
        .iter()
        .zip(person_ids)
        .flat_map(|(p, id)| {
            p.titles
                .iter()
                .filter(|t| !t.is_empty())
                .map(move |t| (*id, t.as_str()))
        })
        .filter(|row| seen.insert(*row))
        .collect()
}

/// A quote to store.
#[derive(Debug, Clone)]
pub struct QuoteRow<'a> {
    /// Where.
    pub paragraph: i32,
    /// Character offsets in the paragraph.
    pub start_offset: i32,
    /// End (exclusive).
    pub end_offset: i32,
    /// The words quoted.
    pub text: &'a str,
    /// The speaker: a person,
    pub speaker_person_id: Option<i64>,
    /// an organization,
    pub speaker_organization_id: Option<i64>,
    /// or a description of an unnamed source.
    pub speaker_description: Option<&'a str>,
    /// The verb of attribution.
    pub cue: Option<&'a str>,
    /// A fragment inside a sentence.
    pub is_fragment: bool,
    /// 0 to 1.
    pub confidence: f32,
}

/// The extraction's quotes, once per position (the first), empty ones left out.
pub fn quote_rows<'a>(
    extraction: &'a Extraction,
    person_ids: &[i64],
    org_ids: &[i64],
) -> Vec<QuoteRow<'a>> {
    let mut seen = HashSet::new();
    extraction
        .quotes
        .iter()
        .filter(|q| !q.text.is_empty() && q.span.end > q.span.start)
        .map(|q| {
            let (person, org, description) = match &q.speaker {
                Speaker::Person(i) => (person_ids.get(*i).copied(), None, None),
                Speaker::Organization(i) => (None, org_ids.get(*i).copied(), None),
                Speaker::Unnamed(d) => (None, None, Some(d.as_str()).filter(|d| !d.is_empty())),
            };
            QuoteRow {
                paragraph: q.span.paragraph as i32,
                start_offset: q.span.start as i32,
                end_offset: q.span.end as i32,
                text: &q.text,
                speaker_person_id: person,
                speaker_organization_id: org,
                speaker_description: description,
                cue: q.cue.as_deref().map(str::trim).filter(|c| !c.is_empty()),
                is_fragment: q.fragment,
                confidence: q.confidence.clamp(0.0, 1.0),
            }
        })
        .filter(|q| seen.insert((q.paragraph, q.start_offset)))
        .collect()
}

/// What the organizations named in an article may fill in where the archive has nothing
/// yet (acronym, kind, country), per organization in order. The first article to give a
/// value wins; [`FILL_ORGANIZATIONS_SQL`] applies them.
pub fn organization_fills(extraction: &Extraction) -> impl Iterator<Item = OrgFill<'_>> {
    extraction.organizations.iter().map(|o| OrgFill {
        acronym: o.acronym.as_deref(),
        kind: crate::domain::OrgKind::as_db(o.kind),
        country: o.country.as_deref(),
    })
}

/// See [`organization_fills`].
#[derive(Debug, Clone, Copy)]
pub struct OrgFill<'a> {
    /// An acronym (ignored when it is the organization's name).
    pub acronym: Option<&'a str>,
    /// A kind (ignored when `OTHER`).
    pub kind: &'a str,
    /// A country.
    pub country: Option<&'a str>,
}

/// Fills organizations' empty acronym, kind and country from `unnest($1 ids, $2
/// acronyms, $3 kinds, $4 countries)`, the first value in array order winning: one
/// article's organizations, or a whole batch's in article order.
pub const FILL_ORGANIZATIONS_SQL: &str = "
    WITH t AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
            WITH ORDINALITY AS t(id, acronym, kind, country, ord)
    ), f AS (
        SELECT t.id,
               (array_agg(t.acronym ORDER BY t.ord)
                    FILTER (WHERE t.acronym IS NOT NULL AND t.acronym <> o.name))[1] AS acronym,
               (array_agg(t.kind ORDER BY t.ord) FILTER (WHERE t.kind <> 'OTHER'))[1] AS kind,
               (array_agg(t.country ORDER BY t.ord) FILTER (WHERE t.country IS NOT NULL))[1] AS country
        FROM t JOIN organizations o ON o.id = t.id
        GROUP BY t.id
    )
    UPDATE organizations o SET
        acronym = COALESCE(o.acronym, f.acronym),
        kind = CASE WHEN o.kind = 'OTHER' THEN COALESCE(f.kind, 'OTHER') ELSE o.kind END,
        country = COALESCE(o.country, f.country)
    FROM f
    WHERE o.id = f.id
      AND (o.acronym IS NULL AND f.acronym IS NOT NULL
           OR o.kind = 'OTHER' AND f.kind IS NOT NULL
           OR o.country IS NULL AND f.country IS NOT NULL)";

/// Lower-case ASCII words joined by hyphens, at most `max` bytes, cut at a word boundary.
pub fn slugify(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in text.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' && c != '’' {
            pending_dash = true;
        }
    }
    if out.len() > max {
        let cut = if out.as_bytes()[max] == b'-' {
            max
        } else {
            out[..max].rfind('-').unwrap_or(max)
        };
        out.truncate(cut);
    }
    out
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'ē' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ō' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'À' | 'Á' | 'Â' | 'Ä' | 'Ā' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' | 'Ē' => 'E',
        'Ō' | 'Ö' | 'Ó' => 'O',
        'Ū' | 'Ü' | 'Ú' => 'U',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(key: &str, id: i64, owner_key: &str) -> Candidate {
        Candidate {
            key: key.into(),
            owner_id: id,
            live_id: id,
            owner_key: owner_key.into(),
            live_key: owner_key.into(),
        }
    }

    fn wanted(name: &str) -> Wanted<'_> {
        Wanted {
            name,
            key: Some(name.to_lowercase()),
            acronym_key: None,
            forms: Vec::new(),
        }
    }

    #[test]
    fn slugs_are_lowercase_ascii_words() {
        assert_eq!(
            slugify("2022-02-28 Xi instructed to “support Russia”", 90),
            "2022-02-28-xi-instructed-to-support-russia"
        );
        assert_eq!(slugify("Ōno Tarō's plan", 90), "ono-taros-plan");
        assert_eq!(slugify("a b c d e f", 5), "a-b-c");
        assert_eq!(slugify("—", 10), "");
    }

    #[test]
    fn bulk_rules_link_a_one_word_name_only_when_one_entity_carries_it() {
        let known = Known::from_candidates(vec![
            candidate("kishida", 1, "fumio kishida"),
            candidate("kishida", 2, "nobuo kishida"),
            candidate("xi", 3, "xi jinping"),
        ]);
        let ids = decide(
            EntityKind::People,
            &known,
            &[wanted("Kishida"), wanted("Xi")],
        );
        assert_eq!(ids, vec![None, Some(3)]);
    }

    #[test]
    fn bulk_rules_see_aliases_added_earlier_in_the_batch() {
        let mut known = Known::default();
        assert_eq!(
            decide(EntityKind::People, &known, &[wanted("Xi")]),
            vec![None]
        );
        known.add_entity(7, "xi jinping".into());
        assert!(known.add_alias(7, "xi".into()));
        assert!(!known.add_alias(7, "xi".into()));
        assert_eq!(
            decide(EntityKind::People, &known, &[wanted("Xi")]),
            vec![Some(7)]
        );
    }
}
