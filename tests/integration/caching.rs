//! HTTP caching: anonymous GET reads carry an ETag and max-age and revalidate to 304;
//! keyed requests, POSTs and mutations are never stored.

use news_archive::auth::Role;
use serde_json::json;

use crate::support::TestApp;
use crate::support::fixtures::{fixture_text, ingest_one};

const QUERY: &str = "{ articles(first: 1) { totalCount } }";

async fn get(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", QUERY)]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("sent")
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ascii").to_owned())
}

#[tokio::test]
async fn anonymous_get_reads_revalidate_with_their_etag_until_the_data_changes() {
    let app = TestApp::spawn().await;
    let first = get(&app, &[]).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        header(&first, "cache-control").as_deref(),
        Some("public, max-age=60")
    );
    assert_eq!(header(&first, "vary").as_deref(), Some("Authorization"));
    let etag = header(&first, "etag").expect("an ETag");
    assert_eq!(etag.len(), 34, "{etag}");
    let body: serde_json::Value = first.json().await.expect("JSON");
    assert_eq!(body["data"], json!({ "articles": { "totalCount": 0 } }));

    // The same answer: 304, no body, the same validators.
    let again = get(&app, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, "etag").as_deref(), Some(etag.as_str()));
    assert_eq!(
        header(&again, "cache-control").as_deref(),
        Some("public, max-age=60")
    );
    assert!(again.bytes().await.expect("body").is_empty());

    // A new article changes the answer, so the old tag no longer matches.
    ingest_one(&app, &fixture_text("korea_relations.txt"), "korea").await;
    let changed = get(&app, &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(header(&changed, "etag").as_deref(), Some(etag.as_str()));
    let body: serde_json::Value = changed.json().await.expect("JSON");
    assert_eq!(body["data"], json!({ "articles": { "totalCount": 1 } }));
}

#[tokio::test]
async fn keyed_reads_posts_mutations_and_refusals_are_never_stored() {
    let app = TestApp::spawn().await;
    let token = app.db.key(Role::Editor).await;
    let bearer = format!("Bearer {token}");

    let keyed = get(&app, &[("authorization", &bearer)]).await;
    assert_eq!(keyed.status(), 200);
    assert_eq!(
        header(&keyed, "cache-control").as_deref(),
        Some("private, no-store")
    );
    assert_eq!(header(&keyed, "etag"), None);

    let post = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("sent");
    assert_eq!(post.status(), 200);
    assert_eq!(header(&post, "cache-control").as_deref(), Some("no-store"));
    assert_eq!(header(&post, "etag"), None);

    let mutation = app
        .client
        .post(app.url("/graphql"))
        .header("authorization", &bearer)
        .json(&json!({ "query": "mutation($raw: String!) { ingestArticle(input: { raw: $raw }) { outcome } }",
                       "variables": { "raw": fixture_text("korea_relations.txt") } }))
        .send()
        .await
        .expect("sent");
    assert_eq!(mutation.status(), 200);
    assert_eq!(
        header(&mutation, "cache-control").as_deref(),
        Some("no-store")
    );

    let refused = app
        .client
        .get(app.url("/graphql"))
        .query(&[(
            "query",
            "mutation { deleteArticle(input: { id: \"x\" }) { deletedArticleId } }",
        )])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 405);
    assert_eq!(
        header(&refused, "cache-control").as_deref(),
        Some("no-store")
    );
    assert_eq!(header(&refused, "etag"), None);

    let failed = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ nope }")])
        .send()
        .await
        .expect("sent");
    assert_eq!(
        header(&failed, "cache-control").as_deref(),
        Some("no-store")
    );
    assert_eq!(header(&failed, "etag"), None);
}

#[tokio::test]
async fn max_age_comes_from_http_cache_max_age() {
    let app = TestApp::spawn_with(|c| c.http_cache_max_age = 300).await;
    let response = get(&app, &[]).await;
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("public, max-age=300")
    );
    let app = TestApp::spawn_with(|c| c.http_cache_max_age = 0).await;
    let response = get(&app, &[]).await;
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("public, no-cache")
    );
    assert!(header(&response, "etag").is_some());
}
