//! Checks on the text of an operation that run before async-graphql validates or
//! executes it: operation type, alias, field and directive counts (fragments expanded,
//! so a fragment spread many times counts many times). Depth and cost are enforced by
//! async-graphql's own validation, configured in [`super::build_schema`].

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

/// Parses `query` and measures the operation `operation_name` selects (the only one if
/// none is named). Unparseable text is left to async-graphql, which reports it.
pub fn inspect(query: &str, operation_name: Option<&str>) -> Option<Shape> {
    let doc = async_graphql::parser::parse_query(query).ok()?;
    measure(&doc, operation_name)
}

/// Measures the operation `operation_name` selects in a parsed document.
pub fn measure(doc: &ExecutableDocument, operation_name: Option<&str>) -> Option<Shape> {
    let op = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next()?,
        _ => return None,
    };
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
    fn fragment_cycles_terminate() {
        let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert!(inspect(q, None).is_some());
    }
}
