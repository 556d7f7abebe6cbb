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
    };
    walk(doc, &op.node.selection_set.node, &mut shape, 0);
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
    fn fragment_cycles_terminate() {
        let q = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert!(inspect(q, None).is_some());
    }
}
