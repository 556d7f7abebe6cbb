//! The read path: one SQL statement per root field, built from what the client selected.
//!
//! The GraphQL layer turns a field's selection into a plain [`Selection`] tree (aliases,
//! fragments with their type conditions, arguments); the functions here turn that tree
//! into one statement that returns **the response itself**: a JSON document keyed by
//! response keys, with global IDs and cursors encoded, page info worked out and
//! `__typename`s filled in (`json_build_object` / `json_agg` over correlated subqueries).
//! Nested lists are paged inside the statement, with their page sizes written as
//! literals (a bound `LIMIT $n` gets a generic plan that can be far slower) and keyset
//! cursors; totals and facets appear only when selected. A query's root field hands the
//! document to async-graphql as its value, so a request costs one round trip per root
//! field and no per-field work, whatever its depth and however many rows it returns.
//! Mutation payloads and subscription events read the same documents through ordinary
//! resolvers, which then also need to know the type of each member of a union or
//! interface: [`Aliases::tags`] adds a `__t` key for them.

pub mod analytics;
pub mod article;
pub mod connection;
pub mod entity;
pub mod quote;

use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::sql::Sql;
use crate::error::{AppError, AppResult};

pub use connection::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page};

/// What a client selected on an object, with fragments kept as type conditions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Fields in document order.
    pub fields: Vec<Field>,
}

/// One selected field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The response key: the alias, or the name.
    pub key: String,
    /// The field's name.
    pub name: String,
    /// The type conditions of the fragments it sits in (innermost last); it applies to a
    /// concrete type that satisfies all of them.
    pub conditions: Vec<String>,
    /// Its arguments, validated.
    pub args: Args,
    /// Its own selection (empty for scalars).
    pub selection: Selection,
}

/// The arguments of a nested field, as given (variables resolved); each field reads and
/// validates the ones it takes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    /// `first`
    pub first: Option<i64>,
    /// `after`
    pub after: Option<String>,
    /// `last`
    pub last: Option<i64>,
    /// `before`
    pub before: Option<String>,
    /// `interval` of a timeline.
    pub interval: Option<analytics::Interval>,
}

impl Args {
    /// The page of a connection field.
    pub fn page(&self) -> AppResult<Page> {
        Page::new(
            self.first,
            self.after.as_deref(),
            self.last,
            self.before.as_deref(),
        )
    }

    /// The size of a ranked list: `first`, else `default`, at most `max`.
    pub fn ranked(&self, default: usize, max: usize) -> AppResult<usize> {
        match self.first {
            None => Ok(default),
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| AppError::bad_input(format!("`first` must be between 0 and {max}"))),
        }
    }
}

/// The fields of a selection that apply to one concrete type, merged by response key
/// (the first occurrence gives the name and arguments; the sub-selections are joined).
#[derive(Debug, Clone)]
pub struct Merged<'a> {
    /// The response key.
    pub key: &'a str,
    /// The field name.
    pub name: &'a str,
    /// The arguments of the first occurrence.
    pub args: &'a Args,
    /// Every occurrence's sub-selection, in order (borrowed when the key occurs once).
    pub selection: std::borrow::Cow<'a, Selection>,
}

/// The object types that abstract types (interfaces and unions) stand for.
fn members(abstract_type: &str) -> &'static [&'static str] {
    match abstract_type {
        "Node" => &[
            "Article",
            "Person",
            "Organization",
            "Quote",
            "Outlet",
            "Section",
        ],
        "Speaker" | "Entity" => &["Person", "Organization", "UnnamedSource"],
        "SearchResult" => &["Article", "Quote", "Person", "Organization"],
        _ => &[],
    }
}

/// Whether an object of type `concrete` matches a fragment on `condition`.
fn satisfies(concrete: &str, condition: &str) -> bool {
    condition == concrete || members(condition).contains(&concrete)
}

impl Selection {
    /// The fields that apply to `concrete`, merged by response key (`__typename`
    /// included: the statement writes it too).
    pub fn on(&self, concrete: &str) -> Vec<Merged<'_>> {
        let mut merged: Vec<Merged<'_>> = Vec::new();
        for field in &self.fields {
            if (field.name.starts_with("__") && field.name != "__typename")
                || !field.conditions.iter().all(|c| satisfies(concrete, c))
            {
                continue;
            }
            match merged.iter_mut().find(|m| m.key == field.key) {
                Some(m) => m
                    .selection
                    .to_mut()
                    .fields
                    .extend(field.selection.fields.iter().cloned()),
                None => merged.push(Merged {
                    key: &field.key,
                    name: &field.name,
                    args: &field.args,
                    selection: std::borrow::Cow::Borrowed(&field.selection),
                }),
            }
        }
        merged
    }

    /// Whether a field with this name applies to `concrete`.
    pub fn selects(&self, concrete: &str, name: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.name == name && f.conditions.iter().all(|c| satisfies(concrete, c)))
    }
}

/// What a statement is being built for: table aliases that are unique within it, so
/// that correlated subqueries at every depth can name their own rows and their
/// parents', and whether members of unions and interfaces carry a type tag.
#[derive(Debug, Default)]
pub struct Aliases {
    next: usize,
    /// Tag union and interface members with `__t` (for documents read by resolvers;
    /// a document handed to async-graphql as a value must hold the response only).
    pub tags: bool,
}

impl Aliases {
    /// For a document read by resolvers (tags on).
    pub fn tagged() -> Self {
        Self {
            next: 0,
            tags: true,
        }
    }

    /// A fresh alias starting with `prefix`.
    pub fn next(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }
}

/// The columns of `articles` that rows of a page carry: all but the full-text vector
/// (`search`, large, read only by a search's rank) and the content hash. A page's rows
/// pass through a subquery (and a window when numbered), which copies every column.
const ARTICLE_COLUMNS: &[&str] = &[
    "id",
    "slug",
    "raw_document_id",
    "title",
    "kind",
    "published_on",
    "publication",
    "section_id",
    "dateline",
    "paragraphs",
    "abridged",
    "source_url",
    "language",
    "original_language",
    "word_count",
    "extractor_version",
    "created_at",
    "updated_at",
    "title_derived",
    "date_source",
];

/// The columns of `quotes` that rows of a page carry: all but `search` (see
/// [`ARTICLE_COLUMNS`]).
const QUOTE_COLUMNS: &[&str] = &[
    "id",
    "article_id",
    "published_on",
    "paragraph",
    "start_offset",
    "end_offset",
    "text",
    "speaker_person_id",
    "speaker_organization_id",
    "speaker_description",
    "cue",
    "is_fragment",
    "confidence",
    "extractor_version",
];

fn qualified(columns: &[&str], alias: &str) -> String {
    columns
        .iter()
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a.id, a.slug, ...`: the page columns of `articles` under `alias`.
pub fn article_columns(alias: &str) -> String {
    qualified(ARTICLE_COLUMNS, alias)
}

/// `q.id, q.article_id, ...`: the page columns of `quotes` under `alias`.
pub fn quote_columns(alias: &str) -> String {
    qualified(QUOTE_COLUMNS, alias)
}

/// `key` as a SQL string literal (keys are GraphQL names, quotes are doubled anyway).
fn literal(key: &str) -> String {
    format!("'{}'", key.replace('\'', "''"))
}

/// A JSON object under construction: `(key, value expression)` pairs.
#[derive(Debug, Default)]
pub struct Object {
    pairs: Vec<(String, Sql)>,
}

impl Object {
    /// Adds a key with a value expression (the first value given for a key wins).
    pub fn add(&mut self, key: &str, value: Sql) {
        if !self.pairs.iter().any(|(k, _)| k == key) {
            self.pairs.push((key.to_owned(), value));
        }
    }

    /// Adds a key with a value given as plain SQL text.
    pub fn text(&mut self, key: &str, value: &str) {
        self.add(key, Sql::new(value));
    }

    /// Tags the object with its GraphQL type (`__t`) when the statement is built for
    /// resolvers, for positions of a union or interface type.
    pub fn tag(&mut self, aliases: &Aliases, type_name: &str) {
        if aliases.tags {
            self.text("__t", &literal(type_name));
        }
    }

    /// `key: 'TypeName'`, for a selected `__typename`.
    pub fn typename(&mut self, key: &str, type_name: &str) {
        self.text(key, &literal(type_name));
    }

    /// Whether `key` is set already.
    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// The `json_build_object(...)` expression. PostgreSQL functions take at most 100
    /// arguments: larger objects are built in parts and concatenated as `jsonb`.
    pub fn build(self) -> Sql {
        const PER_CALL: usize = 50;
        if self.pairs.is_empty() {
            return Sql::new("json_build_object()");
        }
        let chunks: Vec<&[(String, Sql)]> = self.pairs.chunks(PER_CALL).collect();
        let mut sql = Sql::new(if chunks.len() > 1 { "(" } else { "" });
        for (i, chunk) in chunks.iter().enumerate() {
            if i > 0 {
                sql.push("::jsonb || ");
            }
            sql.push("json_build_object(");
            for (j, (key, value)) in chunk.iter().enumerate() {
                if j > 0 {
                    sql.push(", ");
                }
                sql.push(&literal(key)).push(", ").append(value);
            }
            sql.push(")");
        }
        if chunks.len() > 1 {
            sql.push("::jsonb)::json");
        }
        sql
    }
}

/// Wraps a JSON array aggregate so that an empty set gives `[]`, not null.
pub fn agg_or_empty(inner: &Sql) -> Sql {
    let mut sql = Sql::new("coalesce(");
    sql.append(inner).push(", '[]'::json)");
    sql
}

/// Runs a statement whose single value is the JSON document built from a selection;
/// `None` when it is SQL NULL (nothing found).
pub async fn fetch(conn: &mut AsyncPgConnection, document: Sql) -> AppResult<Option<String>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        j: Option<String>,
    }
    let mut sql = Sql::new("SELECT (");
    sql.append(&document).push(")::text AS j");
    let row: Row = sql
        .into_query()
        .get_result(conn)
        .await
        .map_err(AppError::from)?;
    Ok(row.j)
}

/// The object types with global IDs that `node` / `nodes` fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// `Article`
    Article,
    /// `Person`
    Person,
    /// `Organization`
    Organization,
    /// `Quote`
    Quote,
    /// `Outlet`
    Outlet,
    /// `Section`
    Section,
}

impl NodeKind {
    fn code(self) -> i64 {
        match self {
            Self::Article => 1,
            Self::Person => 2,
            Self::Organization => 3,
            Self::Quote => 4,
            Self::Outlet => 5,
            Self::Section => 6,
        }
    }
}

/// The object of node `id` given as the SQL expression `id`, tagged with its type, for
/// each kind (a `CASE` over `kind`, the kind's code).
fn node_case(aliases: &mut Aliases, selection: &Selection, kind: &str, id: &str) -> AppResult<Sql> {
    let id_sql = Sql::new(id);
    let a = aliases.next("a");
    let mut art = article::fields(aliases, selection, &a)?;
    art.tag(aliases, "Article");
    let q = aliases.next("q");
    let mut quo = quote::fields(aliases, selection, &q)?;
    quo.tag(aliases, "Quote");
    let o = aliases.next("o");
    let mut outlet = article::outlet_fields(selection, &o);
    outlet.tag(aliases, "Outlet");
    let s = aliases.next("s");
    let mut section = article::section_fields(selection, &s);
    section.tag(aliases, "Section");
    let mut sql = Sql::new(&format!(
        "CASE {kind} WHEN {} THEN (SELECT ",
        NodeKind::Article.code()
    ));
    sql.append(&art.build())
        .push(&format!(
            " FROM articles {a} WHERE {a}.id = {id}) WHEN {} THEN ",
            NodeKind::Person.code()
        ))
        .append(&entity::by_id_expr(
            aliases,
            crate::db::filter::EntityKind::Person,
            selection,
            &id_sql,
            true,
        )?)
        .push(&format!(" WHEN {} THEN ", NodeKind::Organization.code()))
        .append(&entity::by_id_expr(
            aliases,
            crate::db::filter::EntityKind::Organization,
            selection,
            &id_sql,
            true,
        )?)
        .push(&format!(" WHEN {} THEN (SELECT ", NodeKind::Quote.code()))
        .append(&quo.build())
        .push(&format!(
            " FROM quotes {q} WHERE {q}.id = {id}) WHEN {} THEN (SELECT ",
            NodeKind::Outlet.code()
        ))
        .append(&outlet.build())
        .push(&format!(
            " FROM outlets {o} WHERE {o}.id = {id}) WHEN {} THEN (SELECT ",
            NodeKind::Section.code()
        ))
        .append(&section.build())
        .push(&format!(" FROM sections {s} WHERE {s}.id = {id}) END"));
    Ok(sql)
}

/// Objects by kind and id, in the order asked, null where not found (a merged person
/// or organization gives the one it was merged into); `None` kinds are not fetchable.
pub fn nodes(
    aliases: &mut Aliases,
    selection: &Selection,
    items: &[(Option<NodeKind>, i64)],
) -> AppResult<Sql> {
    let t = aliases.next("t");
    let kinds: Vec<i64> = items
        .iter()
        .map(|(k, _)| k.map_or(0, NodeKind::code))
        .collect();
    let ids: Vec<i64> = items.iter().map(|(_, id)| *id).collect();
    let mut sql = Sql::new("(SELECT coalesce(json_agg(");
    sql.append(&node_case(
        aliases,
        selection,
        &format!("{t}.kind"),
        &format!("{t}.id"),
    )?)
    .push(&format!(" ORDER BY {t}.ord), '[]'::json) FROM unnest("))
    .bind(super::sql::Bind::BigInts(kinds))
    .push("::bigint[], ")
    .bind(super::sql::Bind::BigInts(ids))
    .push(&format!(
        "::bigint[]) WITH ORDINALITY AS {t}(kind, id, ord))"
    ));
    Ok(sql)
}

/// One object by kind and id (see [`nodes`]).
pub fn node(
    aliases: &mut Aliases,
    selection: &Selection,
    kind: NodeKind,
    id: i64,
) -> AppResult<Sql> {
    let mut sql = Sql::new("(SELECT ");
    sql.append(&node_case(aliases, selection, "n.kind", "n.id")?)
        .push(" FROM (SELECT ")
        .bind(super::sql::Bind::BigInt(kind.code()))
        .push("::bigint AS kind, ")
        .bind(super::sql::Bind::BigInt(id))
        .push("::bigint AS id) n)");
    Ok(sql)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, name: &str, conditions: &[&str], sub: Vec<Field>) -> Field {
        Field {
            key: key.into(),
            name: name.into(),
            conditions: conditions.iter().map(|c| (*c).to_owned()).collect(),
            args: Args::default(),
            selection: Selection { fields: sub },
        }
    }

    #[test]
    fn fields_merge_by_response_key_and_follow_type_conditions() {
        let sel = Selection {
            fields: vec![
                field("__typename", "__typename", &[], vec![]),
                field("name", "name", &["Person"], vec![]),
                field("name", "name", &["Organization"], vec![]),
                field(
                    "x",
                    "articles",
                    &["Speaker", "Person"],
                    vec![field("a", "a", &[], vec![])],
                ),
                field(
                    "x",
                    "articles",
                    &["Person"],
                    vec![field("b", "b", &[], vec![])],
                ),
                field("description", "description", &["UnnamedSource"], vec![]),
            ],
        };
        let person = sel.on("Person");
        assert_eq!(
            person.iter().map(|m| m.key).collect::<Vec<_>>(),
            vec!["__typename", "name", "x"]
        );
        assert_eq!(person[2].selection.fields.len(), 2);
        let unnamed = sel.on("UnnamedSource");
        assert_eq!(
            unnamed.iter().map(|m| m.key).collect::<Vec<_>>(),
            vec!["__typename", "description"]
        );
        assert!(sel.selects("Organization", "name"));
        assert!(!sel.selects("Organization", "articles"));
    }

    #[test]
    fn large_objects_are_built_in_parts() {
        let mut object = Object::default();
        for i in 0..120 {
            object.text(&format!("k{i}"), &i.to_string());
        }
        object.text("k0", "'ignored'");
        let sql = object.build();
        let text = sql.as_str();
        assert_eq!(text.matches("json_build_object(").count(), 3);
        assert!(text.starts_with("(json_build_object('k0', 0, "), "{text}");
        assert!(text.ends_with("'k119', 119)::jsonb)::json"), "{text}");
    }
}
