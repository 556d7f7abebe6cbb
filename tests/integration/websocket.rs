//! Websockets: every operation on a socket passes the checks of an HTTP request, and a
//! revoked key stops working at once, on every socket opened with it.

use news_archive::auth::Role;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::writes::{SEED, Ws};

const ARTICLE_ADDED: &str = "subscription { articleAdded { id title } }";

const DELETE: &str = "mutation($id: ID!) { deleteArticle(input: { id: $id }) {
    deletedArticleId userErrors { message } } }";

/// Revokes the key with this token directly in the database (as `archive keys revoke`
/// or an admin's mutation would: the trigger notifies the servers).
async fn revoke(app: &TestApp, token: &str) {
    app.db
        .execute(&format!(
            "UPDATE api_keys SET revoked_at = now() WHERE token_prefix = '{}'",
            &token[..10]
        ))
        .await;
}

async fn connect(app: &TestApp, token: &str) -> Ws {
    app.websocket(json!({ "Authorization": format!("Bearer {token}") }))
        .await
        .expect("connected")
}

/// The next message, which must be the socket closing: its code and reason.
async fn closed(ws: &mut Ws) -> String {
    match ws.next().await {
        Err(reason) => reason,
        Ok(message) => panic!("expected the socket to close, got {message}"),
    }
}

#[tokio::test]
async fn revoking_a_key_closes_its_sockets_with_4403_and_stops_their_subscriptions() {
    let app = TestApp::spawn().await;
    let reader = app.db.key(Role::Reader).await;
    let other = app.db.key(Role::Reader).await;
    let editor = app.db.key(Role::Editor).await;
    let mut revoked_ws = connect(&app, &reader).await;
    let mut kept_ws = connect(&app, &other).await;
    revoked_ws.subscribe("1", ARTICLE_ADDED, json!({})).await;
    kept_ws.subscribe("1", ARTICLE_ADDED, json!({})).await;

    revoke(&app, &reader).await;
    let reason = closed(&mut revoked_ws).await;
    assert!(reason.starts_with("4403 UNAUTHENTICATED"), "{reason}");

    // The other key's subscription still receives new articles.
    let id = app.ingest_seed(&editor).await;
    let (sub, payload) = kept_ws.next_data().await;
    assert_eq!(sub, "1");
    assert_eq!(payload["data"]["articleAdded"]["id"], json!(id));
    // And the revoked key cannot open a new socket.
    let refused = app
        .websocket(json!({ "Authorization": format!("Bearer {reader}") }))
        .await
        .err()
        .expect("refused");
    assert!(refused.starts_with("4403 UNAUTHENTICATED"), "{refused}");
}

#[tokio::test]
async fn a_mutation_sent_on_a_socket_after_its_key_was_revoked_changes_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let id = app.ingest_seed(&editor).await;
    let mut ws = connect(&app, &editor).await;
    revoke(&app, &editor).await;
    // Sent at once: whether the socket is already closing or not, it must not run.
    ws.send(json!({
        "id": "delete", "type": "subscribe",
        "payload": { "query": DELETE, "variables": { "id": id } }
    }))
    .await;
    let answer = ws.next().await;
    match &answer {
        Err(reason) => assert!(reason.starts_with("4403"), "{reason}"),
        Ok(message) => panic!("the mutation was answered: {message}"),
    }
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 1);
}

#[tokio::test]
async fn a_mutation_over_a_socket_with_a_live_key_runs() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let id = app.ingest_seed(&editor).await;
    let mut ws = connect(&app, &editor).await;
    ws.send(json!({
        "id": "delete", "type": "subscribe",
        "payload": { "query": DELETE, "variables": { "id": id } }
    }))
    .await;
    let (sub, payload) = ws.next_data().await;
    assert_eq!(sub, "delete");
    assert_eq!(
        payload["data"]["deleteArticle"],
        json!({ "deletedArticleId": id, "userErrors": [] })
    );
    let complete = ws.next().await.expect("complete");
    assert_eq!(complete, json!({ "type": "complete", "id": "delete" }));
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 0);
}

#[tokio::test]
async fn operations_on_a_socket_are_admitted_like_http_requests() {
    let app = TestApp::spawn().await;
    let reader = app.db.key(Role::Reader).await;
    let mut ws = connect(&app, &reader).await;
    let error_of = |message: Value| {
        assert_eq!(message["type"], "error", "{message}");
        message["payload"][0]["extensions"]["code"]
            .as_str()
            .expect("a code")
            .to_owned()
    };
    // Nested beyond the limit: refused before parsing, the socket stays open.
    let deep = format!(
        "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    ws.subscribe("deep", &deep, json!({})).await;
    assert_eq!(
        error_of(ws.next().await.expect("error")),
        "QUERY_TOO_COMPLEX"
    );
    // A reader's mutation is forbidden, as over HTTP.
    ws.subscribe("delete", DELETE, json!({ "id": "QXJ0aWNsZTox" }))
        .await;
    assert_eq!(error_of(ws.next().await.expect("error")), "FORBIDDEN");
    // At most MAX_OPERATIONS at once.
    let max = news_archive::http::MAX_WS_OPERATIONS;
    for i in 0..max {
        ws.subscribe(&format!("s{i}"), ARTICLE_ADDED, json!({}))
            .await;
    }
    ws.subscribe("one-too-many", ARTICLE_ADDED, json!({})).await;
    let refusal = ws.next().await.expect("error");
    assert_eq!(refusal["id"], "one-too-many");
    assert_eq!(error_of(refusal), "QUERY_TOO_COMPLEX");
    // A query still runs and completes.
    ws.send(json!({ "id": "q", "type": "complete" })).await;
    ws.send(json!({ "id": "s0", "type": "complete" })).await;
    ws.subscribe("q", "{ articles { totalCount } }", json!({}))
        .await;
    let (sub, payload) = ws.next_data().await;
    assert_eq!(sub, "q");
    assert_eq!(payload["data"]["articles"]["totalCount"], 0);
}

#[tokio::test]
async fn the_legacy_graphql_ws_protocol_still_works() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let mut ws = Ws::connect_legacy(app.addr).await.expect("connected");
    ws.send(json!({ "id": "1", "type": "start", "payload": { "query": ARTICLE_ADDED } }))
        .await;
    // Let the subscription start before the article is added: a query on the same
    // socket is answered after the start was processed.
    ws.send(json!({ "id": "2", "type": "start", "payload": { "query": "{ __typename }" } }))
        .await;
    let data = ws.next().await.expect("data");
    assert_eq!(data["type"], "data");
    assert_eq!(data["id"], "2");
    assert_eq!(ws.next().await.expect("complete")["type"], "complete");
    let id = app.ingest_seed(&editor).await;
    let data = ws.next().await.expect("data");
    assert_eq!(
        (data["type"].as_str(), data["id"].as_str()),
        (Some("data"), Some("1"))
    );
    assert_eq!(data["payload"]["data"]["articleAdded"]["id"], json!(id));
    let _ = SEED;
}

/// The ids of `n` articles delivered on `ws` under subscription `id`.
async fn delivered(ws: &mut Ws, id: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let (sub, payload) = ws.next_data().await;
        assert_eq!(sub, id);
        ids.push(
            payload["data"]["articleAdded"]["id"]
                .as_str()
                .expect("an id")
                .to_owned(),
        );
    }
    ids
}

/// The global IDs of the feed's articles, in commit order, after position `after`.
async fn feed_order(app: &TestApp, after: i64) -> Vec<String> {
    let ids = crate::support::fixtures::ids(
        &app.db,
        &format!("SELECT article_id AS id FROM article_feed WHERE seq > {after} ORDER BY seq"),
    )
    .await;
    ids.into_iter()
        .map(|n| {
            news_archive::graphql::ids::encode(news_archive::graphql::ids::NodeType::Article, n).0
        })
        .collect()
}

/// Distinct print views (different titles, so different articles).
fn articles(n: usize, tag: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            SEED.replace(
                "Xi instructed to “support Russia” over Western sanctions",
                &format!("Feed check {tag} {i}"),
            )
        })
        .collect()
}

const INGEST: &str = "mutation($raw: String!) { ingestArticle(input: { raw: $raw }) { article { id } userErrors { message } } }";

#[tokio::test]
async fn every_article_committed_after_a_subscription_starts_arrives_once_in_commit_order() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    // Something committed before the subscription: it must not be replayed.
    let texts = articles(1, "before");
    app.gql_as(&editor, INGEST, json!({ "raw": texts[0] }))
        .await;
    let mut ws = app.websocket(json!({})).await.expect("connected");
    ws.subscribe("s", ARTICLE_ADDED, json!({})).await;
    let start = app
        .db
        .count("SELECT coalesce(max(seq), 0) AS n FROM article_feed")
        .await;
    // Concurrent ingests: commit order is whatever the database decides.
    let texts = articles(8, "concurrent");
    let ingests = texts
        .iter()
        .map(|t| app.gql_as(&editor, INGEST, json!({ "raw": t })));
    for (status, response) in futures_util::future::join_all(ingests).await {
        assert_eq!(status, 200, "{response}");
    }
    let got = delivered(&mut ws, "s", 8).await;
    assert_eq!(got, feed_order(&app, start).await);
    // A second subscription on the same socket starts now: no replay of the eight.
    ws.subscribe("later", ARTICLE_ADDED, json!({})).await;
    let one = articles(1, "after");
    let (_, response) = app.gql_as(&editor, INGEST, json!({ "raw": one[0] })).await;
    let id = response["data"]["ingestArticle"]["article"]["id"].clone();
    let mut got: Vec<(String, Value)> = Vec::new();
    for _ in 0..2 {
        let (sub, payload) = ws.next_data().await;
        got.push((sub, payload["data"]["articleAdded"]["id"].clone()));
    }
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        vec![("later".to_owned(), id.clone()), ("s".to_owned(), id)]
    );
}

#[tokio::test]
async fn articles_added_while_the_listener_reconnects_are_delivered() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let mut ws = app.websocket(json!({})).await.expect("connected");
    ws.subscribe("s", ARTICLE_ADDED, json!({})).await;
    let start = app
        .db
        .count("SELECT coalesce(max(seq), 0) AS n FROM article_feed")
        .await;
    // Cut this server's listening connection, then add articles at once, while it
    // reconnects: their notifications are lost, the articles must not be.
    let cut = app
        .db
        .count(&format!(
            "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE datname = '{}' AND application_name = '{}'",
            app.db.name,
            news_archive::db::notify::LISTENER_NAME
        ))
        .await;
    assert_eq!(cut, 1);
    for text in articles(3, "outage") {
        let (status, response) = app.gql_as(&editor, INGEST, json!({ "raw": text })).await;
        assert_eq!(status, 200, "{response}");
    }
    let got = delivered(&mut ws, "s", 3).await;
    assert_eq!(got, feed_order(&app, start).await);
}

#[tokio::test]
async fn subscriptions_read_new_articles_from_the_primary_not_a_lagging_replica() {
    // A "replica" that never receives anything: reads of queries go there, the feed
    // must still deliver what the primary committed.
    let replica = crate::support::TestDb::new().await;
    let url = replica.url.clone();
    let app = TestApp::spawn_with(move |c| c.read_database_urls = vec![url]).await;
    let editor = app.db.key(Role::Editor).await;
    let mut ws = app.websocket(json!({})).await.expect("connected");
    ws.subscribe("s", ARTICLE_ADDED, json!({})).await;
    let id = app.ingest_seed(&editor).await;
    let (sub, payload) = ws.next_data().await;
    assert_eq!(sub, "s");
    assert_eq!(payload["data"]["articleAdded"]["id"], json!(id));
    // Queries do read the replica (empty): the split is real.
    let data = app.data("{ articles { totalCount } }", json!({})).await;
    assert_eq!(data["articles"]["totalCount"], 0);
}
