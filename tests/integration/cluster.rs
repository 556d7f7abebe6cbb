//! Fault tests and read replicas, each on PostgreSQL clusters of its own (see
//! `support::cluster`): the database frozen, stopped and restarted under load; `archive
//! ingest` killed mid-batch; the server stopped with SIGTERM; queries on real streaming
//! replicas. Nothing waits by sleeping: every wait polls with a deadline.

use std::process::Stdio;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use news_archive::auth::Role;
use serde_json::{Value, json};

use crate::support::cluster::{Cluster, eventually};
use crate::support::writes::{SEED, Ws};
use crate::support::{TestApp, TestDb};

/// The statement timeout of these tests' servers.
const STATEMENT_TIMEOUT: Duration = Duration::from_millis(1000);

/// What the issue allows a request while the database misbehaves: the statement
/// timeout plus a second.
const HANG_LIMIT: Duration = Duration::from_millis(2000);

/// Generous bound for things that take milliseconds on an idle machine.
const PATIENCE: Duration = Duration::from_secs(30);

const ARTICLE_ADDED: &str = "subscription { articleAdded { id title } }";

const INGEST: &str = "mutation($raw: String!) { ingestArticle(input: { raw: $raw }) {
    article { id title } outcome userErrors { message } } }";

const LIST: &str = "{ articles(first: 5) { totalCount nodes { title } } }";

/// The archive's database on `cluster`, and a server over it.
async fn app_on(
    cluster: &Cluster,
    adjust: impl FnOnce(&mut news_archive::config::Config),
) -> TestApp {
    let url = cluster.archive("archive").await;
    TestApp::spawn_on(TestDb::on_cluster("archive", url), |c| {
        c.statement_timeout = STATEMENT_TIMEOUT;
        // Cut off at 1.25 s: the rest of HANG_LIMIT is slack for a busy machine.
        c.db_timeouts.margin = Duration::from_millis(250);
        c.db_timeouts.pool_wait = news_archive::db::Timeouts::default().pool_wait;
        c.db_timeouts.connect = news_archive::db::Timeouts::default().connect;
        adjust(c);
    })
    .await
}

/// The seed article under another title (so another article).
fn article(title: &str) -> String {
    SEED.replace(
        "Xi instructed to “support Russia” over Western sanctions",
        title,
    )
}

/// One request of the load.
#[derive(Debug, Clone)]
struct Outcome {
    started: Instant,
    took: Duration,
    status: u16,
    code: Option<String>,
}

/// Clients sending list queries back to back until stopped.
struct Load {
    stop: Arc<AtomicBool>,
    outcomes: Arc<Mutex<Vec<Outcome>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Load {
    fn start(app: &TestApp, clients: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let outcomes = Arc::new(Mutex::new(Vec::new()));
        let tasks = (0..clients)
            .map(|_| {
                let (stop, outcomes) = (stop.clone(), outcomes.clone());
                let url = app.url("/graphql");
                // A hung request shows up as 30 s, far past any limit asserted.
                let client = reqwest::Client::builder()
                    .timeout(PATIENCE)
                    .build()
                    .expect("client");
                tokio::spawn(async move {
                    while !stop.load(Ordering::Relaxed) {
                        let started = Instant::now();
                        let (status, code) = match client
                            .post(&url)
                            .json(&json!({ "query": LIST }))
                            .send()
                            .await
                        {
                            Ok(r) => {
                                let status = r.status().as_u16();
                                let body: Value = r.json().await.unwrap_or_default();
                                let code = body["errors"][0]["extensions"]["code"]
                                    .as_str()
                                    .map(str::to_owned);
                                (status, code)
                            }
                            Err(e) => (0, Some(e.to_string())),
                        };
                        let outcome = Outcome {
                            started,
                            took: started.elapsed(),
                            status,
                            code,
                        };
                        outcomes.lock().expect("outcomes").push(outcome);
                    }
                })
            })
            .collect();
        Self {
            stop,
            outcomes,
            tasks,
        }
    }

    /// Answers so far that were 200 without errors, started after `since`.
    fn ok_since(&self, since: Instant) -> usize {
        self.outcomes
            .lock()
            .expect("outcomes")
            .iter()
            .filter(|o| o.started >= since && o.status == 200 && o.code.is_none())
            .count()
    }

    /// Answers so far that failed, started after `since`.
    fn failed_since(&self, since: Instant) -> usize {
        self.outcomes
            .lock()
            .expect("outcomes")
            .iter()
            .filter(|o| o.started >= since && (o.status != 200 || o.code.is_some()))
            .count()
    }

    async fn finish(self) -> Vec<Outcome> {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.expect("load task");
        }
        Arc::try_unwrap(self.outcomes)
            .expect("tasks are done")
            .into_inner()
            .expect("outcomes")
    }
}

/// A test cluster with a server on it, an editor's key, an article ingested, a
/// subscription to new articles open, and a load of 4 clients getting answers.
struct UnderLoad {
    cluster: Cluster,
    app: TestApp,
    editor: String,
    ws: Ws,
    load: Load,
}

impl UnderLoad {
    async fn start(first_title: &str) -> Self {
        let cluster = Cluster::start().await;
        let app = app_on(&cluster, |_| {}).await;
        let editor = app.db.key(Role::Editor).await;
        ingest_when_possible(&app, &editor, &article(first_title)).await;
        let mut ws = app.websocket(json!({})).await.expect("connected");
        ws.subscribe("s", ARTICLE_ADDED, json!({})).await;
        let load = Load::start(&app, 4);
        let began = Instant::now();
        eventually(PATIENCE, "the load to get answers", || async {
            (load.ok_since(began) >= 8).then_some(())
        })
        .await;
        Self {
            cluster,
            app,
            editor,
            ws,
            load,
        }
    }
}

/// The slowest request, which must be within [`HANG_LIMIT`].
fn assert_nothing_hung(outcomes: &[Outcome]) -> Duration {
    let slowest = outcomes
        .iter()
        .max_by_key(|o| o.took)
        .expect("some requests");
    assert!(
        slowest.took <= HANG_LIMIT,
        "a request took {:?} (limit {HANG_LIMIT:?}): {slowest:?}",
        slowest.took
    );
    slowest.took
}

/// `/readyz`'s status.
async fn readyz(app: &TestApp) -> u16 {
    app.client
        .get(app.url("/readyz"))
        .timeout(PATIENCE)
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

/// Polls `/readyz` until it answers `status`; how long that took.
async fn ready_becomes(app: &TestApp, status: u16) -> Duration {
    let start = Instant::now();
    eventually(PATIENCE, &format!("/readyz answering {status}"), || async {
        (readyz(app).await == status).then(|| start.elapsed())
    })
    .await
}

/// Ingests `raw` with `token`, retrying until the database takes it (an ingest of the
/// same text again changes nothing); the article's global ID.
async fn ingest_when_possible(app: &TestApp, token: &str, raw: &str) -> String {
    eventually(PATIENCE, "an ingest to succeed", || async {
        let (status, response) = app.gql_as(token, INGEST, json!({ "raw": raw })).await;
        (status == 200)
            .then(|| {
                response["data"]["ingestArticle"]["article"]["id"]
                    .as_str()
                    .map(str::to_owned)
            })
            .flatten()
    })
    .await
}

/// The id of the next article delivered on subscription `s`.
async fn delivered(ws: &mut Ws) -> String {
    let (sub, payload) = ws.next_data().await;
    assert_eq!(sub, "s");
    payload["data"]["articleAdded"]["id"]
        .as_str()
        .expect("an article id")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_database_fails_requests_fast_and_the_same_pool_recovers_when_it_thaws() {
    let UnderLoad {
        cluster,
        app,
        editor,
        mut ws,
        load,
    } = UnderLoad::start("Before the freeze").await;

    cluster.freeze();
    let frozen = Instant::now();
    let unready = ready_becomes(&app, 503).await;
    assert!(
        unready <= Duration::from_secs(1),
        "/readyz took {unready:?} to say 503"
    );
    // Requests fail instead of waiting (the load keeps sending them).
    eventually(PATIENCE, "requests to fail while frozen", || async {
        (load.failed_since(frozen) >= 8).then_some(())
    })
    .await;
    let (status, response) = app
        .gql_as(&editor, INGEST, json!({ "raw": article("Frozen") }))
        .await;
    assert_eq!(status, 503, "{response}");
    assert_eq!(crate::support::error_code(&response), "SERVICE_UNAVAILABLE");

    cluster.thaw();
    let thawed = Instant::now();
    let ready = ready_becomes(&app, 200).await;
    eventually(PATIENCE, "queries to succeed again", || async {
        (load.ok_since(thawed) >= 8).then_some(())
    })
    .await;
    let recovered = thawed.elapsed();
    // The subscription opened before the freeze still delivers.
    let id = ingest_when_possible(&app, &editor, &article("After the thaw")).await;
    assert_eq!(delivered(&mut ws).await, id);

    let outcomes = load.finish().await;
    let slowest = assert_nothing_hung(&outcomes);
    let during: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.started >= frozen && o.started < thawed && o.status != 200)
        .collect();
    assert!(!during.is_empty());
    for outcome in &during {
        assert_eq!(outcome.status, 503, "{outcome:?}");
        assert_eq!(
            outcome.code.as_deref(),
            Some("SERVICE_UNAVAILABLE"),
            "{outcome:?}"
        );
    }
    eprintln!(
        "frozen: /readyz 503 after {unready:?}; {} requests failed, slowest request {slowest:?}; \
         thawed: /readyz 200 after {ready:?}, queries answered after {recovered:?}",
        during.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_and_a_restarted_database_fail_requests_fast_and_subscriptions_catch_up() {
    let UnderLoad {
        cluster,
        app,
        editor,
        mut ws,
        load,
    } = UnderLoad::start("Before the stop").await;

    // Stopped under load.
    cluster.stop().await;
    let stopped = Instant::now();
    let unready = ready_becomes(&app, 503).await;
    assert!(
        unready <= Duration::from_secs(1),
        "/readyz took {unready:?} to say 503"
    );
    eventually(PATIENCE, "requests to fail while stopped", || async {
        (load.failed_since(stopped) >= 8).then_some(())
    })
    .await;

    // Started again: the first article is committed while this server's listener is
    // still reconnecting (its backoff is at least 100 ms); it must arrive all the same.
    cluster.start_again().await;
    let started = Instant::now();
    let first = ingest_when_possible(&app, &editor, &article("While reconnecting")).await;
    ready_becomes(&app, 200).await;
    eventually(PATIENCE, "queries to succeed after the start", || async {
        (load.ok_since(started) >= 8).then_some(())
    })
    .await;
    assert_eq!(delivered(&mut ws).await, first);

    // Restarted under load.
    cluster.restart().await;
    let restarted = Instant::now();
    let second = ingest_when_possible(&app, &editor, &article("After the restart")).await;
    eventually(PATIENCE, "queries to succeed after the restart", || async {
        (load.ok_since(restarted) >= 8).then_some(())
    })
    .await;
    let recovered = restarted.elapsed();
    assert_eq!(delivered(&mut ws).await, second);

    let outcomes = load.finish().await;
    let slowest = assert_nothing_hung(&outcomes);
    let failed = outcomes
        .iter()
        .filter(|o| o.status != 200 || o.code.is_some())
        .count();
    eprintln!(
        "stopped: /readyz 503 after {unready:?}; {failed} of {} requests failed, slowest \
         {slowest:?}; after the restart queries answered within {recovered:?}",
        outcomes.len()
    );
}

/// `n` distinct synthetic print views in a new directory.
fn print_views(n: u64) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "na-ingest-{}-{}",
        std::process::id(),
        crate::support::cluster::free_port()
    ));
    std::fs::create_dir_all(&dir).expect("input directory");
    for i in 0..n {
        let text = news_archive::synth::generate(11, i).text;
        std::fs::write(dir.join(format!("{i:04}.txt")), text).expect("input written");
    }
    dir
}

/// `archive ingest DIR` into `url`, its output discarded.
fn ingest_command(url: &str, dir: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_archive"));
    c.arg("ingest")
        .arg(dir)
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Row counts of every table an ingest writes.
async fn table_counts(db: &TestDb) -> Vec<(&'static str, i64)> {
    let mut counts = Vec::new();
    for table in [
        "articles",
        "raw_documents",
        "article_captures",
        "article_feed",
        "article_outlets",
        "article_authors",
        "people",
        "person_aliases",
        "person_titles",
        "organizations",
        "organization_aliases",
        "mentions",
        "quotes",
        "sections",
        "outlets",
    ] {
        counts.push((
            table,
            db.count(&format!("SELECT count(*) AS n FROM {table}"))
                .await,
        ));
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_archive_ingest_mid_batch_leaves_whole_articles_and_a_rerun_adds_the_rest_once() {
    const ARTICLES: u64 = 120;
    let cluster = Cluster::start().await;
    let killed = TestDb::on_cluster("killed", cluster.archive("killed").await);
    let clean = TestDb::on_cluster("clean", cluster.archive("clean").await);
    let dir = print_views(ARTICLES);
    struct Cleanup(std::path::PathBuf);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _cleanup = Cleanup(dir.clone());

    let mut child = ingest_command(&killed.url, &dir)
        .spawn()
        .expect("archive ingest");
    eventually(PATIENCE, "the ingest to store 10 articles", || async {
        (killed.count("SELECT count(*) AS n FROM articles").await >= 10).then_some(())
    })
    .await;
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    let stored = killed.count("SELECT count(*) AS n FROM articles").await;
    assert!(
        (10..ARTICLES as i64).contains(&stored),
        "{stored} articles: the ingest was not interrupted mid-batch"
    );
    // Whole articles: each has its raw capture and its feed entry (written last in its
    // transaction), and nothing extracted points at an article that is not there.
    assert_eq!(
        killed.count("SELECT count(*) AS n FROM article_feed").await,
        stored
    );
    assert_eq!(
        killed
            .count("SELECT count(DISTINCT article_id) AS n FROM article_captures")
            .await,
        stored
    );
    assert_eq!(
        killed
            .count("SELECT count(*) AS n FROM raw_documents")
            .await,
        stored
    );
    assert_eq!(
        killed
            .count("SELECT count(*) AS n FROM articles a WHERE NOT EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id)")
            .await,
        0,
        "every synthetic article has quotes"
    );

    // The rerun completes; with a clean run of the same files, every table agrees.
    let status = ingest_command(&killed.url, &dir).status().expect("rerun");
    assert!(status.success());
    let status = ingest_command(&clean.url, &dir)
        .status()
        .expect("clean run");
    assert!(status.success());
    let after = table_counts(&killed).await;
    assert_eq!(after[0], ("articles", ARTICLES as i64));
    assert_eq!(after, table_counts(&clean).await);
    assert_eq!(
        killed
            .count("SELECT count(DISTINCT content_hash) AS n FROM raw_documents")
            .await,
        ARTICLES as i64
    );
    eprintln!("killed after {stored} of {ARTICLES} articles; the rerun added the rest once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_in_flight_requests_and_closes_websockets_with_1001() {
    use diesel_async::SimpleAsyncConnection;
    use std::io::BufRead;
    let cluster = Cluster::start().await;
    let url = cluster.archive("archive").await;
    let db = TestDb::on_cluster("archive", url.clone());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_archive"))
        .arg("serve")
        .current_dir(std::env::temp_dir())
        .env("DATABASE_URL", &url)
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("DEMO_ARTICLES", "0")
        .env("STATEMENT_TIMEOUT_MS", "30000")
        .env("HTTP_WORKERS", "1")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("archive serve");
    struct Kill(u32);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = std::process::Command::new("kill")
                .args(["-9", &self.0.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }
    let _kill = Kill(child.id());
    // The address from the start-up line.
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines_tx.send(line);
        }
    });
    let addr: std::net::SocketAddr =
        eventually(PATIENCE, "the server to say where it listens", || {
            let found = lines_rx.try_iter().find_map(|line| {
                let rest = line.split("serving GraphQL at http://").nth(1)?;
                rest.split('/').next()?.parse().ok()
            });
            async move { found }
        })
        .await;

    let mut ws = Ws::connect(addr, None, json!({})).await.expect("connected");
    ws.subscribe("s", ARTICLE_ADDED, json!({})).await;
    // A request in flight: its statement waits for a lock this test holds.
    let mut lock = db.conn().await;
    lock.batch_execute("BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let client = reqwest::Client::new();
    let in_flight = tokio::spawn(
        client
            .post(format!("http://{addr}/graphql"))
            .json(&json!({ "query": "{ articles(first: 1) { totalCount } }" }))
            .timeout(PATIENCE)
            .send(),
    );
    eventually(PATIENCE, "the request to wait for the lock", || async {
        (db.count("SELECT count(*) AS n FROM pg_locks WHERE NOT granted")
            .await
            > 0)
        .then_some(())
    })
    .await;

    let term = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    // The websocket is closed with a code saying the server goes away.
    let reason = match ws.next().await {
        Err(reason) => reason,
        Ok(message) => panic!("expected the socket to close, got {message}"),
    };
    assert!(reason.starts_with("1001"), "{reason}");
    // No new connections while the last request finishes.
    eventually(
        PATIENCE,
        "the server to stop accepting connections",
        || async {
            tokio::net::TcpStream::connect(addr)
                .await
                .is_err()
                .then_some(())
        },
    )
    .await;
    lock.batch_execute("COMMIT").await.expect("unlock");
    let response = in_flight
        .await
        .expect("request task")
        .expect("the in-flight request is answered");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(
        body["data"],
        json!({ "articles": { "totalCount": 0 } }),
        "{body}"
    );
    let exited = eventually(PATIENCE, "the server to exit", || {
        let status = child.try_wait().expect("wait");
        async move { status }
    })
    .await;
    assert!(exited.success(), "{exited:?}");
}

/// A primary with the archive's database and `n` streaming replicas of it, and a server
/// reading on the replicas.
async fn replicated(n: usize) -> (Cluster, Vec<Cluster>, TestApp) {
    replicated_with_max_lag(n, news_archive::db::Timeouts::default().replica_max_lag).await
}

/// As [`replicated`], with replicas that get no reads once they lag more than `max_lag`.
async fn replicated_with_max_lag(n: usize, max_lag: Duration) -> (Cluster, Vec<Cluster>, TestApp) {
    let primary = Cluster::start().await;
    let url = primary.archive("archive").await;
    let mut replicas = Vec::with_capacity(n);
    for _ in 0..n {
        replicas.push(primary.replica().await);
    }
    for replica in &replicas {
        let db = TestDb::on_cluster("archive", replica.url("archive"));
        assert_eq!(
            db.count("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END::int8 AS n")
                .await,
            1
        );
    }
    let read_urls: Vec<String> = replicas.iter().map(|r| r.url("archive")).collect();
    let app = TestApp::spawn_on(TestDb::on_cluster("archive", url), move |c| {
        c.statement_timeout = STATEMENT_TIMEOUT;
        c.db_timeouts.pool_wait = news_archive::db::Timeouts::default().pool_wait;
        c.db_timeouts.connect = news_archive::db::Timeouts::default().connect;
        c.db_timeouts.replica_max_lag = max_lag;
        c.read_database_urls = read_urls;
    })
    .await;
    assert_eq!(
        app.db
            .count("SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END::int8 AS n")
            .await,
        0
    );
    (primary, replicas, app)
}

/// Scans of `articles` that `cluster` itself counted (each server keeps its own
/// statistics, standbys included).
async fn article_scans(cluster: &Cluster) -> i64 {
    TestDb::on_cluster("archive", cluster.url("archive"))
        .count(
            "SELECT (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::int8 AS n \
             FROM pg_stat_user_tables WHERE relname = 'articles'",
        )
        .await
}

/// A value of `/metrics` (first line starting with `prefix`).
async fn metric(app: &TestApp, prefix: &str) -> i64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
}

fn read_pool(replica: &Cluster) -> String {
    format!(
        "archive_db_read_statements_total{{pool=\"127.0.0.1:{} (database archive)\"}}",
        replica.port
    )
}

fn replica_up(replica: &Cluster) -> String {
    format!(
        "archive_db_replica_up{{pool=\"127.0.0.1:{} (database archive)\"}}",
        replica.port
    )
}

/// The article's total on every replica equals `n`.
async fn replicas_have(replicas: &[Cluster], n: i64) {
    for replica in replicas {
        let db = TestDb::on_cluster("archive", replica.url("archive"));
        eventually(PATIENCE, "the replica to replay the ingest", || async {
            (db.count("SELECT count(*) AS n FROM articles").await == n).then_some(())
        })
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_read_streaming_replicas_in_turn_and_mutation_payloads_read_the_primary() {
    let (primary, replicas, app) = replicated(2).await;
    let editor = app.db.key(Role::Editor).await;
    ingest_when_possible(&app, &editor, &article("Replicated")).await;
    replicas_have(&replicas, 1).await;
    let primary_reads = metric(&app, "archive_db_read_statements_total{pool=\"primary\"}").await;
    let mut before = Vec::new();
    for replica in &replicas {
        before.push((
            metric(&app, &read_pool(replica)).await,
            article_scans(replica).await,
        ));
    }

    for _ in 0..20 {
        let data = app
            .data("{ articles(first: 1) { totalCount } }", json!({}))
            .await;
        assert_eq!(data["articles"]["totalCount"], 1);
    }
    // Each replica ran its share: the server's per-pool counts, and the replica's own
    // statistics (a standby counts the scans it runs).
    for (replica, (statements, scans)) in replicas.iter().zip(&before) {
        let sent = metric(&app, &read_pool(replica)).await - statements;
        assert_eq!(sent, 10, "round robin over two replicas");
        eventually(
            PATIENCE,
            "the replica's statistics to count the scans",
            || async { (article_scans(replica).await - scans >= 10).then_some(()) },
        )
        .await;
    }
    assert_eq!(
        metric(&app, "archive_db_read_statements_total{pool=\"primary\"}").await,
        primary_reads,
        "no query read the primary"
    );

    // With replay paused, the replicas lag: the mutation's payload is fresh all the
    // same, and a subscription still sees the article.
    let mut ws = app.websocket(json!({})).await.expect("connected");
    ws.subscribe("s", ARTICLE_ADDED, json!({})).await;
    for replica in &replicas {
        TestDb::on_cluster("archive", replica.url("archive"))
            .count("SELECT count(pg_wal_replay_pause()) AS n")
            .await;
    }
    let (status, response) = app
        .gql_as(
            &editor,
            INGEST,
            json!({ "raw": article("Fresh from the primary") }),
        )
        .await;
    assert_eq!(status, 200, "{response}");
    let payload = &response["data"]["ingestArticle"]["article"];
    assert_eq!(payload["title"], "Fresh from the primary");
    let id = payload["id"].as_str().expect("an id").to_owned();
    let stale = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        stale["node"],
        Value::Null,
        "the replicas have not replayed it"
    );
    assert_eq!(delivered(&mut ws).await, id);
    for replica in &replicas {
        TestDb::on_cluster("archive", replica.url("archive"))
            .count("SELECT count(pg_wal_replay_resume()) AS n")
            .await;
    }
    replicas_have(&replicas, 2).await;
    drop(primary);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_goes_down_gets_no_reads_within_a_second_and_gets_them_back_when_up() {
    let (_primary, replicas, app) = replicated(2).await;
    let editor = app.db.key(Role::Editor).await;
    ingest_when_possible(&app, &editor, &article("Replicated")).await;
    replicas_have(&replicas, 1).await;
    let (down, up) = (&replicas[0], &replicas[1]);

    // Stopped.
    down.stop().await;
    let stopped = Instant::now();
    eventually(PATIENCE, "the stopped replica to be noticed", || async {
        (metric(&app, &replica_up(down)).await == 0).then_some(())
    })
    .await;
    let noticed = stopped.elapsed();
    assert!(
        noticed <= Duration::from_secs(1),
        "noticed after {noticed:?}"
    );
    let sent = metric(&app, &read_pool(up)).await;
    for _ in 0..10 {
        let data = app
            .data("{ articles(first: 1) { totalCount } }", json!({}))
            .await;
        assert_eq!(data["articles"]["totalCount"], 1);
    }
    assert_eq!(metric(&app, &read_pool(up)).await - sent, 10);

    // Back: it gets its turn again.
    down.start_again().await;
    eventually(PATIENCE, "the replica to be back", || async {
        (metric(&app, &replica_up(down)).await == 1).then_some(())
    })
    .await;
    let sent = metric(&app, &read_pool(down)).await;
    for _ in 0..10 {
        app.data("{ articles(first: 1) { totalCount } }", json!({}))
            .await;
    }
    assert_eq!(metric(&app, &read_pool(down)).await - sent, 5);

    // Frozen (no answer at all, rather than refused connections).
    up.freeze();
    let frozen = Instant::now();
    eventually(PATIENCE, "the frozen replica to be noticed", || async {
        (metric(&app, &replica_up(up)).await == 0).then_some(())
    })
    .await;
    let noticed_frozen = frozen.elapsed();
    assert!(
        noticed_frozen <= Duration::from_secs(1),
        "noticed after {noticed_frozen:?}"
    );
    for _ in 0..10 {
        let data = app
            .data("{ articles(first: 1) { totalCount } }", json!({}))
            .await;
        assert_eq!(data["articles"]["totalCount"], 1);
    }
    up.thaw();
    eprintln!(
        "a stopped replica was skipped after {noticed:?}, a frozen one after {noticed_frozen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_lags_gets_no_reads_until_it_catches_up() {
    let max_lag = Duration::from_secs(1);
    let (_primary, replicas, app) = replicated_with_max_lag(1, max_lag).await;
    let replica = &replicas[0];
    let editor = app.db.key(Role::Editor).await;
    ingest_when_possible(&app, &editor, &article("Replicated")).await;
    replicas_have(&replicas, 1).await;
    let total = || async {
        app.data("{ articles(first: 1) { totalCount } }", json!({}))
            .await["articles"]["totalCount"]
            .as_i64()
            .expect("a total")
    };
    let sent = metric(&app, &read_pool(replica)).await;
    assert_eq!(total().await, 1);
    assert_eq!(metric(&app, &read_pool(replica)).await - sent, 1);

    // Replay paused, then a write on the primary: the replica falls behind.
    TestDb::on_cluster("archive", replica.url("archive"))
        .count("SELECT count(pg_wal_replay_pause()) AS n")
        .await;
    let (status, response) = app
        .gql_as(
            &editor,
            INGEST,
            json!({ "raw": article("Written meanwhile") }),
        )
        .await;
    assert_eq!(status, 200, "{response}");
    let written = Instant::now();
    eventually(PATIENCE, "the lagging replica to be noticed", || async {
        (metric(&app, &replica_up(replica)).await == 0).then_some(())
    })
    .await;
    let noticed = written.elapsed();
    assert!(
        noticed >= max_lag && noticed <= max_lag + Duration::from_millis(1500),
        "noticed after {noticed:?}"
    );
    let lag_line = format!(
        "archive_db_replica_lag_seconds{{pool=\"127.0.0.1:{} (database archive)\"}} ",
        replica.port
    );
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let lag: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix(&lag_line))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {lag_line} in\n{text}"));
    assert!(lag > max_lag.as_secs_f64(), "{lag}");
    // Reads go to the primary meanwhile, and see the new article.
    let primary_sent = metric(&app, "archive_db_read_statements_total{pool=\"primary\"}").await;
    let sent = metric(&app, &read_pool(replica)).await;
    for _ in 0..5 {
        assert_eq!(total().await, 2);
    }
    assert_eq!(
        metric(&app, "archive_db_read_statements_total{pool=\"primary\"}").await - primary_sent,
        5
    );
    assert_eq!(metric(&app, &read_pool(replica)).await, sent);

    // Caught up: it gets reads again.
    TestDb::on_cluster("archive", replica.url("archive"))
        .count("SELECT count(pg_wal_replay_resume()) AS n")
        .await;
    eventually(PATIENCE, "the replica to catch up", || async {
        (metric(&app, &replica_up(replica)).await == 1).then_some(())
    })
    .await;
    let sent = metric(&app, &read_pool(replica)).await;
    for _ in 0..5 {
        assert_eq!(total().await, 2);
    }
    assert_eq!(metric(&app, &read_pool(replica)).await - sent, 5);
    eprintln!("a replica {max_lag:?} behind was skipped after {noticed:?} (lag {lag} s)");
}
