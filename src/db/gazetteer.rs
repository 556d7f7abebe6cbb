//! The archive's organizations and people as a gazetteer for extraction
//! ([`crate::ingest::Gazetteer`]): every live entity under its name, its aliases (the
//! forms articles used, and editors' aliases, merged entities' included) and, for
//! organizations, its acronym.
//!
//! Loading reads every alias, so a process keeps one copy ([`Cache`]) and checks before
//! each use whether the archive changed what it knows (one statement of three index-only
//! `max(id)`s): new people or organizations are read and added to the copy; an editor's
//! change (aliases, merges and renames are all recorded in `corrections`) reads it all
//! again. A form an ingest adds to an entity that already exists is seen at the next full
//! read; the forms that matter most (a name's words, an acronym defined with a new
//! organization) come with the entity.

use std::sync::{Arc, Mutex, PoisonError};

use diesel::QueryResult;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::ingest::Gazetteer;

/// What the loaded copy was read at: the largest person, organization and correction ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::QueryableByName)]
struct Stamp {
    #[diesel(sql_type = BigInt)]
    people: i64,
    #[diesel(sql_type = BigInt)]
    organizations: i64,
    #[diesel(sql_type = BigInt)]
    corrections: i64,
}

/// How many of the latest ids a growing copy reads again (see [`Cache::current`]).
const RECENT_IDS: i64 = 1_000;

const STAMP_SQL: &str = "SELECT
    (SELECT COALESCE(max(id), 0) FROM people) AS people,
    (SELECT COALESCE(max(id), 0) FROM organizations) AS organizations,
    (SELECT COALESCE(max(id), 0) FROM corrections) AS corrections";

/// Every form of every live entity with an id above `$1` (organizations) or `$2`
/// (people): `kind` is `o` or `p`, `id` and `name` the live entity's (an alias of a merged
/// entity names the survivor).
const FORMS_SQL: &str = "
    SELECT 'o' AS kind, l.id, l.name, a.alias AS form
    FROM organization_aliases a
    JOIN organizations e ON e.id = a.organization_id
    JOIN organizations l ON l.id = COALESCE(e.merged_into_id, e.id)
    WHERE e.id > $1
    UNION ALL
    SELECT 'o', id, name, name FROM organizations WHERE merged_into_id IS NULL AND id > $1
    UNION ALL
    SELECT 'o', id, name, acronym FROM organizations
    WHERE merged_into_id IS NULL AND acronym IS NOT NULL AND id > $1
    UNION ALL
    SELECT 'p', l.id, l.canonical_name, a.alias
    FROM person_aliases a
    JOIN people e ON e.id = a.person_id
    JOIN people l ON l.id = COALESCE(e.merged_into_id, e.id)
    WHERE e.id > $2
    UNION ALL
    SELECT 'p', id, canonical_name, canonical_name FROM people
    WHERE merged_into_id IS NULL AND id > $2";

#[derive(diesel::QueryableByName)]
struct Form {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    form: String,
}

/// Adds the forms of the organizations with an id above `organizations_after` and of the
/// people with an id above `people_after`.
async fn add_forms(
    conn: &mut AsyncPgConnection,
    gazetteer: &mut Gazetteer,
    organizations_after: i64,
    people_after: i64,
) -> QueryResult<()> {
    let forms: Vec<Form> = diesel::sql_query(FORMS_SQL)
        .bind::<BigInt, _>(organizations_after)
        .bind::<BigInt, _>(people_after)
        .load(conn)
        .await?;
    add(gazetteer, &forms);
    Ok(())
}

fn add(gazetteer: &mut Gazetteer, forms: &[Form]) {
    for f in forms {
        if f.kind == "o" {
            gazetteer.add_organization(f.id, &f.name, &f.form);
        } else {
            gazetteer.add_person(f.id, &f.name, &f.form);
        }
    }
}

/// As [`load`], on a synchronous connection (the bulk path's).
pub fn load_sync(conn: &mut diesel::PgConnection) -> QueryResult<Gazetteer> {
    let forms: Vec<Form> = diesel::RunQueryDsl::load(
        diesel::sql_query(FORMS_SQL)
            .bind::<BigInt, _>(0_i64)
            .bind::<BigInt, _>(0_i64),
        conn,
    )?;
    let mut gazetteer = Gazetteer::new();
    add(&mut gazetteer, &forms);
    Ok(gazetteer)
}

/// Reads the whole gazetteer.
pub async fn load(conn: &mut AsyncPgConnection) -> QueryResult<Gazetteer> {
    let mut gazetteer = Gazetteer::new();
    add_forms(conn, &mut gazetteer, 0, 0).await?;
    Ok(gazetteer)
}

/// One process's copy of the gazetteer, loaded again when the archive's entities changed.
#[derive(Debug, Default)]
pub struct Cache {
    loaded: Mutex<Option<(Stamp, Arc<Gazetteer>)>>,
}

impl Cache {
    /// The gazetteer as of now: the copy in memory when nothing changed since it was
    /// read; with only new entities since, that copy and their forms; after an editor's
    /// change, a fresh copy. Concurrent callers that both see a change both read; the
    /// later copy stays.
    pub async fn current(&self, conn: &mut AsyncPgConnection) -> QueryResult<Arc<Gazetteer>> {
        let stamp: Stamp = diesel::sql_query(STAMP_SQL).get_result(conn).await?;
        let gazetteer = match self.held() {
            Some((at, gazetteer)) if at == stamp => return Ok(gazetteer),
            Some((at, gazetteer)) if at.corrections == stamp.corrections => {
                // Ids are drawn before commit: an entity with an id below the stamp may
                // have committed after it was read. Entities are added idempotently, so
                // the last ids are read again.
                let mut grown = (*gazetteer).clone();
                let back = |id: i64| id.saturating_sub(RECENT_IDS);
                add_forms(conn, &mut grown, back(at.organizations), back(at.people)).await?;
                grown
            }
            _ => load(conn).await?,
        };
        let gazetteer = Arc::new(gazetteer);
        *self.loaded.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((stamp, gazetteer.clone()));
        Ok(gazetteer)
    }

    fn held(&self) -> Option<(Stamp, Arc<Gazetteer>)> {
        self.loaded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
