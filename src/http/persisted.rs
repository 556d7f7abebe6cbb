//! Persisted queries and trusted documents, resolved before a request is admitted, so
//! the limits apply to the text that will run.
//!
//! - Apollo's automatic persisted queries: `extensions.persistedQuery` =
//!   `{ "version": 1, "sha256Hash": "<hex>" }`. With the hash alone, the stored text runs
//!   or the answer is `PERSISTED_QUERY_NOT_FOUND` (the client then sends hash and text);
//!   with both, the hash must be the text's and the text is stored for every server.
//! - Trusted documents (`TRUSTED_DOCUMENTS_ONLY=true`): only documents an admin
//!   registered (`archive documents add`) run, sent by hash or as the same text;
//!   anything else is `FORBIDDEN`, and clients cannot register documents.

use async_graphql::{Request, Value};

use super::AppState;
use super::graphql::Refusal;
use crate::db::persisted_document;
use crate::documents::hash as document_hash;
use crate::error::ErrorCode;

/// Replaces a hash-only request's text with the stored document, stores a newly sent
/// one, and in trusted-documents mode refuses anything not registered.
pub(super) async fn resolve(state: &AppState, request: &mut Request) -> Result<(), Refusal> {
    let hash = requested_hash(request)?;
    // Checked before a text can be stored; `admit` checks it again for every request.
    crate::graphql::limits::check_request_strings(request).map_err(Refusal::from)?;
    let trusted_only = state.config.trusted_documents_only;
    if hash.is_none() && !trusted_only {
        return Ok(());
    }
    let hash = match hash {
        Some(hash) => {
            if !request.query.is_empty() && document_hash(&request.query) != hash {
                return Err(bad_request(
                    "persistedQuery.sha256Hash is not the SHA-256 of the query",
                ));
            }
            hash
        }
        None => document_hash(&request.query),
    };
    let mut conn = state.db.write.get().await.map_err(internal)?;
    let stored = persisted_document::find(&mut conn, &hash)
        .await
        .map_err(internal)?;
    match stored {
        Some(doc) if doc.trusted || !trusted_only => {
            request.query = doc.document;
            Ok(())
        }
        Some(_) => Err(not_trusted()),
        None if trusted_only => Err(not_trusted()),
        None if request.query.is_empty() => Err(Refusal::new(
            ErrorCode::PersistedQueryNotFound,
            "PersistedQueryNotFound",
        )),
        None => {
            persisted_document::remember(&mut conn, &hash, &request.query)
                .await
                .map_err(internal)?;
            Ok(())
        }
    }
}

/// The `sha256Hash` of `extensions.persistedQuery`, checked for shape.
fn requested_hash(request: &Request) -> Result<Option<String>, Refusal> {
    let Some(persisted) = request.extensions.0.get("persistedQuery") else {
        return Ok(None);
    };
    let Value::Object(fields) = persisted else {
        return Err(bad_request("extensions.persistedQuery must be an object"));
    };
    match fields.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err(bad_request("only persistedQuery version 1 is supported")),
    }
    match fields.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err(bad_request(
            "persistedQuery.sha256Hash must be 64 hexadecimal digits",
        )),
    }
}

fn not_trusted() -> Refusal {
    Refusal::new(
        ErrorCode::Forbidden,
        "this server runs only documents registered by an admin (trusted documents)",
    )
}

fn bad_request(message: &str) -> Refusal {
    Refusal::new(ErrorCode::BadRequest, message)
}

fn internal(e: impl std::fmt::Display) -> Refusal {
    tracing::error!(error = %e, "persisted document lookup failed");
    Refusal::new(ErrorCode::Internal, "internal error")
}
