//! Subscriptions (and any other operation) over a websocket upgrade of `GET /graphql`:
//! the graphql-ws protocol (`graphql-transport-ws`) and the older `graphql-ws` of
//! subscriptions-transport-ws.
//!
//! Our own implementation rather than async-graphql's, because a socket lives for hours
//! and every operation on it must pass the checks of an HTTP request:
//! - authentication follows the rules of queries: a key in the upgrade request's
//!   `Authorization` header or in the `connection_init` payload; an unknown or revoked key
//!   is refused (HTTP 401 on the upgrade, or close code 4403 after `connection_init`);
//! - each operation is admitted like an HTTP request (nesting, limits, rights), and the
//!   key is checked again before it runs: an operation sent with a revoked key closes the
//!   socket with 4403;
//! - a revocation (`api_key_revoked` notification, from any server or the command line)
//!   closes every socket opened with that key at once, with 4403; a periodic check covers
//!   notifications missed while the listener reconnects;
//! - at most [`MAX_OPERATIONS`] operations run at once on one socket;
//! - when the server shuts down (SIGTERM), every socket is closed with 1001 (going away),
//!   so that clients reconnect to another server instead of waiting on a dead one.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::guard::GuardContext;
use actix_web::http::header::{HeaderValue, SEC_WEBSOCKET_PROTOCOL};
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{CloseCode, CloseReason, Session};
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response};
use futures_util::stream::{AbortHandle, Abortable, SelectAll};
use futures_util::{Stream, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use super::AppState;
use super::graphql::{
    admit, authenticate, caller, client_ip, rate_limit_message, spend, with_codes,
};
use super::metrics::{self, Outcome};
use crate::auth::{self, Principal};
use crate::db::notify;
use crate::db::request::RequestConn;
use crate::error::ErrorCode;
use crate::graphql::subscription::FeedMark;

/// Operations one socket may run at once.
pub const MAX_OPERATIONS: usize = 32;

/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a socket's key is checked again, in case a revocation notification was
/// missed (the listener reconnecting, say).
const RECHECK_EVERY: Duration = Duration::from_secs(30);

/// Whether a request asks for a websocket.
pub fn is_upgrade(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(actix_web::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The two sub-protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// `graphql-transport-ws` (the graphql-ws library).
    TransportWs,
    /// `graphql-ws` (subscriptions-transport-ws, legacy).
    LegacyWs,
}

impl Protocol {
    /// The first protocol the client offers that we speak; the current one by default.
    fn negotiate(req: &HttpRequest) -> Self {
        let offered = req
            .headers()
            .get(SEC_WEBSOCKET_PROTOCOL)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for name in offered.split(',').map(str::trim) {
            match name {
                "graphql-transport-ws" => return Self::TransportWs,
                "graphql-ws" => return Self::LegacyWs,
                _ => {}
            }
        }
        Self::TransportWs
    }

    fn name(self) -> &'static str {
        match self {
            Self::TransportWs => "graphql-transport-ws",
            Self::LegacyWs => "graphql-ws",
        }
    }

    /// The message type carrying a result.
    fn next(self) -> &'static str {
        match self {
            Self::TransportWs => "next",
            Self::LegacyWs => "data",
        }
    }
}

/// The value of an `Authorization` entry of a `connection_init` payload, if any.
fn payload_authorization(payload: &Value) -> Option<&str> {
    fn find(map: &serde_json::Map<String, Value>) -> Option<&str> {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .and_then(|(_, v)| v.as_str())
    }
    let object = payload.as_object()?;
    // Some clients nest it under `headers`.
    find(object).or_else(|| object.get("headers")?.as_object().and_then(find))
}

/// GET /graphql with `Upgrade: websocket`.
pub async fn upgrade(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    let from_header = match caller(&state, &req).await {
        Ok(p) => p,
        Err(refusal) => return Ok(refusal.response(&state)),
    };
    let protocol = Protocol::negotiate(&req);
    let (mut response, session, messages) = actix_ws::handle(&req, payload)?;
    response.headers_mut().insert(
        SEC_WEBSOCKET_PROTOCOL,
        HeaderValue::from_static(protocol.name()),
    );
    let limit = state.config.max_body_bytes;
    let messages = messages
        .max_frame_size(limit)
        .aggregate_continuations()
        .max_continuation_size(limit);
    let socket = Socket {
        revocations: state.feed.revocations(),
        shutdown: state.shutdown.subscribe(),
        state: state.into_inner(),
        protocol,
        session,
        principal: from_header,
        client: client_ip(&req),
        initialised: false,
        running: HashMap::new(),
        generation: 0,
        results: SelectAll::new(),
    };
    actix_web::rt::spawn(socket.run(messages));
    Ok(response)
}

/// A result of one operation, tagged with its id and generation; `None` when the
/// operation is done.
type Tagged = Pin<Box<dyn Stream<Item = (String, u64, Option<Response>)> + Send>>;

/// Why a socket is closed by the server.
struct Close(u16, String);

/// What an operation is recorded under in `/metrics`.
struct OpMetrics {
    label: String,
    subscription: bool,
    started: Instant,
}

/// A running operation.
struct Running {
    /// Tells a finished operation from a newer one that reuses its id.
    generation: u64,
    handle: AbortHandle,
    /// A subscription is counted as running until its entry is removed.
    _counted: Option<metrics::RunningSubscription>,
}

struct Socket {
    state: Arc<AppState>,
    protocol: Protocol,
    session: Session,
    principal: Option<Principal>,
    /// The peer's address: anonymous operations spend its budget.
    client: Option<std::net::IpAddr>,
    initialised: bool,
    /// Running operations by id.
    running: HashMap<String, Running>,
    generation: u64,
    results: SelectAll<Tagged>,
    revocations: broadcast::Receiver<i64>,
    /// Becomes true when the server begins a graceful shutdown.
    shutdown: watch::Receiver<bool>,
}

impl Socket {
    async fn run(mut self, mut messages: actix_ws::AggregatedMessageStream) {
        let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
        tokio::pin!(init_deadline);
        let mut recheck = tokio::time::interval(RECHECK_EVERY);
        recheck.tick().await;
        let mut shutdown = self.shutdown.clone();
        let close = loop {
            tokio::select! {
                message = messages.next() => {
                    let text = match message {
                        Some(Ok(actix_ws::AggregatedMessage::Text(text))) => text,
                        Some(Ok(actix_ws::AggregatedMessage::Ping(bytes))) => {
                            if self.session.pong(&bytes).await.is_err() {
                                break None;
                            }
                            continue;
                        }
                        Some(Ok(actix_ws::AggregatedMessage::Close(_))) | None => break None,
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => {
                            break Some(Close(4400, format!("BAD_REQUEST: {e}")));
                        }
                    };
                    match self.on_message(&text).await {
                        Ok(true) => {}
                        Ok(false) => break None,
                        Err(close) => break Some(close),
                    }
                }
                Some((id, generation, response)) = self.results.next(), if !self.results.is_empty() => {
                    if self.send_result(&id, generation, response).await.is_err() {
                        break None;
                    }
                }
                revoked = self.revocations.recv(), if self.principal.is_some() => {
                    match revoked {
                        Ok(key) if self.principal.as_ref().is_some_and(|p| p.key_id == key) => {
                            break Some(revoked_close());
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            if let Err(close) = self.check_key().await {
                                break Some(close);
                            }
                        }
                        _ => {}
                    }
                }
                _ = recheck.tick(), if self.principal.is_some() => {
                    if let Err(close) = self.check_key().await {
                        break Some(close);
                    }
                }
                _ = shutdown.wait_for(|stopping| *stopping) => {
                    break Some(Close(1001, "Server shutting down".into()));
                }
                () = &mut init_deadline, if !self.initialised => {
                    break Some(Close(4408, "Connection initialisation timeout".into()));
                }
            }
        };
        for (_, running) in self.running.drain() {
            running.handle.abort();
        }
        let reason = close.map(|Close(code, description)| CloseReason {
            code: CloseCode::Other(code),
            description: Some(description),
        });
        let _ = self.session.close(reason).await;
    }

    /// Handles one client message; `Ok(false)` ends the connection quietly.
    async fn on_message(&mut self, text: &str) -> Result<bool, Close> {
        let message: Value = serde_json::from_str(text)
            .map_err(|_| Close(4400, "BAD_REQUEST: messages are JSON objects".into()))?;
        let kind = message["type"].as_str().unwrap_or_default();
        match (self.protocol, kind) {
            (_, "connection_init") => {
                if self.initialised {
                    return Err(Close(4429, "Too many initialisation requests".into()));
                }
                self.init(message.get("payload").unwrap_or(&Value::Null))
                    .await?;
            }
            (Protocol::TransportWs, "ping") => {
                self.send(json!({ "type": "pong" })).await?;
            }
            (Protocol::TransportWs, "pong") => {}
            (Protocol::TransportWs, "subscribe") | (Protocol::LegacyWs, "start") => {
                if !self.initialised {
                    return Err(Close(4401, "Unauthorized".into()));
                }
                let id = message["id"]
                    .as_str()
                    .filter(|id| !id.is_empty())
                    .ok_or_else(|| Close(4400, "BAD_REQUEST: an operation needs an id".into()))?
                    .to_owned();
                self.start(id, message.get("payload").cloned().unwrap_or_default())
                    .await?;
            }
            (Protocol::TransportWs, "complete") | (Protocol::LegacyWs, "stop") => {
                if let Some(running) = message["id"]
                    .as_str()
                    .and_then(|id| self.running.remove(id))
                {
                    running.handle.abort();
                }
            }
            (Protocol::LegacyWs, "connection_terminate") => return Ok(false),
            _ => {
                return Err(Close(
                    4400,
                    format!("BAD_REQUEST: unexpected message type {kind:?}"),
                ));
            }
        }
        Ok(true)
    }

    async fn init(&mut self, payload: &Value) -> Result<(), Close> {
        if let Some(value) = payload_authorization(payload) {
            let principal = authenticate(&self.state, value)
                .await
                .map_err(|refusal| Close(4403, refusal.reason()))?;
            self.principal = Some(principal);
        }
        if self.principal.is_none() && !self.state.config.anonymous_reads {
            return Err(Close(
                4403,
                "UNAUTHENTICATED: a valid API key is required".into(),
            ));
        }
        // Acknowledge only once this server hears new articles, so that nothing added
        // after the acknowledgement is missed.
        if !self.state.feed.wait_ready(Duration::from_secs(5)).await {
            tracing::warn!("acknowledging a subscriber before the article feed is listening");
        }
        self.initialised = true;
        self.send(json!({ "type": "connection_ack" })).await?;
        if self.protocol == Protocol::LegacyWs {
            self.send(json!({ "type": "ka" })).await?;
        }
        Ok(())
    }

    /// Closes the socket if its key was revoked.
    async fn check_key(&self) -> Result<(), Close> {
        let Some(principal) = &self.principal else {
            return Ok(());
        };
        let db = &self.state.db;
        match db.bounded(auth::is_live(db, principal)).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(revoked_close()),
            Err(e) => {
                // The database is unreachable: keep the socket, operations fail on their own.
                tracing::warn!(code = e.code.as_str(), "could not check a websocket's key");
                Ok(())
            }
        }
    }

    async fn start(&mut self, id: String, payload: Value) -> Result<(), Close> {
        if self.running.contains_key(&id) {
            return Err(Close(4409, format!("Subscriber for {id} already exists")));
        }
        let started = Instant::now();
        // Until the document is admitted, neither its kind nor its name is known: a
        // refusal counts as a request of an anonymous operation.
        let mut op = OpMetrics {
            label: metrics::ANONYMOUS.to_owned(),
            subscription: false,
            started,
        };
        let mut request: Request = match serde_json::from_value(payload) {
            Ok(r) => r,
            Err(e) => {
                return self
                    .refuse(
                        &id,
                        &op,
                        ErrorCode::BadRequest,
                        format!("not a GraphQL request: {e}"),
                    )
                    .await;
            }
        };
        op.label = metrics::operation_label(request.operation_name.as_deref());
        if self.running.len() >= MAX_OPERATIONS {
            return self
                .refuse(
                    &id,
                    &op,
                    ErrorCode::QueryTooComplex,
                    format!("at most {MAX_OPERATIONS} operations may run on one connection"),
                )
                .await;
        }
        // The key may have been revoked since the socket opened.
        self.check_key().await?;
        if let Err(refusal) = super::persisted::resolve(&self.state, &mut request).await {
            let (code, message) = refusal.into_parts();
            return self.refuse(&id, &op, code, message).await;
        }
        let admitted = admit(&self.state, &mut request, self.principal.as_ref(), false);
        // `admit` named the operation if the document did.
        op.label = metrics::operation_label(request.operation_name.as_deref());
        let admitted = match admitted {
            Ok(admitted) => admitted,
            Err(refusal) => {
                op.subscription = refusal.kind() == Some(OperationType::Subscription);
                let (code, message) = refusal.into_parts();
                return self.refuse(&id, &op, code, message).await;
            }
        };
        let kind = admitted.kind;
        op.subscription = kind == Some(OperationType::Subscription);
        // Each operation spends its cost once, when it starts, from the same budget as
        // HTTP requests (a subscription's later events are not charged).
        let cost = admitted.cost.map_or(1, |c| c.complexity as u64);
        if let Some(verdict) = spend(&self.state, self.principal.as_ref(), self.client, cost)
            .await
            .filter(|v| !v.allowed)
        {
            return self
                .refuse(
                    &id,
                    &op,
                    ErrorCode::RateLimited,
                    rate_limit_message(&verdict),
                )
                .await;
        }
        let db = &self.state.db;
        let conn = if kind == Some(OperationType::Mutation) {
            RequestConn::per_use_on_primary(db)
        } else {
            RequestConn::per_use(db)
        };
        request = request.data(Arc::new(conn));
        if op.subscription {
            // Where the subscription starts, before the next message is read: a client
            // that sends `ping` after `subscribe` knows, at `pong`, that every article
            // committed from then on will reach it.
            let mark = db
                .bounded(async {
                    let mut conn = db.write.get().await?;
                    Ok(notify::position(&mut conn).await?)
                })
                .await;
            match mark {
                Ok(mark) => request = request.data(FeedMark(mark)),
                Err(e) => {
                    return self.refuse(&id, &op, e.code, e.message).await;
                }
            }
        }
        if let Some(principal) = &self.principal {
            request = request.data(principal.clone());
        }
        let (handle, registration) = AbortHandle::new_pair();
        let graphql_metrics = &self.state.metrics.graphql;
        let (stream, counted): (Pin<Box<dyn Stream<Item = Response> + Send>>, _) =
            if op.subscription {
                graphql_metrics.subscription(&op.label, Outcome::Ok);
                (
                    Box::pin(self.state.schema.execute_stream(request)),
                    Some(graphql_metrics.subscription_running()),
                )
            } else {
                // One answer, within the database deadline, as over HTTP, and recorded
                // as an HTTP request is.
                let schema = self.state.schema.clone();
                let deadline = db.deadline();
                let recorder = graphql_metrics.clone();
                let answer = async move {
                    let (response, statements) = crate::db::count_statements(tokio::time::timeout(
                        deadline,
                        schema.execute(request),
                    ))
                    .await;
                    let response = with_codes(response.unwrap_or_else(|_| {
                        Response::from_errors(vec![
                            async_graphql::Error::from(crate::error::AppError::unavailable())
                                .into_server_error(async_graphql::Pos::default()),
                        ])
                    }));
                    recorder.observe(
                        &op.label,
                        Outcome::of_responses([&response]),
                        op.started.elapsed(),
                        statements,
                    );
                    response
                };
                (Box::pin(futures_util::stream::once(answer)), None)
            };
        let stream = Abortable::new(stream, registration);
        self.generation += 1;
        let generation = self.generation;
        let tag = id.clone();
        let done = id.clone();
        let tagged = stream
            .map(move |response| (tag.clone(), generation, Some(response)))
            .chain(futures_util::stream::once(async move {
                (done, generation, None)
            }));
        self.results.push(Box::pin(tagged));
        self.running.insert(
            id,
            Running {
                generation,
                handle,
                _counted: counted,
            },
        );
        Ok(())
    }

    /// Refuses one operation without closing the socket, and records the refusal.
    async fn refuse(
        &mut self,
        id: &str,
        op: &OpMetrics,
        code: ErrorCode,
        message: String,
    ) -> Result<(), Close> {
        let graphql_metrics = &self.state.metrics.graphql;
        if op.subscription {
            graphql_metrics.subscription(&op.label, Outcome::of(code));
        } else {
            graphql_metrics.observe(&op.label, Outcome::of(code), op.started.elapsed(), 0);
        }
        let error = json!({ "message": message, "extensions": { "code": code.as_str() } });
        let payload = match self.protocol {
            Protocol::TransportWs => json!([error]),
            Protocol::LegacyWs => error,
        };
        self.send(json!({ "type": "error", "id": id, "payload": payload }))
            .await
    }

    async fn send_result(
        &mut self,
        id: &str,
        generation: u64,
        response: Option<Response>,
    ) -> Result<(), Close> {
        if self
            .running
            .get(id)
            .is_none_or(|r| r.generation != generation)
        {
            // Stopped by the client (and perhaps its id reused): nothing more to say.
            return Ok(());
        }
        match response {
            Some(response) => {
                let payload = serde_json::to_value(with_codes(response))
                    .map_err(|_| Close(4500, "INTERNAL: a result could not be encoded".into()))?;
                self.send(json!({ "type": self.protocol.next(), "id": id, "payload": payload }))
                    .await
            }
            None => {
                // Finished on its own: a query, or a stream that ended.
                self.running.remove(id);
                self.send(json!({ "type": "complete", "id": id })).await
            }
        }
    }

    async fn send(&mut self, message: Value) -> Result<(), Close> {
        self.session
            .text(message.to_string())
            .await
            .map_err(|_| Close(1000, "closed".into()))
    }
}

fn revoked_close() -> Close {
    Close(4403, "UNAUTHENTICATED: the API key was revoked".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_found_at_the_top_or_under_headers() {
        assert_eq!(
            payload_authorization(&json!({ "Authorization": "Bearer a" })),
            Some("Bearer a")
        );
        assert_eq!(
            payload_authorization(&json!({ "headers": { "authorization": "Bearer b" } })),
            Some("Bearer b")
        );
        assert_eq!(payload_authorization(&json!({})), None);
        assert_eq!(payload_authorization(&json!(null)), None);
    }
}
