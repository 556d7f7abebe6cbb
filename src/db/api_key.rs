//! `api_keys`: who may call the API. Only the SHA-256 of a token is stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::api_keys;

/// An API key as stored (without its hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys, check_for_backend(diesel::pg::Pg))]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    /// `READER`, `EDITOR` or `ADMIN`.
    pub role: String,
    pub token_prefix: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A key to create.
#[derive(Debug, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub token_hash: &'a [u8],
    pub token_prefix: &'a str,
}

/// Stores a new key.
pub async fn insert(conn: &mut AsyncPgConnection, key: &NewApiKey<'_>) -> QueryResult<ApiKeyRow> {
    diesel::insert_into(api_keys::table)
        .values(key)
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)
        .await
}

/// The live (not revoked) key whose token hashes to `hash`: one lookup on the unique index.
pub async fn find_live_by_hash(
    conn: &mut AsyncPgConnection,
    hash: &[u8],
) -> QueryResult<Option<ApiKeyRow>> {
    api_keys::table
        .filter(api_keys::token_hash.eq(hash))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// A key by id.
pub async fn find(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<ApiKeyRow>> {
    api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Keys whose displayed prefix starts with `prefix`.
pub async fn find_by_prefix(
    conn: &mut AsyncPgConnection,
    prefix: &str,
) -> QueryResult<Vec<ApiKeyRow>> {
    let pattern = format!(
        "{}%",
        prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    api_keys::table
        .filter(api_keys::token_prefix.like(pattern))
        .select(ApiKeyRow::as_select())
        .order(api_keys::id)
        .load(conn)
        .await
}

/// Every key, oldest first.
pub async fn list(conn: &mut AsyncPgConnection) -> QueryResult<Vec<ApiKeyRow>> {
    api_keys::table
        .select(ApiKeyRow::as_select())
        .order(api_keys::id)
        .load(conn)
        .await
}

/// Revokes a key (keeping the first revocation time); returns it, or `None` if unknown.
pub async fn revoke(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<Option<ApiKeyRow>> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::revoked_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("COALESCE(revoked_at, now())")))
        .returning(ApiKeyRow::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// Whether key `id` is live, locking its row against revocation until the caller's
/// transaction ends (`FOR SHARE`): a write made with a key either commits before the key
/// is revoked or is refused.
pub async fn lock_live(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    api_keys::table
        .find(id)
        .filter(api_keys::revoked_at.is_null())
        .select(api_keys::id)
        .for_share()
        .first::<i64>(conn)
        .await
        .optional()
        .map(|found| found.is_some())
}

/// Whether key `id` is live (not revoked).
pub async fn is_live(conn: &mut AsyncPgConnection, id: i64) -> QueryResult<bool> {
    api_keys::table
        .find(id)
        .filter(api_keys::revoked_at.is_null())
        .select(api_keys::id)
        .first::<i64>(conn)
        .await
        .optional()
        .map(|found| found.is_some())
}
