//! Opaque global IDs: base64 of `Type:id`, so clients treat them as strings and the
//! type can be recovered for `node(id:)`.

use async_graphql::ID;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, AppResult};

/// The object types that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeType {
    /// `Article`
    Article,
    /// `Person`
    Person,
    /// `Organization`
    Organization,
    /// `Quote`
    Quote,
    /// `Outlet`
    Outlet,
    /// `Section`
    Section,
    /// `ApiKey`
    ApiKey,
}

impl NodeType {
    fn name(self) -> &'static str {
        match self {
            Self::Article => "Article",
            Self::Person => "Person",
            Self::Organization => "Organization",
            Self::Quote => "Quote",
            Self::Outlet => "Outlet",
            Self::Section => "Section",
            Self::ApiKey => "ApiKey",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "Article" => Self::Article,
            "Person" => Self::Person,
            "Organization" => Self::Organization,
            "Quote" => Self::Quote,
            "Outlet" => Self::Outlet,
            "Section" => Self::Section,
            "ApiKey" => Self::ApiKey,
            _ => return None,
        })
    }
}

/// The global ID of a row.
pub fn encode(kind: NodeType, id: i64) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Any global ID back to its type and row id.
pub fn decode(id: &str) -> AppResult<(NodeType, i64)> {
    let invalid = || AppError::bad_input(format!("{id:?} is not a valid ID"));
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, raw) = text.split_once(':').ok_or_else(invalid)?;
    let kind = NodeType::from_name(name).ok_or_else(invalid)?;
    let n = raw.parse::<i64>().map_err(|_| invalid())?;
    Ok((kind, n))
}

/// A global ID that must be of one type.
pub fn decode_as(expected: NodeType, id: &str) -> AppResult<i64> {
    match decode(id)? {
        (kind, n) if kind == expected => Ok(n),
        _ => Err(AppError::bad_input(format!(
            "{id:?} is not the ID of a {}",
            expected.name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_opaque() {
        let id = encode(NodeType::Article, 42);
        assert!(!id.0.contains("Article"));
        assert_eq!(decode(&id).expect("valid"), (NodeType::Article, 42));
        assert_eq!(decode_as(NodeType::Article, &id).expect("valid"), 42);
        assert!(decode_as(NodeType::Person, &id).is_err());
    }

    #[test]
    fn garbage_is_bad_input() {
        for bad in ["", "!!", "QXJ0aWNsZQ", "Tm9wZTox"] {
            let err = decode(bad).expect_err("invalid");
            assert_eq!(err.code, crate::error::ErrorCode::BadUserInput);
        }
    }
}
