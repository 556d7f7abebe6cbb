//! One error policy: the caller's mistakes are `BAD_USER_INPUT` (never INTERNAL, the
//! database never sees them), a refusal has one code and one HTTP status whichever route
//! or check refuses it.

use news_archive::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, error_code};

/// Every string input the API has, each given a NUL character.
const NUL_INPUTS: &[(&str, &str)] = &[
    (
        "article by slug",
        "query($s: String!) { article(slug: $s) { id } }",
    ),
    ("article by id", "query($s: ID!) { article(id: $s) { id } }"),
    ("node", "query($s: ID!) { node(id: $s) { id } }"),
    (
        "person by name",
        "query($s: String!) { person(name: $s) { id } }",
    ),
    (
        "organization by name",
        "query($s: String!) { organization(name: $s) { id } }",
    ),
    (
        "people search",
        "query($s: String!) { people(search: $s) { totalCount } }",
    ),
    (
        "cursor",
        "query($s: String!) { articles(first: 1, after: $s) { totalCount } }",
    ),
    (
        "filter",
        "query($s: String!) { articles(filter: { outlet: $s }) { totalCount } }",
    ),
    (
        "nested filter",
        "query($s: String!) { articles(filter: { not: { or: [{ mentionsPerson: $s }] } }) { totalCount } }",
    ),
    (
        "quote filter",
        "query($s: String!) { quotes(filter: { speaker: $s }) { totalCount } }",
    ),
    (
        "search",
        "query($s: String!) { search(query: $s) { score } }",
    ),
    (
        "analytics",
        "query($s: String!) { topEntities(kind: SPEAKERS, quotes: { search: $s }) { name } }",
    ),
];

#[tokio::test]
async fn nul_characters_in_any_string_input_are_bad_user_input() {
    let app = TestApp::spawn().await;
    for (what, query) in NUL_INPUTS {
        let (status, body) = app
            .post_json(&json!({ "query": query, "variables": { "s": "Xi\u{0}Jinping" } }))
            .await;
        assert_eq!(
            (status, error_code(&body)),
            (400, "BAD_USER_INPUT"),
            "{what}: {body:#}"
        );
    }
    // Written as an escape in the text of the query, and in a GET URL.
    let (status, body) = app
        .post_json(&json!({ "query": r#"{ article(slug: "a\u0000b") { id } }"# }))
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "BAD_USER_INPUT"),
        "{body:#}"
    );
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            ("query", "query($s: String!) { person(name: $s) { id } }"),
            ("variables", "{\"s\": \"a\\u0000\"}"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn nul_characters_in_mutations_and_exports_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let article = app.ingest_seed(&editor).await;
    let (status, body) = app
        .gql_as(
            &editor,
            "mutation($id: ID!, $t: String!) { updateArticle(input: { id: $id, title: $t }) { userErrors { message } } }",
            json!({ "id": article, "t": "a\u{0}b" }),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "BAD_USER_INPUT"),
        "{body:#}"
    );
    let (status, body) = app
        .gql_as(
            &editor,
            "mutation($raw: String!) { ingestArticle(input: { raw: $raw }) { outcome } }",
            json!({ "raw": "print PRINT\n\nTitle\u{0}\n\n  • March 1, 2024\n\nBody." }),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "BAD_USER_INPUT"),
        "{body:#}"
    );
    // Nothing was written.
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 1);
    for query in [
        "speaker=Xi%00",
        "filter=%7B%22outlet%22%3A%22a%5Cu0000%22%7D",
    ] {
        let response = app
            .client
            .get(app.url(&format!("/export/quotes.ndjson?{query}")))
            .bearer_auth(&editor)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), 400, "{query}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}");
    }
}

#[tokio::test]
async fn dates_outside_the_archive_years_are_bad_user_input() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let article = app.ingest_seed(&editor).await;
    for date in ["-5000-01-01", "0000-06-01", "+20000-01-01"] {
        let body = app
            .gql(
                "query($d: NaiveDate!) { articles(filter: { publishedFrom: $d }) { totalCount } }",
                json!({ "d": date }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{date}: {body:#}");
        let body = app
            .gql(
                &format!(r#"{{ timeline(interval: YEAR, quotes: {{ publishedTo: "{date}" }}) {{ start }} }}"#),
                json!({}),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{date}: {body:#}");
        let (_, body) = app
            .gql_as(
                &editor,
                "mutation($id: ID!, $d: NaiveDate!) { updateArticle(input: { id: $id, publishedOn: $d }) { userErrors { message } } }",
                json!({ "id": article, "d": date }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{date}: {body:#}");
    }
    // The first and last days of the range are dates like any other.
    let data = app
        .data(
            r#"{ a: articles(filter: { publishedFrom: "0001-01-01", publishedTo: "9999-12-31" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["a"]["totalCount"], 1);
}

#[tokio::test]
async fn selections_nest_as_deep_as_the_text_bound_allows_and_no_deeper() {
    let app = TestApp::spawn().await;
    // 40 levels of `ofType` inside `__type` (introspection counts as one level of depth):
    // async-graphql's own recursion limit (32) used to refuse it, as a 200 with an error
    // of its own wording, while a text nested 65 deep is a 400 QUERY_TOO_COMPLEX. Within
    // the text bound it is answered.
    let deep = format!(
        "{{ __type(name: \"Article\") {{ {} name {} }} }}",
        "ofType { ".repeat(40),
        "}".repeat(40)
    );
    let (status, body) = app.post_json(&json!({ "query": deep })).await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"]["__type"]["ofType"], Value::Null);
    // A chain of fragments nests without brackets in the text: past the bound it is
    // refused like nested text, before async-graphql sees it.
    let mut chain = String::from("{ __type(name: \"Article\") { ...F0 } }");
    for i in 0..70 {
        chain.push_str(&format!(
            " fragment F{i} on __Type {{ ofType {{ ...F{} }} }}",
            i + 1
        ));
    }
    chain.push_str(" fragment F70 on __Type { name }");
    let (status, body) = app.post_json(&json!({ "query": chain })).await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "QUERY_TOO_COMPLEX"),
        "{body:#}"
    );
}

#[tokio::test]
async fn errors_async_graphql_raises_are_bad_user_input_whatever_their_wording() {
    let app = TestApp::spawn().await;
    for query in [
        "{ articles { nosuchfield } }",
        "{ articles(first: \"x\") { totalCount } }",
        "{ article(slug: ",
        "query($a: Int) { __typename }  query { __typename }",
    ] {
        let body = app.gql(query, json!({})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body:#}");
    }
}

#[tokio::test]
async fn a_statement_whose_session_the_server_ends_is_unavailable_not_internal() {
    use diesel_async::SimpleAsyncConnection;
    use std::time::Duration;
    let app = TestApp::spawn().await;
    // The request's statement waits for a lock this test holds; then its session is
    // ended as a shutting-down or restarting server ends it (SQLSTATE 57P01).
    let mut lock = app.db.conn().await;
    lock.batch_execute("BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let query = serde_json::json!({ "query": "{ articles(first: 1) { totalCount } }" });
    let request = tokio::spawn(
        app.client
            .post(app.url("/graphql"))
            .json(&query)
            .timeout(Duration::from_secs(30))
            .send(),
    );
    let pid = crate::support::cluster::eventually(
        Duration::from_secs(30),
        "the request to wait for the lock",
        || async {
            let pid = app
                .db
                .count("SELECT coalesce(max(pid), 0)::int8 AS n FROM pg_locks WHERE NOT granted")
                .await;
            (pid > 0).then_some(pid)
        },
    )
    .await;
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM pg_terminate_backend({pid}) t WHERE t"
            ))
            .await,
        1
    );
    let response = request.await.expect("task").expect("answered");
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(error_code(&body), "SERVICE_UNAVAILABLE", "{body}");
    lock.batch_execute("COMMIT").await.expect("unlock");
    // The pool recovers without a restart. A connection whose session the server ended
    // can be handed out once more before its socket is seen closed (the pool does not
    // test connections on checkout), so that request may also be refused as unavailable,
    // never as INTERNAL; within seconds the pool gives working connections again.
    let data = crate::support::cluster::eventually(
        Duration::from_secs(10),
        "a working connection from the pool",
        || async {
            let response = app
                .gql(
                    "{ articles(first: 1) { totalCount } }",
                    serde_json::json!({}),
                )
                .await;
            match response.get("errors") {
                None => Some(response["data"].clone()),
                Some(_) => {
                    assert_eq!(error_code(&response), "SERVICE_UNAVAILABLE", "{response}");
                    None
                }
            }
        },
    )
    .await;
    assert_eq!(data["articles"]["totalCount"], 0);
}
