//! The `NaiveDate` scalar of the API: chrono's calendar date, held to the years an
//! archive of press articles can hold (0001 to 9999). chrono alone accepts years from
//! -262144, and PostgreSQL refuses dates before 4713 BC, so a date like `-5000-01-01`
//! used to pass the schema and fail in the database as an internal error; here it is
//! refused where every date enters, as `BAD_USER_INPUT`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{Datelike, NaiveDate};

/// The earliest and latest years a date may have.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// A calendar date in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Parses `YYYY-MM-DD` with a year from 0001 to 9999.
    pub fn parse_str(s: &str) -> Result<Self, String> {
        let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|e| format!("{s:?} is not a date (YYYY-MM-DD): {e}"))?;
        if !YEARS.contains(&date.year()) {
            return Err(format!(
                "{s:?} is out of range: dates are between 0001-01-01 and 9999-12-31"
            ));
        }
        Ok(Self(date))
    }
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Self {
        Self(date)
    }
}

/// ISO 8601 calendar date without timezone, between `0001-01-01` and `9999-12-31`.
/// Format: %Y-%m-%d
///
/// # Examples
///
/// * `1994-11-13`
/// * `2000-02-24`
#[Scalar(name = "NaiveDate")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Self::parse_str(s).map_err(InputValueError::custom),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_archive_years_are_refused() {
        assert_eq!(
            Date::parse_str("2022-02-28").map(|d| d.0),
            Ok(NaiveDate::from_ymd_opt(2022, 2, 28).expect("valid"))
        );
        assert!(Date::parse_str("0001-01-01").is_ok());
        assert!(Date::parse_str("9999-12-31").is_ok());
        for bad in [
            "-5000-01-01",
            "0000-12-31",
            "+10000-01-01",
            "2022-02-30",
            "x",
        ] {
            assert!(Date::parse_str(bad).is_err(), "{bad} accepted");
        }
    }
}
