//! Seeding helpers shared by the ingest and read-API tests: the fixture articles, the
//! reference article, synthetic articles, and SQL counts to check the API against.

use std::path::{Path, PathBuf};

use diesel_async::RunQueryDsl;
use news_archive::db::store::Stored;
use news_archive::load::{self, LoadError, Overrides};
use serde_json::Value;

use super::{TestApp, TestDb};

/// `tests/fixtures/articles`.
pub fn articles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles")
}

/// `tests/fixtures/corpus/seed.txt`, the reference article.
pub fn seed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/seed.txt")
}

/// The fixture inputs that hold good articles (every `.txt`, `.json`, `.ndjson` that is
/// neither a gold file nor a `malformed_` one), sorted by name.
pub fn good_fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(articles_dir())
        .expect("fixture dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with("malformed_")
                && !name.ends_with(".gold.json")
                && (name.ends_with(".txt") || name.ends_with(".json") || name.ends_with(".ndjson"))
        })
        .collect();
    files.sort();
    files
}

/// The gold file beside a fixture input (`x.txt` → `x.gold.json`), parsed.
pub fn gold_of(input: &Path) -> Value {
    let stem = input.file_stem().and_then(|s| s.to_str()).expect("stem");
    let path = input.with_file_name(format!("{stem}.gold.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("gold file")).expect("gold JSON")
}

/// A fixture's text by file name.
pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(articles_dir().join(name)).expect("fixture readable")
}

/// Prepares and stores every article of one input text, as `archive ingest` does.
pub async fn ingest_text(app: &TestApp, text: &str, name: &str) -> Vec<Result<Stored, LoadError>> {
    ingest_with(app, text, name, &Overrides::default()).await
}

/// As [`ingest_text`], with overrides.
pub async fn ingest_with(
    app: &TestApp,
    text: &str,
    name: &str,
    overrides: &Overrides,
) -> Vec<Result<Stored, LoadError>> {
    let mut out = Vec::new();
    for prepared in load::prepare_text(text, None, overrides) {
        out.push(match prepared {
            Ok(p) => load::store(&app.pools.write, &p, Some(name)).await,
            Err(e) => Err(e),
        });
    }
    out
}

/// Stores one text that must give exactly one new article; returns its id.
pub async fn ingest_one(app: &TestApp, text: &str, name: &str) -> i64 {
    let mut results = ingest_text(app, text, name).await;
    assert_eq!(results.len(), 1, "{name}: one article expected");
    match results.remove(0) {
        Ok(Stored::Created { article_id, .. }) => article_id,
        other => panic!("{name}: expected a new article, got {other:?}"),
    }
}

/// Ingests every good fixture article and the reference article; returns how many
/// articles were created (the NDJSON batch's line without a title is skipped).
pub async fn ingest_fixtures(app: &TestApp) -> usize {
    let mut created = 0;
    let mut files = good_fixture_files();
    files.push(seed_path());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("fixture readable");
        let name = file.file_name().and_then(|n| n.to_str()).expect("name");
        for result in ingest_text(app, &text, name).await {
            match result {
                Ok(Stored::Created { .. }) => created += 1,
                Ok(other) => panic!("{name}: {other:?}"),
                Err(LoadError::Parse(_)) if name.ends_with(".ndjson") => {}
                Err(e) => panic!("{name}: {e}"),
            }
        }
    }
    created
}

/// Ingests synthetic articles `0..count` of corpus `seed`.
pub async fn ingest_synthetic(app: &TestApp, seed: u64, count: u64) {
    for i in 0..count {
        let generated = news_archive::synth::generate(seed, i);
        for result in ingest_text(app, &generated.text, "synthetic").await {
            result.unwrap_or_else(|e| panic!("synthetic article {i}: {e}"));
        }
    }
}

/// Two invented articles with accented names, both dated like the reference article
/// (so the corpus has equal dates to page across).
pub const ACCENTED_ARTICLES: [&str; 2] = [
    "print PRINT\n\nINTERNATIONAL > Americas\n\nMexico and Japan sign energy pact\n\n  \u{2022} February 28, 2022\n  \u{2022} , Asahi , p. 5\n  \u{2022} JMH Translation\n\nMEXICO CITY \u{2014} Mexican President Andr\u{e9}s Manuel L\u{f3}pez Obrador met Prime Minister Kishida Fumio\u{2019}s envoy on Feb. 27. \u{201c}This is a new chapter,\u{201d} L\u{f3}pez Obrador said.\n",
    "print PRINT\n\nINTERNATIONAL > Americas\n\nChilean minister visits Tokyo\n\n  \u{2022} February 28, 2022\n  \u{2022} , Asahi , p. 5\n  \u{2022} JMH Translation\n\nTOKYO \u{2014} Chilean Foreign Minister Jos\u{e9} Mart\u{ed}nez arrived in Tokyo on Feb. 27. Mart\u{ed}nez said, \u{201c}We want more trade with Japan.\u{201d}\n",
];

/// The read-API corpus: every fixture, the reference article, the two accented
/// articles and 40 synthetic articles. Returns the number of articles.
pub async fn seed_archive(app: &TestApp) -> usize {
    let fixtures = ingest_fixtures(app).await;
    for (i, text) in ACCENTED_ARTICLES.iter().enumerate() {
        ingest_one(app, text, &format!("accented-{i}")).await;
    }
    ingest_synthetic(app, 1, 40).await;
    fixtures + ACCENTED_ARTICLES.len() + 40
}

/// The value of a scalar SQL query (`SELECT count(*) FROM ...`), as a number.
pub async fn count(db: &TestDb, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let wrapped = format!("SELECT ({sql})::bigint AS n");
    let mut conn = db.conn().await;
    diesel::sql_query(&wrapped)
        .get_result::<N>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

/// Row counts of every table ingest writes, for "nothing changed" checks.
pub async fn table_counts(db: &TestDb) -> Vec<(&'static str, i64)> {
    let mut out = Vec::new();
    for table in [
        "raw_documents",
        "articles",
        "people",
        "person_aliases",
        "person_titles",
        "organizations",
        "organization_aliases",
        "mentions",
        "quotes",
        "outlets",
        "article_outlets",
        "sections",
        "tags",
        "article_tags",
        "article_authors",
    ] {
        out.push((
            table,
            count(db, &format!("SELECT count(*) FROM {table}")).await,
        ));
    }
    out
}

/// The ids a SQL query returns (one bigint column named `id`), in order.
pub async fn ids(db: &TestDb, sql: &str) -> Vec<i64> {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let mut conn = db.conn().await;
    diesel::sql_query(sql)
        .load::<Id>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.id)
        .collect()
}

/// The (text, number) rows a SQL query returns (columns `label` and `n`), in order.
pub async fn labelled_counts(db: &TestDb, sql: &str) -> Vec<(String, i64)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        label: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = db.conn().await;
    diesel::sql_query(sql)
        .load::<Row>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| (r.label, r.n))
        .collect()
}
