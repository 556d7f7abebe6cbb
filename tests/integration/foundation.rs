//! Start-up, migrations, the generated schema, health, and the first slice of the API.

use serde_json::json;

use crate::support::{TestApp, TestDb, error_code, url_for};

/// Inserts an article row directly (ingest has its own tests).
async fn insert_article(db: &TestDb, n: u32, date: &str) {
    db.execute(&format!(
        "WITH raw AS (INSERT INTO raw_documents (content, content_hash, format)
                      VALUES ('text {n}', sha256('text {n}'), 'PRINT') RETURNING id)
         INSERT INTO articles (slug, raw_document_id, title, kind, published_on, paragraphs,
                               word_count, extractor_version)
         SELECT 'article-{n}', raw.id, 'Article {n}', 'TRANSLATION', DATE '{date}',
                ARRAY['Body of article {n}.'], 4, 'test' FROM raw"
    ))
    .await;
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(health.status(), 200);
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready");
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("sent");
    let text = metrics.text().await.expect("body");
    assert!(text.contains("archive_sql_statements_total"), "{text}");
}

#[tokio::test]
async fn graphiql_is_served_at_the_root() {
    let app = TestApp::spawn().await;
    let page = app.client.get(app.url("/")).send().await.expect("sent");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("body").contains("graphiql"));
}

#[tokio::test]
async fn empty_archive_counts_zero_articles() {
    let app = TestApp::spawn().await;
    let before = app.statements();
    let data = app
        .data(
            "{ articles(first: 1) { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data,
        json!({ "articles": { "totalCount": 0, "nodes": [] } })
    ); // One statement: the page and its count.
    assert_eq!(app.statements() - before, 1);
}

#[tokio::test]
async fn committed_schema_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql exists");
    assert!(
        committed == news_archive::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -- print-schema > schema.graphql`"
    );
}

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    let db = TestDb::unborn();
    news_archive::db::prepare(&db.url)
        .await
        .expect("create and migrate");
    let reverted = news_archive::db::revert_all_migrations(&db.url)
        .await
        .expect("down");
    assert!(reverted >= 4, "reverted {reverted}");
    let applied = news_archive::db::run_migrations(&db.url)
        .await
        .expect("up again");
    assert_eq!(applied, reverted);
    // And the schema works after the round trip.
    insert_article(&db, 1, "2024-01-01").await;
}

#[tokio::test]
async fn start_up_creates_a_missing_database() {
    let db = TestDb::unborn();
    news_archive::db::prepare(&db.url).await.expect("created");
    // A second start finds it and has nothing to apply.
    assert_eq!(
        news_archive::db::run_migrations(&db.url)
            .await
            .expect("up to date"),
        0
    );
    let app = TestApp::spawn_on(db, |_| {}).await;
    let data = app.data("{ articles { totalCount } }", json!({})).await;
    assert_eq!(data["articles"]["totalCount"], 0);
}

#[tokio::test]
async fn unreachable_postgres_is_one_clear_line() {
    let err = news_archive::db::prepare("postgres://127.0.0.1:1/news_archive")
        .await
        .expect_err("nothing listens on port 1");
    let message = format!("{err:#}");
    assert!(
        message.starts_with("cannot reach PostgreSQL at 127.0.0.1:1 (database news_archive)"),
        "{message}"
    );
    assert!(message.contains("DATABASE_URL"), "{message}");
    assert!(!message.contains('\n'), "{message}");
    let _ = url_for("unused");
}

#[tokio::test]
async fn articles_page_newest_first_across_equal_dates() {
    let app = TestApp::spawn().await;
    for (n, date) in [
        (1, "2024-01-01"),
        (2, "2024-01-02"),
        (3, "2024-01-02"),
        (4, "2024-01-02"),
        (5, "2024-01-03"),
    ] {
        insert_article(&app.db, n, date).await;
    }
    let query = "query($after: String) { articles(first: 2, after: $after) {
        totalCount edges { cursor node { title publishedOn } }
        pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let mut titles = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let data = app.data(query, json!({ "after": after })).await;
        let conn = &data["articles"];
        assert_eq!(conn["totalCount"], 5);
        for edge in conn["edges"].as_array().expect("edges") {
            titles.push(edge["node"]["title"].as_str().expect("title").to_owned());
        }
        if !conn["pageInfo"]["hasNextPage"].as_bool().expect("bool") {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    // Newest first; equal dates by id, highest first; nothing repeated or skipped.
    assert_eq!(
        titles,
        [
            "Article 5",
            "Article 4",
            "Article 3",
            "Article 2",
            "Article 1"
        ]
    );

    // Backwards from the end gives the same order.
    let data = app
        .data(
            "{ articles(last: 3) { nodes { title } pageInfo { hasPreviousPage startCursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["articles"]["nodes"],
        json!([{"title": "Article 3"}, {"title": "Article 2"}, {"title": "Article 1"}])
    );
    assert_eq!(data["articles"]["pageInfo"]["hasPreviousPage"], true);
    let before = data["articles"]["pageInfo"]["startCursor"].clone();
    let data = app
        .data(
            "query($b: String) { articles(last: 5, before: $b) { nodes { title } } }",
            json!({ "b": before }),
        )
        .await;
    assert_eq!(
        data["articles"]["nodes"],
        json!([{"title": "Article 5"}, {"title": "Article 4"}])
    );
}

#[tokio::test]
async fn articles_are_found_by_id_slug_and_node() {
    let app = TestApp::spawn().await;
    insert_article(&app.db, 7, "2023-05-06").await;
    let data = app
        .data(
            "{ article(slug: \"article-7\") { id title kind publishedOn paragraphs wordCount } }",
            json!({}),
        )
        .await;
    let article = &data["article"];
    assert_eq!(article["title"], "Article 7");
    assert_eq!(article["kind"], "TRANSLATION");
    assert_eq!(article["publishedOn"], "2023-05-06");
    assert_eq!(article["paragraphs"], json!(["Body of article 7."]));
    let id = article["id"].clone();
    let data = app
        .data("query($id: ID!) { article(id: $id) { slug } node(id: $id) { id ... on Article { title } } }", json!({ "id": id }))
        .await;
    assert_eq!(data["article"]["slug"], "article-7");
    assert_eq!(data["node"]["title"], "Article 7");
    assert_eq!(data["node"]["id"], id);
    let data = app
        .data("{ article(slug: \"nope\") { id } }", json!({}))
        .await;
    assert_eq!(data["article"], serde_json::Value::Null);
}

#[tokio::test]
async fn bad_ids_and_page_sizes_are_user_errors() {
    let app = TestApp::spawn().await;
    let response = app.gql("{ node(id: \"garbage\") { id } }", json!({})).await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    let response = app
        .gql("{ articles(first: 1000) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("100")
    );
    let response = app
        .gql("{ articles(after: \"bm9wZQ\") { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
}
