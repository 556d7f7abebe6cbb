//! The GraphQL schema: types, batching, pagination and limits. Knows the database, not
//! actix: `http/` mounts it.

pub mod analytics;
pub mod article;
pub mod data;
pub mod date;
pub mod entity;
pub mod filter;
pub mod ids;
pub mod limits;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod quote;
pub mod select;
pub mod subscription;

use async_graphql::{Context, Interface, Schema};

use crate::config::Config;
use crate::db::Db;
use crate::db::notify::ArticleFeed;
use crate::db::request::RequestConn;
use crate::error::{AppError, AppResult};

/// The archive's schema.
pub type ArchiveSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// An object with a global ID that `node(id:)` can fetch.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "AppResult<async_graphql::ID>", desc = "Global ID."))]
pub enum Node {
    /// A press article.
    Article(article::Article),
    /// A person.
    Person(entity::Person),
    /// An organization.
    Organization(entity::Organization),
    /// A quote.
    Quote(quote::Quote),
    /// An outlet.
    Outlet(article::Outlet),
    /// A section of the section tree.
    Section(article::Section),
}

impl Node {
    /// The member a tagged object of a read statement stands for.
    pub fn from_obj(obj: data::Obj) -> AppResult<Self> {
        Ok(match obj.tag() {
            Some("Article") => Self::Article(article::Article(obj)),
            Some("Person") => Self::Person(entity::Person(obj)),
            Some("Organization") => Self::Organization(entity::Organization(obj)),
            Some("Quote") => Self::Quote(quote::Quote(obj)),
            Some("Outlet") => Self::Outlet(article::Outlet(obj)),
            Some("Section") => Self::Section(article::Section(obj)),
            other => return Err(AppError::internal(format!("a node tagged {other:?}"))),
        })
    }
}

/// Runs one read statement on the request's connection; its document, `None` when it
/// is SQL NULL (nothing found).
pub(crate) async fn read_text(
    ctx: &Context<'_>,
    sql: crate::db::sql::Sql,
) -> AppResult<Option<String>> {
    let mut conn = request_conn(ctx)?.get().await?;
    crate::db::read::fetch(&mut conn, sql).await
}

/// As [`read_text`], decoded for resolvers.
pub(crate) async fn read(
    ctx: &Context<'_>,
    sql: crate::db::sql::Sql,
) -> AppResult<Option<data::Val>> {
    read_text(ctx, sql)
        .await?
        .as_deref()
        .map(data::decode)
        .transpose()
}

/// Builds the schema once; the HTTP layer shares it between workers.
pub fn build_schema(config: &Config, db: Db, feed: ArticleFeed) -> ArchiveSchema {
    let mut builder = Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .data(db)
    // Depth and cost are checked (and reported) by the handler before execution, with our
    // own model (`limits::cost`): no extension, so fields resolve on async-graphql's fast
    // path.
    .data(feed)
    // Text nested deeper than MAX_NESTING is refused before parsing, so selections can
    // never nest deeper than this: async-graphql's own check, with its own wording and
    // no code, never fires (ours answer QUERY_TOO_COMPLEX).
    .limit_recursive_depth(limits::MAX_NESTING + 1);
    if !config.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    bare_schema().sdl()
}

/// The schema with no database and no feed: for the SDL, and for the fuzz target that
/// drives parsing and validation (a resolver that reached for the database would fail
/// with INTERNAL, without IO).
pub fn bare_schema() -> ArchiveSchema {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .limit_recursive_depth(limits::MAX_NESTING + 1)
    .finish()
}

/// The request's database connection.
pub(crate) fn request_conn<'a>(ctx: &Context<'a>) -> AppResult<&'a RequestConn> {
    ctx.data::<std::sync::Arc<RequestConn>>()
        .map(|c| &**c)
        .map_err(|_| AppError::internal("no request connection in the context"))
}
