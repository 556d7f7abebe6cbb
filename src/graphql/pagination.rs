//! Relay cursor connections. The read statements page every list themselves (keyset
//! pages, the extra row left out, page info worked out); the types here read the result.

use async_graphql::{Context, Object};

use super::data::{Obj, key};
pub use crate::db::read::connection::{
    DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, decode_cursor, encode_cursor,
};
use crate::error::AppResult;

/// The page a resolver's Relay arguments ask for.
pub fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> AppResult<Page> {
    Page::new(
        first.map(i64::from),
        after.as_deref(),
        last.map(i64::from),
        before.as_deref(),
    )
}

/// Where a page sits in the whole list.
#[derive(Clone)]
pub struct PageInfo(pub(crate) Obj);

/// Where a page sits in the whole list.
#[Object]
impl PageInfo {
    /// More items follow this page.
    async fn has_next_page(&self, ctx: &Context<'_>) -> AppResult<bool> {
        self.0.bool(key(ctx))
    }

    /// Items come before this page.
    async fn has_previous_page(&self, ctx: &Context<'_>) -> AppResult<bool> {
        self.0.bool(key(ctx))
    }

    /// Cursor of the first item of the page.
    async fn start_cursor(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }

    /// Cursor of the last item of the page.
    async fn end_cursor(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }
}

/// Declares a connection type `$conn` and its edge `$edge` for node type `$node` (a
/// wrapper of an [`Obj`]); `facets: $facets` adds the `facets` field of article lists.
macro_rules! connection_type {
    ($conn:ident, $edge:ident, $node:ident, $what:literal $(, facets: $facets:ident)?) => {
        #[doc = $what]
        #[derive(Clone)]
        pub struct $conn(pub(crate) $crate::graphql::data::Obj);

        #[doc = $what]
        #[async_graphql::Object]
        impl $conn {
            /// The page's items with their cursors.
            async fn edges(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<Vec<$edge>> {
                Ok(self
                    .0
                    .objs($crate::graphql::data::key(ctx))?
                    .into_iter()
                    .map($edge)
                    .collect())
            }

            /// The page's items.
            async fn nodes(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<Vec<$node>> {
                Ok(self
                    .0
                    .objs($crate::graphql::data::key(ctx))?
                    .into_iter()
                    .map($node)
                    .collect())
            }

            /// Where this page sits in the whole list.
            async fn page_info(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<$crate::graphql::pagination::PageInfo> {
                Ok($crate::graphql::pagination::PageInfo(
                    self.0.obj($crate::graphql::data::key(ctx))?,
                ))
            }

            /// How many items the whole list holds (counted only when asked for).
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<i64> {
                self.0.int($crate::graphql::data::key(ctx))
            }

            $(
                /// Counts of the whole list by kind, outlet, section, year, people and
                /// organizations (computed only for the parts selected). Null on lists
                /// that are not made by a filter (an entity's articles).
                async fn facets(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                ) -> $crate::error::AppResult<Option<$facets>> {
                    Ok(self
                        .0
                        .get($crate::graphql::data::key(ctx))
                        .and_then($crate::graphql::data::Val::as_obj)
                        .cloned()
                        .map($facets))
                }
            )?
        }

        #[doc = $what]
        pub struct $edge($crate::graphql::data::Obj);

        #[doc = $what]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this item; pass it as `after` or `before`.
            async fn cursor(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<&str> {
                self.0.str($crate::graphql::data::key(ctx))
            }

            /// The item.
            async fn node(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<$node> {
                Ok($node(self.0.obj($crate::graphql::data::key(ctx))?))
            }
        }
    };
}
pub(crate) use connection_type;
