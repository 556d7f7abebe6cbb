//! Data integrity of ingest: one URL rule everywhere, no slug races, one article per
//! content whatever page furniture surrounds it, and NDJSON limits per article.

use std::process::Command;

use news_archive::auth::Role;
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::writes::SEED;

const INGEST: &str = "mutation($input: IngestArticleInput!) { ingestArticle(input: $input) {
    outcome article { slug sourceUrl } userErrors { field message } } }";

fn print_view(title: &str, body: &str) -> String {
    format!(
        "print PRINT\n\nINTERNATIONAL > East Asia & Pacific\n\n{title}\n\n  • July 1, 2024\n  • , Yomiuri , p. 2\n  • JMH Translation\n\n{body}\n"
    )
}

#[tokio::test]
async fn ingest_refuses_a_javascript_source_url_given_as_argument_or_in_json() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let (_, response) = app
        .gql_as(
            &editor,
            INGEST,
            json!({ "input": { "raw": SEED, "sourceUrl": "javascript:alert(1)" } }),
        )
        .await;
    let payload = &response["data"]["ingestArticle"];
    assert_eq!(payload["article"], Value::Null, "{response:#}");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "sourceUrl"])
    );
    let (_, response) = app
        .gql_as(
            &editor,
            INGEST,
            json!({ "input": { "json": {
                "title": "Cabinet meets", "date": "2024-07-01",
                "source_url": "javascript:alert(2)", "paragraphs": ["The cabinet met."] } } }),
        )
        .await;
    let payload = &response["data"]["ingestArticle"];
    assert_eq!(payload["article"], Value::Null, "{response:#}");
    assert_eq!(
        payload["userErrors"][0]["field"],
        json!(["input", "sourceUrl"])
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 0);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM raw_documents")
            .await,
        0
    );
}

#[tokio::test]
async fn concurrent_ingests_of_one_title_over_http_all_create_articles_with_distinct_slugs() {
    let app = TestApp::spawn_with(|c| c.pool_size = 8).await;
    let editor = app.db.key(Role::Editor).await;
    let requests = (0..8).map(|i| {
        let raw = print_view(
            "Cabinet meets",
            &format!("The cabinet met for meeting {i}."),
        );
        let (app, editor) = (&app, &editor);
        async move {
            app.gql_as(editor, INGEST, json!({ "input": { "raw": raw } }))
                .await
                .1
        }
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut slugs: Vec<String> = responses
        .iter()
        .map(|r| {
            assert_eq!(r["data"]["ingestArticle"]["outcome"], "CREATED", "{r:#}");
            r["data"]["ingestArticle"]["article"]["slug"]
                .as_str()
                .expect("a slug")
                .to_owned()
        })
        .collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), 8);
    assert!(slugs.contains(&"2024-07-01-cabinet-meets".to_owned()));
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 8);
}

#[tokio::test]
async fn the_same_article_with_other_site_navigation_is_one_article_with_two_captures() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let other_navigation = SEED.replace("  • Trending Japan", "  • Weather\n  • Sports");
    assert_ne!(other_navigation, SEED);
    let first = app
        .data_as(&editor, INGEST, json!({ "input": { "raw": SEED } }))
        .await;
    let second = app
        .data_as(
            &editor,
            INGEST,
            json!({ "input": { "raw": other_navigation } }),
        )
        .await;
    assert_eq!(first["ingestArticle"]["outcome"], "CREATED");
    assert_eq!(second["ingestArticle"]["outcome"], "ALREADY_ARCHIVED");
    assert_eq!(
        second["ingestArticle"]["article"]["slug"],
        first["ingestArticle"]["article"]["slug"]
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 1);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM article_captures")
            .await,
        2
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM raw_documents WHERE content LIKE '%Weather%'")
            .await,
        1
    );
}

#[tokio::test]
async fn cli_ingest_streams_ndjson_over_a_mebibyte_and_limits_each_article() {
    let app = TestApp::spawn().await;
    // Four articles of ~350 KB each (padding outside the article's content), then one line
    // over the per-article limit: 1.4 MiB in all.
    let mut file = String::new();
    for i in 0..4 {
        let line = json!({
            "title": format!("Article {i}"), "date": "2024-07-01",
            "paragraphs": [format!("Body {i}.")], "padding": "x".repeat(350_000),
        });
        file.push_str(&format!("{line}\n"));
    }
    let huge = json!({ "title": "Huge", "date": "2024-07-01", "paragraphs": ["x"],
        "padding": "x".repeat(1_100_000) });
    file.push_str(&format!("{huge}\n"));
    let path = std::env::temp_dir().join(format!("na-ndjson-{}.ndjson", std::process::id()));
    std::fs::write(&path, &file).expect("write the file");
    let out = Command::new(env!("CARGO_BIN_EXE_archive"))
        .args(["ingest", path.to_str().expect("utf-8 path")])
        .env("DATABASE_URL", &app.db.url)
        .env("DEMO_ARTICLES", "0")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the archive binary runs");
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("4 created, 0 unchanged, 1 failed"),
        "{stdout}"
    );
    assert!(stdout.contains(":5: error: the article is "), "{stdout}");
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 4);
}
