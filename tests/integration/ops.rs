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

#[tokio::test]
async fn websocket_operations_are_counted_and_subscriptions_while_they_run() {
    let app = TestApp::spawn_with(|c| c.max_aliases = 1).await;
    let reader = app.db.key(news_archive::auth::Role::Reader).await;
    let mut ws = app
        .websocket(json!({ "Authorization": format!("Bearer {reader}") }))
        .await
        .expect("connected");
    let refused = |message: Value| {
        assert_eq!(message["type"], "error", "{message}");
        assert_eq!(
            message["payload"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{message}"
        );
    };
    ws.subscribe(
        "feed",
        "subscription Feed { articleAdded { id } }",
        json!({}),
    )
    .await;
    // Messages are handled in order: when this query's answer comes, the subscription
    // above has started.
    ws.subscribe("q", "query WsCount { articles { totalCount } }", json!({}))
        .await;
    let (id, payload) = ws.next_data().await;
    assert_eq!(id, "q");
    assert_eq!(payload["data"]["articles"]["totalCount"], 0);
    let complete = ws.next().await.expect("complete");
    assert_eq!(complete, json!({ "type": "complete", "id": "q" }));
    ws.subscribe(
        "r1",
        "query WsAliased { a: articles { totalCount } b: articles { totalCount } }",
        json!({}),
    )
    .await;
    refused(ws.next().await.expect("an error"));
    ws.subscribe(
        "r2",
        "subscription FeedAliased { a: articleAdded { id } b: articleAdded { id } }",
        json!({}),
    )
    .await;
    refused(ws.next().await.expect("an error"));

    let text = metrics(&app).await;
    assert_lines(
        &text,
        &[
            "archive_graphql_requests_total{operation=\"WsCount\",outcome=\"ok\"} 1",
            "archive_graphql_request_statements_sum{operation=\"WsCount\"} 1",
            "archive_graphql_requests_total{operation=\"WsAliased\",outcome=\"refused\"} 1",
            "# TYPE archive_graphql_subscriptions_total counter",
            "archive_graphql_subscriptions_total{operation=\"Feed\",outcome=\"ok\"} 1",
            "archive_graphql_subscriptions_total{operation=\"FeedAliased\",outcome=\"refused\"} 1",
            "# TYPE archive_graphql_subscriptions_active gauge",
            "archive_graphql_subscriptions_active 1",
        ],
    );
    // Neither a subscription counted as a request, nor the other way round.
    assert!(!text.contains("requests_total{operation=\"Feed"), "{text}");
    assert!(
        !text.contains("subscriptions_total{operation=\"WsCount\""),
        "{text}"
    );

    // Stopped by the client: no longer running once the next operation is answered.
    ws.send(json!({ "id": "feed", "type": "complete" })).await;
    ws.subscribe("q2", "query WsCount { articles { totalCount } }", json!({}))
        .await;
    assert_eq!(ws.next_data().await.0, "q2");
    assert_lines(
        &metrics(&app).await,
        &[
            "archive_graphql_requests_total{operation=\"WsCount\",outcome=\"ok\"} 2",
            "archive_graphql_subscriptions_active 0",
        ],
    );
}

#[tokio::test]
async fn while_requests_wait_too_long_for_a_connection_new_ones_are_refused_at_once() {
    use diesel_async::SimpleAsyncConnection;
    use std::time::{Duration, Instant};
    let pool_wait = Duration::from_millis(1500);
    let app = TestApp::spawn_with(|c| {
        c.pool_size = 1;
        c.db_timeouts.pool_wait = pool_wait;
        c.pool_shed_wait = Duration::from_millis(200);
    })
    .await;
    let query = json!({ "query": "{ articles(first: 1) { totalCount } }" });
    let send = || {
        app.client
            .post(app.url("/graphql"))
            .json(&query)
            .timeout(Duration::from_secs(30))
            .send()
    };
    let waiting_for_the_pool = |n: usize| {
        let line = format!("archive_db_pool_waiting{{pool=\"primary\",access=\"read\"}} {n}");
        let app = &app;
        async move {
            crate::support::cluster::eventually(
                Duration::from_secs(30),
                "requests to wait for the pool",
                || async { metrics(app).await.lines().any(|l| l == line).then_some(()) },
            )
            .await;
        }
    };
    // The pool's one connection runs a statement that waits for a lock this test holds.
    let mut lock = app.db.conn().await;
    lock.batch_execute("BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let running = tokio::spawn(send());
    crate::support::cluster::eventually(
        Duration::from_secs(30),
        "the first request to wait for the lock",
        || async {
            (app.db
                .count("SELECT count(*) AS n FROM pg_locks WHERE NOT granted")
                .await
                > 0)
            .then_some(())
        },
    )
    .await;
    // Requests that queue for the connection until their wait times out: a queue that
    // does not drain in time. They are admitted (nothing waited before them).
    let timed_out: Vec<_> = (0..8).map(|_| tokio::spawn(send())).collect();
    for request in timed_out {
        let response = request.await.expect("task").expect("answered");
        assert_eq!(response.status(), 503);
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(
            crate::support::error_code(&body),
            "SERVICE_UNAVAILABLE",
            "{body}"
        );
    }
    // One more waits; the next one is refused without waiting.
    let queued = tokio::spawn(send());
    waiting_for_the_pool(1).await;
    let asked = Instant::now();
    let refused = send().await.expect("answered");
    let took = asked.elapsed();
    assert_eq!(refused.status(), 503);
    assert_eq!(
        refused
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(crate::support::error_code(&body), "SERVER_BUSY", "{body}");
    assert!(took < pool_wait / 2, "refused after {took:?}");

    lock.batch_execute("COMMIT").await.expect("unlock");
    let response = running.await.expect("task").expect("answered");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["data"]["articles"]["totalCount"], 0, "{body}");
    let _ = queued.await;
    assert_lines(
        &metrics(&app).await,
        &["archive_graphql_requests_total{operation=\"anonymous\",outcome=\"refused\"} 1"],
    );
}
