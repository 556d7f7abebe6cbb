//! A small builder for the read API's dynamic SQL: text with numbered binds, run as one
//! diesel query. Page sizes are written as literals (validated integers): a bound
//! `LIMIT $n` lets PostgreSQL pick a generic plan that can be far slower.
//!
//! diesel's `sql_query` opts out of the prepared-statement cache (its text could be
//! anything), which costs a Parse round trip on every execution. [`CachedQuery`] is the
//! same thing for text built only from this module's fragments, and is cached per
//! connection by its SQL text.

use chrono::NaiveDate;
use diesel::QueryResult;
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Bool, Date, Float4, Integer, Text, Untyped};

/// One bound value.
#[derive(Debug, Clone)]
pub enum Bind {
    /// `text`
    Text(String),
    /// `date`
    Date(NaiveDate),
    /// `integer`
    Int(i32),
    /// `bigint`
    BigInt(i64),
    /// `bigint[]`
    BigInts(Vec<i64>),
    /// `real`
    Float(f32),
    /// `boolean`
    Bool(bool),
}

/// SQL text and its binds.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    binds: Vec<Bind>,
    /// Shaped freely by the client (nested filters): not worth a cached statement, and
    /// caching every shape would let ad-hoc queries grow each connection's cache.
    one_off: bool,
}

impl Sql {
    /// Starts with `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
            one_off: false,
        }
    }

    /// Appends text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        let n = self.binds.len();
        self.text.push_str(&format!("${n}"));
        self
    }

    /// Appends a text placeholder.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.bind(Bind::Text(value.to_owned()))
    }

    /// Appends another builder's text, renumbering its binds.
    pub fn append(&mut self, other: &Sql) -> &mut Self {
        let offset = self.binds.len();
        let mut rest = other.text.as_str();
        while let Some(pos) = rest.find('$') {
            self.text.push_str(&rest[..pos]);
            let digits: String = rest[pos + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            match digits.parse::<usize>() {
                Ok(n) => {
                    self.text.push_str(&format!("${}", n + offset));
                    rest = &rest[pos + 1 + digits.len()..];
                }
                Err(_) => {
                    self.text.push('$');
                    rest = &rest[pos + 1..];
                }
            }
        }
        self.text.push_str(rest);
        self.binds.extend(other.binds.iter().cloned());
        self.one_off |= other.one_off;
        self
    }

    /// Marks the statement as not worth caching.
    pub fn one_off(&mut self) -> &mut Self {
        self.one_off = true;
        self
    }

    /// The text so far (for tests and logs).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The diesel query.
    pub fn into_query(self) -> CachedQuery {
        CachedQuery(self)
    }
}

/// A [`Sql`] ready to run; prepared once per connection and SQL text.
#[derive(Debug, Clone)]
pub struct CachedQuery(Sql);

impl QueryId for CachedQuery {
    type QueryId = ();
    // Keyed by its SQL text in the statement cache, like any dynamic query.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for CachedQuery {
    type SqlType = Untyped;
}

impl QueryFragment<Pg> for CachedQuery {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        if self.0.one_off {
            out.unsafe_to_cache_prepared();
        }
        // The text holds $1..$n, each once and in order (see `Sql::bind`); diesel writes
        // its own placeholder for each bind, in the same order.
        let mut rest = self.0.text.as_str();
        let mut binds = self.0.binds.iter();
        while let Some(pos) = rest.find('$') {
            let digits = rest[pos + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            if digits == 0 {
                out.push_sql(&rest[..=pos]);
                rest = &rest[pos + 1..];
                continue;
            }
            out.push_sql(&rest[..pos]);
            rest = &rest[pos + 1 + digits..];
            match binds.next() {
                Some(Bind::Text(v)) => out.push_bind_param::<Text, _>(v)?,
                Some(Bind::Date(v)) => out.push_bind_param::<Date, _>(v)?,
                Some(Bind::Int(v)) => out.push_bind_param::<Integer, _>(v)?,
                Some(Bind::BigInt(v)) => out.push_bind_param::<BigInt, _>(v)?,
                Some(Bind::BigInts(v)) => out.push_bind_param::<Array<BigInt>, _>(v)?,
                Some(Bind::Float(v)) => out.push_bind_param::<Float4, _>(v)?,
                Some(Bind::Bool(v)) => out.push_bind_param::<Bool, _>(v)?,
                None => {
                    return Err(diesel::result::Error::QueryBuilderError(
                        "more placeholders than binds".into(),
                    ));
                }
            }
        }
        out.push_sql(rest);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_binds_are_renumbered() {
        let mut inner = Sql::new("x = ");
        inner.text("a").push(" AND y = ").bind(Bind::BigInt(2));
        let mut outer = Sql::new("SELECT 1 WHERE z = ");
        outer.text("z").push(" AND ").append(&inner);
        assert_eq!(
            outer.as_str(),
            "SELECT 1 WHERE z = $1 AND x = $2 AND y = $3"
        );
        assert_eq!(outer.binds.len(), 3);
    }
}
