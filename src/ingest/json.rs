//! Structured input: one JSON object per article, or NDJSON with one per line.

use serde_json::{Map, Value};

use super::print::{
    date_from_source_url, dateline_of, parse_sources, publication_of, split_authors,
};
use super::{ParseError, parse_date};
use crate::domain::{ArticleKind, Outlet, ParsedArticle};

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    obj.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn outlets(obj: &Map<String, Value>) -> Vec<Outlet> {
    match obj.get("outlets").or_else(|| obj.get("sources")) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(name) => Some(Outlet {
                    name: name.trim().to_owned(),
                    page: None,
                }),
                Value::Object(o) => Some(Outlet {
                    name: str_field(o, "name")?.to_owned(),
                    page: match o.get("page") {
                        Some(Value::Number(n)) => Some(n.to_string()),
                        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
                        _ => None,
                    },
                }),
                _ => None,
            })
            .filter(|o| !o.name.is_empty())
            .collect(),
        _ => str_field(obj, "publication")
            .map(parse_sources)
            .unwrap_or_default(),
    }
}

fn paragraphs(obj: &Map<String, Value>) -> Result<Vec<String>, ParseError> {
    if let Some(list) = obj.get("paragraphs") {
        return Ok(strings(Some(list)));
    }
    let body = obj
        .get("body")
        .and_then(Value::as_str)
        .ok_or(ParseError::MissingField("body"))?;
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    Ok(out)
}

fn from_value(value: Value) -> Result<ParsedArticle, ParseError> {
    let Value::Object(obj) = value else {
        return Err(ParseError::InvalidJson("expected a JSON object".to_owned()));
    };
    let title = str_field(&obj, "title")
        .ok_or(ParseError::MissingField("title"))?
        .to_owned();
    let paragraphs = paragraphs(&obj)?;
    let source_url = str_field(&obj, "source_url")
        .or_else(|| str_field(&obj, "url"))
        .map(crate::domain::source_url)
        .transpose()?;
    let published_on = match str_field(&obj, "date").or_else(|| str_field(&obj, "published_on")) {
        Some(d) => Some(parse_date(d).ok_or_else(|| ParseError::InvalidDate(d.to_owned()))?),
        None => source_url.as_deref().and_then(date_from_source_url),
    };
    let kind = match str_field(&obj, "kind")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("translation" | "jmh translation") => ArticleKind::Translation,
        Some("summary" | "jmh summary") => ArticleKind::Summary,
        _ => ArticleKind::Original,
    };
    let outlets = outlets(&obj);
    let section = match obj.get("section") {
        Some(Value::String(s)) => s
            .split('>')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        other => strings(other),
    };
    let byline = match obj.get("byline") {
        Some(Value::String(s)) => split_authors(s.trim().trim_start_matches("By ")),
        other => strings(other),
    };
    let original_language = str_field(&obj, "original_language")
        .map(str::to_owned)
        .or_else(|| (kind != ArticleKind::Original).then(|| "ja".to_owned()));
    Ok(ParsedArticle {
        title_derived: false,
        title,
        kind,
        published_on,
        publication: publication_of(&outlets)
            .or_else(|| str_field(&obj, "publication").map(str::to_owned)),
        outlets,
        section,
        byline,
        dateline: str_field(&obj, "dateline")
            .map(str::to_owned)
            .or_else(|| paragraphs.first().and_then(|p| dateline_of(p))),
        paragraphs,
        abridged: obj
            .get("abridged")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        source_url,
        language: str_field(&obj, "language").unwrap_or("en").to_owned(),
        original_language,
        tags: strings(obj.get("tags")),
    })
}

/// Parses one JSON object with explicit fields into an article.
pub fn parse_json(text: &str) -> Result<ParsedArticle, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let value: Value =
        serde_json::from_str(text).map_err(|e| ParseError::InvalidJson(e.to_string()))?;
    from_value(value)
}

/// Parses NDJSON: one result per non-blank line, so one bad line does not stop the batch.
///
/// A JSON array of objects is accepted too, one result per element.
pub fn parse_ndjson(text: &str) -> Vec<Result<ParsedArticle, ParseError>> {
    if text.trim_start().starts_with('[') {
        return match serde_json::from_str::<Vec<Value>>(text) {
            Ok(items) => items.into_iter().map(from_value).collect(),
            Err(e) => vec![Err(ParseError::InvalidJson(e.to_string()))],
        };
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_json)
        .collect()
}
