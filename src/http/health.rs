//! Liveness, readiness and Prometheus metrics.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::{HttpResponse, web};

use super::AppState;

/// Request metrics.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    /// GraphQL requests refused before execution (limits, content type, ...), over HTTP
    /// and websockets.
    pub graphql_refused: AtomicU64,
    /// GraphQL operations (HTTP requests, websocket operations) by name and outcome.
    pub graphql: std::sync::Arc<super::metrics::GraphqlMetrics>,
}

/// The process is up.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// How long `/readyz` waits for the primary: a load balancer must learn quickly that
/// a frozen or unreachable database makes this server useless.
const READY_TIMEOUT: Duration = Duration::from_millis(500);

/// The primary answers (within [`READY_TIMEOUT`]). Read replicas are not required:
/// without them queries read the primary.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match crate::db::ping(&state.db.write, READY_TIMEOUT).await {
        true => HttpResponse::Ok().content_type("text/plain").body("ready"),
        false => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unreachable"),
    }
}

/// Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let mut body = String::with_capacity(16 * 1024);
    state.metrics.graphql.write(&mut body);
    let _ = write!(
        body,
        "# HELP archive_graphql_refused_total GraphQL requests refused before execution.\n\
         # TYPE archive_graphql_refused_total counter\n\
         archive_graphql_refused_total {}\n\
         # HELP archive_sql_statements_total SQL statements sent to PostgreSQL.\n\
         # TYPE archive_sql_statements_total counter\n\
         archive_sql_statements_total {}\n",
        state.metrics.graphql_refused.load(Ordering::Relaxed),
        state.db.stats.statements(),
    );
    pool_gauges(&mut body, &state.db);
    // Where queries went: the primary's read pool and each replica's.
    let reads = &state.db.read;
    body.push_str(
        "# HELP archive_db_read_statements_total SQL statements sent on a read pool.\n\
         # TYPE archive_db_read_statements_total counter\n",
    );
    let _ = writeln!(
        body,
        "archive_db_read_statements_total{{pool=\"primary\"}} {}",
        reads.primary().statements()
    );
    for (replica, _) in reads.replicas() {
        let _ = writeln!(
            body,
            "archive_db_read_statements_total{{pool=\"{}\"}} {}",
            label(&replica.label),
            replica.pool().statements()
        );
    }
    let mut replicas = reads.replicas().peekable();
    if replicas.peek().is_some() {
        body.push_str(
            "# HELP archive_db_replica_up Whether a read replica gets reads: it answered its last health check and lags at most READ_REPLICA_MAX_LAG_MS.\n\
             # TYPE archive_db_replica_up gauge\n",
        );
        for (replica, up) in replicas {
            let _ = writeln!(
                body,
                "archive_db_replica_up{{pool=\"{}\"}} {}",
                label(&replica.label),
                u8::from(up)
            );
        }
        body.push_str(
            "# HELP archive_db_replica_lag_seconds How far behind the primary a read replica replayed at its last check.\n\
             # TYPE archive_db_replica_lag_seconds gauge\n",
        );
        for (replica, _) in reads.replicas() {
            let _ = writeln!(
                body,
                "archive_db_replica_lag_seconds{{pool=\"{}\"}} {}",
                label(&replica.label),
                replica.lag().as_secs_f64()
            );
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}

/// A pool gauge: its name, its help and how to read it from a pool's status.
type Gauge = (&'static str, &'static str, fn(&deadpool::Status) -> usize);

/// Size, open, idle and waiting of every pool: the primary's write and read pools
/// (`pool="primary"`, `access="write"` / `"read"`) and each replica's read pool.
fn pool_gauges(body: &mut String, db: &crate::db::Db) {
    let mut pools = vec![("primary".to_owned(), "write", db.write.status())];
    pools.push((
        "primary".to_owned(),
        "read",
        db.read.primary().pool.status(),
    ));
    for (replica, _) in db.read.replicas() {
        pools.push((label(&replica.label), "read", replica.pool().pool.status()));
    }
    let gauges: [Gauge; 4] = [
        (
            "archive_db_pool_max_size",
            "Connections a pool may open (DATABASE_POOL_SIZE).",
            |s| s.max_size,
        ),
        (
            "archive_db_pool_connections",
            "Connections a pool holds open.",
            |s| s.size,
        ),
        (
            "archive_db_pool_available",
            "Idle connections in a pool.",
            |s| s.available,
        ),
        (
            "archive_db_pool_waiting",
            "Requests waiting for a connection of a pool.",
            |s| s.waiting,
        ),
    ];
    for (name, help, value) in gauges {
        let _ = writeln!(body, "# HELP {name} {help}\n# TYPE {name} gauge");
        for (pool, access, status) in &pools {
            let _ = writeln!(
                body,
                "{name}{{pool=\"{pool}\",access=\"{access}\"}} {}",
                value(status)
            );
        }
    }
}

/// A Prometheus label value.
fn label(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
