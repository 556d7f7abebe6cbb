//! `GET /export/{dataset}.{format}`: a whole dataset as a file, streamed.
//!
//! Exports always need an API key (any role: reading is enough), whatever
//! `ALLOW_ANONYMOUS_READS` says: they are bulk reads, so they are attributed. The filter
//! comes as URL parameters (the fields of the API's filter, and `filter` for a whole
//! filter as JSON). Everything that can be refused is refused before the first byte,
//! with a status and the GraphQL error shape; then the body is written batch by batch
//! as the client reads it (actix stops polling the stream while its write buffer is
//! full), so memory stays flat whatever the size. A failure mid-stream aborts the
//! connection, so a client never mistakes a truncated file for a complete one.
//!
//! At most `EXPORT_MAX_CONCURRENT` exports run at once (each holds a database
//! connection and a snapshot for as long as its client reads); one more is refused with
//! `SERVER_BUSY`, HTTP 503 and `Retry-After`. An export's permit is held by its body
//! stream, so it is given back when the last byte is sent or the client goes away.

use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_DISPOSITION, RETRY_AFTER};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use crate::auth;
use crate::error::{AppError, ErrorCode};
use crate::export::{self, Export};

/// `GET /export/{file}`.
pub async fn export(
    state: web::Data<AppState>,
    req: HttpRequest,
    file: web::Path<String>,
) -> HttpResponse {
    let Some(authorization) = req.headers().get(AUTHORIZATION) else {
        return refusal(&AppError::unauthenticated());
    };
    if let Err(e) = auth::authenticate(&state.db, authorization.to_str().unwrap_or("")).await {
        return refusal(&e);
    }
    let Some((dataset, format)) = export::parse_file_name(&file) else {
        return refusal(&AppError::not_found(
            "no such export: ask for /export/{articles|quotes|people|organizations|mentions}.{ndjson|csv|parquet}",
        ));
    };
    let params = match web::Query::<Vec<(String, String)>>::from_query(req.query_string()) {
        Ok(q) => q.into_inner(),
        Err(e) => {
            return refusal(&AppError::bad_input(format!(
                "the query string is malformed: {e}"
            )));
        }
    };
    let rows = match export::filter::rows(dataset, &params) {
        Ok(rows) => rows,
        Err(e) => return refusal(&e),
    };
    // After the cheap checks (a bad request is told so whatever the load), before the
    // snapshot is opened.
    let Ok(permit) = state.exports.clone().try_acquire_owned() else {
        return busy(state.config.export_max_concurrent);
    };
    let export = match Export::open(&state.db, &rows, format).await {
        Ok(export) => export,
        Err(e) => return refusal(&e),
    };
    let name = format!("{}.{}", dataset.name(), format.extension());
    tracing::info!(export = %name, "export started");
    let body = futures_util::stream::try_unfold((export, permit), move |(mut export, permit)| {
        let name = name.clone();
        async move {
            match export.next_chunk().await {
                Ok(Some(bytes)) => Ok(Some((web::Bytes::from(bytes), (export, permit)))),
                Ok(None) => {
                    tracing::info!(export = %name, rows = export.rows(), "export finished");
                    Ok(None)
                }
                Err(e) => {
                    tracing::warn!(export = %name, rows = export.rows(), code = e.code.as_str(), message = %e.message, "export aborted");
                    Err(std::io::Error::other("export aborted"))
                }
            }
        }
    });
    HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}.{}\"",
                dataset.name(),
                format.extension()
            ),
        ))
        .insert_header((CACHE_CONTROL, "no-store"))
        .streaming(body)
}

/// Seconds a refused export is told to wait: exports take seconds to minutes.
const BUSY_RETRY_AFTER_SECONDS: u32 = 10;

/// 503 `SERVER_BUSY` with `Retry-After`: every export permit is taken.
fn busy(max: usize) -> HttpResponse {
    let mut response = super::graphql::refusal_response(
        ErrorCode::ServerBusy,
        &format!(
            "this server runs at most {max} export{} at a time and all are running; retry in {BUSY_RETRY_AFTER_SECONDS} s",
            if max == 1 { "" } else { "s" }
        ),
    );
    response.headers_mut().insert(
        RETRY_AFTER,
        actix_web::http::header::HeaderValue::from(BUSY_RETRY_AFTER_SECONDS),
    );
    response
}

fn refusal(e: &AppError) -> HttpResponse {
    super::graphql::refusal_response(e.code, &e.message)
}
