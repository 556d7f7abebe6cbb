//! GraphQL request metrics in the Prometheus text format: a count and a latency
//! histogram per operation name and outcome, and a histogram of SQL statements per
//! request per operation.
//!
//! Cheap on the hot path: a request takes a read lock on the map of operation names
//! (a write lock only the first time a name is seen) and bumps a few atomics. Names
//! are bounded: at most [`MAX_OPERATIONS`] distinct ones, later ones count as `other`,
//! so a client inventing names cannot grow the map or the scrape.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use crate::error::ErrorCode;

/// Most distinct operation names tracked; later names count as [`OTHER`].
pub const MAX_OPERATIONS: usize = 100;

/// Longest operation label; longer names are cut.
const MAX_NAME_LEN: usize = 64;

/// The label of a request without an operation name.
pub const ANONYMOUS: &str = "anonymous";

/// The label of a batched request (several operations in one HTTP request).
pub const BATCH: &str = "batch";

/// The label of names past [`MAX_OPERATIONS`].
pub const OTHER: &str = "other";

/// Upper bounds of the latency buckets, in nanoseconds (1 ms to 10 s).
const DURATION_BOUNDS: &[u64] = &[
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
    250_000_000,
    500_000_000,
    1_000_000_000,
    2_500_000_000,
    5_000_000_000,
    10_000_000_000,
];

/// Upper bounds of the statements-per-request buckets.
const STATEMENT_BOUNDS: &[u64] = &[0, 1, 2, 3, 4, 6, 8, 12, 16, 32, 64];

/// How a request ended, from the codes of its errors (the worst one wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// No error.
    Ok,
    /// The request's own fault: bad input, syntax, validation, unknown ids.
    UserError,
    /// Refused by a limit, the key check or the rate limit.
    Refused,
    /// The database did not answer in time.
    Unavailable,
    /// Our fault.
    Internal,
}

impl Outcome {
    const ALL: [Self; 5] = [
        Self::Ok,
        Self::UserError,
        Self::Refused,
        Self::Unavailable,
        Self::Internal,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::UserError => "user_error",
            Self::Refused => "refused",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The outcome of an error with this code.
    pub fn of(code: ErrorCode) -> Self {
        match code {
            ErrorCode::BadRequest
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::MethodNotAllowed
            | ErrorCode::PersistedQueryNotFound
            | ErrorCode::BadUserInput
            | ErrorCode::NotFound => Self::UserError,
            ErrorCode::PayloadTooLarge
            | ErrorCode::Unauthenticated
            | ErrorCode::Forbidden
            | ErrorCode::QueryTooComplex
            | ErrorCode::RateLimited
            | ErrorCode::ServerBusy => Self::Refused,
            ErrorCode::Timeout | ErrorCode::ServiceUnavailable => Self::Unavailable,
            ErrorCode::Internal => Self::Internal,
        }
    }

    /// The outcome of executed operations: the worst of their errors' codes. Every
    /// error carries a code by then (`with_codes`); one that does not name a known code
    /// is ours.
    pub fn of_responses<'a>(
        responses: impl IntoIterator<Item = &'a async_graphql::Response>,
    ) -> Self {
        responses
            .into_iter()
            .flat_map(|r| &r.errors)
            .map(|e| {
                let code = e.extensions.as_ref().and_then(|x| x.get("code"));
                match code {
                    Some(async_graphql::Value::String(code)) => {
                        ErrorCode::from_code(code).map_or(Self::Internal, Self::of)
                    }
                    _ => Self::Internal,
                }
            })
            .max()
            .unwrap_or(Self::Ok)
    }
}

/// The operation label of a name: `anonymous` without one, else the name with every
/// character outside `[A-Za-z0-9_]` turned into `_`, at most 64 characters.
pub fn operation_label(name: Option<&str>) -> String {
    match name {
        None | Some("") => ANONYMOUS.to_owned(),
        Some(name) => name
            .chars()
            .take(MAX_NAME_LEN)
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
    }
}

/// A histogram with fixed bounds; each observation bumps one bucket and the sum.
#[derive(Debug)]
struct Histogram {
    bounds: &'static [u64],
    /// Per bucket, not cumulative (the last is above every bound).
    buckets: Box<[AtomicU64]>,
    sum: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [u64]) -> Self {
        Self {
            bounds,
            buckets: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0),
        }
    }

    fn observe(&self, value: u64) {
        let bucket = self.bounds.partition_point(|&bound| bound < value);
        self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.sum.fetch_add(value, Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum()
    }

    /// `_bucket`, `_sum` and `_count` lines; values are divided by `scale`.
    fn write(&self, out: &mut String, name: &str, labels: &str, scale: f64) {
        let mut cumulative = 0;
        for (i, bucket) in self.buckets.iter().enumerate() {
            cumulative += bucket.load(Ordering::Relaxed);
            let le = self
                .bounds
                .get(i)
                .map_or_else(|| "+Inf".to_owned(), |&b| (b as f64 / scale).to_string());
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{le}\"}} {cumulative}");
        }
        let sum = self.sum.load(Ordering::Relaxed) as f64 / scale;
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {cumulative}");
    }
}

/// One operation's series.
#[derive(Debug)]
struct Series {
    /// Latency by [`Outcome`] (its count is the request count).
    duration: [Histogram; 5],
    statements: Histogram,
    /// Subscriptions started (or refused) by [`Outcome`].
    subscriptions: [AtomicU64; 5],
}

impl Series {
    fn new() -> Self {
        Self {
            duration: std::array::from_fn(|_| Histogram::new(DURATION_BOUNDS)),
            statements: Histogram::new(STATEMENT_BOUNDS),
            subscriptions: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

/// The GraphQL request metrics of one process: requests over HTTP, and the queries,
/// mutations and subscriptions sent over websockets.
#[derive(Debug, Default)]
pub struct GraphqlMetrics {
    operations: RwLock<HashMap<String, Series>>,
    /// Subscriptions running now, on every socket.
    active_subscriptions: AtomicU64,
}

impl GraphqlMetrics {
    /// Records one answered request (over HTTP, or a query or mutation on a websocket).
    pub fn observe(&self, operation: &str, outcome: Outcome, elapsed: Duration, statements: u64) {
        self.with_series(operation, |series| {
            let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
            series.duration[outcome as usize].observe(nanos);
            series.statements.observe(statements);
        });
    }

    /// Records a subscription started ([`Outcome::Ok`]) or refused.
    pub fn subscription(&self, operation: &str, outcome: Outcome) {
        self.with_series(operation, |series| {
            series.subscriptions[outcome as usize].fetch_add(1, Ordering::Relaxed);
        });
    }

    /// Counts a running subscription until the returned guard is dropped.
    pub fn subscription_running(self: &std::sync::Arc<Self>) -> RunningSubscription {
        self.active_subscriptions.fetch_add(1, Ordering::Relaxed);
        RunningSubscription(self.clone())
    }

    /// Runs `record` on the operation's series, created on first use.
    fn with_series(&self, operation: &str, record: impl FnOnce(&Series)) {
        {
            let operations = self
                .operations
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(series) = operations.get(operation) {
                return record(series);
            }
        }
        let mut operations = self
            .operations
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        // `other` is the one name allowed past the bound.
        let name = if operations.len() < MAX_OPERATIONS || operations.contains_key(operation) {
            operation
        } else {
            OTHER
        };
        record(
            operations
                .entry(name.to_owned())
                .or_insert_with(Series::new),
        );
    }

    /// The Prometheus text of every series seen so far.
    pub fn write(&self, out: &mut String) {
        let operations = self
            .operations
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let mut names: Vec<&String> = operations.keys().collect();
        names.sort();
        out.push_str(
            "# HELP archive_graphql_requests_total GraphQL requests over HTTP, and queries and mutations over websockets, by operation name and outcome.\n\
             # TYPE archive_graphql_requests_total counter\n",
        );
        for name in &names {
            for outcome in Outcome::ALL {
                let count = operations[*name].duration[outcome as usize].count();
                if count > 0 {
                    let _ = writeln!(
                        out,
                        "archive_graphql_requests_total{{operation=\"{name}\",outcome=\"{}\"}} {count}",
                        outcome.as_str()
                    );
                }
            }
        }
        out.push_str(
            "# HELP archive_graphql_request_duration_seconds Time to answer a GraphQL request (over HTTP, or a query or mutation over a websocket).\n\
             # TYPE archive_graphql_request_duration_seconds histogram\n",
        );
        for name in &names {
            for outcome in Outcome::ALL {
                let histogram = &operations[*name].duration[outcome as usize];
                if histogram.count() > 0 {
                    let labels = format!("operation=\"{name}\",outcome=\"{}\"", outcome.as_str());
                    histogram.write(
                        out,
                        "archive_graphql_request_duration_seconds",
                        &labels,
                        1e9,
                    );
                }
            }
        }
        out.push_str(
            "# HELP archive_graphql_request_statements SQL statements sent by one GraphQL request.\n\
             # TYPE archive_graphql_request_statements histogram\n",
        );
        for name in &names {
            let labels = format!("operation=\"{name}\"");
            operations[*name].statements.write(
                out,
                "archive_graphql_request_statements",
                &labels,
                1.0,
            );
        }
        out.push_str(
            "# HELP archive_graphql_subscriptions_total Subscriptions started over websockets, or refused, by operation name and outcome.\n\
             # TYPE archive_graphql_subscriptions_total counter\n",
        );
        for name in &names {
            for outcome in Outcome::ALL {
                let count =
                    operations[*name].subscriptions[outcome as usize].load(Ordering::Relaxed);
                if count > 0 {
                    let _ = writeln!(
                        out,
                        "archive_graphql_subscriptions_total{{operation=\"{name}\",outcome=\"{}\"}} {count}",
                        outcome.as_str()
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "# HELP archive_graphql_subscriptions_active Subscriptions running now.\n\
             # TYPE archive_graphql_subscriptions_active gauge\n\
             archive_graphql_subscriptions_active {}",
            self.active_subscriptions.load(Ordering::Relaxed)
        );
    }
}

/// A running subscription, counted in `archive_graphql_subscriptions_active` until
/// dropped.
#[derive(Debug)]
pub struct RunningSubscription(std::sync::Arc<GraphqlMetrics>);

impl Drop for RunningSubscription {
    fn drop(&mut self) {
        self.0.active_subscriptions.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(metrics: &GraphqlMetrics) -> String {
        let mut out = String::new();
        metrics.write(&mut out);
        out
    }

    #[test]
    fn outcomes_come_from_codes_and_the_worst_wins() {
        assert_eq!(Outcome::of(ErrorCode::BadUserInput), Outcome::UserError);
        assert_eq!(Outcome::of(ErrorCode::RateLimited), Outcome::Refused);
        assert_eq!(Outcome::of(ErrorCode::Timeout), Outcome::Unavailable);
        let error = |code: &str| {
            let mut e = async_graphql::ServerError::new("whatever the wording", None);
            let mut x = async_graphql::ErrorExtensionValues::default();
            x.set("code", code);
            e.extensions = Some(x);
            e
        };
        let mut response = async_graphql::Response::default();
        assert_eq!(Outcome::of_responses([&response]), Outcome::Ok);
        response.errors = vec![error("NOT_FOUND"), error("INTERNAL"), error("FORBIDDEN")];
        assert_eq!(Outcome::of_responses([&response]), Outcome::Internal);
        response.errors = vec![error("NOT_FOUND"), error("QUERY_TOO_COMPLEX")];
        assert_eq!(Outcome::of_responses([&response]), Outcome::Refused);
        response.errors = vec![error("NO_SUCH_CODE")];
        assert_eq!(Outcome::of_responses([&response]), Outcome::Internal);
    }

    #[test]
    fn labels_are_sanitized_and_anonymous_has_one() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("")), "anonymous");
        assert_eq!(operation_label(Some("Top_5")), "Top_5");
        assert_eq!(operation_label(Some("a\"b}\n c")), "a_b___c");
        assert_eq!(operation_label(Some(&"x".repeat(200))).len(), 64);
    }

    #[test]
    fn histograms_are_cumulative_with_sum_and_count() {
        let metrics = GraphqlMetrics::default();
        metrics.observe("Q", Outcome::Ok, Duration::from_millis(3), 1);
        metrics.observe("Q", Outcome::Ok, Duration::from_secs(20), 2);
        metrics.observe("Q", Outcome::UserError, Duration::from_millis(1), 0);
        let text = text(&metrics);
        for line in [
            "archive_graphql_requests_total{operation=\"Q\",outcome=\"ok\"} 2",
            "archive_graphql_requests_total{operation=\"Q\",outcome=\"user_error\"} 1",
            "archive_graphql_request_duration_seconds_bucket{operation=\"Q\",outcome=\"ok\",le=\"0.0025\"} 0",
            "archive_graphql_request_duration_seconds_bucket{operation=\"Q\",outcome=\"ok\",le=\"0.005\"} 1",
            "archive_graphql_request_duration_seconds_bucket{operation=\"Q\",outcome=\"ok\",le=\"10\"} 1",
            "archive_graphql_request_duration_seconds_bucket{operation=\"Q\",outcome=\"ok\",le=\"+Inf\"} 2",
            "archive_graphql_request_duration_seconds_sum{operation=\"Q\",outcome=\"ok\"} 20.003",
            "archive_graphql_request_duration_seconds_count{operation=\"Q\",outcome=\"ok\"} 2",
            "archive_graphql_request_duration_seconds_bucket{operation=\"Q\",outcome=\"user_error\",le=\"0.001\"} 1",
            "archive_graphql_request_statements_bucket{operation=\"Q\",le=\"0\"} 1",
            "archive_graphql_request_statements_bucket{operation=\"Q\",le=\"1\"} 2",
            "archive_graphql_request_statements_bucket{operation=\"Q\",le=\"2\"} 3",
            "archive_graphql_request_statements_sum{operation=\"Q\"} 3",
            "archive_graphql_request_statements_count{operation=\"Q\"} 3",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
        assert!(!text.contains("outcome=\"internal\""), "{text}");
    }

    #[test]
    fn names_past_the_bound_count_as_other() {
        let metrics = GraphqlMetrics::default();
        for i in 0..MAX_OPERATIONS {
            metrics.observe(&format!("Op{i}"), Outcome::Ok, Duration::ZERO, 1);
        }
        metrics.observe("Late1", Outcome::Ok, Duration::ZERO, 1);
        metrics.observe("Late2", Outcome::Ok, Duration::ZERO, 1);
        metrics.observe("Op7", Outcome::Ok, Duration::ZERO, 1);
        let text = text(&metrics);
        assert!(
            text.contains("archive_graphql_requests_total{operation=\"other\",outcome=\"ok\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("archive_graphql_requests_total{operation=\"Op7\",outcome=\"ok\"} 2\n"),
            "{text}"
        );
        assert!(!text.contains("Late"), "{text}");
        let series = text
            .lines()
            .filter(|l| l.starts_with("archive_graphql_requests_total{"))
            .count();
        assert_eq!(series, MAX_OPERATIONS + 1);
    }
}
