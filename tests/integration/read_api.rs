//! The read API over a seeded archive (every fixture article, the reference article, two
//! articles with accented names and 40 synthetic ones): filters, orderings, pagination,
//! entity lookups, quotes, search, analytics, nodes, statement counts and errors. Each
//! expectation is checked against an independent SQL query or a known fixture fact.

use news_archive::graphql::ids::{NodeType, encode};
use serde_json::{Value, json};

use crate::support::fixtures::{count, ids, labelled_counts, seed_archive};
use crate::support::{TestApp, error_code};

/// A server over a freshly seeded archive; returns it with the number of articles.
async fn seeded() -> (TestApp, i64) {
    let app = TestApp::spawn().await;
    let n = seed_archive(&app).await;
    (app, i64::try_from(n).expect("small"))
}

const FILTERED: &str = "query($f: ArticleFilter) {
    articles(filter: $f, first: 100) { totalCount nodes { title } } }";

/// `totalCount` and the titles of the articles matching `filter` (all on one page).
async fn matching(app: &TestApp, filter: Value) -> (i64, Vec<String>) {
    let data = app.data(FILTERED, json!({ "f": filter })).await;
    let total = data["articles"]["totalCount"].as_i64().expect("count");
    let titles: Vec<String> = data["articles"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["title"].as_str().expect("title").to_owned())
        .collect();
    assert_eq!(
        titles.len() as i64,
        total,
        "{filter}: one page holds them all"
    );
    (total, titles)
}

/// Asserts the filter matches exactly the articles the SQL condition on `articles a` does.
async fn assert_matches_sql(app: &TestApp, filter: Value, condition: &str) -> i64 {
    let (total, _) = matching(app, filter.clone()).await;
    let expected = count(
        &app.db,
        &format!("SELECT count(*) FROM articles a WHERE {condition}"),
    )
    .await;
    assert_eq!(total, expected, "{filter} vs {condition}");
    total
}

fn article_id(n: i64) -> String {
    encode(NodeType::Article, n).0
}

async fn id_of(app: &TestApp, sql: &str) -> i64 {
    let found = ids(&app.db, sql).await;
    assert_eq!(found.len(), 1, "{sql}: {found:?}");
    found[0]
}

const SEED_TITLE: &str = "Xi instructed to “support Russia” over Western sanctions";
const OKINAWA_TITLE: &str = "Okinawa governor rejects design change for Henoko relocation";
const MEXICO_TITLE: &str = "Mexico and Japan sign energy pact";

#[tokio::test]
async fn articles_filtered_by_text_dates_outlet_section_tag_kind_author_and_dateline_match_sql() {
    let (app, total) = seeded().await;
    assert_eq!(count(&app.db, "SELECT count(*) FROM articles").await, total);
    assert_eq!(matching(&app, json!({})).await.0, total);

    // Full text: a rare word, a phrase, an exclusion (checked against plain substring search).
    let body = "(a.title || ' ' || array_to_string(a.paragraphs, ' '))";
    assert_eq!(
        matching(&app, json!({ "search": "Henoko" })).await,
        (1, vec![OKINAWA_TITLE.to_owned()])
    );
    assert_matches_sql(
        &app,
        json!({ "search": "\"fresh mandate\"" }),
        &format!("{body} ILIKE '%fresh mandate%'"),
    )
    .await;
    let kishida = assert_matches_sql(
        &app,
        json!({ "search": "Kishida -Komeito" }),
        &format!("{body} ILIKE '%kishida%' AND {body} NOT ILIKE '%komeito%'"),
    )
    .await;
    assert_eq!(kishida, 3);

    // Dates.
    assert_matches_sql(
        &app,
        json!({ "publishedFrom": "2022-01-01", "publishedTo": "2022-12-31" }),
        "a.published_on BETWEEN '2022-01-01' AND '2022-12-31'",
    )
    .await;
    let same_day = assert_matches_sql(
        &app,
        json!({ "publishedFrom": "2022-02-28", "publishedTo": "2022-02-28" }),
        "a.published_on = '2022-02-28'",
    )
    .await;
    assert_eq!(same_day, 3);

    // Outlets by name or slug.
    let yomiuri = "EXISTS (SELECT 1 FROM article_outlets ao JOIN outlets o ON o.id = ao.outlet_id
                   WHERE ao.article_id = a.id AND o.name = 'Yomiuri')";
    assert_eq!(
        assert_matches_sql(&app, json!({ "outlet": "Yomiuri" }), yomiuri).await,
        4
    );
    assert_eq!(matching(&app, json!({ "outlet": "yomiuri" })).await.0, 4);
    assert_eq!(
        matching(&app, json!({ "outlet": "okinawa-times" })).await,
        (1, vec![OKINAWA_TITLE.to_owned()])
    );

    // Sections: a top section takes in its sub-sections.
    let top = assert_matches_sql(
        &app,
        json!({ "section": "INTERNATIONAL" }),
        "a.section_id IN (SELECT id FROM sections WHERE path = 'INTERNATIONAL' OR path LIKE 'INTERNATIONAL > %')",
    )
    .await;
    let sub = assert_matches_sql(
        &app,
        json!({ "section": "INTERNATIONAL > East Asia & Pacific" }),
        "a.section_id IN (SELECT id FROM sections WHERE path = 'INTERNATIONAL > East Asia & Pacific')",
    )
    .await;
    assert!(
        sub >= 3,
        "the reference article, Korea and Hayashi-Qin: {sub}"
    );
    let americas = matching(&app, json!({ "section": "international > americas" })).await;
    assert!(
        americas.1.contains(&MEXICO_TITLE.to_owned()),
        "{americas:?}"
    );
    assert!(top > sub + americas.0 - 1, "top {top}, sub {sub}");
    let (_, in_top) = matching(&app, json!({ "section": "INTERNATIONAL" })).await;
    assert!(in_top.contains(&SEED_TITLE.to_owned()) && in_top.contains(&MEXICO_TITLE.to_owned()));

    // Tags: only the JSON article has any; navigation bullets are not tags.
    let hamada = (
        1,
        vec!["Defense Minister Hamada inspects Yonaguni garrison".to_owned()],
    );
    assert_eq!(matching(&app, json!({ "tag": "taiwan" })).await, hamada);
    assert_eq!(matching(&app, json!({ "tag": "Defense" })).await, hamada);
    assert_eq!(matching(&app, json!({ "tag": "ukraine" })).await.0, 0);
    assert_eq!(matching(&app, json!({ "tag": "Ambassador" })).await.0, 0);

    // Kind, author, dateline.
    for kind in ["TRANSLATION", "SUMMARY", "ORIGINAL"] {
        assert_matches_sql(&app, json!({ "kind": kind }), &format!("a.kind = '{kind}'")).await;
    }
    assert_eq!(
        matching(&app, json!({ "author": "Oki Seima" })).await,
        (1, vec![SEED_TITLE.to_owned()])
    );
    assert_eq!(
        matching(&app, json!({ "author": "jane harper" })).await,
        (1, vec!["China protests Japan's defense buildup".to_owned()])
    );
    let beijing = assert_matches_sql(
        &app,
        json!({ "dateline": "beijing" }),
        "lower(a.dateline) = 'beijing'",
    )
    .await;
    assert!(beijing >= 3);
}

#[tokio::test]
async fn articles_filtered_by_mentioned_entities_and_speakers_match_sql_and_combine() {
    let (app, total) = seeded().await;
    let xi = id_of(
        &app,
        "SELECT id FROM people WHERE canonical_name = 'Xi Jinping'",
    )
    .await;
    let xi_global = encode(NodeType::Person, xi).0;
    for name in [
        "Xi Jinping",
        "Xi",
        "xi jinping",
        "  XI  ",
        xi_global.as_str(),
    ] {
        assert_eq!(
            matching(&app, json!({ "mentionsPerson": name })).await,
            (1, vec![SEED_TITLE.to_owned()]),
            "{name}"
        );
    }
    // Accents and case do not matter.
    for name in [
        "Andrés Manuel López Obrador",
        "andres manuel lopez obrador",
        "LOPEZ OBRADOR",
    ] {
        assert_eq!(
            matching(&app, json!({ "mentionsPerson": name })).await,
            (1, vec![MEXICO_TITLE.to_owned()]),
            "{name}"
        );
    }
    assert_eq!(
        matching(&app, json!({ "mentionsPerson": "Jose Martinez" }))
            .await
            .1,
        vec!["Chilean minister visits Tokyo".to_owned()]
    );
    let hayashi = assert_matches_sql(
        &app,
        json!({ "mentionsPerson": "Hayashi Yoshimasa" }),
        "a.id IN (SELECT m.article_id FROM mentions m JOIN people p ON p.id = m.person_id
                  WHERE p.canonical_name = 'Hayashi Yoshimasa')",
    )
    .await;
    assert_eq!(hayashi, 2);

    // Organizations, by acronym or name.
    let ccp = "a.id IN (SELECT m.article_id FROM mentions m JOIN organizations o ON o.id = m.organization_id
               WHERE o.name = 'Chinese Communist Party')";
    assert_eq!(
        assert_matches_sql(&app, json!({ "mentionsOrganization": "CCP" }), ccp).await,
        2
    );
    assert_eq!(
        matching(
            &app,
            json!({ "mentionsOrganization": "chinese communist party" })
        )
        .await
        .0,
        2
    );
    let ccp_id = id_of(
        &app,
        "SELECT id FROM organizations WHERE name = 'Chinese Communist Party'",
    )
    .await;
    assert_eq!(
        matching(
            &app,
            json!({ "mentionsOrganization": encode(NodeType::Organization, ccp_id).0 })
        )
        .await
        .0,
        2
    );
    assert_matches_sql(
        &app,
        json!({ "mentionsOrganization": "LDP" }),
        "a.id IN (SELECT m.article_id FROM mentions m JOIN organizations o ON o.id = m.organization_id
                  WHERE o.name = 'Liberal Democratic Party')",
    )
    .await;

    // Quoted speakers: people and organizations.
    assert_eq!(
        matching(&app, json!({ "quotedSpeaker": "Xi" })).await,
        (1, vec![SEED_TITLE.to_owned()])
    );
    assert_eq!(
        assert_matches_sql(
            &app,
            json!({ "quotedSpeaker": "Hayashi Yoshimasa" }),
            "a.id IN (SELECT q.article_id FROM quotes q JOIN people p ON p.id = q.speaker_person_id
                      WHERE p.canonical_name = 'Hayashi Yoshimasa')",
        )
        .await,
        2
    );
    assert_eq!(
        matching(&app, json!({ "quotedSpeaker": "Okinawa Times" })).await,
        (1, vec![OKINAWA_TITLE.to_owned()])
    );
    // Mentioned but never quoted: Vladimir Putin.
    assert_eq!(
        matching(&app, json!({ "mentionsPerson": "Vladimir Putin" }))
            .await
            .0,
        1
    );
    assert_eq!(
        matching(&app, json!({ "quotedSpeaker": "Vladimir Putin" }))
            .await
            .0,
        0
    );

    // and / or / not.
    let beijing = matching(&app, json!({ "dateline": "BEIJING" })).await.0;
    let seoul = matching(&app, json!({ "dateline": "SEOUL" })).await.0;
    assert_eq!(
        matching(
            &app,
            json!({ "or": [{ "dateline": "BEIJING" }, { "dateline": "SEOUL" }] })
        )
        .await
        .0,
        beijing + seoul
    );
    let summaries = matching(&app, json!({ "kind": "SUMMARY" })).await.0;
    assert_eq!(
        matching(&app, json!({ "not": { "kind": "SUMMARY" } }))
            .await
            .0,
        total - summaries
    );
    assert_eq!(
        matching(
            &app,
            json!({ "and": [{ "section": "INTERNATIONAL" }, { "mentionsPerson": "Xi" }] })
        )
        .await
        .1,
        vec![SEED_TITLE.to_owned()]
    );
    assert_matches_sql(
        &app,
        json!({ "section": "INTERNATIONAL", "not": { "outlet": "Yomiuri" } }),
        "a.section_id IN (SELECT id FROM sections WHERE path LIKE 'INTERNATIONAL%')
         AND NOT EXISTS (SELECT 1 FROM article_outlets ao JOIN outlets o ON o.id = ao.outlet_id
                         WHERE ao.article_id = a.id AND o.name = 'Yomiuri')",
    )
    .await;
    let (n, mut titles) = matching(
        &app,
        json!({ "or": [{ "quotedSpeaker": "Xi" }, { "tag": "taiwan" }, { "search": "Henoko" }],
                "not": { "kind": "SUMMARY" } }),
    )
    .await;
    titles.sort();
    assert_eq!(n, 2);
    assert_eq!(
        titles,
        vec![
            "Defense Minister Hamada inspects Yonaguni garrison".to_owned(),
            SEED_TITLE.to_owned()
        ]
    );
}

const PAGE: &str = "query($f: ArticleFilter, $o: ArticleOrderBy!, $first: Int, $after: String, $last: Int, $before: String) {
    articles(filter: $f, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";

/// Every article id of the list, walking pages of `size` from the start.
async fn walk_forward(app: &TestApp, order: &str, filter: &Value, size: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(
                PAGE,
                json!({ "f": filter, "o": order, "first": size, "after": after }),
            )
            .await;
        let conn = &data["articles"];
        let edges = conn["edges"].as_array().expect("edges");
        let info = &conn["pageInfo"];
        assert_eq!(info["hasPreviousPage"], !after.is_null(), "{order}: {info}");
        assert!(edges.len() as i64 <= size);
        if let (Some(first), Some(last)) = (edges.first(), edges.last()) {
            assert_eq!(info["startCursor"], first["cursor"]);
            assert_eq!(info["endCursor"], last["cursor"]);
        }
        out.extend(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned()),
        );
        if !info["hasNextPage"].as_bool().expect("bool") {
            assert!(!edges.is_empty() || out.is_empty());
            return out;
        }
        assert_eq!(edges.len() as i64, size, "only the last page is short");
        after = info["endCursor"].clone();
    }
}

/// Every article id of the list, walking pages of `size` back from the end.
async fn walk_backward(app: &TestApp, order: &str, filter: &Value, size: i64) -> Vec<String> {
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut before = Value::Null;
    loop {
        let data = app
            .data(
                PAGE,
                json!({ "f": filter, "o": order, "last": size, "before": before }),
            )
            .await;
        let conn = &data["articles"];
        let edges = conn["edges"].as_array().expect("edges");
        let info = &conn["pageInfo"];
        assert_eq!(info["hasNextPage"], !before.is_null(), "{order}: {info}");
        pages.push(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
                .collect(),
        );
        if !info["hasPreviousPage"].as_bool().expect("bool") {
            break;
        }
        assert_eq!(edges.len() as i64, size, "only the first page is short");
        before = info["startCursor"].clone();
    }
    pages.into_iter().rev().flatten().collect()
}

#[tokio::test]
async fn every_ordering_pages_forward_and_backward_through_the_same_list_as_sql() {
    let (app, total) = seeded().await;
    // The corpus has several articles on one day, and two with the same title.
    assert_eq!(
        count(
            &app.db,
            "SELECT count(*) FROM articles WHERE published_on = '2022-02-28'"
        )
        .await,
        3
    );
    assert!(
        count(
            &app.db,
            "SELECT count(*) FROM (SELECT title FROM articles GROUP BY title HAVING count(*) > 1) t"
        )
        .await
            >= 1
    );
    let japan = "websearch_to_tsquery('english', 'Japan')";
    let cases: Vec<(&str, Value, String)> = vec![
        (
            "PUBLISHED_DESC",
            json!({}),
            "SELECT id FROM articles ORDER BY published_on DESC, id DESC".into(),
        ),
        (
            "PUBLISHED_ASC",
            json!({}),
            "SELECT id FROM articles ORDER BY published_on, id".into(),
        ),
        (
            "TITLE",
            json!({}),
            "SELECT id FROM articles ORDER BY title, id".into(),
        ),
        (
            "RELEVANCE",
            json!({ "search": "Japan" }),
            format!(
                "SELECT id FROM articles WHERE search @@ {japan}
                 ORDER BY ts_rank_cd(search, {japan})::real DESC, id DESC"
            ),
        ),
        (
            "TITLE",
            json!({ "section": "INTERNATIONAL" }),
            "SELECT a.id FROM articles a JOIN sections s ON s.id = a.section_id
             WHERE s.path LIKE 'INTERNATIONAL%' ORDER BY a.title, a.id"
                .into(),
        ),
    ];
    for (order, filter, sql) in cases {
        let expected: Vec<String> = ids(&app.db, &sql)
            .await
            .into_iter()
            .map(article_id)
            .collect();
        assert!(expected.len() > 5, "{order} {filter}: a list worth paging");
        let data = app
            .data(PAGE, json!({ "f": filter, "o": order, "first": 100 }))
            .await;
        assert_eq!(
            data["articles"]["totalCount"].as_i64(),
            Some(expected.len() as i64),
            "{order} {filter}"
        );
        for size in [1, 4, 7] {
            assert_eq!(
                walk_forward(&app, order, &filter, size).await,
                expected,
                "{order} {filter} forward by {size}"
            );
            assert_eq!(
                walk_backward(&app, order, &filter, size).await,
                expected,
                "{order} {filter} backward by {size}"
            );
        }
    }
    // No orderBy is newest first.
    let default = app
        .data("{ articles(first: 100) { nodes { id } } }", json!({}))
        .await;
    let newest: Vec<String> = ids(
        &app.db,
        "SELECT id FROM articles ORDER BY published_on DESC, id DESC",
    )
    .await
    .into_iter()
    .map(article_id)
    .collect();
    let got: Vec<&str> = default["articles"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id"))
        .collect();
    assert_eq!(got, newest);
    assert_eq!(got.len() as i64, total);
    // A cursor continues in either direction from the middle.
    let data = app
        .data(PAGE, json!({ "o": "PUBLISHED_DESC", "first": 10 }))
        .await;
    let middle = data["articles"]["edges"][4]["cursor"].clone();
    let after = app
        .data(
            PAGE,
            json!({ "o": "PUBLISHED_DESC", "first": 3, "after": middle }),
        )
        .await;
    let before = app
        .data(
            PAGE,
            json!({ "o": "PUBLISHED_DESC", "last": 3, "before": middle }),
        )
        .await;
    let ids_of = |d: &Value| -> Vec<String> {
        d["articles"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids_of(&after), newest[5..8].to_vec());
    assert_eq!(ids_of(&before), newest[1..4].to_vec());
    assert_eq!(after["articles"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(after["articles"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(before["articles"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(before["articles"]["pageInfo"]["hasNextPage"], true);
}

#[tokio::test]
async fn people_and_organizations_are_found_by_alias_accent_and_case_and_by_fuzzy_search() {
    let (app, _) = seeded().await;
    let person = "query($n: String!) { person(name: $n) { name slug } }";
    for name in ["Xi", "XI JINPING", "xi jinping", " Xi Jinping "] {
        let data = app.data(person, json!({ "n": name })).await;
        assert_eq!(data["person"]["name"], "Xi Jinping", "{name}");
    }
    for name in [
        "andres manuel lopez obrador",
        "LÓPEZ OBRADOR",
        "Lopez Obrador",
    ] {
        let data = app.data(person, json!({ "n": name })).await;
        assert_eq!(
            data["person"]["name"], "Andrés Manuel López Obrador",
            "{name}"
        );
    }
    let by_slug = app.data(person, json!({ "n": "xi-jinping" })).await;
    assert_eq!(by_slug["person"]["name"], "Xi Jinping");
    let nobody = app.data(person, json!({ "n": "Nobody Atall" })).await;
    assert_eq!(nobody["person"], Value::Null);

    // Fuzzy: misspellings still find the person, best match first.
    let search =
        "query($s: String!) { people(search: $s, first: 5) { totalCount nodes { name } } }";
    for (typo, name) in [
        ("Xi Jinpeng", "Xi Jinping"),
        ("Hayashi Yoshimas", "Hayashi Yoshimasa"),
        ("Vladimir Puttin", "Vladimir Putin"),
        ("Lopez Obradr", "Andrés Manuel López Obrador"),
    ] {
        let data = app.data(search, json!({ "s": typo })).await;
        assert_eq!(data["people"]["nodes"][0]["name"], name, "{typo}: {data}");
        assert!(data["people"]["totalCount"].as_i64().expect("count") >= 1);
    }

    let org = "query($n: String!) { organization(name: $n) { name acronym kind aliases } }";
    for name in ["CCP", "ccp", "Chinese Communist Party"] {
        let data = app.data(org, json!({ "n": name })).await;
        assert_eq!(
            data["organization"],
            json!({ "name": "Chinese Communist Party", "acronym": "CCP", "kind": "PARTY",
                    "aliases": ["CCP", "Chinese Communist Party"] }),
            "{name}"
        );
    }
    let orgs =
        "query($s: String!) { organizations(search: $s, first: 5) { nodes { name acronym } } }";
    let data = app
        .data(orgs, json!({ "s": "Okinawa Defence Bureau" }))
        .await;
    assert_eq!(
        data["organizations"]["nodes"][0]["name"],
        "Okinawa Defense Bureau"
    );
    let data = app.data(orgs, json!({ "s": "KCNA" })).await;
    assert_eq!(
        data["organizations"]["nodes"][0],
        json!({ "name": "Korean Central News Agency", "acronym": "KCNA" })
    );
    // Lists without a search are by name and count the live entities.
    let data = app
        .data(
            "{ people(first: 3) { totalCount nodes { name } } organizations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["people"]["totalCount"].as_i64(),
        Some(
            count(
                &app.db,
                "SELECT count(*) FROM people WHERE merged_into_id IS NULL"
            )
            .await
        )
    );
    assert_eq!(
        data["organizations"]["totalCount"].as_i64(),
        Some(
            count(
                &app.db,
                "SELECT count(*) FROM organizations WHERE merged_into_id IS NULL"
            )
            .await
        )
    );
    let first_names = labelled_counts(
        &app.db,
        "SELECT canonical_name AS label, id AS n FROM people ORDER BY canonical_name, id LIMIT 3",
    )
    .await;
    let names: Vec<&str> = data["people"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        first_names
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_person_has_titles_over_time_articles_quotes_and_co_mentions() {
    let (app, _) = seeded().await;
    let data = app
        .data(
            "{ hayashi: person(name: \"Hayashi\") { name titles { title publishedOn }
                 articleCount quoteCount articles { totalCount nodes { title publishedOn } } }
               kishida: person(name: \"Kishida Fumio\") { titles { title publishedOn }
                 articles(first: 2) { totalCount nodes { publishedOn } pageInfo { hasNextPage } } }
               xi: person(name: \"Xi\") { mentionCount articleCount quoteCount
                 quotes { totalCount nodes { text publishedOn } }
                 coMentionedPeople { person { name } articleCount }
                 coMentionedOrganizations(first: 3) { organization { name } articleCount } } }",
            json!({}),
        )
        .await;
    let hayashi = &data["hayashi"];
    assert_eq!(hayashi["name"], "Hayashi Yoshimasa");
    assert_eq!(
        hayashi["titles"],
        json!([
            { "title": "Foreign Minister", "publishedOn": "2023-01-12" },
            { "title": "Foreign Minister", "publishedOn": "2023-04-03" },
            { "title": "FM", "publishedOn": "2023-04-03" },
        ])
    );
    assert_eq!(hayashi["articleCount"], 2);
    assert_eq!(hayashi["quoteCount"], 2);
    assert_eq!(
        hayashi["articles"],
        json!({ "totalCount": 2, "nodes": [
            { "title": "Japan, China foreign ministers hold talks in Beijing", "publishedOn": "2023-04-03" },
            { "title": "Japan, U.S. agree to upgrade command structures at “two-plus-two”", "publishedOn": "2023-01-12" },
        ] })
    );
    let kishida = &data["kishida"];
    assert_eq!(
        kishida["titles"],
        json!([
            { "title": "Prime Minister", "publishedOn": "2021-09-20" },
            { "title": "Prime Minister", "publishedOn": "2022-02-28" },
            { "title": "PM", "publishedOn": "2023-04-03" },
            // "Prime Minister Fumio Kishida": the same person, the other name order.
            { "title": "Prime Minister", "publishedOn": "2023-09-07" },
        ])
    );
    assert_eq!(kishida["articles"]["totalCount"], 4);
    assert_eq!(
        kishida["articles"]["nodes"],
        json!([{ "publishedOn": "2023-09-07" }, { "publishedOn": "2023-04-03" }])
    );
    assert_eq!(kishida["articles"]["pageInfo"]["hasNextPage"], true);

    let xi = &data["xi"];
    let xi_id = id_of(
        &app,
        "SELECT id FROM people WHERE canonical_name = 'Xi Jinping'",
    )
    .await;
    assert_eq!(
        xi["mentionCount"].as_i64(),
        Some(
            count(
                &app.db,
                &format!("SELECT count(*) FROM mentions WHERE person_id = {xi_id}")
            )
            .await
        )
    );
    assert_eq!(xi["articleCount"], 1);
    assert_eq!(xi["quoteCount"], 3);
    assert_eq!(xi["quotes"]["totalCount"], 3);
    let quotes = xi["quotes"]["nodes"].as_array().expect("quotes");
    assert_eq!(quotes.len(), 3);
    assert!(quotes.iter().all(|q| q["publishedOn"] == "2022-02-28"));
    assert!(quotes.iter().any(|q| {
        q["text"]
            .as_str()
            .expect("text")
            .starts_with("support Russia")
    }));
    assert_eq!(
        xi["coMentionedPeople"],
        json!([
            { "person": { "name": "Wang Yi" }, "articleCount": 1 },
            { "person": { "name": "Vladimir Putin" }, "articleCount": 1 },
        ])
    );
    assert_eq!(
        xi["coMentionedOrganizations"]
            .as_array()
            .expect("orgs")
            .len(),
        3
    );
}

#[tokio::test]
async fn an_organization_lists_the_people_quoted_in_articles_that_mention_it() {
    let (app, _) = seeded().await;
    let data = app
        .data(
            "{ organization(name: \"LDP\") { name articleCount mentionCount
                 articles { totalCount nodes { title } }
                 peopleQuotedWith { person { name } articleCount }
                 coMentionedPeople(first: 50) { person { name } articleCount } } }",
            json!({}),
        )
        .await;
    let ldp = &data["organization"];
    assert_eq!(ldp["name"], "Liberal Democratic Party");
    let ldp_id = id_of(
        &app,
        "SELECT id FROM organizations WHERE name = 'Liberal Democratic Party'",
    )
    .await;
    let expected = labelled_counts(
        &app.db,
        &format!(
            "SELECT p.canonical_name AS label, count(DISTINCT q.article_id) AS n
             FROM mentions m JOIN quotes q ON q.article_id = m.article_id
             JOIN people p ON p.id = q.speaker_person_id
             WHERE m.organization_id = {ldp_id} GROUP BY p.canonical_name ORDER BY 1"
        ),
    )
    .await;
    let mut got: Vec<(String, i64)> = ldp["peopleQuotedWith"]
        .as_array()
        .expect("list")
        .iter()
        .map(|e| {
            (
                e["person"]["name"].as_str().expect("name").to_owned(),
                e["articleCount"].as_i64().expect("n"),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Hagiuda Koichi",
            "Kishida Fumio",
            "Suga",
            "Yamaguchi Natsuo"
        ]
    );
    assert_eq!(
        ldp["articleCount"].as_i64(),
        Some(
            count(
                &app.db,
                &format!("SELECT count(DISTINCT article_id) FROM mentions WHERE organization_id = {ldp_id}")
            )
            .await
        )
    );
    assert_eq!(ldp["articles"]["totalCount"], ldp["articleCount"]);
    // An outlet quoted as a speaker, and the organizations seen with one.
    let data = app
        .data(
            "{ times: organization(name: \"okinawa times\") { kind quoteCount
                   quotes { totalCount nodes { text speakerName } } }
               odb: organization(name: \"ODB\") { coMentionedOrganizations { organization { name } articleCount } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["times"],
        json!({ "kind": "MEDIA", "quoteCount": 1, "quotes": { "totalCount": 1, "nodes": [
            { "text": "The central government must stop ignoring the will of the prefecture.",
              "speakerName": "Okinawa Times" }] } })
    );
    let mut with_odb: Vec<&str> = data["odb"]["coMentionedOrganizations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| o["organization"]["name"].as_str().expect("name"))
        .collect();
    with_odb.sort_unstable();
    assert_eq!(with_odb, ["Defense Ministry", "Okinawa Times"]);
    // Co-mentioned people include the unquoted ones too.
    assert!(
        ldp["coMentionedPeople"].as_array().expect("list").len() >= got.len(),
        "{ldp}"
    );
}

#[tokio::test]
async fn quotes_filter_by_speaker_anonymity_article_text_and_date_with_typed_speakers() {
    let (app, _) = seeded().await;
    let q = "query($f: QuoteFilter) { quotes(filter: $f, first: 100) { totalCount
        nodes { text isUnnamed publishedOn speakerName
            speaker { __typename ... on Person { name } ... on Organization { name acronym }
                      ... on UnnamedSource { description } } } } }";
    let run = |f: Value| {
        let app = &app;
        async move { app.data(q, json!({ "f": f })).await["quotes"].clone() }
    };
    let all = count(&app.db, "SELECT count(*) FROM quotes").await;
    assert_eq!(run(json!({})).await["totalCount"].as_i64(), Some(all));

    let xi = run(json!({ "speaker": "Xi" })).await;
    assert_eq!(xi["totalCount"], 3);
    assert!(
        xi["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["speaker"] == json!({ "__typename": "Person", "name": "Xi Jinping" }))
    );

    let unnamed = run(json!({ "unnamed": true })).await;
    assert_eq!(
        unnamed["totalCount"].as_i64(),
        Some(
            count(
                &app.db,
                "SELECT count(*) FROM quotes WHERE speaker_description IS NOT NULL"
            )
            .await
        )
    );
    let unnamed_nodes = unnamed["nodes"].as_array().expect("nodes");
    assert!(unnamed_nodes.iter().all(|n| n["isUnnamed"] == true
        && n["speaker"]["__typename"] == "UnnamedSource"
        && n["speaker"]["description"] == n["speakerName"]));
    assert!(
        unnamed_nodes
            .iter()
            .any(|n| n["speaker"]["description"] == "A diplomatic source in Beijing")
    );
    let named = run(json!({ "unnamed": false })).await;
    assert_eq!(
        named["totalCount"].as_i64(),
        Some(count(
            &app.db,
            "SELECT count(*) FROM quotes WHERE speaker_person_id IS NOT NULL OR speaker_organization_id IS NOT NULL"
        )
        .await)
    );
    assert!(
        named["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["isUnnamed"] == false)
    );

    // One article's quotes: a person, an unnamed source and an outlet as speakers.
    let okinawa = id_of(
        &app,
        "SELECT id FROM articles WHERE title LIKE 'Okinawa governor%'",
    )
    .await;
    let quotes = run(json!({ "article": article_id(okinawa) })).await;
    assert_eq!(quotes["totalCount"], 4);
    let mut speakers: Vec<Value> = quotes["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["speaker"].clone())
        .collect();
    speakers.sort_by_key(Value::to_string);
    assert_eq!(
        speakers,
        vec![
            json!({ "__typename": "Organization", "name": "Okinawa Times", "acronym": null }),
            json!({ "__typename": "Person", "name": "Matsuno Hirokazu" }),
            json!({ "__typename": "Person", "name": "Tamaki Denny" }),
            json!({ "__typename": "UnnamedSource", "description": "An ODB official" }),
        ]
    );

    let diaoyu = run(json!({ "search": "Diaoyu" })).await;
    assert_eq!(diaoyu["totalCount"], 1);
    assert_eq!(
        diaoyu["nodes"][0]["text"],
        "The Diaoyu Islands are China’s inherent territory."
    );
    assert_eq!(diaoyu["nodes"][0]["speakerName"], "Wang Wenbin");

    let recent = run(json!({ "publishedFrom": "2023-06-01" })).await;
    assert_eq!(
        recent["totalCount"].as_i64(),
        Some(
            count(
                &app.db,
                "SELECT count(*) FROM quotes WHERE published_on >= '2023-06-01'"
            )
            .await
        )
    );
    let dates: Vec<&str> = recent["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["publishedOn"].as_str().expect("date"))
        .collect();
    assert!(dates.iter().all(|d| *d >= "2023-06-01"));
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {dates:?}"
    );
    let window = run(json!({ "speaker": "Hayashi Yoshimasa", "publishedTo": "2023-02-01" })).await;
    assert_eq!(window["totalCount"], 1);
    assert_eq!(window["nodes"][0]["publishedOn"], "2023-01-12");
}

#[tokio::test]
async fn search_returns_typed_hits_with_highlighted_snippets() {
    let (app, _) = seeded().await;
    let q = "query($q: String!, $t: [SearchType!]) { search(query: $q, types: $t, first: 20) {
        type score snippet node { __typename ... on Article { title } ... on Quote { text }
            ... on Person { name } ... on Organization { name } } } }";
    let data = app.data(q, json!({ "q": "Okinawa" })).await;
    let hits = data["search"].as_array().expect("hits");
    let mut types: Vec<&str> = hits
        .iter()
        .map(|h| h["type"].as_str().expect("type"))
        .collect();
    types.sort_unstable();
    types.dedup();
    assert!(
        ["ARTICLE", "QUOTE", "ORGANIZATION"]
            .iter()
            .all(|t| types.contains(t)),
        "{types:?}"
    );
    for hit in hits {
        let typename = hit["node"]["__typename"].as_str().expect("typename");
        assert_eq!(typename.to_uppercase(), hit["type"].as_str().expect("type"));
        let snippet = hit["snippet"].as_str().expect("snippet");
        assert!(snippet.contains("<b>") && snippet.contains("</b>"), "{hit}");
    }
    let scores: Vec<f64> = hits
        .iter()
        .map(|h| h["score"].as_f64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {scores:?}"
    );
    assert!(
        hits.iter()
            .any(|h| h["type"] == "ARTICLE" && h["node"]["title"] == OKINAWA_TITLE)
    );
    assert!(hits.iter().any(|h| {
        h["type"] == "QUOTE"
            && h["snippet"]
                .as_str()
                .expect("snippet")
                .contains("<b>Okinawa</b>")
    }));
    assert!(
        hits.iter()
            .any(|h| h["type"] == "ORGANIZATION" && h["node"]["name"] == "Okinawa Times")
    );

    let henoko = app
        .data(q, json!({ "q": "Henoko", "t": ["ARTICLE", "QUOTE"] }))
        .await;
    assert_eq!(henoko["search"].as_array().expect("hits").len(), 1);
    assert_eq!(henoko["search"][0]["type"], "ARTICLE");
    assert!(
        henoko["search"][0]["snippet"]
            .as_str()
            .expect("snippet")
            .contains("<b>Henoko</b>")
    );
    let person = app
        .data(q, json!({ "q": "Xi Jinpin", "t": ["PERSON"] }))
        .await;
    assert_eq!(
        person["search"][0]["node"],
        json!({ "__typename": "Person", "name": "Xi Jinping" })
    );
    assert_eq!(person["search"][0]["snippet"], "<b>Xi Jinping</b>");
    let quote = app
        .data(q, json!({ "q": "humiliating", "t": ["QUOTE"] }))
        .await;
    assert_eq!(quote["search"].as_array().expect("hits").len(), 1);
    assert_eq!(
        quote["search"][0]["snippet"],
        "It is a <b>humiliating</b> diplomacy,"
    );
    let empty = app.gql(q, json!({ "q": "  " })).await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
}

fn bucket_sum(buckets: &Value) -> i64 {
    buckets
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| b["count"].as_i64().expect("count"))
        .sum()
}

#[tokio::test]
async fn timelines_rankings_cooccurrence_and_facets_add_up() {
    let (app, total) = seeded().await;
    let quotes_total = count(&app.db, "SELECT count(*) FROM quotes").await;
    let summaries = count(
        &app.db,
        "SELECT count(*) FROM articles WHERE kind = 'SUMMARY'",
    )
    .await;
    let unnamed = count(
        &app.db,
        "SELECT count(*) FROM quotes WHERE speaker_description IS NOT NULL",
    )
    .await;
    let data = app
        .data(
            "{ years: timeline(interval: YEAR) { start count }
               months: timeline(interval: MONTH) { start count }
               summaries: timeline(interval: MONTH, articles: { kind: SUMMARY }) { start count }
               quoteYears: timeline(interval: YEAR, quotes: {}) { start count }
               unnamedMonths: timeline(interval: MONTH, quotes: { unnamed: true }) { start count } }",
            json!({}),
        )
        .await;
    assert_eq!(bucket_sum(&data["years"]), total);
    assert_eq!(bucket_sum(&data["months"]), total);
    assert_eq!(bucket_sum(&data["summaries"]), summaries);
    assert_eq!(bucket_sum(&data["quoteYears"]), quotes_total);
    assert_eq!(bucket_sum(&data["unnamedMonths"]), unnamed);
    // Every year from the first to the last, the empty ones with 0 (a chart of them
    // must not draw a line across a gap).
    let years = labelled_counts(
        &app.db,
        "SELECT g.y::date::text AS label, count(a.id) AS n
         FROM generate_series((SELECT date_trunc('year', min(published_on)) FROM articles),
                              (SELECT date_trunc('year', max(published_on)) FROM articles),
                              interval '1 year') AS g(y)
         LEFT JOIN articles a ON date_trunc('year', a.published_on) = g.y
         GROUP BY 1 ORDER BY 1",
    )
    .await;
    assert!(
        years.iter().any(|(_, n)| *n == 0),
        "the corpus has an empty year: {years:?}"
    );
    let got: Vec<(String, i64)> = data["years"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| {
            (
                b["start"].as_str().expect("start").to_owned(),
                b["count"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, years);
    let months = data["months"].as_array().expect("buckets");
    assert!(
        months
            .iter()
            .all(|b| b["start"].as_str().expect("start").ends_with("-01"))
    );
    // Consecutive months, none left out.
    let first =
        chrono::NaiveDate::parse_from_str(months[0]["start"].as_str().expect("start"), "%Y-%m-%d")
            .expect("date");
    for (i, bucket) in months.iter().enumerate() {
        let expected = first
            .checked_add_months(chrono::Months::new(u32::try_from(i).expect("index")))
            .expect("month");
        assert_eq!(bucket["start"], expected.to_string());
    }
    // With the filter's own dates, the range is the filter's, empty ends included.
    let data = app
        .data(
            "{ timeline(interval: YEAR, articles: { publishedFrom: \"1990-06-01\", publishedTo: \"1992-02-01\" }) { start count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["timeline"],
        json!([
            { "start": "1990-01-01", "count": 0 },
            { "start": "1991-01-01", "count": 0 },
            { "start": "1992-01-01", "count": 0 }
        ])
    );
    let huge = app
        .gql(
            "{ timeline(interval: DAY, articles: { publishedFrom: \"0001-01-01\", publishedTo: \"9999-12-31\" }) { start count } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&huge), "BAD_USER_INPUT");

    // Rankings: top people by articles, with per-entry timelines that add up.
    let data = app
        .data(
            "{ people: topEntities(kind: PEOPLE, first: 5) { name count entity { __typename }
                  timeline(interval: YEAR) { start count } }
               orgs: topEntities(kind: ORGANIZATIONS, first: 3) { name count entity { __typename } }
               speakers: topEntities(kind: SPEAKERS, articles: { mentionsPerson: \"Xi\" }) {
                  name count entity { __typename } timeline(interval: MONTH) { start count } } }",
            json!({}),
        )
        .await;
    let top_people = labelled_counts(
        &app.db,
        "SELECT p.canonical_name AS label, count(DISTINCT m.article_id) AS n FROM mentions m
         JOIN people p ON p.id = m.person_id GROUP BY p.id, p.canonical_name
         ORDER BY n DESC, p.id LIMIT 5",
    )
    .await;
    let got: Vec<(String, i64)> = data["people"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name").to_owned(),
                e["count"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, top_people);
    for entry in data["people"].as_array().expect("entries") {
        assert_eq!(entry["entity"]["__typename"], "Person");
        assert_eq!(
            bucket_sum(&entry["timeline"]),
            entry["count"].as_i64().expect("n"),
            "{entry}"
        );
    }
    let top_orgs = labelled_counts(
        &app.db,
        "SELECT o.name AS label, count(DISTINCT m.article_id) AS n FROM mentions m
         JOIN organizations o ON o.id = m.organization_id GROUP BY o.id, o.name
         ORDER BY n DESC, o.id LIMIT 3",
    )
    .await;
    let got: Vec<(String, i64)> = data["orgs"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("name").to_owned(),
                e["count"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, top_orgs);
    assert_eq!(
        data["speakers"],
        json!([
            { "name": "Xi Jinping", "count": 3, "entity": { "__typename": "Person" },
              "timeline": [{ "start": "2022-02-01", "count": 3 }] },
            { "name": "Wang Yi", "count": 2, "entity": { "__typename": "Person" },
              "timeline": [{ "start": "2022-02-01", "count": 2 }] },
            { "name": "A diplomatic source in Beijing", "count": 1,
              "entity": { "__typename": "UnnamedSource" }, "timeline": [] },
        ])
    );

    // Co-occurrence.
    let data = app
        .data(
            "{ people: cooccurrence(entity: \"Xi\", with: PEOPLE) { name count }
               orgs: cooccurrence(entity: \"CCP\", with: ORGANIZATIONS, first: 50) { name count } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["people"],
        json!([{ "name": "Wang Yi", "count": 1 }, { "name": "Vladimir Putin", "count": 1 }])
    );
    let with_ccp = count(
        &app.db,
        "SELECT count(DISTINCT m2.organization_id) FROM mentions m1 JOIN mentions m2
         ON m2.article_id = m1.article_id AND m2.organization_id IS NOT NULL
         WHERE m1.organization_id = (SELECT id FROM organizations WHERE name = 'Chinese Communist Party')
           AND m2.organization_id <> m1.organization_id",
    )
    .await;
    assert_eq!(
        data["orgs"].as_array().expect("orgs").len() as i64,
        with_ccp
    );
    assert!(
        data["orgs"]
            .as_array()
            .expect("orgs")
            .iter()
            .all(|o| o["count"] == 1 && o["name"] != "Chinese Communist Party")
    );

    // A page, its total and its facets in one request.
    let data = app
        .data(
            "{ articles(first: 5, filter: { section: \"INTERNATIONAL\" }) { totalCount nodes { title }
                 facets { kinds { value count } outlets { value count } years { value count }
                          people { name count } } } }",
            json!({}),
        )
        .await;
    let conn = &data["articles"];
    let total = conn["totalCount"].as_i64().expect("total");
    assert_eq!(conn["nodes"].as_array().expect("nodes").len(), 5);
    let facets = &conn["facets"];
    assert_eq!(bucket_sum(&facets["kinds"]), total);
    assert_eq!(bucket_sum(&facets["years"]), total);
    let in_section = "a.section_id IN (SELECT id FROM sections WHERE path LIKE 'INTERNATIONAL%')";
    let kinds = labelled_counts(
        &app.db,
        &format!("SELECT a.kind AS label, count(*) AS n FROM articles a WHERE {in_section} GROUP BY 1 ORDER BY 2 DESC, 1"),
    )
    .await;
    let got: Vec<(String, i64)> = facets["kinds"]
        .as_array()
        .expect("kinds")
        .iter()
        .map(|e| {
            (
                e["value"].as_str().expect("v").to_owned(),
                e["count"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, kinds);
    let outlets = labelled_counts(
        &app.db,
        &format!(
            "SELECT o.name AS label, count(*) AS n FROM articles a JOIN article_outlets ao ON ao.article_id = a.id
             JOIN outlets o ON o.id = ao.outlet_id WHERE {in_section} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
        ),
    )
    .await;
    let got: Vec<(String, i64)> = facets["outlets"]
        .as_array()
        .expect("outlets")
        .iter()
        .map(|e| {
            (
                e["value"].as_str().expect("v").to_owned(),
                e["count"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, outlets);
    let people = labelled_counts(
        &app.db,
        &format!(
            "SELECT p.canonical_name AS label, count(DISTINCT m.article_id) AS n FROM mentions m
             JOIN people p ON p.id = m.person_id JOIN articles a ON a.id = m.article_id
             WHERE {in_section} GROUP BY p.id, p.canonical_name ORDER BY n DESC, p.id LIMIT 10"
        ),
    )
    .await;
    let got: Vec<(String, i64)> = facets["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|e| {
            (
                e["name"].as_str().expect("v").to_owned(),
                e["count"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(got, people);
}

#[tokio::test]
async fn node_and_nodes_fetch_every_type_and_unknown_ids_are_null() {
    let (app, _) = seeded().await;
    let article = id_of(
        &app,
        "SELECT id FROM articles WHERE title LIKE 'Xi instructed%'",
    )
    .await;
    let person = id_of(
        &app,
        "SELECT id FROM people WHERE canonical_name = 'Wang Yi'",
    )
    .await;
    let org = id_of(
        &app,
        "SELECT id FROM organizations WHERE name = 'European Union'",
    )
    .await;
    let quote = id_of(
        &app,
        &format!(
            "SELECT id FROM quotes WHERE article_id = {article}
             AND speaker_description = 'A diplomatic source in Beijing'"
        ),
    )
    .await;
    let ids = [
        encode(NodeType::Article, article).0,
        encode(NodeType::Person, person).0,
        encode(NodeType::Organization, org).0,
        encode(NodeType::Quote, quote).0,
    ];
    let shape = "id __typename ... on Article { title } ... on Person { name }
        ... on Organization { name acronym } ... on Quote { speakerName article { title } }";
    let expected = [
        json!({ "title": SEED_TITLE }),
        json!({ "name": "Wang Yi" }),
        json!({ "name": "European Union", "acronym": "EU" }),
        json!({ "speakerName": "A diplomatic source in Beijing", "article": { "title": SEED_TITLE } }),
    ];
    let typenames = ["Article", "Person", "Organization", "Quote"];
    for ((id, want), typename) in ids.iter().zip(&expected).zip(typenames) {
        let data = app
            .data(
                &format!("query($id: ID!) {{ node(id: $id) {{ {shape} }} }}"),
                json!({ "id": id }),
            )
            .await;
        let mut want = want.clone();
        want["id"] = json!(id);
        want["__typename"] = json!(typename);
        assert_eq!(data["node"], want);
    }
    let unknown_article = encode(NodeType::Article, 999_999).0;
    let unknown_person = encode(NodeType::Person, 999_999).0;
    let mut all: Vec<String> = ids.to_vec();
    all.push(unknown_article.clone());
    all.push(unknown_person.clone());
    all.push(ids[0].clone());
    let data = app
        .data(
            &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {shape} }} }}"),
            json!({ "ids": all }),
        )
        .await;
    let nodes = data["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 7);
    for (i, typename) in typenames.iter().enumerate() {
        assert_eq!(nodes[i]["id"], json!(ids[i]));
        assert_eq!(nodes[i]["__typename"], *typename);
    }
    assert_eq!(nodes[4], Value::Null);
    assert_eq!(nodes[5], Value::Null);
    assert_eq!(nodes[6]["title"], SEED_TITLE);

    let data = app
        .data(
            "query($a: ID!, $p: ID!, $o: ID!, $q: ID!) {
                node(id: $a) { id } article(id: $a) { id } person(id: $p) { id }
                organization(id: $o) { id } quote(id: $q) { id } }",
            json!({
                "a": unknown_article,
                "p": unknown_person,
                "o": encode(NodeType::Organization, 999_999).0,
                "q": encode(NodeType::Quote, 999_999).0,
            }),
        )
        .await;
    assert_eq!(
        data,
        json!({ "node": null, "article": null, "person": null, "organization": null, "quote": null })
    );
}

const LIST_PAGE: &str = "query($n: Int!) { articles(first: $n) { nodes {
    title
    sources { outlet { name } }
    people { nodes { person { name } titles } }
    organizations { nodes { organization { name } } }
    quotes { nodes { text speaker {
        ... on Person { name } ... on Organization { name } ... on UnnamedSource { description } } } } } } }";

/// The article page of the load script and the benchmark: everything on one article.
const ARTICLE_PAGE: &str = "query($id: ID!) { article(id: $id) { id title publishedOn
    publication dateline paragraphs sources { outlet { name } page } authors { id name }
    sectionPath { name }
    people { nodes { person { id name } titles mentions { paragraph start end } } }
    organizations { nodes { organization { id name acronym } mentions { paragraph start end } } }
    quotes { nodes { id text cue isFragment speaker { __typename
        ... on Person { id name } ... on Organization { id name } ... on UnnamedSource { description } } } } } }";

/// A person page: the person with counts, titles, latest articles and quotes, co-mentions.
const PERSON_PAGE: &str = "query($name: String!) { person(name: $name) { id name aliases
    mentionCount articleCount quoteCount titles { title publishedOn }
    articles(first: 10) { totalCount nodes { title sources { outlet { name } } } pageInfo { endCursor } }
    quotes(first: 10) { totalCount nodes { text article { title } } }
    coMentionedPeople(first: 5) { person { name } articleCount }
    coMentionedOrganizations(first: 5) { organization { name acronym } articleCount } } }";

/// SQL statements the server sends for one request.
async fn statements_for(app: &TestApp, query: &str, variables: Value) -> (u64, Value) {
    let before = app.statements();
    let data = app.data(query, variables).await;
    (app.statements() - before, data)
}

#[tokio::test]
async fn every_root_field_is_one_statement_whatever_the_depth_and_the_rows() {
    let app = TestApp::spawn_with(|c| c.max_complexity = 10_000_000).await;
    let total = seed_archive(&app).await;
    assert!(total >= 50, "{total}");
    let (for_one, one) = statements_for(&app, LIST_PAGE, json!({ "n": 1 })).await;
    let (for_fifty, fifty) = statements_for(&app, LIST_PAGE, json!({ "n": 50 })).await;
    assert_eq!(one["articles"]["nodes"].as_array().expect("nodes").len(), 1);
    let nodes = fifty["articles"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 50);
    // The fifty carry people, organizations, and every kind of speaker.
    let text = fifty.to_string();
    assert!(text.contains("\"description\":\"A diplomatic source in Beijing\""));
    assert!(
        text.contains("\"name\":\"Okinawa Times\"") || text.contains("\"name\":\"People’s Daily\"")
    );
    assert!(
        nodes
            .iter()
            .filter(|n| n["people"]["nodes"]
                .as_array()
                .is_some_and(|p| !p.is_empty()))
            .count()
            > 40
    );
    assert_eq!(
        (for_one, for_fifty),
        (1, 1),
        "a list page of 1 and of 50 articles"
    );

    let article = id_of(
        &app,
        "SELECT article_id AS id FROM quotes GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    )
    .await;
    let (n, page) = statements_for(&app, ARTICLE_PAGE, json!({ "id": article_id(article) })).await;
    assert_eq!(n, 1, "the article page");
    assert!(
        !page["article"]["quotes"]["nodes"]
            .as_array()
            .expect("quotes")
            .is_empty()
    );
    let (n, page) = statements_for(&app, PERSON_PAGE, json!({ "name": "Xi Jinping" })).await;
    assert_eq!(n, 1, "the person page");
    assert!(
        page["person"]["articles"]["totalCount"]
            .as_i64()
            .expect("total")
            > 0
    );
    // Several root fields read one snapshot: one statement each inside BEGIN ... COMMIT.
    let (n, _) = statements_for(
        &app,
        "{ a: articles(first: 3) { totalCount } b: people(first: 3) { nodes { name } }
           c: quotes(first: 2) { nodes { text } } __typename }",
        json!({}),
    )
    .await;
    assert_eq!(n, 3 + 2, "three root fields and the transaction");
}

#[tokio::test]
async fn bad_arguments_are_user_errors_and_relevance_without_search_falls_back() {
    let (app, _) = seeded().await;
    for query in [
        "{ articles(after: \"not a cursor!\") { totalCount } }",
        "{ articles(first: 1000) { totalCount } }",
        "{ articles(last: -1) { totalCount } }",
        "{ articles(first: 1, last: 1) { totalCount } }",
        "{ people(first: 101) { totalCount } }",
        "{ quotes(first: 1000) { totalCount } }",
        "{ node(id: \"garbage\") { id } }",
        "{ person(name: \"Xi\", slug: \"xi-jinping\") { id } }",
        "{ organization(name: \"CCP\", slug: \"chinese-communist-party\") { id } }",
        "{ topEntities(kind: PEOPLE, first: 1000) { name } }",
    ] {
        let response = app.gql(query, json!({})).await;
        assert_eq!(
            error_code(&response),
            "BAD_USER_INPUT",
            "{query}: {response}"
        );
        let message = response["errors"][0]["message"].as_str().expect("message");
        assert!(!message.to_lowercase().contains("sql"), "{message}");
    }
    // A cursor of one ordering is refused by another.
    let data = app
        .data(
            "{ articles(orderBy: TITLE, first: 2) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let title_cursor = data["articles"]["pageInfo"]["endCursor"].clone();
    let response = app
        .gql(
            "query($c: String) { articles(after: $c) { totalCount } }",
            json!({ "c": title_cursor }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
    // Entity list cursors belong to their ordering too.
    let data = app
        .data(
            "{ people(first: 2) { pageInfo { endCursor } }
               organizations(orderBy: MENTIONS, first: 2) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let by_name = data["people"]["pageInfo"]["endCursor"].clone();
    let by_mentions = data["organizations"]["pageInfo"]["endCursor"].clone();
    for (query, cursor) in [
        (
            "query($c: String) { people(orderBy: MENTIONS, after: $c) { totalCount } }",
            &by_name,
        ),
        (
            "query($c: String) { people(search: \"Kim\", after: $c) { totalCount } }",
            &by_name,
        ),
        (
            "query($c: String) { organizations(after: $c) { totalCount } }",
            &by_mentions,
        ),
        (
            "query($c: String) { people(after: $c) { totalCount } }",
            &title_cursor,
        ),
    ] {
        let response = app.gql(query, json!({ "c": cursor })).await;
        assert_eq!(
            error_code(&response),
            "BAD_USER_INPUT",
            "{query}: {response}"
        );
    }
    for query in [
        "{ timeline(interval: YEAR, articles: {}, quotes: {}) { count } }",
        "{ search(query: \"x\", first: 1000) { score } }",
        "{ person(name: \"Xi\") { coMentionedPeople(first: 51) { articleCount } } }",
        "{ article { id } }",
        "{ quotes(filter: { article: \"garbage\" }) { totalCount } }",
    ] {
        let response = app.gql(query, json!({})).await;
        assert_eq!(
            error_code(&response),
            "BAD_USER_INPUT",
            "{query}: {response}"
        );
    }
    // An article ID where a person ID is expected.
    let article = id_of(
        &app,
        "SELECT id FROM articles WHERE title LIKE 'Xi instructed%'",
    )
    .await;
    let response = app
        .gql(
            "query($id: ID!) { person(id: $id) { name } }",
            json!({ "id": article_id(article) }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");

    // RELEVANCE without a search is newest first, cursors included.
    let relevance = app
        .data(
            "{ articles(orderBy: RELEVANCE, first: 10) { nodes { id } pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let newest = app
        .data(
            "{ articles(first: 10) { nodes { id } pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(relevance, newest);
    let next = app
        .data(
            "query($c: String) { articles(orderBy: RELEVANCE, first: 3, after: $c) { nodes { id } } }",
            json!({ "c": relevance["articles"]["pageInfo"]["endCursor"] }),
        )
        .await;
    let expected: Vec<String> = ids(
        &app.db,
        "SELECT id FROM articles ORDER BY published_on DESC, id DESC OFFSET 10 LIMIT 3",
    )
    .await
    .into_iter()
    .map(article_id)
    .collect();
    assert_eq!(
        next["articles"]["nodes"],
        json!(
            expected
                .iter()
                .map(|id| json!({ "id": id }))
                .collect::<Vec<_>>()
        )
    );
}

/// Every node id of a connection at `data[root]`, walking pages of `size` forward
/// (`first`/`after`) or backward (`last`/`before`), checking the page flags.
async fn walk(app: &TestApp, query: &str, root: &str, size: i64, forward: bool) -> Vec<String> {
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let vars = if forward {
            json!({ "first": size, "after": cursor })
        } else {
            json!({ "last": size, "before": cursor })
        };
        let data = app.data(query, vars).await;
        let conn = &data[root];
        let info = &conn["pageInfo"];
        let edges = conn["edges"].as_array().expect("edges");
        pages.push(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
                .collect(),
        );
        let (more, back) = if forward {
            ("hasNextPage", "hasPreviousPage")
        } else {
            ("hasPreviousPage", "hasNextPage")
        };
        assert_eq!(info[back], !cursor.is_null(), "{root}: {info}");
        if !info[more].as_bool().expect("bool") {
            break;
        }
        assert_eq!(edges.len() as i64, size);
        cursor = if forward {
            info["endCursor"].clone()
        } else {
            info["startCursor"].clone()
        };
    }
    if !forward {
        pages.reverse();
    }
    pages.into_iter().flatten().collect()
}

#[tokio::test]
async fn people_and_organization_lists_page_through_every_ordering_like_sql() {
    let (app, _) = seeded().await;
    let person_mentions = "(SELECT count(*) FROM mentions m WHERE m.person_id = e.id)";
    let similarity = "(SELECT max(similarity(alias_key, name_key('Koichi'))) FROM person_aliases al
                       WHERE al.person_id = e.id)::real";
    let cases: Vec<(&str, &str, String, NodeType)> = vec![
        (
            "people",
            "orderBy: NAME",
            "SELECT id FROM people e WHERE merged_into_id IS NULL ORDER BY canonical_name, id".into(),
            NodeType::Person,
        ),
        (
            "people",
            "orderBy: MENTIONS",
            format!(
                "SELECT id FROM people e WHERE merged_into_id IS NULL
                 ORDER BY {person_mentions} DESC, id DESC"
            ),
            NodeType::Person,
        ),
        (
            "people",
            "search: \"Koichi\"",
            format!(
                "SELECT id FROM people e WHERE merged_into_id IS NULL AND id IN (
                   SELECT person_id FROM person_aliases WHERE alias_key % name_key('Koichi')
                   OR alias_key LIKE '%' || name_key('Koichi') || '%')
                 ORDER BY {similarity} DESC, id DESC"
            ),
            NodeType::Person,
        ),
        (
            "organizations",
            "orderBy: NAME",
            "SELECT id FROM organizations e WHERE merged_into_id IS NULL ORDER BY name, id".into(),
            NodeType::Organization,
        ),
        (
            "organizations",
            "orderBy: MENTIONS",
            "SELECT id FROM organizations e WHERE merged_into_id IS NULL
             ORDER BY (SELECT count(*) FROM mentions m WHERE m.organization_id = e.id) DESC, id DESC"
                .into(),
            NodeType::Organization,
        ),
    ];
    for (root, args, sql, kind) in cases {
        let expected: Vec<String> = ids(&app.db, &sql)
            .await
            .into_iter()
            .map(|n| encode(kind, n).0)
            .collect();
        assert!(expected.len() > 1, "{root}({args})");
        let query = format!(
            "query($first: Int, $after: String, $last: Int, $before: String) {{
                {root}({args}, first: $first, after: $after, last: $last, before: $before) {{
                    totalCount edges {{ cursor node {{ id }} }}
                    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }} }} }}"
        );
        let size = if expected.len() > 40 { 25 } else { 3 };
        assert_eq!(
            walk(&app, &query, root, size, true).await,
            expected,
            "{root}({args}) forward"
        );
        assert_eq!(
            walk(&app, &query, root, size, false).await,
            expected,
            "{root}({args}) backward"
        );
    }
}

#[tokio::test]
async fn an_entitys_articles_and_quotes_page_with_cursors() {
    let (app, _) = seeded().await;
    let articles = "query($first: Int, $after: String) { person(name: \"Kishida Fumio\") {
        articles(first: $first, after: $after) { totalCount edges { cursor node { id } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }";
    let person = id_of(
        &app,
        "SELECT id FROM people WHERE canonical_name = 'Kishida Fumio'",
    )
    .await;
    let expected: Vec<String> = ids(
        &app.db,
        &format!(
            "SELECT a.id FROM articles a WHERE a.id IN (SELECT article_id FROM mentions WHERE person_id = {person})
             ORDER BY a.published_on DESC, a.id DESC"
        ),
    )
    .await
    .into_iter()
    .map(article_id)
    .collect();
    assert_eq!(expected.len(), 4);
    let mut got = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .data(articles, json!({ "first": 3, "after": after }))
            .await;
        let conn = &data["person"]["articles"];
        assert_eq!(conn["totalCount"], 4);
        got.extend(
            conn["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["id"].as_str().expect("id").to_owned()),
        );
        assert_eq!(conn["pageInfo"]["hasPreviousPage"], !after.is_null());
        if conn["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = conn["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(got, expected);

    let quotes = "query($first: Int, $after: String) { organization(name: \"Chinese Communist Party\") { quoteCount }
        person(name: \"Xi\") { quotes(first: $first, after: $after) { totalCount nodes { id text }
            pageInfo { hasNextPage endCursor } } } }";
    let first = app.data(quotes, json!({ "first": 2 })).await;
    assert_eq!(first["organization"]["quoteCount"], 0);
    let page = &first["person"]["quotes"];
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["nodes"].as_array().expect("nodes").len(), 2);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let rest = app
        .data(
            quotes,
            json!({ "first": 2, "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let rest = &rest["person"]["quotes"];
    assert_eq!(rest["nodes"].as_array().expect("nodes").len(), 1);
    assert_eq!(rest["pageInfo"]["hasNextPage"], false);
    let mut texts: Vec<&str> = page["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .chain(rest["nodes"].as_array().expect("nodes"))
        .map(|n| n["text"].as_str().expect("text"))
        .collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), 3, "no quote twice: {texts:?}");
}

#[tokio::test]
async fn quotes_page_both_ways_and_filter_by_mentioned_entity_and_article_filter() {
    let (app, _) = seeded().await;
    let expected: Vec<String> = ids(
        &app.db,
        "SELECT id FROM quotes WHERE speaker_person_id IS NOT NULL OR speaker_organization_id IS NOT NULL
         ORDER BY published_on DESC, id DESC",
    )
    .await
    .into_iter()
    .map(|n| encode(NodeType::Quote, n).0)
    .collect();
    assert!(expected.len() > 20);
    let query = "query($first: Int, $after: String, $last: Int, $before: String) {
        quotes(filter: { unnamed: false }, first: $first, after: $after, last: $last, before: $before) {
            edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }";
    assert_eq!(walk(&app, query, "quotes", 9, true).await, expected);
    assert_eq!(walk(&app, query, "quotes", 9, false).await, expected);

    let q =
        "query($f: QuoteFilter) { quotes(filter: $f, first: 100) { totalCount nodes { text } } }";
    let ccp = app.data(q, json!({ "f": { "mentions": "CCP" } })).await;
    assert_eq!(
        ccp["quotes"]["totalCount"].as_i64(),
        Some(
            count(
                &app.db,
                "SELECT count(*) FROM quotes q WHERE q.article_id IN (
                   SELECT m.article_id FROM mentions m JOIN organizations o ON o.id = m.organization_id
                   WHERE o.name = 'Chinese Communist Party')"
            )
            .await
        )
    );
    assert_eq!(
        ccp["quotes"]["totalCount"], 11,
        "6 in the reference article, 5 in Korea's"
    );
    let summaries = app
        .data(
            q,
            json!({ "f": { "articles": { "kind": "SUMMARY", "section": "SECURITY" }, "unnamed": true } }),
        )
        .await;
    assert_eq!(
        summaries["quotes"]["totalCount"].as_i64(),
        Some(
            count(
                &app.db,
                "SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id
                 JOIN sections s ON s.id = a.section_id
                 WHERE a.kind = 'SUMMARY' AND s.path LIKE 'SECURITY%' AND q.speaker_description IS NOT NULL"
            )
            .await
        )
    );
    let texts: Vec<&str> = summaries["quotes"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["text"].as_str().expect("text"))
        .collect();
    assert!(texts.contains(&"There is no other choice,"), "{texts:?}");
    assert!(
        texts.contains(&"We will proceed with the work in accordance with the law."),
        "{texts:?}"
    );
}

#[tokio::test]
async fn an_articles_people_page_in_memory_and_blank_searches_match_everything() {
    let (app, total) = seeded().await;
    let data = app
        .data(
            "query($a: String) { articles(filter: { search: \"Henoko\" }) { nodes {
                people(first: 1, after: $a) { totalCount nodes { person { name } }
                    pageInfo { hasNextPage hasPreviousPage endCursor } }
                last: organizations(last: 2) { nodes { organization { name } } pageInfo { hasPreviousPage hasNextPage } } } } }",
            json!({}),
        )
        .await;
    let article = &data["articles"]["nodes"][0];
    let people = &article["people"];
    assert_eq!(people["totalCount"], 2);
    assert_eq!(
        people["nodes"],
        json!([{ "person": { "name": "Tamaki Denny" } }])
    );
    assert_eq!(people["pageInfo"]["hasNextPage"], true);
    assert_eq!(people["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(
        article["last"]["nodes"],
        json!([{ "organization": { "name": "Okinawa Defense Bureau" } },
               { "organization": { "name": "Okinawa Times" } }])
    );
    assert_eq!(article["last"]["pageInfo"]["hasPreviousPage"], true);
    let next = app
        .data(
            "query($a: String) { articles(filter: { search: \"Henoko\" }) { nodes {
                people(first: 1, after: $a) { nodes { person { name } } pageInfo { hasNextPage hasPreviousPage } } } } }",
            json!({ "a": people["pageInfo"]["endCursor"] }),
        )
        .await;
    let people = &next["articles"]["nodes"][0]["people"];
    assert_eq!(
        people["nodes"],
        json!([{ "person": { "name": "Matsuno Hirokazu" } }])
    );
    assert_eq!(people["pageInfo"]["hasNextPage"], false);
    assert_eq!(people["pageInfo"]["hasPreviousPage"], true);

    let blank = app
        .data(
            "{ articles(filter: { search: \"   \" }) { totalCount } quotes(filter: { search: \"\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(blank["articles"]["totalCount"].as_i64(), Some(total));
    assert_eq!(
        blank["quotes"]["totalCount"].as_i64(),
        Some(count(&app.db, "SELECT count(*) FROM quotes").await)
    );
    let too_many: Vec<String> = (1..=101).map(|n| encode(NodeType::Article, n).0).collect();
    let response = app
        .gql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": too_many }),
        )
        .await;
    assert_eq!(error_code(&response), "BAD_USER_INPUT");
}

#[tokio::test]
async fn name_searches_treat_wildcards_and_punctuation_as_text() {
    let (app, _) = seeded().await;
    let q = "query($s: String!) { people(search: $s) { totalCount nodes { name } }
        organizations(search: $s) { totalCount } }";
    for search in ["%", "_", ".", "%%", "_a_"] {
        let data = app.data(q, json!({ "s": search })).await;
        assert_eq!(data["people"]["totalCount"], 0, "{search:?}: {data}");
        assert_eq!(data["people"]["nodes"], json!([]), "{search:?}");
        assert_eq!(data["organizations"]["totalCount"], 0, "{search:?}: {data}");
    }
    // A plain part of a name still finds it.
    let data = app.data(q, json!({ "s": "Obrador" })).await;
    assert_eq!(
        data["people"]["nodes"][0]["name"],
        "Andrés Manuel López Obrador"
    );
}

#[tokio::test]
async fn outlet_and_section_ids_resolve_through_node() {
    let (app, _) = seeded().await;
    let data = app
        .data(
            "{ articles(first: 1, filter: { search: \"support Russia\", outlet: \"Yomiuri\" }) {
                nodes { sources { outlet { id name } } sectionPath { id path } } } }",
            json!({}),
        )
        .await;
    let article = &data["articles"]["nodes"][0];
    let outlet = &article["sources"][0]["outlet"];
    let section = &article["sectionPath"][1];
    assert_eq!(outlet["name"], "Yomiuri");
    assert_eq!(section["path"], "INTERNATIONAL > East Asia & Pacific");
    let data = app
        .data(
            "query($o: ID!, $s: ID!) {
                o: node(id: $o) { __typename id ... on Outlet { name } }
                s: node(id: $s) { __typename id ... on Section { path } }
                both: nodes(ids: [$o, $s]) { id } }",
            json!({ "o": outlet["id"], "s": section["id"] }),
        )
        .await;
    assert_eq!(
        data["o"],
        json!({ "__typename": "Outlet", "id": outlet["id"], "name": "Yomiuri" })
    );
    assert_eq!(
        data["s"],
        json!({ "__typename": "Section", "id": section["id"], "path": "INTERNATIONAL > East Asia & Pacific" })
    );
    assert_eq!(
        data["both"],
        json!([{ "id": outlet["id"] }, { "id": section["id"] }])
    );
}
