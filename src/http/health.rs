//! Liveness, readiness and Prometheus metrics.

use std::sync::atomic::{AtomicU64, Ordering};

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

/// The database answers.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match crate::db::ping(&state.db.write).await {
        true => HttpResponse::Ok().content_type("text/plain").body("ready"),
        false => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unreachable"),
    }
}

/// Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.db.write.status();
    let body = format!(
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
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
