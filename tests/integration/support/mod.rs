//! Test support: a per-test database cloned from a migrated template, the real server
//! on port 0, and a `gql()` helper.

pub mod browser;
pub mod cluster;
pub mod fixtures;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use news_archive::config::Config;
use news_archive::db::{self, Db, quote_ident};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

pub mod writes;

/// The server every test's database lives on.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "postgres://127.0.0.1:5432/postgres".into())
}

/// `server_url()` pointed at another database.
pub fn url_for(database: &str) -> String {
    let mut url = url::Url::parse(&server_url()).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

fn migrations_fingerprint() -> String {
    use sha2::{Digest, Sha256};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut entries: Vec<_> = walk(&dir);
    entries.sort();
    let mut hasher = Sha256::new();
    for path in entries {
        hasher.update(path.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&path).expect("migration file readable"));
    }
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template database, built once per migration set (and reused by later
/// runs); an advisory lock keeps parallel test processes from building it twice.
pub async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("na_tpl_{}", migrations_fingerprint());
            let mut admin = AsyncPgConnection::establish(&server_url())
                .await
                .expect("the test PostgreSQL server answers (TEST_DATABASE_URL)");
            admin
                .batch_execute("SELECT pg_advisory_lock(7412002)")
                .await
                .expect("lock");
            if !database_exists(&mut admin, &name).await {
                let building = format!("{name}_building");
                admin
                    .batch_execute(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        quote_ident(&building)
                    ))
                    .await
                    .expect("drop stale template");
                admin
                    .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&building)))
                    .await
                    .expect("create template");
                db::run_migrations(&url_for(&building))
                    .await
                    .expect("migrate template");
                admin
                    .batch_execute(&format!(
                        "ALTER DATABASE {} RENAME TO {}",
                        quote_ident(&building),
                        quote_ident(&name)
                    ))
                    .await
                    .expect("publish template");
            }
            admin
                .batch_execute("SELECT pg_advisory_unlock(7412002)")
                .await
                .expect("unlock");
            name
        })
        .await
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let found: Found =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<diesel::sql_types::Text, _>(name)
            .get_result(conn)
            .await
            .expect("query pg_database");
    found.n > 0
}

/// A database of this test's own, dropped when the value is dropped.
pub struct TestDb {
    /// Its name.
    pub name: String,
    /// Its URL.
    pub url: String,
    /// Whether dropping the value drops the database on the test server (not for a
    /// database on a cluster of the test's own, which goes with its cluster).
    on_test_server: bool,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    /// A fresh copy of the template.
    pub async fn new() -> Self {
        let template = template().await;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "na_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = AsyncPgConnection::establish(&server_url())
            .await
            .expect("admin connection");
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quote_ident(&name),
                quote_ident(template)
            ))
            .await
            .expect("clone the template");
        Self {
            url: url_for(&name),
            name,
            on_test_server: true,
        }
    }

    /// A database on a cluster of the test's own ([`cluster::Cluster::archive`]).
    pub fn on_cluster(name: &str, url: String) -> Self {
        Self {
            name: name.to_owned(),
            url,
            on_test_server: false,
        }
    }

    /// A database name nobody has created (for start-up tests), dropped afterwards.
    pub fn unborn() -> Self {
        let name = format!(
            "na_unborn_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        Self {
            url: url_for(&name),
            name,
            on_test_server: true,
        }
    }

    /// A direct connection, for arranging and inspecting rows.
    pub async fn conn(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.url)
            .await
            .expect("test db connection")
    }

    /// Runs SQL directly.
    pub async fn execute(&self, sql: &str) {
        self.conn()
            .await
            .batch_execute(sql)
            .await
            .expect("test SQL runs");
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if !self.on_test_server {
            return;
        }
        let name = self.name.clone();
        // Drop is synchronous; libpq (diesel's sync connection) does it on a plain thread.
        let _ = std::thread::spawn(move || {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            if let Ok(mut conn) = diesel::PgConnection::establish(&server_url()) {
                let _ = conn.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&name)
                ));
            }
        })
        .join();
    }
}

/// The real server on a free port, over this test's database.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its database.
    pub db: TestDb,
    /// The pools the server uses (for statement counts).
    pub pools: Db,
    /// An HTTP client.
    pub client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
}

/// The configuration tests run with, over `database_url`.
pub fn test_config(database_url: &str) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults are valid");
    config.database_url = database_url.to_owned();
    config.bind_addr = "127.0.0.1:0".parse().expect("addr");
    config.http_workers = 1;
    config.pool_size = 4;
    config.demo_articles = 0;
    // Tests share one address (127.0.0.1) and many run at once: no budget unless a test
    // sets one (with a key prefix of its own).
    config.rate_limit_cost_per_minute = 0;
    // Many servers, test clusters and builds share two cores: a pool of 4 may be busy for
    // longer than the production default wait. The fault tests set their own bounds.
    config.db_timeouts.pool_wait = std::time::Duration::from_secs(20);
    config.db_timeouts.connect = std::time::Duration::from_secs(10);
    config
}

impl TestApp {
    /// Starts a server with the default test configuration.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts a server after `adjust` changed the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let db = TestDb::new().await;
        Self::spawn_on(db, adjust).await
    }

    /// Starts a server on an existing test database.
    pub async fn spawn_on(db: TestDb, adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = test_config(&db.url);
        adjust(&mut config);
        let pools = Db::from_config(&config).expect("pools");
        let server = news_archive::http::Server::bind(config, pools.clone()).expect("bind");
        let addr = server.addr();
        let handle = server.handle();
        tokio::spawn(server.run());
        Self {
            addr,
            db,
            pools,
            client: reqwest::Client::new(),
            handle,
        }
    }

    /// `http://addr/path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs a GraphQL operation and returns the whole JSON response.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.post_json(&json!({ "query": query, "variables": variables }))
            .await
            .1
    }

    /// POSTs a GraphQL operation and returns `data`, failing the test on any error.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.gql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// POSTs any JSON body; returns the status and the JSON answer.
    pub async fn post_json(&self, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(self.url("/graphql"))
            .json(body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON answer"))
    }

    /// SQL statements the server has sent so far.
    pub fn statements(&self) -> u64 {
        self.pools.stats.statements()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting; the database is dropped (with FORCE) right after.
        drop(self.handle.stop(false));
    }
}

/// The first error's `extensions.code`.
pub fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response:#}"))
}
