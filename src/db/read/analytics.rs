//! Aggregates inside read statements: facets of an article list, rankings of entities
//! (with their own timelines), co-occurrence, timelines with every bucket of their range,
//! and the ranked search with its snippets.

use chrono::NaiveDate;

use super::entity::{self, meta};
use super::{Aliases, Object, Selection, agg_or_empty, article, quote};
use crate::db::filter::{ArticleFilter, EntityKind, EntityRef, QuoteFilter, entity_ids};
use crate::db::sql::{Bind, Sql};
use crate::error::{AppError, AppResult};

/// The most buckets a timeline returns (a day-by-day timeline of thirty years).
pub const MAX_BUCKETS: i64 = 11_000;

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

    /// Roughly how many buckets cover `from..=to` (for refusing huge ranges up front).
    fn buckets_between(self, from: NaiveDate, to: NaiveDate) -> i64 {
        let days = (to - from).num_days().abs() + 1;
        match self {
            Self::Day => days,
            Self::Week => days / 7 + 1,
            Self::Month => days / 28 + 1,
            Self::Year => days / 365 + 1,
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

impl Counted {
    /// The date bounds the filter itself sets.
    fn bounds(&self) -> (Option<NaiveDate>, Option<NaiveDate>) {
        match self {
            Self::Articles(f) => (f.published_from, f.published_to),
            Self::Quotes(f) => (f.published_from, f.published_to),
        }
    }
}

/// `(SELECT <date column>, count(*) ...)` rows of one timeline: `start` and `n`.
fn bucket_rows(counted: &Counted, interval: Interval, only: Option<(&str, &str)>) -> Sql {
    let unit = interval.unit();
    match counted {
        Counted::Articles(f) => {
            let mut s = Sql::new(&format!(
                "SELECT date_trunc('{unit}', a.published_on)::date AS start, count(*) AS n \
                 FROM articles a WHERE "
            ));
            s.append(&f.condition());
            if let Some((fk, owner)) = only {
                s.push(&format!(
                    " AND a.id IN (SELECT mt.article_id FROM mentions mt WHERE mt.{fk} = {owner})"
                ));
            }
            s.push(" GROUP BY 1");
            s
        }
        Counted::Quotes(f) => {
            let mut s = Sql::new(&format!(
                "SELECT date_trunc('{unit}', q.published_on)::date AS start, count(*) AS n \
                 FROM quotes q WHERE "
            ));
            s.append(&f.condition());
            if let Some((speaker, owner)) = only {
                s.push(&format!(" AND q.{speaker} = {owner}"));
            }
            s.push(" GROUP BY 1");
            s
        }
    }
}

/// Refuses a filter whose own date range holds more buckets than a timeline returns.
pub fn check_range(counted: &Counted, interval: Interval) -> AppResult<()> {
    if let (Some(from), Some(to)) = counted.bounds() {
        let n = interval.buckets_between(from, to);
        if n > MAX_BUCKETS {
            return Err(AppError::bad_input(format!(
                "the range holds {n} buckets; at most {MAX_BUCKETS}: use a wider interval"
            )));
        }
    }
    Ok(())
}

/// A timeline as a JSON array of `{start, count}`, oldest first, with every bucket from
/// the filter's `publishedFrom` (else the first bucket with data) to its `publishedTo`
/// (else the last), empty ones counted 0, so that a chart draws gaps as gaps.
/// `only` restricts the count to one entity (`(column, owner expression)`).
fn timeline_json(
    counted: &Counted,
    interval: Interval,
    only: Option<(&str, &str)>,
    selection: &Selection,
) -> Sql {
    let unit = interval.unit();
    let (from, to) = counted.bounds();
    let mut bucket = Object::default();
    for field in selection.on("TimeBucket") {
        match field.name {
            "__typename" => bucket.typename(field.key, "TimeBucket"),
            "start" => bucket.text(field.key, "g.s::date"),
            "count" => bucket.text(field.key, "coalesce(b.n, 0)"),
            _ => {}
        }
    }
    let mut sql = Sql::new("(WITH b AS (");
    sql.append(&bucket_rows(counted, interval, only))
        .push(") SELECT coalesce(json_agg(")
        .append(&bucket.build())
        .push(&format!(
            " ORDER BY g.s), '[]'::json) FROM (SELECT s FROM generate_series(date_trunc('{unit}', "
        ));
    match from {
        Some(d) => {
            sql.bind(Bind::Date(d)).push("::date");
        }
        None => {
            sql.push("(SELECT min(start) FROM b)");
        }
    }
    sql.push(&format!("::timestamp), date_trunc('{unit}', "));
    match to {
        Some(d) => {
            sql.bind(Bind::Date(d)).push("::date");
        }
        None => {
            sql.push("(SELECT max(start) FROM b)");
        }
    }
    sql.push(&format!(
        "::timestamp), interval '1 {unit}') AS s LIMIT {MAX_BUCKETS}) g LEFT JOIN b ON b.start = g.s::date)"
    ));
    sql
}

/// The root `timeline`.
pub fn timeline(counted: &Counted, interval: Interval, selection: &Selection) -> AppResult<Sql> {
    check_range(counted, interval)?;
    Ok(timeline_json(counted, interval, None, selection))
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

/// The filters a ranking was made with, which its entries' timelines reuse.
pub struct Ranking<'f> {
    /// What is ranked.
    pub ranked: Ranked,
    /// The article filter.
    pub articles: &'f ArticleFilter,
    /// The quote filter (speakers only).
    pub quotes: &'f QuoteFilter,
}

/// The rows of a ranking: `person_id`, `organization_id`, `description`, `count`, `pos`.
fn ranking_rows(ranking: &Ranking<'_>, limit: usize) -> Sql {
    match ranking.ranked {
        Ranked::People | Ranked::Organizations => {
            let (fk, person, org) = if ranking.ranked == Ranked::People {
                ("person_id", "m.person_id", "NULL::bigint")
            } else {
                ("organization_id", "NULL::bigint", "m.organization_id")
            };
            let mut s = Sql::new(&format!(
                "SELECT {person} AS person_id, {org} AS organization_id, NULL::text AS description, \
                 count(DISTINCT m.article_id) AS count, \
                 row_number() OVER (ORDER BY count(DISTINCT m.article_id) DESC, m.{fk}) AS pos \
                 FROM mentions m WHERE m.{fk} IS NOT NULL"
            ));
            in_articles(&mut s, "m.article_id", ranking.articles);
            s.push(&format!(
                " GROUP BY m.{fk} ORDER BY count DESC, m.{fk} LIMIT {limit}"
            ));
            s
        }
        Ranked::Speakers => {
            let mut s = Sql::new(
                "SELECT q.speaker_person_id AS person_id, q.speaker_organization_id AS organization_id, \
                 q.speaker_description AS description, count(*) AS count, \
                 row_number() OVER (ORDER BY count(*) DESC, q.speaker_person_id, q.speaker_organization_id, q.speaker_description) AS pos \
                 FROM quotes q WHERE \
                 num_nonnulls(q.speaker_person_id, q.speaker_organization_id, q.speaker_description) = 1 AND ",
            );
            s.append(&ranking.quotes.condition());
            in_articles(&mut s, "q.article_id", ranking.articles);
            s.push(&format!(
                " GROUP BY 1, 2, 3 ORDER BY count DESC, 1, 2, 3 LIMIT {limit}"
            ));
            s
        }
    }
}

/// Ranking entries (`RankedEntity`) from rows `k` with `person_id`, `organization_id`,
/// `description`, `count` and `pos`, as a JSON array in rank order.
fn entries(
    aliases: &mut Aliases,
    selection: &Selection,
    rows: Sql,
    timelines: Option<&Ranking<'_>>,
) -> AppResult<Sql> {
    let k = aliases.next("k");
    let mut item = Object::default();
    for field in selection.on("RankedEntity") {
        match field.name {
            "__typename" => item.typename(field.key, "RankedEntity"),
            "name" => item.text(
                field.key,
                &format!(
                    "COALESCE((SELECT e.canonical_name FROM people x JOIN people e ON e.id = COALESCE(x.merged_into_id, x.id) WHERE x.id = {k}.person_id), \
                     (SELECT e.name FROM organizations x JOIN organizations e ON e.id = COALESCE(x.merged_into_id, x.id) WHERE x.id = {k}.organization_id), \
                     {k}.description)"
                ),
            ),
            "count" => item.text(field.key, &format!("{k}.count")),
            "entity" => {
                let unnamed = quote::unnamed(aliases, &field.selection, &format!("{k}.description"));
                let mut sql = Sql::new(&format!("CASE WHEN {k}.person_id IS NOT NULL THEN "));
                sql.append(&entity::by_id_expr(
                    aliases,
                    EntityKind::Person,
                    &field.selection,
                    &Sql::new(&format!("{k}.person_id")),
                    true,
                )?)
                .push(&format!(" WHEN {k}.organization_id IS NOT NULL THEN "))
                .append(&entity::by_id_expr(
                    aliases,
                    EntityKind::Organization,
                    &field.selection,
                    &Sql::new(&format!("{k}.organization_id")),
                    true,
                )?)
                .push(" ELSE ")
                .append(&unnamed)
                .push(" END");
                item.add(field.key, sql);
            }
            "timeline" => {
                let interval = field
                    .args
                    .interval
                    .ok_or_else(|| AppError::bad_input("`timeline` needs an `interval`"))?;
                let value = match timelines {
                    Some(ranking) => entity_timeline(ranking, interval, &k, &field.selection)?,
                    None => Sql::new("'[]'::json"),
                };
                item.add(field.key, value);
            }
            _ => {}
        }
    }
    let mut agg = Sql::new("json_agg(");
    agg.append(&item.build())
        .push(&format!(" ORDER BY {k}.pos)"));
    let mut sql = Sql::new("(SELECT ");
    sql.append(&agg_or_empty(&agg))
        .push(" FROM (")
        .append(&rows)
        .push(&format!(") {k})"));
    Ok(sql)
}

/// The timeline of ranking entry `k` under the ranking's filters; empty for unnamed
/// sources.
fn entity_timeline(
    ranking: &Ranking<'_>,
    interval: Interval,
    k: &str,
    selection: &Selection,
) -> AppResult<Sql> {
    let (counted, person, organization) = match ranking.ranked {
        Ranked::People | Ranked::Organizations => (
            Counted::Articles(ranking.articles.clone()),
            meta(EntityKind::Person).fk,
            meta(EntityKind::Organization).fk,
        ),
        Ranked::Speakers => {
            let mut quotes = ranking.quotes.clone();
            if ranking.articles.condition().as_str() != "TRUE" {
                quotes.articles = Some(match quotes.articles.take() {
                    None => ranking.articles.clone(),
                    Some(inner) => ArticleFilter {
                        and: vec![inner, ranking.articles.clone()],
                        ..ArticleFilter::default()
                    },
                });
            }
            (
                Counted::Quotes(quotes),
                meta(EntityKind::Person).speaker,
                meta(EntityKind::Organization).speaker,
            )
        }
    };
    check_range(&counted, interval)?;
    let mut sql = Sql::new(&format!("CASE WHEN {k}.person_id IS NOT NULL THEN "));
    sql.append(&timeline_json(
        &counted,
        interval,
        Some((person, &format!("{k}.person_id"))),
        selection,
    ))
    .push(&format!(" WHEN {k}.organization_id IS NOT NULL THEN "))
    .append(&timeline_json(
        &counted,
        interval,
        Some((organization, &format!("{k}.organization_id"))),
        selection,
    ))
    .push(" ELSE '[]'::json END");
    Ok(sql)
}

/// The top `limit` entities for a ranking, as `RankedEntity` objects.
pub fn top_entities(
    aliases: &mut Aliases,
    selection: &Selection,
    ranking: &Ranking<'_>,
    limit: usize,
) -> AppResult<Sql> {
    entries(
        aliases,
        selection,
        ranking_rows(ranking, limit),
        Some(ranking),
    )
}

/// Entities of kind `to` mentioned in the most articles that also mention `entity`
/// (and match `articles`).
pub fn cooccurrence(
    aliases: &mut Aliases,
    selection: &Selection,
    entity: &EntityRef,
    to: EntityKind,
    articles: &ArticleFilter,
    limit: usize,
) -> AppResult<Sql> {
    let fk = meta(to).fk;
    let (person, org) = match to {
        EntityKind::Person => ("m2.person_id", "NULL::bigint"),
        EntityKind::Organization => ("NULL::bigint", "m2.organization_id"),
    };
    let mut rows = Sql::new(&format!(
        "SELECT {person} AS person_id, {org} AS organization_id, NULL::text AS description, \
         count(DISTINCT m2.article_id) AS count, \
         row_number() OVER (ORDER BY count(DISTINCT m2.article_id) DESC, m2.{fk}) AS pos \
         FROM mentions m1 JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.{fk} IS NOT NULL \
         WHERE (m1.person_id IN "
    ));
    entity_ids(&mut rows, EntityKind::Person, entity);
    rows.push(" OR m1.organization_id IN ");
    entity_ids(&mut rows, EntityKind::Organization, entity);
    rows.push(") AND NOT (m2.person_id IS NOT DISTINCT FROM m1.person_id AND m2.organization_id IS NOT DISTINCT FROM m1.organization_id)");
    in_articles(&mut rows, "m1.article_id", articles);
    rows.push(&format!(
        " GROUP BY m2.{fk} ORDER BY count DESC, m2.{fk} LIMIT {limit}"
    ));
    let ranked = match to {
        EntityKind::Person => Ranked::People,
        EntityKind::Organization => Ranked::Organizations,
    };
    let quotes = QuoteFilter::default();
    let ranking = Ranking {
        ranked,
        articles,
        quotes: &quotes,
    };
    entries(aliases, selection, rows, Some(&ranking))
}

/// The `ArticleFacets` object of the list made by `filter`.
pub fn facets(
    aliases: &mut Aliases,
    selection: &Selection,
    filter: &ArticleFilter,
) -> AppResult<Sql> {
    let mut object = Object::default();
    let quotes = QuoteFilter::default();
    for field in selection.on("ArticleFacets") {
        let (head, node, limit) = match field.name {
            "__typename" => {
                object.typename(field.key, "ArticleFacets");
                continue;
            }
            "kinds" => (
                "SELECT 0::bigint AS id, a.kind AS value, count(*) AS count FROM articles a WHERE ",
                None,
                3,
            ),
            "years" => (
                "SELECT 0::bigint AS id, extract(year FROM a.published_on)::int::text AS value, count(*) AS count FROM articles a WHERE ",
                None,
                field.args.ranked(20, 100)?,
            ),
            "outlets" => (
                "SELECT o.id, o.name AS value, count(*) AS count FROM articles a \
                 JOIN article_outlets ao ON ao.article_id = a.id JOIN outlets o ON o.id = ao.outlet_id WHERE ",
                Some("Outlet"),
                field.args.ranked(10, 100)?,
            ),
            "sections" => (
                "SELECT s.id, s.path AS value, count(*) AS count FROM articles a JOIN sections s ON s.id = a.section_id WHERE ",
                Some("Section"),
                field.args.ranked(10, 100)?,
            ),
            ranked @ ("people" | "organizations" | "speakers") => {
                let ranked = match ranked {
                    "people" => Ranked::People,
                    "organizations" => Ranked::Organizations,
                    _ => Ranked::Speakers,
                };
                let ranking = Ranking {
                    ranked,
                    articles: filter,
                    quotes: &quotes,
                };
                let first = field.args.ranked(10, 100)?;
                object.add(
                    field.key,
                    top_entities(aliases, &field.selection, &ranking, first)?,
                );
                continue;
            }
            _ => continue,
        };
        let v = aliases.next("v");
        let mut value = Object::default();
        for part in field.selection.on("FacetValue") {
            match part.name {
                "__typename" => value.typename(part.key, "FacetValue"),
                "id" => value.text(
                    part.key,
                    &node.map_or_else(
                        || "NULL::text".to_owned(),
                        |n| format!("global_id('{n}', {v}.id)"),
                    ),
                ),
                "value" => value.text(part.key, &format!("{v}.value")),
                "count" => value.text(part.key, &format!("{v}.count")),
                _ => {}
            }
        }
        let mut sql = Sql::new("(SELECT coalesce(json_agg(");
        sql.append(&value.build())
            .push(&format!(
                " ORDER BY {v}.count DESC, {v}.value), '[]'::json) FROM ("
            ))
            .push(head)
            .append(&filter.condition())
            .push(&format!(
                " GROUP BY 1, 2 ORDER BY count DESC, value LIMIT {limit}) {v})"
            ));
        object.add(field.key, sql);
    }
    Ok(object.build())
}

/// What `search` looks through, as stored in the hit rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// Articles (full text).
    Article,
    /// Quotes (full text).
    Quote,
    /// People (fuzzy names).
    Person,
    /// Organizations (fuzzy names).
    Organization,
}

/// Marks the start of a highlighted word in a raw snippet (a private-use character,
/// removed from the searched text first, so it cannot be forged by an article).
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a highlighted word.
pub const MARK_END: char = '\u{E001}';

/// The ranked search over the kinds asked for, as a JSON array of `SearchHit`. Snippets
/// come raw, with highlights between [`MARK_START`] and [`MARK_END`]; the GraphQL layer
/// escapes them.
pub fn search(
    aliases: &mut Aliases,
    selection: &Selection,
    query: &str,
    kinds: &[SearchKind],
    limit: usize,
) -> AppResult<Sql> {
    let mut parts: Vec<Sql> = Vec::new();
    let tsq = |s: &mut Sql| {
        s.push("websearch_to_tsquery('english', ")
            .text(query)
            .push(")");
    };
    let marks = format!("StartSel={MARK_START}, StopSel={MARK_END}");
    let strip = format!("E'\\u{:04X}\\u{:04X}'", MARK_START as u32, MARK_END as u32);
    if kinds.contains(&SearchKind::Article) {
        let mut s = Sql::new(&format!(
            "SELECT 'ARTICLE'::text AS kind, id, score, ts_headline('english', \
             translate(title || ' — ' || paragraphs_text(paragraphs), {strip}, ''), "
        ));
        tsq(&mut s);
        s.push(&format!(
            ", 'MaxFragments=2, MaxWords=25, MinWords=8, {marks}') AS snippet \
             FROM (SELECT a.id, a.title, a.paragraphs, ts_rank_cd(a.search, "
        ));
        tsq(&mut s);
        s.push(")::real AS score FROM articles a WHERE a.search @@ ");
        tsq(&mut s);
        s.push(&format!(" ORDER BY score DESC, a.id DESC LIMIT {limit}) x"));
        parts.push(s);
    }
    if kinds.contains(&SearchKind::Quote) {
        let mut s = Sql::new(&format!(
            "SELECT 'QUOTE'::text AS kind, id, score, ts_headline('english', translate(text, {strip}, ''), "
        ));
        tsq(&mut s);
        s.push(&format!(
            ", 'HighlightAll=true, {marks}') AS snippet FROM (SELECT q.id, q.text, ts_rank_cd(q.search, "
        ));
        tsq(&mut s);
        s.push(")::real AS score FROM quotes q WHERE q.search @@ ");
        tsq(&mut s);
        s.push(&format!(" ORDER BY score DESC, q.id DESC LIMIT {limit}) x"));
        parts.push(s);
    }
    for (kind, entity_kind) in [
        (SearchKind::Person, EntityKind::Person),
        (SearchKind::Organization, EntityKind::Organization),
    ] {
        if !kinds.contains(&kind) {
            continue;
        }
        let m = meta(entity_kind);
        let label = match kind {
            SearchKind::Person => "PERSON",
            _ => "ORGANIZATION",
        };
        let mut s = Sql::new(&format!(
            "SELECT * FROM (SELECT '{label}'::text AS kind, e.id, x.score, \
             '{MARK_START}' || translate(e.{name}, {strip}, '') || '{MARK_END}' AS snippet FROM \
             (SELECT al.{fk} AS id, max(similarity(lower(al.alias_key), name_key(",
            name = m.name,
            fk = m.fk
        ));
        s.text(query)
            .push(&format!(
                "))) ::real AS score FROM {} al WHERE lower(al.alias_key) % name_key(",
                m.aliases
            ))
            .text(query)
            .push(&format!(
                ") GROUP BY al.{fk}) x JOIN {t} e ON e.id = x.id AND e.merged_into_id IS NULL \
                 ORDER BY x.score DESC, e.id LIMIT {limit}) y",
                fk = m.fk,
                t = m.table
            ));
        parts.push(s);
    }
    if parts.is_empty() {
        return Ok(Sql::new("'[]'::json"));
    }
    let h = aliases.next("h");
    let mut hits =
        Sql::new("SELECT *, row_number() OVER (ORDER BY score DESC, kind, id) AS pos FROM (");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            hits.push(" UNION ALL ");
        }
        hits.push("(").append(p).push(")");
    }
    hits.push(&format!(
        ") all_hits ORDER BY score DESC, kind, id LIMIT {limit}"
    ));
    let mut item = Object::default();
    for field in selection.on("SearchHit") {
        match field.name {
            "__typename" => item.typename(field.key, "SearchHit"),
            "type" => item.text(field.key, &format!("{h}.kind")),
            "score" => item.text(field.key, &format!("{h}.score")),
            // The raw snippet, which the GraphQL layer escapes and measures.
            "snippet" | "snippetText" | "highlights" => {
                item.text("__snippet", &format!("{h}.snippet"));
            }
            "node" => {
                let id = Sql::new(&format!("{h}.id"));
                let mut sql = Sql::new(&format!("CASE {h}.kind WHEN 'ARTICLE' THEN "));
                let a = aliases.next("a");
                let mut article = article::fields(aliases, &field.selection, &a)?;
                article.tag(aliases, "Article");
                sql.push("(SELECT ")
                    .append(&article.build())
                    .push(&format!(" FROM articles {a} WHERE {a}.id = {h}.id)"));
                let q = aliases.next("q");
                let mut quote = quote::fields(aliases, &field.selection, &q)?;
                quote.tag(aliases, "Quote");
                sql.push(" WHEN 'QUOTE' THEN (SELECT ")
                    .append(&quote.build())
                    .push(&format!(" FROM quotes {q} WHERE {q}.id = {h}.id)"));
                sql.push(" WHEN 'PERSON' THEN ").append(&entity::by_id_expr(
                    aliases,
                    EntityKind::Person,
                    &field.selection,
                    &id,
                    true,
                )?);
                sql.push(" ELSE ").append(&entity::by_id_expr(
                    aliases,
                    EntityKind::Organization,
                    &field.selection,
                    &id,
                    true,
                )?);
                sql.push(" END");
                item.add(field.key, sql);
            }
            _ => {}
        }
    }
    let mut agg = Sql::new("json_agg(");
    agg.append(&item.build())
        .push(&format!(" ORDER BY {h}.pos)"));
    let mut sql = Sql::new("(SELECT ");
    sql.append(&agg_or_empty(&agg))
        .push(" FROM (")
        .append(&hits)
        .push(&format!(") {h})"));
    Ok(sql)
}
