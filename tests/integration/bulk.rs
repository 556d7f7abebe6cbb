//! The bulk path (`archive ingest --bulk`, `archive seed`) stores what the per-article
//! path stores: the same rows in every table, counters, feed and captures included.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel_async::RunQueryDsl;
use indicatif::ProgressBar;

use crate::support::fixtures::{articles_dir, count, seed_path, table_counts};
use crate::support::{TestApp, TestDb};

pub(crate) fn archive(database_url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_archive"));
    cmd.args(args)
        .env("DATABASE_URL", database_url)
        .env("DEMO_ARTICLES", "0")
        .env("RUST_LOG", "error")
        .current_dir(std::env::temp_dir());
    cmd
}

pub(crate) fn run(mut cmd: Command) -> Output {
    cmd.output().expect("the archive binary runs")
}

pub(crate) fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every fixture input: the articles (good and malformed, with the NDJSON batch), the
/// hand-annotated articles, the reference article, a second capture of it (the same
/// article with other whitespace around it, written into `dir`), and the first article
/// again (the same capture twice).
fn fixture_inputs(dir: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [articles_dir(), root.join("handwritten/raw")] {
        let mut in_dir: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("fixture dir")
            .map(|e| e.expect("dir entry").path())
            .filter(|p| !p.to_string_lossy().ends_with(".gold.json"))
            .collect();
        in_dir.sort();
        files.extend(in_dir);
    }
    files.push(seed_path());
    let capture = dir.join("seed-capture.txt");
    let text = std::fs::read_to_string(seed_path()).expect("seed.txt");
    std::fs::write(&capture, format!("\n{text}\n\n")).expect("write the capture");
    files.push(capture);
    files.push(files[0].clone());
    files
        .iter()
        .map(|p| p.to_str().expect("utf-8 path").to_owned())
        .collect()
}

/// Each table's rows as text, sorted, with surrogate ids replaced by what they stand for
/// (slugs, paths, hashes) and timestamps left out.
const TABLES: &[(&str, &str)] = &[
    (
        "raw_documents",
        "SELECT encode(content_hash, 'hex'), format, source_name, content FROM raw_documents",
    ),
    (
        "articles",
        "SELECT to_jsonb(a) - 'id' - 'raw_document_id' - 'section_id' - 'created_at'
                - 'updated_at',
                encode(r.content_hash, 'hex'), s.path
         FROM articles a JOIN raw_documents r ON r.id = a.raw_document_id
         LEFT JOIN sections s ON s.id = a.section_id",
    ),
    (
        "article_captures",
        "SELECT encode(r.content_hash, 'hex'), a.slug FROM article_captures c
         JOIN raw_documents r ON r.id = c.raw_document_id JOIN articles a ON a.id = c.article_id",
    ),
    (
        "article_feed",
        "SELECT string_agg(a.slug, ' ' ORDER BY f.seq) FROM article_feed f
         JOIN articles a ON a.id = f.article_id",
    ),
    (
        "sections",
        "SELECT s.name, s.path, s.depth, p.path FROM sections s
         LEFT JOIN sections p ON p.id = s.parent_id",
    ),
    (
        "outlets",
        "SELECT slug, name, name_key, organization_id FROM outlets",
    ),
    (
        "article_outlets",
        "SELECT a.slug, o.slug, x.position, x.page FROM article_outlets x
         JOIN articles a ON a.id = x.article_id JOIN outlets o ON o.id = x.outlet_id",
    ),
    ("tags", "SELECT slug, name FROM tags"),
    (
        "article_tags",
        "SELECT a.slug, t.slug, x.added_by_editor FROM article_tags x
         JOIN articles a ON a.id = x.article_id JOIN tags t ON t.id = x.tag_id",
    ),
    (
        "article_authors",
        "SELECT a.slug, p.slug, x.position FROM article_authors x
         JOIN articles a ON a.id = x.article_id JOIN people p ON p.id = x.person_id",
    ),
    (
        "people",
        "SELECT to_jsonb(p) - 'id' - 'created_at' - 'updated_at' FROM people p",
    ),
    (
        "person_aliases",
        "SELECT p.slug, x.alias, x.alias_key, x.added_by_editor FROM person_aliases x
         JOIN people p ON p.id = x.person_id",
    ),
    (
        "organizations",
        "SELECT to_jsonb(o) - 'id' - 'created_at' - 'updated_at' FROM organizations o",
    ),
    (
        "organization_aliases",
        "SELECT o.slug, x.alias, x.alias_key, x.added_by_editor FROM organization_aliases x
         JOIN organizations o ON o.id = x.organization_id",
    ),
    (
        "mentions",
        "SELECT a.slug, p.slug, o.slug, to_jsonb(m) - 'id' - 'article_id' - 'person_id'
                - 'organization_id'
         FROM mentions m JOIN articles a ON a.id = m.article_id
         LEFT JOIN people p ON p.id = m.person_id
         LEFT JOIN organizations o ON o.id = m.organization_id",
    ),
    (
        "person_titles",
        "SELECT p.slug, a.slug, t.title, t.published_on, t.extractor_version FROM person_titles t
         JOIN people p ON p.id = t.person_id JOIN articles a ON a.id = t.article_id",
    ),
    (
        "quotes",
        "SELECT a.slug, p.slug, o.slug, to_jsonb(q) - 'id' - 'article_id' - 'speaker_person_id'
                - 'speaker_organization_id'
         FROM quotes q JOIN articles a ON a.id = q.article_id
         LEFT JOIN people p ON p.id = q.speaker_person_id
         LEFT JOIN organizations o ON o.id = q.speaker_organization_id",
    ),
    (
        "entity_count_deltas",
        "SELECT to_jsonb(d) - 'id' - 'txid' FROM entity_count_deltas d",
    ),
];

async fn contents(db: &TestDb) -> Vec<(&'static str, Vec<String>)> {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let mut conn = db.conn().await;
    let mut out = Vec::new();
    for (table, sql) in TABLES {
        let rows: Vec<Row> =
            diesel::sql_query(format!("SELECT x::text AS row FROM ({sql}) x ORDER BY 1"))
                .load(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{table}: {e}"));
        out.push((*table, rows.into_iter().map(|r| r.row).collect()));
    }
    out
}

fn assert_same(one: &[(&str, Vec<String>)], other: &[(&str, Vec<String>)]) {
    for ((table, a), (_, b)) in one.iter().zip(other) {
        let only_a: Vec<&String> = a.iter().filter(|r| !b.contains(r)).take(3).collect();
        let only_b: Vec<&String> = b.iter().filter(|r| !a.contains(r)).take(3).collect();
        assert!(
            a == b,
            "{table} differs ({} rows against {}):\nper-article only: {only_a:#?}\nbulk only: {only_b:#?}",
            a.len(),
            b.len()
        );
    }
}

/// Every foreign key of the schema holds on every row (the bulk path skips the per-row
/// checks where it may); returns how many keys were checked.
async fn assert_foreign_keys_hold(db: &TestDb) -> usize {
    #[derive(diesel::QueryableByName)]
    struct Check {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        sql: String,
    }
    // One anti-join per key (MATCH SIMPLE: a row with a null key column is not checked).
    let checks: Vec<Check> = diesel::sql_query(
        "SELECT c.conname::text AS name,
                format('SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS
                            (SELECT 1 FROM %s p WHERE %s)',
                       c.conrelid::regclass,
                       (SELECT string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ')
                        FROM unnest(c.conkey) AS k(n)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
                       c.confrelid::regclass,
                       (SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND ')
                        FROM unnest(c.conkey, c.confkey) AS u(ck, fk)
                        JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = u.ck
                        JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = u.fk))
                AS sql
         FROM pg_constraint c
         WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
         ORDER BY 1",
    )
    .load(&mut db.conn().await)
    .await
    .expect("the foreign keys");
    for check in &checks {
        assert_eq!(
            count(db, &check.sql).await,
            0,
            "{}: {}",
            check.name,
            check.sql
        );
    }
    checks.len()
}

/// A login role with every privilege on `db`'s tables but not the right to set
/// `session_replication_role`: what an ordinary deployment's role looks like. Dropped,
/// with its grants, by [`drop_role`].
async fn plain_role(db: &TestDb) -> (String, String) {
    let role = format!("{}_plain", db.name);
    let mut admin = db.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut admin,
        &format!(
            "CREATE ROLE {role} LOGIN NOSUPERUSER;
             GRANT ALL ON SCHEMA public TO {role};
             GRANT ALL ON ALL TABLES IN SCHEMA public TO {role};
             GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role};"
        ),
    )
    .await
    .expect("the plain role");
    let mut url = url::Url::parse(&db.url).expect("a URL");
    url.set_username(&role).expect("a user name");
    (role, url.to_string())
}

async fn drop_role(db: &TestDb, role: &str) {
    let mut conn = db.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        &format!("DROP OWNED BY {role}; DROP ROLE {role};"),
    )
    .await
    .expect("dropped the plain role");
}

#[tokio::test]
async fn bulk_ingest_of_the_fixtures_stores_the_same_rows_as_per_article_ingest() {
    let dir = std::env::temp_dir().join(format!("na-bulk-fixtures-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let files = fixture_inputs(&dir);
    let per_article = TestDb::new().await;
    let bulk = TestDb::new().await;
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    let one_by_one = run(archive(&per_article.url, &args));
    // Batches of 7 inputs: names created in one batch are found by later articles of the
    // same batch and of the next ones.
    let mut bulk_args = vec!["ingest", "--bulk", "--batch-size", "7"];
    bulk_args.extend(files.iter().map(String::as_str));
    let batched = run(archive(&bulk.url, &bulk_args));

    let summary = |out: &Output| -> String {
        text_of(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        summary(&one_by_one),
        summary(&batched),
        "{}",
        text_of(&batched.stdout)
    );
    // 23 failures: 5 malformed files, an NDJSON line without title, 17 undated articles
    // (h06, h19, h30, h42, h44, h46, h50, h55, h58, h62, h65, h70, h72, h75, h78, h83, h86
    // of the hand-annotated set).
    assert_eq!(
        summary(&batched),
        "115 created, 2 unchanged, 23 failed",
        "{}",
        text_of(&batched.stdout)
    );
    assert_eq!(count(&bulk, "SELECT count(*) FROM articles").await, 115);
    assert_eq!(
        count(&bulk, "SELECT count(*) FROM article_captures").await,
        116
    );
    assert_eq!(count(&bulk, "SELECT count(*) FROM article_feed").await, 115);
    assert!(count(&bulk, "SELECT count(*) FROM people WHERE mention_count > 1").await > 10);
    let per_article_rows = contents(&per_article).await;
    assert_same(&per_article_rows, &contents(&bulk).await);
    assert!(assert_foreign_keys_hold(&bulk).await >= 19);

    // A role that may not skip the foreign keys' checks loads the same rows, checked.
    let plain = TestDb::new().await;
    let (role, plain_url) = plain_role(&plain).await;
    assert_eq!(
        count(
            &plain,
            &format!(
                "SELECT count(*) FROM pg_roles WHERE rolname = '{role}'
                   AND NOT has_parameter_privilege(oid, 'session_replication_role', 'SET')"
            )
        )
        .await,
        1
    );
    let checked = run(archive(&plain_url, &bulk_args));
    assert_eq!(
        summary(&checked),
        "115 created, 2 unchanged, 23 failed",
        "{}{}",
        text_of(&checked.stdout),
        text_of(&checked.stderr)
    );
    assert_same(&per_article_rows, &contents(&plain).await);
    drop_role(&plain, &role).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn seeding_in_batches_stores_the_same_rows_as_seeding_article_by_article() {
    let per_article = TestApp::spawn().await;
    news_archive::commands::seed_corpus(&per_article.pools, 60, 5, 1, &ProgressBar::hidden())
        .await
        .expect("seeded one by one");
    let bulk = TestDb::new().await;
    let out = run(archive(
        &bulk.url,
        &[
            "seed",
            "--articles",
            "60",
            "--seed",
            "5",
            "--batch-size",
            "16",
        ],
    ));
    assert!(out.status.success(), "{}", text_of(&out.stderr));
    assert!(
        text_of(&out.stdout).starts_with("60 created, 0 unchanged, 0 failed"),
        "{}",
        text_of(&out.stdout)
    );
    assert!(count(&bulk, "SELECT max(article_count) FROM people").await > 3);
    assert_same(&contents(&per_article.db).await, &contents(&bulk).await);
    assert_foreign_keys_hold(&bulk).await;
}

#[tokio::test]
async fn bulk_ingest_again_changes_nothing_and_a_bad_article_fails_alone() {
    let dir = std::env::temp_dir().join(format!("na-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let page = |outlet: &str, title: &str| {
        format!(
            "print PRINT\n\nPOLITICS\n\n{title}\n\n  • March 1, 2024\n  • , {outlet} , p. 2\n\nTOKYO — Foreign Minister Yoko Kamikawa met reporters on Friday.\n"
        )
    };
    // "Škoda Times" has its own slug but the same name key as "Skoda Times": the outlet
    // cannot be created, so that article fails, in its batch, alone.
    std::fs::write(dir.join("a.txt"), page("Skoda Times", "Cabinet meets")).expect("write");
    std::fs::write(dir.join("b.txt"), page("Škoda Times", "Diet adjourns")).expect("write");
    std::fs::write(dir.join("c.txt"), page("Yomiuri", "Budget passes")).expect("write");
    let db = TestDb::new().await;
    let path = dir.to_str().expect("utf-8 path");

    let out = run(archive(&db.url, &["ingest", "--bulk", path]));
    let stdout = text_of(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("a.txt: 1 created, 0 unchanged, 0 failed"),
        "{stdout}"
    );
    assert!(stdout.contains("b.txt: error: database error"), "{stdout}");
    assert!(
        stdout.contains("b.txt: 0 created, 0 unchanged, 1 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("c.txt: 1 created, 0 unchanged, 0 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 created, 0 unchanged, 1 failed"),
        "{stdout}"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM articles").await, 2);
    assert_eq!(
        count(
            &db,
            "SELECT mention_count FROM people WHERE canonical_name = 'Yoko Kamikawa'"
        )
        .await,
        2
    );
    // The failed article left no row behind (no article tied to an outlet id that is not
    // there, which the skipped foreign-key checks would not have caught).
    assert_foreign_keys_hold(&db).await;
    assert_eq!(count(&db, "SELECT count(*) FROM article_outlets").await, 2);

    let before = contents(&db).await;
    let counts = table_counts(&db).await;
    let again = run(archive(&db.url, &["ingest", "--bulk", path]));
    let stdout = text_of(&again.stdout);
    assert!(
        stdout.contains("0 created, 2 unchanged, 1 failed"),
        "{stdout}"
    );
    assert_eq!(table_counts(&db).await, counts);
    assert_same(&before, &contents(&db).await);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bulk writer stores the search vectors computed ahead on the second connection; a
/// batch given none (or a quote text it has none for) computes them itself, and either
/// way each row holds what the triggers of the per-article path compute.
#[tokio::test]
async fn a_batch_without_vectors_computed_ahead_stores_the_triggers_vectors() {
    use diesel::Connection;
    use news_archive::db::bulk::{self, VectorTexts};
    let db = TestDb::new().await;
    let text = std::fs::read_to_string(seed_path()).expect("seed.txt");
    let mut prepared = news_archive::load::prepare_text(&text, None, &Default::default());
    let p = prepared.pop().expect("one article").expect("prepared");
    let other = "print PRINT\n\nPOLITICS\n\nCabinet meets\n\n  • March 1, 2024\n  • , Skoda Times , p. 2\n\nTOKYO — Foreign Minister Yoko Kamikawa said: “We will talk again.”\n";
    let q = news_archive::load::prepare_text(other, None, &Default::default())
        .pop()
        .expect("one article")
        .expect("prepared");
    assert_eq!(q.extraction.quotes.len(), 1);
    let mut conn = diesel::PgConnection::establish(&db.url).expect("connect");
    // The second article's vectors computed ahead, but for no quote text.
    let mut ahead = bulk::search_vectors(&mut conn, &[VectorTexts::of(&q.article, &q.extraction)])
        .expect("vectors");
    ahead[0].quotes.clear();
    fn article<'a>(
        p: &'a news_archive::load::Prepared,
        vectors: Option<&'a bulk::Vectors>,
    ) -> bulk::Article<'a> {
        bulk::Article {
            raw: news_archive::db::store::RawInput {
                content: &p.raw,
                format: p.format,
                source_name: Some("test"),
            },
            article: &p.article,
            published_on: p.published_on,
            extraction: &p.extraction,
            follows_in_input: false,
            vectors,
        }
    }
    let batch = [article(&p, None), article(&q, Some(&ahead[0]))];
    let stored = bulk::write_batch(&mut conn, &batch, None).expect("written");
    assert_eq!(stored.len(), 2);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM articles").await, 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM articles
             WHERE search = article_search_vector(title, paragraphs_text(paragraphs))"
        )
        .await,
        2
    );
    let quotes = count(&db, "SELECT count(*) AS n FROM quotes").await;
    assert!(quotes > 6, "{quotes}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM quotes WHERE search = to_tsvector('english', text)"
        )
        .await,
        quotes
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) AS n FROM quotes WHERE search @@ 'talk'::tsquery"
        )
        .await,
        1
    );
}
