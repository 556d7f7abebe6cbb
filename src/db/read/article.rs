//! Articles: the object with its relations (sources, section path, authors, tags, the
//! people and organizations of its body, its quotes), lookups, and filtered lists with
//! their facets.

use super::connection::{self, Listing, Page, cursor_parts, fetch_order, forward_order, parse};
use super::entity::{self, meta};
use super::{Aliases, Merged, Object, Selection, agg_or_empty, analytics, quote};
use crate::db::filter::{ArticleFilter, EntityKind};
use crate::db::sql::{Bind, Sql};
use crate::error::AppResult;

/// Scalar fields of `Article` and their columns.
const COLUMNS: &[(&str, &str)] = &[
    ("id", "id"),
    ("slug", "slug"),
    ("title", "title"),
    ("kind", "kind"),
    ("publishedOn", "published_on"),
    ("publication", "publication"),
    ("dateline", "dateline"),
    ("paragraphs", "paragraphs"),
    ("abridged", "abridged"),
    ("sourceUrl", "source_url"),
    ("language", "language"),
    ("originalLanguage", "original_language"),
    ("wordCount", "word_count"),
    ("extractorVersion", "extractor_version"),
    ("createdAt", "created_at"),
    ("updatedAt", "updated_at"),
];

/// The JSON object of `Outlet` for outlet row `o` (always every field).
pub fn outlet(o: &str) -> String {
    format!("json_build_object('id', {o}.id, 'slug', {o}.slug, 'name', {o}.name)")
}

/// The JSON object of `Section` for section row `s` (always every field).
pub fn section(s: &str) -> String {
    format!(
        "json_build_object('id', {s}.id, 'name', {s}.name, 'path', {s}.path, 'depth', {s}.depth)"
    )
}

/// The JSON object of the article in row `a`.
pub fn object(aliases: &mut Aliases, selection: &Selection, a: &str) -> AppResult<Sql> {
    Ok(fields(aliases, selection, a)?.build())
}

/// As [`object`], not yet built.
pub fn fields(aliases: &mut Aliases, selection: &Selection, a: &str) -> AppResult<Object> {
    let mut object = Object::default();
    for field in selection.on("Article") {
        if let Some((name, column)) = COLUMNS.iter().find(|(f, _)| *f == field.name) {
            object.text(name, &format!("{a}.{column}"));
            continue;
        }
        match field.name {
            "body" => object.text("body", &format!("paragraphs_text({a}.paragraphs)")),
            "sources" => object.text(
                "sources",
                &format!(
                    "(SELECT coalesce(json_agg(json_build_object('outlet', {}, 'page', ao.page) \
                     ORDER BY ao.position), '[]'::json) FROM article_outlets ao \
                     JOIN outlets o ON o.id = ao.outlet_id WHERE ao.article_id = {a}.id)",
                    outlet("o")
                ),
            ),
            "outlets" => object.text(
                "outlets",
                &format!(
                    "(SELECT coalesce(json_agg({} ORDER BY ao.position), '[]'::json) \
                     FROM article_outlets ao JOIN outlets o ON o.id = ao.outlet_id \
                     WHERE ao.article_id = {a}.id)",
                    outlet("o")
                ),
            ),
            "sectionPath" => object.text(
                "sectionPath",
                &format!(
                    "(WITH RECURSIVE up AS (SELECT s.*, 0 AS lvl FROM sections s WHERE s.id = {a}.section_id \
                     UNION ALL SELECT s.*, up.lvl + 1 FROM sections s JOIN up ON s.id = up.parent_id) \
                     SELECT coalesce(json_agg({} ORDER BY up.lvl DESC), '[]'::json) FROM up)",
                    section("up")
                ),
            ),
            "section" => object.text(
                "section",
                &format!(
                    "(SELECT {} FROM sections s WHERE s.id = {a}.section_id)",
                    section("s")
                ),
            ),
            "tags" => object.text(
                "tags",
                &format!(
                    "(SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name) \
                     ORDER BY t.name), '[]'::json) FROM article_tags at \
                     JOIN tags t ON t.id = at.tag_id WHERE at.article_id = {a}.id)"
                ),
            ),
            "authors" => {
                let e = aliases.next("e");
                let mut agg = Sql::new("json_agg(");
                agg.append(&entity::object(
                    aliases,
                    EntityKind::Person,
                    &field.selection,
                    &e,
                )?)
                .push(" ORDER BY aa.position)");
                let mut sql = Sql::new("(SELECT ");
                sql.append(&agg_or_empty(&agg)).push(&format!(
                    " FROM article_authors aa JOIN people {e} ON {e}.id = aa.person_id \
                     WHERE aa.article_id = {a}.id)"
                ));
                object.add(field.key, sql);
            }
            "people" => {
                let page = field.args.page()?;
                object.add(
                    field.key,
                    entities_of(aliases, EntityKind::Person, &field.selection, a, &page)?,
                );
            }
            "organizations" => {
                let page = field.args.page()?;
                object.add(
                    field.key,
                    entities_of(aliases, EntityKind::Organization, &field.selection, a, &page)?,
                );
            }
            "quotes" => {
                let page = field.args.page()?;
                object.add(field.key, quote::of_article(aliases, &field.selection, a, &page)?);
            }
            _ => {}
        }
    }
    Ok(object)
}

/// The people (or organizations) of article `a` in order of first mention: one row per
/// entity with its mentions aggregated, paged by (first position, id).
fn entities_of(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    a: &str,
    page: &Page,
) -> AppResult<Sql> {
    let m = meta(kind);
    let (conn_type, edge_type, item_type, entity_field) = match kind {
        EntityKind::Person => (
            "ArticlePersonConnection",
            "ArticlePersonEdge",
            "ArticlePerson",
            "person",
        ),
        EntityKind::Organization => (
            "ArticleOrganizationConnection",
            "ArticleOrganizationEdge",
            "ArticleOrganization",
            "organization",
        ),
    };
    let r = aliases.next("r");
    let (order, cmp) = fetch_order(
        &[
            ("min(array[g.paragraph, g.start_offset])", false),
            ("g.eid", false),
        ],
        page,
    );
    // Every mention as a full span, and the titles (deduplicated by the reader).
    let mut rows = Sql::new(&format!(
        "SELECT g.eid, min(array[g.paragraph, g.start_offset]) AS first, \
         json_agg(json_build_object('paragraph', g.paragraph, 'start', g.start_offset, 'end', g.end_offset, \
         'surface', g.surface, 'title', g.title) ORDER BY g.paragraph, g.start_offset) AS spans, \
         coalesce(json_agg(g.title ORDER BY g.paragraph, g.start_offset) FILTER (WHERE g.title IS NOT NULL), '[]'::json) AS titles \
         FROM (SELECT mm.{fk} AS eid, mm.paragraph, mm.start_offset, mm.end_offset, mm.surface, mm.title \
         FROM mentions mm WHERE mm.article_id = {a}.id AND mm.{fk} IS NOT NULL) g GROUP BY g.eid",
        fk = m.fk
    ));
    if let Some(cursor) = &page.cursor {
        let (position, id) = cursor_parts(cursor, "f")?;
        let (paragraph, start) = position
            .split_once('.')
            .ok_or_else(connection::foreign_cursor)?;
        rows.push(&format!(
            " HAVING (min(array[g.paragraph, g.start_offset]), g.eid) {cmp} (ARRAY["
        ))
        .bind(Bind::Int(parse(paragraph)?))
        .push(", ")
        .bind(Bind::Int(parse(start)?))
        .push("], ")
        .bind(Bind::BigInt(parse(id)?))
        .push(")");
    }
    rows.push(&format!(" ORDER BY {order} LIMIT {}", page.limit()));
    let listing = Listing {
        order: format!("{r}.first ASC, {r}.eid ASC"),
        cursor: format!("'f:' || {r}.first[1] || '.' || {r}.first[2] || ':' || {r}.eid"),
        alias: r,
        rows,
        total: Sql::new(&format!(
            "SELECT count(DISTINCT mc.{fk}) FROM mentions mc WHERE mc.article_id = {a}.id",
            fk = m.fk
        )),
        page,
    };
    let table = m.table;
    connection::connection(
        aliases,
        selection,
        conn_type,
        edge_type,
        listing,
        &mut |aliases, sel, row| {
            let mut item = Object::default();
            for field in sel.on(item_type) {
                match field.name {
                    "mentions" => item.text("mentions", &format!("{row}.spans")),
                    "titles" => item.text("titles", &format!("{row}.titles")),
                    name if name == entity_field => {
                        let e = aliases.next("e");
                        let mut sql = Sql::new("(SELECT ");
                        sql.append(&entity::object(aliases, kind, &field.selection, &e)?)
                            .push(&format!(" FROM {table} {e} WHERE {e}.id = {row}.eid)"));
                        item.add(field.key, sql);
                    }
                    _ => {}
                }
            }
            Ok(item.build())
        },
        &mut |_, _| Ok(None),
    )
}

/// One article by id or by slug.
pub fn by_key(
    aliases: &mut Aliases,
    selection: &Selection,
    key: ArticleKey,
    tagged: bool,
) -> AppResult<Sql> {
    let a = aliases.next("a");
    let mut object = fields(aliases, selection, &a)?;
    if tagged {
        object.tag("Article");
    }
    let mut sql = Sql::new("(SELECT ");
    sql.append(&object.build());
    match key {
        ArticleKey::Id(id) => {
            sql.push(&format!(" FROM articles {a} WHERE {a}.id = "))
                .bind(Bind::BigInt(id));
        }
        ArticleKey::Slug(slug) => {
            sql.push(&format!(" FROM articles {a} WHERE {a}.slug = "))
                .text(slug);
        }
    }
    sql.push(")");
    Ok(sql)
}

/// The feed after position `after` (at most `limit` entries), for a subscription:
/// `{"last": <last position read>, "items": [<article, or null when it does not match
/// `filter`>, ...]}` in commit order.
pub fn feed_after(
    aliases: &mut Aliases,
    selection: &Selection,
    after: i64,
    filter: &ArticleFilter,
    limit: usize,
) -> AppResult<Sql> {
    let f = aliases.next("f");
    let mut sql = Sql::new(&format!(
        "(SELECT json_build_object('last', coalesce(max({f}.seq), "
    ));
    sql.bind(Bind::BigInt(after))
        .push("), 'items', coalesce(json_agg(CASE WHEN a.id IS NOT NULL AND ")
        .append(&filter.condition())
        .push(" THEN ")
        .append(&object(aliases, selection, "a")?)
        .push(&format!(
            " END ORDER BY {f}.seq), '[]'::json)) FROM (SELECT seq, article_id FROM article_feed WHERE seq > "
        ))
        .bind(Bind::BigInt(after))
        .push(&format!(
            " ORDER BY seq LIMIT {limit}) {f} LEFT JOIN articles a ON a.id = {f}.article_id)"
        ));
    Ok(sql)
}

/// How an article is named.
#[derive(Debug, Clone, Copy)]
pub enum ArticleKey<'k> {
    /// By row id.
    Id(i64),
    /// By slug.
    Slug(&'k str),
}

/// Orderings of article lists.
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

/// The root list of articles matching `filter`, with its facets when selected.
pub fn list(
    aliases: &mut Aliases,
    selection: &Selection,
    filter: &ArticleFilter,
    order: ArticleOrder,
    page: &Page,
) -> AppResult<Sql> {
    let search = filter.search_text().map(str::to_owned);
    let order = match (order, &search) {
        (ArticleOrder::Relevance, None) => ArticleOrder::PublishedDesc,
        (o, _) => o,
    };
    let r = aliases.next("r");
    let condition = filter.condition();
    let rank = |sql: &mut Sql| {
        sql.push("ts_rank_cd(a.search, websearch_to_tsquery('english', ")
            .text(search.as_deref().unwrap_or_default())
            .push("))::real");
    };
    let mut rows = Sql::new("SELECT a.*, ");
    if order == ArticleOrder::Relevance {
        rank(&mut rows);
    } else {
        rows.push("0::real");
    }
    rows.push(" AS rank FROM articles a WHERE ")
        .append(&condition);
    // The sort key over `articles a` (the rank is the output column of that name), its
    // name among the rows' columns, whether it descends, and the cursor's form.
    let (key, out, desc, cursor) = match order {
        ArticleOrder::PublishedDesc => (
            "a.published_on",
            "published_on",
            true,
            format!("'d:' || {r}.published_on || ':' || {r}.id"),
        ),
        ArticleOrder::PublishedAsc => (
            "a.published_on",
            "published_on",
            false,
            format!("'d:' || {r}.published_on || ':' || {r}.id"),
        ),
        ArticleOrder::Title => (
            "a.title",
            "title",
            false,
            format!("'t:' || {r}.id || ':' || {r}.title"),
        ),
        ArticleOrder::Relevance => (
            "rank",
            "rank",
            true,
            format!("'r:' || {r}.rank || ':' || {r}.id"),
        ),
    };
    let (fetch, cmp) = fetch_order(&[(key, desc), ("a.id", desc)], page);
    if let Some(cursor) = &page.cursor {
        rows.push(" AND (");
        if order == ArticleOrder::Relevance {
            rank(&mut rows);
        } else {
            rows.push(key);
        }
        rows.push(&format!(", a.id) {cmp} ("));
        match order {
            ArticleOrder::PublishedDesc | ArticleOrder::PublishedAsc => {
                let (date, id) = cursor_parts(cursor, "d")?;
                rows.bind(Bind::Date(parse(date)?))
                    .push(", ")
                    .bind(Bind::BigInt(parse(id)?));
            }
            ArticleOrder::Title => {
                let (id, title) = cursor_parts(cursor, "t")?;
                rows.text(title).push(", ").bind(Bind::BigInt(parse(id)?));
            }
            ArticleOrder::Relevance => {
                let (score, id) = cursor_parts(cursor, "r")?;
                rows.bind(Bind::Float(parse(score)?))
                    .push(", ")
                    .bind(Bind::BigInt(parse(id)?));
            }
        }
        rows.push(")");
    }
    rows.push(&format!(" ORDER BY {fetch}"));
    let out_columns = [(out, desc), ("id", desc)];
    rows.push(&format!(" LIMIT {}", page.limit()));
    let mut total = Sql::new("SELECT count(*) FROM articles a WHERE ");
    total.append(&condition);
    let listing = Listing {
        order: forward_order(&r, &out_columns),
        cursor,
        alias: r,
        rows,
        total,
        page,
    };
    connection::connection(
        aliases,
        selection,
        "ArticleConnection",
        "ArticleEdge",
        listing,
        &mut |aliases, sel, row| object(aliases, sel, row),
        &mut |aliases, field: &Merged<'_>| {
            if field.name == "facets" {
                Ok(Some(analytics::facets(aliases, &field.selection, filter)?))
            } else {
                Ok(None)
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::read::{Args, Field};

    fn leaf(name: &str) -> Field {
        Field {
            key: name.into(),
            name: name.into(),
            conditions: Vec::new(),
            args: Args::default(),
            selection: Selection::default(),
        }
    }

    #[test]
    fn only_selected_columns_are_read() {
        let selection = Selection {
            fields: vec![leaf("title"), leaf("publishedOn"), leaf("__typename")],
        };
        let sql = object(&mut Aliases::default(), &selection, "a1").expect("sql");
        assert_eq!(
            sql.as_str(),
            "json_build_object('title', a1.title, 'publishedOn', a1.published_on)"
        );
    }

    #[test]
    fn nested_pages_are_literal_limits_and_keysets() {
        let people = Field {
            key: "people".into(),
            name: "people".into(),
            conditions: Vec::new(),
            args: Args {
                first: Some(5),
                after: Some(connection::encode_cursor("f:2.10:7")),
                ..Args::default()
            },
            selection: Selection {
                fields: vec![Field {
                    key: "nodes".into(),
                    name: "nodes".into(),
                    conditions: Vec::new(),
                    args: Args::default(),
                    selection: Selection {
                        fields: vec![leaf("titles")],
                    },
                }],
            },
        };
        let sql = object(
            &mut Aliases::default(),
            &Selection {
                fields: vec![people],
            },
            "a1",
        )
        .expect("sql");
        let text = sql.as_str();
        assert!(text.contains(" LIMIT 6"), "{text}");
        assert!(
            text.contains(
                "HAVING (min(array[g.paragraph, g.start_offset]), g.eid) > (ARRAY[$1, $2], $3)"
            ),
            "{text}"
        );
        assert!(
            !text.contains("count(DISTINCT"),
            "no total unless asked: {text}"
        );
    }
}
