//! Quotes: the object, its speaker (a person, an organization or an unnamed source),
//! and the lists of quotes (by filter, of an article).

use super::connection::{self, Listing, Page, cursor_parts, fetch_order, parse};
use super::entity::{self, date_keyset};
use super::{Aliases, Object, Selection, article};
use crate::db::filter::{EntityKind, QuoteFilter};
use crate::db::sql::{Bind, Sql};
use crate::error::AppResult;

/// The JSON object of the quote in row `q`.
pub fn object(aliases: &mut Aliases, selection: &Selection, q: &str) -> AppResult<Sql> {
    Ok(fields(aliases, selection, q)?.build())
}

/// As [`object`], not yet built.
pub fn fields(aliases: &mut Aliases, selection: &Selection, q: &str) -> AppResult<Object> {
    let mut object = Object::default();
    for field in selection.on("Quote") {
        let column = match field.name {
            "text" => Some("text"),
            "cue" => Some("cue"),
            "isFragment" => Some("is_fragment"),
            "confidence" => Some("confidence"),
            "paragraph" => Some("paragraph"),
            "start" => Some("start_offset"),
            "end" => Some("end_offset"),
            "publishedOn" => Some("published_on"),
            "extractorVersion" => Some("extractor_version"),
            _ => None,
        };
        if let Some(column) = column {
            object.text(field.key, &format!("{q}.{column}"));
            continue;
        }
        match field.name {
            "__typename" => object.typename(field.key, "Quote"),
            "id" => object.text(field.key, &format!("global_id('Quote', {q}.id)")),
            "isUnnamed" => {
                object.text(field.key, &format!("{q}.speaker_description IS NOT NULL"));
            }
            "speakerName" => object.text(
                field.key,
                &format!(
                    "COALESCE({q}.speaker_description, \
                     (SELECT e.canonical_name FROM people x JOIN people e ON e.id = COALESCE(x.merged_into_id, x.id) WHERE x.id = {q}.speaker_person_id), \
                     (SELECT e.name FROM organizations x JOIN organizations e ON e.id = COALESCE(x.merged_into_id, x.id) WHERE x.id = {q}.speaker_organization_id))"
                ),
            ),
            "speaker" => object.add(field.key, speaker(aliases, &field.selection, q)?),
            "article" => {
                let a = aliases.next("a");
                let mut sql = Sql::new("(SELECT ");
                sql.append(&article::object(aliases, &field.selection, &a)?)
                    .push(&format!(" FROM articles {a} WHERE {a}.id = {q}.article_id)"));
                object.add(field.key, sql);
            }
            _ => {}
        }
    }
    Ok(object)
}

/// An unnamed source (`UnnamedSource`) whose description is `description`.
pub fn unnamed(aliases: &Aliases, selection: &Selection, description: &str) -> Sql {
    let mut unnamed = Object::default();
    unnamed.tag(aliases, "UnnamedSource");
    for field in selection.on("UnnamedSource") {
        match field.name {
            "__typename" => unnamed.typename(field.key, "UnnamedSource"),
            "description" => unnamed.text(field.key, description),
            _ => {}
        }
    }
    unnamed.build()
}

/// The speaker union: tagged `Person`, `Organization` or `UnnamedSource`; null when
/// unknown.
fn speaker(aliases: &mut Aliases, selection: &Selection, q: &str) -> AppResult<Sql> {
    let unnamed = unnamed(aliases, selection, &format!("{q}.speaker_description"));
    let mut sql = Sql::new(&format!(
        "CASE WHEN {q}.speaker_description IS NOT NULL THEN "
    ));
    sql.append(&unnamed)
        .push(&format!(" WHEN {q}.speaker_person_id IS NOT NULL THEN "))
        .append(&entity::by_id_expr(
            aliases,
            EntityKind::Person,
            selection,
            &Sql::new(&format!("{q}.speaker_person_id")),
            true,
        )?)
        .push(&format!(
            " WHEN {q}.speaker_organization_id IS NOT NULL THEN "
        ))
        .append(&entity::by_id_expr(
            aliases,
            EntityKind::Organization,
            selection,
            &Sql::new(&format!("{q}.speaker_organization_id")),
            true,
        )?)
        .push(" END");
    Ok(sql)
}

/// The quotes of article `a`, in text order.
pub fn of_article(
    aliases: &mut Aliases,
    selection: &Selection,
    a: &str,
    page: &Page,
) -> AppResult<Sql> {
    let q = aliases.next("q");
    let r = aliases.next("r");
    let (order, cmp) = fetch_order(
        &[
            (&format!("{q}.paragraph"), false),
            (&format!("{q}.start_offset"), false),
        ],
        page,
    );
    let mut rows = Sql::new(&format!(
        "SELECT {} FROM quotes {q} WHERE {q}.article_id = {a}.id",
        super::quote_columns(&q)
    ));
    if let Some(cursor) = &page.cursor {
        let (paragraph, start) = cursor_parts(cursor, "p")?;
        rows.push(&format!(" AND ({q}.paragraph, {q}.start_offset) {cmp} ("))
            .bind(Bind::Int(parse(paragraph)?))
            .push(", ")
            .bind(Bind::Int(parse(start)?))
            .push(")");
    }
    rows.push(&format!(" ORDER BY {order} LIMIT {}", page.limit()));
    let listing = Listing {
        columns: vec![("paragraph".into(), false), ("start_offset".into(), false)],
        cursor: format!("'p:' || {r}.paragraph || ':' || {r}.start_offset"),
        alias: r,
        rows,
        total: Sql::new(&format!(
            "SELECT count(*) FROM quotes qc WHERE qc.article_id = {a}.id"
        )),
        page,
    };
    connection::connection(
        aliases,
        selection,
        "QuoteConnection",
        "QuoteEdge",
        listing,
        &mut |aliases, sel, row| object(aliases, sel, row),
        &mut |_, _| Ok(None),
    )
}

/// The root list of quotes matching `filter`, newest first.
pub fn list(
    aliases: &mut Aliases,
    selection: &Selection,
    filter: &QuoteFilter,
    page: &Page,
) -> AppResult<Sql> {
    let r = aliases.next("r");
    let (order, cmp) = fetch_order(&[("q.published_on", true), ("q.id", true)], page);
    let condition = filter.condition();
    let mut rows = Sql::new(&format!(
        "SELECT {} FROM quotes q WHERE ",
        super::quote_columns("q")
    ));
    rows.append(&condition);
    date_keyset(&mut rows, "q.published_on, q.id", cmp, page)?;
    rows.push(&format!(" ORDER BY {order} LIMIT {}", page.limit()));
    let mut total = Sql::new("SELECT count(*) FROM quotes q WHERE ");
    total.append(&condition);
    let listing = Listing {
        columns: vec![("published_on".into(), true), ("id".into(), true)],
        cursor: format!("'d:' || {r}.published_on || ':' || {r}.id"),
        alias: r,
        rows,
        total,
        page,
    };
    connection::connection(
        aliases,
        selection,
        "QuoteConnection",
        "QuoteEdge",
        listing,
        &mut |aliases, sel, row| object(aliases, sel, row),
        &mut |_, _| Ok(None),
    )
}

/// One quote by id.
pub fn by_id(aliases: &mut Aliases, selection: &Selection, id: i64) -> AppResult<Sql> {
    let q = aliases.next("q");
    let object = fields(aliases, selection, &q)?;
    let mut sql = Sql::new("(SELECT ");
    sql.append(&object.build())
        .push(&format!(" FROM quotes {q} WHERE {q}.id = "))
        .bind(Bind::BigInt(id))
        .push(")");
    Ok(sql)
}
