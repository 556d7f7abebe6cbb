//! The archive as a gazetteer: an article that names an organization or a person by one
//! word finds the entity an earlier article named in full, through `ingestArticle` and
//! through re-extraction.

use news_archive::auth::Role;
use news_archive::load;
use serde_json::{Value, json};

use crate::support::TestApp;

const INGEST: &str = "mutation($raw: String!) { ingestArticle(input: { raw: $raw }) {
    outcome article { slug
      people(first: 20) { nodes { person { name } mentions { surface } } }
      organizations(first: 20) { nodes { organization { id name acronym } mentions { surface } } }
      quotes(first: 20) { nodes { text speakerName } } }
    userErrors { message } } }";

fn print_view(title: &str, body: &str) -> String {
    format!(
        "print PRINT\n\nINTERNATIONAL > East Asia & Pacific\n\n{title}\n\n  • July 1, 2024\n  • , Yomiuri , p. 2\n  • JMH Translation\n\n{body}\n"
    )
}

/// Ingests one article through the API as an editor; returns the stored article.
async fn ingest(app: &TestApp, editor: &str, title: &str, body: &str) -> Value {
    let (_, response) = app
        .gql_as(editor, INGEST, json!({ "raw": print_view(title, body) }))
        .await;
    let payload = &response["data"]["ingestArticle"];
    assert_eq!(payload["outcome"], "CREATED", "{response:#}");
    payload["article"].clone()
}

/// (name, surfaces) of each entity of a list of `people` or `organizations` nodes.
fn entities(article: &Value, list: &str, entity: &str) -> Vec<(String, Vec<String>)> {
    article[list]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let surfaces = n["mentions"]
                .as_array()
                .expect("mentions")
                .iter()
                .map(|m| m["surface"].as_str().expect("surface").to_owned())
                .collect();
            (
                n[entity]["name"].as_str().expect("name").to_owned(),
                surfaces,
            )
        })
        .collect()
}

fn named(name: &str, surfaces: &[&str]) -> (String, Vec<String>) {
    (
        name.to_owned(),
        surfaces.iter().map(|s| (*s).to_owned()).collect(),
    )
}

const KESTREL_A: (&str, &str) = (
    "Drone maker shows its new craft",
    "Kestrel Dynamics unveiled a drone on Monday. Its chief, Mara Vinter, said deliveries \
     would start in May.",
);
const KESTREL_B: (&str, &str) = (
    "Drone flies",
    "“We are ready,” Kestrel said on Friday. The drone flew for an hour.",
);

#[tokio::test]
async fn a_one_word_organization_named_in_full_by_an_earlier_article_is_that_organization() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let a = ingest(&app, &editor, KESTREL_A.0, KESTREL_A.1).await;
    assert_eq!(
        entities(&a, "organizations", "organization"),
        [named("Kestrel Dynamics", &["Kestrel Dynamics"])]
    );
    let b = ingest(&app, &editor, KESTREL_B.0, KESTREL_B.1).await;
    assert_eq!(entities(&b, "people", "person"), []);
    assert_eq!(
        entities(&b, "organizations", "organization"),
        [named("Kestrel Dynamics", &["Kestrel"])]
    );
    assert_eq!(
        b["quotes"]["nodes"],
        json!([{ "text": "We are ready,", "speakerName": "Kestrel Dynamics" }])
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM organizations")
            .await,
        1
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM people WHERE canonical_name = 'Kestrel'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_family_name_alone_is_the_person_an_earlier_article_named_in_full() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    ingest(
        &app,
        &editor,
        "Mill owner meets union",
        "Chidi Okonkwo, the owner of the mill, met the union on Monday.",
    )
    .await;
    let b = ingest(
        &app,
        &editor,
        "Mill stays",
        "“We will not sell the mill,” Okonkwo said on Tuesday.",
    )
    .await;
    assert_eq!(
        entities(&b, "people", "person"),
        [named("Chidi Okonkwo", &["Okonkwo"])]
    );
    assert_eq!(
        b["quotes"]["nodes"],
        json!([{ "text": "We will not sell the mill,", "speakerName": "Chidi Okonkwo" }])
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM people").await, 1);
}

#[tokio::test]
async fn an_acronym_defined_in_one_article_names_its_organization_in_another() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let a = ingest(
        &app,
        &editor,
        "Gas rates rise",
        "Korea Gas Corporation (KOGAS) raised its rates on Monday.",
    )
    .await;
    assert_eq!(
        a["organizations"]["nodes"][0]["organization"],
        json!({ "id": a["organizations"]["nodes"][0]["organization"]["id"],
                "name": "Korea Gas Corporation", "acronym": "KOGAS" })
    );
    let b = ingest(
        &app,
        &editor,
        "Plants short of gas",
        "Prices rose after KOGAS cut supplies to three plants.",
    )
    .await;
    assert_eq!(
        entities(&b, "organizations", "organization"),
        [named("Korea Gas Corporation", &["KOGAS"])]
    );
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM organizations")
            .await,
        1
    );
}

#[tokio::test]
async fn reextraction_finds_what_later_articles_made_known() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    // The one-word name comes first: on its own it passes for a person.
    let b = ingest(&app, &editor, KESTREL_B.0, KESTREL_B.1).await;
    assert_eq!(
        entities(&b, "people", "person"),
        [named("Kestrel", &["Kestrel"])]
    );
    ingest(&app, &editor, KESTREL_A.0, KESTREL_A.1).await;
    let summary = load::reextract(&app.pools.write, |_| {})
        .await
        .expect("re-extract");
    assert_eq!(summary.articles, 2);
    let data = app
        .data(
            "query($slug: String!) { article(slug: $slug) {
                people(first: 20) { nodes { person { name } } }
                organizations(first: 20) { nodes { organization { name } mentions { surface } } }
                quotes(first: 20) { nodes { speakerName } } } }",
            json!({ "slug": b["slug"] }),
        )
        .await;
    assert_eq!(data["article"]["people"]["nodes"], json!([]));
    assert_eq!(
        entities(&data["article"], "organizations", "organization"),
        [named("Kestrel Dynamics", &["Kestrel"])]
    );
    assert_eq!(
        data["article"]["quotes"]["nodes"],
        json!([{ "speakerName": "Kestrel Dynamics" }])
    );
}

#[tokio::test]
async fn an_alias_an_editor_adds_names_the_organization_in_later_articles() {
    let app = TestApp::spawn().await;
    let editor = app.db.key(Role::Editor).await;
    let a = ingest(&app, &editor, KESTREL_A.0, KESTREL_A.1).await;
    let id = a["organizations"]["nodes"][0]["organization"]["id"].clone();
    // Another ingest, so that the server's copy of the gazetteer already holds Kestrel
    // Dynamics: only the editor's change is new afterwards.
    ingest(&app, &editor, "Rain", "Rain fell on Monday.").await;
    let data = app
        .data_as(
            &editor,
            "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
                userErrors { message } } }",
            json!({ "input": { "id": id, "addAliases": ["Falco"] } }),
        )
        .await;
    assert_eq!(data["updateOrganization"]["userErrors"], json!([]));
    let c = ingest(
        &app,
        &editor,
        "Order signed",
        "“The order is signed,” Falco said on Friday.",
    )
    .await;
    assert_eq!(entities(&c, "people", "person"), []);
    assert_eq!(
        entities(&c, "organizations", "organization"),
        [named("Kestrel Dynamics", &["Falco"])]
    );
}

#[tokio::test]
async fn in_one_bulk_batch_an_article_finds_the_names_the_articles_before_it_stored() {
    use crate::bulk::{archive, run, text_of};
    let app = TestApp::spawn().await;
    let dir = std::env::temp_dir().join(format!("na-bulk-gazetteer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // In this order, one batch: each later article names by one word (or an acronym) what
    // an earlier one of the same batch named in full.
    let articles = [
        KESTREL_A,
        (
            "Mill owner meets union",
            "Chidi Okonkwo, the owner of the mill, met the union on Monday.",
        ),
        (
            "Gas rates rise",
            "Korea Gas Corporation (KOGAS) raised its rates on Monday.",
        ),
        KESTREL_B,
        (
            "Mill stays",
            "“We will not sell the mill,” Okonkwo said on Tuesday.",
        ),
        (
            "Plants short of gas",
            "Prices rose after KOGAS cut supplies to three plants.",
        ),
    ];
    let mut files = Vec::new();
    for (i, (title, body)) in articles.iter().enumerate() {
        let path = dir.join(format!("{i}.txt"));
        std::fs::write(&path, print_view(title, body)).expect("write");
        files.push(path.to_str().expect("utf-8 path").to_owned());
    }
    let mut args = vec!["ingest", "--bulk"];
    args.extend(files.iter().map(String::as_str));
    let out = run(archive(&app.db.url, &args));
    let stdout = text_of(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text_of(&out.stderr));
    assert!(
        stdout.contains("6 created, 0 unchanged, 0 failed"),
        "{stdout}"
    );

    let data = app
        .data(
            "{ articles(first: 10) { nodes { title
                people(first: 20) { nodes { person { name } mentions { surface } } }
                organizations(first: 20) { nodes { organization { name } mentions { surface } } }
                quotes(first: 20) { nodes { text speakerName } } } } }",
            json!({}),
        )
        .await;
    let article = |title: &str| -> Value {
        data["articles"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no article {title}: {data:#}"))
            .clone()
    };
    let b = article(KESTREL_B.0);
    assert_eq!(entities(&b, "people", "person"), []);
    assert_eq!(
        entities(&b, "organizations", "organization"),
        [named("Kestrel Dynamics", &["Kestrel"])]
    );
    assert_eq!(
        b["quotes"]["nodes"],
        json!([{ "text": "We are ready,", "speakerName": "Kestrel Dynamics" }])
    );
    let mill = article("Mill stays");
    assert_eq!(
        entities(&mill, "people", "person"),
        [named("Chidi Okonkwo", &["Okonkwo"])]
    );
    assert_eq!(
        mill["quotes"]["nodes"],
        json!([{ "text": "We will not sell the mill,", "speakerName": "Chidi Okonkwo" }])
    );
    let plants = article("Plants short of gas");
    assert_eq!(
        entities(&plants, "organizations", "organization"),
        [named("Korea Gas Corporation", &["KOGAS"])]
    );
    assert_eq!(app.db.count("SELECT count(*) AS n FROM people").await, 2);
    assert_eq!(
        app.db
            .count("SELECT count(*) AS n FROM organizations")
            .await,
        2
    );
    let _ = std::fs::remove_dir_all(&dir);
}
