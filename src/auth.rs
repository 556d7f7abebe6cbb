//! API keys: roles, tokens, and turning an `Authorization` header into a [`Principal`].
//!
//! A token is `na_` followed by 32 random bytes in unpadded base64url. It is shown once,
//! when the key is created; the archive keeps only its SHA-256 and its first characters
//! (so a key can be recognised in a list). Checking a key is one lookup on the unique
//! index of the hash, on the primary so that a revocation takes effect at once.

use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use diesel_async::AsyncPgConnection;
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::db::api_key::{self, ApiKeyRow, NewApiKey};
use crate::error::{AppError, AppResult};

/// What a key may do; each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Queries and subscriptions.
    Reader,
    /// Also ingest and corrections.
    Editor,
    /// Also key management.
    Admin,
}

impl Role {
    /// The value stored in `api_keys.role`.
    pub fn as_db(self) -> &'static str {
        match self {
            Self::Reader => "READER",
            Self::Editor => "EDITOR",
            Self::Admin => "ADMIN",
        }
    }

    /// A stored role; unknown values are read as the least privileged.
    pub fn from_db(s: &str) -> Self {
        match s {
            "ADMIN" => Self::Admin,
            "EDITOR" => Self::Editor,
            _ => Self::Reader,
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "reader" => Ok(Self::Reader),
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            _ => Err(format!("{s:?} is not a role (reader, editor, admin)")),
        }
    }
}

/// The authenticated caller of a request, put into the GraphQL context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// `api_keys.id`.
    pub key_id: i64,
    /// The key's name (recorded as the author of corrections).
    pub name: String,
    /// What the key may do.
    pub role: Role,
}

impl Principal {
    /// Fails with FORBIDDEN unless the key has at least `role`.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if self.role >= role {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "this needs a key with the {} role",
                role.as_db().to_ascii_lowercase()
            )))
        }
    }
}

/// How many characters of a token are kept for display.
pub const PREFIX_LEN: usize = 10;

/// A fresh token: `na_` and 32 bytes from the operating system's generator.
pub fn generate_token() -> AppResult<String> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(format!("na_{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// SHA-256 of a token, as stored in `api_keys.token_hash`.
pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A key just created, with its token (which is not stored and cannot be shown again).
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The stored key.
    pub row: ApiKeyRow,
    /// The secret to hand to the key's user.
    pub token: String,
}

/// Creates a key with a fresh token.
pub async fn create_key(
    conn: &mut AsyncPgConnection,
    name: &str,
    role: Role,
) -> AppResult<CreatedKey> {
    let token = generate_token()?;
    let hash = hash_token(&token);
    let row = api_key::insert(
        conn,
        &NewApiKey {
            name,
            role: role.as_db(),
            token_hash: &hash,
            token_prefix: &token[..PREFIX_LEN],
        },
    )
    .await?;
    Ok(CreatedKey { row, token })
}

/// The token of an `Authorization` value (`Bearer <token>`, scheme case-insensitive).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The caller behind an `Authorization` value; UNAUTHENTICATED if it is malformed, unknown
/// or revoked.
pub async fn authenticate(db: &Db, authorization: &str) -> AppResult<Principal> {
    let token = bearer_token(authorization).ok_or_else(AppError::unauthenticated)?;
    // Tokens we issue have a fixed shape: anything else is refused without a query.
    if !token.starts_with("na_") || token.len() > 64 {
        return Err(AppError::unauthenticated());
    }
    let mut conn = db.write.get().await?;
    let row = api_key::find_live_by_hash(&mut conn, &hash_token(token))
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    Ok(Principal {
        key_id: row.id,
        name: row.name,
        role: Role::from_db(&row.role),
    })
}

/// Whether the caller's key is still live (a lookup on the primary), for long-lived
/// connections that authenticated once and run many operations.
pub async fn is_live(db: &Db, principal: &Principal) -> AppResult<bool> {
    let mut conn = db.write.get().await?;
    Ok(api_key::is_live(&mut conn, principal.key_id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let a = generate_token().expect("token");
        let b = generate_token().expect("token");
        assert_ne!(a, b);
        assert!(a.starts_with("na_"));
        // 32 bytes in unpadded base64 are 43 characters.
        assert_eq!(a.len(), 3 + 43);
        assert_eq!(hash_token(&a).len(), 32);
    }

    #[test]
    fn bearer_values_are_parsed_strictly() {
        assert_eq!(bearer_token("Bearer na_x"), Some("na_x"));
        assert_eq!(bearer_token("bearer   na_x "), Some("na_x"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin > Role::Editor && Role::Editor > Role::Reader);
        assert_eq!("EDITOR".parse::<Role>(), Ok(Role::Editor));
        assert!("root".parse::<Role>().is_err());
        let p = Principal {
            key_id: 1,
            name: "x".into(),
            role: Role::Editor,
        };
        assert!(p.require(Role::Reader).is_ok());
        assert!(p.require(Role::Admin).is_err());
    }
}
