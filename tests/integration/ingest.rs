//! Ingest with extraction: what the fixtures store, idempotency, entity resolution across
//! the archive, malformed inputs, overrides, the CLI, seeding and re-extraction.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use news_archive::db::store::Stored;
use news_archive::ingest::{MAX_INPUT_BYTES, ParseError};
use news_archive::load::{self, LoadError, Overrides};
use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::fixtures::{
    count, fixture_text, gold_of, good_fixture_files, ingest_fixtures, ingest_one, ingest_text,
    ingest_with, labelled_counts, seed_path, table_counts,
};

/// A print view as the site renders it, with one paragraph per body line.
fn print_view(title: &str, date: &str, body: &[&str]) -> String {
    format!(
        "print PRINT\n\nINTERNATIONAL > East Asia & Pacific\n\n{title}\n\n  • {date}\n  • , Yomiuri , p. 2\n  • JMH Translation\n\n{}\n",
        body.join("\n\n")
    )
}

const ARTICLE_SHAPE: &str = "query($slug: String!) { article(slug: $slug) {
    title publishedOn publication dateline abridged kind
    sources { outlet { name } page } sectionPath { name } authors { name } tags { name }
    people(first: 100) { nodes { person { name aliases } titles mentions { surface } } }
    organizations(first: 100) { nodes { organization { name acronym } } }
    quotes(first: 100) { nodes { text isUnnamed speakerName } } } }";

/// The article as the API shows it, in the corpus's gold format. A person's name is the
/// archive-wide canonical one, which may be another form than this article's (Kishida
/// Fumio / Fumio Kishida): the gold's name counts when it is one of the person's aliases.
fn as_gold(article: &Value, gold: &Value) -> Value {
    let strings = |v: &Value, key: &str| -> Vec<Value> {
        v.as_array()
            .expect("list")
            .iter()
            .map(|x| x[key].clone())
            .collect()
    };
    let mut renamed: Vec<(Value, Value)> = Vec::new();
    let people: Vec<Value> = article["people"]["nodes"]
        .as_array()
        .expect("people")
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut name = p["person"]["name"].as_str().expect("name").to_owned();
            let gold_name = &gold["people"][i]["name"];
            if p["person"]["aliases"]
                .as_array()
                .expect("aliases")
                .contains(gold_name)
            {
                renamed.push((p["person"]["name"].clone(), gold_name.clone()));
                name = gold_name.as_str().expect("gold name").to_owned();
            }
            let mut mentions = vec![name.clone()];
            for m in p["mentions"].as_array().expect("mentions") {
                let s = m["surface"].as_str().expect("surface").to_owned();
                if !mentions.contains(&s) {
                    mentions.push(s);
                }
            }
            json!({ "name": name, "mentions": mentions, "titles": p["titles"] })
        })
        .collect();
    let organizations: Vec<Value> = article["organizations"]["nodes"]
        .as_array()
        .expect("organizations")
        .iter()
        .map(|o| json!({ "name": o["organization"]["name"], "acronym": o["organization"]["acronym"] }))
        .collect();
    let quotes: Vec<Value> = article["quotes"]["nodes"]
        .as_array()
        .expect("quotes")
        .iter()
        .map(|q| {
            let unnamed = q["isUnnamed"].as_bool().expect("bool");
            let speaker = renamed
                .iter()
                .find(|(canonical, _)| *canonical == q["speakerName"])
                .map_or_else(|| q["speakerName"].clone(), |(_, gold)| gold.clone());
            json!({
                "text": q["text"],
                "speaker": if unnamed { Value::Null } else { speaker },
                "speaker_description": if unnamed { q["speakerName"].clone() } else { Value::Null },
            })
        })
        .collect();
    let section = strings(&article["sectionPath"], "name");
    let mut tags = strings(&article["tags"], "name");
    tags.sort_by_key(|t| t.as_str().unwrap_or_default().to_owned());
    json!({
        "title": article["title"],
        "date": article["publishedOn"],
        "publication": article["publication"],
        "page": article["sources"].as_array().expect("sources").iter().find_map(|s| s["page"].as_str().map(str::to_owned)),
        "section": if section.is_empty() { Value::Null } else { json!(section) },
        "byline": strings(&article["authors"], "name"),
        "dateline": article["dateline"],
        "tags": tags,
        "people": people,
        "organizations": organizations,
        "quotes": quotes,
    })
}

/// The gold annotation with only the fields the archive keeps per article (the gold
/// format's `mentions` of organizations and `direct` flags are not stored as such).
fn comparable_gold(gold: &Value) -> Value {
    let mut g = gold.clone();
    for o in g["organizations"].as_array_mut().expect("organizations") {
        let o = o.as_object_mut().expect("object");
        o.remove("mentions");
        // The archive keeps no acronym that merely repeats the name ("DPRK").
        if o.get("acronym") == o.get("name") {
            o.insert("acronym".into(), Value::Null);
        }
    }
    for q in g["quotes"].as_array_mut().expect("quotes") {
        q.as_object_mut().expect("object").remove("direct");
    }
    if let Some(tags) = g["tags"].as_array_mut() {
        tags.sort_by_key(|t| t.as_str().unwrap_or_default().to_owned());
    }
    g
}

#[tokio::test]
async fn every_fixture_article_is_stored_as_its_gold_file_says() {
    let app = TestApp::spawn().await;
    let mut checked = 0;
    for file in good_fixture_files() {
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        let text = std::fs::read_to_string(&file).expect("readable");
        let gold = gold_of(&file);
        let golds: Vec<Value> = gold.as_array().cloned().unwrap_or_else(|| vec![gold]);
        let results = ingest_text(&app, &text, name).await;
        assert_eq!(
            results.len(),
            golds.len(),
            "{name}: one result per gold entry"
        );
        for (result, gold) in results.into_iter().zip(golds) {
            if let Some(error) = gold.get("error") {
                let err = result.expect_err("the gold file says this line fails");
                assert_eq!(json!(err.to_string()), *error, "{name}");
                continue;
            }
            let slug = match result {
                Ok(Stored::Created { slug, .. }) => slug,
                other => panic!("{name}: {other:?}"),
            };
            let data = app.data(ARTICLE_SHAPE, json!({ "slug": slug })).await;
            assert_eq!(
                as_gold(&data["article"], &gold),
                comparable_gold(&gold),
                "{name} as stored differs from its gold file"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 14, "every good fixture article was checked");
}

#[tokio::test]
async fn the_reference_article_keeps_outlet_section_byline_dateline_quotes_and_no_navigation_tags()
{
    let app = TestApp::spawn().await;
    let text = std::fs::read_to_string(seed_path()).expect("seed");
    let id = ingest_one(&app, &text, "seed.txt").await;
    assert_eq!(count(&app.db, "SELECT count(*) FROM articles").await, 1);
    let data = app
        .data(
            "{ articles(first: 1) { nodes { id title kind publishedOn dateline abridged
                sources { outlet { name } page } section { name path depth }
                sectionPath { name } authors { name } tags { name }
                people { totalCount nodes { person { name aliases } titles } }
                organizations { nodes { organization { name acronym kind } } }
                quotes { totalCount nodes { text cue isFragment isUnnamed speakerName
                    speaker { __typename ... on Person { name } ... on UnnamedSource { description } } } } } } }",
            json!({}),
        )
        .await;
    let a = &data["articles"]["nodes"][0];
    assert_eq!(
        a["title"],
        "Xi instructed to “support Russia” over Western sanctions"
    );
    assert_eq!(a["kind"], "TRANSLATION");
    assert_eq!(a["publishedOn"], "2022-02-28");
    assert_eq!(a["dateline"], "BEIJING");
    assert_eq!(a["abridged"], false);
    assert_eq!(
        a["sources"],
        json!([{ "outlet": { "name": "Yomiuri" }, "page": "7" }])
    );
    assert_eq!(
        a["section"],
        json!({ "name": "East Asia & Pacific", "path": "INTERNATIONAL > East Asia & Pacific", "depth": 2 })
    );
    assert_eq!(
        a["sectionPath"],
        json!([{ "name": "INTERNATIONAL" }, { "name": "East Asia & Pacific" }])
    );
    assert_eq!(a["authors"], json!([{ "name": "Oki Seima" }]));
    // "Ambassador", "Ukraine", "COVID-19", "Trending Japan" are the site's navigation.
    assert_eq!(a["tags"], json!([]));
    assert_eq!(count(&app.db, "SELECT count(*) FROM tags").await, 0);

    let people = &a["people"]["nodes"];
    assert_eq!(a["people"]["totalCount"], 3);
    assert_eq!(people[0]["person"]["name"], "Xi Jinping");
    assert_eq!(people[0]["person"]["aliases"], json!(["Xi", "Xi Jinping"]));
    assert_eq!(people[0]["titles"], json!(["Chinese leader"]));
    assert_eq!(people[1]["person"]["name"], "Wang Yi");
    assert_eq!(
        people[1]["titles"],
        json!(["State Councilor and Minister of Foreign Affairs"])
    );
    assert_eq!(people[2]["person"]["name"], "Vladimir Putin");
    assert_eq!(people[2]["titles"], json!(["Russian President"]));

    let orgs: Vec<(String, Value)> = a["organizations"]["nodes"]
        .as_array()
        .expect("orgs")
        .iter()
        .map(|o| {
            (
                o["organization"]["name"].as_str().expect("name").to_owned(),
                o["organization"]["acronym"].clone(),
            )
        })
        .collect();
    assert!(
        orgs.contains(&("Chinese Communist Party".into(), json!("CCP"))),
        "{orgs:?}"
    );
    assert!(
        orgs.contains(&("European Union".into(), json!("EU"))),
        "{orgs:?}"
    );
    assert!(
        orgs.contains(&("General Administration of Customs".into(), Value::Null)),
        "{orgs:?}"
    );

    let quotes = a["quotes"]["nodes"].as_array().expect("quotes");
    assert_eq!(a["quotes"]["totalCount"], 6);
    let by_xi: Vec<&Value> = quotes
        .iter()
        .filter(|q| q["speaker"]["name"] == "Xi Jinping")
        .collect();
    assert_eq!(by_xi.len(), 3);
    assert_eq!(by_xi[0]["cue"], "said");
    assert_eq!(by_xi[0]["isFragment"], false);
    // "He also gave instructions to “support Russia, ...”": pronoun carry-over, a fragment.
    assert!(
        by_xi[1]["text"]
            .as_str()
            .expect("text")
            .starts_with("support Russia")
    );
    assert_eq!(by_xi[1]["cue"], "gave instructions to");
    assert_eq!(by_xi[1]["isFragment"], true);
    let wang: Vec<&Value> = quotes
        .iter()
        .filter(|q| q["speakerName"] == "Wang Yi")
        .collect();
    assert_eq!(wang.len(), 2);
    assert!(
        wang.iter()
            .all(|q| q["cue"] == "called for" && q["isFragment"] == true)
    );
    let last = quotes.last().expect("a last quote");
    assert_eq!(last["isUnnamed"], true);
    assert_eq!(last["speaker"]["__typename"], "UnnamedSource");
    assert_eq!(
        last["speaker"]["description"],
        "A diplomatic source in Beijing"
    );
    assert_eq!(last["cue"], "said");
    assert_eq!(last["isFragment"], false);
    assert!(id > 0);
}

#[tokio::test]
async fn summaries_several_outlets_abridged_flags_urls_and_json_tags_are_kept() {
    let app = TestApp::spawn().await;
    ingest_fixtures(&app).await;
    let query = "query($s: String!) { articles(filter: { search: $s }) { nodes {
        title kind abridged publication sourceUrl dateline
        sources { outlet { name } page } tags { slug name } } } }";
    let one = |data: &Value| data["articles"]["nodes"][0].clone();

    let okinawa = one(&app.data(query, json!({ "s": "Henoko" })).await);
    assert_eq!(okinawa["kind"], "SUMMARY");
    assert_eq!(okinawa["publication"], "Okinawa Times, Ryukyu Shimpo");
    assert_eq!(
        okinawa["sources"],
        json!([{ "outlet": { "name": "Okinawa Times" }, "page": null },
               { "outlet": { "name": "Ryukyu Shimpo" }, "page": null }])
    );
    assert_eq!(okinawa["dateline"], "Naha, Okinawa Pref.");
    assert_eq!(okinawa["tags"], json!([]), "G7 Summit etc. are navigation");

    let national = one(&app.data(query, json!({ "s": "dissolve" })).await);
    assert_eq!(national["abridged"], true);
    assert_eq!(national["sources"].as_array().expect("sources").len(), 4);
    assert_eq!(
        national["sources"][0]["outlet"]["name"],
        "All national papers"
    );

    let abridged = one(&app.data(query, json!({ "s": "Astellas" })).await);
    assert_eq!(abridged["abridged"], true);
    assert_eq!(
        abridged["sources"],
        json!([{ "outlet": { "name": "Nikkei" }, "page": "4" }])
    );

    let url = one(&app.data(query, json!({ "s": "Kyushu" })).await);
    assert_eq!(
        url["sourceUrl"],
        "https://www.japan-forward.example/article/20230115000123/"
    );

    let json_article = one(&app.data(query, json!({ "s": "Yonaguni" })).await);
    assert_eq!(
        json_article["tags"],
        json!([{ "slug": "taiwan", "name": "Taiwan" }, { "slug": "defense", "name": "defense" }])
    );
    assert_eq!(
        json_article["sources"],
        json!([{ "outlet": { "name": "Yomiuri" }, "page": "3" }, { "outlet": { "name": "NHK" }, "page": null }])
    );
    // Outlets are shared across articles: one Yomiuri, one NHK.
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM outlets WHERE name IN ('Yomiuri', 'NHK')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn ingesting_the_same_text_twice_changes_nothing() {
    let app = TestApp::spawn().await;
    let text = std::fs::read_to_string(seed_path()).expect("seed");
    let first = ingest_one(&app, &text, "seed.txt").await;
    let before = table_counts(&app.db).await;
    let again = ingest_text(&app, &text, "seed again").await;
    assert_eq!(again.len(), 1);
    match &again[0] {
        Ok(Stored::Unchanged { article_id }) => assert_eq!(*article_id, first),
        other => panic!("expected unchanged, got {other:?}"),
    }
    assert_eq!(table_counts(&app.db).await, before);

    // The same for a whole NDJSON batch: every line already archived.
    let batch = fixture_text("batch.ndjson");
    ingest_text(&app, &batch, "batch.ndjson").await;
    let before = table_counts(&app.db).await;
    let results = ingest_text(&app, &batch, "batch.ndjson").await;
    assert!(
        matches!(results[0], Ok(Stored::Unchanged { .. })),
        "{results:?}"
    );
    assert!(matches!(
        results[1],
        Err(LoadError::Parse(ParseError::MissingField("title")))
    ));
    assert!(
        matches!(results[2], Ok(Stored::Unchanged { .. })),
        "{results:?}"
    );
    assert_eq!(table_counts(&app.db).await, before);
}

const PERSON_QUERY: &str = "query($n: String!) { person(name: $n) {
    id name aliases articleCount quoteCount articles { nodes { title } } } }";

#[tokio::test]
async fn a_family_name_in_a_later_article_links_to_the_one_person_who_carries_it() {
    let app = TestApp::spawn().await;
    ingest_one(
        &app,
        &print_view(
            "China backs Russia at summit",
            "March 1, 2024",
            &["BEIJING — Chinese President Xi Jinping met visiting officials on Feb. 29. “We stand with our partners,” Xi said."],
        ),
        "a",
    )
    .await;
    ingest_one(
        &app,
        &print_view(
            "Xi speaks on trade",
            "March 5, 2024",
            &["Xi said on March 4 that China would “open its markets further.”"],
        ),
        "b",
    )
    .await;
    assert_eq!(count(&app.db, "SELECT count(*) FROM people").await, 1);
    let data = app.data(PERSON_QUERY, json!({ "n": "Xi" })).await;
    let xi = &data["person"];
    assert_eq!(xi["name"], "Xi Jinping");
    assert_eq!(xi["articleCount"], 2);
    assert_eq!(xi["quoteCount"], 2);
    assert_eq!(
        xi["articles"]["nodes"],
        json!([{ "title": "Xi speaks on trade" }, { "title": "China backs Russia at summit" }])
    );
    let same = app.data(PERSON_QUERY, json!({ "n": "xi jinping" })).await;
    assert_eq!(same["person"]["id"], xi["id"]);
}

#[tokio::test]
async fn people_sharing_a_family_name_stay_apart_and_the_bare_name_joins_neither() {
    let app = TestApp::spawn().await;
    for (name, title, date, body) in [
        (
            "c",
            "North Korea fires missile",
            "April 1, 2024",
            "SEOUL — North Korean leader Kim Jong Un oversaw a missile launch on March 31. “Our deterrent is ready,” Kim said.",
        ),
        (
            "d",
            "Kim Yo Jong warns Seoul",
            "April 3, 2024",
            "Kim Yo Jong, a senior official of the ruling party, issued a statement on April 2. “Seoul will pay the price,” Kim said.",
        ),
        (
            "e",
            "Pyongyang issues statement",
            "April 5, 2024",
            "Kim said on April 4 that the country “will not negotiate.”",
        ),
    ] {
        ingest_one(&app, &print_view(title, date, &[body]), name).await;
    }
    let jong_un = app.data(PERSON_QUERY, json!({ "n": "Kim Jong Un" })).await;
    let yo_jong = app.data(PERSON_QUERY, json!({ "n": "Kim Yo Jong" })).await;
    assert_eq!(jong_un["person"]["name"], "Kim Jong Un");
    assert_eq!(yo_jong["person"]["name"], "Kim Yo Jong");
    assert_ne!(jong_un["person"]["id"], yo_jong["person"]["id"]);
    for (person, title) in [
        (&jong_un, "North Korea fires missile"),
        (&yo_jong, "Kim Yo Jong warns Seoul"),
    ] {
        assert_eq!(person["person"]["articleCount"], 1, "{person}");
        assert_eq!(person["person"]["quoteCount"], 1, "{person}");
        assert_eq!(
            person["person"]["articles"]["nodes"],
            json!([{ "title": title }])
        );
    }
    // The third article's bare "Kim" is attributed to neither of them.
    let data = app
        .data(
            "{ articles(filter: { search: \"Pyongyang\" }) { nodes {
                people { nodes { person { id name } } }
                quotes { nodes { speaker { ... on Person { id name } } } } } } }",
            json!({}),
        )
        .await;
    let article = &data["articles"]["nodes"][0];
    let kim = &article["people"]["nodes"][0]["person"];
    assert_eq!(kim["name"], "Kim");
    assert_ne!(kim["id"], jong_un["person"]["id"]);
    assert_ne!(kim["id"], yo_jong["person"]["id"]);
    assert_eq!(article["quotes"]["nodes"][0]["speaker"]["id"], kim["id"]);
    assert_eq!(count(&app.db, "SELECT count(*) FROM people").await, 3);
}

#[tokio::test]
async fn a_person_written_in_the_other_name_order_is_the_person_the_archive_knows() {
    let app = TestApp::spawn().await;
    ingest_one(
        &app,
        &print_view(
            "Kishida to visit Seoul",
            "May 1, 2023",
            &["Prime Minister Kishida Fumio said on April 30 that he would visit Seoul. “Dialogue with our neighbors matters,” Kishida said."],
        ),
        "a",
    )
    .await;
    // The next article names him "Fumio Kishida" first and "Kishida Fumio" later:
    // extraction knows both are one person, and the archive already has that person.
    let fixture = crate::support::fixtures::articles_dir().join("fragments_title_quote.txt");
    let text = std::fs::read_to_string(fixture).expect("fixture");
    ingest_one(&app, &text, "fragments_title_quote.txt").await;
    let people = count(
        &app.db,
        "SELECT count(*) FROM people WHERE canonical_name IN ('Kishida Fumio', 'Fumio Kishida')",
    )
    .await;
    assert_eq!(people, 1, "one Kishida in the archive");
    let data = app
        .data(
            "{ a: person(name: \"Fumio Kishida\") { id name articleCount quoteCount aliases }
               b: person(name: \"Kishida Fumio\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(data["a"]["id"], data["b"]["id"]);
    assert_eq!(data["a"]["name"], "Kishida Fumio");
    assert_eq!(data["a"]["articleCount"], 2);
    assert_eq!(data["a"]["quoteCount"], 4);
    assert_eq!(
        data["a"]["aliases"],
        json!(["Fumio Kishida", "Kishida", "Kishida Fumio"])
    );
}

#[tokio::test]
async fn malformed_inputs_give_typed_errors_and_write_nothing() {
    let app = TestApp::spawn().await;
    let none = Overrides::default();
    let single = |results: Vec<Result<load::Prepared, LoadError>>| -> LoadError {
        assert_eq!(results.len(), 1);
        results
            .into_iter()
            .next()
            .expect("one")
            .expect_err("must fail")
    };
    let empty = single(load::prepare_bytes(
        fixture_text("malformed_empty.txt").as_bytes(),
        None,
        &none,
    ));
    assert!(
        matches!(empty, LoadError::Parse(ParseError::Empty)),
        "{empty:?}"
    );
    let blank = single(load::prepare_bytes(b" \n\t\n", None, &none));
    assert!(
        matches!(blank, LoadError::Parse(ParseError::Empty)),
        "{blank:?}"
    );
    let no_title = single(load::prepare_text(
        &fixture_text("malformed_no_title.txt"),
        None,
        &none,
    ));
    assert!(
        matches!(no_title, LoadError::Parse(ParseError::NoTitle)),
        "{no_title:?}"
    );
    let latin1 = single(load::prepare_bytes(
        b"Caf\xe9 au lait \xff\xfe",
        None,
        &none,
    ));
    assert!(
        matches!(latin1, LoadError::Parse(ParseError::NotUtf8)),
        "{latin1:?}"
    );
    let huge = vec![b'a'; MAX_INPUT_BYTES + 1];
    let too_large = single(load::prepare_bytes(&huge, None, &none));
    match too_large {
        LoadError::Parse(ParseError::TooLarge { size, limit }) => {
            assert_eq!((size, limit), (MAX_INPUT_BYTES + 1, MAX_INPUT_BYTES));
        }
        other => panic!("{other:?}"),
    }
    let invalid = single(load::prepare_text(
        &fixture_text("malformed_invalid.json"),
        None,
        &none,
    ));
    assert!(
        matches!(invalid, LoadError::Parse(ParseError::InvalidJson(_))),
        "{invalid:?}"
    );
    let missing = single(load::prepare_text(
        &fixture_text("malformed_missing_field.json"),
        None,
        &none,
    ));
    assert!(
        matches!(missing, LoadError::Parse(ParseError::MissingField("body"))),
        "{missing:?}"
    );
    let bad_date = single(load::prepare_text(
        &fixture_text("malformed_bad_date.json"),
        None,
        &none,
    ));
    assert!(
        matches!(bad_date, LoadError::Parse(ParseError::InvalidDate(_))),
        "{bad_date:?}"
    );
    let undated =
        "print PRINT\n\nPOLITICS\n\nA headline without a date\n\nThe cabinet met on Tuesday.\n";
    let no_date = single(load::prepare_text(undated, None, &none));
    assert!(matches!(no_date, LoadError::NoDate), "{no_date:?}");
    assert!(no_date.to_string().contains("--published-on"), "{no_date}");

    // Through the storing path too: errors before any statement, nothing written.
    for bad in [
        fixture_text("malformed_no_title.txt"),
        fixture_text("malformed_invalid.json"),
        undated.to_owned(),
    ] {
        let results = ingest_text(&app, &bad, "bad").await;
        assert!(results.iter().all(Result::is_err), "{results:?}");
    }
    assert!(
        table_counts(&app.db).await.iter().all(|(_, n)| *n == 0),
        "{:?}",
        table_counts(&app.db).await
    );
}

#[tokio::test]
async fn dates_come_from_the_text_then_the_override_then_the_source_url() {
    let app = TestApp::spawn().await;
    let undated = "print PRINT\n\nPOLITICS\n\nCabinet approves budget\n\nThe cabinet approved the budget on Tuesday.\n";
    let with_date = Overrides {
        published_on: NaiveDate::from_ymd_opt(2024, 6, 1),
        ..Overrides::default()
    };
    let stored = ingest_with(&app, undated, "undated", &with_date).await;
    assert!(
        matches!(stored[0], Ok(Stored::Created { .. })),
        "{stored:?}"
    );

    let other = undated.replace("budget", "tax plan");
    let with_url = Overrides {
        source_url: Some("https://news.example/politics/20240315000789/".into()),
        ..Overrides::default()
    };
    let stored = ingest_with(&app, &other, "url", &with_url).await;
    assert!(
        matches!(stored[0], Ok(Stored::Created { .. })),
        "{stored:?}"
    );

    // A date in the text wins over the override.
    let dated = print_view(
        "Dated headline",
        "May 2, 2024",
        &["The text has its own date."],
    );
    let stored = ingest_with(&app, &dated, "dated", &with_date).await;
    assert!(
        matches!(stored[0], Ok(Stored::Created { .. })),
        "{stored:?}"
    );

    let data = app
        .data(
            "{ articles(orderBy: TITLE) { nodes { title publishedOn sourceUrl } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["articles"]["nodes"],
        json!([
            { "title": "Cabinet approves budget", "publishedOn": "2024-06-01", "sourceUrl": null },
            { "title": "Cabinet approves tax plan", "publishedOn": "2024-03-15",
              "sourceUrl": "https://news.example/politics/20240315000789/" },
            { "title": "Dated headline", "publishedOn": "2024-05-02", "sourceUrl": null },
        ])
    );
    assert_eq!(
        labelled_counts(
            &app.db,
            "SELECT title || ' | ' || date_source AS label, count(*) AS n
             FROM articles GROUP BY 1 ORDER BY 1"
        )
        .await,
        vec![
            ("Cabinet approves budget | given".to_owned(), 1),
            ("Cabinet approves tax plan | source_url".to_owned(), 1),
            ("Dated headline | text".to_owned(), 1),
        ]
    );
}

#[tokio::test]
async fn a_wire_page_without_title_or_date_is_archived_with_what_it_lacked() {
    let app = TestApp::spawn().await;
    let page = "Kaigan News Agency\n\nSEOUL, July 15 (Kaigan) - The National Assembly passed the \
                budget bill on Tuesday. Lawmakers voted 187 to 96.\n\nSource: Kaigan News Agency\n";
    let with_url = Overrides {
        source_url: Some("https://wire.example/politics/20250715000123/".into()),
        ..Overrides::default()
    };
    let stored = ingest_with(&app, page, "wire", &with_url).await;
    assert!(
        matches!(stored[0], Ok(Stored::Created { .. })),
        "{stored:?}"
    );
    assert_eq!(
        labelled_counts(
            &app.db,
            "SELECT title || ' | ' || title_derived || ' | ' || date_source || ' | '
                    || published_on || ' | ' || coalesce(publication, '-') AS label,
                    count(*) AS n
             FROM articles GROUP BY 1"
        )
        .await,
        vec![(
            "The National Assembly passed the budget bill on Tuesday | true | source_url \
             | 2025-07-15 | Kaigan News Agency"
                .to_owned(),
            1
        )]
    );
}

#[tokio::test]
async fn reextraction_keeps_people_and_quotes_and_is_idempotent() {
    let app = TestApp::spawn().await;
    let articles = ingest_fixtures(&app).await;
    crate::support::fixtures::ingest_synthetic(&app, 3, 10).await;
    let before = table_counts(&app.db).await;
    let summary = load::reextract(&app.pools.write, |_| {})
        .await
        .expect("re-extract");
    assert_eq!(summary.articles, articles + 10);
    assert_eq!(summary.failed, 0);
    let after = table_counts(&app.db).await;
    assert_eq!(after, before, "same people, aliases, mentions, quotes");
    let again = load::reextract(&app.pools.write, |_| {})
        .await
        .expect("re-extract again");
    assert_eq!(again, summary);
    assert_eq!(table_counts(&app.db).await, before);
    // And the API still shows the same attributions.
    let data = app
        .data(
            "{ person(name: \"Xi Jinping\") { quoteCount articleCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["person"],
        json!({ "quoteCount": 3, "articleCount": 1 })
    );
}

// ---------------------------------------------------------------------------------------
// The command line.

fn archive(database_url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_archive"));
    cmd.args(args)
        .env("DATABASE_URL", database_url)
        .env("DEMO_ARTICLES", "0")
        .env("RUST_LOG", "warn")
        .current_dir(std::env::temp_dir());
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("the archive binary runs")
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("na-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }

    fn copy_in(&self, from: &Path) -> PathBuf {
        let to = self.0.join(from.file_name().expect("file name"));
        std::fs::copy(from, &to).expect("copy");
        to
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn cli_ingest_of_a_directory_reports_each_bad_file_and_stores_the_good_ones() {
    let app = TestApp::spawn().await;
    let dir = TempDir::new("ingest");
    let fixtures = crate::support::fixtures::articles_dir();
    for name in [
        "korea_relations.txt",
        "malformed_invalid.json",
        "malformed_no_title.txt",
        "okinawa_summary.txt",
    ] {
        dir.copy_in(&fixtures.join(name));
    }
    dir.copy_in(&seed_path());
    let out = run(archive(
        &app.db.url,
        &["ingest", dir.0.to_str().expect("utf-8 path")],
    ));
    let stdout = text_of(&out.stdout);
    assert!(
        !out.status.success(),
        "bad files make the run fail: {stdout}"
    );
    let line = |file: &str| -> String {
        stdout
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no line for {file} in:\n{stdout}"))
            .to_owned()
    };
    assert!(
        line("malformed_invalid.json").contains("error: invalid JSON"),
        "{stdout}"
    );
    assert!(
        line("malformed_no_title.txt").contains("error: the article has no title"),
        "{stdout}"
    );
    for good in ["korea_relations.txt", "okinawa_summary.txt", "seed.txt"] {
        assert!(line(good).contains("created article"), "{stdout}");
    }
    assert!(
        stdout.contains("3 created, 0 unchanged, 2 failed"),
        "{stdout}"
    );
    assert!(
        text_of(&out.stderr).contains("2 input(s) failed"),
        "{}",
        text_of(&out.stderr)
    );
    assert_eq!(count(&app.db, "SELECT count(*) FROM articles").await, 3);
    let data = app
        .data("{ person(name: \"Xi\") { name articleCount } }", json!({}))
        .await;
    assert_eq!(
        data["person"],
        json!({ "name": "Xi Jinping", "articleCount": 1 })
    );
}

#[tokio::test]
async fn cli_extract_writes_the_gold_json_of_a_fixture() {
    let dir = TempDir::new("extract");
    let fixtures = crate::support::fixtures::articles_dir();
    let out = run(archive(
        "postgres://127.0.0.1:1/unused",
        &[
            "extract",
            fixtures.join("korea_relations.txt").to_str().expect("path"),
            fixtures.join("json_article.json").to_str().expect("path"),
            "--out",
            dir.0.to_str().expect("path"),
        ],
    ));
    assert!(out.status.success(), "{}", text_of(&out.stderr));
    for name in ["korea_relations", "json_article"] {
        let written: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.0.join(format!("{name}.json"))).expect("written"),
        )
        .expect("JSON");
        let ext = if name == "json_article" {
            "json"
        } else {
            "txt"
        };
        assert_eq!(
            written,
            gold_of(&fixtures.join(format!("{name}.{ext}"))),
            "{name}"
        );
    }
}

#[tokio::test]
async fn two_concurrent_cli_ingests_of_one_file_create_one_article() {
    let app = TestApp::spawn().await;
    let seed = seed_path();
    let seed = seed.to_str().expect("path");
    let children: Vec<_> = (0..2)
        .map(|_| {
            archive(&app.db.url, &["ingest", seed])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawned")
        })
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("finished"))
        .collect();
    for out in &outputs {
        assert!(
            out.status.success(),
            "{}\n{}",
            text_of(&out.stdout),
            text_of(&out.stderr)
        );
    }
    let all: String = outputs.iter().map(|o| text_of(&o.stdout)).collect();
    assert_eq!(all.matches("created article").count(), 1, "{all}");
    assert_eq!(
        all.matches("unchanged: already archived").count(),
        1,
        "{all}"
    );
    assert_eq!(count(&app.db, "SELECT count(*) FROM articles").await, 1);
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM raw_documents").await,
        1
    );
    assert_eq!(
        count(&app.db, "SELECT count(*) FROM people").await,
        4,
        "3 named + the author"
    );
    assert_eq!(count(&app.db, "SELECT count(*) FROM quotes").await, 6);
}

#[tokio::test]
async fn cli_seed_creates_the_corpus_once() {
    let app = TestApp::spawn().await;
    let args = ["seed", "--articles", "30", "--seed", "7"];
    let out = run(archive(&app.db.url, &args));
    assert!(out.status.success(), "{}", text_of(&out.stderr));
    assert!(
        text_of(&out.stdout).starts_with("30 created, 0 unchanged, 0 failed"),
        "{}",
        text_of(&out.stdout)
    );
    assert_eq!(count(&app.db, "SELECT count(*) FROM articles").await, 30);
    let before = table_counts(&app.db).await;
    let out = run(archive(&app.db.url, &args));
    assert!(out.status.success(), "{}", text_of(&out.stderr));
    assert!(
        text_of(&out.stdout).starts_with("0 created, 30 unchanged, 0 failed"),
        "{}",
        text_of(&out.stdout)
    );
    assert_eq!(table_counts(&app.db).await, before);
}

#[tokio::test]
async fn concurrent_ingests_of_different_articles_share_one_new_person() {
    let app = TestApp::spawn().await;
    let prepare = |title: &str, quote: &str| {
        let text = print_view(
            title,
            "June 3, 2024",
            &[&format!(
                "TOKYO — Foreign Minister Yamashita Taro met his counterpart on June 2. “{quote},” Yamashita told reporters."
            )],
        );
        load::prepare_text(&text, None, &Overrides::default())
            .pop()
            .expect("one article")
            .expect("prepared")
    };
    let a = prepare(
        "Yamashita meets counterpart",
        "The talks were productive and frank",
    );
    let b = prepare(
        "Yamashita holds talks",
        "We agreed to meet again next month",
    );
    let (ra, rb) = tokio::join!(
        load::store(&app.pools.write, &a, Some("a")),
        load::store(&app.pools.write, &b, Some("b")),
    );
    assert!(matches!(ra, Ok(Stored::Created { .. })), "{ra:?}");
    assert!(matches!(rb, Ok(Stored::Created { .. })), "{rb:?}");
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM people WHERE canonical_name = 'Yamashita Taro'"
        )
        .await,
        1
    );
    let data = app
        .data(
            "{ person(name: \"Yamashita\") { articleCount quoteCount titles { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["person"],
        json!({ "articleCount": 2, "quoteCount": 2,
                "titles": [{ "title": "Foreign Minister" }, { "title": "Foreign Minister" }] })
    );
}

#[tokio::test]
async fn different_texts_with_one_title_and_date_get_distinct_slugs() {
    let app = TestApp::spawn().await;
    let first = print_view(
        "Cabinet meets",
        "July 1, 2024",
        &["The cabinet met in the morning."],
    );
    let second = print_view(
        "Cabinet meets",
        "July 1, 2024",
        &["The cabinet met again in the evening."],
    );
    let mut slugs = Vec::new();
    for (i, text) in [first, second].iter().enumerate() {
        match ingest_text(&app, text, &format!("{i}")).await.remove(0) {
            Ok(Stored::Created { slug, .. }) => slugs.push(slug),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(slugs[0], "2024-07-01-cabinet-meets");
    assert_ne!(slugs[0], slugs[1]);
    for (slug, body) in slugs.iter().zip(["in the morning", "in the evening"]) {
        let data = app
            .data(
                "query($s: String!) { article(slug: $s) { slug body } }",
                json!({ "s": slug }),
            )
            .await;
        assert_eq!(data["article"]["slug"], json!(slug));
        assert!(
            data["article"]["body"]
                .as_str()
                .expect("body")
                .contains(body)
        );
    }
}

#[tokio::test]
async fn mention_and_quote_spans_point_at_their_words_in_the_paragraphs() {
    let app = TestApp::spawn_with(|c| c.max_complexity = 10_000_000).await;
    crate::support::fixtures::seed_archive(&app).await;
    let mut after = Value::Null;
    let mut checked = (0, 0);
    loop {
        let data = app
            .data(
                "query($a: String) { articles(first: 20, after: $a) {
                    pageInfo { hasNextPage endCursor }
                    nodes { title kind language originalLanguage wordCount paragraphs body
                        people(first: 100) { nodes { mentions { paragraph start end surface } } }
                        organizations(first: 100) { nodes { mentions { paragraph start end surface } } }
                        quotes(first: 100) { nodes { text paragraph start end } } } } }",
                json!({ "a": after }),
            )
            .await;
        let conn = &data["articles"];
        for article in conn["nodes"].as_array().expect("nodes") {
            let title = article["title"].as_str().expect("title");
            let paragraphs: Vec<Vec<char>> = article["paragraphs"]
                .as_array()
                .expect("paragraphs")
                .iter()
                .map(|p| p.as_str().expect("text").chars().collect())
                .collect();
            let slice = |p: &Value, s: &Value, e: &Value| -> String {
                let p = &paragraphs[usize::try_from(p.as_i64().expect("p")).expect("p")];
                let (s, e) = (
                    s.as_u64().expect("s") as usize,
                    e.as_u64().expect("e") as usize,
                );
                assert!(
                    s < e && e <= p.len(),
                    "{title}: span {s}..{e} of {}",
                    p.len()
                );
                p[s..e].iter().collect()
            };
            for list in ["people", "organizations"] {
                for entity in article[list]["nodes"].as_array().expect("nodes") {
                    for m in entity["mentions"].as_array().expect("mentions") {
                        assert_eq!(
                            slice(&m["paragraph"], &m["start"], &m["end"]),
                            m["surface"].as_str().expect("surface"),
                            "{title}"
                        );
                        checked.0 += 1;
                    }
                }
            }
            for q in article["quotes"]["nodes"].as_array().expect("quotes") {
                assert_eq!(
                    slice(&q["paragraph"], &q["start"], &q["end"]),
                    q["text"].as_str().expect("text"),
                    "{title}"
                );
                checked.1 += 1;
            }
            let words: usize = paragraphs
                .iter()
                .map(|p| p.iter().collect::<String>().split_whitespace().count())
                .sum();
            assert_eq!(article["wordCount"].as_u64(), Some(words as u64), "{title}");
            let body: Vec<String> = paragraphs.iter().map(|p| p.iter().collect()).collect();
            assert_eq!(article["body"].as_str(), Some(body.join("\n\n").as_str()));
            assert_eq!(article["language"], "en");
            if article["kind"] != "ORIGINAL" {
                assert_eq!(article["originalLanguage"], "ja", "{title}");
            }
        }
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert!(checked.0 > 300 && checked.1 > 100, "{checked:?}");
}

#[tokio::test]
async fn a_wire_page_without_a_title_line_is_archived_with_its_first_sentence_as_derived_title() {
    let app = TestApp::spawn().await;
    let text = "date 2025-01-14\n\nKaigan News Agency\n\nBEIJING, Jan. 14 (Kaigan) - China on \
                Tuesday announced export controls on three metals. Exporters will need a \
                license.\n\nSource: Kaigan News Agency\n";
    ingest_one(&app, text, "wire.txt").await;
    let data = app
        .data(
            "{ articles(first: 1) { nodes { title titleDerived dateSource publishedOn } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["articles"]["nodes"][0],
        json!({
            "title": "China on Tuesday announced export controls on three metals",
            "titleDerived": true,
            "dateSource": "text",
            "publishedOn": "2025-01-14"
        })
    );
}
