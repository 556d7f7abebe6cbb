//! The print-view layout and the plain layouts of other outlets' pages.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::text::regex;

use super::{ParseError, parse_date};
use crate::domain::{ArticleKind, Outlet, ParsedArticle};

static SOURCE_URL_DATE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"/(\d{4})(\d{2})(\d{2})\d*(?:/|\.|\?|#|$)"));
static URL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^(?:(?i:source(?:\s+url)?|url|link)\s*:\s*)?(https?://\S+)$"));
// A date as pages write it in a header line: ISO, slashed (year first, or month first as
// American pages do: "07/04/2025"), or with the month's name ("July 5, 2025", "Jul. 8,
// 2025", "10 Jul, 2025").
const MONTH: &str = r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
static DATE_IN_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b(?:(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})|(\d{{4}})/(\d{{1,2}})/(\d{{1,2}})|(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})|({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})|(\d{{1,2}})\s+({MONTH})\.?,?\s+(\d{{4}}))\b"
    ))
});
// What else a dated header line may hold: times, zones, and the words around them
// ("Published: ... | Updated: ...", "2:20 PM GMT+9 Updated 3 hours ago", "Monday,").
static DATE_LINE_REST: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\b\.?)?|\b(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?|\b(?:published|publication|updated?|posted|first|last|modified|edited|date[ds]?|on|at|ago|just|now|hours?|hrs?|minutes?|mins?|days?|seconds?|secs?|[ap]m|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|rsday|urday)?\.?|(?-i:[A-Z]{1,3}[SD]?T|GMT|UTC))\b|\d+",
    )
});
// A short parenthesized label beside a date: "(Mainichi Japan)".
static PAREN_LABEL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\(\s*\p{Lu}[\p{L}.’'\-]*(?:\s+[\p{L}.’'\-]+){0,2}\s*\)"));
// "Source: Kaigan News Agency": the outlet of a wire or newspaper page.
static SOURCE_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^(?i:source|sources|publication)\s*:\s*(\S.{0,80})$"));
// An agency credit where a byline would be: "Kaigan News Agency", "(Kaigan)", "By Kyodo
// News", "BY JIJI".
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?i:By|From)\s+)?\(?(?:(?:\p{Lu}[\p{L}\-]*\s+){1,4}(?i:News\s+Agency|Agency|Press|News\s+Service|Newswire|Wire\s+Service|News)|(?i:Reuters|AFP|AP|Kyodo|Yonhap|Xinhua|Jiji|Bernama|Agence France-Presse|Associated Press))\)?(?:\s+(?i:staff|reporters?))?$",
    )
});
// An agency after the last author of a byline: "By HANA KIMURA and PAOLO REYES Associated
// Press".
static AGENCY_AFTER_AUTHOR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\s+(?i:(?:the\s+)?associated\s+press|reuters|afp|kyodo(?:\s+news)?|yonhap(?:\s+news(?:\s+agency)?)?|jiji(?:\s+press)?|xinhua(?:\s+news\s+agency)?|bloomberg)$",
    )
});
// An e-mail address, as pages print a reporter's.
const EMAIL: &str = r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+";
// Page furniture on a line of its own: sharing buttons, reading times, notes on the
// outlet's standards, end marks, links to the page in another language, a reporter's
// e-mail address.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^(?:share(?:\s+this(?:\s+article|\s+story)?)?|copy\s+link|link\s+copied|listen(?:\s+to\s+(?:this|the)\s+(?:article|story))?|\d+\s*min(?:ute)?s?\s+read|advertisement|read\s+more|related(?:\s+articles|\s+stories|\s+news)?|(?:japanese|korean|chinese|english)\s+version|\(\s*end\s*\)|end|-*\s*enditem(?:/\w+)?\s*-*|why\s+you\s+can\s+trust\s+\S.{{0,40}}|our\s+standards:.{{0,80}}|\(?{EMAIL}\)?|(?:updated|posted|published)\s+\d+\s+(?:minutes?|hours?|days?)\s+ago|(?:senior\s+|staff\s+)?(?:writers?|reporters?|correspondents?)|staff|related:.{{0,120}}|\(?editor[’']s\s+note:.{{0,300}})$",
    ))
});
// The credits that close a wire story: "Reporting by X; Editing by Y", in parentheses or not.
// Only names follow each "by" ("Reporting by the Asahi Shimbun revealed ..." is a sentence).
static CREDIT_TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    let credit = r"(?i:(?:additional\s+)?reporting|writing|editing|compiled|translated|graphics|photos?|research)\s+by\s+\p{Lu}[\p{L}.’'\-]*(?:(?:\s+|\s*,\s*)(?:\p{Lu}[\p{L}.’'\-]*|in|and))*";
    regex(&format!(r"^\(?{credit}(?:\s*;\s*{credit})*\)?\.?$"))
});
// A byline closing the article: "By Yoo Eun-bi (eunbi@example.com)", "(By Lin Yu-ting)".
static LATE_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^\(?(?:By|BY|by)\s+(\p{{Lu}}[\p{{L}}’'\-]*(?:\s+\p{{Lu}}[\p{{L}}’'\-]*){{1,3}}(?:(?:,\s*|\s+and\s+)\p{{Lu}}[\p{{L}}’'\-]*(?:\s+\p{{Lu}}[\p{{L}}’'\-]*){{1,3}})*)\)?(?:\s*\(?{EMAIL}\)?)?$",
    ))
});
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:By|BY|by)\s+(\p{Lu}[\p{L}.’'\-]*(?:\s+\p{Lu}[\p{L}.’'\-]*){0,3}(?:(?:,\s*|\s+and\s+)\p{Lu}[\p{L}.’'\-]*(?:\s+\p{Lu}[\p{L}.’'\-]*){0,3})*)(?:\s*[,/(\[].*)?$",
    )
});
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:\(?(?i:photo|file photo|caption|image|picture)\b|\[(?i:photo)|.*\((?i:photo|reuters|kyodo|afp|ap)(?:/[^)]*)?\)$|.{10,200}[.!?]\s*\(\p{Lu}[\p{L}\- ]{1,30}(?:/[^)]*)?\)$)",
    )
});
// "BEIJING — ", "TOKYO, Oct 24 (Reuters) - ", "Naha, Okinawa Pref. -- "
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(\p{Lu}[\p{L}.’'\-]*(?:[ ]\p{Lu}[\p{L}.’'\-]*){0,3}(?:,[ ]\p{Lu}[\p{L}’'\-]*(?:[ ]\p{Lu}[\p{L}’'\-]*)?(?:[ ]Pref\.|[ ]Prefecture)?)?)(?:,[ ](?:\p{Lu}[a-z]{2,8}\.?[ ]\d{1,2}(?:,[ ]\d{4})?))?(?:[ ](\([\p{L} ]+\)))?[ ]*(?:—|–|--|-)[ ]+",
    )
});

/// The place a first paragraph opens with ("BEIJING — ..." gives "BEIJING").
pub(crate) fn dateline_of(first_paragraph: &str) -> Option<String> {
    let place = DATELINE.captures(first_paragraph)?.get(1)?;
    Some(place.as_str().trim().to_owned())
}

/// Where the outlet's credit in a first paragraph's dateline sits ("(Reuters)" of
/// "SYDNEY, Aug 12 (Reuters) - "): the outlet that wrote the article, not a body it names.
pub(crate) fn dateline_credit(first_paragraph: &str) -> Option<(usize, usize)> {
    let credit = DATELINE.captures(first_paragraph)?.get(2)?;
    Some((credit.start(), credit.end()))
}

/// Reads the date from a source URL of the form `.../YYYYMMDDnnnnnn/`.
pub fn date_from_source_url(url: &str) -> Option<NaiveDate> {
    let caps = SOURCE_URL_DATE.captures(url)?;
    let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = i32::try_from(num(1)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(2)?, num(3)?)
}

fn bullet(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix('•').map(str::trim)
}

/// Splits "Yomiuri , p. 7" or "All national papers , NHK, Fuji TV" into outlets with pages.
pub(crate) fn parse_sources(line: &str) -> Vec<Outlet> {
    let mut outlets: Vec<Outlet> = Vec::new();
    for part in line.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let page = part
            .strip_prefix("pp.")
            .or_else(|| part.strip_prefix("p."))
            .or_else(|| part.strip_prefix("P."))
            .map(str::trim)
            .filter(|p| !p.is_empty() && p.len() <= 12);
        // "pp. 1, 3" and "Evening edition" are not outlets.
        let not_outlet = part.chars().all(|c| c.is_ascii_digit() || c == '-')
            || part.to_lowercase().contains("edition");
        if page.is_none() && not_outlet {
            continue;
        }
        match (page, outlets.last_mut()) {
            (Some(page), Some(last)) if last.page.is_none() => last.page = Some(page.to_owned()),
            (Some(_), _) => {}
            (None, _) => outlets.push(Outlet {
                name: part.to_owned(),
                page: None,
            }),
        }
    }
    outlets
}

/// The sources line as a reader would write it: outlet names joined by ", ".
pub(crate) fn publication_of(outlets: &[Outlet]) -> Option<String> {
    if outlets.is_empty() {
        return None;
    }
    Some(
        outlets
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn is_section(line: &str) -> bool {
    line.contains(" > ")
        || (line.len() <= 40
            && line.chars().any(char::is_alphabetic)
            && line.chars().all(|c| !c.is_lowercase()))
}

/// Parses a print view (or a bullet-less page of another outlet) into an article.
pub fn parse_print(text: &str) -> Result<ParsedArticle, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut i = 0;
    let skip_blank = |i: &mut usize| {
        while lines.get(*i).is_some_and(|l| l.trim().is_empty()) {
            *i += 1;
        }
    };
    skip_blank(&mut i);
    if lines
        .get(i)
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("print print"))
    {
        i += 1;
    }

    // Header lines until the first bullet, a byline, or a blank after the title. Wire and
    // newspaper pages put a date line, an agency credit or a photo caption around the title,
    // and some have no title line at all.
    let mut header: Vec<&str> = Vec::new();
    let mut meta = HeaderMeta::default();
    loop {
        skip_blank(&mut i);
        let Some(line) = lines.get(i) else { break };
        let t = line.trim();
        if bullet(line).is_some() || (BYLINE.is_match(t) && !CREDIT.is_match(t)) {
            break;
        }
        if meta.take(t) {
            i += 1;
            continue;
        }
        if is_body_line(t) {
            break;
        }
        if header.is_empty() && is_section(t) && !t.contains(" > ") && !header_has_more(&lines, i) {
            // A lone all-caps line followed only by body text is the title itself.
            header.push(t);
            i += 1;
            break;
        }
        header.push(t);
        i += 1;
        if header.len() == 2 || !is_section(t) {
            break;
        }
    }
    let (section, title) = match header.as_slice() {
        [] => (Vec::new(), ""),
        [title] => (Vec::new(), *title),
        [section, title, ..] if is_section(section) => (
            section
                .split('>')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            *title,
        ),
        [title, ..] => (Vec::new(), *title),
    };
    let title = title.trim();

    let mut article = ParsedArticle {
        title: title.to_owned(),
        title_derived: false,
        kind: ArticleKind::Original,
        published_on: meta.date,
        publication: None,
        outlets: Vec::new(),
        section,
        byline: Vec::new(),
        dateline: None,
        paragraphs: Vec::new(),
        abridged: false,
        source_url: None,
        language: "en".to_owned(),
        original_language: None,
        tags: Vec::new(),
    };

    // Bullet block right after the title.
    skip_blank(&mut i);
    while let Some(line) = lines.get(i) {
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        let Some(item) = bullet(line) else { break };
        i += 1;
        if let Some(sources) = item.strip_prefix(',') {
            let outlets = parse_sources(sources);
            if !outlets.is_empty() {
                article.publication = publication_of(&outlets);
                article.outlets = outlets;
            }
        } else if item.eq_ignore_ascii_case("JMH Translation") {
            article.kind = ArticleKind::Translation;
        } else if item.eq_ignore_ascii_case("JMH Summary") {
            article.kind = ArticleKind::Summary;
        } else if let Some(date) = parse_date(item) {
            article.published_on = Some(date);
        }
    }

    // The trailing bullet block is site navigation: drop it.
    let mut end = lines.len();
    while end > i {
        let l = lines[end - 1];
        if l.trim().is_empty() || bullet(l).is_some() {
            end -= 1;
        } else {
            break;
        }
    }

    // Paragraphs, with header-like lines (date, byline, captions, URL) taken out.
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut in_body = false;
    let mut source_line: Option<String> = None;
    let flush = |current: &mut Vec<&str>, paragraphs: &mut Vec<String>| {
        if !current.is_empty() {
            paragraphs.push(current.join(" "));
            current.clear();
        }
    };
    // A byline line met in the body: (paragraphs before it, its names). It is the article's
    // byline if only furniture follows it, else a paragraph of the body.
    let mut late_byline: Option<(usize, &str, Vec<String>)> = None;
    for line in &lines[i..end] {
        let t = line.trim();
        if t.is_empty() {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        // "Photo: Kaigan" between paragraphs: a picture's credit, not text of the article.
        static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
            regex(
                r"^(?i:photo|file photo|photograph|image|picture|video)(?i: credit)?\s*:\s*\S.{0,60}$",
            )
        });
        if FURNITURE.is_match(t) || CREDIT_TRAILER.is_match(t) || PHOTO_CREDIT.is_match(t) {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        if in_body && let Some(names) = LATE_BYLINE.captures(t).and_then(|c| c.get(1)) {
            flush(&mut current, &mut paragraphs);
            if let Some((at, text, _)) = late_byline.take() {
                paragraphs.insert(at, text.to_owned());
            }
            late_byline = Some((paragraphs.len(), t, split_authors(names.as_str())));
            continue;
        }
        if let Some(url) = URL.captures(t).and_then(|c| c.get(1)) {
            // A link line that is no usable URL is dropped like other page furniture.
            article.source_url = crate::domain::source_url(url.as_str())
                .ok()
                .or(article.source_url.take());
            flush(&mut current, &mut paragraphs);
            continue;
        }
        if let Some(outlet) = SOURCE_LINE.captures(t).and_then(|c| c.get(1)) {
            source_line = Some(outlet.as_str().trim().to_owned());
            flush(&mut current, &mut paragraphs);
            continue;
        }
        if t.eq_ignore_ascii_case("(abridged)") {
            article.abridged = true;
            flush(&mut current, &mut paragraphs);
            continue;
        }
        // Until the body's first sentence, short lines are the page's header: a date line
        // may come after a line no rule knows ("STAFF WRITER", a kicker).
        let before_sentences = current.is_empty()
            && paragraphs
                .iter()
                .all(|p| p.len() < 60 && !p.ends_with(['.', '”', '"']));
        if before_sentences
            && article.published_on.is_none()
            && let Some(date) = header_date(t)
        {
            article.published_on = date;
            continue;
        }
        if !in_body && current.is_empty() {
            if let Some(date) = header_date(t) {
                article.published_on = article.published_on.or(date);
                continue;
            }
            if CREDIT.is_match(t) {
                continue;
            }
            if article.byline.is_empty()
                && let Some(names) = BYLINE.captures(t).and_then(|c| c.get(1))
            {
                article.byline = split_authors(names.as_str());
                continue;
            }
            if CAPTION.is_match(t) {
                continue;
            }
        }
        in_body = true;
        current.push(t);
    }
    flush(&mut current, &mut paragraphs);
    if let Some((at, text, names)) = late_byline {
        if at == paragraphs.len() && article.byline.is_empty() {
            article.byline = names;
        } else if at < paragraphs.len() {
            paragraphs.insert(at, text.to_owned());
        }
    }

    article.dateline = paragraphs.first().and_then(|p| dateline_of(p));
    // "Minato Daily" above the dateline and again on the `Source:` line is the outlet's
    // credit, not a headline.
    if source_line.as_deref() == Some(article.title.trim()) {
        article.title.clear();
    }
    if article.publication.is_none() {
        article.publication = source_line;
    }
    if article.title.is_empty() || bullet(&article.title).is_some() {
        // No title line: the first sentence stands in, flagged as derived.
        // (A paragraph that is only a dateline, "TOKYO — .", has no sentence to give.)
        article.title = paragraphs
            .iter()
            .map(|p| first_sentence(p))
            .find(|s| s.chars().any(char::is_alphabetic))
            .ok_or(ParseError::NoTitle)?;
        article.title_derived = true;
    }
    article.paragraphs = paragraphs;
    if article.published_on.is_none() {
        article.published_on = article.source_url.as_deref().and_then(date_from_source_url);
    }
    if article.kind != ArticleKind::Original {
        article.original_language = Some("ja".to_owned());
    }
    Ok(article)
}

/// Metadata lines found among the header lines.
#[derive(Default)]
struct HeaderMeta {
    date: Option<NaiveDate>,
}

impl HeaderMeta {
    /// Takes a date line, an agency credit or a photo caption; false for any other line.
    fn take(&mut self, line: &str) -> bool {
        if let Some(date) = header_date(line) {
            self.date = self.date.or(date);
            return true;
        }
        CREDIT.is_match(line) || CAPTION.is_match(line) || URL.is_match(line)
    }
}

/// A date line or dated header line: `Some(date)` when it names a calendar date,
/// `Some(None)` for a date-shaped line that is not one ("date 2025-02-30").
///
/// A line is a date line when, besides its dates, it holds only times, time zones and the
/// words pages put around them ("Published: ... | Updated: ...", "Updated 3 hours ago"),
/// plus at most a short parenthesized label ("(Mainichi Japan)"), an agency credit ("KYODO
/// NEWS - Jul 7, 2025 - 14:20") and short `|`-separated labels after the date ("| World").
fn header_date(line: &str) -> Option<Option<NaiveDate>> {
    if line.len() > 140 {
        return None;
    }
    let found = DATE_IN_LINE.captures(line)?;
    let whole = found.get(0)?;
    let date_segment = line[..whole.start()].matches('|').count();
    for (i, segment) in line.split('|').enumerate() {
        let rest = DATE_IN_LINE.replace_all(segment, " ");
        let rest = DATE_LINE_REST.replace_all(&rest, " ");
        let rest = PAREN_LABEL.replace_all(&rest, " ");
        let words: Vec<&str> = rest
            .split(|c: char| !c.is_alphanumeric() && !matches!(c, '\'' | '’' | '-' | '.'))
            .map(|w| w.trim_matches(['.', '-', '\'', '’']))
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .collect();
        // Before the date, only an agency's credit; after it, a section's short label.
        let fits = if i <= date_segment {
            words.is_empty() || CREDIT.is_match(&words.join(" "))
        } else {
            words.len() <= 4
        };
        if !fits {
            return None;
        }
    }
    let num = |i: usize| found.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let month_of = |i: usize| {
        let name = found.get(i)?.as_str().to_lowercase();
        [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .position(|m| name.starts_with(m))
        .and_then(|m| u32::try_from(m + 1).ok())
    };
    let ymd = |y: Option<u32>, m: Option<u32>, d: Option<u32>| {
        NaiveDate::from_ymd_opt(i32::try_from(y?).ok()?, m?, d?)
    };
    let date = if found.get(1).is_some() {
        ymd(num(1), num(2), num(3))
    } else if found.get(4).is_some() {
        ymd(num(4), num(5), num(6))
    } else if found.get(7).is_some() {
        // Month first, as American pages write it, unless the first number cannot be one.
        let (a, b) = (num(7), num(8));
        if a.is_some_and(|a| a > 12) {
            ymd(num(9), b, a)
        } else {
            ymd(num(9), a, b)
        }
    } else if found.get(10).is_some() {
        ymd(num(12), month_of(10), num(11))
    } else {
        ymd(num(15), month_of(14), num(13))
    };
    Some(date)
}

/// Whether a header candidate is already the body: it opens with a dateline, or it is a
/// long run of sentences.
fn is_body_line(line: &str) -> bool {
    DATELINE.is_match(line)
        || (line.len() > 160
            && (line.ends_with(['.', '”', '"']) || line.contains(". "))
            && line.split_whitespace().count() > 25)
}

/// The first sentence of a paragraph, without its dateline, at most about 200 characters.
fn first_sentence(paragraph: &str) -> String {
    let body = DATELINE
        .find(paragraph)
        .map_or(paragraph, |m| &paragraph[m.end()..])
        .trim();
    let mut end = body.len();
    for (b, c) in body.char_indices() {
        if matches!(c, '.' | '!' | '?')
            && body[b + 1..].starts_with(' ')
            && body[b + 1..]
                .trim_start()
                .starts_with(|n: char| n.is_uppercase() || n == '“' || n == '"')
            && !ends_with_abbreviation(&body[..b])
        {
            end = b;
            break;
        }
    }
    let sentence = body[..end].trim_end_matches(['.', '!', '?']);
    if sentence.len() <= 200 {
        return sentence.to_owned();
    }
    let cut = sentence
        .char_indices()
        .take_while(|(b, _)| *b <= 200)
        .filter(|(_, c)| c.is_whitespace())
        .last()
        .map_or(sentence.len(), |(b, _)| b);
    format!("{}…", &sentence[..cut])
}

fn ends_with_abbreviation(text: &str) -> bool {
    let word = text.rsplit(' ').next().unwrap_or("");
    word.len() <= 4 && word.starts_with(char::is_uppercase)
        || matches!(word, "p" | "pp" | "vs" | "No")
}

/// Whether a second header line follows line `i` before the bullets or body.
fn header_has_more(lines: &[&str], i: usize) -> bool {
    let next = lines
        .iter()
        .skip(i + 1)
        .map(|l| l.trim())
        .find(|l| !l.is_empty());
    next.is_some_and(|l| {
        !l.starts_with('•') && l.len() < 200 && !l.ends_with('.') && !BYLINE.is_match(l)
    })
}

pub(crate) fn split_authors(names: &str) -> Vec<String> {
    // "By Oki Seima, Yomiuri Shimbun Staff Writer": the affiliation is not an author.
    let affiliation = |p: &str| {
        p.split_whitespace().any(|w| {
            matches!(
                w,
                "Staff" | "Writer" | "Writers" | "Correspondent" | "Reporter" | "Bureau" | "Editor"
            ) || super::lexicon::ORG_HEADS.contains_key(w)
        })
    };
    names
        .split(',')
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .map(|p| AGENCY_AFTER_AUTHOR.replace(p, ""))
        .filter(|p| !p.is_empty() && !affiliation(p))
        .map(|p| p.into_owned())
        .collect()
}
