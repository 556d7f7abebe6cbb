//! People and organizations: lexicon matches, capitalized-phrase rules, titles, and
//! resolution of short forms to the fullest name the article writes.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::text::regex;

use super::gazetteer::Names;
use super::lexicon::{
    COMMON_CAPITALIZED, KNOWN_ORGS, NATIONALITIES, NON_ENTITY_HEADS, ORG_HEADS, PLACES,
    TITLE_HEADS, TITLE_MODIFIERS, country_of, in_list, is_honorific, is_speech_verb,
    is_strict_speech_verb, is_title_connector, is_title_prefix,
};
use super::text::Indexed;
use crate::domain::{Mention, OrgEntity, OrgKind, PersonEntity};

/// What a mention points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Person(usize),
    Org(usize),
}

/// A mention located by byte offsets, for the quote pass.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub paragraph: usize,
    /// Byte offset where the mention's title (or the name, without one) starts.
    pub outer_start: usize,
    pub start: usize,
    pub end: usize,
    pub target: Target,
}

/// The entities of one article and where each is mentioned.
pub(crate) struct Entities {
    pub people: Vec<PersonEntity>,
    pub organizations: Vec<OrgEntity>,
    /// Every mention, sorted by paragraph and position.
    pub located: Vec<Located>,
    /// The gender the text gives each person (same order as `people`).
    pub genders: Vec<Option<Gender>>,
}

impl Entities {
    /// Whether person `i` can be the referent of a pronoun of `gender`.
    pub fn gender_fits(&self, i: usize, gender: Option<Gender>) -> bool {
        match (gender, self.genders.get(i).copied().flatten()) {
            (Some(want), Some(known)) => want == known,
            _ => true,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Tok<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"S\.p\.A\.|S\.r\.l\.|(?:\p{Lu}\.){2,}|\p{L}[\p{L}\p{M}\p{N}\-]*(?:['’]\p{L}+)?|\p{N}+(?:[.,:]\p{N}+)*|\S",
    )
});

/// The known organizations' names, longest first where several start at one place.
static KNOWN_ORG_NAMES: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    let surfaces: Vec<&str> = KNOWN_ORGS
        .iter()
        .flat_map(|k| k.surfaces.iter().copied())
        .collect();
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(surfaces)
        .expect("the known organizations' names make an automaton")
});

/// A known organization's name found in a text.
struct KnownMatch<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl<'t> KnownMatch<'t> {
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.end
    }
    fn as_str(&self) -> &'t str {
        &self.text[self.start..self.end]
    }
}

/// The known organizations' names in `text`, left to right, each starting a word (as
/// `\b(?:longest|...|shortest)` would find them; a regex gives up its literal search on a
/// list this long and runs a backtracker at every position).
fn known_org_matches(text: &str) -> impl Iterator<Item = KnownMatch<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at <= text.len() {
            let input = aho_corasick::Input::new(text).span(at..text.len());
            let m = KNOWN_ORG_NAMES.find(input)?;
            let word_before = text[..m.start()]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word_before {
                at = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            at = m.end().max(at + 1);
            return Some(KnownMatch {
                text,
                start: m.start(),
                end: m.end(),
            });
        }
        None
    })
}

static FACILITY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s+(?:\p{Lu}[\p{L}\-]*\s+){0,2}?(?:Air Station|Station|Base|Airfield|Camp|Airport|Port|Garrison)\b",
    )
});

static INDEX_AFTER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s+(?:Stock Average|Stock Index|[Aa]verage|[Ii]ndex|225|500)\b"));

static KNOWN_ORG_INDEX: LazyLock<HashMap<&'static str, usize, super::lexicon::Fast>> =
    LazyLock::new(|| {
        KNOWN_ORGS
            .iter()
            .enumerate()
            .flat_map(|(i, k)| k.surfaces.iter().map(move |s| (*s, i)))
            .collect()
    });

fn is_abbrev(word: &str) -> bool {
    in_list!(
        "\
        Lt Col Gen Maj Capt Adm Cmdr Cdr Sgt Cpl Gov Dr Prof Sen Rep Mr Ms Mrs Jr St Co Corp Inc \
        Ltd Pref Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec No vs p pp Gov't Adm't",
        word,
    ) || (word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()))
}

/// Splits a paragraph into words (possessives split off, abbreviations keep their period)
/// and single punctuation marks.
pub(crate) fn tokenize(text: &str) -> Vec<Tok<'_>> {
    let mut out: Vec<Tok<'_>> = Vec::new();
    for m in TOKEN.find_iter(text) {
        let (mut start, mut end) = (m.start(), m.end());
        // An abbreviation's period was already taken by the word before it.
        if out.last().is_some_and(|t| t.end > start) {
            continue;
        }
        let word = m.as_str();
        let possessive = ["’s", "'s"]
            .iter()
            .find(|p| word.len() > p.len() && word.ends_with(*p));
        if let Some(p) = possessive {
            let cut = end - p.len();
            out.push(Tok {
                text: &text[start..cut],
                start,
                end: cut,
            });
            start = cut;
        } else if text[end..].starts_with('.') && is_abbrev(word) {
            end += 1;
        } else if let Some(mark) = plural_possessive_mark(word, &text[end..]) {
            // "Citizens’ Reform Party": the mark belongs to the name it is inside.
            end += mark;
        }
        out.push(Tok {
            text: &text[start..end],
            start,
            end,
        });
    }
    out
}

/// The byte length of the apostrophe after a capitalized plural ("Citizens’ Reform") when the
/// capitalized name goes on after it.
fn plural_possessive_mark(word: &str, rest: &str) -> Option<usize> {
    if !(is_cap(word) && word.len() > 2 && word.ends_with('s')) {
        return None;
    }
    let mark = ['’', '\''].into_iter().find(|m| rest.starts_with(*m))?;
    let after = &rest[mark.len_utf8()..];
    let next = after.trim_start_matches(' ');
    (next.len() + 1 == after.len() && next.starts_with(char::is_uppercase))
        .then_some(mark.len_utf8())
}

/// Byte ranges of quoted text written as a title: every word capitalized but short joining
/// words, at most eight words.
fn quoted_titles(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(o) = text[rest..].find('“').map(|o| rest + o) {
        let from = o + '“'.len_utf8();
        let Some(c) = text[from..].find(['”', '“']).map(|c| from + c) else {
            break;
        };
        rest = c;
        let inner = text[from..c].trim().trim_end_matches(',');
        let words: Vec<&str> = inner.split_whitespace().collect();
        let title_like = words.len() >= 2
            && words.len() <= 8
            && !inner.ends_with(['.', '!', '?'])
            && words.first().is_some_and(|w| is_cap(w))
            && words.iter().all(|w| {
                is_cap(w)
                    || w.starts_with(|c: char| c.is_ascii_digit())
                    || in_list!("of the and for in on a an to at by with from", w)
            });
        if title_like {
            out.push((from, c));
        }
    }
    out
}

/// Nouns for a body that an appositive name can follow ("a rights group, X,").
fn is_group_noun(word: &str) -> bool {
    in_list!(
        "\
        group organization organisation association coalition union movement charity company \
        firm startup network campaign alliance federation body collective foundation \
        nonprofit cooperative",
        word,
    )
}

/// People who work for a body, named before it ("an executive of X").
fn is_staff_noun(word: &str) -> bool {
    in_list!(
        "\
        executive executives official officials spokesperson spokesman spokeswoman employee \
        employees staffer staffers director directors manager managers engineer engineers",
        word,
    )
}

/// Nouns that name a kind of body right before its name ("broadcaster ATV").
fn is_body_noun(word: &str) -> bool {
    in_list!(
        "\
        broadcaster broadcasters newspaper daily tabloid carrier airline automaker carmaker \
        retailer lender insurer regulator broker chipmaker shipbuilder shipper conglomerate \
        supermarket utility journal magazine maker makers manufacturer supplier firm startup chain grocer",
        word,
    )
}

/// Heads of bodies posted abroad, named with the city or country they sit in.
fn is_post_head(word: &str) -> bool {
    matches!(
        word,
        "Embassy" | "Consulate" | "Consulate-General" | "Mission" | "Delegation"
    )
}

/// Where a number like "7th" right before token `start` begins.
fn ordinal_before(toks: &[Tok<'_>], start: usize) -> Option<usize> {
    let (num, suffix, next) = (
        toks.get(start.checked_sub(2)?)?,
        toks.get(start - 1)?,
        toks.get(start)?,
    );
    (matches!(suffix.text, "st" | "nd" | "rd" | "th")
        && num.text.chars().all(|c| c.is_ascii_digit())
        && num.end == suffix.start
        && suffix.end + 1 == next.start)
        .then_some(num.start)
}

/// "the Second Mori Cabinet", "the Harada Cabinet": a government named after its prime
/// minister is an organization, and the name inside it is not a mention of the person.
/// Returns whether the run was such a cabinet.
fn cabinet(
    p: usize,
    text: &str,
    toks: &[Tok<'_>],
    covered: &mut [bool],
    start: usize,
    end: usize,
    orgs: &mut Vec<OrgCand>,
) -> bool {
    if end - start < 2 || toks[end - 1].text != "Cabinet" {
        return false;
    }
    let mut from = start;
    if toks[from].text == "The" {
        from += 1;
    }
    let ordinal = in_list!(
        "First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth",
        toks[from].text,
    );
    let names = &toks[from + usize::from(ordinal)..end - 1];
    if names.is_empty() || names.len() > 3 || !names.iter().all(|t| name_like(t.text)) {
        return false;
    }
    let (s0, e0) = (toks[from].start, toks[end - 1].end);
    let name = &text[s0..e0];
    orgs.push(OrgCand {
        key: format!("{name}|"),
        surface: name.to_owned(),
        acronym: None,
        kind: OrgKind::Government,
        country: None,
        paragraph: p,
        start: s0,
        end: e0,
        from_lexicon: false,
        known_name: None,
    });
    for c in &mut covered[start..end] {
        *c = true;
    }
    true
}

fn is_cap(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '.' || c == '-' || c.is_ascii_digit())
}

fn is_title_word(word: &str) -> bool {
    TITLE_HEADS.contains(word) || TITLE_MODIFIERS.contains(word)
}

/// A capitalized word that can be part of a person's name.
pub(crate) fn name_like(word: &str) -> bool {
    is_cap(word)
        && word.chars().count() >= 2
        && word.chars().any(char::is_lowercase)
        && !word.chars().any(|c| c.is_ascii_digit())
        && !COMMON_CAPITALIZED.contains(word)
        && !PLACES.contains(word)
        && !NATIONALITIES.contains(word)
        && !is_title_word(word)
        && !ORG_HEADS.contains_key(word)
        && !NON_ENTITY_HEADS.contains(word)
}

/// Name words lowercased and split at hyphens, so "Yoon Suk-yeol" and "Yoon Suk Yeol" or
/// "Kishida Fumio" and "Fumio Kishida" compare equal as sets.
fn name_key(words: &[String]) -> Vec<String> {
    words
        .iter()
        .flat_map(|w| w.split('-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[derive(Debug)]
struct PersonCand {
    /// See [`name_key`].
    tokens: Vec<String>,
    surface: String,
    paragraph: usize,
    outer_start: usize,
    start: usize,
    end: usize,
    title: Option<String>,
    /// Whether the text gives evidence this is a person (a title, a speech verb, two names).
    sure: bool,
    /// Whether a title or an honorific stands before the name.
    marked: bool,
    /// The gender an honorific or a gendered title gives.
    gender: Option<Gender>,
    /// Whether the name opens a sentence (so its capital says nothing).
    initial: bool,
}

/// The gender the text gives a person (`Mr.`, `Ms.`, `Chairwoman`), for pronouns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

/// The gender an honorific or title word says, if any.
fn gender_of(word: &str) -> Option<Gender> {
    match word {
        "Mr." | "Mr" => Some(Gender::Male),
        "Ms." | "Ms" | "Mrs." | "Mrs" | "Miss" => Some(Gender::Female),
        _ => {
            let lower = word.to_lowercase();
            if in_list!(
                "chairwoman spokeswoman businesswoman actress empress queen princess",
                &lower,
            ) {
                Some(Gender::Female)
            } else if in_list!("spokesman businessman emperor king prince", &lower) {
                Some(Gender::Male)
            } else {
                None
            }
        }
    }
}

#[derive(Debug, Clone)]
struct OrgCand {
    /// Grouping key: lexicon row, or the name without a leading country.
    key: String,
    surface: String,
    acronym: Option<String>,
    kind: OrgKind,
    country: Option<String>,
    paragraph: usize,
    start: usize,
    end: usize,
    from_lexicon: bool,
    /// The archive's name for it, when only the gazetteer knows it (see [`super::Gazetteer`]).
    known_name: Option<String>,
}

/// Lowercase words inside a person's name ("van der Berg", "bin Hashim").
fn is_name_particle(word: &str) -> bool {
    in_list!(
        "van von der den de da di du bin binti ibn dos das del della",
        word
    )
}

/// The body's head a word is, or ends in after a hyphen ("Post-Herald": a paper).
fn org_head(word: &str) -> Option<OrgKind> {
    ORG_HEADS.get(word).copied().or_else(|| {
        let (_, tail) = word.rsplit_once('-')?;
        tail.starts_with(char::is_uppercase)
            .then(|| ORG_HEADS.get(tail).copied())
            .flatten()
    })
}

fn org_kind_of(tokens: &[&str]) -> OrgKind {
    // "Huaxia News Service", "Kaigan News Agency": a news service is media.
    if tokens.iter().any(|t| matches!(*t, "News" | "Broadcasting")) {
        return OrgKind::Media;
    }
    tokens
        .iter()
        .rev()
        .find_map(|t| org_head(t))
        .unwrap_or(OrgKind::Other)
}

/// The words a storm's name follows ("Typhoon Lan"; "Tropical" with "Storm").
const STORM_WORDS: [&str; 4] = ["Typhoon", "Hurricane", "Cyclone", "Tropical"];

/// Whether token `i` is a storm word ("Typhoon", "Hurricane", "Cyclone", the "Storm" or
/// "Tropical" of "Tropical Storm").
fn storm_word_at(toks: &[Tok<'_>], i: usize) -> bool {
    match toks[i].text {
        "Tropical" => toks.get(i + 1).is_some_and(|n| n.text == "Storm"),
        w if STORM_WORDS.contains(&w) => true,
        "Storm" => i >= 1 && toks[i - 1].text == "Tropical",
        _ => false,
    }
}

/// The names the article gives storms ("Typhoon Lan", "Tropical Storm Mara"): the
/// capitalized word right after a storm word.
fn storm_names(paragraphs: &[String]) -> HashSet<&str> {
    let mut names = HashSet::new();
    for text in paragraphs {
        if !STORM_WORDS.iter().any(|w| text.contains(w)) {
            continue;
        }
        let toks = tokenize(text);
        for i in 0..toks.len() {
            if storm_word_at(&toks, i)
                && toks[i].text != "Tropical"
                && let Some(n) = toks.get(i + 1)
                && is_cap(n.text)
                && !storm_word_at(&toks, i + 1)
            {
                names.insert(n.text);
            }
        }
    }
    names
}

/// Extracts people and organizations from body paragraphs; `known` names what the article
/// uses alone but never writes in full.
pub(crate) fn extract_entities(paragraphs: &[String], known: &dyn Names) -> Entities {
    let mut people_c: Vec<PersonCand> = Vec::new();
    let mut orgs_c: Vec<OrgCand> = Vec::new();
    let mut acronyms: HashMap<String, String> = HashMap::new();
    let mut all_tokens: Vec<Vec<Tok<'_>>> = Vec::with_capacity(paragraphs.len());
    let mut covered_all: Vec<Vec<bool>> = Vec::with_capacity(paragraphs.len());

    let storms = storm_names(paragraphs);
    for (p, text) in paragraphs.iter().enumerate() {
        let toks = tokenize(text);
        let mut covered = vec![false; toks.len()];
        // "Typhoon Lan approached ... Lan was moving north": a storm's name names no one.
        for i in 0..toks.len() {
            if storms.contains(toks[i].text) {
                covered[i] = true;
                // Its storm word ("Typhoon", "Tropical Storm") too.
                for back in 1..=2 {
                    if i >= back && storm_word_at(&toks, i - back) {
                        covered[i - back] = true;
                    }
                }
            }
        }
        // “The Lighthouse Keeper’s Daughter”: capitalized words of a quoted title of a work
        // name no one.
        for (open, close) in quoted_titles(text) {
            for (i, t) in toks.iter().enumerate() {
                if t.start >= open && t.end <= close {
                    covered[i] = true;
                }
            }
        }
        // "SYDNEY, Aug 12 (Reuters) - ": the credit is the article's outlet, not a mention.
        if p == 0
            && let Some((open, close)) = super::print::dateline_credit(text)
        {
            for (i, t) in toks.iter().enumerate() {
                if t.start >= open && t.end <= close {
                    covered[i] = true;
                }
            }
        }
        // Known organizations first, so their words never feed the phrase rules.
        for m in known_org_matches(text) {
            if toks
                .iter()
                .zip(&covered)
                .any(|(t, &c)| c && t.start >= m.start() && t.end <= m.end())
            {
                continue;
            }
            if text[m.end()..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let Some(&row) = KNOWN_ORG_INDEX.get(m.as_str()) else {
                continue;
            };
            // "U.S. Marine Corps Air Station Futenma" names a base, not the body.
            if FACILITY_AFTER.is_match(&text[m.end()..]) {
                continue;
            }
            // "The Nikkei Stock Average rose": an index named after an outlet.
            if INDEX_AFTER.is_match(&text[m.end()..]) {
                continue;
            }
            // "United Nations Environment Programme": a longer body's name goes on.
            let ahead: Vec<&str> = text[m.end()..]
                .split_whitespace()
                .take(4)
                .map(|w| w.trim_end_matches([',', '.', ';', ':']))
                .take_while(|w| is_cap(w))
                .collect();
            // "Toyota Motor Corp.", "Samsung Electronics Co.", "Toyota City": a company's
            // name the list knows goes on into a longer name (or a place's) of its own, and
            // where the article writes such a name, the short one is a short form of it.
            if KNOWN_ORGS
                .get(row)
                .is_some_and(|k| k.kind == OrgKind::Company)
                && (!ahead.is_empty()
                    || paragraphs.iter().any(|t| {
                        t.match_indices(m.as_str()).any(|(at, w)| {
                            let mut rest = t[at + w.len()..].chars();
                            rest.next() == Some(' ') && rest.next().is_some_and(char::is_uppercase)
                        })
                    }))
            {
                continue;
            }
            // "Marine Corps Installations Pacific": and so does a command named with its place.
            let head_at = ahead.iter().rposition(|w| ORG_HEADS.contains_key(w));
            if head_at.is_some_and(|h| ahead[h + 1..].iter().all(|w| PLACES.contains(w))) {
                continue;
            }
            // "the CDPJ Diet Affairs Committee": a chamber's one word opening the name of one
            // of its committees (a title may follow it).
            if !m.as_str().contains(' ')
                && KNOWN_ORGS
                    .get(row)
                    .is_some_and(|k| k.kind == OrgKind::Government && k.acronym.is_none())
                && ahead.iter().take(3).any(|w| ORG_HEADS.contains_key(w))
            {
                continue;
            }
            // "Armed Forces of the Philippines (AFP)": an acronym defined in parentheses for
            // the words before it is theirs, whatever body the list knows by it.
            // (Not after a known name: "Liberal Democratic Party (LDP)" stays the known one.)
            let after_known = toks
                .iter()
                .zip(&covered)
                .rev()
                .find(|(t, _)| t.end <= m.start().saturating_sub(1))
                .is_some_and(|(_, &c)| c);
            if is_acronym(m.as_str())
                && !after_known
                && text[..m.start()].ends_with('(')
                && text[m.end()..].starts_with(')')
            {
                let before = text[..m.start() - 1].trim_end();
                let initials: String = before
                    .split_whitespace()
                    .rev()
                    .take_while(|w| is_cap(w) || matches!(*w, "of" | "the" | "for" | "and"))
                    .filter(|w| is_cap(w))
                    .filter_map(|w| w.chars().next())
                    .collect::<Vec<char>>()
                    .into_iter()
                    .rev()
                    .collect();
                let letters: String = m
                    .as_str()
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect();
                if initials.ends_with(&letters) && initials.len() == letters.len() {
                    continue;
                }
            }
            // "the Chinese Embassy to the EU": the body a post is accredited to is part of the
            // post's name.
            let before: Vec<&str> = text[..m.start()].split_whitespace().rev().take(3).collect();
            if matches!(before.as_slice(), ["the", "to" | "in", post, ..] | ["to" | "in", post, ..] if is_post_head(post))
            {
                continue;
            }
            let Some(known) = KNOWN_ORGS.get(row) else {
                continue;
            };
            // "the U.S. State Department": the country written before the name is part of it.
            // "the Chinese Ministry of Foreign Affairs": a body every country has, named with
            // its country, is that country's and not the one named alone.
            let mut key = format!("#{row}");
            let adjective = text[..m.start()]
                .strip_suffix(' ')
                .and_then(|b| b.rsplit(char::is_whitespace).next())
                .filter(|w| {
                    known.country.is_none()
                        && known.kind == OrgKind::Government
                        && NATIONALITIES.contains(w)
                });
            // "Greenpeace Southeast Asia", "Amnesty International Japan": a known body's
            // branch, named with its place, is a body of its own.
            let branch: Vec<&str> = ahead
                .iter()
                .copied()
                .take_while(|w| PLACES.contains(w) || matches!(*w, "Southeast" | "East" | "West"))
                .take(2)
                .collect();
            let branch_end = (known.country.is_none()
                && known.kind == OrgKind::Other
                && branch.last().is_some_and(|w| PLACES.contains(w)))
            .then(|| {
                let rest = &text[m.end()..];
                let words = branch.join(" ");
                rest.strip_prefix(' ')
                    .filter(|r| r.starts_with(&words))
                    .map(|_| m.end() + 1 + words.len())
            })
            .flatten();
            if branch_end.is_some() {
                key = format!("#{row}:{}", branch.join(" "));
            }
            let end = branch_end.unwrap_or(m.end());
            let start = if text[..m.start()].ends_with("U.S. ") {
                m.start() - "U.S. ".len()
            } else if let Some(adjective) = adjective {
                key = format!("#{row}:{adjective}");
                m.start() - adjective.len() - 1
            } else {
                m.start()
            };
            // ("Holdings’": a possessive mark may end the name's last token.)
            for (i, t) in toks.iter().enumerate() {
                if t.start >= start && t.start < end {
                    covered[i] = true;
                }
            }
            orgs_c.push(OrgCand {
                key,
                surface: text[start..end].to_owned(),
                acronym: known.acronym.map(str::to_owned),
                kind: known.kind,
                country: known.country.map(str::to_owned),
                paragraph: p,
                start,
                end,
                from_lexicon: true,
                known_name: None,
            });
        }
        scan_runs(
            p,
            text,
            &toks,
            &mut covered,
            &mut people_c,
            &mut orgs_c,
            &mut acronyms,
        );
        all_tokens.push(toks);
        covered_all.push(covered);
    }

    // Acronyms defined in parentheses name the same body wherever they recur.
    if !acronyms.is_empty() {
        for (p, toks) in all_tokens.iter().enumerate() {
            for (i, t) in toks.iter().enumerate() {
                if covered_all[p][i] {
                    continue;
                }
                if let Some(key) = acronyms.get(t.text) {
                    let already = orgs_c
                        .iter()
                        .any(|o| o.paragraph == p && o.start <= t.start && o.end >= t.end);
                    if !already {
                        orgs_c.push(OrgCand {
                            key: key.clone(),
                            surface: t.text.to_owned(),
                            acronym: Some(t.text.to_owned()),
                            kind: OrgKind::Other,
                            country: None,
                            paragraph: p,
                            start: t.start,
                            end: t.end,
                            from_lexicon: false,
                            known_name: None,
                        });
                        covered_all[p][i] = true;
                    }
                }
            }
        }
    }

    // "the Armed Forces of the Philippines (AFP)": an acronym the article defines names its
    // body, not the known body with the same letters (Agence France-Presse).
    for i in 0..orgs_c.len() {
        let o = &orgs_c[i];
        let Some(key) = acronyms.get(o.surface.as_str()) else {
            continue;
        };
        if !o.from_lexicon || *key == o.key {
            continue;
        }
        let Some(defined) = orgs_c.iter().find(|d| d.key == *key) else {
            continue;
        };
        let (kind, country) = (defined.kind, defined.country.clone());
        let o = &mut orgs_c[i];
        o.key.clone_from(key);
        o.kind = kind;
        o.country = country;
        o.from_lexicon = false;
        o.acronym = Some(o.surface.clone());
    }

    // "Hoshi" after "Hoshi Shimbun", "Kitaura Shipping" after "Kitaura Shipping K.K.": the
    // first words of an organization's name, used alone with no title, name the organization.
    // Not a word of a person's full name: "Kishida" after "Prime Minister Kishida Fumio"
    // is the man, whatever the "Kishida Cabinet".
    let mut short_forms = Vec::new();
    let org_words: Vec<Vec<&str>> = orgs_c
        .iter()
        .map(|o| o.surface.split_whitespace().collect())
        .collect();
    let full_name_words: HashSet<String> = people_c
        .iter()
        .filter(|c| c.tokens.len() >= 2 && c.sure)
        .flat_map(|c| c.tokens.iter().cloned())
        .collect();
    people_c.retain(|c| {
        if c.marked || (c.tokens.len() == 1 && full_name_words.contains(&c.tokens[0])) {
            return true;
        }
        let mut words: Vec<&str> = c.surface.split_whitespace().collect();
        let owner = orgs_c.iter().zip(&org_words).find_map(|(o, full)| {
            // "VinFast’s" after "its carmaker VinFast": the whole name too.
            (full.len() >= words.len() && full[..words.len()] == words[..]).then_some(o)
        });
        // "Hokuriku Denryoku said" after "Hokuriku Denryoku Co.": the place word that the
        // run left out opens the company's short name.
        let text = &paragraphs[c.paragraph];
        let place_before = text[..c.start]
            .strip_suffix(' ')
            .and_then(|t| t.rsplit(' ').next())
            .filter(|w| PLACES.contains(*w));
        let (owner, start) = match (owner, place_before) {
            (Some(o), _) => (o, c.start),
            (None, Some(place)) => {
                words.insert(0, place);
                let owner = orgs_c.iter().zip(&org_words).find_map(|(o, full)| {
                    (full.len() > words.len() && full[..words.len()] == words[..]).then_some(o)
                });
                let Some(o) = owner else { return true };
                (o, c.start - place.len() - 1)
            }
            (None, None) => return true,
        };
        short_forms.push(OrgCand {
            key: owner.key.clone(),
            surface: text[start..c.end].to_owned(),
            acronym: None,
            kind: owner.kind,
            country: owner.country.clone(),
            paragraph: c.paragraph,
            start,
            end: c.end,
            from_lexicon: owner.from_lexicon,
            known_name: None,
        });
        false
    });
    drop(org_words);
    orgs_c.extend(short_forms);
    // "Higashi Kanto Electric" beside "Higashi Kanto Electric Power Co., Inc.": a company's
    // name without its last words is the same company.
    let companies: Vec<(String, String)> = orgs_c
        .iter()
        .filter(|o| o.kind == OrgKind::Company)
        .map(|o| (format!("{} ", o.surface), o.key.clone()))
        .collect();
    let mut rekey: HashMap<String, String> = HashMap::new();
    for o in &orgs_c {
        if o.from_lexicon || o.acronym.is_some() || !o.surface.contains(' ') {
            continue;
        }
        let short = format!("{} ", o.surface);
        if let Some((_, key)) = companies.iter().find(|(full, key)| {
            full.len() > short.len() && full.starts_with(&short) && *key != o.key
        }) {
            rekey.insert(o.key.clone(), key.clone());
        }
    }
    // Its other names ("known as ...") follow it.
    for o in &mut orgs_c {
        if let Some(key) = rekey.get(&o.key) {
            o.key.clone_from(key);
        }
    }
    if let Some(first) = paragraphs.first() {
        credited_outlet(first, &all_tokens, &mut people_c, &mut orgs_c);
    }
    if !known.is_empty() {
        known_orgs(known, &all_tokens, &covered_all, &mut people_c, &mut orgs_c);
    }

    let (people, mut located, genders) =
        resolve_people(paragraphs, &all_tokens, &covered_all, people_c, known);
    let (organizations, org_located) = resolve_orgs(paragraphs, orgs_c);
    located.extend(org_located);
    located.sort_by_key(|l| (l.paragraph, l.start));
    Entities {
        people,
        organizations,
        located,
        genders,
    }
}

/// "HANOI, Aug. 5 (Kaigan) - ... she told Kaigan": the outlet credited in the dateline is
/// an outlet where the body names it again, not a person.
fn credited_outlet(
    first: &str,
    all_tokens: &[Vec<Tok<'_>>],
    people: &mut Vec<PersonCand>,
    orgs: &mut Vec<OrgCand>,
) {
    let Some((open, close)) = super::print::dateline_credit(first) else {
        return;
    };
    let credit = first[open..close].trim_matches(['(', ')']).trim();
    let words: Vec<&str> = credit.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|w| is_cap(w)) {
        return;
    }
    for (p, toks) in all_tokens.iter().enumerate() {
        for i in 0..toks.len().saturating_sub(words.len() - 1) {
            let run = &toks[i..i + words.len()];
            if (p == 0 && run[0].start < close)
                || !run.iter().zip(&words).all(|(t, w)| t.text == *w)
                || toks.get(i + words.len()).is_some_and(|t| is_cap(t.text))
            {
                continue;
            }
            let (start, end) = (run[0].start, run[run.len() - 1].end);
            if orgs
                .iter()
                .any(|o| o.paragraph == p && o.start <= start && o.end >= end)
            {
                continue;
            }
            people.retain(|c| !(c.paragraph == p && c.start < end && c.end > start));
            orgs.push(OrgCand {
                key: format!("{credit}|"),
                surface: credit.to_owned(),
                acronym: None,
                kind: OrgKind::Media,
                country: None,
                paragraph: p,
                start,
                end,
                from_lexicon: false,
                known_name: None,
            });
        }
    }
}

/// Organizations the archive knows that the article names only by one word: an acronym
/// ("KOGAS") the phrase rules leave alone, or a word they took for a person ("Kestrel
/// said") with no title, no honorific and no fuller name of a person in the article.
fn known_orgs(
    known: &dyn Names,
    all_tokens: &[Vec<Tok<'_>>],
    covered: &[Vec<bool>],
    people: &mut Vec<PersonCand>,
    orgs: &mut Vec<OrgCand>,
) {
    let cand = |name: &str, surface: &str, acronym: bool, paragraph, start, end| OrgCand {
        key: format!("@{name}"),
        surface: surface.to_owned(),
        acronym: acronym.then(|| surface.to_owned()),
        kind: OrgKind::Other,
        country: None,
        paragraph,
        start,
        end,
        from_lexicon: false,
        known_name: Some(name.to_owned()),
    };
    for (p, toks) in all_tokens.iter().enumerate() {
        for (i, t) in toks.iter().enumerate() {
            if covered[p][i] || !is_acronym(t.text) {
                continue;
            }
            let Some(name) = known.organization(t.text) else {
                continue;
            };
            let inside = |o: &OrgCand| o.paragraph == p && o.start <= t.start && o.end >= t.end;
            if !orgs.iter().any(inside) {
                orgs.push(cand(name, t.text, true, p, t.start, t.end));
            }
        }
    }
    let full_names: Vec<&[String]> = people
        .iter()
        .filter(|c| c.tokens.len() >= 2 && c.sure)
        .map(|c| c.tokens.as_slice())
        .collect();
    let mut found = Vec::new();
    let mut keep = vec![true; people.len()];
    for (ci, c) in people.iter().enumerate() {
        if c.marked || c.tokens.len() != 1 || c.surface.contains(char::is_whitespace) {
            continue;
        }
        let Some(name) = known.organization(&c.surface) else {
            continue;
        };
        if full_names.iter().any(|k| k.contains(&c.tokens[0])) {
            continue;
        }
        found.push(cand(name, &c.surface, false, c.paragraph, c.start, c.end));
        keep[ci] = false;
    }
    let mut keep = keep.into_iter();
    people.retain(|_| keep.next().unwrap_or(true));
    orgs.extend(found);
}

/// Whether the capitalized words from token `from` on end in a company's legal form
/// ("Co., Ltd.", "K.K.", "Inc.").
fn legal_form_ahead(toks: &[Tok<'_>], from: usize) -> bool {
    for t in toks.iter().skip(from).take(8) {
        if matches!(
            t.text,
            "Co." | "Ltd." | "Inc." | "Corp." | "K.K." | "Corporation" | "Company" | "LLC"
        ) {
            return true;
        }
        if !(is_cap(t.text) || t.text == "no") {
            return false;
        }
    }
    false
}

fn scan_runs<'a>(
    p: usize,
    text: &'a str,
    toks: &[Tok<'a>],
    covered: &mut [bool],
    people: &mut Vec<PersonCand>,
    orgs: &mut Vec<OrgCand>,
    acronyms: &mut HashMap<String, String>,
) {
    let mut i = 0;
    while i < toks.len() {
        if covered[i] || !is_cap(toks[i].text) || is_place_modifier(toks[i].text) {
            i += 1;
            continue;
        }
        // Grow a run of capitalized words, with "of"/"for"/"and"/"the" inside names such as
        // "Ministry of Foreign Affairs" or "State Councilor and Minister".
        let start = i;
        let mut end = i + 1;
        // "a student group, Voices for School Freedom, collected": a name set off after a
        // noun for a body is that body's, whatever its words.
        // "local broadcaster ATV", "the carrier Solaseed Air", "an executive of Sanyo
        // Kaiun" (not a place: "a resident of Naha").
        // ("the aircraft carrier Shandong" is a ship.)
        let after_body_noun = (i >= 1
            && is_body_noun(toks[i - 1].text)
            && !(i >= 2 && toks[i - 1].text == "carrier" && toks[i - 2].text == "aircraft"))
            || (i >= 2
                && matches!(toks[i - 1].text, "of" | "at")
                && is_staff_noun(toks[i - 2].text)
                && !PLACES.contains(toks[i].text));
        let appositive = after_body_noun
            || (i >= 2
                && matches!(toks[i - 1].text, "," | "called" | "named")
                && (is_group_noun(toks[i - 2].text) || is_body_noun(toks[i - 2].text)));
        while end < toks.len() && !covered[end] {
            let t = toks[end].text;
            if is_cap(t) && t.chars().any(char::is_alphabetic) && !is_place_modifier(t) {
                end += 1;
                continue;
            }
            let next_cap = toks.get(end + 1).is_some_and(|n| is_cap(n.text))
                && !covered.get(end + 1).copied().unwrap_or(true);
            let prev = toks[end - 1].text;
            let joins = match t {
                // "the rail makers X Corp. and Y": after a legal form, another company.
                "and" if appositive => {
                    next_cap
                        && !prev.ends_with('.')
                        && ORG_HEADS.get(prev) != Some(&OrgKind::Company)
                }
                "of" | "for" if appositive => next_cap,
                "the" if appositive => matches!(prev, "for" | "of") && next_cap,
                "of" | "for" => {
                    // "Ministry of the Environment": "of the" inside a body's name.
                    let the_cap = t == "of"
                        && ORG_HEADS.contains_key(prev)
                        && toks.get(end + 1).is_some_and(|n| n.text == "the")
                        && toks.get(end + 2).is_some_and(|n| is_cap(n.text))
                        && !covered.get(end + 2).copied().unwrap_or(true);
                    // "Minami Rail Systems Co., Ltd. of Kobe": a legal form ends the name.
                    let legal_form =
                        prev.ends_with('.') || matches!(prev, "GmbH" | "AG" | "LLC" | "PLC");
                    (next_cap || the_cap)
                        && !legal_form
                        && (ORG_HEADS.contains_key(prev)
                            || TITLE_HEADS.contains(prev)
                            || prev == "Minister"
                            || prev == "Ministry"
                            // "Embassy of the Republic of Korea", "Republic of Korea Navy".
                            // "House of Councillors Budget Committee".
                            || (t == "of" && matches!(prev, "Republic" | "Kingdom" | "House")))
                }
                // "the French Embassy in Seoul", "Embassy of Japan in the Philippines": a
                // diplomatic post is named with the place it sits in.
                // "the Chinese Embassy to the EU": and the body it is posted to.
                "in" | "to" => {
                    let the_cap = toks.get(end + 1).is_some_and(|n| n.text == "the")
                        && toks.get(end + 2).is_some_and(|n| is_cap(n.text));
                    (next_cap || the_cap)
                        && toks[start..end].iter().any(|x| is_post_head(x.text))
                        && !toks[start..end]
                            .iter()
                            .any(|x| matches!(x.text, "in" | "to"))
                }
                "and" if spells_paren_acronym(toks, start, end) => true,
                "and" => {
                    // "the Fire and Disaster Management Agency": after "the", two short
                    // capitalized parts joined by "and" before a body's head are one name.
                    // (Or after an owner: "the ministry’s Asian and Oceanian Affairs Bureau".)
                    let the_before = toks[start].text == "The"
                        || (start > 0 && matches!(toks[start - 1].text, "the" | "’s" | "'s"));
                    let head_ahead = toks[end + 1..]
                        .iter()
                        .take(4)
                        .take_while(|n| is_cap(n.text))
                        .last()
                        .is_some_and(|n| ORG_HEADS.contains_key(n.text));
                    let both = the_before
                        && head_ahead
                        && end - start <= 3
                        && !toks[start..end]
                            .iter()
                            .any(|x| ORG_HEADS.contains_key(x.text));
                    // The last portfolio of "Ministry of Oceans, Fisheries and Tourism".
                    let portfolios = next_cap
                        && toks[start..end]
                            .iter()
                            .position(|x| x.text == ",")
                            .is_some_and(|c| portfolio_list(toks, start, start + c));
                    both || portfolios
                        || next_cap
                        && (TITLE_HEADS.contains(prev)
                            && toks.get(end + 1).is_some_and(|n| is_title_word(n.text))
                            || toks[start..end].iter().any(|x| matches!(x.text, "of" | "for")))
                        // "... Affairs Wang Yi and Defense Minister ...": two people.
                        && !toks[start..end].iter().any(|x| name_like(x.text))
                }
                "the" => matches!(prev, "for" | "of" | "in" | "to") && next_cap,
                // "Kita no Kaze Energy Co., Ltd.": a Japanese particle inside a company's
                // name, where the name ends in a legal form or the article wrote it so.
                "no" => {
                    next_cap
                        && is_cap(prev)
                        && (legal_form_ahead(toks, end + 1)
                            || toks.get(end + 1).is_some_and(|n| {
                                let inner = format!("{prev} no {}", n.text);
                                orgs.iter().any(|o| o.surface.contains(&inner))
                            }))
                }
                // "Whitcombe & Hale LLP", "Procter & Gamble": no person's name has "&".
                "&" => next_cap,
                // "Pieter van der Berg", "Mohd Razak bin Hashim": a particle inside a
                // person's name, after a word that can be a name.
                "van" | "von" | "der" | "den" | "de" | "da" | "di" | "du" | "bin" | "binti"
                | "ibn" | "dos" | "das" | "del" | "della" => {
                    let particles = toks[end..]
                        .iter()
                        .take_while(|n| is_name_particle(n.text))
                        .count();
                    toks.get(end + particles)
                        .is_some_and(|n| name_like(n.text) && !covered[end + particles])
                        && particles <= 2
                        && (name_like(prev) || is_name_particle(prev))
                        && !toks[start..end]
                            .iter()
                            .rev()
                            .take_while(|x| !is_title_word(x.text))
                            .any(|x| ORG_HEADS.contains_key(x.text))
                }
                // "Supreme People's Court", "Women's University": a plural noun's possessive
                // inside a body's name (not "Japan's Defense Ministry", an owner).
                "’s" | "'s" => {
                    next_cap
                        && in_list!(
                            "People Women Children Men Workers Farmers Citizens Veterans \
                             Teachers Students Consumers",
                            prev
                        )
                        && toks[end + 1..]
                            .iter()
                            .take(4)
                            .take_while(|n| is_cap(n.text))
                            .last()
                            .is_some_and(|n| org_head(n.text).is_some())
                }
                // Legal suffixes stay part of the name: "Co., Ltd.", "Co., Inc.".
                // "Mitsubishi Heavy Industries, Ltd.", "Sora Group, Inc.".
                "," => {
                    ((matches!(prev, "Co." | "Corp.")
                        || ORG_HEADS.get(prev) == Some(&OrgKind::Company))
                        && toks
                            .get(end + 1)
                            .is_some_and(|n| matches!(n.text, "Ltd." | "Inc." | "Ltd" | "Inc")))
                        || portfolio_list(toks, start, end)
                }
                _ => false,
            };
            if joins {
                end += 1;
            } else {
                break;
            }
        }
        while end > start + 1 && !is_cap(toks[end - 1].text) {
            end -= 1;
        }
        i = end;
        if appositive
            && (after_body_noun
                || toks
                    .get(end)
                    .is_some_and(|t| matches!(t.text, "," | "(" | ".")))
            && !toks[start..end]
                .iter()
                .any(|t| TITLE_HEADS.contains(t.text) && !ORG_HEADS.contains_key(t.text))
        {
            orgs.push(phrase_org(p, text, toks, start, end));
            for c in &mut covered[start..end] {
                *c = true;
            }
            continue;
        }
        let before = orgs.len();
        classify_run(p, text, toks, covered, start, end, people, orgs, acronyms);
        // "Higashi Kanto Electric, known as Higashi Den,": the other name is the same body's.
        if orgs.len() > before
            && let Some(org) = orgs.last().filter(|o| o.end == toks[end - 1].end).cloned()
        {
            let mut j = end;
            if toks.get(j).is_some_and(|t| matches!(t.text, "," | "(")) {
                j += 1;
            }
            if toks.get(j).is_some_and(|t| t.text == "also") {
                j += 1;
            }
            if toks.get(j).is_some_and(|t| t.text == "known")
                && toks.get(j + 1).is_some_and(|t| t.text == "as")
            {
                let from = j + 2;
                let mut to = from;
                while toks.get(to).is_some_and(|t| is_cap(t.text)) && !covered[to] && to - from < 5
                {
                    to += 1;
                }
                if to > from {
                    let (s0, e0) = (toks[from].start, toks[to - 1].end);
                    let alias = OrgCand {
                        surface: text[s0..e0].to_owned(),
                        acronym: None,
                        paragraph: p,
                        start: s0,
                        end: e0,
                        ..org
                    };
                    orgs.push(alias);
                    for c in &mut covered[from..to] {
                        *c = true;
                    }
                    i = to;
                }
            }
        }
    }
}

/// "Defence Research and Development Organisation (DRDO)": at the "and" at token `and` of a
/// run that began at `start`, whether the capitalized words on to a parenthesized acronym
/// spell it with the run's words (connectors left out).
fn spells_paren_acronym(toks: &[Tok<'_>], start: usize, and: usize) -> bool {
    let mut k = and + 1;
    while toks
        .get(k)
        .is_some_and(|t| is_cap(t.text) || matches!(t.text, "of" | "for" | "and" | "the"))
        && k - and < 8
    {
        k += 1;
    }
    let (Some(open), Some(acr), Some(close)) = (toks.get(k), toks.get(k + 1), toks.get(k + 2))
    else {
        return false;
    };
    if open.text != "(" || close.text != ")" || !is_acronym(acr.text) {
        return false;
    }
    let letters: String = acr.text.chars().filter(char::is_ascii_alphabetic).collect();
    let initials: String = toks[start..k]
        .iter()
        .filter(|t| !matches!(t.text, "of" | "for" | "and" | "the"))
        .filter_map(|t| t.text.chars().next())
        .collect();
    initials == letters
}

/// Whether an acronym's letters appear in order in a word, the first one first
/// ("KMT" in "Kuomintang").
fn spelled_from(acronym: &str, word: &str) -> bool {
    let letters: Vec<char> = acronym.chars().filter(char::is_ascii_alphabetic).collect();
    let mut chars = word.chars().map(|c| c.to_ascii_uppercase());
    letters.len() >= 2
        && word.chars().next().map(|c| c.to_ascii_uppercase()) == letters.first().copied()
        && letters.iter().all(|l| chars.any(|c| c == *l))
}

/// "Taipei-based", "state-run": a capitalized word that qualifies the name after it.
fn is_place_modifier(word: &str) -> bool {
    word.rsplit_once('-').is_some_and(|(_, tail)| {
        in_list!(
            "based led backed owned run funded affiliated linked controlled born",
            tail,
        )
    })
}

/// "Ministry of Trade, Industry and Energy": at the comma at token `comma` of a run that
/// began at `start`, whether the run is a body's head and "of" followed so far by
/// capitalized words only, and the text goes on as a list of capitalized words closed by
/// "and" and a last one (the portfolios of a ministry or a minister).
fn portfolio_list(toks: &[Tok<'_>], start: usize, comma: usize) -> bool {
    let Some(of) = toks[start..comma].iter().position(|t| t.text == "of") else {
        return false;
    };
    let of = start + of;
    if of == start
        || !(ORG_HEADS.contains_key(toks[of - 1].text) || TITLE_HEADS.contains(toks[of - 1].text))
        || !toks[of + 1..comma].iter().all(|t| is_cap(t.text))
        || of + 1 == comma
    {
        return false;
    }
    let mut j = comma + 1;
    let mut words = 0;
    while let Some(t) = toks.get(j) {
        if is_cap(t.text) && t.text.chars().all(char::is_alphabetic) {
            words += 1;
        } else if t.text == "," && words > 0 {
            words = 0;
        } else if t.text == "and" && words > 0 {
            return toks.get(j + 1).is_some_and(|n| is_cap(n.text));
        } else {
            return false;
        }
        if j - comma > 12 {
            return false;
        }
        j += 1;
    }
    false
}

/// The organization named by tokens `first..end` of paragraph `p`, as written.
fn phrase_org(p: usize, text: &str, toks: &[Tok<'_>], first: usize, end: usize) -> OrgCand {
    let words: Vec<&str> = toks[first..end].iter().map(|t| t.text).collect();
    let (key, country) = org_key(toks, first, &words);
    let (from, to) = (toks[first].start, toks[end - 1].end);
    OrgCand {
        key,
        surface: text[from..to].to_owned(),
        acronym: None,
        kind: org_kind_of(&words),
        country,
        paragraph: p,
        start: from,
        end: to,
        from_lexicon: false,
        known_name: None,
    }
}

/// The grouping key of an organization named by `org_words` (the run's words from token
/// `start`) and its country: "Japan's Defense Ministry" and "Defense Ministry" group together.
fn org_key(toks: &[Tok<'_>], start: usize, org_words: &[&str]) -> (String, Option<String>) {
    // "Japan's Defense Ministry": the country is the possessive before the name.
    let mut country = org_words
        .first()
        .and_then(|w| country_of(w))
        .map(str::to_owned);
    if country.is_none() && start >= 2 && matches!(toks[start - 1].text, "’s" | "'s") {
        country = country_of(toks[start - 2].text).map(str::to_owned);
    }
    let stripped = if org_words.len() > 2
        && (NATIONALITIES.contains(org_words[0]) || PLACES.contains(org_words[0]))
        && org_words[1] != "Communist"
    {
        org_words[1..].join(" ")
    } else {
        org_words.join(" ")
    };
    (
        format!("{stripped}|{}", country.as_deref().unwrap_or("")),
        country,
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "one pass over a paragraph's shared state"
)]
fn classify_run<'a>(
    p: usize,
    text: &'a str,
    toks: &[Tok<'a>],
    covered: &mut [bool],
    start: usize,
    end: usize,
    people: &mut Vec<PersonCand>,
    orgs: &mut Vec<OrgCand>,
    acronyms: &mut HashMap<String, String>,
) {
    let words: Vec<&str> = toks[start..end].iter().map(|t| t.text).collect();
    let Some(last) = words.last().copied() else {
        return;
    };
    // A name standing alone inside quotation marks is a title or a weapon's name
    // (the “Storm Petrel” missile), not a person or a body.
    let before = text[..toks[start].start].chars().next_back();
    let after = text[toks[end - 1].end..].chars().next();
    if matches!(before, Some('“' | '"')) && matches!(after, Some('”' | '"')) {
        return;
    }
    if cabinet(p, text, toks, covered, start, end, orgs) {
        return;
    }
    // Drop leading sentence words ("The", "In", "According"). Inside a sentence, a run
    // ending in a body's head keeps its words ("a researcher at Can Tho University"), all
    // but an article, a month or a day.
    let inside_sentence = start > 0
        && !matches!(
            toks[start - 1].text,
            "." | "“" | "\"" | "!" | "?" | "(" | "—" | ":" | "-" | "–"
        );
    // "spokesman He Yadong": after a title, a name may start with a common word.
    let after_title = start > 0 && TITLE_HEADS.contains(toks[start - 1].text) && words.len() >= 2;
    let keeps_words = inside_sentence && (org_head(last).is_some() || after_title);
    // "Royal Netherlands Navy", "National Police Agency", "All Sorano Workers’ Union": an
    // adjective opening a body's name
    // stays, even at a sentence's start.
    let body_adjective = |w: &str| {
        words.iter().any(|w| org_head(w).is_some())
            && in_list!(
                "Royal National Central Federal Imperial International Global Public Regional \
                 Local Great Greater Supreme All",
                w
            )
    };
    // "House of Councillors Budget Committee": a chamber's name opens its committee's.
    let chamber = |s: usize| words[s] == "House" && words.get(s + 1) == Some(&"of");
    let mut s = 0;
    while s < words.len()
        && !chamber(s)
        && COMMON_CAPITALIZED.contains(words[s])
        && !is_title_word(words[s])
        && !NATIONALITIES.contains(words[s])
        && !body_adjective(words[s])
        && (!keeps_words
            || in_list!(
                "The A An January February March April May June July August September October \
                 November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
                words[s],
            ))
    {
        s += 1;
    }
    if s == words.len() {
        return;
    }
    let paren_acr = match (toks.get(end), toks.get(end + 1), toks.get(end + 2)) {
        (Some(o), Some(a), Some(c)) if o.text == "(" && c.text == ")" && is_acronym(a.text) => {
            Some(a.text)
        }
        _ => None,
    };
    // "The International Olympic Committee (IOC)": the common words the acronym spells
    // belong to the name.
    if let Some(acr) = paren_acr {
        let letters: String = acr.chars().filter(char::is_ascii_alphabetic).collect();
        if let Some(from) = (0..s).find(|&f| {
            !matches!(words[f], "The" | "A" | "An")
                && words[f..]
                    .iter()
                    .filter(|w| !matches!(**w, "of" | "for" | "and" | "the" | "on" | "in"))
                    .filter_map(|w| w.chars().next())
                    .collect::<String>()
                    == letters
        }) {
            s = from;
        }
    }
    // "Ministry of Digital Policy": the body's head comes first, whatever the last word.
    let head_of = words
        .windows(2)
        .any(|w| ORG_HEADS.contains_key(w[0]) && (w[1] == "of" || w[1] == "for"));
    // "the Artemis Programme" is a project; "the World Food Programme" a body.
    let un_programme = last == "Programme"
        && words
            .iter()
            .any(|w| matches!(*w, "Nations" | "UN" | "U.N." | "World"));
    if NON_ENTITY_HEADS.contains(last) && !head_of && !un_programme {
        return;
    }
    // "the French Embassy in Seoul": a post named with its place.
    let head_in = words
        .windows(2)
        .any(|w| is_post_head(w[0]) && matches!(w[1], "in" | "to"));
    // "U.S. Forces Korea", "Fleet Activities Sasebo": a command named with its place.
    let place_tail = words
        .iter()
        .rev()
        .take_while(|w| PLACES.contains(*w))
        .count();
    let head_then_place = place_tail > 0
        && place_tail < words.len()
        && ORG_HEADS.get(words[words.len() - 1 - place_tail]) == Some(&OrgKind::Military);
    // Only a company's name keeps a particle inside (see `scan_runs`).
    let particle = words.contains(&"no");
    // "the Fukushima Minpo newspaper", "the United Auto Workers union": a name right before
    // a noun for its kind.
    let kind_after = toks.get(end).is_some_and(|t| {
        is_body_noun(t.text)
            || matches!(
                t.text,
                "magazine" | "paper" | "institute" | "pollster" | "union"
            )
    });
    let org_head =
        org_head(last).is_some() || head_of || head_in || head_then_place || particle || kind_after;
    let org_words = &words[s..];
    // "Soviet Union", "United States": places, not bodies; "the Japan-U.S. Alliance" is a
    // relation between places.
    let places = |w: &&str| {
        PLACES.contains(w)
            || w.split('-')
                .all(|x| PLACES.contains(x) || country_of(x).is_some())
    };
    if org_words.iter().all(places)
        || (matches!(last, "Alliance" | "Coalition")
            && (org_words.len() < 2
                || org_words[0].ends_with('.')
                || org_words[..org_words.len() - 1].iter().all(places)))
    {
        return;
    }
    // "the Senate", "Congress", "the Navy": a chamber or a service named by its head alone.
    let the_before = s > 0 || (start > 0 && matches!(toks[start - 1].text, "the" | "The"));
    let lone_body = org_words.len() == 1
        && (in_list!("Senate Congress Parliament Legislature", org_words[0])
            || (the_before && in_list!("Navy Army", org_words[0])));
    // "Suara Keadilan, the rights group representing them,": a name its appositive calls a
    // body.
    let called_a_body = toks.get(end).is_some_and(|t| t.text == ",")
        && toks
            .get(end + 1)
            .is_some_and(|t| matches!(t.text, "the" | "a" | "an"))
        && {
            let noun = toks[end + 2..]
                .iter()
                .take(3)
                .take_while(|t| t.text != "of" && t.text.chars().all(|c| c.is_lowercase()))
                .position(|t| is_group_noun(t.text) || is_body_noun(t.text));
            noun.is_some_and(|k| {
                toks.get(end + 3 + k).is_some_and(|n| {
                    matches!(
                        n.text,
                        "," | "." | "that" | "which" | "of" | "in" | "for" | "with" | "based"
                    ) || n.text.ends_with("ing")
                        || n.text.ends_with("ed")
                })
            })
        };
    // "the Kisakata fisheries cooperative": a cooperative is named with lowercase words
    // (not across a verb or an article: "Arakaki said the cooperative’s members").
    let cooperative = toks[end..]
        .iter()
        .take(3)
        .take_while(|t| {
            t.text.chars().all(|c| c.is_lowercase() || c == '-')
                && !is_strict_speech_verb(t.text)
                && !in_list!(
                    "the a an its their his her our this that and or of to",
                    t.text
                )
        })
        .position(|t| matches!(t.text, "cooperative" | "co-op"))
        .map(|k| end + k + 1);
    // "Kuomintang (KMT)": one word and an acronym made of its letters.
    let one_word_acronym =
        org_words.len() == 1 && paren_acr.is_some_and(|a| spelled_from(a, org_words[0]));
    // "grocery chains Harvest Foods Inc. and Pinecrest Markets": a name joined to a company's
    // is another company, unless it speaks.
    let beside_company = start >= 2
        && matches!(toks[start - 1].text, "and" | "or")
        && org_words.len() >= 2
        && !toks.get(end).is_some_and(|t| is_strict_speech_verb(t.text))
        && orgs.last().is_some_and(|o| {
            o.paragraph == p && o.end == toks[start - 2].end && o.kind == OrgKind::Company
        });
    // "NPO Mashinostroyeniya", "PJSC Gazprom": a legal form written first.
    // "PT Nusantara Karya": an Indonesian company.
    let form_first = org_words.len() >= 2 && in_list!("NPO JSC PJSC OAO OOO PT", org_words[0]);
    // "PEN America", "NHK World": an acronym with a place or a reach is a body's name.
    let acronym_place = org_words.len() == 2
        && is_acronym(org_words[0])
        && (PLACES.contains(org_words[1]) || in_list!("International World Global", org_words[1]));
    // "the Forsa institute": one word before a noun for its kind, after "the".
    let the_kind = kind_after
        && org_words.len() == 1
        && the_before
        && !PLACES.contains(org_words[0])
        && !NATIONALITIES.contains(org_words[0]);
    if (org_head && org_words.len() >= 2)
        || the_kind
        || lone_body
        || acronym_place
        || one_word_acronym
        || form_first
        || beside_company
        || (called_a_body && !org_words.iter().any(|w| TITLE_HEADS.contains(w)))
        || cooperative.is_some()
        || (paren_acr.is_some()
            && org_words.len() >= 2
            && !org_words.iter().all(|w| name_like(w))
            // "Labor minister Fukuoka Takamaro (LDP)": a titled person and their party.
            && !(start > 0
                && (TITLE_HEADS.contains(toks[start - 1].text)
                    || is_honorific(toks[start - 1].text))))
    {
        let mut name_start = toks[start + s].start;
        // "the 7th Infantry Division": a numbered unit keeps its number.
        if s == 0
            && let Some(n) = ordinal_before(toks, start)
        {
            name_start = n;
        }
        let name_end = cooperative.map_or(toks[end - 1].end, |c| toks[c - 1].end);
        let name = &text[name_start..name_end];
        let (mut key, country) = org_key(toks, start, org_words);
        // "Kita no Kaze Energy" after "Kita no Kaze Energy Co., Ltd.": the same company.
        if particle
            && let Some(full) = orgs
                .iter()
                .find(|o| o.surface.starts_with(&format!("{name} ")))
        {
            key.clone_from(&full.key);
        }
        if let Some(acr) = paren_acr {
            acronyms.insert(acr.to_owned(), key.clone());
            if let Some(c) = covered.get_mut(end + 1) {
                *c = true;
            }
            orgs.push(OrgCand {
                key: key.clone(),
                surface: acr.to_owned(),
                acronym: Some(acr.to_owned()),
                kind: org_kind_of(org_words),
                country: country.clone(),
                paragraph: p,
                start: toks[end + 1].start,
                end: toks[end + 1].end,
                from_lexicon: false,
                known_name: None,
            });
        }
        orgs.push(OrgCand {
            key,
            surface: name.to_owned(),
            acronym: paren_acr.map(str::to_owned),
            kind: org_kind_of(org_words),
            country,
            paragraph: p,
            start: name_start,
            end: name_end,
            from_lexicon: false,
            known_name: None,
        });
        for c in &mut covered[start..end] {
            *c = true;
        }
        return;
    }

    // A person: title words, then name words.
    // The name starts after the last title head followed by a name word, so that
    // "Digital Transformation Minister Kono Taro" does not yield "Transformation".
    let mut n0 = s;
    if let Some(h) = (s..words.len())
        .rev()
        .find(|&i| TITLE_HEADS.contains(words[i]) && words.get(i + 1).is_some_and(|w| name_like(w)))
    {
        n0 = h + 1;
    }
    while n0 < words.len()
        && !name_like(words[n0])
        && !(after_title && n0 == s && words.get(n0 + 1).is_some_and(|w| name_like(w)))
    {
        n0 += 1;
    }
    let mut n1 = n0;
    if n0 < words.len() && !name_like(words[n0]) {
        // The common word opening a name after a title ("He" of "He Yadong").
        n1 += 1;
    }
    // Up to four name words, and particles between them ("Pieter van der Berg").
    let mut name_words = 0;
    while n1 < words.len() && name_words < 4 {
        if name_like(words[n1]) {
            name_words += 1;
        } else if !(n1 > n0
            && is_name_particle(words[n1])
            && words[n1 + 1..]
                .iter()
                .find(|w| !is_name_particle(w))
                .is_some_and(|w| name_like(w)))
        {
            break;
        }
        n1 += 1;
    }
    if n1 == n0 {
        return;
    }
    // "European Commission Executive Vice-President Ingrid Vestergaard", "Bank of Japan
    // Governor ...": the body named in a title all in capitals is an organization too.
    if let Some(k) = (s..n0).find(|&k| ORG_HEADS.contains_key(words[k]))
        && let Some(t) =
            (k + 1..n0).find(|&t| is_title_word(words[t]) && !ORG_HEADS.contains_key(words[t]))
        && t - s >= 2
    {
        orgs.push(phrase_org(p, text, toks, start + s, start + t));
    }
    let name_toks = &toks[start + n0..start + n1];
    let first_here = people
        .iter()
        .rposition(|c| c.paragraph != p)
        .map_or(0, |i| i + 1);
    let (outer_start, title) = title_before(text, toks, covered, &people[first_here..], start + n0);
    // A role set off after the name is a title but not evidence of a person ("Kestrel, an
    // adviser to the fund," may be a firm).
    let title_after = title
        .is_none()
        .then(|| title_after(text, toks, start + n1))
        .flatten();
    let next_word = toks.get(start + n1).map(|t| t.text);
    let after_next = toks.get(start + n1 + 1).map(|t| t.text);
    let speaks = next_word.is_some_and(is_speech_verb)
        || (next_word.is_some_and(|w| w.ends_with("ly") || w == "also" || w == "then")
            && after_next.is_some_and(is_speech_verb));
    let honorific = start + n0 > 0 && is_honorific(toks[start + n0 - 1].text);
    let multi = n1 - n0 >= 2;
    let sentence_initial = start + n0 == 0
        || matches!(
            toks[start + n0 - 1].text,
            "." | "“" | "\"" | "!" | "?" | "(" | "—" | ":"
        );
    // A lone capitalized word opening a sentence needs a verb of speech proper; elsewhere
    // "X has", "X's", "the X administration" are enough.
    let strict = next_word.is_some_and(is_strict_speech_verb)
        || (next_word.is_some_and(|w| w.ends_with("ly") || w == "also" || w == "then")
            && after_next.is_some_and(is_strict_speech_verb));
    let owner_of = next_word.is_some_and(|w| {
        in_list!(
            "\
        ’s 's administration government cabinet Cabinet faction camp aides",
            w,
        )
    });
    let determiner_before = (start + n0).checked_sub(2).is_some_and(|i| {
        toks[i..start + n0]
            .iter()
            .any(|t| matches!(t.text, "the" | "The" | "a" | "an"))
    });
    let names_a_thing = next_word.is_some_and(|w| {
        in_list!(
            "\
        exercise exercises drill drills operation summit talks incident project plan \
        initiative system missile missiles program strategy doctrine typhoon era station \
        airport port bridge hospital park street avenue district terminal stadium market \
        temple shrine campus",
            w,
        )
    });
    // "in Naze", "Naze’s harbor": a lone word after a preposition of place, or owning a
    // place's parts, is a place the gazetteer does not know.
    let lone = n1 - n0 == 1;
    let place_before = start + n0 > 0
        && in_list!(
            "in at near outside around across toward towards into off",
            &toks[start + n0 - 1].text.to_lowercase(),
        )
        && !matches!(next_word, Some("’s" | "'s"));
    // "the town of San Fernando": a place, whatever its words.
    let place_of = start + n0 >= 2
        && toks[start + n0 - 1].text == "of"
        && in_list!(
            "town city village province state island municipality county district region              prefecture port",
            toks[start + n0 - 2].text,
        );
    let place_parts = matches!(next_word, Some("’s" | "'s"))
        && after_next.is_some_and(|w| {
            in_list!(
                "mayor residents port harbor harbour streets city town village coast airport \
                 station economy population shops schools hospital outskirts center centre \
                 waterfront fishermen farmers",
                w,
            )
        });
    if title.is_none()
        && !honorific
        && (names_a_thing
            || (determiner_before && !speaks && !owner_of)
            || place_of
            // "a plant in Hai Phong, as ...": two words after a preposition of place,
            // neither speaking nor owning, are a place too.
            || (n1 - n0 == 2 && place_before && !speaks)
            || (lone && (place_before || place_parts)))
    {
        for c in &mut covered[start + n0..start + n1] {
            *c = true;
        }
        return;
    }
    let sure = title.is_some()
        || honorific
        || (multi && paren_acr.is_none())
        || (speaks && !sentence_initial)
        || strict
        || (owner_of && n1 - n0 == 1 && !sentence_initial);
    let s0 = name_toks[0].start;
    let e0 = name_toks[name_toks.len() - 1].end;
    let gender = (start + n0 > 0)
        .then(|| gender_of(toks[start + n0 - 1].text))
        .flatten()
        .or_else(|| {
            toks[..start + n0]
                .iter()
                .rev()
                .take(4)
                .find_map(|t| gender_of(t.text))
                .filter(|_| title.is_some())
        });
    people.push(PersonCand {
        tokens: name_key(
            &name_toks
                .iter()
                .map(|t| t.text.to_owned())
                .collect::<Vec<_>>(),
        ),
        surface: text[s0..e0].to_owned(),
        paragraph: p,
        outer_start,
        start: s0,
        end: e0,
        marked: title.is_some() || honorific,
        title: title.or(title_after),
        sure,
        gender,
        initial: sentence_initial,
    });
    for c in &mut covered[start + n0..start + n1] {
        *c = true;
    }
}

/// Walks back from a name over title words and returns where the title starts and the
/// title as written ("Chinese leader", "State Councilor and Minister of Foreign Affairs").
fn title_before(
    text: &str,
    toks: &[Tok<'_>],
    covered: &[bool],
    people: &[PersonCand],
    name: usize,
) -> (usize, Option<String>) {
    // Another person's name ends the walk: "Secretary Matsuno Hirokazu and Finance Minister".
    let is_person = |t: &Tok<'_>| people.iter().any(|c| c.start <= t.start && t.end <= c.end);
    // A lone word opening a sentence is a candidate until the article says more.
    let surely_person = |t: &Tok<'_>| {
        people
            .iter()
            .any(|c| c.sure && c.start <= t.start && t.end <= c.end)
    };
    let name_start = toks.get(name).map_or(0, |t| t.start);
    let mut k = name;
    let mut first = name;
    while k > 0 {
        let t = toks[k - 1].text;
        // "Economy, Trade and Industry Minister", "Land, Infrastructure, Transport and
        // Tourism Minister": a comma in a list of portfolios closed by "and" before the head.
        if t == "," && k >= 2 && first == k {
            let w = &toks[k - 2];
            let portfolio = is_cap(w.text)
                && w.text.chars().all(char::is_alphabetic)
                && !PLACES.contains(w.text)
                && !NATIONALITIES.contains(w.text)
                && !COMMON_CAPITALIZED.contains(w.text)
                && !is_person(w)
                && toks[k..name].iter().any(|x| x.text == "and")
                && toks[k..name]
                    .iter()
                    .all(|x| is_cap(x.text) || matches!(x.text, "and" | ","));
            if portfolio {
                k -= 2;
                first = k;
                continue;
            }
        }
        // "Constitutional Democratic Party of Japan (CDPJ) leader": a body's acronym in
        // parentheses stays inside the title.
        if t == ")"
            && k >= 4
            && toks[k - 3].text == "("
            && is_acronym(toks[k - 2].text)
            && is_cap(toks[k - 4].text)
        {
            k -= 3;
            continue;
        }
        // "HANOI -- Vietnamese President": a dash between spaces ends the title; only a
        // hyphen inside a word joins.
        if t == "-"
            && !(k >= 2 && toks[k - 2].end == toks[k - 1].start && toks[k - 1].end == toks[k].start)
        {
            break;
        }
        // "ministry spokesperson", "Former village head", "Opposition floor leader": a
        // capitalized word is lowered only to look it up (no allocation for the others).
        let role_like = is_role_word(t)
            || (is_cap(t) && {
                let lower = t.to_lowercase();
                is_role_word(&lower) || is_title_word(&lower)
            });
        let ok = (is_title_word(t) && !is_person(&toks[k - 1]))
            || (role_like && !is_person(&toks[k - 1]))
            // "Takane Robotics chief executive", "Velmora president": the body whose role
            // it is, before a lowercase title word.
            || (is_cap(t)
                && first == k
                && k < name
                && toks[k].text.chars().next().is_some_and(char::is_lowercase)
                && t.chars().any(char::is_alphabetic)
                && !COMMON_CAPITALIZED.contains(t)
                && !PLACES.contains(t)
                && !surely_person(&toks[k - 1]))
            // "Kita no Kaze president": a particle inside the body's name.
            || (matches!(t, "no" | "de" | "la" | "du")
                && first == k
                && k >= 2
                && is_cap(toks[k - 2].text)
                && is_cap(toks[k].text))
            || NATIONALITIES.contains(t)
            || PLACES.contains(t)
            || is_acronym(t)
            || (covered[k - 1] && is_cap(t) && !is_person(&toks[k - 1]))
            // Other capitalized words of the same run: "Digital Transformation Minister".
            || (is_cap(t)
                && t.chars().any(char::is_alphabetic)
                && !COMMON_CAPITALIZED.contains(t)
                && !surely_person(&toks[k - 1])
                && toks.get(k).is_some_and(|n| is_cap(n.text)))
            || is_title_connector(t)
            || is_title_prefix(t)
            || t == "-";
        if !ok {
            break;
        }
        k -= 1;
        if !is_title_connector(t) && t != "-" {
            first = k;
        }
    }
    // Leading connectors are not part of the title; an honorific alone is not a title.
    let heads = toks[first..name]
        .iter()
        .any(|t| (TITLE_HEADS.contains(t.text) && !is_honorific(t.text)) || is_role_head(t.text));
    if first == name || !heads {
        return (name_start, title_set_off_before(text, toks, people, name));
    }
    // A title ends at its last head or modifier; honorifics right before the name go.
    let mut last = name;
    while last > first && is_honorific(toks[last - 1].text) {
        last -= 1;
    }
    // "a former official of the Sakai city government", "a spokesperson for Naniwa
    // Kensetsu": a name after a connector is what the role belongs to, not its holder.
    if is_title_connector(toks[last - 1].text) {
        return (name_start, None);
    }
    let title = text[toks[first].start..toks[last - 1].end].trim();
    (
        toks[first].start,
        (!title.is_empty()).then(|| title.to_owned()),
    )
}

/// Lowercase words that may stand in a title before its head ("ministry spokesperson",
/// "village head", "floor leader", "high school senior"), and the heads themselves.
fn is_role_word(word: &str) -> bool {
    is_role_head(word)
        || in_list!(
            "\
        village town city prefectural municipal ministry department company union party \
        floor caucus office policy security national presidential team government agency \
        police school high court group association federation bureau military navy army \
        embassy coalition committee board club campaign research chief assistant general \
        senior executive managing opposition ruling state foreign defense finance economic",
            word,
        )
}

/// Lowercase words that head a title besides `TITLE_HEADS` ("chief executive", "caucus
/// whip", "METI official", "high school senior").
fn is_role_head(word: &str) -> bool {
    in_list!(
        "\
        executive chair chairwoman chairperson whip forecaster official senior counterpart \
        member secretary-general co-leader officer manager strategist aide negotiator \
        treasurer investigator consultant commentator student resident worker owner general \
        fellow",
        word,
    )
}

/// Whether a title word heads a title (not a modifier, not an honorific).
fn heads_title(word: &str) -> bool {
    (TITLE_HEADS.contains(word) && !is_honorific(word)) || is_role_head(word)
}

/// A role set off by commas before a name: "Its president, Kuno Taro,", "The mayor of Oyama
/// Island, Tokuda Jin,", "Japan’s ambassador, Nakamura Shiro,". The title is kept as
/// written, from its determiner or owner to the comma.
fn title_set_off_before(
    text: &str,
    toks: &[Tok<'_>],
    people: &[PersonCand],
    name: usize,
) -> Option<String> {
    if name < 3 || toks[name - 1].text != "," {
        return None;
    }
    let is_person = |t: &Tok<'_>| people.iter().any(|c| c.start <= t.start && t.end <= c.end);
    let last = name - 2;
    let mut k = name - 1;
    let mut has_head = false;
    while k > 0 && name - 1 - k < 10 {
        let t = toks[k - 1].text;
        // "Japan’s ambassador", "The residents’ lawyer".
        let owner = matches!(t, "’s" | "'s")
            || (matches!(t, "’" | "'")
                && k >= 2
                && toks[k - 2].text.ends_with('s')
                && toks[k - 2].end == toks[k - 1].start);
        let determiner = in_list!("its Its their Their his His her Her our Our a A an An", t)
            || (matches!(t, "the" | "The") && has_head)
            || owner;
        if determiner {
            if !has_head {
                return None;
            }
            // "Komeito’s policy chief", "the authority’s director": the owner is part of
            // the title, with the article before a common noun.
            let mut from = k - 1;
            if owner && from > 0 {
                from -= 1;
                while from > 0
                    && is_cap(toks[from].text)
                    && is_cap(toks[from - 1].text)
                    && !matches!(toks[from - 1].text, "The" | "A" | "An")
                    && toks[from - 1].end + 1 == toks[from].start
                {
                    from -= 1;
                }
                if from > 0 && matches!(toks[from - 1].text, "the" | "The") {
                    from -= 1;
                }
            }
            return Some(text[toks[from].start..toks[last].end].to_owned());
        }
        let ok = !is_person(&toks[k - 1])
            && (is_title_word(t)
                || is_role_word(t)
                || is_title_connector(t)
                || NATIONALITIES.contains(t)
                || is_acronym(t)
                || (is_cap(t) && t.chars().all(|c| c.is_alphabetic() || c == '-')));
        if !ok {
            return None;
        }
        has_head |= heads_title(t);
        k -= 1;
    }
    None
}

/// A role set off after a name: "Vera Lind, a political science professor at Ostmark
/// University, said", "Omar Haddad, chief economist at Kestrel Securities in Tokyo.". The
/// words before the first preposition end with a title's head; the title runs to the
/// comma, stop, parenthesis, quotation mark or relative pronoun that closes it.
fn title_after(text: &str, toks: &[Tok<'_>], end: usize) -> Option<String> {
    if toks.get(end)?.text != "," {
        return None;
    }
    let first = end + 1;
    let mut k = first;
    let mut head_end = None;
    let mut in_tail = false;
    while k < toks.len() && k - first < 16 {
        let t = toks[k].text;
        if matches!(
            t,
            "," | "." | ";" | ":" | "(" | ")" | "“" | "”" | "\"" | "—" | "who" | "whose" | "which"
        ) {
            break;
        }
        if !t.chars().next().is_some_and(char::is_alphabetic)
            && !matches!(t, "’" | "'" | "’s" | "'s" | "&" | "-")
        {
            return None;
        }
        if !in_tail && matches!(t, "at" | "of" | "for" | "with" | "in") {
            head_end?;
            in_tail = true;
        } else if !in_tail {
            if is_speech_verb(t) {
                return None;
            }
            head_end = heads_title(t).then_some(k);
        }
        k += 1;
    }
    let head_end = head_end?;
    if k == first || k - first >= 16 || (!in_tail && head_end + 1 != k) {
        return None;
    }
    let last = if in_tail { k - 1 } else { head_end };
    Some(text[toks[first].start..toks[last].end].to_owned())
}

fn resolve_people(
    paragraphs: &[String],
    all_tokens: &[Vec<Tok<'_>>],
    covered: &[Vec<bool>],
    cands: Vec<PersonCand>,
    known: &dyn Names,
) -> (Vec<PersonEntity>, Vec<Located>, Vec<Option<Gender>>) {
    // Full names first: each distinct set of name words is one person, whatever the order.
    let mut people: Vec<(Vec<String>, PersonEntity)> = Vec::new();
    let mut assigned: Vec<Option<usize>> = vec![None; cands.len()];
    for (ci, c) in cands.iter().enumerate() {
        if c.tokens.len() < 2 || !c.sure {
            continue;
        }
        let same = |k: &Vec<String>| {
            c.tokens.iter().all(|t| k.contains(t)) || k.iter().all(|t| c.tokens.contains(t))
        };
        let idx = match people.iter().position(|(k, _)| k.len() >= 2 && same(k)) {
            Some(i) => i,
            None => {
                people.push((c.tokens.clone(), new_person(&c.surface)));
                people.len() - 1
            }
        };
        let (key, person) = &mut people[idx];
        if c.tokens.len() > key.len()
            || (c.tokens.len() == key.len()
                && c.surface.chars().count() > person.name.chars().count())
        {
            key.clone_from(&c.tokens);
            person.name.clone_from(&c.surface);
        }
        assigned[ci] = Some(idx);
    }
    // Single words: a word of a full name refers to that person (the latest one named);
    // otherwise a lone family name with evidence is a person of its own.
    for ci in 0..cands.len() {
        if assigned[ci].is_some() {
            continue;
        }
        let c = &cands[ci];
        if let Some(idx) = find_full(&people, &cands, &c.tokens, c.paragraph, c.start, &assigned) {
            assigned[ci] = Some(idx);
            continue;
        }
        // "Okonkwo said": a word the archive knows as one person's name is that person,
        // when the article writes no fuller name with it.
        if c.tokens.len() == 1
            && (c.sure || !c.initial)
            && let Some(full) = known.person(&c.surface)
        {
            let words: Vec<String> = full.split_whitespace().map(str::to_owned).collect();
            let key = name_key(&words);
            let idx = match people.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    people.push((key, new_person(full)));
                    people.len() - 1
                }
            };
            assigned[ci] = Some(idx);
            continue;
        }
        if !c.sure {
            continue;
        }
        let idx = match people.iter().position(|(k, _)| *k == c.tokens) {
            Some(i) => i,
            None => {
                people.push((c.tokens.clone(), new_person(&c.surface)));
                people.len() - 1
            }
        };
        assigned[ci] = Some(idx);
    }
    // Unsure words that match a lone-family-name person named with evidence elsewhere.
    for ci in 0..cands.len() {
        if assigned[ci].is_none() {
            assigned[ci] = people.iter().position(|(k, _)| *k == cands[ci].tokens);
        }
    }

    let mut located = Vec::new();
    let mut mentions: Vec<(usize, usize, usize, String, Option<String>)> = Vec::new();
    for (ci, c) in cands.iter().enumerate() {
        if let Some(idx) = assigned[ci] {
            mentions.push((
                idx,
                c.paragraph,
                c.start,
                c.surface.clone(),
                c.title.clone(),
            ));
            located.push(Located {
                paragraph: c.paragraph,
                outer_start: c.outer_start,
                start: c.start,
                end: c.end,
                target: Target::Person(idx),
            });
        }
    }
    // Words of a person's name used elsewhere ("the Xi administration") that the phrase
    // rules did not pick up.
    let taken: std::collections::HashSet<(usize, usize)> =
        cands.iter().map(|c| (c.paragraph, c.start)).collect();
    for (p, toks) in all_tokens.iter().enumerate() {
        for (i, t) in toks.iter().enumerate() {
            if covered[p][i] || taken.contains(&(p, t.start)) || !name_like(t.text) {
                continue;
            }
            let key = name_key(&[t.text.to_owned()]);
            let owner = people
                .iter()
                .position(|(k, _)| key.iter().all(|w| k.contains(w)));
            if let Some(idx) = owner {
                mentions.push((idx, p, t.start, t.text.to_owned(), None));
                located.push(Located {
                    paragraph: p,
                    outer_start: t.start,
                    start: t.start,
                    end: t.end,
                    target: Target::Person(idx),
                });
            }
        }
    }
    mentions.sort_by_key(|m| (m.1, m.2));
    let mut genders: Vec<Option<Gender>> = vec![None; people.len()];
    for (ci, c) in cands.iter().enumerate() {
        if let (Some(idx), Some(g)) = (assigned[ci], c.gender) {
            genders[idx].get_or_insert(g);
        }
    }
    let mut out: Vec<PersonEntity> = people.into_iter().map(|(_, e)| e).collect();
    let mut indexed: HashMap<usize, Indexed> = HashMap::new();
    for (idx, p, start, surface, title) in mentions {
        let Some(para) = paragraphs.get(p) else {
            continue;
        };
        let ix = indexed.entry(p).or_insert_with(|| Indexed::new(para));
        let end = start + surface.len();
        let entity = &mut out[idx];
        if let Some(t) = &title
            && !entity.titles.contains(t)
        {
            entity.titles.push(t.clone());
        }
        entity.mentions.push(Mention {
            span: ix.span(p, start, end),
            surface,
            title,
        });
    }
    (out, located, genders)
}

fn new_person(name: &str) -> PersonEntity {
    PersonEntity {
        name: name.to_owned(),
        mentions: Vec::new(),
        titles: Vec::new(),
    }
}

fn resolve_orgs(paragraphs: &[String], cands: Vec<OrgCand>) -> (Vec<OrgEntity>, Vec<Located>) {
    let mut keys: Vec<String> = Vec::new();
    let mut orgs: Vec<OrgEntity> = Vec::new();
    let mut located = Vec::new();
    let mut order: Vec<usize> = (0..cands.len()).collect();
    order.sort_by_key(|&i| (cands[i].paragraph, cands[i].start));
    let mut indexed: HashMap<usize, Indexed> = HashMap::new();
    for i in order {
        let c = &cands[i];
        // "Foreign Ministry" after "Chinese Foreign Ministry" is the same body.
        let base = c.key.split('|').next().unwrap_or("");
        let idx = keys.iter().position(|k| *k == c.key).or_else(|| {
            if c.key.ends_with('|') && !c.from_lexicon {
                keys.iter().rposition(|k| {
                    k.split('|').next() == Some(base)
                        || k.ends_with(&format!(" {base}|"))
                        || k.split('|')
                            .next()
                            .is_some_and(|kb| kb.ends_with(&format!(" {base}")))
                })
            } else {
                None
            }
        });
        let idx = match idx {
            Some(idx) => idx,
            None => {
                keys.push(c.key.clone());
                orgs.push(OrgEntity {
                    name: c.known_name.clone().unwrap_or_else(|| c.surface.clone()),
                    acronym: c.acronym.clone(),
                    kind: c.kind,
                    country: c.country.clone(),
                    mentions: Vec::new(),
                });
                orgs.len() - 1
            }
        };
        let org = &mut orgs[idx];
        let is_acr = org.acronym.as_deref() == Some(c.surface.as_str()) || is_acronym(&c.surface);
        let name_is_acr =
            org.acronym.as_deref() == Some(org.name.as_str()) || is_acronym(&org.name);
        if !is_acr && (name_is_acr || c.surface.len() > org.name.len()) {
            org.name = c.surface.clone();
        }
        if org.acronym.is_none() {
            org.acronym = c.acronym.clone();
        }
        if org.country.is_none() {
            org.country = c.country.clone();
        }
        if org.kind == OrgKind::Other {
            org.kind = c.kind;
        }
        let Some(para) = paragraphs.get(c.paragraph) else {
            continue;
        };
        let ix = indexed
            .entry(c.paragraph)
            .or_insert_with(|| Indexed::new(para));
        org.mentions.push(Mention {
            surface: c.surface.clone(),
            span: ix.span(c.paragraph, c.start, c.end),
            title: None,
        });
        located.push(Located {
            paragraph: c.paragraph,
            outer_start: c.start,
            start: c.start,
            end: c.end,
            target: Target::Org(idx),
        });
    }
    (orgs, located)
}

/// The person whose full name contains all of `words`; with several, the latest named
/// before the given position.
fn find_full(
    people: &[(Vec<String>, PersonEntity)],
    cands: &[PersonCand],
    words: &[String],
    para: usize,
    pos: usize,
    assigned: &[Option<usize>],
) -> Option<usize> {
    let owners: Vec<usize> = people
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k.len() > words.len() && words.iter().all(|w| k.contains(w)))
        .map(|(i, _)| i)
        .collect();
    match owners.as_slice() {
        [] => None,
        [one] => Some(*one),
        _ => cands
            .iter()
            .zip(assigned)
            .rev()
            .find(|(c, a)| {
                a.is_some_and(|a| owners.contains(&a)) && (c.paragraph, c.start) <= (para, pos)
            })
            .and_then(|(_, a)| *a)
            .or(owners.first().copied()),
    }
}
