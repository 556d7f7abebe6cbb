//! `persisted_documents`: GraphQL documents by the SHA-256 (hex) of their text, from
//! automatic persisted queries or registered by an admin as trusted.

use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::schema::persisted_documents;

/// A stored document.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = persisted_documents, check_for_backend(diesel::pg::Pg))]
pub struct PersistedDocumentRow {
    pub sha256: String,
    pub document: String,
    /// Registered by an admin: runs in trusted-documents mode.
    pub trusted: bool,
}

/// The document with this hash.
pub async fn find(
    conn: &mut AsyncPgConnection,
    sha256: &str,
) -> QueryResult<Option<PersistedDocumentRow>> {
    persisted_documents::table
        .find(sha256)
        .select(PersistedDocumentRow::as_select())
        .first(conn)
        .await
        .optional()
}

/// Stores a document a client sent with its hash (kept as it is if already known).
pub async fn remember(
    conn: &mut AsyncPgConnection,
    sha256: &str,
    document: &str,
) -> QueryResult<()> {
    diesel::insert_into(persisted_documents::table)
        .values((
            persisted_documents::sha256.eq(sha256),
            persisted_documents::document.eq(document),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

/// Registers a trusted document (or marks a known one trusted).
pub async fn trust(conn: &mut AsyncPgConnection, sha256: &str, document: &str) -> QueryResult<()> {
    diesel::insert_into(persisted_documents::table)
        .values((
            persisted_documents::sha256.eq(sha256),
            persisted_documents::document.eq(document),
            persisted_documents::trusted.eq(true),
        ))
        .on_conflict(persisted_documents::sha256)
        .do_update()
        .set(persisted_documents::trusted.eq(excluded(persisted_documents::trusted)))
        .execute(conn)
        .await
        .map(drop)
}

/// Every trusted document, by hash.
pub async fn trusted(conn: &mut AsyncPgConnection) -> QueryResult<Vec<PersistedDocumentRow>> {
    persisted_documents::table
        .filter(persisted_documents::trusted)
        .order(persisted_documents::sha256)
        .select(PersistedDocumentRow::as_select())
        .load(conn)
        .await
}
