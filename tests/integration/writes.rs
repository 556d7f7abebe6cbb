//! The write API: API keys and roles, every mutation's success and refusal, corrections
//! surviving re-extraction, concurrent edits, and subscriptions across two servers.

use news_archive::auth::Role;
use news_archive::graphql::ids::{NodeType, encode};
use serde_json::{Value, json};

use crate::support::writes::{SEED, Ws};
use crate::support::{TestApp, error_code};

/// Every mutation, with an input of the right shape (the IDs need not exist).
const MUTATIONS: &[(&str, &str)] = &[
    (
        "ingestArticle",
        r#"mutation { ingestArticle(input: { raw: "x" }) { userErrors { message } } }"#,
    ),
    (
        "updateArticle",
        r#"mutation { updateArticle(input: { id: "QXJ0aWNsZTox", title: "t" }) { userErrors { message } } }"#,
    ),
    (
        "deleteArticle",
        r#"mutation { deleteArticle(input: { id: "QXJ0aWNsZTox" }) { userErrors { message } } }"#,
    ),
    (
        "mergePeople",
        r#"mutation { mergePeople(input: { from: "UGVyc29uOjE", into: "UGVyc29uOjI" }) { userErrors { message } } }"#,
    ),
    (
        "mergeOrganizations",
        r#"mutation { mergeOrganizations(input: { from: "T3JnYW5pemF0aW9uOjE", into: "T3JnYW5pemF0aW9uOjI" }) { userErrors { message } } }"#,
    ),
    (
        "updatePerson",
        r#"mutation { updatePerson(input: { id: "UGVyc29uOjE", addAliases: ["x"] }) { userErrors { message } } }"#,
    ),
    (
        "updateOrganization",
        r#"mutation { updateOrganization(input: { id: "T3JnYW5pemF0aW9uOjE", kind: PARTY }) { userErrors { message } } }"#,
    ),
    (
        "setQuoteSpeaker",
        r#"mutation { setQuoteSpeaker(input: { quote: "UXVvdGU6MQ", clear: true }) { userErrors { message } } }"#,
    ),
    (
        "createApiKey",
        r#"mutation { createApiKey(input: { name: "n", role: READER }) { token userErrors { message } } }"#,
    ),
    (
        "revokeApiKey",
        r#"mutation { revokeApiKey(input: { id: "QXBpS2V5OjE" }) { userErrors { message } } }"#,
    ),
];

const COUNT: &str = "{ articles(first: 1) { totalCount } }";

fn person_id(n: i64) -> String {
    encode(NodeType::Person, n).0
}

fn organization_id(n: i64) -> String {
    encode(NodeType::Organization, n).0
}

fn no_user_errors(payload: &Value) {
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
}

// ---------------------------------------------------------------------------------------
// Keys and roles

#[tokio::test]
async fn without_a_key_queries_work_and_every_mutation_is_unauthenticated() {
    let app = TestApp::spawn().await;
    let (status, response) = app.gql_anonymous(COUNT, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(response["data"]["articles"]["totalCount"], 0);
    for (name, mutation) in MUTATIONS {
        let (status, response) = app.gql_anonymous(mutation, json!({})).await;
        assert_eq!(status, 401, "{name}: {response}");
        assert_eq!(error_code(&response), "UNAUTHENTICATED", "{name}");
        assert!(response.get("data").is_none(), "{name}: {response}");
    }
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM corrections").await,
        0
    );
}

#[tokio::test]
async fn a_reader_key_reads_but_every_mutation_is_forbidden() {
    let app = TestApp::spawn().await;
    let reader = app.db.key(Role::Reader).await;
    let data = app.data_as(&reader, COUNT, json!({})).await;
    assert_eq!(data["articles"]["totalCount"], 0);
    for (name, mutation) in MUTATIONS {
        let (status, response) = app.gql_as(&reader, mutation, json!({})).await;
        assert_eq!(status, 403, "{name}: {response}");
        assert_eq!(error_code(&response), "FORBIDDEN", "{name}");
    }
}

#[tokio::test]
async fn an_editor_may_edit_but_only_an_admin_manages_keys() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    // Editor mutations run (and report the unknown IDs as user errors).
    for (name, mutation) in &MUTATIONS[..8] {
        let (status, response) = app.gql_as(&editor, mutation, json!({})).await;
        assert_eq!(status, 200, "{name}: {response}");
        assert!(response.get("errors").is_none(), "{name}: {response}");
        let errors = response["data"][name]["userErrors"]
            .as_array()
            .expect("userErrors");
        assert_eq!(errors.len(), 1, "{name}: {response}");
    }
    for (name, mutation) in &MUTATIONS[8..] {
        let (_, response) = app.gql_as(&editor, mutation, json!({})).await;
        assert_eq!(error_code(&response), "FORBIDDEN", "{name}: {response}");
        assert_eq!(response["data"], Value::Null, "{name}");
    }
}

#[tokio::test]
async fn unknown_and_revoked_keys_are_unauthenticated_even_for_queries() {
    let app = TestApp::spawn().await;
    let unknown = "na_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    for token in [unknown, "not-a-token", ""] {
        let (status, response) = app.gql_as(token, COUNT, json!({})).await;
        assert_eq!(status, 401, "{token:?}: {response}");
        assert_eq!(error_code(&response), "UNAUTHENTICATED");
    }
    let admin = app.db.key(Role::Admin).await;
    let created = app
        .data_as(
            &admin,
            "mutation { createApiKey(input: { name: \"newsroom bot\", role: READER }) {
                token apiKey { id name role tokenPrefix revokedAt } userErrors { field message } } }",
            json!({}),
        )
        .await["createApiKey"]
        .clone();
    no_user_errors(&created);
    let token = created["token"].as_str().expect("a token").to_owned();
    assert!(token.starts_with("na_") && token.len() >= 46, "{token}");
    assert_eq!(created["apiKey"]["name"], "newsroom bot");
    assert_eq!(created["apiKey"]["role"], "READER");
    assert_eq!(created["apiKey"]["revokedAt"], Value::Null);
    assert!(token.starts_with(created["apiKey"]["tokenPrefix"].as_str().expect("prefix")));
    // Only the hash is stored.
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM api_keys WHERE token_hash = sha256('{token}'::bytea)"
            ))
            .await,
        1
    );
    assert_eq!(
        app.data_as(&token, COUNT, json!({})).await["articles"]["totalCount"],
        0
    );
    let revoked = app
        .data_as(
            &admin,
            "mutation($id: ID!) { revokeApiKey(input: { id: $id }) {
                apiKey { revokedAt } userErrors { field message } } }",
            json!({ "id": created["apiKey"]["id"] }),
        )
        .await["revokeApiKey"]
        .clone();
    no_user_errors(&revoked);
    assert!(revoked["apiKey"]["revokedAt"].is_string());
    let (status, response) = app.gql_as(&token, COUNT, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&response), "UNAUTHENTICATED");
    // Key management validates its input too.
    let refused = app
        .data_as(
            &admin,
            "mutation { createApiKey(input: { name: \"  \", role: EDITOR }) {
                token userErrors { field message } } }",
            json!({}),
        )
        .await;
    assert_eq!(refused["createApiKey"]["token"], Value::Null);
    assert_eq!(
        refused["createApiKey"]["userErrors"][0]["field"],
        json!(["input", "name"])
    );
    let refused = app
        .data_as(
            &admin,
            "mutation { revokeApiKey(input: { id: \"QXBpS2V5Ojk5OQ\" }) { userErrors { field message } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        refused["revokeApiKey"]["userErrors"][0]["field"],
        json!(["input", "id"])
    );
}

#[tokio::test]
async fn anonymous_reads_can_be_turned_off() {
    let app = TestApp::spawn_with(|c| c.anonymous_reads = false).await;
    let (status, response) = app.gql_anonymous(COUNT, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&response), "UNAUTHENTICATED");
    let reader = app.db.key(Role::Reader).await;
    assert_eq!(
        app.data_as(&reader, COUNT, json!({})).await["articles"]["totalCount"],
        0
    );
    // Subscriptions follow the same rule.
    let refused = app.websocket(json!({})).await.err().expect("refused");
    assert!(refused.contains("UNAUTHENTICATED"), "{refused}");
    let accepted = app
        .websocket(json!({ "Authorization": format!("Bearer {reader}") }))
        .await;
    assert!(accepted.is_ok(), "{:?}", accepted.err());
}

// ---------------------------------------------------------------------------------------
// Ingest and articles

const INGEST: &str = "mutation($input: IngestArticleInput!) { ingestArticle(input: $input) {
    outcome article { id title kind publishedOn dateline sources { outlet { name } page }
        quotes(first: 20) { totalCount nodes { text speakerName speaker { __typename } } } }
    userErrors { field message } } }";

#[tokio::test]
async fn an_editor_ingests_the_seed_article_with_its_quotes_and_speakers() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let data = app
        .data_as(&editor, INGEST, json!({ "input": { "raw": SEED } }))
        .await;
    let payload = &data["ingestArticle"];
    no_user_errors(payload);
    assert_eq!(payload["outcome"], "CREATED");
    let article = &payload["article"];
    assert_eq!(
        article["title"],
        "Xi instructed to “support Russia” over Western sanctions"
    );
    assert_eq!(article["kind"], "TRANSLATION");
    assert_eq!(article["publishedOn"], "2022-02-28");
    assert_eq!(article["dateline"], "BEIJING");
    assert_eq!(
        article["sources"],
        json!([{ "outlet": { "name": "Yomiuri" }, "page": "7" }])
    );
    // The six quotes and who said them.
    let quotes = &article["quotes"];
    assert_eq!(quotes["totalCount"], 6);
    let speakers: Vec<(&str, &str)> = quotes["nodes"]
        .as_array()
        .expect("quotes")
        .iter()
        .map(|q| {
            (
                q["speakerName"].as_str().expect("a speaker"),
                q["speaker"]["__typename"].as_str().expect("a type"),
            )
        })
        .collect();
    assert_eq!(
        speakers,
        [
            ("Xi Jinping", "Person"),
            ("Xi Jinping", "Person"),
            ("Xi Jinping", "Person"),
            ("Wang Yi", "Person"),
            ("Wang Yi", "Person"),
            ("A diplomatic source in Beijing", "UnnamedSource"),
        ]
    );
    assert_eq!(
        quotes["nodes"][2]["text"],
        "The legitimate security concerns of all parties should be emphasized and respected."
    );
    // The same text again is recognised.
    let again = app
        .data_as(&editor, INGEST, json!({ "input": { "raw": SEED } }))
        .await;
    assert_eq!(again["ingestArticle"]["outcome"], "ALREADY_ARCHIVED");
    assert_eq!(again["ingestArticle"]["article"]["id"], article["id"]);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 1);
}

#[tokio::test]
async fn ingest_takes_json_and_reports_unusable_input_as_user_errors() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let data = app
        .data_as(
            &editor,
            INGEST,
            json!({ "input": { "json": {
                "title": "Cabinet approves budget",
                "kind": "summary",
                "outlets": ["Nikkei"],
                "body": "TOKYO — The Cabinet approved the budget on Friday.",
            }, "publishedOn": "2023-03-03" } }),
        )
        .await;
    let payload = &data["ingestArticle"];
    no_user_errors(payload);
    assert_eq!(payload["outcome"], "CREATED");
    assert_eq!(payload["article"]["kind"], "SUMMARY");
    assert_eq!(payload["article"]["publishedOn"], "2023-03-03");
    for (input, field) in [
        (json!({}), "raw"),
        (json!({ "raw": "a", "json": {} }), "raw"),
        (
            json!({ "json": { "title": "No date", "body": "Text." } }),
            "publishedOn",
        ),
        (json!({ "json": { "body": "No title." } }), "raw"),
    ] {
        let data = app
            .data_as(&editor, INGEST, json!({ "input": input }))
            .await;
        let payload = &data["ingestArticle"];
        assert_eq!(payload["article"], Value::Null, "{input}");
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {payload}"
        );
    }
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 1);
}

const UPDATE_ARTICLE: &str =
    "mutation($input: UpdateArticleInput!) { updateArticle(input: $input) {
    article { id slug title kind publishedOn dateline sourceUrl } userErrors { field message } } }";

#[tokio::test]
async fn update_article_changes_metadata_and_records_who_did_it() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let id = app.ingest_seed(&editor).await;
    let data = app
        .data_as(
            &editor,
            UPDATE_ARTICLE,
            json!({ "input": {
                "id": id, "title": "Xi backs Russia", "kind": "SUMMARY",
                "publishedOn": "2022-03-01", "dateline": null,
                "sourceUrl": "https://example.com/20220301-xi", "tags": ["China", "Russia"],
            } }),
        )
        .await;
    let payload = &data["updateArticle"];
    no_user_errors(payload);
    let article = &payload["article"];
    assert_eq!(article["title"], "Xi backs Russia");
    assert_eq!(article["kind"], "SUMMARY");
    assert_eq!(article["publishedOn"], "2022-03-01");
    assert_eq!(article["dateline"], Value::Null);
    assert_eq!(article["sourceUrl"], "https://example.com/20220301-xi");
    // The permalink stays.
    assert_eq!(
        article["slug"],
        "2022-02-28-xi-instructed-to-support-russia-over-western-sanctions"
    );
    // The search vector follows the new title (the article's text never said "backs").
    assert_eq!(
        app.db
            .count(
                "SELECT count(*) AS n FROM articles WHERE search @@ to_tsquery('english', 'backs')"
            )
            .await,
        1
    );
    let found = app
        .data(
            r#"{ articles(filter: { search: "backs" }) { totalCount nodes { title } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(found["articles"]["totalCount"], 1, "{found}");
    // Quotes follow the new date.
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM quotes WHERE published_on = '2022-03-01'")
            .await,
        6
    );
    let tags = app
        .db
        .json("SELECT jsonb_agg(t.name ORDER BY t.name) AS j FROM article_tags a JOIN tags t ON t.id = a.tag_id")
        .await;
    assert_eq!(tags, json!(["China", "Russia"]));
    let correction = app
        .db
        .json(
            "SELECT jsonb_build_object('actor', actor, 'action', action, 'subject', subject_type,
                 'key', api_key_id IS NOT NULL, 'before', before, 'after', after) AS j
             FROM corrections",
        )
        .await;
    assert_eq!(correction["actor"], "Editor test key");
    assert_eq!(correction["action"], "UPDATE_ARTICLE");
    assert_eq!(correction["subject"], "ARTICLE");
    assert_eq!(correction["key"], true);
    assert_eq!(
        correction["before"]["title"],
        "Xi instructed to “support Russia” over Western sanctions"
    );
    assert_eq!(correction["before"]["dateline"], "BEIJING");
    assert_eq!(correction["after"]["title"], "Xi backs Russia");
    assert_eq!(correction["after"]["tags"], json!(["China", "Russia"]));

    for (input, field) in [
        (json!({ "id": id, "title": "  " }), "title"),
        (json!({ "id": id, "sourceUrl": "ftp://x" }), "sourceUrl"),
        (json!({ "id": id, "tags": ["!!"] }), "tags"),
        (json!({ "id": id }), "id"),
        (json!({ "id": person_id(1), "title": "x" }), "id"),
        (
            json!({ "id": encode(NodeType::Article, 999).0, "title": "x" }),
            "id",
        ),
    ] {
        let data = app
            .data_as(&editor, UPDATE_ARTICLE, json!({ "input": input }))
            .await;
        let payload = &data["updateArticle"];
        assert_eq!(payload["article"], Value::Null, "{input}");
        assert_eq!(
            payload["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {payload}"
        );
    }
    assert_eq!(
        app.db.count("SELECT count(*) AS n FROM corrections").await,
        1
    );
}

#[tokio::test]
async fn delete_article_removes_it_and_its_text_can_come_back() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let id = app.ingest_seed(&editor).await;
    const DELETE: &str = "mutation($id: ID!) { deleteArticle(input: { id: $id }) {
        deletedArticleId userErrors { field message } } }";
    let data = app.data_as(&editor, DELETE, json!({ "id": id })).await;
    no_user_errors(&data["deleteArticle"]);
    assert_eq!(data["deleteArticle"]["deletedArticleId"], json!(id));
    assert_eq!(app.db.count("SELECT count(*) AS n FROM articles").await, 0);
    assert_eq!(app.db.count("SELECT count(*) AS n FROM quotes").await, 0);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM raw_documents")
            .await,
        0
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM corrections WHERE action = 'DELETE_ARTICLE'")
            .await,
        1
    );
    let data = app.data_as(&editor, DELETE, json!({ "id": id })).await;
    assert_eq!(
        data["deleteArticle"]["userErrors"][0]["field"],
        json!(["input", "id"])
    );
    let data = app
        .data_as(&editor, INGEST, json!({ "input": { "raw": SEED } }))
        .await;
    assert_eq!(data["ingestArticle"]["outcome"], "CREATED");
}

// ---------------------------------------------------------------------------------------
// People, organizations, quotes

async fn person(app: &TestApp, name: &str) -> i64 {
    app.db
        .count(&format!(
            "SELECT id AS n FROM people WHERE canonical_name = '{name}' AND merged_into_id IS NULL"
        ))
        .await
}

async fn organization(app: &TestApp, name: &str) -> i64 {
    app.db
        .count(&format!(
            "SELECT id AS n FROM organizations WHERE name = '{name}' AND merged_into_id IS NULL"
        ))
        .await
}

const MERGE_PEOPLE: &str =
    "mutation($from: ID!, $into: ID!) { mergePeople(input: { from: $from, into: $into }) {
    person { id name aliases quoteCount } userErrors { field message } } }";

#[tokio::test]
async fn merging_people_moves_everything_and_survives_reextraction() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    app.ingest_seed(&editor).await;
    let xi = person(&app, "Xi Jinping").await;
    let wang = person(&app, "Wang Yi").await;
    let author = person(&app, "Oki Seima").await;
    let data = app
        .data_as(
            &editor,
            MERGE_PEOPLE,
            json!({ "from": person_id(wang), "into": person_id(xi) }),
        )
        .await;
    no_user_errors(&data["mergePeople"]);
    let survivor = &data["mergePeople"]["person"];
    assert_eq!(survivor["id"], json!(person_id(xi)));
    assert_eq!(survivor["name"], "Xi Jinping");
    assert_eq!(survivor["quoteCount"], 5);
    assert!(
        survivor["aliases"]
            .as_array()
            .expect("aliases")
            .contains(&json!("Wang Yi")),
        "{survivor}"
    );
    // The old ID resolves to the survivor.
    let old = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Person { id name } }
                               person(id: $id) { id } }",
            json!({ "id": person_id(wang) }),
        )
        .await;
    assert_eq!(
        old["node"],
        json!({ "id": person_id(xi), "name": "Xi Jinping" })
    );
    assert_eq!(old["person"]["id"], json!(person_id(xi)));
    let check = async |when: &str| {
        assert_eq!(
            app.db
                .count(&format!(
                    "SELECT count(*) AS n FROM quotes WHERE speaker_person_id = {xi}"
                ))
                .await,
            5,
            "{when}"
        );
        for table in ["mentions WHERE person_id", "quotes WHERE speaker_person_id"] {
            assert_eq!(
                app.db
                    .count(&format!("SELECT count(*) AS n FROM {table} = {wang}"))
                    .await,
                0,
                "{when}: {table}"
            );
        }
        assert_eq!(
            app.db
                .count(&format!(
                    "SELECT count(*) AS n FROM person_aliases WHERE person_id = {xi} AND alias = 'Wang Yi'"
                ))
                .await,
            1,
            "{when}"
        );
        assert_eq!(
            app.db
                .count(&format!(
                    "SELECT merged_into_id AS n FROM people WHERE id = {wang}"
                ))
                .await,
            xi,
            "{when}"
        );
        // No new "Wang Yi" appeared.
        assert_eq!(
            app.db
                .count("SELECT count(*) AS n FROM people WHERE canonical_name = 'Wang Yi'")
                .await,
            1,
            "{when}"
        );
    };
    check("after the merge").await;
    let summary = news_archive::load::reextract(&app.pools.write, |_| {})
        .await
        .expect("reextract");
    assert_eq!(summary.articles, 1);
    check("after re-extraction").await;

    // A later merge of the survivor carries the earlier merge along.
    let data = app
        .data_as(
            &editor,
            MERGE_PEOPLE,
            json!({ "from": person_id(xi), "into": person_id(author) }),
        )
        .await;
    no_user_errors(&data["mergePeople"]);
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM people WHERE merged_into_id = {author}"
            ))
            .await,
        2
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM corrections WHERE action = 'MERGE_PEOPLE'")
            .await,
        2
    );

    for (from, into, field) in [
        (person_id(author), person_id(author), "into"),
        (person_id(wang), person_id(author), "from"),
        (person_id(author), person_id(xi), "into"),
        (person_id(999), person_id(author), "from"),
        (organization_id(1), person_id(author), "from"),
    ] {
        let data = app
            .data_as(&editor, MERGE_PEOPLE, json!({ "from": from, "into": into }))
            .await;
        assert_eq!(data["mergePeople"]["person"], Value::Null);
        assert_eq!(
            data["mergePeople"]["userErrors"][0]["field"],
            json!(["input", field]),
            "{data}"
        );
    }
}

#[tokio::test]
async fn merging_organizations_moves_mentions_and_names() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    app.ingest_seed(&editor).await;
    let ccp = organization(&app, "Chinese Communist Party").await;
    let customs = organization(&app, "General Administration of Customs").await;
    let data = app
        .data_as(
            &editor,
            "mutation($from: ID!, $into: ID!) { mergeOrganizations(input: { from: $from, into: $into }) {
                organization { id name } userErrors { field message } } }",
            json!({ "from": organization_id(customs), "into": organization_id(ccp) }),
        )
        .await;
    no_user_errors(&data["mergeOrganizations"]);
    assert_eq!(
        data["mergeOrganizations"]["organization"],
        json!({ "id": organization_id(ccp), "name": "Chinese Communist Party" })
    );
    let old = app
        .data(
            "query($id: ID!) { organization(id: $id) { id } }",
            json!({ "id": organization_id(customs) }),
        )
        .await;
    assert_eq!(old["organization"]["id"], json!(organization_id(ccp)));
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM mentions WHERE organization_id = {customs}"
            ))
            .await,
        0
    );
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM organization_aliases WHERE organization_id = {ccp}
                 AND alias = 'General Administration of Customs' AND added_by_editor"
            ))
            .await,
        1
    );
    news_archive::load::reextract(&app.pools.write, |_| {})
        .await
        .expect("reextract");
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM mentions WHERE organization_id = {customs}"
            ))
            .await,
        0
    );
}

const UPDATE_PERSON: &str = "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) {
    person { id name externalId aliases } userErrors { field message } } }";

#[tokio::test]
async fn update_person_edits_names_and_aliases_which_survive_reextraction() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    app.ingest_seed(&editor).await;
    let xi = person(&app, "Xi Jinping").await;
    let wang = person(&app, "Wang Yi").await;
    let data = app
        .data_as(
            &editor,
            UPDATE_PERSON,
            json!({ "input": {
                "id": person_id(xi), "canonicalName": "Xi Jinping (习近平)",
                "externalId": "Q15031", "addAliases": ["President Xi", "Chairman Xi"],
                "removeAliases": ["Xi"],
            } }),
        )
        .await;
    no_user_errors(&data["updatePerson"]);
    let updated = &data["updatePerson"]["person"];
    assert_eq!(updated["name"], "Xi Jinping (习近平)");
    assert_eq!(updated["externalId"], "Q15031");
    let listed = updated["aliases"].as_array().expect("aliases");
    assert!(listed.contains(&json!("President Xi")), "{updated}");
    assert!(listed.contains(&json!("Xi Jinping")), "{updated}");
    assert!(!listed.contains(&json!("Xi")), "{updated}");
    let aliases = || async {
        app.db
            .json(&format!(
                "SELECT jsonb_agg(alias ORDER BY alias) FILTER (WHERE added_by_editor) AS j
                 FROM person_aliases WHERE person_id = {xi}"
            ))
            .await
    };
    let editor_aliases = json!(["Chairman Xi", "President Xi", "Xi Jinping (习近平)"]);
    assert_eq!(aliases().await, editor_aliases);
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM people WHERE id = {xi}
                 AND canonical_name = 'Xi Jinping (习近平)' AND external_id = 'Q15031'"
            ))
            .await,
        1
    );
    news_archive::load::reextract(&app.pools.write, |_| {})
        .await
        .expect("reextract");
    assert_eq!(aliases().await, editor_aliases);
    // Re-extraction still finds Xi under his old name.
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM quotes WHERE speaker_person_id = {xi}"
            ))
            .await,
        3
    );
    let correction = app
        .db
        .json("SELECT jsonb_build_object('before', before, 'after', after) AS j FROM corrections WHERE action = 'UPDATE_PERSON'")
        .await;
    assert_eq!(correction["before"]["canonicalName"], "Xi Jinping");
    assert_eq!(correction["after"]["externalId"], "Q15031");

    for (input, field) in [
        (
            json!({ "id": person_id(wang), "canonicalName": " " }),
            "canonicalName",
        ),
        (
            json!({ "id": person_id(wang), "addAliases": [""] }),
            "addAliases",
        ),
        (
            json!({ "id": person_id(wang), "removeAliases": ["wang yi"] }),
            "removeAliases",
        ),
        (
            json!({ "id": person_id(wang), "externalId": "Q15031" }),
            "externalId",
        ),
        (json!({ "id": person_id(wang) }), "id"),
        (json!({ "id": person_id(999), "addAliases": ["x"] }), "id"),
    ] {
        let data = app
            .data_as(&editor, UPDATE_PERSON, json!({ "input": input }))
            .await;
        assert_eq!(data["updatePerson"]["person"], Value::Null, "{input}");
        assert_eq!(
            data["updatePerson"]["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {data}"
        );
    }
}

#[tokio::test]
async fn concurrent_edits_of_one_person_both_persist() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    app.ingest_seed(&editor).await;
    let wang = person(&app, "Wang Yi").await;
    let edits = (0..6).map(|n| {
        let (app, editor) = (&app, &editor);
        async move {
            app.data_as(
                editor,
                UPDATE_PERSON,
                json!({ "input": { "id": person_id(wang), "addAliases": [format!("Alias {n}")] } }),
            )
            .await
        }
    });
    for data in futures_util::future::join_all(edits).await {
        no_user_errors(&data["updatePerson"]);
    }
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM person_aliases WHERE person_id = {wang} AND alias LIKE 'Alias %'"
            ))
            .await,
        6
    );
    // Each correction saw the one before it.
    let sizes = app
        .db
        .json(
            "SELECT jsonb_agg(jsonb_array_length(after->'aliases') ORDER BY id) AS j
             FROM corrections WHERE action = 'UPDATE_PERSON'",
        )
        .await;
    let sizes: Vec<i64> = serde_json::from_value(sizes).expect("numbers");
    assert!(sizes.windows(2).all(|w| w[1] == w[0] + 1), "{sizes:?}");
}

#[tokio::test]
async fn update_organization_changes_name_kind_and_aliases() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    app.ingest_seed(&editor).await;
    let un = organization(&app, "UN").await;
    const UPDATE: &str =
        "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
        organization { name kind aliases } userErrors { field message } } }";
    let data = app
        .data_as(
            &editor,
            UPDATE,
            json!({ "input": { "id": organization_id(un), "name": "United Nations",
                               "kind": "INTERNATIONAL", "addAliases": ["U.N."] } }),
        )
        .await;
    no_user_errors(&data["updateOrganization"]);
    let updated = &data["updateOrganization"]["organization"];
    assert_eq!(updated["name"], "United Nations");
    assert_eq!(updated["kind"], "INTERNATIONAL");
    assert!(
        updated["aliases"]
            .as_array()
            .expect("aliases")
            .contains(&json!("U.N.")),
        "{updated}"
    );
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM organizations WHERE id = {un}
                 AND name = 'United Nations' AND kind = 'INTERNATIONAL'"
            ))
            .await,
        1
    );
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM organization_aliases WHERE organization_id = {un} AND added_by_editor"
            ))
            .await,
        2
    );
    let data = app
        .data_as(
            &editor,
            UPDATE,
            json!({ "input": { "id": organization_id(un), "name": "" } }),
        )
        .await;
    assert_eq!(
        data["updateOrganization"]["userErrors"][0]["field"],
        json!(["input", "name"])
    );
}

const SET_SPEAKER: &str =
    "mutation($input: SetQuoteSpeakerInput!) { setQuoteSpeaker(input: $input) {
    quote { id speakerName } userErrors { field message } } }";

#[tokio::test]
async fn a_quote_speaker_correction_survives_reextraction() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    app.ingest_seed(&editor).await;
    let putin = person(&app, "Vladimir Putin").await;
    let quote_at = |n: i64| {
        format!("SELECT id AS n FROM quotes ORDER BY paragraph, start_offset OFFSET {n} LIMIT 1")
    };
    let third = app.db.count(&quote_at(2)).await;
    let last = app.db.count(&quote_at(5)).await;
    let quote_id = |n: i64| encode(NodeType::Quote, n).0;
    for input in [
        json!({ "quote": quote_id(third), "person": person_id(putin) }),
        json!({ "quote": quote_id(last), "description": "a diplomat in Beijing" }),
    ] {
        let data = app
            .data_as(&editor, SET_SPEAKER, json!({ "input": input }))
            .await;
        no_user_errors(&data["setQuoteSpeaker"]);
        assert_eq!(data["setQuoteSpeaker"]["quote"]["id"], input["quote"]);
    }
    let speakers = || async {
        app.db
            .json(
                "SELECT jsonb_agg(COALESCE(p.canonical_name, q.speaker_description)
                                  ORDER BY q.paragraph, q.start_offset) AS j
                 FROM quotes q LEFT JOIN people p ON p.id = q.speaker_person_id",
            )
            .await
    };
    let expected = json!([
        "Xi Jinping",
        "Xi Jinping",
        "Vladimir Putin",
        "Wang Yi",
        "Wang Yi",
        "a diplomat in Beijing"
    ]);
    assert_eq!(speakers().await, expected);
    news_archive::load::reextract(&app.pools.write, |_| {})
        .await
        .expect("reextract");
    assert_eq!(speakers().await, expected);
    // Quote ids change with re-extraction; the correction follows the quote's position.
    let first = app.db.count(&quote_at(0)).await;
    let data = app
        .data_as(
            &editor,
            SET_SPEAKER,
            json!({ "input": { "quote": quote_id(first), "clear": true } }),
        )
        .await;
    no_user_errors(&data["setQuoteSpeaker"]);
    assert_eq!(data["setQuoteSpeaker"]["quote"]["speakerName"], Value::Null);
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT count(*) AS n FROM quotes WHERE id = {first}
                 AND speaker_person_id IS NULL AND speaker_description IS NULL"
            ))
            .await,
        1
    );
    let correction = app
        .db
        .json("SELECT jsonb_build_object('before', before, 'after', after) AS j FROM corrections ORDER BY id DESC LIMIT 1")
        .await;
    assert_eq!(
        correction["after"],
        json!({ "personId": null, "organizationId": null, "description": null })
    );
    assert!(correction["before"]["personId"].is_number());

    for (input, field) in [
        (json!({ "quote": quote_id(first) }), "person"),
        (
            json!({ "quote": quote_id(first), "person": person_id(putin), "clear": true }),
            "person",
        ),
        (
            json!({ "quote": quote_id(first), "description": " " }),
            "description",
        ),
        (
            json!({ "quote": quote_id(first), "person": person_id(999) }),
            "person",
        ),
        (json!({ "quote": quote_id(999), "clear": true }), "quote"),
        (json!({ "quote": person_id(1), "clear": true }), "quote"),
    ] {
        let data = app
            .data_as(&editor, SET_SPEAKER, json!({ "input": input }))
            .await;
        assert_eq!(data["setQuoteSpeaker"]["quote"], Value::Null);
        assert_eq!(
            data["setQuoteSpeaker"]["userErrors"][0]["field"],
            json!(["input", field]),
            "{input}: {data}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Subscriptions

const ARTICLE_ADDED: &str = "subscription($filter: ArticleFilter) {
    articleAdded(filter: $filter) { id title sources { outlet { name } } } }";

/// The seed article as if printed in another paper under another headline.
fn variant(outlet: &str, title: &str) -> String {
    SEED.replace(", Yomiuri ,", &format!(", {outlet} ,"))
        .replace(
            "Xi instructed to “support Russia” over Western sanctions",
            title,
        )
}

#[tokio::test]
async fn subscribers_on_one_server_receive_articles_ingested_through_another() {
    let app = TestApp::spawn().await;
    let other = app.replica();
    let reader = app.db.key(Role::Reader).await;
    let editor = app.db.key(Role::Editor).await;
    let mut ws = app
        .websocket(json!({ "Authorization": format!("Bearer {reader}") }))
        .await
        .expect("connected");
    ws.subscribe("all", ARTICLE_ADDED, json!({})).await;
    ws.subscribe(
        "asahi",
        ARTICLE_ADDED,
        json!({ "filter": { "outlet": "Asahi" } }),
    )
    .await;
    ws.subscribe(
        "summaries",
        ARTICLE_ADDED,
        json!({ "filter": { "kind": "SUMMARY" } }),
    )
    .await;

    // Through the other server's mutation.
    let (status, response) = other
        .gql_as(&editor, INGEST, json!({ "input": { "raw": SEED } }))
        .await;
    assert_eq!(status, 200, "{response}");
    let first_id = response["data"]["ingestArticle"]["article"]["id"].clone();
    assert!(first_id.is_string(), "{response}");
    let (sub, payload) = ws.next_data().await;
    assert_eq!(sub, "all");
    assert_eq!(payload["data"]["articleAdded"]["id"], first_id);
    assert_eq!(
        payload["data"]["articleAdded"]["title"],
        "Xi instructed to “support Russia” over Western sanctions"
    );

    // Through the command line's code path, straight into the database.
    let text = variant("Asahi", "Beijing weighs its Russia policy");
    let prepared = news_archive::load::prepare_text(&text, None, &Default::default())
        .pop()
        .expect("one article")
        .expect("parses");
    let stored = news_archive::load::store(&app.pools.write, &prepared, Some("cli"))
        .await
        .expect("stored");
    assert!(matches!(
        stored,
        news_archive::db::store::Stored::Created { .. }
    ));
    let mut got = [ws.next_data().await, ws.next_data().await];
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got[0].0, "all");
    assert_eq!(got[1].0, "asahi");
    for (_, payload) in &got {
        assert_eq!(
            payload["data"]["articleAdded"]["title"],
            "Beijing weighs its Russia policy"
        );
        assert_eq!(
            payload["data"]["articleAdded"]["sources"],
            json!([{ "outlet": { "name": "Asahi" } }])
        );
    }
    // Nothing matched the summaries filter: the next message is the next article's.
    let (status, _) = other
        .gql_as(
            &editor,
            INGEST,
            json!({ "input": { "json": {
                "title": "Weekly summary", "kind": "summary", "body": "Text.", "date": "2022-03-04"
            } } }),
        )
        .await;
    assert_eq!(status, 200);
    let mut got = [ws.next_data().await, ws.next_data().await];
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got[0].0, "all");
    assert_eq!(got[1].0, "summaries");
    assert_eq!(got[1].1["data"]["articleAdded"]["title"], "Weekly summary");
}

#[tokio::test]
async fn subscriptions_refuse_unknown_keys() {
    let app = TestApp::spawn().await;
    let refused = app
        .websocket(
            json!({ "Authorization": "Bearer na_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
        )
        .await
        .err()
        .expect("refused");
    assert!(refused.contains("UNAUTHENTICATED"), "{refused}");
    // An unknown key on the upgrade request is refused before the upgrade.
    let refused = app
        .websocket_with_header("Bearer na_unknown", json!({}))
        .await
        .err()
        .expect("refused");
    assert!(refused.contains("401"), "{refused}");
    // Anonymous subscribers are fine while anonymous reads are on.
    let ws: Result<Ws, String> = app.websocket(json!({})).await;
    assert!(ws.is_ok(), "{:?}", ws.err());
}

#[tokio::test]
async fn a_key_in_the_upgrade_header_authenticates_the_subscription() {
    let app = TestApp::spawn_with(|c| c.anonymous_reads = false).await;
    let reader = app.db.key(Role::Reader).await;
    let editor = app.db.key(Role::Editor).await;
    let mut ws = app
        .websocket_with_header(&format!("Bearer {reader}"), json!({}))
        .await
        .expect("connected");
    ws.subscribe(
        "1",
        ARTICLE_ADDED,
        json!({ "filter": { "section": "INTERNATIONAL" } }),
    )
    .await;
    let id = app.ingest_seed(&editor).await;
    let (sub, payload) = ws.next_data().await;
    assert_eq!(sub, "1");
    assert_eq!(payload["data"]["articleAdded"]["id"], json!(id));
}

#[tokio::test]
async fn the_keys_command_revokes_a_key_by_its_prefix() {
    use news_archive::admin::{KeysArgs, KeysCommand, keys};
    let app = TestApp::spawn().await;
    let token = app.db.key(Role::Editor).await;
    let other = app.db.key(Role::Reader).await;
    let config = crate::support::test_config(&app.db.url);
    keys(
        config,
        KeysArgs {
            command: KeysCommand::Revoke {
                key: token[..10].to_owned(),
            },
        },
    )
    .await
    .expect("revoked");
    let (status, response) = app.gql_as(&token, COUNT, json!({})).await;
    assert_eq!((status, error_code(&response)), (401, "UNAUTHENTICATED"));
    let (status, _) = app.gql_as(&other, COUNT, json!({})).await;
    assert_eq!(status, 200);
}

// ---------------------------------------------------------------------------------------
// Counters

/// People and organizations whose stored counts differ from the mentions and quotes.
async fn miscounted(app: &TestApp) -> i64 {
    let per_kind = |table: &str, fk: &str, speaker: &str| {
        format!(
            "SELECT count(*) AS n FROM {table} e WHERE (e.mention_count, e.article_count, e.quote_count) <> (
               (SELECT count(*) FROM mentions m WHERE m.{fk} = e.id),
               (SELECT count(DISTINCT m.article_id) FROM mentions m WHERE m.{fk} = e.id),
               (SELECT count(*) FROM quotes q WHERE q.{speaker} = e.id))"
        )
    };
    app.db
        .count(&per_kind("people", "person_id", "speaker_person_id"))
        .await
        + app
            .db
            .count(&per_kind(
                "organizations",
                "organization_id",
                "speaker_organization_id",
            ))
            .await
}

#[tokio::test]
async fn entity_counters_follow_ingest_merges_corrections_reextraction_and_deletion() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    // Concurrent ingests of articles sharing people: no lost update, no deadlock.
    let texts: Vec<String> = (0..6)
        .map(|i| {
            variant(
                if i % 2 == 0 { "Asahi" } else { "Nikkei" },
                &format!("Variant {i}"),
            )
        })
        .collect();
    let ingests = texts
        .iter()
        .map(|text| app.gql_as(&editor, INGEST, json!({ "input": { "raw": text } })));
    for (status, response) in futures_util::future::join_all(ingests).await {
        assert_eq!(status, 200, "{response}");
        assert_eq!(
            response["data"]["ingestArticle"]["userErrors"],
            json!([]),
            "{response:#}"
        );
    }
    assert_eq!(miscounted(&app).await, 0, "after concurrent ingests");
    let xi = person(&app, "Xi Jinping").await;
    let counts = app
        .data(
            "query($id: ID!) { person(id: $id) { mentionCount articleCount quoteCount } }",
            json!({ "id": person_id(xi) }),
        )
        .await;
    assert_eq!(counts["person"]["articleCount"], 6);
    let xi_mentions = app
        .db
        .count(&format!(
            "SELECT count(*) AS n FROM mentions WHERE person_id = {xi}"
        ))
        .await;
    assert_eq!(counts["person"]["mentionCount"], xi_mentions);
    assert!(xi_mentions > 6, "{xi_mentions}");

    // A merge moves everything; the duplicate counts nothing any more.
    let wang = person(&app, "Wang Yi").await;
    let data = app
        .data_as(
            &editor,
            MERGE_PEOPLE,
            json!({ "from": person_id(wang), "into": person_id(xi) }),
        )
        .await;
    no_user_errors(&data["mergePeople"]);
    assert_eq!(miscounted(&app).await, 0, "after a merge");
    assert_eq!(
        app.db
            .count(&format!(
                "SELECT mention_count + article_count + quote_count AS n FROM people WHERE id = {wang}"
            ))
            .await,
        0
    );

    // A speaker correction moves one quote between counts.
    let quote = app
        .db
        .count(&format!(
            "SELECT min(id) AS n FROM quotes WHERE speaker_person_id = {xi}"
        ))
        .await;
    let putin = person(&app, "Vladimir Putin").await;
    let data = app
        .data_as(
            &editor,
            SET_SPEAKER,
            json!({ "input": {
                "quote": encode(NodeType::Quote, quote),
                "person": person_id(putin)
            } }),
        )
        .await;
    no_user_errors(&data["setQuoteSpeaker"]);
    assert_eq!(miscounted(&app).await, 0, "after a speaker correction");

    // Re-extraction replaces every extracted row.
    news_archive::load::reextract(&app.pools.write, |_| {})
        .await
        .expect("reextract");
    assert_eq!(miscounted(&app).await, 0, "after re-extraction");

    // Deleting an article takes its mentions and quotes out of the counts.
    let article = app.db.count("SELECT min(id) AS n FROM articles").await;
    let data = app
        .data_as(
            &editor,
            "mutation($id: ID!) { deleteArticle(input: { id: $id }) { userErrors { message } } }",
            json!({ "id": encode(NodeType::Article, article) }),
        )
        .await;
    no_user_errors(&data["deleteArticle"]);
    assert_eq!(miscounted(&app).await, 0, "after a deletion");
    let counts = app
        .data(
            "query($id: ID!) { person(id: $id) { articleCount } }",
            json!({ "id": person_id(xi) }),
        )
        .await;
    assert_eq!(counts["person"]["articleCount"], 5);
    // Nothing is left staged.
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM entity_count_deltas")
            .await,
        0
    );
}

/// A selection with aliases, fragments, unions and `__typename` at every level.
const EVERYTHING: &str = "{ __typename id headline: title kind publishedOn createdAt paragraphs
    sources { __typename page outlet { __typename id name } }
    sectionPath { id path depth } authors { id name }
    people(first: 3) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { titles person { __typename id name aliases mentionCount } p: mentions { para: paragraph start surface } } } }
    organizations { nodes { organization { name acronym kind } mentions { end title } } }
    quotes(last: 2) { pageInfo { hasPreviousPage startCursor } nodes { id text confidence isFragment speakerName
        speaker { __typename ...on Person { id name } ...on Organization { id name } ...on UnnamedSource { description } }
        article { id } } } }";

#[tokio::test]
async fn a_query_and_a_mutation_payload_read_the_same_selection_alike() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let id = app.ingest_seed(&editor).await;
    // The query's document is handed over as the response; the payload's is read field by
    // field by resolvers. Both must give the same answer.
    let query = app
        .data(
            &format!("query($id: ID!) {{ article(id: $id) {EVERYTHING} }}"),
            json!({ "id": id }),
        )
        .await;
    let payload = app
        .data_as(
            &editor,
            &format!(
                "mutation($raw: String!) {{ ingestArticle(input: {{ raw: $raw }}) {{ outcome article {EVERYTHING} }} }}"
            ),
            json!({ "raw": SEED }),
        )
        .await;
    assert_eq!(payload["ingestArticle"]["outcome"], "ALREADY_ARCHIVED");
    assert_eq!(query["article"], payload["ingestArticle"]["article"]);
    let text = query.to_string();
    assert!(
        !text.contains("__t\""),
        "no internal keys in a response: {text}"
    );
    assert_eq!(query["article"]["__typename"], "Article");
    assert_eq!(
        query["article"]["sources"][0]["outlet"]["__typename"],
        "Outlet"
    );
    assert!(query["article"]["headline"].is_string());
    let spans = &query["article"]["people"]["edges"][0]["node"]["p"];
    assert!(
        spans[0]["para"].is_i64() && spans[0]["surface"].is_string(),
        "{spans}"
    );
    assert!(
        query["article"]["createdAt"]
            .as_str()
            .expect("createdAt")
            .ends_with("+00:00")
    );
}
