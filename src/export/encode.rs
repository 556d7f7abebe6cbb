//! The three file formats, written batch by batch so that nothing but the current batch
//! (and, for Parquet, the current row group) is held in memory.
//!
//! Every row arrives as the JSON array of its column values ([`crate::db::export`]):
//! strings, numbers, booleans, nulls, dates as `YYYY-MM-DD`, instants as RFC 3339 in UTC,
//! lists of strings as arrays.
//!
//! - NDJSON: one object per line, keyed by column name, values as they arrive.
//! - CSV (RFC 4180): a header line, then one line per row; null is an empty field, a list
//!   is its JSON array.
//! - Parquet: typed columns (strings, 32/64-bit integers, 32-bit floats, booleans,
//!   `Date32`, microsecond timestamps in UTC, lists of strings), Snappy-compressed,
//!   [`ROW_GROUP_ROWS`] rows per row group; each row group leaves as soon as it is full.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float32Builder, Int32Builder, Int64Builder, ListBuilder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::{DateTime, NaiveDate};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

use crate::db::export::{Column, ColumnType};
use crate::error::{AppError, AppResult};

/// Rows per Parquet row group: large enough for columnar compression and statistics,
/// small enough to keep a server's memory flat while a group is assembled.
pub const ROW_GROUP_ROWS: usize = 16_384;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Newline-delimited JSON.
    Ndjson,
    /// Comma-separated values with a header line.
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// Every format.
    pub const ALL: [Self; 3] = [Self::Ndjson, Self::Csv, Self::Parquet];

    /// The file extension (also the name in URLs and on the command line).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Ndjson => "ndjson",
            Self::Csv => "csv",
            Self::Parquet => "parquet",
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Ndjson => "application/x-ndjson",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Parquet => "application/vnd.apache.parquet",
        }
    }

    /// The format with this extension.
    pub fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }
}

/// Turns batches of rows into bytes of one format.
pub enum Encoder {
    /// NDJSON.
    Ndjson {
        /// The columns.
        columns: &'static [Column],
    },
    /// CSV.
    Csv {
        /// The columns.
        columns: &'static [Column],
        /// Whether the header line has been written.
        started: bool,
    },
    /// Parquet.
    Parquet(Box<ParquetEncoder>),
}

impl Encoder {
    /// An encoder for `columns` in `format`.
    pub fn new(format: Format, columns: &'static [Column]) -> AppResult<Self> {
        Ok(match format {
            Format::Ndjson => Self::Ndjson { columns },
            Format::Csv => Self::Csv {
                columns,
                started: false,
            },
            Format::Parquet => Self::Parquet(Box::new(ParquetEncoder::new(columns)?)),
        })
    }

    /// The bytes of `rows` (possibly none yet: Parquet waits for a full row group).
    pub fn rows(&mut self, rows: &[Vec<Value>]) -> AppResult<Vec<u8>> {
        match self {
            Self::Ndjson { columns } => ndjson(columns, rows),
            Self::Csv { columns, started } => {
                let header = !std::mem::replace(started, true);
                csv(columns, rows, header)
            }
            Self::Parquet(encoder) => encoder.rows(rows),
        }
    }

    /// The last bytes: the CSV header of an empty export, Parquet's last row group and
    /// footer.
    pub fn finish(&mut self) -> AppResult<Vec<u8>> {
        match self {
            Self::Ndjson { .. } => Ok(Vec::new()),
            Self::Csv { columns, started } => {
                let header = !std::mem::replace(started, true);
                csv(columns, &[], header)
            }
            Self::Parquet(encoder) => encoder.finish(),
        }
    }
}

fn ndjson(columns: &[Column], rows: &[Vec<Value>]) -> AppResult<Vec<u8>> {
    let mut out = Vec::with_capacity(rows.len() * 256);
    for row in rows {
        out.push(b'{');
        for (i, (column, value)) in columns.iter().zip(row).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, column.name).map_err(AppError::internal)?;
            out.push(b':');
            serde_json::to_writer(&mut out, value).map_err(AppError::internal)?;
        }
        out.extend_from_slice(b"}\n");
    }
    Ok(out)
}

fn csv(columns: &[Column], rows: &[Vec<Value>], header: bool) -> AppResult<Vec<u8>> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(rows.len() * 256));
    if header {
        writer
            .write_record(columns.iter().map(|c| c.name))
            .map_err(AppError::internal)?;
    }
    let mut fields: Vec<String> = Vec::with_capacity(columns.len());
    for row in rows {
        fields.clear();
        fields.extend(row.iter().map(|value| match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
        writer.write_record(&fields).map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(AppError::internal)
}

/// Parquet: the Arrow schema of the columns and a writer whose output is taken out after
/// every batch.
pub struct ParquetEncoder {
    columns: &'static [Column],
    schema: SchemaRef,
    writer: ArrowWriter<Vec<u8>>,
}

fn data_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text => DataType::Utf8,
        ColumnType::Int32 => DataType::Int32,
        ColumnType::Int64 => DataType::Int64,
        ColumnType::Float32 => DataType::Float32,
        ColumnType::Bool => DataType::Boolean,
        ColumnType::Date => DataType::Date32,
        ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        ColumnType::TextList => {
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
        }
    }
}

impl ParquetEncoder {
    fn new(columns: &'static [Column]) -> AppResult<Self> {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(c.name, data_type(c.ty), c.ty != ColumnType::TextList))
                .collect::<Vec<_>>(),
        ));
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer = ArrowWriter::try_new(Vec::new(), schema.clone(), Some(properties))
            .map_err(AppError::internal)?;
        Ok(Self {
            columns,
            schema,
            writer,
        })
    }

    fn rows(&mut self, rows: &[Vec<Value>]) -> AppResult<Vec<u8>> {
        let arrays = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| array(c, rows.iter().map(|row| &row[i])))
            .collect::<AppResult<Vec<_>>>()?;
        let batch =
            RecordBatch::try_new(self.schema.clone(), arrays).map_err(AppError::internal)?;
        // Completes (and writes out) a row group whenever it holds ROW_GROUP_ROWS rows.
        self.writer.write(&batch).map_err(AppError::internal)?;
        Ok(std::mem::take(self.writer.inner_mut()))
    }

    fn finish(&mut self) -> AppResult<Vec<u8>> {
        self.writer.finish().map_err(AppError::internal)?;
        Ok(std::mem::take(self.writer.inner_mut()))
    }
}

fn mismatch(column: &Column, value: &Value) -> AppError {
    AppError::internal(format!(
        "export column {} ({:?}) got {value}",
        column.name, column.ty
    ))
}

/// The Arrow array of one column's values.
fn array<'a>(column: &Column, values: impl Iterator<Item = &'a Value>) -> AppResult<ArrayRef> {
    macro_rules! build {
        ($builder:expr, $convert:expr) => {{
            let mut builder = $builder;
            for value in values {
                if value.is_null() {
                    builder.append_null();
                } else {
                    let converted: Option<_> = $convert(value);
                    builder.append_value(converted.ok_or_else(|| mismatch(column, value))?);
                }
            }
            Arc::new(builder.finish()) as ArrayRef
        }};
    }
    Ok(match column.ty {
        ColumnType::Text => build!(StringBuilder::new(), |v: &'a Value| v.as_str()),
        ColumnType::Int32 => build!(Int32Builder::new(), |v: &Value| v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())),
        ColumnType::Int64 => build!(Int64Builder::new(), |v: &Value| v.as_i64()),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the value is a `real` printed in full; the cast restores it exactly"
        )]
        ColumnType::Float32 => build!(Float32Builder::new(), |v: &Value| v
            .as_f64()
            .map(|f| f as f32)),
        ColumnType::Bool => build!(BooleanBuilder::new(), |v: &Value| v.as_bool()),
        ColumnType::Date => build!(Date32Builder::new(), |v: &Value| v
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .and_then(days_since_epoch)),
        ColumnType::Timestamp => build!(
            TimestampMicrosecondBuilder::new().with_timezone("UTC"),
            |v: &Value| v
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.timestamp_micros())
        ),
        ColumnType::TextList => {
            let mut builder = ListBuilder::new(StringBuilder::new());
            for value in values {
                match value {
                    Value::Null => builder.append_null(),
                    Value::Array(items) => {
                        for item in items {
                            match item {
                                Value::String(s) => builder.values().append_value(s),
                                Value::Null => builder.values().append_null(),
                                other => return Err(mismatch(column, other)),
                            }
                        }
                        builder.append(true);
                    }
                    other => return Err(mismatch(column, other)),
                }
            }
            Arc::new(builder.finish()) as ArrayRef
        }
    })
}

fn days_since_epoch(date: NaiveDate) -> Option<i32> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::export::Dataset;
    use serde_json::json;

    fn quote_row() -> Vec<Value> {
        vec![
            json!("UXVvdGU6MQ"),
            json!("QXJ0aWNsZTox"),
            json!("2022-02-28-xi"),
            json!("2022-02-28"),
            json!(1),
            json!(10),
            json!(20),
            json!("We, \"the people\"\nsaid so"),
            json!(null),
            json!(false),
            json!(0.9),
            json!("person"),
            json!("UGVyc29uOjE"),
            json!("Xi Jinping"),
            json!("1"),
        ]
    }

    #[test]
    fn ndjson_keys_values_by_column() {
        let columns = Dataset::Quotes.columns();
        let mut encoder = Encoder::new(Format::Ndjson, columns).expect("encoder");
        let out = encoder.rows(&[quote_row()]).expect("encoded");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.ends_with('\n') && text.lines().count() == 1);
        let object: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(object["published_on"], "2022-02-28");
        assert_eq!(object["cue"], Value::Null);
        assert_eq!(object["confidence"], 0.9);
    }

    #[test]
    fn csv_quotes_fields_and_writes_the_header_once() {
        let columns = Dataset::Quotes.columns();
        let mut encoder = Encoder::new(Format::Csv, columns).expect("encoder");
        let mut out = encoder.rows(&[quote_row()]).expect("encoded");
        out.extend(encoder.rows(&[quote_row()]).expect("encoded"));
        out.extend(encoder.finish().expect("finished"));
        let mut reader = ::csv::Reader::from_reader(out.as_slice());
        let header = reader.headers().expect("header").clone();
        assert_eq!(header.get(0), Some("id"));
        let records: Vec<_> = reader.records().map(|r| r.expect("record")).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].get(7), Some("We, \"the people\"\nsaid so"));
        assert_eq!(records[0].get(8), Some(""));
        assert_eq!(records[0].get(9), Some("false"));
    }

    #[test]
    fn empty_csv_exports_still_have_a_header() {
        let mut encoder = Encoder::new(Format::Csv, Dataset::People.columns()).expect("encoder");
        let out = encoder.finish().expect("finished");
        assert!(out.starts_with(b"id,slug,name,aliases,"));
    }

    #[test]
    fn parquet_output_is_framed_by_its_magic() {
        let mut encoder =
            Encoder::new(Format::Parquet, Dataset::Quotes.columns()).expect("encoder");
        let mut out = encoder.rows(&[quote_row()]).expect("encoded");
        out.extend(encoder.finish().expect("finished"));
        assert!(out.starts_with(b"PAR1") && out.ends_with(b"PAR1"));
    }

    #[test]
    fn values_of_the_wrong_type_are_internal_errors() {
        let mut row = quote_row();
        row[4] = json!("one");
        let mut encoder =
            Encoder::new(Format::Parquet, Dataset::Quotes.columns()).expect("encoder");
        let err = encoder.rows(&[row]).expect_err("refused");
        assert_eq!(err.code, crate::error::ErrorCode::Internal);
    }

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(
            NaiveDate::from_ymd_opt(1970, 1, 2).and_then(days_since_epoch),
            Some(1)
        );
    }
}
