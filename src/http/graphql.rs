//! Our own GraphQL endpoint in front of async-graphql: JSON bodies only, a body size
//! limit, queries only over GET, a batch length limit, and alias / field / directive
//! limits checked on the text before execution. Every refusal is a GraphQL error with a
//! stable `extensions.code`.
//!
//! The API key is checked first, before the body is read: a key that is unknown or
//! revoked is refused for any request; a mutation needs an editor key (admin-only
//! fields check further); a query needs a key only when anonymous reads are off.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use super::metrics::{self, Outcome};
use crate::auth::{self, Principal, Role};
use crate::db::request::RequestConn;
use crate::error::{AppError, ErrorCode};
use crate::graphql::limits::{self, TextLimits};
use crate::ratelimit;

/// A request refused before execution; its HTTP status is its code's
/// ([`ErrorCode::http_status`]), so one refusal answers alike on every route.
pub(super) struct Refusal {
    code: ErrorCode,
    message: String,
    /// The kind of the refused operation, when it was known by then.
    kind: Option<OperationType>,
}

impl Refusal {
    pub(super) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            kind: None,
        }
    }

    /// The kind of the refused operation, when it was known by then.
    pub(super) fn kind(&self) -> Option<OperationType> {
        self.kind
    }

    /// The code and the message.
    pub(super) fn into_parts(self) -> (ErrorCode, String) {
        (self.code, self.message)
    }

    /// `CODE: message`, for a websocket close reason.
    pub(super) fn reason(&self) -> String {
        format!("{}: {}", self.code.as_str(), self.message)
    }

    pub(super) fn response(self, state: &AppState) -> HttpResponse {
        state
            .metrics
            .graphql_refused
            .fetch_add(1, Ordering::Relaxed);
        refusal_response(self.code, &self.message)
    }

    /// The refusal's answer, with its outcome for the metrics.
    fn answer(self, state: &AppState) -> Answer {
        let outcome = Outcome::of(self.code);
        Answer {
            response: self.response(state),
            outcome,
        }
    }
}

/// What a GraphQL request over HTTP came to.
struct Answer {
    response: HttpResponse,
    /// For the metrics: from the codes of the errors it carries.
    outcome: Outcome,
}

/// The operation label of a request, for the metrics and the request's log span: set
/// (and recorded on the span) as soon as the handler knows it.
#[derive(Default)]
struct Operation(Option<String>);

impl Operation {
    fn name(&mut self, label: String) {
        super::request_id::record_operation(&label);
        self.0 = Some(label);
    }
}

/// Runs a GraphQL request and records it: its operation, outcome, latency and the
/// statements it sent.
async fn observed(
    state: &AppState,
    run: impl AsyncFnOnce(&mut Operation) -> Answer,
) -> HttpResponse {
    let started = Instant::now();
    let mut operation = Operation::default();
    let (answer, statements) = crate::db::count_statements(run(&mut operation)).await;
    state.metrics.graphql.observe(
        operation.0.as_deref().unwrap_or(metrics::ANONYMOUS),
        answer.outcome,
        started.elapsed(),
        statements,
    );
    answer.response
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Self::new(e.code, e.message)
    }
}

/// The body and status of a refusal, for every route (GraphQL, exports).
pub(super) fn refusal_response(code: ErrorCode, message: &str) -> HttpResponse {
    let status =
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    }))
}

/// The caller named by the `Authorization` header: `None` without the header; refused
/// with UNAUTHENTICATED when it names no live key.
pub(super) async fn caller(
    state: &AppState,
    req: &HttpRequest,
) -> Result<Option<Principal>, Refusal> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    authenticate(state, value.to_str().unwrap_or(""))
        .await
        .map(Some)
}

/// The caller behind an `Authorization` value (within the database deadline).
pub(super) async fn authenticate(state: &AppState, value: &str) -> Result<Principal, Refusal> {
    let db = &state.db;
    db.bounded(auth::authenticate(db, value))
        .await
        .map_err(Refusal::from)
}

/// Refused because the database did not answer within the deadline.
fn unavailable() -> Refusal {
    crate::error::AppError::unavailable().into()
}

/// Seconds a client refused for load is told to wait.
const SHED_RETRY_AFTER_SECONDS: u32 = 1;

/// Refused at once when a new request would wait for a database connection longer than
/// `DATABASE_POOL_SHED_MS`: requests wait and recently waited longer than that on
/// average, or more requests wait than the pools hand connections out to in that time
/// (at the rate of the last quarter second; only with a pool's worth waiting). Such a
/// request would only wait in the queue, likely until its wait timed out. It gets a fast
/// 503 `SERVER_BUSY` with `Retry-After` instead. (A bare count of waiting requests would
/// be a poorer signal: how long a queue takes to drain depends on what is in it.) The
/// prediction catches a sudden crowd before the average, which moves only as waits end,
/// has risen.
fn shed(state: &AppState) -> Option<Answer> {
    // Atomic loads only: the pools' own counts take their locks.
    let stats = &state.db.stats;
    let bound = state.config.pool_shed_wait;
    let delay = stats.queue_delay();
    let predicted = stats
        .predicted_wait(state.config.pool_size)
        .filter(|p| *p > bound);
    let waiting = stats.waiting();
    if (delay <= bound || waiting == 0) && predicted.is_none() {
        return None;
    }
    let mut answer = Refusal::new(
        ErrorCode::ServerBusy,
        format!(
            "the server is saturated: {waiting} requests wait for a database connection, more than it serves in {} ms; retry in {SHED_RETRY_AFTER_SECONDS} s",
            bound.as_millis()
        ),
    )
    .answer(state);
    answer.response.headers_mut().insert(
        RETRY_AFTER,
        actix_web::http::header::HeaderValue::from(SHED_RETRY_AFTER_SECONDS),
    );
    Some(answer)
}

/// The first steps of every GraphQL request over HTTP: shed it if the server is
/// saturated, then identify its caller.
async fn admitted_caller(state: &AppState, req: &HttpRequest) -> Result<Option<Principal>, Answer> {
    if let Some(busy) = shed(state) {
        return Err(busy);
    }
    caller(state, req)
        .await
        .map_err(|refusal| refusal.answer(state))
}

/// POST /graphql: one operation or a batch, as `application/json`.
pub async fn post(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let response = observed(&state, async |operation: &mut Operation| {
        let principal = match admitted_caller(&state, &req).await {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        match read_post(&state, &req, payload).await {
            Ok(batch) => execute(&state, batch, false, principal, client_ip(&req), operation).await,
            Err(refusal) => refusal.answer(&state),
        }
    })
    .await;
    super::cache::no_store(response, false)
}

async fn read_post(
    state: &AppState,
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<BatchRequest, Refusal> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Only JSON: text/plain, urlencoded and multipart bodies are what browsers send
    // cross-origin without a preflight, so accepting them would open the API to CSRF.
    if essence != "application/json" && essence != "application/graphql-response+json" {
        return Err(Refusal::new(
            ErrorCode::UnsupportedMediaType,
            format!("send the request as application/json, not {content_type:?}"),
        ));
    }
    let limit = state.config.max_body_bytes;
    if let Some(length) = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && length > limit
    {
        return Err(too_large(limit));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            Refusal::new(ErrorCode::BadRequest, "the request body could not be read")
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice::<BatchRequest>(&body).map_err(|e| {
        Refusal::new(
            ErrorCode::BadRequest,
            format!("the body is not a GraphQL request: {e}"),
        )
    })
}

fn too_large(limit: usize) -> Refusal {
    Refusal::new(
        ErrorCode::PayloadTooLarge,
        format!("the request body is larger than {limit} bytes"),
    )
}

/// GET /graphql?query=...&variables=...&operationName=...: queries only.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// GET /graphql: a query in the URL. Mutations are refused (GET must be safe to repeat
/// and to prefetch).
pub async fn get(
    state: web::Data<AppState>,
    req: HttpRequest,
    params: web::Query<GetParams>,
) -> HttpResponse {
    let keyed = req.headers().contains_key(AUTHORIZATION);
    let response = observed(&state, async |operation: &mut Operation| {
        let principal = match admitted_caller(&state, &req).await {
            Ok(p) => p,
            Err(answer) => return answer,
        };
        let request = match get_request(params.into_inner()) {
            Ok(request) => request,
            Err(refusal) => return refusal.answer(&state),
        };
        execute(
            &state,
            BatchRequest::Single(request),
            true,
            principal,
            client_ip(&req),
            operation,
        )
        .await
    })
    .await;
    super::cache::get_response(&req, keyed, state.config.http_cache_max_age, response).await
}

/// The GraphQL request in GET parameters.
fn get_request(params: GetParams) -> Result<Request, Refusal> {
    // Without `query`, a persisted query's hash in `extensions` names the text.
    if params.query.is_none() && params.extensions.is_none() {
        return Err(Refusal::new(
            ErrorCode::BadRequest,
            "missing `query` parameter",
        ));
    }
    let mut request = Request::new(params.query.unwrap_or_default());
    if let Some(extensions) = params.extensions {
        request.extensions = serde_json::from_str(&extensions).map_err(|e| {
            Refusal::new(
                ErrorCode::BadRequest,
                format!("`extensions` is not a JSON object: {e}"),
            )
        })?;
    }
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables {
        let vars = serde_json::from_str(&vars).map_err(|e| {
            Refusal::new(
                ErrorCode::BadRequest,
                format!("`variables` is not JSON: {e}"),
            )
        })?;
        request = request.variables(async_graphql::Variables::from_json(vars));
    }
    Ok(request)
}

/// The address of the connecting peer: anonymous budgets are per address. (Behind a
/// proxy that is the proxy's; forwarded headers are not trusted, as any client can
/// write them.)
pub(super) fn client_ip(req: &HttpRequest) -> Option<IpAddr> {
    req.peer_addr().map(|a| a.ip())
}

/// Refuses an operation the caller may not run.
fn check_access(
    state: &AppState,
    kind: Option<OperationType>,
    principal: Option<&Principal>,
) -> Result<(), Refusal> {
    let unauthenticated = || {
        Refusal::new(
            ErrorCode::Unauthenticated,
            "a valid API key is required (Authorization: Bearer ...)",
        )
    };
    match (kind, principal) {
        (Some(OperationType::Mutation), None) => Err(unauthenticated()),
        (Some(OperationType::Mutation), Some(p)) if p.role < Role::Editor => Err(Refusal::new(
            ErrorCode::Forbidden,
            "changes need a key with the editor role",
        )),
        (_, None) if !state.config.anonymous_reads => Err(unauthenticated()),
        _ => Ok(()),
    }
}

/// Runs the batch within the database deadline (the statement timeout plus a margin): a
/// database that stops answering makes requests fail with SERVICE_UNAVAILABLE (HTTP 503)
/// instead of hanging for as long as it does. The cancelled work's connections are
/// closed, not returned to the pool.
async fn execute(
    state: &AppState,
    batch: BatchRequest,
    over_get: bool,
    principal: Option<Principal>,
    client: Option<IpAddr>,
    operation: &mut Operation,
) -> Answer {
    match tokio::time::timeout(
        state.db.deadline(),
        execute_now(state, batch, over_get, principal, client, operation),
    )
    .await
    {
        Ok(answer) => answer,
        Err(_) => unavailable().answer(state),
    }
}

async fn execute_now(
    state: &AppState,
    batch: BatchRequest,
    over_get: bool,
    principal: Option<Principal>,
    client: Option<IpAddr>,
    operation: &mut Operation,
) -> Answer {
    let is_batch = matches!(batch, BatchRequest::Batch(_));
    match &batch {
        BatchRequest::Single(request) => {
            operation.name(metrics::operation_label(request.operation_name.as_deref()));
        }
        BatchRequest::Batch(_) => operation.name(metrics::BATCH.to_owned()),
    }
    let requests = match batch {
        BatchRequest::Single(r) => vec![r],
        BatchRequest::Batch(rs) => {
            if rs.len() > state.config.max_batch {
                return Refusal::new(
                    ErrorCode::QueryTooComplex,
                    format!(
                        "a batch of {} operations; at most {} are allowed",
                        rs.len(),
                        state.config.max_batch
                    ),
                )
                .answer(state);
            }
            if rs.is_empty() {
                return Refusal::new(ErrorCode::BadRequest, "an empty batch").answer(state);
            }
            rs
        }
    };
    // Without a key, nothing runs when anonymous reads are off: refuse before parsing.
    if principal.is_none() && !state.config.anonymous_reads {
        return check_access(state, None, None)
            .err()
            .unwrap_or_else(|| {
                Refusal::new(ErrorCode::Unauthenticated, "a valid API key is required")
            })
            .answer(state);
    }
    let mut requests = requests;
    let mut admitted = Vec::with_capacity(requests.len());
    for request in &mut requests {
        if let Err(refusal) = super::persisted::resolve(state, request).await {
            return refusal.answer(state);
        }
        let result = admit(state, request, principal.as_ref(), over_get);
        // `admit` named the operation if the document did.
        if !is_batch && request.operation_name.is_some() {
            operation.name(metrics::operation_label(request.operation_name.as_deref()));
        }
        match result {
            Ok(a) => admitted.push(a),
            Err(refusal) => return refusal.answer(state),
        }
    }
    let cost = admitted
        .iter()
        .map(|a| a.cost.map_or(1, |c| c.complexity as u64))
        .fold(0_u64, u64::saturating_add);
    let verdict = spend(state, principal.as_ref(), client, cost).await;
    if let Some(verdict) = verdict.filter(|v| !v.allowed) {
        state
            .metrics
            .graphql_refused
            .fetch_add(1, Ordering::Relaxed);
        return Answer {
            response: rate_limited(verdict),
            outcome: Outcome::Refused,
        };
    }
    let mut responses = Vec::with_capacity(requests.len());
    for (mut request, admitted) in requests.into_iter().zip(admitted) {
        // A mutation's payload is read from the primary, after its own write committed;
        // several root fields of a query read one snapshot.
        let conn = Arc::new(match admitted.kind {
            Some(OperationType::Mutation) => RequestConn::primary(&state.db),
            _ if admitted.roots > 1 => RequestConn::snapshot(&state.db),
            _ => RequestConn::new(&state.db),
        });
        request = request.data(conn.clone());
        if let Some(principal) = &principal {
            request = request.data(principal.clone());
        }
        let mut response = state.schema.execute(request).await;
        conn.finish().await;
        if let Some(cost) = admitted.cost {
            response.extensions.insert(
                "analyzer".into(),
                async_graphql::Value::from_json(json!({
                    "complexity": cost.complexity,
                    "depth": cost.depth,
                }))
                .unwrap_or_default(),
            );
        }
        // A GET answer is a cacheable representation (its ETag hashes the body), so its
        // budget goes in the headers only.
        if let Some(verdict) = verdict.filter(|_| !over_get) {
            response
                .extensions
                .insert("rateLimit".into(), rate_limit_value(&verdict));
        }
        responses.push(with_codes(response));
    }
    // An answer that failed only because the database is unreachable is a 503, so that
    // load balancers and clients retry elsewhere or later.
    let unreachable = responses.iter().any(|r| {
        r.errors.iter().any(|e| {
            e.extensions.as_ref().and_then(|x| x.get("code"))
                == Some(&async_graphql::Value::from(
                    ErrorCode::ServiceUnavailable.as_str(),
                ))
        })
    });
    let outcome = Outcome::of_responses(&responses);
    let body = if is_batch {
        BatchResponse::Batch(responses)
    } else {
        BatchResponse::Single(responses.remove(0))
    };
    let mut response = if unreachable {
        HttpResponse::ServiceUnavailable()
    } else {
        HttpResponse::Ok()
    };
    if let Some(verdict) = &verdict {
        rate_limit_headers(&mut response, verdict);
    }
    Answer {
        response: response.json(body),
        outcome,
    }
}

/// Spends the request's cost from its caller's budget: the key's, else the client
/// address's. `None` when rate limits are off.
pub(super) async fn spend(
    state: &AppState,
    principal: Option<&Principal>,
    client: Option<IpAddr>,
    cost: u64,
) -> Option<ratelimit::Verdict> {
    if !state.rate_limiter.enabled() {
        return None;
    }
    let subject = match (principal, client) {
        (Some(p), _) => format!("key:{}", p.key_id),
        (None, Some(ip)) => format!("ip:{ip}"),
        (None, None) => "ip:unknown".to_owned(),
    };
    state.rate_limiter.spend(&subject, cost).await
}

/// The budget as reported in `extensions.rateLimit`.
pub(super) fn rate_limit_value(verdict: &ratelimit::Verdict) -> async_graphql::Value {
    async_graphql::Value::from_json(json!({
        "cost": verdict.cost,
        "limit": verdict.limit,
        "remaining": verdict.remaining,
        "resetSeconds": verdict.reset_seconds,
    }))
    .unwrap_or_default()
}

/// `RateLimit-*` headers (IETF draft "RateLimit header fields for HTTP").
fn rate_limit_headers(response: &mut actix_web::HttpResponseBuilder, verdict: &ratelimit::Verdict) {
    response
        .insert_header(("RateLimit-Limit", verdict.limit.to_string()))
        .insert_header(("RateLimit-Remaining", verdict.remaining.to_string()))
        .insert_header(("RateLimit-Reset", verdict.reset_seconds.to_string()))
        .insert_header(("RateLimit-Policy", format!("{};w=60", verdict.limit)));
}

/// 429 with `RATE_LIMITED`, `Retry-After` and the budget.
fn rate_limited(verdict: ratelimit::Verdict) -> HttpResponse {
    let code = ErrorCode::RateLimited;
    let mut response = HttpResponse::build(
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::TOO_MANY_REQUESTS),
    );
    rate_limit_headers(&mut response, &verdict);
    response
        .insert_header((RETRY_AFTER, verdict.retry_after_seconds.to_string()))
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(json!({
            "errors": [{
                "message": rate_limit_message(&verdict),
                "extensions": {
                    "code": code.as_str(),
                    "rateLimit": {
                        "cost": verdict.cost,
                        "limit": verdict.limit,
                        "remaining": verdict.remaining,
                        "resetSeconds": verdict.reset_seconds,
                        "retryAfterSeconds": verdict.retry_after_seconds,
                    },
                },
            }]
        }))
}

/// Why a request was refused, for people.
pub(super) fn rate_limit_message(verdict: &ratelimit::Verdict) -> String {
    format!(
        "this request costs {} and {} of the {} per minute are left; retry in {} s",
        verdict.cost, verdict.remaining, verdict.limit, verdict.retry_after_seconds
    )
}

/// Checks one operation before it runs, whatever the transport: nesting, the caller's
/// rights, introspection, and the alias / field / directive limits; hands the parsed
/// document to the request. `over_get` refuses anything but queries.
pub(super) fn admit(
    state: &AppState,
    request: &mut Request,
    principal: Option<&Principal>,
    over_get: bool,
) -> Result<Admitted, Refusal> {
    // Before anything parses the text or walks the variables recursively.
    limits::check_request_nesting(request).map_err(Refusal::from)?;
    limits::check_request_strings(request).map_err(Refusal::from)?;
    let doc = state.documents.get(&request.query);
    if let Some(doc) = &doc {
        // A document of one named operation runs it whether or not the request names
        // it; naming it here changes nothing for execution and gives the metrics and
        // the log its name, also when a check below refuses it.
        if request.operation_name.is_none() {
            request.operation_name = sole_operation_name(doc);
        }
        limits::check_document_strings(doc).map_err(Refusal::from)?;
    }
    let shape = doc
        .as_deref()
        .and_then(|doc| limits::measure(doc, request.operation_name.as_deref()));
    let kind = shape.as_ref().map(|s| s.kind);
    admit_measured(state, request, principal, over_get, doc, shape).map_err(|mut refusal| {
        refusal.kind = kind;
        refusal
    })
}

/// The checks of [`admit`] that need the operation's shape.
fn admit_measured(
    state: &AppState,
    request: &mut Request,
    principal: Option<&Principal>,
    over_get: bool,
    doc: Option<Arc<ExecutableDocument>>,
    shape: Option<limits::Shape>,
) -> Result<Admitted, Refusal> {
    // A mutation over GET is refused whatever the key; then the key's rights.
    if over_get && shape.is_some_and(|s| s.kind != OperationType::Query) {
        return Err(Refusal::new(
            ErrorCode::MethodNotAllowed,
            "only queries may be sent with GET; use POST for mutations",
        ));
    }
    check_access(state, shape.map(|s| s.kind), principal)?;
    let Some(doc) = doc else {
        return Ok(Admitted {
            kind: None,
            roots: 1,
            cost: None,
        });
    };
    let mut cost = None;
    if let Some(shape) = shape {
        if shape.introspection && !state.config.introspection {
            return Err(Refusal::new(
                ErrorCode::Forbidden,
                "introspection is disabled on this server",
            ));
        }
        let text_limits = TextLimits {
            max_aliases: state.config.max_aliases,
            max_fields: state.config.max_fields,
            max_depth: state.config.max_depth,
            max_cost: state.config.max_complexity,
        };
        limits::check(&shape, text_limits).map_err(Refusal::from)?;
        cost = limits::cost(&doc, request.operation_name.as_deref(), &request.variables);
        if let Some(cost) = cost {
            limits::check_cost(cost, text_limits).map_err(Refusal::from)?;
        }
    }
    request.set_parsed_query((*doc).clone());
    Ok(Admitted {
        kind: shape.map(|s| s.kind),
        roots: shape.map_or(1, |s| s.roots),
        cost,
    })
}

/// The name of a document's only operation, if it has a name.
fn sole_operation_name(doc: &ExecutableDocument) -> Option<String> {
    match &doc.operations {
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(ToString::to_string)
        }
        _ => None,
    }
}

/// What [`admit`] learned about an operation.
#[derive(Debug, Clone, Copy)]
pub(super) struct Admitted {
    /// Query, mutation or subscription; `None` when the text does not parse
    /// (async-graphql then reports the syntax error).
    pub(super) kind: Option<OperationType>,
    /// Its root fields (see `limits::Shape::roots`).
    pub(super) roots: usize,
    /// Its cost and depth, reported in `extensions.analyzer`.
    pub(super) cost: Option<limits::Cost>,
}

/// Errors raised by async-graphql itself carry no code: our resolvers only fail with an
/// [`AppError`], which has one, and our limits run before async-graphql sees the request
/// (its own recursion limit is set above [`limits::MAX_NESTING`], so it never fires), so
/// what is left is the request's own fault: a syntax error, a validation error, an
/// argument that does not coerce. They are `BAD_USER_INPUT`, whatever their wording.
pub(super) fn with_codes(mut response: async_graphql::Response) -> async_graphql::Response {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", ErrorCode::BadUserInput.as_str());
        }
    }
    response
}
