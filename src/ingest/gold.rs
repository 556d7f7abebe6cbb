//! The annotation format of the scoring corpus, so extraction can be measured.

use serde_json::{Value, json};

use crate::domain::{Extraction, ParsedArticle, Speaker};

fn distinct_surfaces<'a>(name: &'a str, mentions: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out = vec![name];
    for s in mentions {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Renders an article and its extraction in the corpus's gold format.
pub fn to_gold(article: &ParsedArticle, extraction: &Extraction) -> Value {
    let people: Vec<Value> = extraction
        .people
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "mentions": distinct_surfaces(&p.name, p.mentions.iter().map(|m| m.surface.as_str())),
                "titles": p.titles,
            })
        })
        .collect();
    let organizations: Vec<Value> = extraction
        .organizations
        .iter()
        .map(|o| {
            json!({
                "name": o.name,
                "mentions": distinct_surfaces(&o.name, o.mentions.iter().map(|m| m.surface.as_str())),
                "acronym": o.acronym,
            })
        })
        .collect();
    let quotes: Vec<Value> = extraction
        .quotes
        .iter()
        .map(|q| {
            let (speaker, description) = match &q.speaker {
                Speaker::Person(i) => (extraction.people.get(*i).map(|p| p.name.clone()), None),
                Speaker::Organization(i) => (extraction.organizations.get(*i).map(|o| o.name.clone()), None),
                Speaker::Unnamed(d) => (None, Some(d.clone())),
            };
            json!({"text": q.text, "speaker": speaker, "speaker_description": description, "direct": true})
        })
        .collect();
    json!({
        // A derived title is not a title line of the page.
        "title": (!article.title_derived).then_some(&article.title),
        "date": article.published_on.map(|d| d.format("%Y-%m-%d").to_string()),
        "publication": article.publication,
        "page": article.outlets.iter().find_map(|o| o.page.clone()),
        "section": if article.section.is_empty() { Value::Null } else { json!(article.section) },
        "byline": article.byline,
        "dateline": article.dateline,
        "tags": article.tags,
        "people": people,
        "organizations": organizations,
        "quotes": quotes,
    })
}
