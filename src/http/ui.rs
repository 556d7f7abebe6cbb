//! GraphiQL, served from the binary: the page built from `ui/` by `build.rs` (GraphiQL,
//! React and graphql-ws bundled by esbuild) is embedded at compile time, so the page
//! works without any network but the archive's own. Assets have content-hashed names
//! and are cached for a year; the page itself is revalidated, so a new build is seen at
//! once.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

mod bundle {
    include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));
}

/// `GET /`: the GraphiQL page.
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(bundle::INDEX_HTML)
}

/// `GET /assets/{name}`: a file of the bundle; its name changes with its content.
pub async fn asset(name: web::Path<String>) -> HttpResponse {
    let Some((_, bytes)) = bundle::ASSETS.iter().find(|(n, _)| *n == name.as_str()) else {
        return HttpResponse::NotFound().finish();
    };
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type(&name)))
        .insert_header((CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(*bytes)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
