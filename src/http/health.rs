//! Liveness, readiness and Prometheus metrics.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::{HttpResponse, web};

use super::AppState;

/// Request counters.
#[derive(Debug, Default)]
pub struct HttpMetrics {
    /// GraphQL requests answered.
    pub graphql_requests: AtomicU64,
    /// GraphQL requests refused before execution (limits, content type, ...).
    pub graphql_refused: AtomicU64,
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
    let pool = state.db.write.status();
    let mut body = format!(
        "# HELP archive_graphql_requests_total GraphQL requests answered.\n\
         # TYPE archive_graphql_requests_total counter\n\
         archive_graphql_requests_total {}\n\
         # HELP archive_graphql_refused_total GraphQL requests refused before execution.\n\
         # TYPE archive_graphql_refused_total counter\n\
         archive_graphql_refused_total {}\n\
         # HELP archive_sql_statements_total SQL statements sent to PostgreSQL.\n\
         # TYPE archive_sql_statements_total counter\n\
         archive_sql_statements_total {}\n\
         # HELP archive_db_pool_connections Connections held by the primary pool.\n\
         # TYPE archive_db_pool_connections gauge\n\
         archive_db_pool_connections {}\n\
         # HELP archive_db_pool_available Idle connections in the primary pool.\n\
         # TYPE archive_db_pool_available gauge\n\
         archive_db_pool_available {}\n",
        state.metrics.graphql_requests.load(Ordering::Relaxed),
        state.metrics.graphql_refused.load(Ordering::Relaxed),
        state.db.stats.statements(),
        pool.size,
        pool.available,
    );
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
            "# HELP archive_db_replica_up Whether a read replica answered its last health check.\n\
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
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}

/// A Prometheus label value.
fn label(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
