//! GraphiQL served by the binary: a self-contained page, long-cached hashed assets, and
//! a real browser running a query through it with the network blocked.

use serde_json::{Value, json};

use crate::support::TestApp;
use crate::support::browser::{self, Browser};
use crate::support::fixtures::ingest_fixtures;

/// The assets the page references (`/assets/...` in `src` and `href`).
fn asset_paths(html: &str) -> Vec<String> {
    html.split(['"', '\''])
        .filter(|part| part.starts_with("/assets/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn graphiql_page_needs_no_other_host_and_its_hashed_assets_are_cached_for_a_year() {
    let app = TestApp::spawn().await;
    let page = app.client.get(app.url("/")).send().await.expect("sent");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let html = page.text().await.expect("body");
    assert!(
        !html.contains("http:") && !html.contains("https:") && !html.contains("//"),
        "the page names another host: {html}"
    );
    let assets = asset_paths(&html);
    assert_eq!(assets.len(), 2, "one script and one stylesheet: {html}");
    for path in &assets {
        // main-XXXXXXXX.js: the name carries a hash of the content.
        let name = path.trim_start_matches("/assets/");
        let (stem, _ext) = name.rsplit_once('.').expect("an extension");
        let hash = stem.strip_prefix("main-").expect("main-<hash>");
        assert_eq!(hash.len(), 8, "{name}");
        let asset = app.client.get(app.url(path)).send().await.expect("sent");
        assert_eq!(asset.status(), 200, "{path}");
        assert_eq!(
            asset.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let content_type = asset.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            content_type.starts_with(if name.ends_with(".js") {
                "text/javascript"
            } else {
                "text/css"
            }),
            "{path}: {content_type}"
        );
        assert!(asset.bytes().await.expect("body").len() > 10_000, "{path}");
    }
    let missing = app
        .client
        .get(app.url("/assets/main-00000000.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 404);
}

/// Resolves when `condition` (a JavaScript expression) is truthy, with its value; fails
/// after 30 s (a bound on a broken page, not a synchronization delay).
fn wait_for(condition: &str) -> String {
    format!(
        "new Promise((resolve, reject) => {{
            const deadline = Date.now() + 30000;
            const check = () => {{
                let value;
                try {{ value = ({condition}); }} catch (e) {{}}
                if (value) return resolve(value);
                if (Date.now() > deadline) return reject(new Error('timed out waiting for: ' + {condition:?}));
                requestAnimationFrame(check);
            }};
            check();
        }})"
    )
}

#[tokio::test]
async fn graphiql_in_a_browser_without_network_runs_the_tour_query_and_shows_its_result() {
    let Some(chromium) = browser::chromium() else {
        assert!(
            !browser::required(),
            "BROWSER_TESTS=required but Chromium is not installed (apt-get install chromium chromium-driver)"
        );
        println!("skipped: Chromium is not installed (apt-get install chromium chromium-driver)");
        return;
    };
    let app = TestApp::spawn().await;
    ingest_fixtures(&app).await;
    let browser = Browser::start(&chromium);
    let mut page = browser.open(&app.url("/")).await;

    // The page opens with the tour: the archive page query in the first tab, then the
    // list page, the data-team question and the subscription.
    let tabs = page
        .eval(&wait_for(
            "document.querySelectorAll('.graphiql-tab').length === 4 && \
             [...document.querySelectorAll('.graphiql-tab')].map(t => t.querySelector('.graphiql-tab-button').textContent)",
        ))
        .await;
    assert_eq!(
        tabs,
        json!(["ArticlePage", "ListPage", "TopSpeakers", "NewArticles"])
    );
    let query = page
        .eval(&wait_for(
            "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()",
        ))
        .await;
    assert!(
        query.as_str().is_some_and(|q| q.contains(
            "article(slug: \"2022-02-28-xi-instructed-to-support-russia-over-western-sanctions\")"
        )),
        "{query}"
    );

    // Run it through the UI and read the result pane.
    page.eval("document.querySelector('.graphiql-execute-button').click()")
        .await;
    let shown = page
        .eval(&wait_for(
            "(v => v.includes('publishedOn') && v)(\
             document.querySelector('.result-window .CodeMirror').CodeMirror.getValue())",
        ))
        .await;
    let result: Value = serde_json::from_str(shown.as_str().expect("text")).expect("JSON shown");
    let article = &result["data"]["article"];
    assert_eq!(
        article["title"],
        "Xi instructed to “support Russia” over Western sanctions"
    );
    assert_eq!(article["publishedOn"], "2022-02-28");
    assert_eq!(article["authors"], json!([{ "name": "Oki Seima" }]));

    // Everything the page loaded came from the archive itself.
    let foreign = page
        .eval(
            "performance.getEntriesByType('resource').map(e => e.name)\
             .filter(u => !u.startsWith(location.origin))",
        )
        .await;
    assert_eq!(foreign, json!([]));

    let png = page.screenshot().await;
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphiql.png");
    std::fs::write(&path, &png).expect("screenshot written");
    println!("screenshot: {}", path.display());
}
