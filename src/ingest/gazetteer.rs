//! What the archive already knows, as the extractor uses it: the names and aliases of its
//! organizations and people, indexed by the single words an article may use alone
//! ("Kestrel" for Kestrel Dynamics, "KOGAS", "Okonkwo" for Chidi Okonkwo).
//!
//! Built once from the database (see `db::gazetteer`) and shared by every extraction;
//! each lookup is one hash probe, whatever the size of the archive.

use std::cell::RefCell;
use std::collections::HashMap;

use super::entities::name_like;

/// Who carries a word: one entity, or several (then the word names no one for sure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    One(usize),
    Many,
}

/// The holders of one word: entities with a name of several words, and entities whose
/// whole name is one word. The latter are mostly a lone name an earlier article could not
/// resolve ("Okonkwo said" before Chidi Okonkwo was known), so they never make a word
/// ambiguous for the former.
#[derive(Debug, Clone, Copy, Default)]
struct Holders {
    full: Option<Holder>,
    lone: Option<Holder>,
}

impl Holders {
    fn add(&mut self, entity: usize, full: bool) {
        let slot = if full { &mut self.full } else { &mut self.lone };
        *slot = match *slot {
            None => Some(Holder::One(entity)),
            Some(Holder::One(e)) if e == entity => Some(Holder::One(e)),
            Some(_) => Some(Holder::Many),
        };
    }

    /// The one entity the word names, if any.
    fn one(self) -> Option<usize> {
        match (self.full, self.lone) {
            (Some(Holder::One(e)), _) | (None, Some(Holder::One(e))) => Some(e),
            _ => None,
        }
    }
}

/// Known organizations and people by the words that name them alone.
#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    orgs: Known,
    people: Known,
}

/// One kind of entity: names, and the entities each word names.
#[derive(Debug, Default, Clone)]
struct Known {
    names: Vec<String>,
    index: HashMap<i64, usize>,
    words: HashMap<String, Holders>,
}

impl Known {
    fn entity(&mut self, id: i64, name: &str) -> usize {
        let names = &mut self.names;
        *self.index.entry(id).or_insert_with(|| {
            names.push(name.trim().to_owned());
            names.len() - 1
        })
    }

    fn hold(&mut self, word: &str, entity: usize) {
        let word = word.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '"' | '“' | '”'));
        if word.is_empty() {
            return;
        }
        let full = self
            .names
            .get(entity)
            .is_some_and(|n| n.contains(char::is_whitespace));
        self.words
            .entry(word.to_owned())
            .or_default()
            .add(entity, full);
    }

    /// The one entity `word` names, and whether its name has several words.
    fn named(&self, word: &str) -> Option<(&str, bool)> {
        let holders = self.words.get(word)?;
        let e = holders.one()?;
        let name = self.names.get(e)?;
        Some((name.as_str(), holders.full.is_some()))
    }

    fn renumber(&mut self, from: i64, to: i64) {
        if let Some(entity) = self.index.remove(&from) {
            self.index.insert(to, entity);
        }
    }

    /// Whether `word` names an entity of this kind that stands against one of the other
    /// kind whose name is full (`full`) or one word: a full name stands against both, a
    /// one-word name only against another one-word name.
    fn contests(&self, word: &str, full: bool) -> bool {
        self.words
            .get(word)
            .is_some_and(|h| h.full.is_some() || (!full && h.lone.is_some()))
    }
}

impl Gazetteer {
    /// An empty gazetteer: extraction from the article alone.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether it knows nothing.
    pub fn is_empty(&self) -> bool {
        self.orgs.words.is_empty() && self.people.words.is_empty()
    }

    /// Records organization `id` named `name` under one more `form` (its name, an alias or
    /// its acronym). A one-word form names it; so does the first word of a longer form
    /// ("Kestrel" of "Kestrel Dynamics"), as in an article that writes the name in full.
    pub fn add_organization(&mut self, id: i64, name: &str, form: &str) {
        let entity = self.orgs.entity(id, name);
        let words: Vec<&str> = form.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [one] => self.orgs.hold(one, entity),
            [first, ..] => {
                if name_like(first) {
                    self.orgs.hold(first, entity);
                }
            }
        }
    }

    /// Records person `id` named `name` under one more `form` (the name or an alias): each
    /// word of it that can be a name names the person.
    pub fn add_person(&mut self, id: i64, name: &str, form: &str) {
        let entity = self.people.entity(id, name);
        for word in form.split_whitespace() {
            if name_like(word) {
                self.people.hold(word, entity);
            }
        }
    }

    /// Whether it holds person `id` (under its name or an alias).
    pub fn has_person(&self, id: i64) -> bool {
        self.people.index.contains_key(&id)
    }

    /// Whether it holds organization `id`.
    pub fn has_organization(&self, id: i64) -> bool {
        self.orgs.index.contains_key(&id)
    }

    /// Person `from` is now known as `to` (a provisional id that became the real one).
    pub fn renumber_person(&mut self, from: i64, to: i64) {
        self.people.renumber(from, to);
    }

    /// Organization `from` is now known as `to`.
    pub fn renumber_organization(&mut self, from: i64, to: i64) {
        self.orgs.renumber(from, to);
    }

    /// The name of the one organization `word` names, unless a person carries it too (a
    /// person whose whole name is that one word only contests an organization whose name
    /// is that word too).
    pub(crate) fn organization(&self, word: &str) -> Option<&str> {
        let (name, full) = self.orgs.named(word)?;
        (!self.people.contests(word, full)).then_some(name)
    }

    /// The name of the one person `word` names, unless an organization carries it too (on
    /// the terms of [`Gazetteer::organization`]).
    pub(crate) fn person(&self, word: &str) -> Option<&str> {
        let (name, full) = self.people.named(word)?;
        (!self.orgs.contests(word, full)).then_some(name)
    }
}

/// What extraction asks of the archive's names; [`Gazetteer`] answers, [`Probing`] records
/// the questions.
pub(crate) trait Names {
    /// Whether it knows nothing.
    fn is_empty(&self) -> bool;
    /// See [`Gazetteer::organization`].
    fn organization(&self, word: &str) -> Option<&str>;
    /// See [`Gazetteer::person`].
    fn person(&self, word: &str) -> Option<&str>;
}

impl Names for Gazetteer {
    fn is_empty(&self) -> bool {
        Gazetteer::is_empty(self)
    }
    fn organization(&self, word: &str) -> Option<&str> {
        Gazetteer::organization(self, word)
    }
    fn person(&self, word: &str) -> Option<&str> {
        Gazetteer::person(self, word)
    }
}

/// A gazetteer that records the words it was asked about.
pub(crate) struct Probing<'a> {
    known: &'a Gazetteer,
    words: RefCell<Vec<String>>,
}

impl<'a> Probing<'a> {
    pub(crate) fn new(known: &'a Gazetteer) -> Self {
        Self {
            known,
            words: RefCell::new(Vec::new()),
        }
    }

    pub(crate) fn probes(self) -> Probes {
        let mut words = self.words.into_inner();
        words.sort_unstable();
        words.dedup();
        Probes { words }
    }

    fn asked(&self, word: &str) {
        self.words.borrow_mut().push(word.to_owned());
    }
}

impl Names for Probing<'_> {
    fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
    fn organization(&self, word: &str) -> Option<&str> {
        self.asked(word);
        self.known.organization(word)
    }
    fn person(&self, word: &str) -> Option<&str> {
        self.asked(word);
        self.known.person(word)
    }
}

/// The words one extraction looked up (see [`crate::ingest::extract_probed`]): extraction
/// depends on the gazetteer only through these answers (and whether it is empty), so
/// another gazetteer that answers them alike gives the same extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probes {
    words: Vec<String>,
}

impl Probes {
    /// Whether `now` gives the extraction that `then` gave.
    pub fn same_answers(&self, then: &Gazetteer, now: &Gazetteer) -> bool {
        then.is_empty() == now.is_empty()
            && self.words.iter().all(|w| {
                then.organization(w) == now.organization(w) && then.person(w) == now.person(w)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_name_the_one_entity_that_carries_them() {
        let mut g = Gazetteer::new();
        g.add_organization(1, "Kestrel Dynamics", "Kestrel Dynamics");
        g.add_organization(2, "Korea Gas Corporation", "Korea Gas Corporation");
        g.add_organization(2, "Korea Gas Corporation", "KOGAS");
        g.add_person(7, "Chidi Okonkwo", "Chidi Okonkwo");
        g.add_person(8, "Kim Min-jae", "Kim Min-jae");
        g.add_person(9, "Kim Yuna", "Kim Yuna");
        g.add_person(10, "Ada Kestrel", "Ada Kestrel");
        // Lone names earlier articles could not resolve make no word ambiguous.
        g.add_person(11, "Okonkwo", "Okonkwo");
        g.add_organization(12, "Norvex", "Norvex");
        g.add_person(13, "Norvex", "Norvex");
        assert_eq!(g.organization("KOGAS"), Some("Korea Gas Corporation"));
        // A place is not an organization's name.
        assert_eq!(g.organization("Korea"), None);
        assert_eq!(g.person("Okonkwo"), Some("Chidi Okonkwo"));
        assert_eq!(g.person("Chidi"), Some("Chidi Okonkwo"));
        // Two people are named Kim; a person and an organization Kestrel.
        assert_eq!(g.person("Kim"), None);
        assert_eq!(g.organization("Kestrel"), None);
        assert_eq!(g.person("Kestrel"), None);
        assert_eq!(g.organization("Dynamics"), None);
        // ... but one stands against another.
        assert_eq!(g.organization("Norvex"), None);
        assert_eq!(g.person("Norvex"), None);
        assert!(!g.is_empty());
        assert!(Gazetteer::new().is_empty());
    }
}
