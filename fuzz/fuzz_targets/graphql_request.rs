//! The GraphQL request path as the HTTP handler runs it, without a database: the body
//! read as a (batch) request, the checks on the text (nesting, NUL characters), parsing,
//! the alias / field / directive limits, depth and cost, then async-graphql's validation
//! and execution on a schema with no data (resolvers that need the database fail with
//! INTERNAL at once). Nothing may panic or overflow the stack.
#![no_main]

use std::sync::LazyLock;

use async_graphql::BatchRequest;
use libfuzzer_sys::fuzz_target;
use news_archive::graphql::{self, ArchiveSchema, limits};

static SCHEMA: LazyLock<ArchiveSchema> = LazyLock::new(graphql::bare_schema);
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
});

const LIMITS: limits::TextLimits = limits::TextLimits {
    max_aliases: 30,
    max_fields: 500,
    max_depth: 10,
    max_cost: 5000,
};

fn run(request: async_graphql::Request) {
    let mut request = request;
    if limits::check_request_nesting(&request).is_err()
        || limits::check_request_strings(&request).is_err()
    {
        return;
    }
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else {
        // async-graphql reports the syntax error itself.
        let _ = RUNTIME.block_on(SCHEMA.execute(request));
        return;
    };
    if limits::check_document_strings(&doc).is_err() {
        return;
    }
    if let Some(shape) = limits::measure(&doc, request.operation_name.as_deref()) {
        if limits::check(&shape, LIMITS).is_err() {
            return;
        }
        if let Some(cost) =
            limits::cost(&doc, request.operation_name.as_deref(), &request.variables)
            && limits::check_cost(cost, LIMITS).is_err()
        {
            return;
        }
    }
    request.set_parsed_query(doc);
    let _ = RUNTIME.block_on(SCHEMA.execute(request));
}

fuzz_target!(|data: &[u8]| {
    // The body of a POST, as the handler reads it.
    if let Ok(batch) = serde_json::from_slice::<BatchRequest>(data) {
        match batch {
            BatchRequest::Single(r) => run(r),
            BatchRequest::Batch(rs) => rs.into_iter().take(10).for_each(run),
        }
    }
    // The same bytes as the text of a query (a GET's `query`).
    if let Ok(text) = std::str::from_utf8(data) {
        run(async_graphql::Request::new(text));
    }
});
