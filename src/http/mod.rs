//! actix-web only: routes, the GraphQL handler, health and metrics. The schema is built
//! once and shared with every worker.

mod cache;
mod export;
mod graphql;
mod health;
mod metrics;
mod persisted;
mod request_id;
mod subscriptions;
mod ui;

pub use subscriptions::MAX_OPERATIONS as MAX_WS_OPERATIONS;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::{App, HttpServer, web};
use anyhow::Context as _;

use crate::config::Config;
use crate::db::Db;
use crate::db::notify::ArticleFeed;
use crate::graphql::{ArchiveSchema, build_schema};

/// What every handler can reach.
pub struct AppState {
    /// The GraphQL schema (built once).
    pub schema: ArchiveSchema,
    /// Database pools.
    pub db: Db,
    /// The configuration.
    pub config: Arc<Config>,
    /// GraphQL requests by operation and outcome (for `/metrics`).
    pub metrics: health::HttpMetrics,
    /// Permits for HTTP exports running at once (`EXPORT_MAX_CONCURRENT`).
    pub exports: Arc<tokio::sync::Semaphore>,
    /// Parsed GraphQL documents by query text.
    pub documents: crate::graphql::limits::DocumentCache,
    /// New articles, for subscriptions.
    pub feed: ArticleFeed,
    /// Set when a graceful shutdown begins: websockets close with 1001.
    pub shutdown: tokio::sync::watch::Sender<bool>,
    /// Query cost budgets per key and per anonymous address.
    pub rate_limiter: crate::ratelimit::RateLimiter,
}

/// A bound, not yet running, HTTP server.
pub struct Server {
    addr: SocketAddr,
    server: actix_web::dev::Server,
    feed: ArticleFeed,
    database_url: String,
    state: web::Data<AppState>,
}

impl Server {
    /// Binds `config.bind_addr` (port 0 picks a free port) and prepares the app.
    pub fn bind(config: Config, db: Db) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.bind_addr)
            .with_context(|| format!("cannot listen on {} (BIND_ADDR)", config.bind_addr))?;
        let addr = listener.local_addr()?;
        let workers = if config.http_workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            config.http_workers
        };
        let feed = ArticleFeed::new();
        let database_url = config.database_url.clone();
        let rate_limiter = crate::ratelimit::RateLimiter::new(
            config.rate_limit_cost_per_minute,
            &config.redis_url,
            &config.rate_limit_key_prefix,
        );
        let exports = Arc::new(tokio::sync::Semaphore::new(config.export_max_concurrent));
        let state = web::Data::new(AppState {
            schema: build_schema(&config, db.clone(), feed.clone()),
            db,
            config: Arc::new(config),
            metrics: health::HttpMetrics::default(),
            exports,
            documents: crate::graphql::limits::DocumentCache::new(1024),
            feed: feed.clone(),
            shutdown: tokio::sync::watch::Sender::new(false),
            rate_limiter,
        });
        let app_state = state.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .wrap(tracing_actix_web::TracingLogger::<
                    request_id::ArchiveRootSpan,
                >::new())
                // Outside the logger: the id exists before the request's span.
                .wrap(actix_web::middleware::from_fn(request_id::assign))
                .configure(routes)
        })
        .workers(workers)
        // In-flight requests get this long to finish on SIGTERM / Ctrl-C. The signals
        // are ours (see `Server::run`): websockets must be told before actix waits.
        .shutdown_timeout(30)
        .disable_signals()
        .listen(listener)?
        .run();
        Ok(Self {
            addr,
            server,
            feed,
            database_url,
            state,
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped. On SIGTERM or Ctrl-C: stop accepting connections, close
    /// every websocket with 1001 (going away), let in-flight requests finish (at most 30
    /// seconds), then return. The process's one `LISTEN` connection for subscriptions
    /// lives exactly as long.
    pub async fn run(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let state = self.state;
        let signals = tokio::spawn(async move {
            if shutdown_signal().await {
                tracing::info!("shutting down: finishing in-flight requests");
                state.shutdown.send_replace(true);
                handle.stop(true).await;
            }
        });
        let listener = self.feed.listen(self.database_url);
        let result = tokio::select! {
            result = self.server => result,
            () = listener => Ok(()),
        };
        signals.abort();
        result
    }
}

/// Waits for SIGTERM or SIGINT; false if no signal can be received.
async fn shutdown_signal() -> bool {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::warn!("cannot receive shutdown signals");
        return false;
    };
    tokio::select! {
        _ = term.recv() => true,
        _ = int.recv() => true,
    }
}

/// All routes, also used by tests that build the app in-process.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(ui::page))
        .service(
            web::resource("/assets/{name}")
                .wrap(actix_web::middleware::Compress::default())
                .route(web::get().to(ui::asset)),
        )
        .route("/graphql", web::post().to(graphql::post))
        .route(
            "/graphql",
            web::get()
                .guard(actix_web::guard::fn_guard(subscriptions::is_upgrade))
                .to(subscriptions::upgrade),
        )
        .route("/graphql", web::get().to(graphql::get))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/metrics", web::get().to(health::metrics))
        .route("/export/{file}", web::get().to(export::export));
}
