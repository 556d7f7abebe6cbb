//! Property tests: whatever text comes in, the readers either give an article or a typed
//! [`ParseError`] (no panic), and every span the extractor reports points at exactly the
//! characters it names. Inputs are fixture articles with random edits, pages assembled
//! from words the extractor reacts to (names, titles, cues, quotation marks, multi-byte
//! letters), JSON objects with arbitrary field values, and arbitrary text.

use proptest::prelude::*;

use super::{
    Format, ParseError, decode, detect_format, extract, parse_json, parse_ndjson, parse_print,
};
use crate::domain::{ParsedArticle, Span};

const FIXTURES: [&str; 3] = [
    include_str!("../../tests/fixtures/articles/abridged_subheadings.txt"),
    include_str!("../../tests/fixtures/articles/fragments_title_quote.txt"),
    include_str!("../../tests/fixtures/articles/ambassador_no_section.txt"),
];

const JSON_FIXTURE: &str = include_str!("../../tests/fixtures/articles/json_article.json");

/// Pieces the parser and the extractor treat specially.
const PIECES: &[&str] = &[
    "print PRINT\n\n",
    "INTERNATIONAL > East Asia\n\n",
    "  • March 1, 2024\n",
    "  • , Yomiuri , p. 2\n",
    "  • JMH Translation\n",
    "(Abridged)\n",
    "\n\n",
    "\n",
    "TOKYO — ",
    "Prime Minister Kishida Fumio",
    "Xi Jinping",
    "Mr. Hayashi",
    "the Ministry of Foreign Affairs (MOFA)",
    "MOFA",
    "Astellas Pharma Inc.",
    "Co., Ltd.",
    " said, ",
    " told reporters, ",
    "“",
    "”",
    "\"",
    "’",
    "We strongly request his early release,",
    " he added.",
    "A senior official, who asked not to be named, said: ",
    // Forms of the rules-6 round.
    "A 40-year-old nurse who works nights",
    " she said.",
    ", the rights group representing them,",
    "Whitcombe & Hale LLP",
    "the Chinese Embassy to the EU",
    "Ministry of Trade, Industry and Energy",
    "Defence Research and Development Organisation (DRDO)",
    "Holdings’ ",
    " calling it ",
    "the town of ",
    "Taipei-based ",
    "NPO ",
    "Kuomintang (KMT)",
    "SYDNEY, Aug 12 (Reuters) - ",
    " U.N. resolutions, adviser Han Seung-woo said",
    "quoting her as saying: ",
    "the head of the Kisakata fisheries cooperative",
    // Forms of the rules-7 round.
    "Published: 2025-07-02 14:20 KST | Updated: 2025-07-02 16:05 KST\n",
    "07/04/2025 02:14 PM\n",
    "Updated 2:20 AM GMT+8, July 9, 2025\n",
    "\nSHARE\n",
    "\n(By Lin Yu-ting)\nEnditem/kh\n",
    "\nReporting by Mori Haruka; Editing by Sam Holloway\n",
    "[Exclusive] ",
    "{Update} ",
    " van der Berg",
    " bin Hashim",
    "PT Nusantara Karya",
    "Supreme People's Court",
    "Bangkok Post-Herald",
    " told a news conference:\n\n",
    " 500 more ",
    "The court said ",
    "Quang's lawyer, Le Thi Hoa, ",
    "Workers check lines. (Kaigan)\n",
    "東京",
    "é",
    "e\u{301}",
    "👍🏽",
    "\u{feff}",
    "\r\n",
    "\t",
    "date 2022-02-28\n",
    "By Tanaka Aiko\n",
    "Source: Kyodo\n",
    " ",
    ".",
    ",",
    ":",
    "(",
    ")",
];

fn page() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..120).prop_map(|p| p.concat())
}

/// A fixture with up to eight random edits (insertions of pieces or arbitrary text,
/// deletions of ranges), at character boundaries.
fn edited_fixture() -> impl Strategy<Value = String> {
    let edit = (
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
        prop_oneof![
            prop::sample::select(PIECES).prop_map(str::to_owned),
            ".{0,12}",
            Just(String::new()),
        ],
    );
    (
        prop::sample::select(FIXTURES.to_vec()),
        prop::collection::vec(edit, 0..8),
    )
        .prop_map(|(text, edits)| {
            let mut chars: Vec<char> = text.chars().collect();
            for (at, len, insert) in edits {
                let start = at.index(chars.len() + 1);
                let end = (start + len.index(20)).min(chars.len());
                chars.splice(start..end, insert.chars());
            }
            chars.into_iter().collect()
        })
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        ".{0,30}".prop_map(serde_json::Value::String),
        page().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "title",
                    "body",
                    "paragraphs",
                    "date",
                    "published_on",
                    "kind",
                    "outlets",
                    "sources",
                    "section",
                    "byline",
                    "dateline",
                    "tags",
                    "source_url",
                    "url",
                    "abridged",
                    "language",
                    "name",
                    "page",
                    "publication",
                ])
                .prop_map(str::to_owned),
                inner,
                0..8,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The characters of `span` in the article, if the span is inside it.
fn characters(article: &ParsedArticle, span: Span) -> Option<String> {
    let paragraph = article.paragraphs.get(span.paragraph as usize)?;
    let (start, end) = (span.start as usize, span.end as usize);
    if start > end || end > paragraph.chars().count() {
        return None;
    }
    Some(paragraph.chars().skip(start).take(end - start).collect())
}

/// Every mention's span holds its surface form and every quote's span its text.
fn check_spans(article: &ParsedArticle) -> Result<(), TestCaseError> {
    let extraction = extract(article);
    let mentions = extraction
        .people
        .iter()
        .flat_map(|p| &p.mentions)
        .chain(extraction.organizations.iter().flat_map(|o| &o.mentions));
    for mention in mentions {
        let found = characters(article, mention.span);
        prop_assert_eq!(
            found.as_deref(),
            Some(mention.surface.as_str()),
            "mention span {:?}",
            mention.span
        );
    }
    for quote in &extraction.quotes {
        let found = characters(article, quote.span);
        prop_assert_eq!(
            found.as_deref(),
            Some(quote.text.as_str()),
            "quote span {:?}",
            quote.span
        );
    }
    Ok(())
}

/// Reads `text` the way the loader does; every outcome is an article or a typed error.
fn read(text: &str) -> Vec<Result<ParsedArticle, ParseError>> {
    match detect_format(text) {
        Format::Print => vec![parse_print(text)],
        Format::Json => vec![parse_json(text)],
        Format::Ndjson => parse_ndjson(text),
    }
}

fn check_text(text: &str) -> Result<(), TestCaseError> {
    for article in read(text).into_iter().flatten() {
        prop_assert!(!article.title.trim().is_empty());
        check_spans(&article)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_decode_or_give_a_typed_error(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        match decode(&bytes) {
            Ok(text) => prop_assert!(!text.trim().is_empty()),
            Err(e) => prop_assert!(matches!(e, ParseError::NotUtf8 | ParseError::Empty)),
        }
    }

    #[test]
    fn arbitrary_text_parses_or_gives_a_typed_error(text in ".{0,400}") {
        check_text(&text)?;
    }

    #[test]
    fn assembled_pages_parse_and_spans_point_at_their_characters(text in page()) {
        check_text(&text)?;
    }

    #[test]
    fn edited_fixtures_parse_and_spans_point_at_their_characters(text in edited_fixture()) {
        check_text(&text)?;
    }

    #[test]
    fn json_objects_parse_or_give_a_typed_error(value in json_value()) {
        let one = value.to_string();
        check_text(&one)?;
        // The same object as an NDJSON line among others.
        let line = &*JSON_FIXTURE_LINE;
        let lines = format!("{line}\n{one}\n{line}");
        let articles = parse_ndjson(&lines);
        prop_assert!(articles.len() >= 2, "one result per line");
        for article in articles.into_iter().flatten() {
            check_spans(&article)?;
        }
    }

    #[test]
    fn edited_json_parses_or_gives_a_typed_error(
        at in any::<prop::sample::Index>(),
        len in 0_usize..40,
        insert in ".{0,8}",
    ) {
        let mut chars: Vec<char> = JSON_FIXTURE.chars().collect();
        let start = at.index(chars.len() + 1);
        let end = (start + len).min(chars.len());
        chars.splice(start..end, insert.chars());
        check_text(&chars.into_iter().collect::<String>())?;
    }
}

/// The JSON fixture on one line.
static JSON_FIXTURE_LINE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    serde_json::from_str::<serde_json::Value>(JSON_FIXTURE)
        .map(|v| v.to_string())
        .unwrap_or_default()
});

#[test]
fn fixtures_spans_point_at_their_characters() {
    for text in FIXTURES.iter().chain([&JSON_FIXTURE]) {
        for article in read(text) {
            let article = article.expect("fixtures parse");
            let extraction = extract(&article);
            assert!(!extraction.people.is_empty());
            check_spans(&article).expect("spans");
        }
    }
}

/// Found by the property test: two straight quotes around a control character before a
/// word made the extractor slice a paragraph backwards.
#[test]
fn straight_quotes_around_a_control_character_do_not_panic() {
    let text = "print PRINT\n\nPOLITICS\n\nTitle\n\n  • September 7, 2023\n\nJAKARTA — Prime Minister Fumio Kishida attended a meeting with the As\"\u{e}\"of Southeast Asian Nations (ASEAN) in Jakarta and called for a “free and open Indo-Pacific.”\n";
    let article = parse_print(text).expect("parses");
    check_spans(&article).expect("spans");
}
