//! The print-view parser and the extractor: any bytes either give an article or a typed
//! error, and every span the extractor reports holds exactly the characters it names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use news_archive::domain::{ParsedArticle, Span};
use news_archive::ingest;

fn characters(article: &ParsedArticle, span: Span) -> Option<String> {
    let paragraph = article.paragraphs.get(span.paragraph as usize)?;
    let (start, end) = (span.start as usize, span.end as usize);
    (start <= end && end <= paragraph.chars().count())
        .then(|| paragraph.chars().skip(start).take(end - start).collect())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = ingest::decode(data) else {
        return;
    };
    let Ok(article) = ingest::parse_print(text) else {
        return;
    };
    let extraction = ingest::extract(&article);
    for mention in extraction
        .people
        .iter()
        .flat_map(|p| &p.mentions)
        .chain(extraction.organizations.iter().flat_map(|o| &o.mentions))
    {
        assert_eq!(
            characters(&article, mention.span).as_deref(),
            Some(mention.surface.as_str())
        );
    }
    for quote in &extraction.quotes {
        assert_eq!(
            characters(&article, quote.span).as_deref(),
            Some(quote.text.as_str())
        );
    }
});
