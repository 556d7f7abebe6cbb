//! Exports: the rows of one dataset (articles, quotes, people, organizations, mentions)
//! matching the API's filters, read through a server-side cursor.
//!
//! Each dataset is a list of typed [`Column`]s, each an SQL expression over the
//! dataset's row; one statement returns every row as a JSON array of those values (so
//! one code path reads any dataset), in a stable order. [`Cursor`] declares that
//! statement as a cursor inside one `REPEATABLE READ READ ONLY` transaction and fetches
//! it in batches: the export sees one snapshot however long it streams, and neither the
//! database nor this process ever holds more than one batch.
//!
//! The conditions are the API's own ([`ArticleFilter::condition`],
//! [`QuoteFilter::condition`]), so an export and a list query with the same filter
//! select the same rows.

use std::str::FromStr;

use diesel::QueryableByName;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};

use super::Conn;
use super::filter::{ArticleFilter, EntityKind, QuoteFilter};
use super::read::entity::meta;
use super::sql::Sql;
use crate::error::{AppError, AppResult};

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// Articles with their metadata and body.
    Articles,
    /// Quotes with their speakers.
    Quotes,
    /// Live (not merged) people.
    People,
    /// Live (not merged) organizations.
    Organizations,
    /// Every span where an article names a person or an organization.
    Mentions,
}

impl Dataset {
    /// Every dataset.
    pub const ALL: [Self; 5] = [
        Self::Articles,
        Self::Quotes,
        Self::People,
        Self::Organizations,
        Self::Mentions,
    ];

    /// The name in URLs, file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Articles => "articles",
            Self::Quotes => "quotes",
            Self::People => "people",
            Self::Organizations => "organizations",
            Self::Mentions => "mentions",
        }
    }

    /// Its columns, in output order.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Self::Articles => ARTICLE_COLUMNS,
            Self::Quotes => QUOTE_COLUMNS,
            Self::People => PERSON_COLUMNS,
            Self::Organizations => ORGANIZATION_COLUMNS,
            Self::Mentions => MENTION_COLUMNS,
        }
    }
}

impl FromStr for Dataset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.name() == s)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a dataset (articles, quotes, people, organizations, mentions)"
                )
            })
    }
}

/// The type of a column, as JSON carries it in a row and as typed formats store it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A string.
    Text,
    /// A 32-bit integer.
    Int32,
    /// A 64-bit integer.
    Int64,
    /// A 32-bit float.
    Float32,
    /// A boolean.
    Bool,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant in UTC, RFC 3339 (`rfc3339()` in SQL).
    Timestamp,
    /// A list of strings (never null; empty when there are none).
    TextList,
}

/// One output column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name in every format.
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
    /// Its value over the dataset's row (aliases: `a` articles, `q` quotes, `e` people or
    /// organizations, `m` mentions joined to their article `a`).
    sql: &'static str,
}

const fn col(name: &'static str, ty: ColumnType, sql: &'static str) -> Column {
    Column { name, ty, sql }
}

use ColumnType::{Bool, Date, Float32, Int32, Int64, Text, TextList, Timestamp};

const ARTICLE_COLUMNS: &[Column] = &[
    col("id", Text, "global_id('Article', a.id)"),
    col("slug", Text, "a.slug"),
    col("title", Text, "a.title"),
    col("kind", Text, "a.kind"),
    col("published_on", Date, "a.published_on"),
    col("publication", Text, "a.publication"),
    col(
        "section",
        Text,
        "(SELECT s.path FROM sections s WHERE s.id = a.section_id)",
    ),
    col("dateline", Text, "a.dateline"),
    col(
        "outlets",
        TextList,
        "ARRAY(SELECT o.name FROM article_outlets ao JOIN outlets o ON o.id = ao.outlet_id \
         WHERE ao.article_id = a.id ORDER BY ao.position)",
    ),
    col(
        "authors",
        TextList,
        "ARRAY(SELECT p.canonical_name FROM article_authors aa JOIN people p ON p.id = aa.person_id \
         WHERE aa.article_id = a.id ORDER BY aa.position)",
    ),
    col(
        "tags",
        TextList,
        "ARRAY(SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id \
         WHERE at.article_id = a.id ORDER BY t.name)",
    ),
    col("source_url", Text, "a.source_url"),
    col("language", Text, "a.language"),
    col("original_language", Text, "a.original_language"),
    col("word_count", Int32, "a.word_count"),
    col("abridged", Bool, "a.abridged"),
    col("body", Text, "paragraphs_text(a.paragraphs)"),
    col("extractor_version", Text, "a.extractor_version"),
    col("created_at", Timestamp, "rfc3339(a.created_at)"),
    col("updated_at", Timestamp, "rfc3339(a.updated_at)"),
];

/// The speaker columns resolve as the API's `speaker` does: an unnamed source's
/// description first, then the person, then the organization (a merged one gives the
/// entity it was merged into).
const QUOTE_COLUMNS: &[Column] = &[
    col("id", Text, "global_id('Quote', q.id)"),
    col("article_id", Text, "global_id('Article', q.article_id)"),
    col(
        "article_slug",
        Text,
        "(SELECT a.slug FROM articles a WHERE a.id = q.article_id)",
    ),
    col("published_on", Date, "q.published_on"),
    col("paragraph", Int32, "q.paragraph"),
    col("start", Int32, "q.start_offset"),
    col("end", Int32, "q.end_offset"),
    col("text", Text, "q.text"),
    col("cue", Text, "q.cue"),
    col("is_fragment", Bool, "q.is_fragment"),
    col("confidence", Float32, "q.confidence"),
    col(
        "speaker_type",
        Text,
        "CASE WHEN q.speaker_description IS NOT NULL THEN 'unnamed' \
         WHEN q.speaker_person_id IS NOT NULL THEN 'person' \
         WHEN q.speaker_organization_id IS NOT NULL THEN 'organization' END",
    ),
    col(
        "speaker_id",
        Text,
        "CASE WHEN q.speaker_description IS NOT NULL THEN NULL \
         WHEN q.speaker_person_id IS NOT NULL THEN (SELECT global_id('Person', COALESCE(x.merged_into_id, x.id)) FROM people x WHERE x.id = q.speaker_person_id) \
         ELSE (SELECT global_id('Organization', COALESCE(x.merged_into_id, x.id)) FROM organizations x WHERE x.id = q.speaker_organization_id) END",
    ),
    col(
        "speaker_name",
        Text,
        "COALESCE(q.speaker_description, \
         (SELECT e.canonical_name FROM people x JOIN people e ON e.id = COALESCE(x.merged_into_id, x.id) WHERE x.id = q.speaker_person_id), \
         (SELECT e.name FROM organizations x JOIN organizations e ON e.id = COALESCE(x.merged_into_id, x.id) WHERE x.id = q.speaker_organization_id))",
    ),
    col("extractor_version", Text, "q.extractor_version"),
];

const PERSON_COLUMNS: &[Column] = &[
    col("id", Text, "global_id('Person', e.id)"),
    col("slug", Text, "e.slug"),
    col("name", Text, "e.canonical_name"),
    col(
        "aliases",
        TextList,
        "ARRAY(SELECT al.alias FROM person_aliases al WHERE al.person_id = e.id ORDER BY al.alias_key)",
    ),
    col("external_id", Text, "e.external_id"),
    col("mention_count", Int64, "e.mention_count"),
    col("article_count", Int64, "e.article_count"),
    col("quote_count", Int64, "e.quote_count"),
    col("created_at", Timestamp, "rfc3339(e.created_at)"),
    col("updated_at", Timestamp, "rfc3339(e.updated_at)"),
];

const ORGANIZATION_COLUMNS: &[Column] = &[
    col("id", Text, "global_id('Organization', e.id)"),
    col("slug", Text, "e.slug"),
    col("name", Text, "e.name"),
    col("acronym", Text, "e.acronym"),
    col("kind", Text, "e.kind"),
    col("country", Text, "e.country"),
    col(
        "aliases",
        TextList,
        "ARRAY(SELECT al.alias FROM organization_aliases al WHERE al.organization_id = e.id ORDER BY al.alias_key)",
    ),
    col("external_id", Text, "e.external_id"),
    col("mention_count", Int64, "e.mention_count"),
    col("article_count", Int64, "e.article_count"),
    col("quote_count", Int64, "e.quote_count"),
    col("created_at", Timestamp, "rfc3339(e.created_at)"),
    col("updated_at", Timestamp, "rfc3339(e.updated_at)"),
];

const MENTION_COLUMNS: &[Column] = &[
    col("id", Int64, "m.id"),
    col("article_id", Text, "global_id('Article', m.article_id)"),
    col("article_slug", Text, "a.slug"),
    col("published_on", Date, "a.published_on"),
    col(
        "entity_type",
        Text,
        "CASE WHEN m.person_id IS NOT NULL THEN 'person' ELSE 'organization' END",
    ),
    col(
        "entity_id",
        Text,
        "CASE WHEN m.person_id IS NOT NULL THEN global_id('Person', m.person_id) \
         ELSE global_id('Organization', m.organization_id) END",
    ),
    col(
        "entity_name",
        Text,
        "COALESCE((SELECT p.canonical_name FROM people p WHERE p.id = m.person_id), \
         (SELECT o.name FROM organizations o WHERE o.id = m.organization_id))",
    ),
    col("paragraph", Int32, "m.paragraph"),
    col("start", Int32, "m.start_offset"),
    col("end", Int32, "m.end_offset"),
    col("surface", Text, "m.surface"),
    col("title", Text, "m.title"),
    col("extractor_version", Text, "m.extractor_version"),
];

/// A dataset with its filter: what one export reads.
#[derive(Debug, Clone)]
pub enum Rows {
    /// Articles matching the filter, newest first (as `articles` lists them).
    Articles(ArticleFilter),
    /// Quotes matching the filter, newest first (as `quotes` lists them).
    Quotes(QuoteFilter),
    /// People by id: all of them, or those mentioned in articles matching the filter.
    People(Option<ArticleFilter>),
    /// Organizations by id: all, or those mentioned in articles matching the filter.
    Organizations(Option<ArticleFilter>),
    /// Mentions in articles matching the filter, by id.
    Mentions(ArticleFilter),
}

impl Rows {
    /// The dataset read.
    pub fn dataset(&self) -> Dataset {
        match self {
            Self::Articles(_) => Dataset::Articles,
            Self::Quotes(_) => Dataset::Quotes,
            Self::People(_) => Dataset::People,
            Self::Organizations(_) => Dataset::Organizations,
            Self::Mentions(_) => Dataset::Mentions,
        }
    }

    /// The statement: one column `line`, each row's values as a JSON array in the order
    /// of [`Dataset::columns`].
    pub fn statement(&self) -> Sql {
        let mut sql = Sql::new("SELECT json_build_array(");
        for (i, column) in self.dataset().columns().iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push(column.sql);
        }
        sql.push(")::text AS line ");
        match self {
            Self::Articles(filter) => {
                sql.push("FROM articles a WHERE ")
                    .append(&filter.condition())
                    .push(" ORDER BY a.published_on DESC, a.id DESC");
            }
            Self::Quotes(filter) => {
                sql.push("FROM quotes q WHERE ")
                    .append(&filter.condition())
                    .push(" ORDER BY q.published_on DESC, q.id DESC");
            }
            Self::People(filter) => entities(&mut sql, EntityKind::Person, filter.as_ref()),
            Self::Organizations(filter) => {
                entities(&mut sql, EntityKind::Organization, filter.as_ref());
            }
            Self::Mentions(filter) => {
                sql.push("FROM mentions m JOIN articles a ON a.id = m.article_id WHERE ")
                    .append(&filter.condition())
                    .push(" ORDER BY m.id");
            }
        }
        // Shaped by the caller's filter: not worth a cached statement.
        sql.one_off();
        sql
    }
}

/// `FROM <people|organizations> e WHERE live [AND mentioned in a matching article]`.
fn entities(sql: &mut Sql, kind: EntityKind, filter: Option<&ArticleFilter>) {
    let m = meta(kind);
    sql.push(&format!(
        "FROM {} e WHERE e.merged_into_id IS NULL",
        m.table
    ));
    if let Some(filter) = filter {
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM mentions mm JOIN articles a ON a.id = mm.article_id \
             WHERE mm.{} = e.id AND ",
            m.fk
        ))
        .append(&filter.condition())
        .push(")");
    }
    sql.push(" ORDER BY e.id");
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// An open export: a cursor in a read-only snapshot on a connection of its own.
/// Dropped without [`Cursor::close`], its transaction stays open and the pool discards
/// the connection rather than reuse it.
pub struct Cursor {
    conn: Conn,
}

impl Cursor {
    /// Opens a snapshot on `pool` and declares the cursor over `rows`.
    pub async fn open(pool: &Pool<AsyncPgConnection>, rows: &Rows) -> AppResult<Self> {
        let mut conn = pool.get().await?;
        AnsiTransactionManager::begin_transaction_sql(
            &mut *conn,
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        )
        .await?;
        let mut declare = Sql::new("DECLARE export NO SCROLL CURSOR FOR ");
        declare.append(&rows.statement());
        declare.into_query().execute(&mut *conn).await?;
        Ok(Self { conn })
    }

    /// The next `n` rows at most, each a JSON array; empty at the end.
    pub async fn fetch(&mut self, n: usize) -> AppResult<Vec<String>> {
        let lines: Vec<Line> = diesel::sql_query(format!("FETCH FORWARD {n} FROM export"))
            .load(&mut *self.conn)
            .await?;
        Ok(lines.into_iter().map(|l| l.line).collect())
    }

    /// Ends the snapshot (closing the cursor) and gives the connection back.
    pub async fn close(mut self) -> AppResult<()> {
        AnsiTransactionManager::commit_transaction(&mut *self.conn)
            .await
            .map_err(AppError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_have_unique_column_names_and_parse_by_name() {
        for dataset in Dataset::ALL {
            assert_eq!(dataset.name().parse::<Dataset>(), Ok(dataset));
            let columns = dataset.columns();
            for (i, c) in columns.iter().enumerate() {
                assert!(
                    columns[i + 1..].iter().all(|d| d.name != c.name),
                    "{}: {} twice",
                    dataset.name(),
                    c.name
                );
            }
        }
        assert!("authors".parse::<Dataset>().is_err());
    }

    #[test]
    fn statements_apply_the_api_conditions() {
        let filter = ArticleFilter {
            kind: Some("SUMMARY".into()),
            ..Default::default()
        };
        let articles = Rows::Articles(filter.clone()).statement();
        assert!(
            articles.as_str().ends_with(
                "FROM articles a WHERE (a.kind = $1) ORDER BY a.published_on DESC, a.id DESC"
            ),
            "{}",
            articles.as_str()
        );
        let people = Rows::People(None).statement();
        assert!(
            people
                .as_str()
                .ends_with("FROM people e WHERE e.merged_into_id IS NULL ORDER BY e.id"),
            "{}",
            people.as_str()
        );
        let organizations = Rows::Organizations(Some(filter)).statement();
        assert!(
            organizations
                .as_str()
                .contains("WHERE mm.organization_id = e.id AND (a.kind = $1))"),
            "{}",
            organizations.as_str()
        );
    }
}
