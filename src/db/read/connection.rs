//! Relay connections inside a read statement: one keyset page of a list, fetched in
//! its own subquery with a literal `LIMIT`, aggregated into the connection's fields.
//!
//! A page fetches `size + 1` rows in fetch order (reversed for `last` / `before`), so the
//! extra row tells whether more follow; the rows are numbered in fetch order, the page is
//! the first `size` of them, output in forward order. Page info and cursors are worked
//! out in the statement; `totalCount` is a separate count, only when selected.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{Aliases, Merged, Object, Selection, agg_or_empty};
use crate::db::sql::Sql;
use crate::error::{AppError, AppResult};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest `first` / `last` accepted.
pub const MAX_PAGE_SIZE: usize = 100;

/// A validated page request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Rows wanted.
    pub size: usize,
    /// `last` / `before`: from the end of the ordering.
    pub backward: bool,
    /// The decoded cursor to continue from, if any.
    pub cursor: Option<String>,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            size: DEFAULT_PAGE_SIZE,
            backward: false,
            cursor: None,
        }
    }
}

impl Page {
    /// Checks `first` / `after` / `last` / `before` against the Relay rules and the cap,
    /// and decodes the cursor.
    pub fn new(
        first: Option<i64>,
        after: Option<&str>,
        last: Option<i64>,
        before: Option<&str>,
    ) -> AppResult<Self> {
        let size = |n: i64, name: &str| -> AppResult<usize> {
            usize::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_PAGE_SIZE)
                .ok_or_else(|| {
                    AppError::bad_input(format!("`{name}` must be between 0 and {MAX_PAGE_SIZE}"))
                })
        };
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input("give `first` or `last`, not both"));
        }
        if after.is_some() && before.is_some() {
            return Err(AppError::bad_input("give `after` or `before`, not both"));
        }
        if first.is_some() && before.is_some() || last.is_some() && after.is_some() {
            return Err(AppError::bad_input(
                "use `after` with `first` and `before` with `last`",
            ));
        }
        let (size, backward, cursor) = match (first, last) {
            (_, Some(n)) => (size(n, "last")?, true, before),
            (Some(n), None) => (size(n, "first")?, false, after),
            (None, None) if before.is_some() => (DEFAULT_PAGE_SIZE, true, before),
            (None, None) => (DEFAULT_PAGE_SIZE, false, after),
        };
        let cursor = cursor.map(decode_cursor).transpose()?;
        Ok(Self {
            size,
            backward,
            cursor,
        })
    }

    /// Rows to fetch: one more than the page, to learn whether more follow.
    pub fn limit(&self) -> usize {
        self.size + 1
    }
}

/// Makes a raw cursor opaque.
pub fn encode_cursor(raw: &str) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// Reads an opaque cursor back.
pub fn decode_cursor(cursor: &str) -> AppResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| AppError::bad_input(format!("{cursor:?} is not a valid cursor")))
}

/// The cursor error every list gives for a cursor it did not make.
pub fn foreign_cursor() -> AppError {
    AppError::bad_input("the cursor does not belong to this list")
}

/// Splits a raw cursor `tag:a:b` of the expected tag into its two parts (`b` may hold
/// colons).
pub fn cursor_parts<'c>(cursor: &'c str, tag: &str) -> AppResult<(&'c str, &'c str)> {
    let rest = cursor
        .strip_prefix(tag)
        .and_then(|r| r.strip_prefix(':'))
        .ok_or_else(foreign_cursor)?;
    rest.split_once(':').ok_or_else(foreign_cursor)
}

/// A parsed cursor value.
pub fn parse<T: std::str::FromStr>(text: &str) -> AppResult<T> {
    text.parse().map_err(|_| foreign_cursor())
}

/// One list to page: its rows and how to order, identify and count them.
pub struct Listing<'p> {
    /// The alias the rows go by in the aggregate.
    pub alias: String,
    /// The rows of the page: a complete `SELECT` with the keyset condition, the fetch
    /// order and `LIMIT size + 1`.
    pub rows: Sql,
    /// The sort columns among the rows' output columns, in forward order: name and
    /// whether it descends.
    pub columns: Vec<(String, bool)>,
    /// The raw cursor of a row of `alias`, as a text expression.
    pub cursor: String,
    /// The size of the whole list.
    pub total: Sql,
    /// The page.
    pub page: &'p Page,
}

impl Listing<'_> {
    /// `ORDER BY` terms over `alias`, forward or reversed.
    fn order(&self, alias: &str, reversed: bool) -> String {
        self.columns
            .iter()
            .map(|(column, desc)| {
                let dir = if *desc != reversed { "DESC" } else { "ASC" };
                format!("{alias}.{column} {dir}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Builds a node of the list from a row alias.
pub type NodeFn<'f> = dyn FnMut(&mut Aliases, &Selection, &str) -> AppResult<Sql> + 'f;
/// Builds a field of the connection other than the Relay ones (facets), or `None`.
pub type ExtraFn<'f> = dyn FnMut(&mut Aliases, &Merged<'_>) -> AppResult<Option<Sql>> + 'f;

/// The JSON value of a connection of type `connection_type` with the selection
/// `selection`, exactly as the response has it: the page's nodes or edges (the extra row
/// left out), page info, the total. `node` builds one item from its row.
pub fn connection(
    aliases: &mut Aliases,
    selection: &Selection,
    connection_type: &str,
    edge_type: &str,
    listing: Listing<'_>,
    node: &mut NodeFn<'_>,
    extra: &mut ExtraFn<'_>,
) -> AppResult<Sql> {
    let r = &listing.alias;
    let size = listing.page.size;
    // Page info needs the row past the page (it tells whether more follow), so the rows
    // are numbered and the aggregates keep the first `size`; without page info the page
    // is simply the first `size` rows, with no window and no filter.
    let numbered = selection
        .on(connection_type)
        .iter()
        .any(|f| f.name == "pageInfo");
    let in_page = if numbered {
        format!("FILTER (WHERE {r}.n_ <= {size})")
    } else {
        String::new()
    };
    let forward = listing.order(r, false);
    let agg = |item: &Sql| {
        let mut agg = Sql::new("json_agg(");
        agg.append(item)
            .push(format!(" ORDER BY {forward}) {in_page}").trim_end());
        agg_or_empty(&agg)
    };
    let mut object = Object::default();
    let mut needs_rows = false;
    for field in selection.on(connection_type) {
        match field.name {
            "__typename" => object.typename(field.key, connection_type),
            "nodes" => {
                needs_rows = true;
                object.add(field.key, agg(&node(aliases, &field.selection, r)?));
            }
            "edges" => {
                needs_rows = true;
                let mut edge = Object::default();
                for part in field.selection.on(edge_type) {
                    match part.name {
                        "__typename" => edge.typename(part.key, edge_type),
                        "cursor" => edge.text(part.key, &format!("opaque({})", listing.cursor)),
                        "node" => edge.add(part.key, node(aliases, &part.selection, r)?),
                        _ => {}
                    }
                }
                object.add(field.key, agg(&edge.build()));
            }
            "pageInfo" => {
                needs_rows = true;
                let more = format!("count(*) > {size}");
                let continues = if listing.page.cursor.is_some() {
                    "true"
                } else {
                    "false"
                };
                let (next, previous) = if listing.page.backward {
                    (continues.to_owned(), more)
                } else {
                    (more, continues.to_owned())
                };
                let mut info = Object::default();
                for part in field.selection.on("PageInfo") {
                    match part.name {
                        "__typename" => info.typename(part.key, "PageInfo"),
                        "hasNextPage" => info.text(part.key, &next),
                        "hasPreviousPage" => info.text(part.key, &previous),
                        "startCursor" => info.text(
                            part.key,
                            &format!(
                                "opaque((array_agg({} ORDER BY {forward}) {in_page})[1])",
                                listing.cursor
                            ),
                        ),
                        "endCursor" => info.text(
                            part.key,
                            &format!(
                                "opaque((array_agg({} ORDER BY {}) {in_page})[1])",
                                listing.cursor,
                                listing.order(r, true)
                            ),
                        ),
                        _ => {}
                    }
                }
                object.add(field.key, info.build());
            }
            "totalCount" => {
                let mut total = Sql::new("(");
                total.append(&listing.total).push(")");
                object.add(field.key, total);
            }
            _ => {
                if let Some(value) = extra(aliases, &field)? {
                    object.add(field.key, value);
                }
            }
        }
    }
    let mut sql = Sql::new("(SELECT ");
    sql.append(&object.build());
    if needs_rows {
        let x = format!("{r}x");
        if numbered {
            // Rows numbered in fetch order: the one past the page is `size + 1`.
            let fetch = listing.order(&x, listing.page.backward);
            sql.push(&format!(
                " FROM (SELECT {x}.*, row_number() OVER (ORDER BY {fetch}) AS n_ FROM ("
            ))
            .append(&listing.rows)
            .push(&format!(") {x}) {r}"));
        } else {
            // The rows come in fetch order; the first `size` of them are the page.
            sql.push(" FROM (SELECT * FROM (")
                .append(&listing.rows)
                .push(&format!(") {x} LIMIT {size}) {r}"));
        }
    }
    sql.push(")");
    Ok(sql)
}

/// `ORDER BY` columns for a keyset: each `(expression, descending)` in forward order,
/// written for the fetch direction of `page`, plus the matching comparison operator for
/// the cursor condition (`<` walks down a descending order).
pub fn fetch_order(columns: &[(&str, bool)], page: &Page) -> (String, &'static str) {
    // All columns of one keyset share a direction (row comparisons need that).
    let desc = columns.first().is_some_and(|c| c.1) != page.backward;
    let dir = if desc { "DESC" } else { "ASC" };
    let order = columns
        .iter()
        .map(|(expr, _)| format!("{expr} {dir}"))
        .collect::<Vec<_>>()
        .join(", ");
    (order, if desc { "<" } else { ">" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_arguments_follow_relay_rules() {
        let p = Page::new(None, None, None, None).expect("default");
        assert_eq!((p.size, p.backward), (DEFAULT_PAGE_SIZE, false));
        let c = encode_cursor("x");
        let p = Page::new(None, None, Some(5), Some(&c)).expect("last");
        assert_eq!((p.size, p.backward), (5, true));
        assert_eq!(p.cursor.as_deref(), Some("x"));
        assert!(Page::new(Some(101), None, None, None).is_err());
        assert!(Page::new(Some(-1), None, None, None).is_err());
        assert!(Page::new(Some(1), None, Some(1), None).is_err());
        assert!(Page::new(Some(1), None, None, Some(&c)).is_err());
        assert!(Page::new(Some(1), Some("%%%"), None, None).is_err());
    }

    #[test]
    fn cursors_split_by_tag() {
        assert_eq!(
            cursor_parts("t:12:A: title", "t").expect("parts"),
            ("12", "A: title")
        );
        assert!(cursor_parts("d:2022-01-01:3", "t").is_err());
        assert!(cursor_parts("t12", "t").is_err());
        assert!(parse::<i64>("x").is_err());
    }

    #[test]
    fn backward_pages_fetch_in_reverse() {
        let forward = Page::default();
        let backward = Page {
            backward: true,
            ..Page::default()
        };
        let cols = [("a.published_on", true), ("a.id", true)];
        assert_eq!(
            fetch_order(&cols, &forward),
            ("a.published_on DESC, a.id DESC".to_owned(), "<")
        );
        assert_eq!(
            fetch_order(&cols, &backward),
            ("a.published_on ASC, a.id ASC".to_owned(), ">")
        );
        let page = Page::default();
        let listing = Listing {
            alias: "r1".into(),
            rows: Sql::default(),
            columns: vec![("published_on".into(), true), ("id".into(), true)],
            cursor: String::new(),
            total: Sql::default(),
            page: &page,
        };
        assert_eq!(
            listing.order("r1", false),
            "r1.published_on DESC, r1.id DESC"
        );
        assert_eq!(listing.order("r1", true), "r1.published_on ASC, r1.id ASC");
    }
}
