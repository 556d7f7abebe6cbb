//! Request ids and the request's log span.
//!
//! Every request gets an id: the caller's `X-Request-Id` when it is a plausible one (at
//! most 64 characters of `[A-Za-z0-9._-]`, so a proxy's id carries through and nothing
//! odd reaches the logs), else one made here. The answer echoes it in `X-Request-Id`,
//! and the request's root span carries it with the GraphQL operation name, so every log
//! line written while the request runs names both.

use actix_web::HttpMessage as _;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

/// The header that carries the id both ways.
pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id accepted from a caller.
const MAX_LEN: usize = 64;

/// The id of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// The caller's id, when it is one we keep.
    pub fn parse(value: &[u8]) -> Option<Self> {
        let valid = !value.is_empty()
            && value.len() <= MAX_LEN
            && value
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        valid.then(|| Self(String::from_utf8_lossy(value).into_owned()))
    }

    /// A new random id: 32 hexadecimal digits (128 bits).
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 16];
        if getrandom::fill(&mut bytes).is_err() {
            // No entropy (never on Linux): still unique within the process.
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            bytes[..8].copy_from_slice(&n.to_be_bytes());
        }
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Middleware (outside the tracing logger): picks the request's id before its span is
/// made, and echoes it on the answer.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(|v| RequestId::parse(v.as_bytes()))
        .unwrap_or_else(RequestId::generate);
    req.extensions_mut().insert(id.clone());
    let mut response = next.call(req).await?;
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        response.headers_mut().insert(HEADER, value);
    }
    Ok(response)
}

/// The root span of a request: method, route, our request id and the operation name
/// (recorded by the GraphQL handler once it knows it, see [`record_operation`]).
pub struct ArchiveRootSpan;

impl RootSpanBuilder for ArchiveRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map_or_else(String::new, |id| id.0.clone());
        tracing::info_span!(
            "request",
            request_id = %id,
            operation = tracing::field::Empty,
            http.method = %request.method(),
            http.route = request.match_pattern().as_deref().unwrap_or("default"),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// Puts the operation name on the current request's span (and so on its log lines).
pub fn record_operation(name: &str) {
    Span::current().record("operation", tracing::field::display(name));
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::test as actix_test;
    use actix_web::{App, HttpResponse, web};

    use super::*;

    #[test]
    fn ids_from_callers_are_kept_only_when_plausible() {
        assert_eq!(
            RequestId::parse(b"abc-DEF_1.2").map(|id| id.0),
            Some("abc-DEF_1.2".to_owned())
        );
        assert_eq!(RequestId::parse(&[b'a'; 64]).map(|id| id.0.len()), Some(64));
        assert_eq!(RequestId::parse(&[b'a'; 65]), None);
        assert_eq!(RequestId::parse(b""), None);
        assert_eq!(RequestId::parse(b"a b"), None);
        assert_eq!(RequestId::parse(b"a\nb"), None);
        assert_eq!(RequestId::parse("é".as_bytes()), None);
        let generated = RequestId::generate();
        assert_eq!(generated.0.len(), 32);
        assert!(RequestId::parse(generated.0.as_bytes()).is_some());
        assert_ne!(generated, RequestId::generate());
    }

    /// Log lines written into a buffer.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn log_lines_of_a_request_carry_its_id_and_operation() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = actix_test::init_service(
            App::new()
                .wrap(tracing_actix_web::TracingLogger::<ArchiveRootSpan>::new())
                .wrap(actix_web::middleware::from_fn(assign))
                .route(
                    "/op",
                    web::get().to(|| async {
                        tracing::info!("before the name is known");
                        record_operation("TopPeople");
                        tracing::info!("after");
                        HttpResponse::Ok().finish()
                    }),
                ),
        )
        .await;
        let response = actix_test::call_service(
            &app,
            actix_test::TestRequest::get()
                .uri("/op")
                .insert_header(("X-Request-Id", "req-42"))
                .to_request(),
        )
        .await;
        assert_eq!(
            response.headers().get("x-request-id").expect("echoed"),
            "req-42"
        );
        let response =
            actix_test::call_service(&app, actix_test::TestRequest::get().uri("/op").to_request())
                .await;
        let generated = response
            .headers()
            .get("x-request-id")
            .expect("generated")
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_eq!(generated.len(), 32);
        let bad = actix_test::call_service(
            &app,
            actix_test::TestRequest::get()
                .uri("/op")
                .insert_header(("X-Request-Id", "no spaces allowed"))
                .to_request(),
        )
        .await;
        let replaced = bad.headers().get("x-request-id").expect("replaced");
        assert_eq!(replaced.len(), 32);
        let text = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(
            lines[0].contains("request_id=req-42") && lines[0].contains("before"),
            "{text}"
        );
        assert!(
            lines[1].contains("request_id=req-42")
                && lines[1].contains("operation=TopPeople")
                && lines[1].contains("after"),
            "{text}"
        );
        assert!(
            lines[3].contains(&format!("request_id={generated}"))
                && lines[3].contains("operation=TopPeople"),
            "{text}"
        );
        assert!(!text.contains("no spaces allowed"), "{text}");
    }
}
