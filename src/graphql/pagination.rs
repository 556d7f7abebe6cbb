//! Relay cursor connections with keyset cursors: page arguments, opaque cursors, page
//! info, and a macro that declares the connection and edge types of one node type.

use std::sync::Arc;

use async_graphql::SimpleObject;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::future::BoxFuture;

use crate::db::request::RequestConn;
use crate::error::{AppError, AppResult};

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest `first` / `last` accepted.
pub const MAX_PAGE_SIZE: usize = 100;

/// Which end of the ordering a page is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `first` / `after`: from the start of the ordering.
    Forward,
    /// `last` / `before`: from the end, returned in ordering order.
    Backward,
}

/// Validated page arguments.
#[derive(Debug, Clone)]
pub struct Page {
    /// Rows wanted.
    pub size: usize,
    /// Which end.
    pub direction: Direction,
    /// The decoded cursor to continue from, if any.
    pub cursor: Option<String>,
}

impl Page {
    /// Checks `first`/`after`/`last`/`before` against the Relay rules and our cap.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> AppResult<Self> {
        let size = |n: i32, name: &str| -> AppResult<usize> {
            usize::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_PAGE_SIZE)
                .ok_or_else(|| {
                    AppError::bad_input(format!("`{name}` must be between 0 and {MAX_PAGE_SIZE}"))
                })
        };
        if first.is_some() && last.is_some() {
            return Err(AppError::bad_input("give `first` or `last`, not both"));
        }
        if after.is_some() && before.is_some() {
            return Err(AppError::bad_input("give `after` or `before`, not both"));
        }
        if first.is_some() && before.is_some() || last.is_some() && after.is_some() {
            return Err(AppError::bad_input(
                "use `after` with `first` and `before` with `last`",
            ));
        }
        let (size, direction, cursor) = match (first, last) {
            (_, Some(n)) => (size(n, "last")?, Direction::Backward, before),
            (Some(n), None) => (size(n, "first")?, Direction::Forward, after),
            (None, None) if before.is_some() => (DEFAULT_PAGE_SIZE, Direction::Backward, before),
            (None, None) => (DEFAULT_PAGE_SIZE, Direction::Forward, after),
        };
        let cursor = cursor.map(|c| decode_cursor(&c)).transpose()?;
        Ok(Self {
            size,
            direction,
            cursor,
        })
    }
}

/// Makes a cursor opaque.
pub fn encode_cursor(raw: &str) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// Reads a cursor back.
pub fn decode_cursor(cursor: &str) -> AppResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| AppError::bad_input(format!("{cursor:?} is not a valid cursor")))
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

/// Trims a keyset fetch of `size + 1` rows to the page and works out the page info.
/// `rows` arrive in fetch order (reversed for backward pages).
pub fn finish_page<T>(
    mut rows: Vec<T>,
    page: &Page,
    cursor_of: impl Fn(&T) -> String,
) -> (Vec<(String, T)>, PageInfo) {
    let more = rows.len() > page.size;
    rows.truncate(page.size);
    if page.direction == Direction::Backward {
        rows.reverse();
    }
    let edges: Vec<(String, T)> = rows
        .into_iter()
        .map(|r| (encode_cursor(&cursor_of(&r)), r))
        .collect();
    let info = PageInfo {
        has_next_page: match page.direction {
            Direction::Forward => more,
            Direction::Backward => page.cursor.is_some(),
        },
        has_previous_page: match page.direction {
            Direction::Forward => page.cursor.is_some(),
            Direction::Backward => more,
        },
        start_cursor: edges.first().map(|(c, _)| c.clone()),
        end_cursor: edges.last().map(|(c, _)| c.clone()),
    };
    (edges, info)
}

/// Counts the whole list behind a connection, only when `totalCount` is selected.
pub trait CountQuery: Send + Sync {
    /// Runs the count on the request's connection.
    fn count<'a>(&'a self, conn: &'a RequestConn) -> BoxFuture<'a, AppResult<i64>>;
}

/// The total of a connection: known already, or to be counted on demand.
#[derive(Clone)]
pub enum Total {
    /// Known without a query (in-memory lists).
    Known(i64),
    /// Counted when asked.
    Query(Arc<dyn CountQuery>),
}

impl Total {
    /// The total, counting if needed.
    pub async fn get(&self, ctx: &async_graphql::Context<'_>) -> AppResult<i64> {
        match self {
            Self::Known(n) => Ok(*n),
            Self::Query(q) => q.count(super::request_conn(ctx)?).await,
        }
    }
}

/// Declares `$conn` and `$edge` for node type `$node`.
macro_rules! connection_type {
    ($conn:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = $what]
        pub struct $conn {
            /// The page's edges.
            pub edges: Vec<$edge>,
            /// Where the page sits.
            pub page_info: $crate::graphql::pagination::PageInfo,
            /// The total, counted only when selected.
            pub total: $crate::graphql::pagination::Total,
        }

        #[async_graphql::Object]
        impl $conn {
            /// The page's items with their cursors.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The page's items.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|e| &e.node).collect()
            }

            /// Where this page sits in the whole list.
            async fn page_info(&self) -> &$crate::graphql::pagination::PageInfo {
                &self.page_info
            }

            /// How many items the whole list holds (counted only when asked for).
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<i64> {
                Ok(self.total.get(ctx).await?)
            }
        }

        #[doc = $what]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque position of this item; pass it as `after` or `before`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        impl $conn {
            /// Builds the connection from finished page rows.
            pub fn new(
                edges: Vec<(String, $node)>,
                page_info: $crate::graphql::pagination::PageInfo,
                total: $crate::graphql::pagination::Total,
            ) -> Self {
                Self {
                    edges: edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    page_info,
                    total,
                }
            }
        }
    };
}
pub(crate) use connection_type;

/// A page's items with their cursors.
pub type Edges<T> = Vec<(String, T)>;

/// A page of one parent's items out of a batch loaded for all parents, with its total.
pub fn page_of_parent<T: Clone>(
    all: &std::collections::HashMap<i64, Vec<T>>,
    parent: i64,
    page: &Page,
) -> AppResult<(Edges<T>, PageInfo, Total)> {
    let items = all.get(&parent).cloned().unwrap_or_default();
    let total = Total::Known(items.len() as i64);
    let (edges, info) = page_in_memory(items, page)?;
    Ok((edges, info, total))
}

/// A page of a list already in memory (an article's people, say), with index cursors.
pub fn page_in_memory<T>(items: Vec<T>, page: &Page) -> AppResult<(Vec<(String, T)>, PageInfo)> {
    let position = match page.cursor.as_deref() {
        None => None,
        Some(c) => Some(
            c.strip_prefix("i:")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| AppError::bad_input("the cursor does not belong to this list"))?,
        ),
    };
    let len = items.len();
    let (start, end) = match page.direction {
        Direction::Forward => {
            let start = position.map_or(0, |p| p + 1).min(len);
            (start, (start + page.size).min(len))
        }
        Direction::Backward => {
            let end = position.unwrap_or(len).min(len);
            (end.saturating_sub(page.size), end)
        }
    };
    let edges: Vec<(String, T)> = items
        .into_iter()
        .enumerate()
        .skip(start)
        .take(end - start)
        .map(|(i, item)| (encode_cursor(&format!("i:{i}")), item))
        .collect();
    let info = PageInfo {
        has_next_page: end < len,
        has_previous_page: start > 0,
        start_cursor: edges.first().map(|(c, _)| c.clone()),
        end_cursor: edges.last().map(|(c, _)| c.clone()),
    };
    Ok((edges, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_arguments_follow_relay_rules() {
        let p = Page::new(None, None, None, None).expect("default");
        assert_eq!(
            (p.size, p.direction),
            (DEFAULT_PAGE_SIZE, Direction::Forward)
        );
        let p = Page::new(None, None, Some(5), Some(encode_cursor("x"))).expect("last");
        assert_eq!((p.size, p.direction), (5, Direction::Backward));
        assert_eq!(p.cursor.as_deref(), Some("x"));
        assert!(Page::new(Some(101), None, None, None).is_err());
        assert!(Page::new(Some(-1), None, None, None).is_err());
        assert!(Page::new(Some(1), None, Some(1), None).is_err());
        assert!(Page::new(Some(1), None, None, Some(encode_cursor("x"))).is_err());
        assert!(Page::new(Some(1), Some("%%%".into()), None, None).is_err());
    }

    #[test]
    fn pages_know_their_neighbours() {
        let page = Page::new(Some(2), None, None, None).expect("valid");
        let (edges, info) = finish_page(vec![1, 2, 3], &page, |n| n.to_string());
        assert_eq!(edges.iter().map(|e| e.1).collect::<Vec<_>>(), vec![1, 2]);
        assert!(info.has_next_page && !info.has_previous_page);
        let page = Page::new(None, None, Some(2), Some(encode_cursor("9"))).expect("valid");
        let (edges, info) = finish_page(vec![8, 7, 6], &page, |n| n.to_string());
        assert_eq!(edges.iter().map(|e| e.1).collect::<Vec<_>>(), vec![7, 8]);
        assert!(info.has_next_page && info.has_previous_page);
    }
}
