//! Writes generated articles as NDJSON, one article object per line, in the JSON input
//! format `archive ingest` reads: `cargo run --release --example synth_ndjson N [SEED] > F`.
//! The same (N, SEED) as `archive seed --articles N --seed SEED` gives the same articles, so
//! the two load paths can be timed on one corpus.
use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for index in 0..count {
        let generated = news_archive::synth::generate(seed, index);
        let article = news_archive::ingest::parse_print(&generated.text)
            .expect("generated print views parse");
        serde_json::to_writer(&mut out, &article)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
