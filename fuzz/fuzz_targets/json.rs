//! The JSON and NDJSON readers: any bytes give articles or typed errors, never a panic,
//! and the extractor runs on what they read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use news_archive::ingest::{self, Format};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = ingest::decode(data) else {
        return;
    };
    let articles = match ingest::detect_format(text) {
        Format::Ndjson => ingest::parse_ndjson(text),
        Format::Json | Format::Print => vec![ingest::parse_json(text)],
    };
    // NDJSON is also read line by line whatever the first line looks like.
    let lines = ingest::parse_ndjson(text);
    for article in articles.into_iter().chain(lines).flatten() {
        let _ = ingest::extract(&article);
    }
});
