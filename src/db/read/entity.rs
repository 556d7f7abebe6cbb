//! People and organizations, written once: an [`EntityKind`] carries the tables and
//! columns of its kind, and every read of either kind (objects, lookups, lists, their
//! articles, quotes and co-mentions) goes through the functions here.

use super::connection::{self, Listing, Page, cursor_parts, fetch_order, parse};
use super::{Aliases, Object, Selection, agg_or_empty, article, quote};
use crate::db::filter::EntityKind;
use crate::db::sql::{Bind, Sql};
use crate::error::AppResult;

/// Where one kind of entity lives.
#[derive(Debug)]
pub struct Meta {
    /// The GraphQL type.
    pub type_name: &'static str,
    /// Its table.
    pub table: &'static str,
    /// Its aliases table.
    pub aliases: &'static str,
    /// The foreign key naming it in `mentions` and its aliases table.
    pub fk: &'static str,
    /// The column of `quotes` naming it as speaker.
    pub speaker: &'static str,
    /// Its display name column.
    pub name: &'static str,
    /// Scalar fields of this kind only: (GraphQL field, column).
    pub own_columns: &'static [(&'static str, &'static str)],
}

const PERSON: Meta = Meta {
    type_name: "Person",
    table: "people",
    aliases: "person_aliases",
    fk: "person_id",
    speaker: "speaker_person_id",
    name: "canonical_name",
    own_columns: &[],
};

const ORGANIZATION: Meta = Meta {
    type_name: "Organization",
    table: "organizations",
    aliases: "organization_aliases",
    fk: "organization_id",
    speaker: "speaker_organization_id",
    name: "name",
    own_columns: &[
        ("acronym", "acronym"),
        ("kind", "kind"),
        ("country", "country"),
    ],
};

/// The tables and columns of `kind`.
pub fn meta(kind: EntityKind) -> &'static Meta {
    match kind {
        EntityKind::Person => &PERSON,
        EntityKind::Organization => &ORGANIZATION,
    }
}

/// The JSON object of an entity of `kind` in row `e` (a live row of its table), with the
/// fields of `selection`.
pub fn object(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    e: &str,
) -> AppResult<Sql> {
    Ok(fields(aliases, kind, selection, e)?.build())
}

/// As [`object`], not yet built (a union adds its type tag).
pub fn fields(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    e: &str,
) -> AppResult<Object> {
    let m = meta(kind);
    let mut object = Object::default();
    for field in selection.on(m.type_name) {
        let column = match field.name {
            "slug" => Some("slug"),
            "name" => Some(m.name),
            "externalId" => Some("external_id"),
            "mentionCount" => Some("mention_count"),
            "articleCount" => Some("article_count"),
            "quoteCount" => Some("quote_count"),
            other => m
                .own_columns
                .iter()
                .find(|(f, _)| *f == other)
                .map(|(_, c)| *c),
        };
        if let Some(column) = column {
            object.text(field.key, &format!("{e}.{column}"));
            continue;
        }
        match field.name {
            "__typename" => object.typename(field.key, m.type_name),
            "id" => object.text(field.key, &format!("global_id('{}', {e}.id)", m.type_name)),
            "aliases" => object.text(
                field.key,
                &format!(
                    "(SELECT coalesce(json_agg(al.alias ORDER BY al.alias_key), '[]'::json) \
                     FROM {} al WHERE al.{} = {e}.id)",
                    m.aliases, m.fk
                ),
            ),
            "titles" => {
                let mut title = Object::default();
                for part in field.selection.on("PersonTitle") {
                    match part.name {
                        "__typename" => title.typename(part.key, "PersonTitle"),
                        "title" => title.text(part.key, "t.title"),
                        "publishedOn" => title.text(part.key, "t.published_on"),
                        "articleId" => {
                            title.text(part.key, "global_id('Article', t.article_id)");
                        }
                        _ => {}
                    }
                }
                let mut agg = Sql::new("json_agg(");
                agg.append(&title.build())
                    .push(" ORDER BY t.published_on, t.id)");
                let mut sql = Sql::new("(SELECT ");
                sql.append(&agg_or_empty(&agg)).push(&format!(
                    " FROM person_titles t WHERE t.person_id = {e}.id)"
                ));
                object.add(field.key, sql);
            }
            "articles" => {
                let page = field.args.page()?;
                object.add(
                    field.key,
                    articles(aliases, kind, &field.selection, e, &page)?,
                );
            }
            "quotes" => {
                let page = field.args.page()?;
                object.add(
                    field.key,
                    quotes(aliases, kind, &field.selection, e, &page)?,
                );
            }
            "coMentionedPeople" => object.add(
                field.key,
                co_mentioned(
                    aliases,
                    kind,
                    EntityKind::Person,
                    &field.selection,
                    e,
                    field.args.ranked(10, 50)?,
                    false,
                )?,
            ),
            "coMentionedOrganizations" => object.add(
                field.key,
                co_mentioned(
                    aliases,
                    kind,
                    EntityKind::Organization,
                    &field.selection,
                    e,
                    field.args.ranked(10, 50)?,
                    false,
                )?,
            ),
            "peopleQuotedWith" => object.add(
                field.key,
                co_mentioned(
                    aliases,
                    kind,
                    EntityKind::Person,
                    &field.selection,
                    e,
                    field.args.ranked(10, 50)?,
                    true,
                )?,
            ),
            _ => {}
        }
    }
    Ok(object)
}

/// `(SELECT <entity object> FROM <table> x JOIN <table> e ...)` for the entity that
/// `id_expr` names; a merged entity's id gives the entity it was merged into. `tagged`
/// adds the type tag a union or interface needs.
pub fn by_id_expr(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    id_expr: &Sql,
    tagged: bool,
) -> AppResult<Sql> {
    let m = meta(kind);
    let x = aliases.next("x");
    let e = aliases.next("e");
    let mut object = fields(aliases, kind, selection, &e)?;
    if tagged {
        object.tag(aliases, m.type_name);
    }
    let mut sql = Sql::new("(SELECT ");
    sql.append(&object.build())
        .push(&format!(
            " FROM {t} {x} JOIN {t} {e} ON {e}.id = COALESCE({x}.merged_into_id, {x}.id) WHERE {x}.id = ",
            t = m.table
        ))
        .append(id_expr)
        .push(")");
    Ok(sql)
}

/// The live entity whose slug, name or alias is `key` (case- and accent-insensitive):
/// the slug first, then the name itself, then the most mentioned.
pub fn by_key(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    key: &str,
) -> AppResult<Sql> {
    let m = meta(kind);
    let e = aliases.next("e");
    let mut sql = Sql::new("(SELECT ");
    sql.append(&object(aliases, kind, selection, &e)?)
        .push(&format!(
            " FROM {t} {e} WHERE {e}.merged_into_id IS NULL AND ({e}.slug = ",
            t = m.table
        ))
        .text(key)
        .push(&format!(
            " OR {e}.id IN (SELECT {fk} FROM {al} WHERE alias_key = name_key(",
            fk = m.fk,
            al = m.aliases
        ))
        .text(key)
        .push(&format!("))) ORDER BY {e}.slug = "))
        .text(key)
        .push(&format!(" DESC, name_key({e}.{}) = name_key(", m.name))
        .text(key)
        .push(&format!(") DESC, {e}.mention_count DESC, {e}.id LIMIT 1)"));
    Ok(sql)
}

/// The articles mentioning entity `e`, newest first.
fn articles(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    e: &str,
    page: &Page,
) -> AppResult<Sql> {
    let m = meta(kind);
    let a = aliases.next("a");
    let r = aliases.next("r");
    let (order, cmp) = fetch_order(
        &[
            (&format!("{a}.published_on"), true),
            (&format!("{a}.id"), true),
        ],
        page,
    );
    let mut rows = Sql::new(&format!(
        "SELECT {} FROM articles {a} WHERE {a}.id IN \
         (SELECT mm.article_id FROM mentions mm WHERE mm.{} = {e}.id)",
        super::article_columns(&a),
        m.fk
    ));
    date_keyset(&mut rows, &format!("{a}.published_on, {a}.id"), cmp, page)?;
    rows.push(&format!(" ORDER BY {order} LIMIT {}", page.limit()));
    let listing = Listing {
        columns: vec![("published_on".into(), true), ("id".into(), true)],
        cursor: format!("'d:' || {r}.published_on || ':' || {r}.id"),
        alias: r,
        rows,
        total: Sql::new(&format!("{e}.article_count")),
        page,
    };
    connection::connection(
        aliases,
        selection,
        "ArticleConnection",
        "ArticleEdge",
        listing,
        &mut |aliases, sel, row| article::object(aliases, sel, row),
        &mut |_, _| Ok(None),
    )
}

/// The quotes of entity `e`, newest first.
fn quotes(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    e: &str,
    page: &Page,
) -> AppResult<Sql> {
    let m = meta(kind);
    let q = aliases.next("q");
    let r = aliases.next("r");
    let (order, cmp) = fetch_order(
        &[
            (&format!("{q}.published_on"), true),
            (&format!("{q}.id"), true),
        ],
        page,
    );
    let mut rows = Sql::new(&format!(
        "SELECT {} FROM quotes {q} WHERE {q}.{} = {e}.id",
        super::quote_columns(&q),
        m.speaker
    ));
    date_keyset(&mut rows, &format!("{q}.published_on, {q}.id"), cmp, page)?;
    rows.push(&format!(" ORDER BY {order} LIMIT {}", page.limit()));
    let listing = Listing {
        columns: vec![("published_on".into(), true), ("id".into(), true)],
        cursor: format!("'d:' || {r}.published_on || ':' || {r}.id"),
        alias: r,
        rows,
        total: Sql::new(&format!("{e}.quote_count")),
        page,
    };
    connection::connection(
        aliases,
        selection,
        "QuoteConnection",
        "QuoteEdge",
        listing,
        &mut |aliases, sel, row| quote::object(aliases, sel, row),
        &mut |_, _| Ok(None),
    )
}

/// Appends ` AND (columns) <cmp> (date, id)` for a `d:DATE:ID` cursor.
pub fn date_keyset(sql: &mut Sql, columns: &str, cmp: &str, page: &Page) -> AppResult<()> {
    if let Some(cursor) = &page.cursor {
        let (date, id) = cursor_parts(cursor, "d")?;
        sql.push(&format!(" AND ({columns}) {cmp} ("))
            .bind(Bind::Date(parse(date)?))
            .push(", ")
            .bind(Bind::BigInt(parse(id)?))
            .push(")");
    }
    Ok(())
}

/// The `limit` entities of kind `to` seen in the most articles with entity `e` (or, with
/// `quoted`, the people quoted in the most articles that mention organization `e`).
fn co_mentioned(
    aliases: &mut Aliases,
    from: EntityKind,
    to: EntityKind,
    selection: &Selection,
    e: &str,
    limit: usize,
    quoted: bool,
) -> AppResult<Sql> {
    let f = meta(from);
    let t = meta(to);
    let c = aliases.next("c");
    let x = aliases.next("x");
    let counts = if quoted {
        format!(
            "SELECT q.{sp} AS other, count(DISTINCT q.article_id) AS n FROM mentions m1 \
             JOIN quotes q ON q.article_id = m1.article_id AND q.{sp} IS NOT NULL \
             WHERE m1.{ffk} = {e}.id GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {limit}",
            sp = t.speaker,
            ffk = f.fk
        )
    } else {
        let not_self = if from == to {
            format!(" AND m2.{} <> {e}.id", t.fk)
        } else {
            String::new()
        };
        format!(
            "SELECT m2.{tfk} AS other, count(DISTINCT m1.article_id) AS n FROM mentions m1 \
             JOIN mentions m2 ON m2.article_id = m1.article_id AND m2.{tfk} IS NOT NULL{not_self} \
             WHERE m1.{ffk} = {e}.id GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {limit}",
            tfk = t.fk,
            ffk = f.fk
        )
    };
    let (item_type, entity_field) = match to {
        EntityKind::Person => ("CoMentionedPerson", "person"),
        EntityKind::Organization => ("CoMentionedOrganization", "organization"),
    };
    let mut item = Object::default();
    for field in selection.on(item_type) {
        match field.name {
            "__typename" => item.typename(field.key, item_type),
            "articleCount" => item.text(field.key, &format!("{c}.n")),
            name if name == entity_field => {
                item.add(field.key, object(aliases, to, &field.selection, &x)?);
            }
            _ => {}
        }
    }
    let mut agg = Sql::new("json_agg(");
    agg.append(&item.build())
        .push(&format!(" ORDER BY {c}.n DESC, {c}.other)"));
    let mut sql = Sql::new("(SELECT ");
    sql.append(&agg_or_empty(&agg)).push(&format!(
        " FROM ({counts}) {c} JOIN {tt} {x} ON {x}.id = {c}.other)",
        tt = t.table
    ));
    Ok(sql)
}

/// Orderings of entity lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrder {
    /// By name, A to Z.
    Name,
    /// Most mentioned first.
    Mentions,
    /// Closest name match to the search first.
    Relevance,
}

/// The root list of live people or organizations, optionally fuzzy-matched by `search`.
pub fn list(
    aliases: &mut Aliases,
    kind: EntityKind,
    selection: &Selection,
    search: Option<&str>,
    order: EntityOrder,
    page: &Page,
) -> AppResult<Sql> {
    let m = meta(kind);
    let (conn_type, edge_type) = match kind {
        EntityKind::Person => ("PersonConnection", "PersonEdge"),
        EntityKind::Organization => ("OrganizationConnection", "OrganizationEdge"),
    };
    let e = aliases.next("e");
    let r = aliases.next("r");
    // The inner query computes the sort key; the keyset applies to it.
    let mut inner = Sql::new(&format!("SELECT {e}.*, "));
    match (search, order) {
        (Some(q), EntityOrder::Relevance) => {
            inner
                .push("(SELECT max(similarity(lower(al.alias_key), name_key(")
                .text(q)
                .push(&format!(
                    "))) FROM {} al WHERE al.{} = {e}.id)::real AS score",
                    m.aliases, m.fk
                ));
        }
        _ => {
            inner.push("0::real AS score");
        }
    }
    inner.push(&format!(
        " FROM {} {e} WHERE {e}.merged_into_id IS NULL",
        m.table
    ));
    let mut count = Sql::new(&format!(
        "SELECT count(*) FROM {} {e} WHERE {e}.merged_into_id IS NULL",
        m.table
    ));
    if let Some(q) = search {
        for sql in [&mut inner, &mut count] {
            sql.push(&format!(
                " AND {e}.id IN (SELECT {} FROM {} WHERE ",
                m.fk, m.aliases
            ));
            alias_match(sql, q);
            sql.push(")");
        }
    }
    let (key, tag) = match order {
        EntityOrder::Relevance if search.is_some() => ("score", "s"),
        EntityOrder::Mentions => ("mention_count", "m"),
        _ => (m.name, "n"),
    };
    let desc = tag != "n";
    let k = aliases.next("k");
    let (fetch, cmp) = fetch_order(
        &[(&format!("{k}.{key}"), desc), (&format!("{k}.id"), desc)],
        page,
    );
    let mut rows = Sql::new("SELECT * FROM (");
    rows.append(&inner).push(&format!(") {k} WHERE TRUE"));
    if let Some(cursor) = &page.cursor {
        rows.push(&format!(" AND ({k}.{key}, {k}.id) {cmp} ("));
        match tag {
            "n" => {
                let (id, name) = cursor_parts(cursor, "n")?;
                rows.text(name).push(", ").bind(Bind::BigInt(parse(id)?));
            }
            "s" => {
                let (score, id) = cursor_parts(cursor, "s")?;
                rows.bind(Bind::Float(parse(score)?))
                    .push(", ")
                    .bind(Bind::BigInt(parse(id)?));
            }
            _ => {
                let (mentions, id) = cursor_parts(cursor, "m")?;
                rows.bind(Bind::BigInt(parse(mentions)?))
                    .push(", ")
                    .bind(Bind::BigInt(parse(id)?));
            }
        }
        rows.push(")");
    }
    rows.push(&format!(" ORDER BY {fetch} LIMIT {}", page.limit()));
    let cursor = match tag {
        "n" => format!("'n:' || {r}.id || ':' || {r}.{key}"),
        _ => format!("'{tag}:' || {r}.{key} || ':' || {r}.id"),
    };
    let listing = Listing {
        columns: vec![(key.into(), desc), ("id".into(), desc)],
        cursor,
        alias: r,
        rows,
        total: count,
        page,
    };
    connection::connection(
        aliases,
        selection,
        conn_type,
        edge_type,
        listing,
        &mut |aliases, sel, row| object(aliases, kind, sel, row),
        &mut |_, _| Ok(None),
    )
}

/// `alias_key` matches the search `q`: by trigram similarity (`%`, which uses the GIN
/// index on `lower(alias_key)`), or as a literal substring. The substring is matched as
/// text (`%`, `_` and `\` escaped), and an empty key (a search of punctuation only)
/// matches nothing rather than everything.
pub fn alias_match(sql: &mut Sql, q: &str) {
    sql.push("(lower(alias_key) % name_key(")
        .text(q)
        .push(") OR (name_key(")
        .text(q)
        .push(r") <> '' AND lower(alias_key) LIKE '%' || replace(replace(replace(name_key(")
        .text(q)
        .push(r"), '\', '\\'), '%', '\%'), '_', '\_') || '%'))");
}
