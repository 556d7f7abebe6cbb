//! Protection for ad-hoc use: every refusal is a GraphQL error with a stable code, and
//! one test per graphql-cop check.

use serde_json::{Value, json};

use crate::support::{TestApp, error_code};

async fn post_raw(app: &TestApp, content_type: &str, body: String) -> (u16, Value) {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON error body"))
}

#[tokio::test]
async fn text_plain_post_is_refused() {
    let app = TestApp::spawn().await;
    let (status, body) = post_raw(
        &app,
        "text/plain",
        r#"{"query":"{ articles { totalCount } }"}"#.into(),
    )
    .await;
    assert_eq!(status, 415);
    assert_eq!(error_code(&body), "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn urlencoded_and_multipart_posts_are_refused() {
    let app = TestApp::spawn().await;
    let (status, body) = post_raw(
        &app,
        "application/x-www-form-urlencoded",
        "query=%7B__typename%7D".into(),
    )
    .await;
    assert_eq!((status, error_code(&body)), (415, "UNSUPPORTED_MEDIA_TYPE"));
    let (status, body) = post_raw(
        &app,
        "multipart/form-data; boundary=x",
        "--x\r\n\r\n--x--".into(),
    )
    .await;
    assert_eq!((status, error_code(&body)), (415, "UNSUPPORTED_MEDIA_TYPE"));
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let (status, body) = post_raw(&app, "application/json", "{not json".into()).await;
    assert_eq!((status, error_code(&body)), (400, "BAD_REQUEST"));
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_do_not() {
    let app = TestApp::spawn().await;
    let ok: Value = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ articles { totalCount } }")])
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(ok["data"]["articles"]["totalCount"], 0);
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { __typename }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 10_000).await;
    let padding = "x".repeat(20_000);
    let body =
        json!({ "query": format!("{{ articles {{ totalCount }} }} # {padding}") }).to_string();
    let (status, body) = post_raw(&app, "application/json", body).await;
    assert_eq!((status, error_code(&body)), (413, "PAYLOAD_TOO_LARGE"));
}

#[tokio::test]
async fn batches_over_the_limit_are_refused_and_small_ones_answered() {
    let app = TestApp::spawn().await;
    let one = json!({ "query": "{ articles { totalCount } }" });
    let (status, body) = app.post_json(&Value::Array(vec![one.clone(); 100])).await;
    assert_eq!((status, error_code(&body)), (400, "QUERY_TOO_COMPLEX"));
    let (status, body) = app.post_json(&Value::Array(vec![one; 3])).await;
    assert_eq!(status, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(3));
    assert_eq!(body[2]["data"]["articles"]["totalCount"], 0);
}

#[tokio::test]
async fn alias_overloading_is_refused() {
    let app = TestApp::spawn().await;
    let aliases: Vec<String> = (0..500).map(|i| format!("a{i}: __typename")).collect();
    let response = app
        .gql(&format!("{{ {} }}", aliases.join(" ")), json!({}))
        .await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn field_duplication_is_refused() {
    let app = TestApp::spawn().await;
    let fields = vec!["totalCount"; 600].join(" ");
    let response = app
        .gql(&format!("{{ articles {{ {fields} }} }}"), json!({}))
        .await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn directive_overloading_is_refused() {
    let app = TestApp::spawn().await;
    let directives = vec!["@include(if: true)"; 60].join(" ");
    let response = app
        .gql(&format!("{{ __typename {directives} }}"), json!({}))
        .await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn deep_queries_are_refused_before_execution() {
    let app = TestApp::spawn().await;
    // 12 levels.
    let query = "{ articles { nodes { people { nodes { person { articles { nodes { people { nodes { person { name } } } } } } } } } } }";
    let before = app.statements();
    let response = app.gql(query, json!({})).await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
    assert_eq!(app.statements(), before, "nothing ran");
}

#[tokio::test]
async fn circular_introspection_is_refused() {
    let app = TestApp::spawn().await;
    let query = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
    let response = app.gql(query, json!({})).await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn costly_queries_are_refused_and_cost_is_reported() {
    let app = TestApp::spawn().await;
    let query = "{ articles(first: 100) { nodes { people(first: 100) { nodes { person { name aliases } } } } } }";
    let response = app.gql(query, json!({})).await;
    assert_eq!(error_code(&response), "QUERY_TOO_COMPLEX");
    let response = app
        .gql("{ articles(first: 5) { nodes { title } } }", json!({}))
        .await;
    let complexity = response["extensions"]["analyzer"]["complexity"]
        .as_u64()
        .expect("cost reported");
    assert!(complexity >= 5, "{response:#}");
}

#[tokio::test]
async fn introspection_and_suggestions_follow_configuration() {
    let open = TestApp::spawn().await;
    let response = open
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(response["data"]["__schema"]["queryType"]["name"], "Query");
    let response = open.gql("{ articlez { totalCount } }", json!({})).await;
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("Did you mean")
    );

    let closed = TestApp::spawn_with(|c| c.introspection = false).await;
    let response = closed
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(error_code(&response), "FORBIDDEN");
    let response = closed.gql("{ articlez { totalCount } }", json!({})).await;
    let message = response["errors"][0]["message"].as_str().expect("message");
    assert!(!message.contains("Did you mean"), "{message}");
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
}

#[tokio::test]
async fn read_connections_are_read_only_and_bounded_by_the_statement_timeout() {
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await;
    // Read connections carry the timeout and read-only mode from the moment they open.
    let db = news_archive::db::Db::new(
        &app.db.url,
        &app.db.url,
        1,
        std::time::Duration::from_millis(20),
    )
    .expect("pools");
    let conn = news_archive::db::request::RequestConn::new(&db);
    let result = {
        let mut c = conn.get().await.expect("connection");
        diesel::sql_query("SELECT pg_sleep(1)")
            .execute(&mut *c)
            .await
    };
    let err = news_archive::error::AppError::from(result.expect_err("cancelled"));
    assert_eq!(err.code.as_str(), "TIMEOUT");
    assert!(!err.message.contains("pg_sleep"));
    let write = {
        let mut c = conn.get().await.expect("connection");
        diesel::sql_query("CREATE TABLE t (x int)")
            .execute(&mut *c)
            .await
    };
    let message = write.expect_err("read-only").to_string();
    assert!(message.contains("read-only transaction"), "{message}");
    conn.finish().await;
}

/// A query literal nested `n` lists deep.
fn nested_list_query(n: usize) -> String {
    format!(
        "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
        "[".repeat(n),
        "]".repeat(n)
    )
}

/// `not` filters nested `n` deep in a query literal.
fn nested_not_query(n: usize) -> String {
    format!(
        "{{ articles(filter: {}{{ kind: SUMMARY }}{}) {{ totalCount }} }}",
        "{ not: ".repeat(n),
        " }".repeat(n)
    )
}

/// The server still answers a plain query.
async fn assert_alive(app: &TestApp) {
    let data = app.data("{ __typename }", json!({})).await;
    assert_eq!(data["__typename"], "Query");
}

#[tokio::test]
async fn deeply_nested_documents_are_refused_before_parsing_and_the_server_survives() {
    let app = TestApp::spawn().await;
    for query in [nested_list_query(1500), nested_not_query(1000)] {
        let (status, body) = app.post_json(&json!({ "query": query })).await;
        assert_eq!(
            (status, error_code(&body)),
            (400, "QUERY_TOO_COMPLEX"),
            "{body}"
        );
        assert_alive(&app).await;
    }
    // The same as a ~15 KB GET URL.
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", nested_list_query(3000))])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
    // Deep variables too (a `not` chain as JSON input).
    let mut filter = json!({ "kind": "SUMMARY" });
    for _ in 0..100 {
        filter = json!({ "not": filter });
    }
    let (status, body) = app
        .post_json(&json!({
            "query": "query($f: ArticleFilter) { articles(filter: $f) { totalCount } }",
            "variables": { "f": filter }
        }))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "QUERY_TOO_COMPLEX"),
        "{body}"
    );
    assert_alive(&app).await;
}

#[tokio::test]
async fn deeply_nested_documents_are_refused_with_anonymous_reads_off() {
    let app = TestApp::spawn_with(|c| c.anonymous_reads = false).await;
    let (status, body) = app
        .post_json(&json!({ "query": nested_list_query(3000) }))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (401, "UNAUTHENTICATED"),
        "{body}"
    );
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", nested_not_query(1000))])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 401);
    let (status, body) = app.post_json(&json!({ "query": "{ __typename }" })).await;
    assert_eq!((status, error_code(&body)), (401, "UNAUTHENTICATED"));
}

#[tokio::test]
async fn nesting_up_to_the_limit_is_answered_normally() {
    let app = TestApp::spawn().await;
    // Filters nested as deep as the filter limit allows are a user error, not a crash.
    let (_, body) = app
        .post_json(&json!({ "query": nested_not_query(20) }))
        .await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
    let data = app.data(&nested_not_query(6), json!({})).await;
    assert!(data["articles"]["totalCount"].is_i64());
}

#[tokio::test]
async fn search_snippets_are_safe_html_with_highlight_ranges() {
    use news_archive::auth::Role;
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let (status, response) = app
        .gql_as(
            &editor,
            "mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { userErrors { message } } }",
            json!({ "input": { "json": {
                "title": "Strait talks",
                "date": "2022-03-01",
                "body": "<img src=x onerror=alert(2)> Officials met over Taiwan on Monday & \u{E000}stayed\u{E001} late."
            } } }),
        )
        .await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(response["data"]["ingestArticle"]["userErrors"], json!([]));
    let data = app
        .data(
            "{ search(query: \"Taiwan\", types: [ARTICLE]) { snippet snippetText highlights { start end } } }",
            json!({}),
        )
        .await;
    let hit = &data["search"][0];
    let snippet = hit["snippet"].as_str().expect("snippet");
    assert!(!snippet.contains("<img"), "{snippet}");
    assert!(
        snippet.contains("&lt;img src=x onerror=alert(2)&gt;"),
        "{snippet}"
    );
    assert!(snippet.contains("<b>Taiwan</b>"), "{snippet}");
    assert!(snippet.contains("&amp;"), "{snippet}");
    // Marker characters in the article cannot forge a highlight.
    assert_eq!(snippet.matches("<b>").count(), 1, "{snippet}");
    let text = hit["snippetText"].as_str().expect("text");
    let ranges = hit["highlights"].as_array().expect("ranges");
    assert_eq!(ranges.len(), 1);
    let chars: Vec<char> = text.chars().collect();
    let (start, end) = (
        ranges[0]["start"].as_u64().expect("start") as usize,
        ranges[0]["end"].as_u64().expect("end") as usize,
    );
    assert_eq!(chars[start..end].iter().collect::<String>(), "Taiwan");
}

#[tokio::test]
async fn search_texts_are_bounded_in_length_and_words() {
    let app = TestApp::spawn().await;
    let long = "taiwan ".repeat(8000);
    let many = (0..20)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    for (query, variables) in [
        (
            "query($q: String!) { search(query: $q) { score } }",
            json!({ "q": long }),
        ),
        (
            "query($q: String!) { search(query: $q) { score } }",
            json!({ "q": many }),
        ),
        (
            "query($q: String!) { articles(filter: { search: $q }) { totalCount } }",
            json!({ "q": long }),
        ),
        (
            "query($q: String!) { quotes(filter: { search: $q }) { totalCount } }",
            json!({ "q": many }),
        ),
        (
            "query($q: String!) { people(search: $q) { totalCount } }",
            json!({ "q": long }),
        ),
    ] {
        let response = app.gql(query, variables).await;
        assert_eq!(
            error_code(&response),
            "BAD_USER_INPUT",
            "{query}: {response}"
        );
    }
    // A search costs more than a plain list in the cost model.
    let plain = app
        .gql("{ articles(first: 1) { totalCount } }", json!({}))
        .await;
    let searched = app
        .gql(
            "{ articles(first: 1, filter: { search: \"x\" }) { totalCount } }",
            json!({}),
        )
        .await;
    let cost = |r: &Value| {
        r["extensions"]["analyzer"]["complexity"]
            .as_u64()
            .expect("cost")
    };
    assert!(cost(&searched) >= cost(&plain) + 25, "{plain} {searched}");
}
