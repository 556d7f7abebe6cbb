//! HTTP caching of anonymous `GET /graphql` reads: a strong `ETag` (a hash of the
//! response body) and `Cache-Control: public, max-age=HTTP_CACHE_MAX_AGE`; a matching
//! `If-None-Match` gets `304 Not Modified`. Anything sent with a key is `private,
//! no-store` (a key may be revoked, and shared caches must not answer for it); POST
//! (mutations among them), refusals and answers with errors are `no-store`.

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, ETAG, HeaderValue, IF_NONE_MATCH, VARY};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Marks a response as never to be stored.
pub(super) fn no_store(mut response: HttpResponse, private: bool) -> HttpResponse {
    let value = if private {
        "private, no-store"
    } else {
        "no-store"
    };
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Adds the validators of an answered GET, or answers 304 when the client has it.
pub(super) async fn get_response(
    req: &HttpRequest,
    keyed: bool,
    max_age: u64,
    response: HttpResponse,
) -> HttpResponse {
    if keyed {
        return no_store(response, true);
    }
    if response.status() != StatusCode::OK {
        return no_store(response, false);
    }
    let (head, body) = response.into_parts();
    let Ok(bytes) = actix_web::body::to_bytes(body).await else {
        return no_store(HttpResponse::InternalServerError().finish(), false);
    };
    let rebuilt = || {
        let mut response = head.set_body(bytes.clone()).map_into_boxed_body();
        response.headers_mut().remove(CACHE_CONTROL);
        response
    };
    if has_errors(&bytes) {
        return no_store(rebuilt(), false);
    }
    let etag = format!(
        "\"{}\"",
        Sha256::digest(&bytes)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let cache_control = if max_age == 0 {
        "public, no-cache".to_owned()
    } else {
        format!("public, max-age={max_age}")
    };
    let mut response = if matches(req, &etag) {
        HttpResponse::NotModified().finish()
    } else {
        rebuilt()
    };
    let headers = response.headers_mut();
    for (name, value) in [(ETAG, etag), (CACHE_CONTROL, cache_control)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    headers.insert(VARY, HeaderValue::from_static("Authorization"));
    response
}

/// Whether `If-None-Match` names this tag (or `*`); weak tags compare by their value.
fn matches(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

/// Whether a GraphQL response carries errors (say a timeout): those are not cached.
fn has_errors(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Top {
        errors: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_slice::<Top>(body).map_or(true, |top| top.errors.is_some())
}
