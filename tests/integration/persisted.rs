//! Persisted queries (Apollo APQ) over GET and POST, and trusted-documents mode, over
//! HTTP and the websocket; the limits still apply to stored documents.

use news_archive::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, error_code};

const QUERY: &str = "{ articles(first: 1) { totalCount } }";
/// `printf '%s' "$QUERY" | sha256sum`
const QUERY_HASH: &str = "c1fc49605679ec4952385036ed751969ee1849e7776cd9d2cc2b47137e92e343";

const DEEP: &str = "query Deep { articles(first: 1) { nodes { people(first: 1) { nodes { person { articles(first: 1) { nodes { title } } } } } } } }";

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// GET /graphql with only the hash in `extensions`.
async fn get_by_hash(app: &TestApp, hash: &str) -> (u16, Value) {
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", persisted(hash).to_string())])
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

async fn register(app: &TestApp, text: &str) -> String {
    let mut conn = app.db.conn().await;
    news_archive::documents::register(&mut conn, text)
        .await
        .expect("registered")
}

#[tokio::test]
async fn an_unknown_hash_is_not_found_until_sent_with_its_text_then_runs_over_get_and_post() {
    let app = TestApp::spawn().await;
    assert_eq!(news_archive::documents::hash(QUERY), QUERY_HASH);

    let (status, unknown) = get_by_hash(&app, QUERY_HASH).await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    let (_, unknown) = app
        .post_json(&json!({ "extensions": persisted(QUERY_HASH) }))
        .await;
    assert_eq!(error_code(&unknown), "PERSISTED_QUERY_NOT_FOUND");

    // The client retries with the text: it runs and is stored.
    let (status, first) = app
        .post_json(&json!({ "query": QUERY, "extensions": persisted(QUERY_HASH) }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["data"], json!({ "articles": { "totalCount": 0 } }));
    assert_eq!(
        app.db.count(&format!(
            "SELECT count(*) AS n FROM persisted_documents WHERE sha256 = '{QUERY_HASH}' AND NOT trusted"
        ))
        .await,
        1
    );

    // From now on the hash alone is enough, over GET and POST.
    let (status, by_get) = get_by_hash(&app, QUERY_HASH).await;
    assert_eq!(status, 200);
    assert_eq!(by_get["data"], json!({ "articles": { "totalCount": 0 } }));
    let (_, by_post) = app
        .post_json(&json!({ "extensions": persisted(QUERY_HASH) }))
        .await;
    assert_eq!(by_post["data"], json!({ "articles": { "totalCount": 0 } }));
}

#[tokio::test]
async fn a_hash_that_is_not_the_texts_or_malformed_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let wrong = "0".repeat(64);
    let (status, answer) = app
        .post_json(&json!({ "query": QUERY, "extensions": persisted(&wrong) }))
        .await;
    assert_eq!((status, error_code(&answer)), (400, "BAD_REQUEST"));
    let (status, answer) = app
        .post_json(&json!({ "query": QUERY, "extensions": { "persistedQuery": { "version": 2, "sha256Hash": QUERY_HASH } } }))
        .await;
    assert_eq!((status, error_code(&answer)), (400, "BAD_REQUEST"));
    let (status, answer) = get_by_hash(&app, "not-a-hash").await;
    assert_eq!((status, error_code(&answer)), (400, "BAD_REQUEST"));
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM persisted_documents")
            .await,
        0
    );
}

#[tokio::test]
async fn a_stored_document_still_passes_the_limits() {
    let app = TestApp::spawn_with(|c| c.max_depth = 4).await;
    let hash = register(&app, DEEP).await;
    let (status, answer) = app
        .post_json(&json!({ "extensions": persisted(&hash) }))
        .await;
    assert_eq!((status, error_code(&answer)), (400, "QUERY_TOO_COMPLEX"));
}

#[tokio::test]
async fn with_trusted_documents_only_registered_documents_run_over_http_and_websocket() {
    let app = TestApp::spawn_with(|c| c.trusted_documents_only = true).await;
    let hash = register(&app, QUERY).await;
    assert_eq!(hash, QUERY_HASH);

    // Registered: by hash (GET or POST) or as the same text.
    let (_, by_get) = get_by_hash(&app, QUERY_HASH).await;
    assert_eq!(by_get["data"], json!({ "articles": { "totalCount": 0 } }));
    let (_, by_text) = app.post_json(&json!({ "query": QUERY })).await;
    assert_eq!(by_text["data"], json!({ "articles": { "totalCount": 0 } }));

    // Anything else is forbidden, and a client cannot register it through APQ.
    let other = "{ articles(first: 2) { totalCount } }";
    let (status, refused) = app.post_json(&json!({ "query": other })).await;
    assert_eq!((status, error_code(&refused)), (403, "FORBIDDEN"));
    let other_hash = news_archive::documents::hash(other);
    let (status, refused) = app
        .post_json(&json!({ "query": other, "extensions": persisted(&other_hash) }))
        .await;
    assert_eq!((status, error_code(&refused)), (403, "FORBIDDEN"));
    let (status, refused) = get_by_hash(&app, &other_hash).await;
    assert_eq!((status, error_code(&refused)), (403, "FORBIDDEN"));
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM persisted_documents")
            .await,
        1
    );

    // The same on a websocket: the registered document runs, another is refused.
    let token = app.db.key(Role::Reader).await;
    let mut ws = app
        .websocket(json!({ "Authorization": format!("Bearer {token}") }))
        .await
        .expect("connected");
    ws.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": other } }))
        .await;
    let refused = ws.next().await.expect("a message");
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["id"], "1");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "FORBIDDEN");
    ws.send(json!({ "id": "2", "type": "subscribe",
                    "payload": { "query": "", "extensions": persisted(QUERY_HASH) } }))
        .await;
    let (id, payload) = ws.next_data().await;
    assert_eq!(id, "2");
    assert_eq!(payload["data"], json!({ "articles": { "totalCount": 0 } }));
}
