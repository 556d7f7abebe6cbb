//! Operations: `/metrics` by operation and outcome, statements per request, pool
//! gauges, request ids.

use serde_json::{Value, json};

use crate::support::TestApp;

/// The `/metrics` text.
async fn metrics(app: &TestApp) -> String {
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics answer");
    assert_eq!(response.status(), 200);
    response.text().await.expect("metrics text")
}

/// Asserts that every line is in the scrape.
fn assert_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(
            text.lines().any(|l| l == *line),
            "no line {line:?} in\n{text}"
        );
    }
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome_with_their_statements() {
    let app = TestApp::spawn_with(|c| c.max_aliases = 1).await;
    let counted = app
        .data("query CountArticles { articles { totalCount } }", json!({}))
        .await;
    assert_eq!(counted["articles"]["totalCount"], 0);
    // A field that does not exist: a validation error, the caller's fault.
    let broken = app.gql("query Broken { nope }", json!({})).await;
    assert_eq!(crate::support::error_code(&broken), "BAD_USER_INPUT");
    // No name: anonymous; a name from the request is cleaned to [A-Za-z0-9_].
    app.data("{ articles { totalCount } }", json!({})).await;
    let (_, unknown) = app
        .post_json(&json!({
            "query": "query Real { articles { totalCount } }",
            "operationName": "no such-op!\"",
        }))
        .await;
    assert_eq!(crate::support::error_code(&unknown), "BAD_USER_INPUT");
    // Over the alias limit: refused before it runs, under the document's name.
    let (status, refused) = app
        .post_json(&json!({
            "query": "query Aliased { a: articles { totalCount } b: articles { totalCount } }",
        }))
        .await;
    assert_eq!(status, 400);
    assert_eq!(crate::support::error_code(&refused), "QUERY_TOO_COMPLEX");

    let text = metrics(&app).await;
    assert_lines(
        &text,
        &[
            "# TYPE archive_graphql_requests_total counter",
            "archive_graphql_requests_total{operation=\"CountArticles\",outcome=\"ok\"} 1",
            "archive_graphql_requests_total{operation=\"Broken\",outcome=\"user_error\"} 1",
            "archive_graphql_requests_total{operation=\"anonymous\",outcome=\"ok\"} 1",
            "archive_graphql_requests_total{operation=\"no_such_op__\",outcome=\"user_error\"} 1",
            "archive_graphql_requests_total{operation=\"Aliased\",outcome=\"refused\"} 1",
            "# TYPE archive_graphql_request_duration_seconds histogram",
            "archive_graphql_request_duration_seconds_count{operation=\"CountArticles\",outcome=\"ok\"} 1",
            "archive_graphql_request_duration_seconds_bucket{operation=\"CountArticles\",outcome=\"ok\",le=\"+Inf\"} 1",
            "archive_graphql_request_duration_seconds_count{operation=\"Broken\",outcome=\"user_error\"} 1",
            // One root field is one statement; a request that does not run sends none.
            "# TYPE archive_graphql_request_statements histogram",
            "archive_graphql_request_statements_sum{operation=\"CountArticles\"} 1",
            "archive_graphql_request_statements_bucket{operation=\"CountArticles\",le=\"0\"} 0",
            "archive_graphql_request_statements_bucket{operation=\"CountArticles\",le=\"1\"} 1",
            "archive_graphql_request_statements_sum{operation=\"Broken\"} 0",
            "archive_graphql_request_statements_sum{operation=\"Aliased\"} 0",
            "archive_graphql_refused_total 1",
        ],
    );
    assert!(!text.contains("operation=\"Real\""), "{text}");
    assert!(
        !text.contains("CountArticles\",outcome=\"user_error"),
        "{text}"
    );
}

#[tokio::test]
async fn metrics_show_every_pool_with_its_configured_size() {
    let app = TestApp::spawn_with(|c| {
        c.pool_size = 3;
        // The same database as a replica: a read pool of its own.
        c.read_database_urls = vec![c.database_url.clone()];
    })
    .await;
    app.data("{ articles { totalCount } }", json!({})).await;
    let replica = format!("127.0.0.1:5432 (database {})", app.db.name);
    let text = metrics(&app).await;
    assert_lines(
        &text,
        &[
            "# TYPE archive_db_pool_max_size gauge",
            "archive_db_pool_max_size{pool=\"primary\",access=\"write\"} 3",
            "archive_db_pool_max_size{pool=\"primary\",access=\"read\"} 3",
            &format!("archive_db_pool_max_size{{pool=\"{replica}\",access=\"read\"}} 3"),
            "archive_db_pool_waiting{pool=\"primary\",access=\"write\"} 0",
        ],
    );
    for gauge in ["archive_db_pool_connections", "archive_db_pool_available"] {
        let series = text
            .lines()
            .filter(|l| l.starts_with(&format!("{gauge}{{")))
            .count();
        assert_eq!(series, 3, "{gauge} in\n{text}");
    }
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let ask = |id: Option<&'static str>| {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": "{ articles { totalCount } }" }));
        if let Some(id) = id {
            request = request.header("X-Request-Id", id);
        }
        async move {
            let response = request.send().await.expect("answer");
            assert_eq!(response.status(), 200);
            let id = response
                .headers()
                .get("x-request-id")
                .expect("a request id")
                .to_str()
                .expect("ascii")
                .to_owned();
            let _: Value = response.json().await.expect("json");
            id
        }
    };
    assert_eq!(ask(Some("lb-7f3a.01_x")).await, "lb-7f3a.01_x");
    let generated = ask(None).await;
    assert_eq!(generated.len(), 32, "{generated}");
    assert!(
        generated.chars().all(|c| c.is_ascii_hexdigit()),
        "{generated}"
    );
    assert_ne!(ask(None).await, generated);
    // Not a plausible id (a space; too long): replaced.
    let replaced = ask(Some("two words")).await;
    assert_eq!(replaced.len(), 32, "{replaced}");
    let long: &'static str = "a".repeat(65).leak();
    assert_eq!(ask(Some(long)).await.len(), 32);
    // Every route has one.
    let health = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "probe-1")
        .send()
        .await
        .expect("answer");
    assert_eq!(health.headers().get("x-request-id").expect("id"), "probe-1");
}
