//! Articles per second through the pure pipeline: parse, extract, render gold.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use news_archive::ingest::{extract, parse_print, to_gold};

const ARTICLES: &[&str] = &[
    include_str!("../tests/fixtures/corpus/seed.txt"),
    include_str!("../tests/fixtures/articles/okinawa_summary.txt"),
    include_str!("../tests/fixtures/articles/national_papers.txt"),
    include_str!("../tests/fixtures/articles/ambassador_no_section.txt"),
    include_str!("../tests/fixtures/articles/wire_story.txt"),
    include_str!("../tests/fixtures/articles/abridged_subheadings.txt"),
    include_str!("../tests/fixtures/articles/fragments_title_quote.txt"),
    include_str!("../tests/fixtures/articles/korea_relations.txt"),
];

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(ARTICLES.len() as u64));
    group.bench_function("parse_extract_gold", |b| {
        b.iter(|| {
            for text in ARTICLES {
                if let Ok(article) = parse_print(std::hint::black_box(text)) {
                    let extraction = extract(&article);
                    std::hint::black_box(to_gold(&article, &extraction));
                }
            }
        });
    });
    // The synthetic corpus `archive seed` loads: longer articles, more quotes.
    let generated: Vec<String> = (0..64)
        .map(|i| news_archive::synth::generate(1, i).text)
        .collect();
    group.throughput(Throughput::Elements(generated.len() as u64));
    group.bench_function("generated_parse_extract", |b| {
        b.iter(|| {
            for text in &generated {
                if let Ok(article) = parse_print(std::hint::black_box(text)) {
                    std::hint::black_box(extract(&article));
                }
            }
        });
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
