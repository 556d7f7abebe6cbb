//! Article and quote filters as SQL conditions. Every condition uses an index: full
//! text through the GIN vectors, entities through the `(entity, article)` indexes of
//! mentions, quotes and authors.

use chrono::NaiveDate;

use super::sql::{Bind, Sql};

/// A person or organization named by id, or by slug / name / any alias
/// (case- and accent-insensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityRef {
    /// A row of one table.
    Id(EntityKind, i64),
    /// A slug, a name or an alias.
    Name(String),
}

/// Which table an [`EntityRef`] points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// `people`
    Person,
    /// `organizations`
    Organization,
}

/// Appends `(SELECT ids of the entities `r` names)`; merged entities resolve to their
/// survivor, which is where their links now live.
pub fn entity_ids(sql: &mut Sql, kind: EntityKind, r: &EntityRef) {
    let (table, aliases, fk) = match kind {
        EntityKind::Person => ("people", "person_aliases", "person_id"),
        EntityKind::Organization => ("organizations", "organization_aliases", "organization_id"),
    };
    match r {
        EntityRef::Id(k, id) if *k == kind => {
            sql.push(&format!(
                "(SELECT COALESCE(e.merged_into_id, e.id) FROM {table} e WHERE e.id = "
            ))
            .bind(Bind::BigInt(*id))
            .push(")");
        }
        EntityRef::Id(..) => {
            sql.push("(SELECT NULL::bigint WHERE FALSE)");
        }
        EntityRef::Name(name) => {
            sql.push(&format!(
                "(SELECT COALESCE(e.merged_into_id, e.id) FROM {table} e WHERE e.slug = "
            ))
            .text(name)
            .push(&format!(
                " OR e.id IN (SELECT {fk} FROM {aliases} WHERE alias_key = name_key("
            ))
            .text(name)
            .push(")))");
        }
    }
}

/// Conditions on articles; all set fields must hold. `and`, `or` and `not` combine.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Web-search syntax full text over title (weighted higher) and body.
    pub search: Option<String>,
    /// Published on or after.
    pub published_from: Option<NaiveDate>,
    /// Published on or before.
    pub published_to: Option<NaiveDate>,
    /// Appeared in this outlet (slug or name).
    pub outlet: Option<String>,
    /// In this section or one of its sub-sections (path like "INTERNATIONAL > East Asia &
    /// Pacific", or a section's own name).
    pub section: Option<String>,
    /// Tagged (slug or name).
    pub tag: Option<String>,
    /// `TRANSLATION`, `SUMMARY` or `ORIGINAL`.
    pub kind: Option<String>,
    /// Written by this person.
    pub author: Option<EntityRef>,
    /// Filed from this place.
    pub dateline: Option<String>,
    /// Mentions this person.
    pub mentions_person: Option<EntityRef>,
    /// Mentions this organization.
    pub mentions_organization: Option<EntityRef>,
    /// Quotes this speaker (person or organization).
    pub quoted_speaker: Option<EntityRef>,
    /// All of these hold.
    pub and: Vec<ArticleFilter>,
    /// At least one of these holds.
    pub or: Vec<ArticleFilter>,
    /// This does not hold.
    pub not: Option<Box<ArticleFilter>>,
}

/// `SELECT id FROM sections ...`: the section named `section` (by path, any case, or by
/// its own name below the top level) and its sub-sections.
fn section_ids(section: &str) -> Sql {
    let mut s = Sql::new("SELECT id FROM sections WHERE lower(path) = lower(");
    s.text(section)
        .push(") OR lower(path) LIKE replace(replace(lower(")
        .text(section)
        .push("), '%', '\\%'), '_', '\\_') || ' > %' OR (depth > 1 AND lower(name) = lower(")
        .text(section)
        .push("))");
    s
}

impl ArticleFilter {
    /// The full-text query of this filter or of a conjunct, for relevance ordering.
    pub fn search_text(&self) -> Option<&str> {
        self.search
            .as_deref()
            .or_else(|| self.and.iter().find_map(|f| f.search_text()))
    }

    /// The ids of the sections of a `section` filter given at the top level, as a
    /// `SELECT id FROM sections ...`, with the filter that remains without it; `None`
    /// when there is no such filter. A page of a section and its sub-sections is read
    /// section by section from the index on (section, date), then merged.
    pub fn split_section(&self) -> Option<(Sql, ArticleFilter)> {
        let section = self.section.as_deref()?;
        let rest = ArticleFilter {
            section: None,
            ..self.clone()
        };
        Some((section_ids(section), rest))
    }

    /// The condition on `articles a`, as SQL (`TRUE` when nothing is set).
    pub fn condition(&self) -> Sql {
        let mut parts: Vec<Sql> = Vec::new();
        let mut part = |f: &dyn Fn(&mut Sql)| {
            let mut s = Sql::default();
            f(&mut s);
            parts.push(s);
        };
        if let Some(q) = &self.search {
            part(&|s| {
                s.push("a.search @@ websearch_to_tsquery('english', ")
                    .text(q)
                    .push(")");
            });
        }
        if let Some(d) = self.published_from {
            part(&|s| {
                s.push("a.published_on >= ").bind(Bind::Date(d));
            });
        }
        if let Some(d) = self.published_to {
            part(&|s| {
                s.push("a.published_on <= ").bind(Bind::Date(d));
            });
        }
        if let Some(o) = &self.outlet {
            part(&|s| {
                s.push("EXISTS (SELECT 1 FROM article_outlets ao JOIN outlets o ON o.id = ao.outlet_id WHERE ao.article_id = a.id AND (o.slug = ")
                    .text(o)
                    .push(" OR o.name_key = name_key(")
                    .text(o)
                    .push(")))");
            });
        }
        if let Some(sec) = &self.section {
            part(&|s| {
                s.push("a.section_id IN (")
                    .append(&section_ids(sec))
                    .push(")");
            });
        }
        if let Some(t) = &self.tag {
            part(&|s| {
                s.push("EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id AND (t.slug = ")
                    .text(t)
                    .push(" OR lower(t.name) = lower(")
                    .text(t)
                    .push(")))");
            });
        }
        if let Some(k) = &self.kind {
            part(&|s| {
                s.push("a.kind = ").text(k);
            });
        }
        if let Some(r) = &self.author {
            part(&|s| {
                s.push("EXISTS (SELECT 1 FROM article_authors aa WHERE aa.article_id = a.id AND aa.person_id IN ");
                entity_ids(s, EntityKind::Person, r);
                s.push(")");
            });
        }
        if let Some(d) = &self.dateline {
            part(&|s| {
                s.push("name_key(a.dateline) = name_key(").text(d).push(")");
            });
        }
        if let Some(r) = &self.mentions_person {
            part(&|s| {
                s.push("EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.person_id IN ");
                entity_ids(s, EntityKind::Person, r);
                s.push(")");
            });
        }
        if let Some(r) = &self.mentions_organization {
            part(&|s| {
                s.push("EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.id AND m.organization_id IN ");
                entity_ids(s, EntityKind::Organization, r);
                s.push(")");
            });
        }
        if let Some(r) = &self.quoted_speaker {
            part(&|s| {
                s.push("EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.id AND (q.speaker_person_id IN ");
                entity_ids(s, EntityKind::Person, r);
                s.push(" OR q.speaker_organization_id IN ");
                entity_ids(s, EntityKind::Organization, r);
                s.push("))");
            });
        }
        for f in &self.and {
            parts.push(f.condition());
        }
        let combined = !self.and.is_empty() || !self.or.is_empty() || self.not.is_some();
        if !self.or.is_empty() {
            let mut s = Sql::new("(");
            for (i, f) in self.or.iter().enumerate() {
                if i > 0 {
                    s.push(" OR ");
                }
                s.append(&f.condition());
            }
            s.push(")");
            parts.push(s);
        }
        if let Some(f) = &self.not {
            let mut s = Sql::new("NOT ");
            s.append(&f.condition());
            parts.push(s);
        }
        let mut sql = join_and(parts);
        if combined {
            sql.one_off();
        }
        sql
    }
}

fn join_and(parts: Vec<Sql>) -> Sql {
    if parts.is_empty() {
        return Sql::new("TRUE");
    }
    let mut s = Sql::new("(");
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push(" AND ");
        }
        s.append(p);
    }
    s.push(")");
    s
}

/// Conditions on quotes; all set fields must hold.
#[derive(Debug, Clone, Default)]
pub struct QuoteFilter {
    /// Spoken by this person or organization.
    pub speaker: Option<EntityRef>,
    /// `Some(true)`: only unnamed sources; `Some(false)`: only named speakers.
    pub unnamed: Option<bool>,
    /// In this article.
    pub article: Option<i64>,
    /// Published on or after.
    pub published_from: Option<NaiveDate>,
    /// Published on or before.
    pub published_to: Option<NaiveDate>,
    /// Web-search syntax full text over the quoted words.
    pub search: Option<String>,
    /// In an article that mentions this person or organization.
    pub mentions: Option<EntityRef>,
    /// In an article matching this filter.
    pub articles: Option<ArticleFilter>,
}

impl QuoteFilter {
    /// The condition on `quotes q`, as SQL.
    pub fn condition(&self) -> Sql {
        let mut parts = Vec::new();
        if let Some(r) = &self.speaker {
            let mut s = Sql::new("(q.speaker_person_id IN ");
            entity_ids(&mut s, EntityKind::Person, r);
            s.push(" OR q.speaker_organization_id IN ");
            entity_ids(&mut s, EntityKind::Organization, r);
            s.push(")");
            parts.push(s);
        }
        match self.unnamed {
            Some(true) => parts.push(Sql::new("q.speaker_description IS NOT NULL")),
            Some(false) => parts.push(Sql::new(
                "(q.speaker_person_id IS NOT NULL OR q.speaker_organization_id IS NOT NULL)",
            )),
            None => {}
        }
        if let Some(id) = self.article {
            let mut s = Sql::new("q.article_id = ");
            s.bind(Bind::BigInt(id));
            parts.push(s);
        }
        if let Some(d) = self.published_from {
            let mut s = Sql::new("q.published_on >= ");
            s.bind(Bind::Date(d));
            parts.push(s);
        }
        if let Some(d) = self.published_to {
            let mut s = Sql::new("q.published_on <= ");
            s.bind(Bind::Date(d));
            parts.push(s);
        }
        if let Some(text) = &self.search {
            let mut s = Sql::new("q.search @@ websearch_to_tsquery('english', ");
            s.text(text).push(")");
            parts.push(s);
        }
        if let Some(r) = &self.mentions {
            let mut s = Sql::new(
                "EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = q.article_id AND (m.person_id IN ",
            );
            entity_ids(&mut s, EntityKind::Person, r);
            s.push(" OR m.organization_id IN ");
            entity_ids(&mut s, EntityKind::Organization, r);
            s.push("))");
            parts.push(s);
        }
        if let Some(f) = &self.articles {
            let mut s = Sql::new("q.article_id IN (SELECT a.id FROM articles a WHERE ");
            s.append(&f.condition()).push(")");
            parts.push(s);
        }
        join_and(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_match_everything() {
        assert_eq!(ArticleFilter::default().condition().as_str(), "TRUE");
        assert_eq!(QuoteFilter::default().condition().as_str(), "TRUE");
    }

    #[test]
    fn combinators_nest_with_renumbered_binds() {
        let filter = ArticleFilter {
            kind: Some("SUMMARY".into()),
            or: vec![
                ArticleFilter {
                    dateline: Some("Tokyo".into()),
                    ..Default::default()
                },
                ArticleFilter {
                    tag: Some("x".into()),
                    ..Default::default()
                },
            ],
            not: Some(Box::new(ArticleFilter {
                search: Some("war".into()),
                ..Default::default()
            })),
            ..Default::default()
        };
        let sql = filter.condition();
        let text = sql.as_str();
        assert!(
            text.starts_with("(a.kind = $1 AND ((name_key(a.dateline) = name_key($2)) OR (EXISTS"),
            "{text}"
        );
        assert!(
            text.contains("NOT (a.search @@ websearch_to_tsquery('english', $5))"),
            "{text}"
        );
    }
}
