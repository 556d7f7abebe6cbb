//! Checks on the text of an operation that run before async-graphql validates or
//! executes it: operation type, alias, field and directive counts (fragments expanded,
//! so a fragment spread many times counts many times), and the operation's depth and
//! cost ([`cost`]), which the handler enforces and reports in `extensions.analyzer`.
//!
//! The cost model is ours rather than async-graphql's complexity analysis: it is known
//! before execution (rate limits spend it), and async-graphql can only report its own
//! through an extension, whose mere presence sends every field of every response through
//! the extension chain (a fifth of the server's CPU on an article page).

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};

use crate::error::{AppError, AppResult};

/// Directives on one operation above this are refused (directive overloading).
pub const MAX_DIRECTIVES: usize = 50;

/// Deepest nesting of `{`, `[` and `(` accepted in the text of a request. The parser is
/// recursive, so text nested thousands deep would overflow a worker's stack and abort the
/// process; the deepest legitimate operation (10 selection levels, filters nested 8 deep)
/// stays far below this.
pub const MAX_NESTING: usize = 64;

/// Deepest nesting of lists and objects accepted in a request's variables (checked
/// without recursion, before anything walks them recursively).
pub const MAX_VARIABLE_NESTING: usize = 32;

/// What the pre-check learned about the operation to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// query, mutation or subscription.
    pub kind: OperationType,
    /// Aliased fields.
    pub aliases: usize,
    /// Field selections, fragments expanded.
    pub fields: usize,
    /// Directives anywhere in the operation.
    pub directives: usize,
    /// Whether it asks for `__schema` or `__type` (introspection).
    pub introspection: bool,
    /// Root fields other than introspection (`__typename`, `__schema`, `__type`), fragments
    /// expanded: the statements a query costs.
    pub roots: usize,
}

/// The limits a request is checked against.
#[derive(Debug, Clone, Copy)]
pub struct TextLimits {
    /// Most aliases.
    pub max_aliases: usize,
    /// Most field selections.
    pub max_fields: usize,
    /// Deepest selection (fields nested in fields).
    pub max_depth: usize,
    /// Highest cost.
    pub max_cost: usize,
}

/// What an operation costs: every field 1, a list field's children times its page size
/// (`first` / `last`, else the field's default page), a full-text search and facets
/// more; and how deep its selections nest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cost {
    /// The cost.
    pub complexity: usize,
    /// The deepest field, 1 for a root field (an introspection field counts as one level
    /// whatever it selects: clients' standard introspection query nests 12 deep).
    pub depth: usize,
    /// The most times one path through an introspection field goes through a type's
    /// fields, interfaces or possible types: a circular introspection query repeats them.
    pub introspection_cycles: usize,
    /// The deepest selection, introspection and fragments included: what async-graphql
    /// and the executor recurse on. Over [`MAX_NESTING`] is refused like nested text.
    pub nesting: usize,
}

/// Most passes through a type's fields (or interfaces, input fields, possible types) on
/// one introspection path; the standard introspection query makes one.
pub const MAX_INTROSPECTION_CYCLES: usize = 2;

/// What a full-text search (or a fuzzy name search) adds.
pub const SEARCH_COST: usize = 25;
/// What `facets` adds (one aggregate per facet over the whole list).
pub const FACETS_COST: usize = 50;

/// The page a list field returns when its arguments do not say: connections 20, ranked
/// lists 10 (the largest default of any field of that name, as the name alone is known).
fn default_page(name: &str) -> usize {
    match name {
        "articles" | "people" | "organizations" | "quotes" | "years" => 20,
        "search"
        | "topEntities"
        | "cooccurrence"
        | "coMentionedPeople"
        | "coMentionedOrganizations"
        | "peopleQuotedWith"
        | "outlets"
        | "sections" => 10,
        "kinds" => 3,
        _ => 1,
    }
}

type RawValue = async_graphql_value::Value;

/// The cost and depth of the operation `operation_name` (see [`Cost`]), with `variables`
/// giving page sizes and filters sent as variables.
pub fn cost(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &async_graphql::Variables,
) -> Option<Cost> {
    let op = operation(doc, operation_name)?;
    let resolve = |value: &RawValue| -> Option<async_graphql::Value> {
        value
            .clone()
            .into_const_with(|name| {
                variables
                    .get(&name)
                    .cloned()
                    .or_else(|| {
                        op.node
                            .variable_definitions
                            .iter()
                            .find(|d| d.node.name.node == name)
                            .and_then(|d| d.node.default_value().cloned())
                    })
                    .ok_or(())
            })
            .ok()
    };
    Some(set_cost(
        doc,
        &op.node.selection_set.node,
        &resolve,
        0,
        None,
    ))
}

/// `introspection`: inside `__schema` / `__type`, the passes through type members so far.
fn set_cost(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    resolve: &dyn Fn(&RawValue) -> Option<async_graphql::Value>,
    guard: usize,
    introspection: Option<usize>,
) -> Cost {
    let mut total = Cost::default();
    if guard > MAX_WALK_DEPTH {
        // Deeper than the walk goes is deeper than allowed.
        total.nesting = MAX_NESTING + 1;
        return total;
    }
    for item in &set.items {
        let cost = match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                let name = field.name.node.as_str();
                let inner = match (introspection, name) {
                    (None, "__schema" | "__type") => Some(0),
                    (Some(n), "fields" | "inputFields" | "interfaces" | "possibleTypes") => {
                        Some(n + 1)
                    }
                    (other, _) => other,
                };
                let children = set_cost(doc, &field.selection_set.node, resolve, guard + 1, inner);
                let mut page = default_page(field.name.node.as_str());
                let mut extra = 0;
                for (name, value) in &field.arguments {
                    let Some(value) = resolve(&value.node) else {
                        continue;
                    };
                    match (name.node.as_str(), &value) {
                        ("first" | "last", async_graphql::Value::Number(n)) => {
                            page = n
                                .as_u64()
                                .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
                        }
                        ("ids", async_graphql::Value::List(ids)) => page = ids.len(),
                        ("search" | "query", async_graphql::Value::String(_)) => {
                            extra += SEARCH_COST
                        }
                        ("filter" | "articles" | "quotes", filter) => extra += filter_cost(filter),
                        _ => {}
                    }
                }
                if field.name.node.as_str() == "facets" {
                    extra += FACETS_COST;
                }
                Cost {
                    complexity: 1usize
                        .saturating_add(extra)
                        .saturating_add(page.saturating_mul(children.complexity)),
                    depth: if introspection.is_some() || inner.is_some() {
                        1
                    } else {
                        children.depth + 1
                    },
                    introspection_cycles: children.introspection_cycles.max(inner.unwrap_or(0)),
                    nesting: children.nesting + 1,
                }
            }
            Selection::FragmentSpread(spread) => doc
                .fragments
                .get(&spread.node.fragment_name.node)
                .map(|f| {
                    set_cost(
                        doc,
                        &f.node.selection_set.node,
                        resolve,
                        guard + 1,
                        introspection,
                    )
                })
                .unwrap_or_default(),
            Selection::InlineFragment(inline) => set_cost(
                doc,
                &inline.node.selection_set.node,
                resolve,
                guard + 1,
                introspection,
            ),
        };
        total.complexity = total.complexity.saturating_add(cost.complexity);
        total.depth = total.depth.max(cost.depth);
        total.introspection_cycles = total.introspection_cycles.max(cost.introspection_cycles);
        total.nesting = total.nesting.max(cost.nesting);
    }
    total
}

/// A filter argument's cost: 1 per (nested) filter, [`SEARCH_COST`] per search in it.
/// Walked with an explicit stack: variables are bounded in depth already, literals by
/// the text's nesting bound, but no walk here recurses on client data.
fn filter_cost(value: &async_graphql::Value) -> usize {
    let mut cost = 0_usize;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            async_graphql::Value::Object(fields) => {
                cost += 1;
                for (name, v) in fields {
                    match (name.as_str(), v) {
                        ("search", async_graphql::Value::String(_)) => cost += SEARCH_COST,
                        ("and" | "or" | "not" | "articles", v) => stack.push(v),
                        _ => {}
                    }
                }
            }
            async_graphql::Value::List(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    cost
}

/// Parsed documents by query text: clients send the same few queries over and over, and
/// parsing is a large share of a small request's CPU. Bounded; cleared when full.
pub struct DocumentCache {
    documents:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<ExecutableDocument>>>,
    capacity: usize,
}

impl DocumentCache {
    /// A cache of at most `capacity` documents.
    pub fn new(capacity: usize) -> Self {
        Self {
            documents: std::sync::Mutex::new(std::collections::HashMap::new()),
            capacity,
        }
    }

    /// The parsed document of `query`, or `None` if it does not parse (async-graphql then
    /// reports the syntax error).
    pub fn get(&self, query: &str) -> Option<std::sync::Arc<ExecutableDocument>> {
        let lock = || {
            self.documents
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(doc) = lock().get(query) {
            return Some(doc.clone());
        }
        let doc = std::sync::Arc::new(async_graphql::parser::parse_query(query).ok()?);
        let mut documents = lock();
        if documents.len() >= self.capacity {
            documents.clear();
        }
        documents.insert(query.to_owned(), doc.clone());
        Some(doc)
    }
}

/// Refuses text nested deeper than [`MAX_NESTING`], by a linear scan that runs before any
/// parser sees the text. Brackets inside strings, block strings and comments do not count.
pub fn check_nesting(text: &str) -> AppResult<()> {
    let bytes = text.as_bytes();
    let mut depth = 0_usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() {
                    if bytes[i..].starts_with(b"\\\"\"\"") {
                        i += 4;
                    } else if bytes[i..].starts_with(b"\"\"\"") {
                        i += 2;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(AppError::too_complex(format!(
                        "the document nests brackets more than {MAX_NESTING} deep"
                    )));
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Refuses variables nested deeper than [`MAX_VARIABLE_NESTING`] (an explicit stack, no
/// recursion).
pub fn check_variable_nesting(variables: &async_graphql::Variables) -> AppResult<()> {
    let mut stack: Vec<(&async_graphql::Value, usize)> =
        variables.values().map(|v| (v, 1)).collect();
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_VARIABLE_NESTING {
            return Err(AppError::too_complex(format!(
                "variables nest lists and objects more than {MAX_VARIABLE_NESTING} deep"
            )));
        }
        match value {
            async_graphql::Value::List(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            async_graphql::Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// Both nesting checks for one request: its text and its variables.
pub fn check_request_nesting(request: &async_graphql::Request) -> AppResult<()> {
    check_nesting(&request.query)?;
    check_variable_nesting(&request.variables)
}

/// Refuses NUL characters in the request's text, operation name and variables. No
/// string the API stores or looks up may hold one (PostgreSQL's text cannot), so it is
/// refused as the caller's error here, once, rather than failing in some statement.
/// Literals in the text are checked by [`check_document_strings`] once it is parsed.
pub fn check_request_strings(request: &async_graphql::Request) -> AppResult<()> {
    if request.query.contains('\0')
        || request
            .operation_name
            .as_deref()
            .is_some_and(|n| n.contains('\0'))
    {
        return Err(nul_refused());
    }
    // Iterative: the variables' depth is checked apart, but no walk here recurses.
    let mut stack: Vec<&async_graphql::Value> = request.variables.values().collect();
    while let Some(value) = stack.pop() {
        match value {
            async_graphql::Value::String(s) if s.contains('\0') => return Err(nul_refused()),
            async_graphql::Value::List(items) => stack.extend(items),
            async_graphql::Value::Object(fields) => {
                if fields.keys().any(|k| k.contains('\0')) {
                    return Err(nul_refused());
                }
                stack.extend(fields.values());
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuses NUL characters in the string literals of a parsed document (written as
/// `\u0000` in the text): arguments and directive arguments of every operation and
/// fragment, and variables' default values.
pub fn check_document_strings(doc: &ExecutableDocument) -> AppResult<()> {
    let mut sets: Vec<&SelectionSet> = Vec::new();
    let mut values: Vec<&RawValue> = Vec::new();
    let mut constants: Vec<&async_graphql::Value> = Vec::new();
    for (_, op) in doc.operations.iter() {
        sets.push(&op.node.selection_set.node);
        for d in &op.node.directives {
            values.extend(d.node.arguments.iter().map(|(_, v)| &v.node));
        }
        for var in &op.node.variable_definitions {
            constants.extend(var.node.default_value.as_ref().map(|v| &v.node));
        }
    }
    for fragment in doc.fragments.values() {
        sets.push(&fragment.node.selection_set.node);
        for d in &fragment.node.directives {
            values.extend(d.node.arguments.iter().map(|(_, v)| &v.node));
        }
    }
    while let Some(set) = sets.pop() {
        for item in &set.items {
            let directives = match &item.node {
                Selection::Field(field) => {
                    values.extend(field.node.arguments.iter().map(|(_, v)| &v.node));
                    sets.push(&field.node.selection_set.node);
                    &field.node.directives
                }
                Selection::InlineFragment(inline) => {
                    sets.push(&inline.node.selection_set.node);
                    &inline.node.directives
                }
                Selection::FragmentSpread(spread) => &spread.node.directives,
            };
            for d in directives {
                values.extend(d.node.arguments.iter().map(|(_, v)| &v.node));
            }
        }
    }
    while let Some(value) = values.pop() {
        match value {
            RawValue::String(s) if s.contains('\0') => return Err(nul_refused()),
            RawValue::List(items) => values.extend(items),
            RawValue::Object(fields) => values.extend(fields.values()),
            _ => {}
        }
    }
    while let Some(value) = constants.pop() {
        match value {
            async_graphql::Value::String(s) if s.contains('\0') => return Err(nul_refused()),
            async_graphql::Value::List(items) => constants.extend(items),
            async_graphql::Value::Object(fields) => constants.extend(fields.values()),
            _ => {}
        }
    }
    Ok(())
}

fn nul_refused() -> AppError {
    AppError::bad_input("strings must not contain NUL characters (U+0000)")
}

/// Parses `query` and measures the operation `operation_name` selects (the only one if
/// none is named). Unparseable text is left to async-graphql, which reports it.
pub fn inspect(query: &str, operation_name: Option<&str>) -> Option<Shape> {
    let doc = async_graphql::parser::parse_query(query).ok()?;
    measure(&doc, operation_name)
}

/// Measures the operation `operation_name` selects in a parsed document.
pub fn measure(doc: &ExecutableDocument, operation_name: Option<&str>) -> Option<Shape> {
    let op = operation(doc, operation_name)?;
    let mut shape = Shape {
        kind: op.node.ty,
        aliases: 0,
        fields: 0,
        directives: op.node.directives.len(),
        introspection: false,
        roots: 0,
    };
    walk(doc, &op.node.selection_set.node, &mut shape, 0);
    shape.roots = roots(doc, &op.node.selection_set.node, 0);
    Some(shape)
}

/// The operation `operation_name` selects (the only one if none is named).
fn operation<'d>(
    doc: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'d async_graphql::Positioned<async_graphql::parser::types::OperationDefinition>> {
    match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

/// Refuses an operation over its depth or cost limit with `QUERY_TOO_COMPLEX`.
pub fn check_cost(cost: Cost, limits: TextLimits) -> AppResult<()> {
    if cost.introspection_cycles > MAX_INTROSPECTION_CYCLES {
        return Err(AppError::too_complex(
            "the introspection query goes round the type graph; ask for each type once",
        ));
    }
    if cost.nesting > MAX_NESTING {
        return Err(AppError::too_complex(format!(
            "selections nest {} deep (fragments expanded); at most {MAX_NESTING} levels",
            cost.nesting
        )));
    }
    if cost.depth > limits.max_depth {
        return Err(AppError::too_complex(format!(
            "the operation is nested {} deep; at most {} levels are allowed",
            cost.depth, limits.max_depth
        )));
    }
    if cost.complexity > limits.max_cost {
        return Err(AppError::too_complex(format!(
            "the operation costs {}; at most {} is allowed (each list multiplies its \
             selection by its page size: ask for smaller pages or fewer fields)",
            cost.complexity, limits.max_cost
        )));
    }
    Ok(())
}

/// Refuses an operation over a limit with `QUERY_TOO_COMPLEX`.
pub fn check(shape: &Shape, limits: TextLimits) -> AppResult<()> {
    if shape.aliases > limits.max_aliases {
        return Err(AppError::too_complex(format!(
            "the operation uses {} aliases; at most {} are allowed",
            shape.aliases, limits.max_aliases
        )));
    }
    if shape.fields > limits.max_fields {
        return Err(AppError::too_complex(format!(
            "the operation selects {} fields; at most {} are allowed",
            shape.fields, limits.max_fields
        )));
    }
    if shape.directives > MAX_DIRECTIVES {
        return Err(AppError::too_complex(format!(
            "the operation uses {} directives; at most {MAX_DIRECTIVES} are allowed",
            shape.directives
        )));
    }
    Ok(())
}

// Fragment cycles are invalid GraphQL and refused later; the depth cap stops the walk
// from following one forever before that.
const MAX_WALK_DEPTH: usize = 64;

fn roots(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> usize {
    if depth > MAX_WALK_DEPTH {
        return 0;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => usize::from(!field.node.name.node.starts_with("__")),
            Selection::FragmentSpread(spread) => doc
                .fragments
                .get(&spread.node.fragment_name.node)
                .map_or(0, |f| roots(doc, &f.node.selection_set.node, depth + 1)),
            Selection::InlineFragment(inline) => {
                roots(doc, &inline.node.selection_set.node, depth + 1)
            }
        })
        .sum()
}

fn walk(doc: &ExecutableDocument, set: &SelectionSet, shape: &mut Shape, depth: usize) {
    if depth > MAX_WALK_DEPTH || shape.fields > 100_000 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                shape.fields += 1;
                shape.aliases += usize::from(field.alias.is_some());
                let name = field.name.node.as_str();
                shape.introspection |= name == "__schema" || name == "__type";
                shape.directives += field.directives.len();
                walk(doc, &field.selection_set.node, shape, depth + 1);
            }
            Selection::FragmentSpread(spread) => {
                shape.directives += spread.node.directives.len();
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    shape.directives += fragment.node.directives.len();
                    walk(doc, &fragment.node.selection_set.node, shape, depth + 1);
                }
            }
            Selection::InlineFragment(inline) => {
                shape.directives += inline.node.directives.len();
                walk(doc, &inline.node.selection_set.node, shape, depth + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fields_aliases_and_directives_through_fragments() {
        let q = "query A { a: articles { ...F ...F } } fragment F on ArticleConnection { totalCount @include(if: true) }";
        let s = inspect(q, Some("A")).expect("parses");
        assert_eq!(s.kind, OperationType::Query);
        assert_eq!((s.fields, s.aliases, s.directives), (3, 1, 2));
        assert_eq!(s.roots, 1);
        let two = inspect("{ __typename a ...F } fragment F on Query { b }", None).expect("parses");
        assert_eq!(two.roots, 2);
    }

    #[test]
    fn picks_the_named_operation() {
        let q = "query Q { a } mutation M { b c }";
        assert_eq!(
            inspect(q, Some("M")).map(|s| s.kind),
            Some(OperationType::Mutation)
        );
        assert_eq!(inspect(q, None), None);
    }

    #[test]
    fn refuses_alias_overloading() {
        let q = format!(
            "{{ {} }}",
            (0..500)
                .map(|i| format!("a{i}: __typename"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let s = inspect(&q, None).expect("parses");
        let err = check(
            &s,
            TextLimits {
                max_aliases: 30,
                max_fields: 1000,
                max_depth: 10,
                max_cost: 5000,
            },
        )
        .expect_err("refused");
        assert_eq!(err.code, crate::error::ErrorCode::QueryTooComplex);
    }

    #[test]
    fn nesting_is_bounded_before_parsing_and_strings_do_not_count() {
        let deep = format!(
            "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
            "[".repeat(3000),
            "]".repeat(3000)
        );
        let err = check_nesting(&deep).expect_err("refused");
        assert_eq!(err.code, crate::error::ErrorCode::QueryTooComplex);
        let at_limit = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(check_nesting(&at_limit).is_ok());
        let over = format!(
            "{}{}",
            "(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        assert!(check_nesting(&over).is_err());
        // Brackets in strings, block strings and comments are text.
        let quoted = [
            r#"{ a(s: "[[[[\"[[[[", b: """[[[[\"""[[[[""") # [[[["#,
            "\n}",
        ]
        .concat()
        .replace("[[[[", &"[".repeat(500));
        assert!(check_nesting(&quoted).is_ok(), "{quoted}");
        // A document nested to the limit still parses without exhausting the stack.
        let legit = format!(
            "{{ a(x: {}1{}) }}",
            "[".repeat(MAX_NESTING - 2),
            "]".repeat(MAX_NESTING - 2)
        );
        assert!(check_nesting(&legit).is_ok());
        assert!(async_graphql::parser::parse_query(&legit).is_ok());
    }

    #[test]
    fn deep_variables_are_refused_without_recursion() {
        let shallow =
            async_graphql::Value::from_json(serde_json::json!({ "a": [[1]] })).expect("json");
        let vars = async_graphql::Variables::from_value(async_graphql::Value::Object(
            [(async_graphql::Name::new("v"), shallow)]
                .into_iter()
                .collect(),
        ));
        assert!(check_variable_nesting(&vars).is_ok());
        let mut deep = async_graphql::Value::from(1);
        for _ in 0..MAX_VARIABLE_NESTING + 5 {
            deep = async_graphql::Value::List(vec![deep]);
        }
        let vars = async_graphql::Variables::from_value(async_graphql::Value::Object(
            [(async_graphql::Name::new("v"), deep)]
                .into_iter()
                .collect(),
        ));
        let err = check_variable_nesting(&vars).expect_err("refused");
        assert_eq!(err.code, crate::error::ErrorCode::QueryTooComplex);
    }

    #[test]
    fn cost_multiplies_lists_by_their_pages_and_counts_searches_and_facets() {
        let cost_of = |q: &str, vars: serde_json::Value| {
            let doc = async_graphql::parser::parse_query(q).expect("parses");
            cost(&doc, None, &async_graphql::Variables::from_json(vars)).expect("one operation")
        };
        // articles: 1 + 5 * (nodes: 1 + 1 * (title: 1)) = 11
        assert_eq!(
            cost_of(
                "{ articles(first: 5) { nodes { title } } }",
                serde_json::json!({})
            ),
            Cost {
                complexity: 11,
                depth: 3,
                introspection_cycles: 0,
                nesting: 3
            }
        );
        // Defaults and variables give page sizes: 1 + 20 * 2 and 1 + 7 * 2.
        assert_eq!(
            cost_of("{ articles { nodes { title } } }", serde_json::json!({})).complexity,
            41
        );
        assert_eq!(
            cost_of(
                "query($n: Int = 3) { articles(first: $n) { nodes { title } } }",
                serde_json::json!({ "n": 7 })
            )
            .complexity,
            15
        );
        // A search in a nested filter, and facets, cost more.
        let searched = cost_of(
            "query($f: ArticleFilter) { articles(first: 1, filter: $f) { facets { kinds { count } } } }",
            serde_json::json!({ "f": { "or": [{ "search": "x" }, { "kind": "SUMMARY" }] } }),
        );
        // 1 + filter (three objects, one search) + facets (1 + 50 + kinds: 1 + 3 * count).
        assert_eq!(
            searched.complexity,
            1 + (3 + SEARCH_COST) + (1 + FACETS_COST + (1 + 3))
        );
        // The standard introspection query is deep but not circular; a circular one is.
        let standard = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }";
        let c = cost_of(standard, serde_json::json!({}));
        assert_eq!((c.depth, c.introspection_cycles), (1, 1));
        let circular = "{ __schema { types { fields { type { fields { type { fields { type { name } } } } } } } } }";
        assert_eq!(
            cost_of(circular, serde_json::json!({})).introspection_cycles,
            3
        );
        // Fragments count where they are spread.
        let doc = "{ ...F ...F } fragment F on Query { people(first: 2) { nodes { name } } }";
        assert_eq!(
            cost_of(doc, serde_json::json!({})).complexity,
            2 * (1 + 2 * 2)
        );
    }

    #[test]
    fn fragment_cycles_terminate() {
        let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert!(inspect(q, None).is_some());
    }
}
