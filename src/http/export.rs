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

use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use crate::auth;
use crate::error::AppError;
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
    let export = match Export::open(&state.db, &rows, format).await {
        Ok(export) => export,
        Err(e) => return refusal(&e),
    };
    let name = format!("{}.{}", dataset.name(), format.extension());
    tracing::info!(export = %name, "export started");
    let body = futures_util::stream::try_unfold(export, move |mut export| {
        let name = name.clone();
        async move {
            match export.next_chunk().await {
                Ok(Some(bytes)) => Ok(Some((web::Bytes::from(bytes), export))),
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

fn refusal(e: &AppError) -> HttpResponse {
    super::graphql::refusal_response(e.code, &e.message)
}
