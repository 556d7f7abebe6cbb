//! A small builder for the read API's dynamic SQL: text with numbered binds, turned into
//! one diesel `sql_query`. Page sizes are written as literals (validated integers): a
//! bound `LIMIT $n` lets PostgreSQL pick a generic plan that can be far slower.

use chrono::NaiveDate;
use diesel::pg::Pg;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Bool, Date, Float4, Text};

/// One bound value.
#[derive(Debug, Clone)]
pub enum Bind {
    /// `text`
    Text(String),
    /// `date`
    Date(NaiveDate),
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
}

impl Sql {
    /// Starts with `text`.
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            binds: Vec::new(),
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
        self
    }

    /// The text so far (for tests and logs).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The diesel query.
    pub fn into_query(self) -> BoxedSqlQuery<'static, Pg, SqlQuery> {
        let mut query = diesel::sql_query(self.text).into_boxed();
        for bind in self.binds {
            query = match bind {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::Date(v) => query.bind::<Date, _>(v),
                Bind::BigInt(v) => query.bind::<BigInt, _>(v),
                Bind::BigInts(v) => query.bind::<Array<BigInt>, _>(v),
                Bind::Float(v) => query.bind::<Float4, _>(v),
                Bind::Bool(v) => query.bind::<Bool, _>(v),
            };
        }
        query
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
