//! What the archive already knows, as the extractor uses it: the names and aliases of its
//! organizations and people, indexed by the single words an article may use alone
//! ("Kestrel" for Kestrel Dynamics, "KOGAS", "Okonkwo" for Chidi Okonkwo).
//!
//! Built once from the database (see `db::gazetteer`) and shared by every extraction;
//! each lookup is one hash probe, whatever the size of the archive.

use std::collections::HashMap;

use super::entities::name_like;

/// Who carries a word: one entity, or several (then the word names no one for sure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    One(usize),
    Many,
}

/// Known organizations and people by the words that name them alone.
#[derive(Debug, Default, Clone)]
pub struct Gazetteer {
    org_names: Vec<String>,
    org_index: HashMap<i64, usize>,
    org_words: HashMap<String, Holder>,
    person_names: Vec<String>,
    person_index: HashMap<i64, usize>,
    person_words: HashMap<String, Holder>,
}

fn hold(words: &mut HashMap<String, Holder>, word: &str, entity: usize) {
    let word = word.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '"' | '“' | '”'));
    if word.is_empty() {
        return;
    }
    words
        .entry(word.to_owned())
        .and_modify(|h| {
            if *h != Holder::One(entity) {
                *h = Holder::Many;
            }
        })
        .or_insert(Holder::One(entity));
}

fn entity_of(
    names: &mut Vec<String>,
    index: &mut HashMap<i64, usize>,
    id: i64,
    name: &str,
) -> usize {
    *index.entry(id).or_insert_with(|| {
        names.push(name.trim().to_owned());
        names.len() - 1
    })
}

impl Gazetteer {
    /// An empty gazetteer: extraction from the article alone.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether it knows nothing.
    pub fn is_empty(&self) -> bool {
        self.org_words.is_empty() && self.person_words.is_empty()
    }

    /// Records organization `id` named `name` under one more `form` (its name, an alias or
    /// its acronym). A one-word form names it; so does the first word of a longer form
    /// ("Kestrel" of "Kestrel Dynamics"), as in an article that writes the name in full.
    pub fn add_organization(&mut self, id: i64, name: &str, form: &str) {
        let entity = entity_of(&mut self.org_names, &mut self.org_index, id, name);
        let words: Vec<&str> = form.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            [one] => hold(&mut self.org_words, one, entity),
            [first, ..] => {
                if name_like(first) {
                    hold(&mut self.org_words, first, entity);
                }
            }
        }
    }

    /// Records person `id` named `name` under one more `form` (the name or an alias): each
    /// word of it that can be a name names the person.
    pub fn add_person(&mut self, id: i64, name: &str, form: &str) {
        let entity = entity_of(&mut self.person_names, &mut self.person_index, id, name);
        for word in form.split_whitespace() {
            if name_like(word) {
                hold(&mut self.person_words, word, entity);
            }
        }
    }

    /// The name of the one organization `word` names, when no other organization and no
    /// person carries it.
    pub(crate) fn organization(&self, word: &str) -> Option<&str> {
        match self.org_words.get(word) {
            Some(Holder::One(i)) if !self.person_words.contains_key(word) => {
                self.org_names.get(*i).map(String::as_str)
            }
            _ => None,
        }
    }

    /// The name of the one person `word` names, when no other person and no organization
    /// carries it.
    pub(crate) fn person(&self, word: &str) -> Option<&str> {
        match self.person_words.get(word) {
            Some(Holder::One(i)) if !self.org_words.contains_key(word) => {
                self.person_names.get(*i).map(String::as_str)
            }
            _ => None,
        }
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
        assert!(!g.is_empty());
        assert!(Gazetteer::new().is_empty());
    }
}
