//! Quotes: spans in quotation marks and the speaker the sentence attributes them to.

use std::sync::LazyLock;

use regex::Regex;

use super::text::regex;

use super::entities::{Entities, Gender, Located, Target};
use super::lexicon::{in_list, is_speech_verb};
use super::text::Indexed;
use crate::domain::{OrgEntity, OrgKind, Quote, Speaker};

/// Attribution cues, longest forms first; some carry their object ("told reporters").
const CUES: &[&str] = &[
    r"(?:was|were) quoted as (?:\w+ly )?saying",
    r"quoting (?:him|her|them) as saying",
    r"quoted [^“”\x22]{0,40}? as saying",
    r"quotes [^“”\x22]{0,40}? as saying",
    r"gave (?:an )?instructions? (?:to|that)",
    r"called for",
    r"called on [^“”\x22]{0,40}? to",
    r"urged [^“”\x22]{0,40}? to",
    r"call(?:s|ed|ing) (?:it|them|him|her|this|that|the [^“”\x22.,]{0,40}?)",
    r"described [^“”\x22.]{0,40}? as",
    r"told [^“”\x22,:.]{0,50}",
    r"tells [^“”\x22,:.]{0,50}",
    r"[Aa]ccording to",
    r"pointed out",
    r"expressed hope that",
    r"said|says|say|added|adds|stressed|stresses|stressing|emphasized|emphasizing|noted",
    r"noting|explained|insisted|asserted|argued|declared|announced|warned|warning|urged",
    r"instructed|tweeted|wrote|writes|posted|stated|commented|remarked|replied|responded",
    r"answered|indicated|claimed|complained|criticized|vowed|pledged|promised|reported",
    r"asked|underscored|acknowledged|admitted|revealed|suggested|demanded|requested",
    r"proposed|reiterated|maintained|saying|adding|continued|recalled|explaining",
    r"asserting|arguing|stating|praised|praising|writing|confirmed|conceded|disclosed",
    r"cautioned|countered|lamented|alleged",
    // The present tense of press summaries: "Tokyo Shimbun criticizes the factions, saying".
    r"reports|argues|criticizes|notes|warns|urges|insists|suggests|asserts|praises|claims",
    r"explains|emphasizes|points out|calls for",
    // "accused Taipei of “colluding ...”", "dismissed the report as “...”".
    r"accus(?:ed|ing) [^“”\x22.]{0,40}? of",
    r"(?:denounced|condemned|slammed|dismissed|branded|labell?ed|hailed) [^“”\x22.]{0,40}? as",
    // "Ishiguro’s remark that the ports “must stand ...”": the owner of the words speaks.
    r"['’]s (?:remarks?|comments?|claims?|assertion|pledge|promise|warning) that",
    // "in what Yoon called “a new chapter”": the subject between "what" and the verb.
    r"what [^“”\x22.,;]{1,40}? (?:called|described as|termed)",
    // "Her message to both sides was clear: “...”": the owner of the message speaks.
    r"(?:message|answer|reply|response|advice|verdict|position) [^“”\x22.]{0,30}?(?:was|is) (?:clear|simple|blunt)",
    // "Said Akita Gov. Morioka Yuki: “...”": the verb first, the speaker after it.
    r"Said|Added|Asked",
];

/// Nouns that head an unnamed source's description ("a senior government official").
const SOURCE_NOUNS: &str = "source|sources|official|officials|diplomat|diplomats|executive\
    |executives|aide|aides|person|people|member|members|lawmaker|lawmakers|expert|experts\
    |analyst|analysts|researcher|researchers|resident|residents|officer|officers|insider\
    |insiders|negotiator|participant|participants|observer|observers|employee|employees\
    |worker|workers|spokesperson|spokesman|spokeswoman|voter|voters|leader|leaders\
    |politician|politicians|student|students|woman|man|veteran|commentator|scholar\
    |professor|activist|activists|forecaster|forecasters|owner|owners|teacher|teachers\
    |manager|managers|farmer|farmers|fisherman|fishermen|passenger|passengers|engineer\
    |engineers|doctor|doctors|nurse|driver|drivers|parent|parents|witness|witnesses\
    |lawyer|lawyers|attorney|attorneys|economist|economists|strategist|strategists|banker\
    |bankers|trader|traders|consultant|consultants|scientist|scientists|academic|academics";

/// Words that may qualify a bare plural source ("government officials").
const SOURCE_QUALIFIERS: &str = r"[Gg]overnment|[Ss]enior|[Mm]inistry|[Pp]arty|[Dd]iplomatic\
    |[Ss]ecurity|[Dd]efense|[Mm]ilitary|U\.S\.|Japanese|Chinese|American|Korean|Russian|LDP\
    |[Rr]uling|[Oo]pposition|[Pp]olice|[Pp]refectural|[Ll]ocal";

/// "in Beijing", "close to the prime minister": where a source sits.
const SOURCE_PLACE: &str = r"(?:\s+(?:in|at|from|of|for|close to|familiar with|with|involved in|within|on)\s+[^,.;:“”\x22]{1,80}?)?";

static LEAD_CUE: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"\b(?:{})\b", CUES.join("|"))));
static TAIL_CUE: LazyLock<Regex> = LazyLock::new(|| LEAD_CUE.clone());
static DESCRIPTION: LazyLock<Regex> = LazyLock::new(|| {
    let determiners =
        r"[Aa]n?|[Oo]ne|[Aa]nother|[Ss]ome|[Ss]everal|[Tt]wo|[Tt]hree|[Mm]any|[Mm]ultiple";
    regex(&format!(
        r"(?:^|[\s,])((?:(?:{SOURCE_QUALIFIERS})\s+){{0,2}}(?:[Ss]ources|[Oo]fficials|[Ee]xperts|[Aa]nalysts|[Rr]esidents|[Dd]iplomats|[Oo]bservers|[Ll]awmakers){SOURCE_PLACE}|(?:{determiners})\s+(?:[\p{{L}}\-’']+\s+){{0,6}}?(?:{SOURCE_NOUNS}){SOURCE_PLACE}(?:\s*,?\s*who\s[^,“”\x22]{{1,60}}|\s*,\s*(?:speaking|asking|requesting|declining|citing)\s[^,“”\x22]{{1,60}})?)\s*,?\s*(?:(?:also|have|has|had)\s+){{0,2}}$"
    ))
});
static SENTENCE_BREAK: LazyLock<Regex> = LazyLock::new(|| regex(r"[.!?]\s+\p{Lu}"));
static INDEFINITE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^((?:[Aa]n?|[Oo]ne|[Aa]nother)\s+[^,;:“”\x22]{2,80})$"));
static SOURCE_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b[Aa]n? (?:[\p{L}\-]+ ){0,4}?sources?(?: (?:in|at|from|close to) [^,.;“”]{1,40})?")
});
static PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:^|[\s,])([Hh]e|[Ss]he|[Tt]hey|[Hh]is|[Hh]er|[Tt]heir)\s+(?:\w+ly\s+|also\s+|then\s+|later\s+|further\s+)?$",
    )
});
static ROLE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:^|[\s,])[Tt]he\s+((?:\p{L}+\s+){0,2}?(?i:envoy|ambassador|minister|governor|president|premier|leader|spokesperson|spokesman|spokeswoman|mayor|chairman|secretary|chief|commander|official|source|sources|paper|newspaper|daily|commentary|editorial|ministry|agency|party|court|commission|council|bureau|embassy|authority|association|prime minister|officer|executive|aide|diplomat|judge|jury|committee|novelist|professor|teacher|forecaster|owner|analyst|expert|resident|lawmaker|engineer|manager|passenger|company|statement|letter|emperor|empress|king|queen|prince|princess|pope))\s*(?:(?:also|have|has|had|\w+ly)\s+){0,2}$",
    )
});

/// "a 68-year-old woman", "a spokesperson": an indefinite unnamed source, up to its noun.
fn unnamed_head() -> String {
    format!(r"[Aa]n? (?:[\p{{L}}\p{{N}}\-]+ ){{0,3}}?(?:{SOURCE_NOUNS})")
}

/// "a post by a spokesperson of the Chinese Ministry of Foreign Affairs": an unnamed
/// source inside a sentence, up to the next comma.
static SOURCE_IN_SENTENCE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b{}(?: (?:of|at|for|in|from) [^,;:“”\x22]{{1,80}})?",
        unnamed_head()
    ))
});

/// "the head of the Kisakata fisheries cooperative": a person described by a post in a body.
static HEAD_OF: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^[Tt]he (?:head|chief|director|leader|president|chairman|chairwoman|chairperson|spokesman|spokeswoman|spokesperson|secretary-general|official|founder) (?:of|at) ",
    )
});

/// The last unnamed source in a [`SOURCE_IN_SENTENCE`] match ("a spokeswoman of X" in "a
/// post by a spokeswoman of X").
static LAST_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^(?:.*\s)?({}(?: (?:of|at|for|in|from) .*)?)$",
        unnamed_head()
    ))
});

/// "The Ambassador acknowledged the delays, stating": the subject opening the clause.
static OPENING_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s*(?:[Tt]he\s+((?:\p{L}+\s+){0,2}?(?i:envoy|ambassador|minister|governor|president|premier|spokesperson|spokesman|spokeswoman|mayor|chairman|secretary|commander|officer|paper|newspaper|commentary|editorial|ministry|agency|party|company))|(He|She))\s+\p{Ll}",
    )
});

struct Marked {
    open: usize,
    start: usize,
    end: usize,
    close: usize,
}

/// Finds text in curly or straight double quotation marks.
fn quoted_spans(text: &str) -> Vec<Marked> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (b, c) in text.char_indices() {
        match (c, open) {
            ('“', None) => open = Some((b, '”')),
            ('"', None) => open = Some((b, '"')),
            ('“', Some(_)) => open = Some((b, '”')),
            (c, Some((o, close))) if c == close => {
                out.push(Marked {
                    open: o,
                    start: if close == '"' {
                        o + 1
                    } else {
                        o + '“'.len_utf8()
                    },
                    end: b,
                    close: b + c.len_utf8(),
                });
                open = None;
            }
            _ => {}
        }
    }
    // A quote that goes on into the next paragraph has no closing mark in this one (with
    // straight marks, only a quote opening the paragraph: a stray mark is likelier inside).
    let runs_on = match open {
        Some((o, '”')) => Some((o, o + '“'.len_utf8())),
        Some((o, '"')) if text[..o].trim().is_empty() => Some((o, o + 1)),
        _ => None,
    };
    if let Some((o, start)) = runs_on
        && text[start..].split_whitespace().count() >= 4
    {
        out.push(Marked {
            open: o,
            start,
            end: text.len(),
            close: text.len(),
        });
    }
    out
}

fn is_abbreviation_before(text: &str, dot: usize) -> bool {
    let word: &str = text[..dot]
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    in_list!(
        "\
        Mr Ms Mrs Dr Lt Col Gen Maj Capt Adm Cmdr Cdr Sgt Gov Sen Rep Prof St Jan Feb Mar Apr Jun \
        Jul Aug Sep Sept Oct Nov Dec No Pref Co Corp Inc vs p",
        word,
    ) || (word.len() == 1 && word.chars().all(char::is_uppercase))
        || word.ends_with(".S")
        || word.ends_with(".K")
        || word.ends_with(".N")
}

/// Whether the abbreviation ending at the full stop `dot` also ends its sentence because
/// a quote opens right after it (`said Mariko Senda, an analyst at Daiwa Securities Co.
/// “Management admitted it.”`): a legal form, a country or a title's abbreviation never
/// runs on into quoted words, except a number's or a page's (`No. “1”`).
fn quote_follows_abbreviation(text: &str, dot: usize) -> bool {
    let word = text[..dot]
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let mut after = text[dot + 1..].chars();
    let mut spaced = false;
    let opening = loop {
        match after.next() {
            Some(c) if c.is_whitespace() => spaced = true,
            Some(c) => break c,
            None => return false,
        }
    };
    spaced
        && matches!(opening, '“' | '"')
        && after.next().is_some_and(char::is_uppercase)
        && !in_list!("No vs p", word)
}

/// Byte offsets where sentences start, ignoring full stops inside quotes.
fn sentence_starts(text: &str, quotes: &[Marked]) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(b, c)) in bytes.iter().enumerate() {
        // A full stop inside a quote ends the sentence only when the quote closes right after.
        if !matches!(c, '.' | '!' | '?')
            || quotes
                .iter()
                .any(|q| b >= q.start && b + c.len_utf8() < q.end)
        {
            continue;
        }
        if c == '.' && is_abbreviation_before(text, b) && !quote_follows_abbreviation(text, b) {
            continue;
        }
        let mut j = i + 1;
        while bytes
            .get(j)
            .is_some_and(|&(_, c)| matches!(c, '”' | '"' | '’' | ')' | ']'))
        {
            j += 1;
        }
        if !bytes.get(j).is_some_and(|&(_, c)| c.is_whitespace()) {
            continue;
        }
        while bytes.get(j).is_some_and(|&(_, c)| c.is_whitespace()) {
            j += 1;
        }
        if let Some(&(nb, nc)) = bytes.get(j)
            && (nc.is_uppercase() || nc == '“' || nc == '"')
        {
            starts.push(nb);
        }
    }
    starts
}

/// Words after which quoted words are a noun's modifier, not speech ("the “gray zone”").
const DETERMINERS: &str = "the its their his her this these those our your so-called of as";

/// Words that may follow a quote without making it a modifier of the next noun.
const AFTER_SPEECH: &str = "and or but as in on at to for with by from over while when which \
    because after before during he she they said says according the a an was were is are if \
    since until though although adding saying told stressed its their his her our this that \
    these those it them him us any all each every no of concerning regarding about including \
    between among under into through against within without toward towards across amid \
    despite than like via";

/// Whether `lead` ends with a number or a word for a quantity ("500 more", "three",
/// "dozens of").
fn counts_before(lead: &str) -> bool {
    let mut words = lead.split_whitespace().rev();
    let mut last = words.next().unwrap_or("");
    if last == "of" {
        last = words.next().unwrap_or("");
    }
    last.chars().next().is_some_and(|c| c.is_ascii_digit())
        || in_list!(
            "more fewer several many dozens hundreds thousands two three four five six seven \
             eight nine ten twelve twenty fifty hundred thousand",
            last
        )
}

fn ends_with_determiner(gap: &str) -> bool {
    gap.split_whitespace()
        .last()
        .is_some_and(|w| DETERMINERS.split_whitespace().any(|d| d == w))
}

/// Whether the text after a closing mark goes on with the noun the quoted words modify.
fn modifies_next(after: &str) -> bool {
    let next = after.split_whitespace().next().unwrap_or("");
    let next = next.trim_end_matches([',', '.', ';']);
    next.chars().next().is_some_and(char::is_lowercase)
        && !AFTER_SPEECH.split_whitespace().any(|w| w == next)
}

fn is_preposition(word: &str) -> bool {
    in_list!(
        "\
        with to by of for from at in on about against toward between among than and \
        urged asked met called",
        word,
    )
}

fn word_before(text: &str, pos: usize) -> &str {
    let mut words = text[..pos].split_whitespace().rev();
    let mut w = words.next().unwrap_or("");
    while matches!(w, "the" | "The" | "a" | "an") {
        w = words.next().unwrap_or("");
    }
    w.trim_matches(|c: char| !c.is_alphanumeric())
}

/// An unnamed source's description, cut before any verb the pattern ran into and before an
/// aside (", speaking on condition of anonymity").
fn description(text: &str) -> String {
    static ASIDE: LazyLock<Regex> =
        LazyLock::new(|| regex(r"\s*,\s*(?:speaking|asking|requesting|declining|citing)\s"));
    let text = ASIDE.find(text).map_or(text, |a| &text[..a.start()]);
    let mut end = text.len();
    let mut offset = 0;
    // "who asked not to be named": the clause describes the source, whatever its verb.
    let who = text.find(", who ").unwrap_or(text.len());
    for word in text.split_inclusive(' ') {
        // "A spokesperson for Naniwa Kensetsu declined to comment, saying": the source ends
        // where its verb starts.
        let verb = is_speech_verb(word.trim())
            || in_list!(
                "declined refused did could would will was were is are has have had",
                word.trim()
            );
        if verb && offset > 0 && offset < who {
            end = offset;
            break;
        }
        offset += word.len();
    }
    text[..end].trim().trim_end_matches(',').to_owned()
}

fn is_title_case_name(text: &str) -> bool {
    // A book title before a comma: "In his book “Japan's Choice,” Suga wrote".
    let text = text.trim_end().trim_end_matches(',');
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 6
        && !text.trim_end().ends_with(['.', '!', '?', ','])
        && words.iter().all(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || matches!(*w, "of" | "the" | "and" | "for" | "in" | "on" | "a")
        })
}

/// Words joining two quoted fragments of one attribution: “A” and “B”, “A” on “B”.
fn is_connector(gap: &str) -> bool {
    matches!(gap, "and" | "," | "or" | ", and" | "as well as")
        || (!gap.is_empty()
            && gap.split_whitespace().count() <= 3
            && gap
                .split_whitespace()
                .all(|w| w.chars().all(|c| c.is_lowercase() || c == ','))
            && !gap.split_whitespace().any(is_speech_verb))
}

/// Picks the subject among the mentions of a clause: the one nearest the verb that is not
/// the object of a preposition, preferring people over organizations.
fn subject_in(text: &str, located: &[&Located], from: usize, to: usize) -> Option<Target> {
    subject_or_object_in(text, located, from, to).map(|(t, _)| t)
}

/// As [`subject_in`], and whether the pick is a subject (`false`: only objects of
/// prepositions were there, "hosted by the Foundation").
fn subject_or_object_in(
    text: &str,
    located: &[&Located],
    from: usize,
    to: usize,
) -> Option<(Target, bool)> {
    let inside: Vec<&&Located> = located
        .iter()
        .filter(|l| l.start >= from && l.end <= to)
        .collect();
    for want_person in [true, false] {
        let cands: Vec<&&&Located> = inside
            .iter()
            .filter(|l| matches!(l.target, Target::Person(_)) == want_person)
            .collect();
        if let Some(pos) = cands
            .iter()
            .rposition(|l| !is_preposition(word_before(text, l.outer_start)))
        {
            // "X and his counterpart Y said": the first of the joined subjects.
            let mut pos = pos;
            while pos > 0 {
                // Overlapping mentions (a name inside another's title) have no gap.
                let Some(between) = text.get(cands[pos - 1].end..cands[pos].outer_start) else {
                    break;
                };
                let words: Vec<&str> = between.split_whitespace().collect();
                if words.first() == Some(&"and")
                    && words.len() <= 4
                    && words.iter().all(|w| w.starts_with(char::is_lowercase))
                {
                    pos -= 1;
                } else {
                    break;
                }
            }
            return Some((cands[pos].target, true));
        }
    }
    inside.first().map(|l| (l.target, false))
}

/// The gender a pronoun gives (`he`, `her`), if any.
fn pronoun_gender(word: &str) -> Option<Gender> {
    match word.to_lowercase().as_str() {
        "he" | "him" | "his" => Some(Gender::Male),
        "she" | "her" | "hers" => Some(Gender::Female),
        _ => None,
    }
}

/// The person a pronoun stands for: the subject of the last sentence, before `pos` in
/// paragraph `p` or in the paragraph before, that names a person the pronoun's gender fits
/// (`Mr.` / `Ms.`); for a gendered pronoun, further back a person of that gender.
fn previous_subject(
    paragraphs: &[String],
    entities: &Entities,
    p: usize,
    pos: usize,
    gender: Option<Gender>,
) -> Option<usize> {
    let near = previous_subject_in(paragraphs, entities, p, pos, gender);
    if near.is_some() || gender.is_none() {
        return near;
    }
    // Only a person the text gave that gender to, so no earlier guess is made.
    entities
        .located
        .iter()
        .filter(|l| (l.paragraph, l.end) <= (p, pos) && l.paragraph + 4 >= p)
        .rev()
        .find_map(|l| match l.target {
            Target::Person(i) if entities.genders.get(i).copied().flatten() == gender => Some(i),
            _ => None,
        })
}

fn previous_subject_in(
    paragraphs: &[String],
    entities: &Entities,
    p: usize,
    pos: usize,
    gender: Option<Gender>,
) -> Option<usize> {
    for para in (p.saturating_sub(1)..=p).rev() {
        let text = paragraphs.get(para)?;
        let limit = if para == p { pos } else { text.len() };
        // Names inside quotes are not the subject of the narration.
        let marks = quoted_spans(text);
        let persons: Vec<&Located> = entities
            .located
            .iter()
            .filter(|l| {
                l.paragraph == para
                    && l.end <= limit
                    && matches!(l.target, Target::Person(i) if entities.gender_fits(i, gender))
                    && !marks.iter().any(|m| l.start >= m.start && l.end <= m.end)
            })
            .collect();
        let Some(last) = persons.last() else { continue };
        let starts = sentence_starts(text, &marks);
        let from = starts
            .iter()
            .rev()
            .find(|&&s| s <= last.outer_start)
            .copied()
            .unwrap_or(0);
        let sentence: Vec<&&Located> = persons.iter().filter(|l| l.outer_start >= from).collect();
        // A person the text gave the pronoun's gender comes first ("Hayakawa met Ms. Iwata.
        // ... she said").
        let gendered = sentence.iter().find(|l| {
            gender.is_some()
                && matches!(l.target, Target::Person(i) if entities.genders.get(i).copied().flatten() == gender)
        });
        // "Quang's lawyer, Le Thi Hoa, said": an owner is not the subject.
        let subject = gendered
            .or_else(|| {
                sentence.iter().find(|l| {
                    !is_preposition(word_before(text, l.outer_start))
                        && !text[l.end..].starts_with(['\'', '’'])
                })
            })
            .or(sentence.first());
        if let Some(Target::Person(i)) = subject.map(|l| l.target) {
            return Some(i);
        }
    }
    None
}

fn to_speaker(t: Target) -> Speaker {
    match t {
        Target::Person(i) => Speaker::Person(i),
        Target::Org(i) => Speaker::Organization(i),
    }
}

struct State<'a> {
    paragraphs: &'a [String],
    last_speaker: Option<Speaker>,
    /// The last anonymous source described in the text ("a Japanese government source").
    last_source: Option<String>,
    /// Speaker and paragraph of the last quote.
    last_quote: Option<(Speaker, usize)>,
    last_person: Option<usize>,
}

/// The entities' mentions before `before` (paragraph, offset), the latest first.
fn located_before(entities: &Entities, before: (usize, usize)) -> impl Iterator<Item = &Located> {
    entities
        .located
        .iter()
        .filter(move |l| (l.paragraph, l.start) < before)
        .rev()
}

/// The organization mentioned last before `before` that `fits` ("the paper": the latest
/// newspaper named).
fn latest_org(
    entities: &Entities,
    before: (usize, usize),
    fits: impl Fn(&OrgEntity) -> bool,
) -> Option<Speaker> {
    located_before(entities, before).find_map(|l| match l.target {
        Target::Org(i) if entities.organizations.get(i).is_some_and(&fits) => {
            Some(Speaker::Organization(i))
        }
        _ => None,
    })
}

/// "“...,” the company said": the company the article is about so far, the one mentioned
/// most before `before` (the first named of equals), not an analyst's firm named last.
fn main_company(entities: &Entities, before: (usize, usize)) -> Option<Speaker> {
    // (organization, mentions, first mention)
    let mut seen: Vec<(usize, usize, (usize, usize))> = Vec::new();
    for l in entities
        .located
        .iter()
        .filter(|l| (l.paragraph, l.start) < before)
    {
        let Target::Org(i) = l.target else { continue };
        if entities
            .organizations
            .get(i)
            .is_none_or(|o| o.kind != OrgKind::Company)
        {
            continue;
        }
        match seen.iter_mut().find(|(o, _, _)| *o == i) {
            Some((_, n, _)) => *n += 1,
            None => seen.push((i, 1, (l.paragraph, l.start))),
        }
    }
    seen.iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|&(i, _, _)| Speaker::Organization(i))
}

fn resolve_role(
    role: &str,
    entities: &Entities,
    state: &State<'_>,
    before: (usize, usize),
) -> Option<Speaker> {
    let role = role.to_lowercase();
    let head = role.split_whitespace().last().unwrap_or("");
    if matches!(head, "source" | "sources" | "official" | "officials") {
        if let Some(Speaker::Unnamed(d)) = &state.last_speaker {
            return Some(Speaker::Unnamed(d.clone()));
        }
        return state
            .last_source
            .clone()
            .or_else(|| Some(format!("the {role}")))
            .map(Speaker::Unnamed);
    }
    // "The commentary said": the paper that carried it speaks.
    if matches!(
        head,
        "paper" | "newspaper" | "daily" | "commentary" | "editorial"
    ) {
        return latest_org(entities, before, |o| o.kind == OrgKind::Media)
            .or_else(|| Some(Speaker::Unnamed(format!("the {role}"))));
    }
    // "“Our door is always open,” the statement said": whoever issued it, the speaker
    // before.
    if matches!(head, "statement" | "letter") {
        return state
            .last_speaker
            .clone()
            .or_else(|| Some(Speaker::Unnamed(format!("the {role}"))));
    }
    if head == "company" {
        return main_company(entities, before)
            .or_else(|| Some(Speaker::Unnamed("the company".to_owned())));
    }
    if matches!(head, "ministry" | "agency" | "party") {
        // "The ministry said in a statement:" with no ministry named: an unnamed body.
        return latest_org(entities, before, |o| o.name.to_lowercase().contains(head))
            .or_else(|| Some(Speaker::Unnamed(format!("the {role}"))));
    }
    // "The court said": the latest court the article named, else an unnamed body.
    if matches!(
        head,
        "court" | "commission" | "council" | "bureau" | "embassy" | "authority" | "association"
    ) {
        return latest_org(entities, before, |o| {
            o.name
                .split_whitespace()
                .any(|w| w.eq_ignore_ascii_case(head))
        })
        .or_else(|| Some(Speaker::Unnamed(format!("the {role}"))));
    }
    let wanted: &[&str] = match head {
        "envoy" => &["ambassador", "envoy"],
        "governor" => &["governor", "gov."],
        "commander" => &["commander", "cmdr.", "cdr."],
        "spokesperson" | "spokesman" | "spokeswoman" => {
            &["spokesperson", "spokesman", "spokeswoman"]
        }
        "officer" => &[
            "officer",
            "col.",
            "gen.",
            "maj.",
            "capt.",
            "lt.",
            "adm.",
            "cmdr.",
            "cdr.",
            "sgt.",
            "commander",
        ],
        other => &[other][..],
    };
    // The whole role first ("the prime minister"), then its head word ("minister").
    let with_title = |matches: &dyn Fn(&str) -> bool| {
        located_before(entities, before).find_map(|l| match l.target {
            Target::Person(i) => entities.people[i]
                .titles
                .iter()
                .any(|t| matches(&t.to_lowercase()))
                .then_some(Speaker::Person(i)),
            Target::Org(_) => None,
        })
    };
    // "A spokesperson for the command, Maj. Carla Benson, said": the role set before a name.
    let by_apposition = || {
        located_before(entities, before).find_map(|l| {
            let Target::Person(i) = l.target else {
                return None;
            };
            let para = state.paragraphs.get(l.paragraph)?;
            let mut from = l.outer_start.saturating_sub(80);
            while !para.is_char_boundary(from) {
                from -= 1;
            }
            let window = para.get(from..l.outer_start)?.trim_end();
            let words: Vec<String> = window
                .split_whitespace()
                .map(|w| {
                    w.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                })
                .collect();
            (window.ends_with(',') && words.iter().any(|w| wanted.contains(&w.as_str())))
                .then_some(Speaker::Person(i))
        })
    };
    let by_title = with_title(&|t: &str| t.contains(role.as_str()))
        .or_else(|| with_title(&|t: &str| wanted.iter().any(|w| t.contains(w))))
        .or_else(by_apposition);
    // A role nobody in the article carries is an unnamed source, never a guessed person.
    by_title.or_else(|| Some(Speaker::Unnamed(format!("the {role}"))))
}

/// The speaker of the narrated sentence `from..to` of `text` (no quotation marks in it):
/// the clause before its first cue.
fn speaker_of_sentence(
    text: &str,
    p: usize,
    from: usize,
    to: usize,
    located: &[&Located],
    entities: &Entities,
    state: &State<'_>,
) -> Option<Speaker> {
    let sentence = &text[from..to];
    if sentence.contains(['“', '"']) {
        return None;
    }
    let cue = LEAD_CUE
        .find_iter(sentence)
        .find(|c| !sentence[..c.start()].ends_with('-'))?;
    speaker_of_clause(text, p, from, from + cue.start(), located, entities, state).map(|(s, _)| s)
}

/// Who a clause names as speaker: a description, a mention, a pronoun or a role.
fn speaker_of_clause(
    text: &str,
    p: usize,
    from: usize,
    to: usize,
    located: &[&Located],
    entities: &Entities,
    state: &State<'_>,
) -> Option<(Speaker, f32)> {
    let clause = &text[from..to];
    if let Some(d) = DESCRIPTION.captures(clause).and_then(|c| c.get(1)) {
        // "Lawyer X, who represents the residents, said": the named person speaks.
        let named_before = located.iter().any(|l| {
            matches!(l.target, Target::Person(_)) && l.start >= from && l.end <= from + d.start()
        });
        if !named_before {
            return Some((Speaker::Unnamed(description(d.as_str())), 0.8));
        }
    }
    // "A senior official of Komeito, the LDP’s junior coalition partner, expressed concern,
    // saying": a clause opening with an unnamed source (after a dateline, in the first
    // paragraph) and naming no person is the source's, whatever bodies its asides name.
    static OPENING_UNNAMED: LazyLock<Regex> = LazyLock::new(|| {
        regex(&format!(
            r"^\s*(?:\p{{Lu}}{{2,}}[^“”\x22]{{0,60}}?\s(?:—|–|--|-)\s+)?({}(?: (?:of|at|for|in|from) [^,;:“”\x22]{{1,80}})?)\s*,",
            unnamed_head()
        ))
    });
    if let Some(d) = OPENING_UNNAMED.captures(clause).and_then(|c| c.get(1))
        && !located
            .iter()
            .any(|l| matches!(l.target, Target::Person(_)) && l.start >= from && l.end <= to)
    {
        return Some((Speaker::Unnamed(description(d.as_str())), 0.7));
    }
    // "..., with the head of the largest opposition party calling the plan “reckless.”":
    // the phrase after "with" is the subject of the participle that cues the quote.
    static WITH_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"\bwith\s+((?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir)\s[^,;:“”\x22]{2,80}?)\s*$")
    });
    let participle = ["calling", "saying", "warning", "adding", "describing"]
        .iter()
        .any(|w| text[to..].starts_with(w));
    if participle && let Some(np) = WITH_SUBJECT.captures(clause).and_then(|c| c.get(1)) {
        let (s, e) = (from + np.start(), from + np.end());
        let named = located
            .iter()
            .find(|l| l.start >= s && l.end <= e && matches!(l.target, Target::Person(_)));
        if let Some(l) = named {
            return Some((to_speaker(l.target), 0.8));
        }
        let phrase = np.as_str();
        let role = phrase.split_whitespace().nth(1).unwrap_or("");
        if HEAD_OF.is_match(phrase) || SOURCE_NOUNS.split('|').any(|n| n.trim() == role) {
            return Some((Speaker::Unnamed(description(phrase)), 0.7));
        }
    }
    let subject = subject_or_object_in(text, located, from, to);
    let pronoun = PRONOUN.captures(clause).and_then(|c| c.get(1));
    // "Ms. Sato met Ito, and then she said": the person of the pronoun's gender in the clause.
    if let Some(pronoun) = pronoun
        && let Some(gender) = pronoun_gender(pronoun.as_str())
        && let Some(l) = located.iter().rev().find(|l| {
            l.start >= from
                && l.end <= to
                && matches!(l.target, Target::Person(i)
                    if entities.genders.get(i).copied().flatten() == Some(gender))
        })
    {
        return Some((to_speaker(l.target), 0.8));
    }
    if let Some((t, true)) = subject {
        return Some((to_speaker(t), 0.9));
    }
    if let Some(pronoun) = pronoun {
        // "A woman who visits the clinic said she ... . “...,” she said": the paragraph
        // opened with an unnamed source and named nobody since.
        let named = located
            .iter()
            .any(|l| matches!(l.target, Target::Person(_)) && l.end <= from);
        // (The cue is looked for right after the source's head: "An executive of a parts
        // supplier in Aichi said ..." names its place before the verb.)
        static OPENING_SOURCE: LazyLock<Regex> =
            LazyLock::new(|| regex(&format!("^{}", unnamed_head())));
        if !named
            && let Some(d) = OPENING_SOURCE.find(text).filter(|d| d.end() <= from)
            && let Some(cue) = LEAD_CUE.find(&text[d.end()..from])
            && !text[d.end()..d.end() + cue.start()].contains(['.', '“', '"'])
        {
            let subject = &text[..d.end() + cue.start()];
            return Some((Speaker::Unnamed(description(subject)), 0.6));
        }
        let gender = pronoun_gender(pronoun.as_str());
        let fits = |s: &Speaker| match s {
            Speaker::Person(i) => entities.gender_fits(*i, gender),
            _ => true,
        };
        let subject =
            previous_subject(state.paragraphs, entities, p, from, gender).map(Speaker::Person);
        let carried = subject
            .or_else(|| state.last_speaker.clone().filter(fits))
            .or_else(|| state.last_person.map(Speaker::Person).filter(fits));
        return carried.map(|s| (s, 0.7));
    }
    if matches!(
        clause.trim().trim_start_matches(',').trim(),
        "" | "and" | "but" | "then" | "and then"
    ) {
        let carried = state
            .last_speaker
            .clone()
            .or_else(|| state.last_person.map(Speaker::Person));
        return carried.map(|s| (s, 0.7));
    }
    if let Some(r) = ROLE.captures(clause).and_then(|c| c.get(1)) {
        return resolve_role(r.as_str(), entities, state, (p, to)).map(|s| (s, 0.6));
    }
    // "Speaking at a seminar hosted by the Foundation, ...": only an object was there.
    if let Some((t, false)) = subject {
        return Some((to_speaker(t), 0.7));
    }
    indefinite(clause)
        .or_else(|| group(clause))
        .map(|d| (Speaker::Unnamed(d), 0.6))
}

/// "China’s embassy in Manila", "The selection committee": a body named by a description
/// with a possessive or "the", the subject of the last part of the clause.
fn group(clause: &str) -> Option<String> {
    static GROUP: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"^((?:\p{Lu}[\p{L}.\-]*’s|\p{Lu}[\p{L}.\-]*'s|[Tt]he(?:\s+\p{Lu}[\p{L}\-]*)?|[Ii]ts|[Tt]heir)\s+\p{Ll}[^,;:“”\x22]{1,100})$",
        )
    });
    let last = clause.rsplit(',').map(str::trim).find(|s| !s.is_empty())?;
    let phrase = GROUP.captures(last.trim_end_matches('.'))?.get(1)?.as_str();
    let verbish = phrase.split_whitespace().any(|w| {
        in_list!(
            "was were is are had has have been be would will could should may might can did \
             does do not",
            w,
        ) || is_speech_verb(w)
    });
    (!verbish && phrase.split_whitespace().count() <= 14).then(|| phrase.to_owned())
}

/// The subject opening a clause whose verb is not the cue ("The Ambassador acknowledged
/// the delays, stating ..."): a role or a pronoun.
fn opening_subject(
    clause: &str,
    p: usize,
    from: usize,
    to: usize,
    entities: &Entities,
    state: &State<'_>,
) -> Option<(Speaker, f32)> {
    let c = OPENING_SUBJECT.captures(clause)?;
    if let Some(role) = c.get(1) {
        return resolve_role(role.as_str(), entities, state, (p, to)).map(|s| (s, 0.6));
    }
    let gender = c.get(2).and_then(|m| pronoun_gender(m.as_str()));
    previous_subject(state.paragraphs, entities, p, from, gender)
        .or_else(|| {
            state
                .last_person
                .filter(|&i| entities.gender_fits(i, gender))
        })
        .map(|i| (Speaker::Person(i), 0.6))
}

/// "A 45-year-old woman living near the base": any short indefinite noun phrase.
fn indefinite(phrase: &str) -> Option<String> {
    INDEFINITE
        .captures(phrase.trim().trim_end_matches(['.', ',']))
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_owned())
}

/// Extracts attributed quotes from body paragraphs.
pub(crate) fn extract_quotes(paragraphs: &[String], entities: &Entities) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut state = State {
        paragraphs,
        last_speaker: None,
        last_source: None,
        last_quote: None,
        last_person: None,
    };
    let mut runs_on: Vec<(Quote, Option<Speaker>)> = Vec::new();
    for (p, text) in paragraphs.iter().enumerate() {
        let located: Vec<&Located> = entities
            .located
            .iter()
            .filter(|l| l.paragraph == p)
            .collect();
        let marks = quoted_spans(text);
        if marks.is_empty() {
            if let Some(Target::Person(i)) = located
                .iter()
                .rev()
                .map(|l| l.target)
                .find(|t| matches!(t, Target::Person(_)))
            {
                state.last_person = Some(i);
            }
            continue;
        }
        let ix = Indexed::new(text);
        let starts = sentence_starts(text, &marks);
        let sentence_of = |b: usize| starts.iter().rev().find(|&&s| s <= b).copied().unwrap_or(0);
        let sentence_end = |b: usize| {
            starts
                .iter()
                .find(|&&s| s > b)
                .copied()
                .unwrap_or(text.len())
        };
        let mut prev: Option<(usize, usize, Speaker, Option<String>, bool)> = None;
        for (qi, m) in marks.iter().enumerate() {
            let words = text[m.start..m.end].split_whitespace().count();
            let quoted = &text[m.start..m.end];
            if quoted.trim().is_empty() || is_title_case_name(quoted) {
                continue;
            }
            // "aboard the “Namhae.”": a capitalized name after an article names a thing.
            if is_title_case_name(quoted.trim_end_matches('.'))
                && ends_with_determiner(&text[..m.open])
            {
                continue;
            }
            let s_start = sentence_of(m.open);
            let lead_from = match &prev {
                Some((close, sent, ..)) if *sent == s_start => *close,
                _ => s_start,
            };
            // Persons named before this quote carry over to pronouns.
            if let Some(l) = located
                .iter()
                .filter(|l| l.end <= m.open)
                .rev()
                .find(|l| matches!(l.target, Target::Person(_)))
                && let Target::Person(i) = l.target
                && state.last_speaker.is_none()
            {
                state.last_person = Some(i);
            }
            let lead = &text[lead_from..m.open];
            // Every match has the word "source", which most paragraphs lack: a plain search
            // first is far cheaper than the regex.
            if text[..m.open].contains("source")
                && let Some(src) = SOURCE_MENTION.find_iter(&text[..m.open]).last()
            {
                state.last_source = Some(description(src.as_str()));
            }
            let mut found: Option<(Speaker, Option<String>, f32, bool)> = None;
            let mut cue_object = false;
            // Words in reported speech right after its cue ("said Seoul should build
            // “future-oriented” relations"), not after an article.
            let mut reported = false;

            // “A” and “B”: the second shares the first's attribution; so does a fragment
            // later in the same sentence with no cue of its own ("said the boat had
            // “intruded” and that the crew had acted “with restraint.”").
            if let Some((close, sent, sp, cue, frag)) = &prev
                && *sent == s_start
            {
                let gap = text[*close..m.open].trim();
                let same_clause = quoted.starts_with(char::is_lowercase)
                    && gap.split_whitespace().count() <= 20
                    && !gap.contains([';', '“', '"'])
                    && !LEAD_CUE.is_match(gap);
                if is_connector(gap) || same_clause {
                    found = Some((sp.clone(), cue.clone(), 0.85, *frag || same_clause));
                }
            }

            // Speaker before the quote: “X said, “...”, “X called for “...””.
            if found.is_none()
                && let Some(cue) = LEAD_CUE
                    .find_iter(lead)
                    .filter(|c| !lead[..c.start()].ends_with('-'))
                    .last()
            {
                let gap = lead[cue.end()..].trim();
                // "warned of “unprecedented” winds": a short phrase right after the verb is
                // what was said, even before a noun.
                cue_object = quoted.starts_with(char::is_lowercase)
                    && words <= 3
                    && in_list!("of about against for on", gap);
                // Embedded fragments: “said that China would handle the case “in accordance…””;
                // after a determiner only a whole quoted phrase (“praised its “quiet power”
                // and ...”), not a modifier of the next noun (“its “gray zone” tactics”).
                let embedded = quoted.starts_with(char::is_lowercase)
                    && gap.len() <= 200
                    && !gap.contains(['“', '"', ';'])
                    && !SENTENCE_BREAK.is_match(gap)
                    && (!ends_with_determiner(gap)
                        || cue_object
                        || (!modifies_next(&text[m.close..]) && !gap.ends_with("so-called")));
                let gap_ok = embedded
                    || gap.is_empty()
                    || matches!(gap, "," | ":" | "that" | ", that")
                    || ((gap.ends_with(',') || gap.ends_with(':'))
                        && gap.len() <= 100
                        && !gap.contains(['“', '"']));
                if gap_ok {
                    let cue_text = cue.as_str();
                    let cue_word = if cue_text.starts_with("told") || cue_text.starts_with("tells")
                    {
                        "told".to_owned()
                    } else if cue_text.starts_with("called on") {
                        "called on".to_owned()
                    } else if cue_text.starts_with("urged") {
                        "urged".to_owned()
                    } else {
                        cue_text.to_lowercase()
                    };
                    // "Asahi quotes a senior official as saying": the object speaks, unless
                    // the quoting is passive ("was quoted by Xinhua as saying").
                    let quoted_object = cue_text
                        .strip_prefix("quoted ")
                        .or_else(|| cue_text.strip_prefix("quotes "))
                        .and_then(|rest| rest.strip_suffix(" as saying"))
                        .filter(|object| !object.starts_with("by "));
                    let cue_word = if cue_text.contains(" as saying") {
                        "quoted as saying".to_owned()
                    } else {
                        cue_word
                    };
                    let who = if cue_text.starts_with("quoting ") {
                        // "cited a post by a spokesperson of the ministry, quoting her as
                        // saying": an unnamed source the sentence named before the cue.
                        let gender = cue_text.split_whitespace().nth(1).and_then(pronoun_gender);
                        let cue_at = lead_from + cue.start();
                        let named = located.iter().any(|l| {
                            matches!(l.target, Target::Person(_))
                                && l.start >= s_start
                                && l.end <= cue_at
                        });
                        SOURCE_IN_SENTENCE
                            .find_iter(&text[s_start..cue_at])
                            .last()
                            .filter(|_| !named)
                            .map(|d| {
                                // "a post by a spokeswoman": the last source in the match.
                                let d = LAST_SOURCE
                                    .captures(d.as_str())
                                    .and_then(|c| c.get(1))
                                    .map_or(d.as_str(), |x| x.as_str());
                                (Speaker::Unnamed(description(d)), 0.6)
                            })
                            .or_else(|| {
                                previous_subject(state.paragraphs, entities, p, m.open, gender)
                                    .or(state
                                        .last_person
                                        .filter(|&i| entities.gender_fits(i, gender)))
                                    .map(|i| (Speaker::Person(i), 0.7))
                            })
                    } else if let Some(rest) = cue_text.strip_prefix("what ") {
                        let from = lead_from + cue.start() + 5;
                        let verb = [" called", " described as", " termed"]
                            .iter()
                            .find_map(|v| rest.rfind(v))
                            .unwrap_or(rest.len());
                        speaker_of_clause(text, p, from, from + verb, &located, entities, &state)
                    } else if let Some(object) = quoted_object {
                        let from = lead_from + cue.start() + cue_text.find(object).unwrap_or(0);
                        speaker_of_clause(
                            text,
                            p,
                            from,
                            from + object.len(),
                            &located,
                            entities,
                            &state,
                        )
                    } else if cue_text.eq_ignore_ascii_case("according to")
                        || (matches!(cue_text, "Said" | "Added" | "Asked")
                            && text[s_start..lead_from + cue.start()].trim().is_empty())
                    {
                        speaker_of_clause(
                            text,
                            p,
                            lead_from + cue.end(),
                            m.open,
                            &located,
                            entities,
                            &state,
                        )
                    } else {
                        // "X said that ..., adding that “...”", "X said ... and described it
                        // as “...”": a participle or a second verb of the same subject speaks
                        // for the subject of the first.
                        let before_cue = lead[..cue.start()].trim_end();
                        let joined = cue_text.ends_with("ing")
                            || before_cue.ends_with(" and")
                            || before_cue.ends_with(", and");
                        // The sentence's first cue outside quotation marks.
                        let sentence = &text[s_start..m.open];
                        let first = LEAD_CUE
                            .find_iter(sentence)
                            .find(|c| {
                                !sentence[..c.start()].ends_with('-')
                                    && !marks
                                        .iter()
                                        .any(|q| (q.open..q.close).contains(&(s_start + c.start())))
                            })
                            .filter(|c| joined && s_start + c.start() < lead_from + cue.start());
                        let (clause_from, clause_end) = match first {
                            Some(c) => (s_start, s_start + c.start()),
                            None => (lead_from, lead_from + cue.start()),
                        };
                        let lead_from = clause_from;
                        speaker_of_clause(
                            text, p, lead_from, clause_end, &located, entities, &state,
                        )
                        .or_else(|| {
                            joined
                                .then(|| {
                                    opening_subject(
                                        &text[lead_from..clause_end],
                                        p,
                                        lead_from,
                                        clause_end,
                                        entities,
                                        &state,
                                    )
                                })
                                .flatten()
                        })
                    };
                    reported = embedded && !ends_with_determiner(gap);
                    if let Some((sp, conf)) = who {
                        let frag = !(gap.ends_with(',') || gap.ends_with(':'))
                            || quoted.starts_with(char::is_lowercase);
                        found = Some((sp, Some(cue_word), conf, frag));
                    }
                }
            }

            // "“Nobody wants a confrontation.” — Admiral Ren Takahashi": a credit line after
            // a dash names the speaker, with or without a title.
            if found.is_none() {
                let rest = text[m.close..].trim_start();
                if let Some(credit) = ["—", "–", "--"].iter().find_map(|d| rest.strip_prefix(d))
                {
                    let at = text.len() - credit.trim_start().len();
                    if let Some(l) = located
                        .iter()
                        .find(|l| l.outer_start == at || l.start == at)
                    {
                        found = Some((to_speaker(l.target), None, 0.85, false));
                    }
                }
            }

            // Speaker after the quote: “...,” X said / said X / according to X.
            if found.is_none() {
                let next_open = marks.get(qi + 1).map_or(text.len(), |n| n.open);
                let tail_end = sentence_end(m.close).min(next_open);
                let tail = &text[m.close..tail_end];
                // "“clearly violates” U.N. resolutions, adviser Han Seung-woo said": after a
                // long stretch, the speaker is the clause after its last comma.
                let clause_from = |cue_start: usize| {
                    let gap = &tail[..cue_start];
                    // "lodged “stern representations” with Japan after Foreign Minister X
                    // said": a speaker in a clause of its own is not the quote's.
                    let last_clause = gap.rsplit(',').next().unwrap_or(gap);
                    if last_clause.split_whitespace().any(|w| {
                        in_list!("after before when because since while although though if unless until whereas", w)
                    }) {
                        return None;
                    }
                    if gap.split_whitespace().count() <= 8 {
                        return Some(m.close);
                    }
                    let comma = gap.rfind(',')?;
                    (gap[comma + 1..].split_whitespace().count() <= 10)
                        .then_some(m.close + comma + 1)
                };
                if let Some(cue) = TAIL_CUE.find(tail)
                    && let Some(clause_from) = clause_from(cue.start())
                {
                    let cue_word = cue
                        .as_str()
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_owned();
                    let before = speaker_of_clause(
                        text,
                        p,
                        clause_from,
                        m.close + cue.start(),
                        &located,
                        entities,
                        &state,
                    )
                    .filter(|_| {
                        !text[clause_from..m.close + cue.start()]
                            .trim()
                            .trim_matches(',')
                            .is_empty()
                    });
                    let who = before.or_else(|| {
                        let after_from = m.close + cue.end();
                        let after = &text[after_from..tail_end];
                        let after_to = after_from + after.find([',', ';']).unwrap_or(after.len());
                        let phrase = text[after_from..after_to].trim().trim_end_matches('.');
                        // "said the group’s director, Farid Osman": the person set after the
                        // description.
                        let named_after = text[after_to..].strip_prefix(',').and_then(|rest| {
                            let at = after_to + 1 + (rest.len() - rest.trim_start().len());
                            located
                                .iter()
                                .find(|l| {
                                    (l.outer_start == at || l.start == at)
                                        && matches!(l.target, Target::Person(_))
                                })
                                .map(|l| (to_speaker(l.target), 0.85))
                        });
                        // "said the head of the Kisakata fisheries cooperative": the head
                        // speaks, not the body.
                        let head_of = HEAD_OF
                            .is_match(phrase)
                            .then(|| (Speaker::Unnamed(phrase.to_owned()), 0.6))
                            .filter(|_| {
                                !located.iter().any(|l| {
                                    matches!(l.target, Target::Person(_))
                                        && l.start >= after_from
                                        && l.end <= after_to
                                })
                            });
                        // "said an official of the Hokkaido Federation": the official speaks.
                        let described = if let Some(found) = named_after.or(head_of) {
                            Some(found)
                        } else if INDEFINITE.is_match(phrase) {
                            DESCRIPTION
                                .captures(phrase)
                                .and_then(|c| c.get(1))
                                .map(|d| description(d.as_str()))
                                .or_else(|| indefinite(phrase))
                                .map(|d| (Speaker::Unnamed(d), 0.8))
                        } else {
                            None
                        };
                        described
                            .or_else(|| {
                                subject_in(text, &located, after_from, after_to)
                                    .map(|t| (to_speaker(t), 0.9))
                            })
                            .or_else(|| {
                                let phrase =
                                    text[after_from..after_to].trim().trim_end_matches('.');
                                DESCRIPTION
                                    .captures(phrase)
                                    .and_then(|c| c.get(1))
                                    .map(|d| (Speaker::Unnamed(description(d.as_str())), 0.8))
                                    .or_else(|| {
                                        indefinite(phrase).map(|d| (Speaker::Unnamed(d), 0.6))
                                    })
                                    .or_else(|| {
                                        ROLE.captures(phrase)
                                            .and_then(|c| c.get(1))
                                            .and_then(|r| {
                                                resolve_role(
                                                    r.as_str(),
                                                    entities,
                                                    &state,
                                                    (p, m.open),
                                                )
                                            })
                                            .map(|s| (s, 0.6))
                                    })
                                    // "said the head of a parts maker in Guanajuato".
                                    .or_else(|| group(phrase).map(|d| (Speaker::Unnamed(d), 0.5)))
                            })
                    });
                    if let Some((sp, conf)) = who {
                        let cue_word = if cue_word == "according" {
                            "according to".to_owned()
                        } else {
                            cue_word
                        };
                        found = Some((
                            sp,
                            Some(cue_word),
                            conf,
                            quoted.starts_with(char::is_lowercase),
                        ));
                    }
                }
            }

            // “X said that ... . “Quoted sentence.”": a quoted sentence with no cue of its own
            // right after a sentence of speech is that sentence's speaker's.
            // (Also after another quote, when a sentence of speech stands between them: “...
            // .” A police official said the number has remained at 3,000. “Quoted.”)
            if found.is_none()
                && s_start > 0
                && lead.trim().is_empty()
                && quoted.starts_with(char::is_uppercase)
                && !TAIL_CUE.is_match(&text[m.close..sentence_end(m.close)])
                && let before = sentence_of(s_start - 1)
                && prev.as_ref().is_none_or(|(close, ..)| *close <= before)
                && let Some(sp) =
                    speaker_of_sentence(text, p, before, s_start, &located, entities, &state)
            {
                found = Some((sp, None, 0.5, false));
            }
            // "Minister X told a news conference:" closing the paragraph before, and the
            // quote opening this one.
            let opens_paragraph = text[..m.open].trim().is_empty();
            if found.is_none()
                && opens_paragraph
                && p > 0
                && quoted.starts_with(char::is_uppercase)
                && !TAIL_CUE.is_match(&text[m.close..sentence_end(m.close)])
                && let Some(before) = paragraphs.get(p - 1)
                && before.trim_end().ends_with(':')
            {
                let before_marks = quoted_spans(before);
                let from = sentence_starts(before, &before_marks)
                    .last()
                    .copied()
                    .unwrap_or(0);
                let located_before: Vec<&Located> = entities
                    .located
                    .iter()
                    .filter(|l| l.paragraph == p - 1)
                    .collect();
                if let Some(sp) = speaker_of_sentence(
                    before,
                    p - 1,
                    from,
                    before.len(),
                    &located_before,
                    entities,
                    &state,
                ) {
                    found = Some((sp, None, 0.7, false));
                }
            }
            // “We have exhausted every means. (no closing mark; the next paragraph opens with
            // one): the quote goes on there, and whoever is named after it there said this
            // part too (see below), even after another speaker's quote.
            let runs_on_next = opens_paragraph
                && m.end == text.len()
                && quoted.starts_with(char::is_uppercase)
                && paragraphs
                    .get(p + 1)
                    .is_some_and(|n| n.trim_start().starts_with(['“', '"']));
            if found.is_none() && runs_on_next {
                let before = (state.last_quote.as_ref())
                    .filter(|(_, para)| *para + 1 >= p)
                    .map(|(sp, _)| sp.clone());
                if let Some(sp) = &before {
                    // Until it is known, the paragraphs after it continue that speaker.
                    state.last_quote = Some((sp.clone(), p));
                }
                runs_on.push((
                    Quote {
                        text: quoted.to_owned(),
                        span: ix.span(p, m.start, m.end),
                        speaker: Speaker::Unnamed(String::new()),
                        cue: None,
                        fragment: false,
                        confidence: 0.5,
                    },
                    before,
                ));
                continue;
            }
            // A full quoted sentence right after a quote of the same speaker continues it.
            if found.is_none()
                && lead.trim().is_empty()
                && (opens_paragraph || prev.is_some())
                && quoted.starts_with(char::is_uppercase)
                && !TAIL_CUE.is_match(&text[m.close..sentence_end(m.close)])
                && let Some((sp, para)) = &state.last_quote
                && *para + 1 >= p
            {
                found = Some((sp.clone(), None, 0.5, false));
            }
            let Some((speaker, cue, confidence, fragment)) = found else {
                continue;
            };
            // “two-plus-two” talks: quoted words that modify the noun after them.
            if words <= 2 && !cue_object && !reported && modifies_next(&text[m.close..]) {
                continue;
            }
            // Short quoted words with no speech cue right before them are names or scare
            // quotes; not a short sentence that a cue right after closes (“We will,” X said).
            let cue_follows = quoted.trim_end().ends_with([',', '!', '?'])
                && TAIL_CUE
                    .find(&text[m.close..sentence_end(m.close)])
                    .is_some_and(|c| c.start() <= 40);
            if words <= 2 && !fragment && prev.is_none() && lead.trim().is_empty() && !cue_follows {
                continue;
            }
            // "open 500 more “cool shelters”": things counted are a term, not speech.
            if words <= 3 && quoted.starts_with(char::is_lowercase) && counts_before(lead) {
                continue;
            }
            if let Speaker::Person(i) = speaker {
                state.last_person = Some(i);
            }
            state.last_speaker = Some(speaker.clone());
            state.last_quote = Some((speaker.clone(), p));
            prev = Some((m.close, s_start, speaker.clone(), cue.clone(), fragment));
            out.push(Quote {
                text: quoted.to_owned(),
                span: ix.span(p, m.start, m.end),
                speaker,
                cue,
                fragment,
                confidence,
            });
        }
    }
    // Paragraphs of one quote whose speaker is named only in a later paragraph of it, last
    // first: each is said by whoever said the quote opening the paragraph after it, else by
    // the speaker of the quote before it.
    if !runs_on.is_empty() {
        for (mut q, before) in runs_on.into_iter().rev() {
            let next = q.span.paragraph + 1;
            let opening = |x: &&Quote| {
                x.span.paragraph == next
                    && paragraphs[next as usize]
                        .chars()
                        .take(x.span.start as usize)
                        .all(|c| c.is_whitespace() || matches!(c, '“' | '"'))
            };
            if let Some(speaker) = (out.iter().find(opening).map(|x| x.speaker.clone())).or(before)
            {
                q.speaker = speaker;
                out.push(q);
            }
        }
        out.sort_by_key(|q| (q.span.paragraph, q.span.start));
    }
    out
}
