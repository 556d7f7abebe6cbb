//! The corpus scorer (`corpus/score.py`) in Rust, so tests can hold extraction to a measured
//! floor on hand-annotated articles. Same matching rules: one-to-one greedy entity matching on
//! surface forms, quote spans matching at 80% of their tokens, attribution when the span and
//! the speaker are both right, exact metadata. Text normalization folds case, quotation marks,
//! apostrophes, whitespace and a leading "the"; unlike the Python scorer it does not strip
//! accents, which the fixtures do not use.

use serde_json::Value;

/// Metadata fields compared exactly.
pub const META_FIELDS: [&str; 7] = [
    "title",
    "date",
    "publication",
    "page",
    "section",
    "byline",
    "dateline",
];

/// Hits, predictions and gold items of one measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predictions that matched a gold item.
    pub hits: usize,
    /// Predictions made.
    pub predicted: usize,
    /// Gold items.
    pub gold: usize,
}

impl Counts {
    /// Precision, recall and F1 as the Python scorer computes them.
    pub fn prf(self) -> (f64, f64, f64) {
        let ratio = |a: usize, b: usize| a as f64 / b as f64;
        let p = if self.predicted > 0 {
            ratio(self.hits, self.predicted)
        } else if self.gold == 0 {
            1.0
        } else {
            0.0
        };
        let r = if self.gold > 0 {
            ratio(self.hits, self.gold)
        } else {
            1.0
        };
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }

    fn add(&mut self, hits: usize, predicted: usize, gold: usize) {
        self.hits += hits;
        self.predicted += predicted;
        self.gold += gold;
    }
}

/// Totals over a set of articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    /// Articles scored.
    pub articles: usize,
    /// People matched by surface form.
    pub people: Counts,
    /// Organizations matched by surface form.
    pub organizations: Counts,
    /// Quote spans.
    pub quotes: Counts,
    /// Quote spans with the right speaker.
    pub attribution: Counts,
    /// Correct values of each of [`META_FIELDS`].
    pub metadata_correct: [usize; 7],
    /// Gold titles of people (each title "as written" that the annotation gives a person)
    /// and how many of them the matched predicted person carries, after normalization.
    /// The Python scorer does not count titles; this measures them with its rules.
    pub titles_correct: usize,
    /// Gold titles counted.
    pub titles: usize,
}

impl Score {
    /// Adds one article's gold annotation and prediction.
    pub fn add(&mut self, gold: &Value, pred: &Value) {
        self.articles += 1;
        for (kind, counts) in [
            ("people", &mut self.people),
            ("organizations", &mut self.organizations),
        ] {
            let (g, p) = (list(gold, kind), list(pred, kind));
            counts.add(match_entities(g, p), p.len(), g.len());
        }
        for g in list(gold, "people") {
            let (name, all) = (norm_value(&g["name"]), surfaces(g));
            let matched: Vec<String> = list(pred, "people")
                .iter()
                .filter(|p| surfaces(p).contains(&name) || all.contains(&norm_value(&p["name"])))
                .flat_map(|p| list(p, "titles").iter().map(norm_value))
                .collect();
            for t in list(g, "titles") {
                self.titles += 1;
                if matched.contains(&norm_value(t)) {
                    self.titles_correct += 1;
                }
            }
        }
        let (g, p) = (list(gold, "quotes"), list(pred, "quotes"));
        let (spans, attributed) = match_quotes(gold, p);
        self.quotes.add(spans, p.len(), g.len());
        self.attribution.add(attributed, p.len(), g.len());
        for (i, field) in META_FIELDS.iter().enumerate() {
            if meta_equal(field, &gold[*field], &pred[*field]) {
                self.metadata_correct[i] += 1;
            }
        }
    }

    /// The share of gold titles found (1.0 when the gold gives none).
    pub fn title_accuracy(&self) -> f64 {
        if self.titles == 0 {
            return 1.0;
        }
        self.titles_correct as f64 / self.titles as f64
    }

    /// Accuracy of one metadata field.
    pub fn metadata_accuracy(&self, field: &str) -> f64 {
        let Some(i) = META_FIELDS.iter().position(|f| *f == field) else {
            return 0.0;
        };
        if self.articles == 0 {
            return 0.0;
        }
        self.metadata_correct[i] as f64 / self.articles as f64
    }
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map_or(&[], Vec::as_slice)
}

/// The scorer's text normalization.
pub fn norm(text: &str) -> String {
    let lower: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, '“' | '”' | '„' | '‟' | '"'))
        .map(|c| match c {
            '‘' | '’' | '‚' | '‛' | '`' => '\'',
            c => c,
        })
        .collect();
    let lower = lower.replace('…', "...");
    let joined = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    let stripped = joined.strip_prefix("the ").unwrap_or(&joined);
    stripped
        .trim_matches(|c: char| " .,;:'".contains(c))
        .to_owned()
}

fn norm_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => norm(s),
        other => norm(&other.to_string()),
    }
}

fn surfaces(entity: &Value) -> Vec<String> {
    let mut out = vec![norm_value(&entity["name"])];
    for key in ["mentions", "aliases"] {
        out.extend(list(entity, key).iter().map(norm_value));
    }
    if entity["acronym"].is_string() {
        out.push(norm_value(&entity["acronym"]));
    }
    out.retain(|s| !s.is_empty());
    out
}

fn match_entities(gold: &[Value], pred: &[Value]) -> usize {
    let mut used = vec![false; gold.len()];
    let mut hits = 0;
    for p in pred {
        let (name, all) = (norm_value(&p["name"]), surfaces(p));
        if let Some(i) = (0..gold.len()).find(|&i| {
            !used[i]
                && (surfaces(&gold[i]).contains(&name)
                    || all.contains(&norm_value(&gold[i]["name"])))
        }) {
            used[i] = true;
            hits += 1;
        }
    }
    hits
}

fn tokens(text: &str) -> Vec<String> {
    norm(text)
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn same_span(a: &str, b: &str) -> bool {
    let (ta, mut pool) = (tokens(a), tokens(b));
    if ta.is_empty() || pool.is_empty() {
        return false;
    }
    let longest = ta.len().max(pool.len());
    let mut common = 0;
    for t in &ta {
        if let Some(k) = pool.iter().position(|x| x == t) {
            pool.swap_remove(k);
            common += 1;
        }
    }
    common as f64 / longest as f64 >= 0.8
}

fn speaker_ok(gold_article: &Value, g: &Value, p: &Value) -> bool {
    let wanted = norm_value(&g["speaker"]);
    if wanted.is_empty() {
        return norm_value(&p["speaker"]).is_empty();
    }
    let mut forms = vec![wanted.clone()];
    for entity in list(gold_article, "people")
        .iter()
        .chain(list(gold_article, "organizations"))
    {
        if norm_value(&entity["name"]) == wanted {
            forms.extend(surfaces(entity));
        }
    }
    forms.contains(&norm_value(&p["speaker"]))
}

fn match_quotes(gold_article: &Value, pred: &[Value]) -> (usize, usize) {
    let gold = list(gold_article, "quotes");
    let mut used = vec![false; gold.len()];
    let (mut spans, mut attributed) = (0, 0);
    for p in pred {
        let text = p["text"].as_str().unwrap_or("");
        if let Some(i) = (0..gold.len())
            .find(|&i| !used[i] && same_span(gold[i]["text"].as_str().unwrap_or(""), text))
        {
            used[i] = true;
            spans += 1;
            attributed += usize::from(speaker_ok(gold_article, &gold[i], p));
        }
    }
    (spans, attributed)
}

fn meta_equal(field: &str, g: &Value, p: &Value) -> bool {
    if matches!(field, "section" | "byline") {
        let items = |v: &Value| {
            v.as_array()
                .map_or_else(Vec::new, |a| a.iter().map(norm_value).collect::<Vec<_>>())
        };
        return items(g) == items(p);
    }
    norm_value(g) == norm_value(p)
}
