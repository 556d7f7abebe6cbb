//! Relay cursor connections over the read statements' documents: each connection holds
//! the rows its statement fetched for the page (one more than the page, in forward
//! order) and the page it was asked for, and trims and describes the page from them.

use async_graphql::SimpleObject;

use super::data::Obj;
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
#[derive(Debug, Clone, SimpleObject)]
pub struct PageInfo {
    /// More items follow this page.
    pub has_next_page: bool,
    /// Items come before this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

/// The page's items out of the rows fetched for it (`size + 1` at most, forward order):
/// the extra row is the last of a forward page, the first of a backward page.
pub fn trim<T>(mut items: Vec<T>, page: &Page) -> Vec<T> {
    if items.len() > page.size {
        if page.backward {
            let extra = items.len() - page.size;
            items.drain(..extra);
        } else {
            items.truncate(page.size);
        }
    }
    items
}

/// Page info from a statement's raw `{more, cursors}`.
pub fn page_info(raw: &Obj, page: &Page) -> AppResult<PageInfo> {
    let more = raw.bool("more")?;
    let cursors = trim(raw.strs("cursors")?, page);
    let continues = page.cursor.is_some();
    Ok(PageInfo {
        has_next_page: if page.backward { continues } else { more },
        has_previous_page: if page.backward { more } else { continues },
        start_cursor: cursors.first().map(|c| encode_cursor(c)),
        end_cursor: cursors.last().map(|c| encode_cursor(c)),
    })
}

/// Declares a connection type `$conn` and its edge `$edge` for node type `$node` (a
/// wrapper of an [`Obj`]); `facets: $facets` adds the `facets` field of article lists.
macro_rules! connection_type {
    ($conn:ident, $edge:ident, $node:ident, $what:literal $(, facets: $facets:ident)?) => {
        #[doc = $what]
        pub struct $conn {
            obj: $crate::graphql::data::Obj,
            page: $crate::graphql::pagination::Page,
        }

        impl $conn {
            /// The connection in `obj`, for the page that was asked for.
            pub fn new(
                obj: $crate::graphql::data::Obj,
                page: $crate::graphql::pagination::Page,
            ) -> Self {
                Self { obj, page }
            }
        }

        #[doc = $what]
        #[async_graphql::Object]
        impl $conn {
            /// The page's items with their cursors.
            async fn edges(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<Vec<$edge>> {
                let rows = self.obj.objs($crate::graphql::data::key(ctx))?;
                Ok($crate::graphql::pagination::trim(rows, &self.page)
                    .into_iter()
                    .map($edge)
                    .collect())
            }

            /// The page's items.
            async fn nodes(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> $crate::error::AppResult<Vec<$node>> {
                let rows = self.obj.objs($crate::graphql::data::key(ctx))?;
                Ok($crate::graphql::pagination::trim(rows, &self.page)
                    .into_iter()
                    .map($node)
                    .collect())
            }

            /// Where this page sits in the whole list.
            async fn page_info(
                &self,
            ) -> $crate::error::AppResult<$crate::graphql::pagination::PageInfo> {
                $crate::graphql::pagination::page_info(&self.obj.obj("pageInfo")?, &self.page)
            }

            /// How many items the whole list holds (counted only when asked for).
            async fn total_count(&self) -> $crate::error::AppResult<i64> {
                self.obj.int("totalCount")
            }

            $(
                /// Counts of the whole list by kind, outlet, section, year, people and
                /// organizations (computed only for the parts selected). Null on lists
                /// that are not made by a filter (an entity's articles).
                #[graphql(complexity = "50 + child_complexity")]
                async fn facets(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                ) -> $crate::error::AppResult<Option<$facets>> {
                    Ok(self
                        .obj
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
            async fn cursor(&self) -> $crate::error::AppResult<String> {
                Ok($crate::graphql::pagination::encode_cursor(self.0.str("cursor")?))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_drop_the_extra_row_at_their_far_end() {
        let forward = Page::new(Some(2), None, None, None).expect("page");
        assert_eq!(trim(vec![1, 2, 3], &forward), vec![1, 2]);
        let backward = Page::new(None, None, Some(2), Some(&encode_cursor("x"))).expect("page");
        assert_eq!(trim(vec![6, 7, 8], &backward), vec![7, 8]);
        assert_eq!(trim(vec![7, 8], &backward), vec![7, 8]);
    }
}
