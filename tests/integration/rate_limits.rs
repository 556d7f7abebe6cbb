//! Rate limits by query cost, against the machine's Redis: every test writes under a key
//! prefix of its own, so tests running at once never share a budget.
//!
//! `{ __typename }` costs 1, so a budget of 3 per minute allows three such requests at
//! once and then one more every 20 seconds: a test that takes less than that sees exact
//! numbers.

use std::sync::atomic::{AtomicU64, Ordering};

use news_archive::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, error_code};

/// A Redis key prefix no other test (or earlier run) uses.
fn unique_prefix() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "na-test:{}:{}:{nanos}:",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

async fn limited(budget: u64, redis_url: &str) -> (TestApp, String) {
    let prefix = unique_prefix();
    let (p, url) = (prefix.clone(), redis_url.to_owned());
    let app = TestApp::spawn_with(move |c| {
        c.rate_limit_cost_per_minute = budget;
        c.rate_limit_key_prefix = p;
        c.redis_url = url;
    })
    .await;
    (app, prefix)
}

/// POSTs `{ __typename }`, with a key if given: status, `RateLimit-*` / `Retry-After`
/// headers and body.
async fn typename(app: &TestApp, addr: std::net::SocketAddr, token: Option<&str>) -> Answer {
    let mut request = app
        .client
        .post(format!("http://{addr}/graphql"))
        .json(&json!({ "query": "{ __typename }" }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    Answer {
        status: response.status().as_u16(),
        remaining: header("ratelimit-remaining"),
        limit: header("ratelimit-limit"),
        retry_after: header("retry-after"),
        body: response.json().await.expect("JSON"),
    }
}

struct Answer {
    status: u16,
    remaining: Option<String>,
    limit: Option<String>,
    retry_after: Option<String>,
    body: Value,
}

#[tokio::test]
async fn a_spent_budget_is_refused_with_429_rate_limited_and_retry_after() {
    let (app, prefix) = limited(3, "redis://127.0.0.1:6379").await;
    let addr = app.addr;
    for left in ["2", "1", "0"] {
        let answer = typename(&app, addr, None).await;
        assert_eq!(answer.status, 200, "{:#}", answer.body);
        assert_eq!(answer.remaining.as_deref(), Some(left));
        assert_eq!(answer.limit.as_deref(), Some("3"));
        assert_eq!(answer.body["data"]["__typename"], "Query");
        let reported = &answer.body["extensions"]["rateLimit"];
        assert_eq!(
            (
                &reported["cost"],
                &reported["limit"],
                &reported["remaining"]
            ),
            (
                &json!(1),
                &json!(3),
                &json!(left.parse::<u64>().expect("n"))
            )
        );
    }
    let refused = typename(&app, addr, None).await;
    assert_eq!(refused.status, 429);
    assert_eq!(error_code(&refused.body), "RATE_LIMITED");
    assert_eq!(refused.remaining.as_deref(), Some("0"));
    // One unit comes back every 20 s.
    let retry: u64 = refused
        .retry_after
        .as_deref()
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=20).contains(&retry), "Retry-After {retry}");
    assert!(refused.body.get("data").is_none());
    // The budget lives in Redis, under this test's prefix, for the client's address.
    let mut redis = redis::Client::open("redis://127.0.0.1:6379")
        .expect("url")
        .get_multiplexed_async_connection()
        .await
        .expect("Redis answers");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut redis)
        .await
        .expect("KEYS");
    assert_eq!(keys, vec![format!("{prefix}ip:127.0.0.1")]);
}

#[tokio::test]
async fn each_key_has_its_own_budget_apart_from_anonymous_callers() {
    let (app, _) = limited(2, "redis://127.0.0.1:6379").await;
    let (reader, other) = (
        app.db.key(Role::Reader).await,
        app.db.key(Role::Reader).await,
    );
    let addr = app.addr;
    for _ in 0..2 {
        assert_eq!(typename(&app, addr, Some(&reader)).await.status, 200);
    }
    assert_eq!(typename(&app, addr, Some(&reader)).await.status, 429);
    let second_key = typename(&app, addr, Some(&other)).await;
    assert_eq!(
        (second_key.status, second_key.remaining.as_deref()),
        (200, Some("1"))
    );
    let anonymous = typename(&app, addr, None).await;
    assert_eq!(
        (anonymous.status, anonymous.remaining.as_deref()),
        (200, Some("1"))
    );
}

#[tokio::test]
async fn replicas_share_one_budget_through_redis() {
    let (app, prefix) = limited(2, "redis://127.0.0.1:6379").await;
    let replica = app.replica_with(|c| {
        c.rate_limit_cost_per_minute = 2;
        c.rate_limit_key_prefix = prefix;
        c.redis_url = "redis://127.0.0.1:6379".into();
    });
    assert_eq!(typename(&app, app.addr, None).await.status, 200);
    assert_eq!(typename(&app, replica.addr, None).await.status, 200);
    // Per process, each would still have one left.
    assert_eq!(typename(&app, app.addr, None).await.status, 429);
    assert_eq!(typename(&app, replica.addr, None).await.status, 429);
}

#[tokio::test]
async fn without_redis_each_process_still_limits() {
    // Nothing listens on port 1.
    let (app, _) = limited(2, "redis://127.0.0.1:1").await;
    let addr = app.addr;
    assert_eq!(typename(&app, addr, None).await.status, 200);
    assert_eq!(typename(&app, addr, None).await.status, 200);
    let refused = typename(&app, addr, None).await;
    assert_eq!(refused.status, 429);
    assert_eq!(error_code(&refused.body), "RATE_LIMITED");
}

#[tokio::test]
async fn a_request_spends_its_cost_and_a_refused_one_spends_nothing() {
    let (app, _) = limited(60, "redis://127.0.0.1:6379").await;
    // articles: 1 + 5 * (nodes: 1 + 1 * (title: 1)) = 11, as `extensions.analyzer` says.
    let query = "{ articles(first: 5) { nodes { title } } }";
    let (status, body) = app.post_json(&json!({ "query": query })).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["extensions"]["analyzer"]["complexity"], 11);
    assert_eq!(body["extensions"]["rateLimit"]["cost"], 11);
    assert_eq!(body["extensions"]["rateLimit"]["remaining"], 49);
    // A batch spends the sum of its operations: 11 * 4 = 44 of the 49 left.
    let batch =
        json!([{ "query": query }, { "query": query }, { "query": query }, { "query": query }]);
    let (status, body) = app.post_json(&batch).await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body[0]["extensions"]["rateLimit"]["remaining"], 5);
    // 11 more is refused and costs nothing: a request of 5 still runs.
    let (status, body) = app.post_json(&json!({ "query": query })).await;
    assert_eq!((status, error_code(&body)), (429, "RATE_LIMITED"));
    let (status, body) = app
        .post_json(&json!({ "query": "{ a: __typename b: __typename c: __typename d: __typename e: __typename }" }))
        .await;
    assert_eq!(status, 200, "{body:#}");
    assert_eq!(body["extensions"]["rateLimit"]["remaining"], 0);
}

#[tokio::test]
async fn websocket_operations_spend_the_same_budget() {
    let (app, _) = limited(2, "redis://127.0.0.1:6379").await;
    let reader = app.db.key(Role::Reader).await;
    let mut ws = app
        .websocket(json!({ "Authorization": format!("Bearer {reader}") }))
        .await
        .expect("connected");
    // The key spends one over HTTP, one on the socket; the next operation is refused.
    assert_eq!(typename(&app, app.addr, Some(&reader)).await.status, 200);
    ws.subscribe("1", "{ __typename }", json!({})).await;
    let (id, data) = ws.next_data().await;
    assert_eq!(
        (id.as_str(), &data["data"]["__typename"]),
        ("1", &json!("Query"))
    );
    ws.subscribe("2", "{ __typename }", json!({})).await;
    let refused = loop {
        let message = ws.next().await.expect("a message");
        if message["type"] == "error" {
            break message;
        }
    };
    assert_eq!(refused["id"], "2");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
}

#[tokio::test]
async fn a_zero_budget_turns_limits_off() {
    let (app, _) = limited(0, "redis://127.0.0.1:6379").await;
    for _ in 0..5 {
        let answer = typename(&app, app.addr, None).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.remaining, None);
        assert!(answer.body["extensions"].get("rateLimit").is_none());
    }
}
