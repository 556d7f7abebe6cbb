//! Articles: the object with its relations (sources, section path, authors, tags, the
//! people and organizations of its body, its quotes), lookups, filtered lists with
//! their facets, and the feed of new articles.

use super::connection::{self, Listing, Page, cursor_parts, fetch_order, parse};
use super::entity::{self, meta};
use super::{Aliases, Merged, Object, Selection, agg_or_empty, analytics, quote};
use crate::db::filter::{ArticleFilter, EntityKind};
use crate::db::sql::{Bind, Sql};
use crate::error::AppResult;

/// Scalar fields of `Article` and their values over row `{a}`.
const COLUMNS: &[(&str, &str)] = &[
    ("id", "global_id('Article', {a}.id)"),
    ("slug", "{a}.slug"),
    ("title", "{a}.title"),
    ("titleDerived", "{a}.title_derived"),
    ("dateSource", "{a}.date_source"),
    ("kind", "{a}.kind"),
    ("publishedOn", "{a}.published_on"),
    ("publication", "{a}.publication"),
    ("dateline", "{a}.dateline"),
    ("paragraphs", "array_remove({a}.paragraphs, NULL)"),
    ("body", "paragraphs_text({a}.paragraphs)"),
    ("abridged", "{a}.abridged"),
    ("sourceUrl", "{a}.source_url"),
    ("language", "{a}.language"),
    ("originalLanguage", "{a}.original_language"),
    ("wordCount", "{a}.word_count"),
    ("extractorVersion", "{a}.extractor_version"),
    ("createdAt", "rfc3339({a}.created_at)"),
    ("updatedAt", "rfc3339({a}.updated_at)"),
];

/// The fields of an `Outlet` in row `o` (scalars only).
pub fn outlet_fields(selection: &Selection, o: &str) -> Object {
    let mut object = Object::default();
    for field in selection.on("Outlet") {
        match field.name {
            "__typename" => object.typename(field.key, "Outlet"),
            "id" => object.text(field.key, &format!("global_id('Outlet', {o}.id)")),
            "slug" => object.text(field.key, &format!("{o}.slug")),
            "name" => object.text(field.key, &format!("{o}.name")),
            _ => {}
        }
    }
    object
}

/// The fields of a `Section` in row `s` (scalars only).
pub fn section_fields(selection: &Selection, s: &str) -> Object {
    let mut object = Object::default();
    for field in selection.on("Section") {
        match field.name {
            "__typename" => object.typename(field.key, "Section"),
            "id" => object.text(field.key, &format!("global_id('Section', {s}.id)")),
            "name" => object.text(field.key, &format!("{s}.name")),
            "path" => object.text(field.key, &format!("{s}.path")),
            "depth" => object.text(field.key, &format!("{s}.depth")),
            _ => {}
        }
    }
    object
}

/// The JSON object of the article in row `a`.
pub fn object(aliases: &mut Aliases, selection: &Selection, a: &str) -> AppResult<Sql> {
    Ok(fields(aliases, selection, a)?.build())
}

/// `(SELECT coalesce(json_agg(<item> ORDER BY <order>), '[]') <from>)`.
fn list(item: &Sql, order: &str, from: &str) -> Sql {
    let mut agg = Sql::new("json_agg(");
    agg.append(item).push(&format!(" ORDER BY {order})"));
    let mut sql = Sql::new("(SELECT ");
    sql.append(&agg_or_empty(&agg))
        .push(" ")
        .push(from)
        .push(")");
    sql
}

/// As [`object`], not yet built.
pub fn fields(aliases: &mut Aliases, selection: &Selection, a: &str) -> AppResult<Object> {
    let mut object = Object::default();
    for field in selection.on("Article") {
        if let Some((_, value)) = COLUMNS.iter().find(|(f, _)| *f == field.name) {
            object.text(field.key, &value.replace("{a}", a));
            continue;
        }
        let sel = &field.selection;
        match field.name {
            "__typename" => object.typename(field.key, "Article"),
            "sources" => {
                let o = aliases.next("o");
                let mut source = Object::default();
                for part in sel.on("ArticleSource") {
                    match part.name {
                        "__typename" => source.typename(part.key, "ArticleSource"),
                        "page" => source.text(part.key, "ao.page"),
                        "outlet" => {
                            source.add(part.key, outlet_fields(&part.selection, &o).build())
                        }
                        _ => {}
                    }
                }
                object.add(
                    field.key,
                    list(
                        &source.build(),
                        "ao.position",
                        &format!(
                            "FROM article_outlets ao JOIN outlets {o} ON {o}.id = ao.outlet_id \
                             WHERE ao.article_id = {a}.id"
                        ),
                    ),
                );
            }
            "outlets" => {
                let o = aliases.next("o");
                object.add(
                    field.key,
                    list(
                        &outlet_fields(sel, &o).build(),
                        "ao.position",
                        &format!(
                            "FROM article_outlets ao JOIN outlets {o} ON {o}.id = ao.outlet_id \
                             WHERE ao.article_id = {a}.id"
                        ),
                    ),
                );
            }
            "sectionPath" => {
                let mut sql = Sql::new(&format!(
                    "(WITH RECURSIVE up AS (SELECT s.*, 0 AS lvl FROM sections s WHERE s.id = {a}.section_id \
                     UNION ALL SELECT s.*, up.lvl + 1 FROM sections s JOIN up ON s.id = up.parent_id) "
                ));
                let inner = list(&section_fields(sel, "up").build(), "up.lvl DESC", "FROM up");
                sql.push("SELECT ").append(&inner).push(")");
                object.add(field.key, sql);
            }
            "section" => {
                let s = aliases.next("s");
                let mut sql = Sql::new("(SELECT ");
                sql.append(&section_fields(sel, &s).build()).push(&format!(
                    " FROM sections {s} WHERE {s}.id = {a}.section_id)"
                ));
                object.add(field.key, sql);
            }
            "tags" => {
                let mut tag = Object::default();
                for part in sel.on("Tag") {
                    match part.name {
                        "__typename" => tag.typename(part.key, "Tag"),
                        "slug" => tag.text(part.key, "t.slug"),
                        "name" => tag.text(part.key, "t.name"),
                        _ => {}
                    }
                }
                object.add(
                    field.key,
                    list(
                        &tag.build(),
                        "t.name",
                        &format!(
                            "FROM article_tags at JOIN tags t ON t.id = at.tag_id \
                             WHERE at.article_id = {a}.id"
                        ),
                    ),
                );
            }
            "authors" => {
                let e = aliases.next("e");
                let person = entity::object(aliases, EntityKind::Person, sel, &e)?;
                object.add(
                    field.key,
                    list(
                        &person,
                        "aa.position",
                        &format!(
                            "FROM article_authors aa JOIN people {e} ON {e}.id = aa.person_id \
                             WHERE aa.article_id = {a}.id"
                        ),
                    ),
                );
            }
            "people" => {
                let page = field.args.page()?;
                object.add(
                    field.key,
                    entities_of(aliases, EntityKind::Person, sel, a, &page)?,
                );
            }
            "organizations" => {
                let page = field.args.page()?;
                object.add(
                    field.key,
                    entities_of(aliases, EntityKind::Organization, sel, a, &page)?,
                );
            }
            "quotes" => {
                let page = field.args.page()?;
                object.add(field.key, quote::of_article(aliases, sel, a, &page)?);
            }
            _ => {}
        }
    }
    Ok(object)
}

/// The JSON of one `MentionSpan` over the mention row `g`.
fn mention_span(selection: &Selection) -> Sql {
    let mut span = Object::default();
    for field in selection.on("MentionSpan") {
        match field.name {
            "__typename" => span.typename(field.key, "MentionSpan"),
            "paragraph" => span.text(field.key, "g.paragraph"),
            "start" => span.text(field.key, "g.start_offset"),
            "end" => span.text(field.key, "g.end_offset"),
            "surface" => span.text(field.key, "g.surface"),
            "title" => span.text(field.key, "g.title"),
            _ => {}
        }
    }
    span.build()
}

/// What the items of an article's people (or organizations) connection select that the
/// grouped mention rows must carry: each distinct `mentions` selection (aggregated as
/// JSON in the group, column `ms<i>`) and whether `titles` is asked (column `ts`).
fn grouped_needs(
    selection: &Selection,
    conn_type: &str,
    edge_type: &str,
    item_type: &str,
) -> (Vec<Selection>, bool) {
    let mut items: Vec<Selection> = Vec::new();
    for field in selection.on(conn_type) {
        match field.name {
            "nodes" => items.push(field.selection.into_owned()),
            "edges" => items.extend(
                field
                    .selection
                    .on(edge_type)
                    .into_iter()
                    .filter(|part| part.name == "node")
                    .map(|part| part.selection.into_owned()),
            ),
            _ => {}
        }
    }
    let mut spans: Vec<Selection> = Vec::new();
    let mut titles = false;
    for item in &items {
        for field in item.on(item_type) {
            match field.name {
                "mentions" if !spans.contains(&field.selection) => {
                    spans.push(field.selection.into_owned());
                }
                "titles" => titles = true,
                _ => {}
            }
        }
    }
    (spans, titles)
}

/// The people (or organizations) of article `a` in order of first mention: one row per
/// entity with its mentions gathered, paged by (first position, id).
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
    // One row per entity: its first position, and only the aggregates the items select.
    let (spans, titles) = grouped_needs(selection, conn_type, edge_type, item_type);
    let mut rows = Sql::new("SELECT g.eid, min(array[g.paragraph, g.start_offset]) AS first");
    for (i, span) in spans.iter().enumerate() {
        rows.push(", json_agg(")
            .append(&mention_span(span))
            .push(&format!(" ORDER BY g.paragraph, g.start_offset) AS ms{i}"));
    }
    if titles {
        rows.push(", array_agg(g.title ORDER BY g.paragraph, g.start_offset) AS ts");
    }
    rows.push(&format!(
        " FROM (SELECT mm.{fk} AS eid, mm.paragraph, mm.start_offset, mm.end_offset, mm.surface, mm.title \
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
        columns: vec![("first".into(), false), ("eid".into(), false)],
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
                    "__typename" => item.typename(field.key, item_type),
                    "mentions" => {
                        if let Some(i) = spans.iter().position(|s| *s == *field.selection) {
                            item.text(field.key, &format!("{row}.ms{i}"));
                        }
                    }
                    // Distinct, in order of first use, nulls dropped (inline: a SQL
                    // function with a subquery is not inlined and costs a call per row).
                    "titles" => item.text(
                        field.key,
                        &format!(
                            "to_json(ARRAY(SELECT u.v FROM unnest({row}.ts) WITH ORDINALITY AS u(v, i) \
                             WHERE u.v IS NOT NULL GROUP BY u.v ORDER BY min(u.i)))"
                        ),
                    ),
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
pub fn by_key(aliases: &mut Aliases, selection: &Selection, key: ArticleKey) -> AppResult<Sql> {
    let a = aliases.next("a");
    let mut sql = Sql::new("(SELECT ");
    sql.append(&object(aliases, selection, &a)?);
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
pub fn list_page(
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
    // Newest (or oldest) first in a section: per section from its index, then merged.
    let by_section = match order {
        ArticleOrder::PublishedDesc | ArticleOrder::PublishedAsc => filter.split_section(),
        ArticleOrder::Title | ArticleOrder::Relevance => None,
    };
    let row_condition = match &by_section {
        Some((_, rest)) => {
            let mut c = rest.condition();
            c.push(" AND a.section_id = sx.id");
            c
        }
        None => condition.clone(),
    };
    let rank = |sql: &mut Sql| {
        sql.push("ts_rank_cd(a.search, websearch_to_tsquery('english', ")
            .text(search.as_deref().unwrap_or_default())
            .push("))::real");
    };
    let mut rows = Sql::new(&format!("SELECT {}, ", super::article_columns("a")));
    if order == ArticleOrder::Relevance {
        rank(&mut rows);
    } else {
        rows.push("0::real");
    }
    rows.push(" AS rank FROM articles a WHERE ")
        .append(&row_condition);
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
    rows.push(&format!(" ORDER BY {fetch} LIMIT {}", page.limit()));
    if let Some((sections, _)) = &by_section {
        let mut merged = Sql::new("SELECT a.* FROM (");
        merged
            .append(sections)
            .push(") sx CROSS JOIN LATERAL (")
            .append(&rows)
            .push(&format!(") a ORDER BY {fetch} LIMIT {}", page.limit()));
        rows = merged;
    }
    let mut total = Sql::new("SELECT count(*) FROM articles a WHERE ");
    total.append(&condition);
    let listing = Listing {
        columns: vec![(out.into(), desc), ("id".into(), desc)],
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
    fn only_selected_fields_are_read_under_their_response_keys() {
        let mut title = leaf("title");
        title.key = "headline".into();
        let selection = Selection {
            fields: vec![title, leaf("publishedOn"), leaf("__typename"), leaf("id")],
        };
        let sql = object(&mut Aliases::default(), &selection, "a1").expect("sql");
        assert_eq!(
            sql.as_str(),
            "json_build_object('headline', a1.title, 'publishedOn', a1.published_on, \
             '__typename', 'Article', 'id', global_id('Article', a1.id))"
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
