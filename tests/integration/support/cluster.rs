//! PostgreSQL clusters of a test's own, for fault tests and replicas: `initdb` into a
//! temporary directory, a free port, trust authentication, listening on 127.0.0.1 only
//! (and a socket in that directory). A test may stop, restart, freeze (SIGSTOP) and
//! thaw it; dropping the value (also while a test panics) stops it and deletes the
//! directory. The machine's main cluster is never touched.
//!
//! PostgreSQL refuses to run as root, so when the tests do, its programs run as the
//! `postgres` user (`runuser`). `PG_BIN` overrides where they are.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

/// The PostgreSQL programs.
fn bin(program: &str) -> PathBuf {
    let dir = std::env::var("PG_BIN")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/lib/postgresql/15/bin".into());
    Path::new(&dir).join(program)
}

/// Whether this process runs as root (PostgreSQL then runs as `postgres`).
fn root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A PostgreSQL program, as the `postgres` user when we are root.
fn command(program: &str) -> std::process::Command {
    if root() {
        let mut c = std::process::Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin(program));
        c
    } else {
        std::process::Command::new(bin(program))
    }
}

/// Runs a PostgreSQL program to completion off the async runtime; panics with its
/// output if it fails.
async fn run(mut c: std::process::Command, what: &str) {
    let output = tokio::task::spawn_blocking(move || c.stdin(Stdio::null()).output())
        .await
        .expect("command thread")
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A free TCP port on 127.0.0.1 (the kernel's choice; closed again at once).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Prefix of the clusters' directories (the test process's id follows it).
const PREFIX: &str = "na-cluster-";

/// One PostgreSQL cluster in a temporary directory.
pub struct Cluster {
    dir: PathBuf,
    /// Where it listens (127.0.0.1).
    pub port: u16,
}

/// Settings of every test cluster: small, fast, not durable (nothing here must survive
/// a machine crash), ready to be streamed from.
const SETTINGS: &str = "
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 60
wal_level = replica
max_wal_senders = 5
hot_standby = on
log_min_messages = warning
";

impl Cluster {
    /// A new, empty, running cluster.
    pub async fn start() -> Self {
        sweep_abandoned();
        let cluster = Self::directory();
        let mut initdb = command("initdb");
        initdb
            .arg("-D")
            .arg(cluster.data())
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-sync"]);
        run(initdb, "initdb").await;
        let conf = cluster.data().join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str(SETTINGS);
        std::fs::write(&conf, text).expect("postgresql.conf written");
        cluster.start_again().await;
        cluster
    }

    /// A hot standby of `self`, streaming from it (`pg_basebackup -R`), running on a
    /// port of its own.
    pub async fn replica(&self) -> Self {
        let replica = Self::directory();
        let mut backup = command("pg_basebackup");
        backup
            .args(["-h", "127.0.0.1", "-U", "postgres", "-p"])
            .arg(self.port.to_string())
            .arg("-D")
            .arg(replica.data())
            .args(["-R", "-X", "stream", "-c", "fast", "--no-sync"]);
        run(backup, "pg_basebackup").await;
        replica.start_again().await;
        replica
    }

    /// A directory owned by `postgres`, and a port.
    fn directory() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "{PREFIX}{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("cluster directory");
        if root() {
            let status = std::process::Command::new("chown")
                .arg("postgres:postgres")
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown of {}", dir.display());
        }
        Self {
            dir,
            port: free_port(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn pg_ctl(&self, action: &str) -> std::process::Command {
        let mut c = command("pg_ctl");
        c.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "-t", "60", "-m", "fast"])
            .arg("-o")
            .arg(format!(
                "-c port={} -c unix_socket_directories={}",
                self.port,
                self.dir.display()
            ))
            .arg(action);
        c
    }

    /// Starts it (again), on the same port; returns once it accepts connections.
    pub async fn start_again(&self) {
        run(self.pg_ctl("start"), "pg_ctl start").await;
    }

    /// A fast shutdown (sessions are disconnected); returns once it is down.
    pub async fn stop(&self) {
        run(self.pg_ctl("stop"), "pg_ctl stop").await;
    }

    /// Stop and start; returns once it accepts connections again.
    pub async fn restart(&self) {
        run(self.pg_ctl("restart"), "pg_ctl restart").await;
    }

    /// Freezes the postmaster and every backend (SIGSTOP): connections stay open and
    /// new ones are even accepted by the kernel, but nothing answers.
    pub fn freeze(&self) {
        let postmaster = self.postmaster().expect("a running cluster");
        signal("STOP", &[postmaster]);
        signal("STOP", &children(postmaster));
        assert!(
            std::fs::read_to_string(format!("/proc/{postmaster}/stat")).is_ok_and(|stat| stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with('T'))),
            "the postmaster is stopped"
        );
    }

    /// Undoes [`Cluster::freeze`].
    pub fn thaw(&self) {
        if let Some(postmaster) = self.postmaster() {
            signal("CONT", &children(postmaster));
            signal("CONT", &[postmaster]);
        }
    }

    /// The postmaster's process id, if it runs.
    fn postmaster(&self) -> Option<u32> {
        postmaster_of(&self.data())
    }

    /// `postgres://postgres@127.0.0.1:port/database`.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// A connection to `database`.
    pub async fn conn(&self, database: &str) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.url(database))
            .await
            .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.url(database)))
    }

    /// Creates `name` with the archive's migrations; returns its URL.
    pub async fn archive(&self, name: &str) -> String {
        self.conn("postgres")
            .await
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        let url = self.url(name);
        news_archive::db::run_migrations(&url)
            .await
            .expect("migrations");
        url
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // A frozen cluster cannot stop.
        self.thaw();
        let mut stop = command("pg_ctl");
        stop.arg("-D")
            .arg(self.data())
            .args(["-w", "-t", "30", "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let _ = stop.status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The postmaster of a data directory, from `postmaster.pid`, if it is alive.
fn postmaster_of(data: &Path) -> Option<u32> {
    let text = std::fs::read_to_string(data.join("postmaster.pid")).ok()?;
    let pid: u32 = text.lines().next()?.trim().parse().ok()?;
    Path::new(&format!("/proc/{pid}")).exists().then_some(pid)
}

/// The processes whose parent is `parent`.
fn children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                // pid (comm) state ppid ...: comm may hold spaces, so start after ')'.
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(parent)
            })
        })
        .collect()
}

/// Sends `kill -<name>` to each process; one that has exited meanwhile is skipped.
fn signal(name: &str, pids: &[u32]) {
    for pid in pids {
        let _ = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(pid.to_string())
            .stderr(Stdio::null())
            .status();
    }
}

/// Stops and deletes clusters left by test processes that died without dropping them
/// (killed, say).
fn sweep_abandoned() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else {
            continue;
        };
        let Some(owner) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        let data = entry.path().join("data");
        if let Some(postmaster) = postmaster_of(&data) {
            signal("CONT", &children(postmaster));
            signal("CONT", &[postmaster]);
            let _ = command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-w", "-m", "immediate", "stop"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(entry.path());
    }
}

/// Polls `check` every 20 ms until it gives `Some`, or panics after `limit` saying what
/// it waited for.
pub async fn eventually<T, F>(limit: Duration, what: &str, mut check: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < limit,
            "waited {limit:?} for {what}, in vain"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
