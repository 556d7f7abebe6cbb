//! Subscriptions: the graphql-ws protocol (`graphql-transport-ws`, and the older
//! `graphql-ws`) over a websocket upgrade of `GET /graphql`.
//!
//! Authentication follows the rules of queries: a key in the upgrade request's
//! `Authorization` header or in the `connection_init` payload
//! (`{"Authorization": "Bearer ..."}`); an unknown or revoked key is refused (HTTP 401
//! on the upgrade, or the socket is closed with an `UNAUTHENTICATED` reason after
//! `connection_init`); no key at all is refused only when anonymous reads are off.

use std::sync::Arc;
use std::time::Duration;

use actix_web::guard::GuardContext;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::Data;
use async_graphql_actix_web::GraphQLSubscription;

use super::AppState;
use super::graphql::{authenticate, caller};
use crate::auth::Principal;
use crate::db::request::RequestConn;
use crate::graphql::subscription::FeedMark;

/// Whether a request asks for a websocket.
pub fn is_upgrade(ctx: &GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(actix_web::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The value of an `Authorization` entry of a `connection_init` payload, if any.
fn payload_authorization(payload: &serde_json::Value) -> Option<&str> {
    fn find(map: &serde_json::Map<String, serde_json::Value>) -> Option<&str> {
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
    let init_state = state.clone();
    GraphQLSubscription::new(state.schema.clone())
        .on_connection_init(move |payload| async move {
            let state = init_state;
            let principal: Option<Principal> = match payload_authorization(&payload) {
                Some(value) => Some(
                    authenticate(&state, value)
                        .await
                        .map_err(|r| async_graphql::Error::new(r.reason()))?,
                ),
                None => from_header,
            };
            if principal.is_none() && !state.config.anonymous_reads {
                return Err(async_graphql::Error::new(
                    "UNAUTHENTICATED: a valid API key is required",
                ));
            }
            // Acknowledge only once this server hears new articles, so that nothing
            // added after the acknowledgement is missed.
            if !state.feed.wait_ready(Duration::from_secs(5)).await {
                tracing::warn!("acknowledging a subscriber before the article feed is listening");
            }
            let mut data = Data::default();
            data.insert(Arc::new(RequestConn::per_use(&state.db)));
            data.insert(FeedMark(state.feed.mark()));
            if let Some(principal) = principal {
                data.insert(principal);
            }
            Ok(data)
        })
        .start(&req, payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
