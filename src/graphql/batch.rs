//! Sibling batching: objects resolved in the same list share a batch, and the first
//! one to need a relation loads it for all of them in one statement. The number of
//! statements per request thus grows with the depth of the query, never with the rows.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::error::AppResult;

/// The distinct ids among `ids`, sorted (the parents of a batch).
pub fn distinct(ids: impl IntoIterator<Item = i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One relation of a batch, grouped by parent id, loaded at most once.
pub struct Rel<T> {
    cell: OnceCell<Arc<HashMap<i64, Vec<T>>>>,
}

impl<T> Default for Rel<T> {
    fn default() -> Self {
        Self {
            cell: OnceCell::new(),
        }
    }
}

impl<T> Rel<T> {
    /// The relation for every parent, loading it with `load` the first time.
    pub async fn get<F, Fut>(&self, load: F) -> AppResult<Arc<HashMap<i64, Vec<T>>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<Vec<(i64, T)>>>,
    {
        self.cell
            .get_or_try_init(|| async {
                let mut map: HashMap<i64, Vec<T>> = HashMap::new();
                for (parent, item) in load().await? {
                    map.entry(parent).or_default().push(item);
                }
                Ok(Arc::new(map))
            })
            .await
            .cloned()
    }
}

/// A single value per id (a lookup table), loaded at most once.
pub struct Lookup<T> {
    cell: OnceCell<Arc<HashMap<i64, T>>>,
}

impl<T> Default for Lookup<T> {
    fn default() -> Self {
        Self {
            cell: OnceCell::new(),
        }
    }
}

impl<T> Lookup<T> {
    /// The table, loading it with `load` the first time.
    pub async fn get<F, Fut>(&self, load: F) -> AppResult<Arc<HashMap<i64, T>>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<Vec<(i64, T)>>>,
    {
        self.cell
            .get_or_try_init(|| async { Ok(Arc::new(load().await?.into_iter().collect())) })
            .await
            .cloned()
    }
}

/// Relations that take arguments (a page of a person's articles, say): one [`Rel`] per
/// distinct argument set, shared by the siblings that ask with the same arguments.
pub struct Keyed<T> {
    rels: std::sync::Mutex<HashMap<String, Arc<Rel<T>>>>,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Self {
            rels: std::sync::Mutex::new(HashMap::new()),
        }
    }
}

impl<T> Keyed<T> {
    /// The relation for these arguments.
    pub fn rel(&self, args: &str) -> Arc<Rel<T>> {
        let mut rels = self
            .rels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        rels.entry(args.to_owned()).or_default().clone()
    }
}
