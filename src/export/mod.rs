//! Exports for data teams: a dataset (articles, quotes, people, organizations, mentions)
//! selected by the API's filters, as NDJSON, CSV or Parquet, streamed in constant memory.
//!
//! One [`Export`] serves both the command line (`archive export`) and the HTTP endpoint
//! (`GET /export/{dataset}.{format}`): it reads batches from a cursor in one read-only
//! snapshot ([`crate::db::export::Cursor`]) and hands out the bytes of each batch
//! ([`encode`]), so the caller writes or sends them before the next batch is read.

pub mod cli;
pub mod encode;
pub mod filter;

use serde_json::Value;

use crate::db::Db;
use crate::db::export::{Cursor, Dataset, Rows};
use crate::error::{AppError, AppResult};
pub use encode::Format;

/// Rows read from the database at a time.
pub const BATCH_ROWS: usize = 1000;

/// A running export.
pub struct Export {
    cursor: Option<Cursor>,
    encoder: encode::Encoder,
    columns: usize,
    rows: u64,
}

impl Export {
    /// Opens the snapshot and the cursor over `rows` on the read pool. Errors here (a bad
    /// filter, an unreachable database) come before any byte of output.
    pub async fn open(db: &Db, rows: &Rows, format: Format) -> AppResult<Self> {
        let columns = rows.dataset().columns();
        let encoder = encode::Encoder::new(format, columns)?;
        let cursor = Cursor::open(&db.read.pick(), rows).await?;
        Ok(Self {
            cursor: Some(cursor),
            encoder,
            columns: columns.len(),
            rows: 0,
        })
    }

    /// The next bytes of the file, never empty; `None` when it is complete.
    pub async fn next_chunk(&mut self) -> AppResult<Option<Vec<u8>>> {
        while let Some(cursor) = self.cursor.as_mut() {
            let lines = cursor.fetch(BATCH_ROWS).await?;
            let bytes = if lines.is_empty() {
                if let Some(cursor) = self.cursor.take() {
                    cursor.close().await?;
                }
                self.encoder.finish()?
            } else {
                let rows = lines
                    .iter()
                    .map(|line| self.parse(line))
                    .collect::<AppResult<Vec<_>>>()?;
                self.rows += rows.len() as u64;
                self.encoder.rows(&rows)?
            };
            if !bytes.is_empty() {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn parse(&self, line: &str) -> AppResult<Vec<Value>> {
        let values: Vec<Value> = serde_json::from_str(line).map_err(AppError::internal)?;
        if values.len() != self.columns {
            return Err(AppError::internal(format!(
                "an export row has {} values for {} columns",
                values.len(),
                self.columns
            )));
        }
        Ok(values)
    }
}

/// `quotes.parquet` and the like: the dataset and the format a file name asks for.
pub fn parse_file_name(name: &str) -> Option<(Dataset, Format)> {
    let (dataset, extension) = name.rsplit_once('.')?;
    Some((dataset.parse().ok()?, Format::from_extension(extension)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_give_dataset_and_format() {
        assert_eq!(
            parse_file_name("quotes.parquet"),
            Some((Dataset::Quotes, Format::Parquet))
        );
        assert_eq!(
            parse_file_name("people.csv"),
            Some((Dataset::People, Format::Csv))
        );
        assert_eq!(parse_file_name("quotes"), None);
        assert_eq!(parse_file_name("quotes.xlsx"), None);
        assert_eq!(parse_file_name("keys.ndjson"), None);
    }
}
