//! The documents of read statements, which hold the response itself (see
//! `crate::db::read`): handed to async-graphql as a value ([`Prebuilt`]) by the query
//! root, or read field by field by the objects of mutation payloads, subscription events
//! and search hits, which wrap an [`Obj`] and look their response key ([`key`]) up.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::{Context, ContextSelectionSet, OutputType, Positioned, ServerResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{AppError, AppResult};

/// A JSON value of the document.
#[derive(Debug, Clone)]
pub enum Val {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(Box<str>),
    /// An array.
    List(Arc<[Val]>),
    /// An object.
    Obj(Obj),
}

/// A JSON object of the document (shared, cheap to clone).
#[derive(Debug, Clone, Default)]
pub struct Obj(Arc<[(Box<str>, Val)]>);

/// The response key (alias, else name) of the field being resolved.
pub fn key<'c>(ctx: &'c Context<'_>) -> &'c str {
    let field = ctx.field();
    field.alias().unwrap_or_else(|| field.name())
}

/// A read statement's document given to async-graphql as the value of a field of type
/// `T`: it is the response already, so nothing below the field is resolved.
pub struct Prebuilt<T> {
    value: Mutex<Option<async_graphql::Value>>,
    of: PhantomData<fn() -> T>,
}

impl<T> Prebuilt<T> {
    /// The document `text` as the value of a `T`.
    pub fn parse(text: &str) -> AppResult<Self> {
        Ok(Self {
            value: Mutex::new(Some(
                serde_json::from_str(text).map_err(AppError::internal)?,
            )),
            of: PhantomData,
        })
    }
}

impl<T: OutputType> OutputType for Prebuilt<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        _ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<async_graphql::Value> {
        Ok(self
            .value
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .unwrap_or_default())
    }
}

/// Decodes a read statement's document.
pub fn decode(text: &str) -> AppResult<Val> {
    serde_json::from_str(text).map_err(AppError::internal)
}

fn missing(key: &str) -> AppError {
    AppError::internal(format!("the read statement did not return `{key}`"))
}

fn mistyped(key: &str, expected: &str) -> AppError {
    AppError::internal(format!("`{key}` of the read statement is not {expected}"))
}

impl Val {
    /// The object, if this is one.
    pub fn as_obj(&self) -> Option<&Obj> {
        match self {
            Self::Obj(o) => Some(o),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl Obj {
    /// The value at `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Val> {
        self.0.iter().find(|(k, _)| &**k == key).map(|(_, v)| v)
    }

    fn need(&self, key: &str) -> AppResult<&Val> {
        self.get(key).ok_or_else(|| missing(key))
    }

    /// The type tag of a union or interface member (`__t`).
    pub fn tag(&self) -> Option<&str> {
        self.get("__t").and_then(Val::as_str)
    }

    /// A string.
    pub fn str(&self, key: &str) -> AppResult<&str> {
        self.need(key)?
            .as_str()
            .ok_or_else(|| mistyped(key, "a string"))
    }

    /// A string or null.
    pub fn opt_str(&self, key: &str) -> AppResult<Option<&str>> {
        match self.need(key)? {
            Val::Null => Ok(None),
            Val::Str(s) => Ok(Some(s)),
            _ => Err(mistyped(key, "a string")),
        }
    }

    /// An integer.
    pub fn int(&self, key: &str) -> AppResult<i64> {
        match self.need(key)? {
            Val::Int(n) => Ok(*n),
            _ => Err(mistyped(key, "an integer")),
        }
    }

    /// An integer that fits GraphQL's `Int`.
    pub fn i32(&self, key: &str) -> AppResult<i32> {
        i32::try_from(self.int(key)?).map_err(|_| mistyped(key, "a 32-bit integer"))
    }

    /// Any number.
    pub fn float(&self, key: &str) -> AppResult<f64> {
        match self.need(key)? {
            Val::Int(n) => Ok(*n as f64),
            Val::Float(n) => Ok(*n),
            _ => Err(mistyped(key, "a number")),
        }
    }

    /// A boolean.
    pub fn bool(&self, key: &str) -> AppResult<bool> {
        match self.need(key)? {
            Val::Bool(b) => Ok(*b),
            _ => Err(mistyped(key, "a boolean")),
        }
    }

    /// An ISO date.
    pub fn date(&self, key: &str) -> AppResult<NaiveDate> {
        self.str(key)?.parse().map_err(|_| mistyped(key, "a date"))
    }

    /// A timestamp with a time zone.
    pub fn datetime(&self, key: &str) -> AppResult<DateTime<Utc>> {
        self.str(key)?
            .parse()
            .map_err(|_| mistyped(key, "a timestamp"))
    }

    /// A nested object.
    pub fn obj(&self, key: &str) -> AppResult<Obj> {
        self.need(key)?
            .as_obj()
            .cloned()
            .ok_or_else(|| mistyped(key, "an object"))
    }

    /// A nested object or null.
    pub fn opt_obj(&self, key: &str) -> AppResult<Option<Obj>> {
        match self.need(key)? {
            Val::Null => Ok(None),
            Val::Obj(o) => Ok(Some(o.clone())),
            _ => Err(mistyped(key, "an object")),
        }
    }

    /// An array.
    pub fn list(&self, key: &str) -> AppResult<&[Val]> {
        match self.need(key)? {
            Val::List(items) => Ok(items),
            _ => Err(mistyped(key, "an array")),
        }
    }

    /// An array of objects.
    pub fn objs(&self, key: &str) -> AppResult<Vec<Obj>> {
        self.list(key)?
            .iter()
            .map(|v| v.as_obj().cloned().ok_or_else(|| mistyped(key, "objects")))
            .collect()
    }

    /// An array of strings.
    pub fn strs(&self, key: &str) -> AppResult<Vec<&str>> {
        self.list(key)?
            .iter()
            .map(|v| v.as_str().ok_or_else(|| mistyped(key, "strings")))
            .collect()
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }

    fn visit_none<E>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Val, E> {
        Ok(Val::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Val, E> {
        Ok(Val::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val, E> {
        Ok(i64::try_from(v).map_or(Val::Float(v as f64), Val::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Val, E> {
        Ok(Val::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Val, E> {
        Ok(Val::Str(v.into()))
    }

    fn visit_string<E>(self, v: String) -> Result<Val, E> {
        Ok(Val::Str(v.into_boxed_str()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Val::List(items.into()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val, A::Error> {
        let mut pairs: Vec<(Box<str>, Val)> = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((k, v)) = map.next_entry::<String, Val>()? {
            pairs.push((k.into_boxed_str(), v));
        }
        Ok(Val::Obj(Obj(pairs.into())))
    }
}

impl<'de> Deserialize<'de> for Val {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_decode_into_typed_lookups() {
        let doc = decode(
            r#"{"title":"T","n":3,"f":0.5,"d":"2022-02-28","ts":"2026-11-30T19:35:14.123456+00:00",
                "list":[{"a":1},{"a":2}],"none":null,"tags":["x","y"],"ok":true}"#,
        )
        .expect("JSON");
        let obj = doc.as_obj().expect("object");
        assert_eq!(obj.str("title").expect("title"), "T");
        assert_eq!(obj.int("n").expect("n"), 3);
        assert!((obj.float("f").expect("f") - 0.5).abs() < f64::EPSILON);
        assert_eq!(obj.date("d").expect("d").to_string(), "2022-02-28");
        assert_eq!(
            obj.datetime("ts").expect("ts").to_rfc3339(),
            "2026-11-30T19:35:14.123456+00:00"
        );
        assert_eq!(obj.objs("list").expect("list")[1].int("a").expect("a"), 2);
        assert_eq!(obj.opt_str("none").expect("null"), None);
        assert_eq!(obj.strs("tags").expect("tags"), vec!["x", "y"]);
        assert!(obj.bool("ok").expect("ok"));
        assert_eq!(
            obj.str("absent").expect_err("missing").code,
            crate::error::ErrorCode::Internal
        );
    }
}
