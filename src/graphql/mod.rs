//! The GraphQL schema: types, batching, pagination and limits. Knows the database, not
//! actix: `http/` mounts it.

pub mod analytics;
pub mod article;
pub mod batch;
pub mod entity;
pub mod filter;
pub mod ids;
pub mod limits;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod quote;
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
#[graphql(field(name = "id", ty = "async_graphql::ID", desc = "Global ID."))]
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

/// Builds the schema once; the HTTP layer shares it between workers.
pub fn build_schema(config: &Config, db: Db, feed: ArticleFeed) -> ArchiveSchema {
    let mut builder = Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .data(db)
    .data(feed)
    // Reports each operation's cost and depth in `extensions.analyzer`, computed
    // during validation, before anything executes.
    .extension(async_graphql::extensions::Analyzer)
    .limit_depth(config.max_depth)
    .limit_complexity(config.max_complexity);
    if !config.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .finish()
    .sdl()
}

/// The request's database connection.
pub(crate) fn request_conn<'a>(ctx: &Context<'a>) -> AppResult<&'a RequestConn> {
    ctx.data::<std::sync::Arc<RequestConn>>()
        .map(|c| &**c)
        .map_err(|_| AppError::internal("no request connection in the context"))
}
