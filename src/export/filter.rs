//! An export's filter, from command-line flags or URL parameters, read as the API reads
//! its `filter` argument.
//!
//! Each parameter is a top-level field of the GraphQL filter (`publishedFrom=2022-01-01`,
//! `speaker=Xi`), and `filter` takes a whole filter as JSON (for `and` / `or` / `not` and
//! the `articles` of a quote filter). They are merged into one JSON object and coerced by
//! async-graphql into the API's own input types ([`ArticleFilterInput`],
//! [`QuoteFilterInput`]), then translated as the API translates them: an export and a
//! query with the same filter select the same rows, and are refused for the same reasons.

use async_graphql::InputType;
use serde_json::{Map, Value};

use crate::db::export::{Dataset, Rows};
use crate::error::{AppError, AppResult};
use crate::graphql::filter::{ArticleFilterInput, QuoteFilterInput};

/// The parameter that carries a whole filter as JSON.
pub const FILTER_PARAM: &str = "filter";

/// The rows of `dataset` selected by `params` (name and value pairs, in order).
///
/// `quotes` takes the fields of `QuoteFilter`; the other datasets take those of
/// `ArticleFilter`: articles matching it, mentions in those articles, and the people or
/// organizations mentioned in them (all of them when no filter is given).
pub fn rows(dataset: Dataset, params: &[(String, String)]) -> AppResult<Rows> {
    let filter = merge(params)?;
    let given = !filter.is_empty();
    if dataset == Dataset::Quotes {
        let input: QuoteFilterInput = coerce(filter)?;
        return Ok(Rows::Quotes(input.to_db()?));
    }
    let filter = if given {
        Some(coerce::<ArticleFilterInput>(filter)?.to_db()?)
    } else {
        None
    };
    Ok(match dataset {
        Dataset::People => Rows::People(filter),
        Dataset::Organizations => Rows::Organizations(filter),
        Dataset::Mentions => Rows::Mentions(filter.unwrap_or_default()),
        Dataset::Articles | Dataset::Quotes => Rows::Articles(filter.unwrap_or_default()),
    })
}

/// The parameters as one JSON filter object.
fn merge(params: &[(String, String)]) -> AppResult<Map<String, Value>> {
    let mut filter = Map::new();
    let mut from_json = Map::new();
    for (name, value) in params {
        if name == FILTER_PARAM {
            if !from_json.is_empty() {
                return Err(AppError::bad_input("`filter` is given twice"));
            }
            from_json = match serde_json::from_str(value) {
                Ok(Value::Object(object)) => object,
                Ok(_) => return Err(AppError::bad_input("`filter` must be a JSON object")),
                Err(e) => return Err(AppError::bad_input(format!("`filter` is not JSON: {e}"))),
            };
            continue;
        }
        // Booleans are the one non-string scalar of the filters (`unnamed`).
        let value = match value.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(value.clone()),
        };
        if filter.insert(name.clone(), value).is_some() {
            return Err(AppError::bad_input(format!("`{name}` is given twice")));
        }
    }
    for (name, value) in from_json {
        if filter.contains_key(&name) {
            return Err(AppError::bad_input(format!(
                "`{name}` is given both on its own and in `filter`"
            )));
        }
        filter.insert(name, value);
    }
    // As in the API (`limits::check_request_strings`): no string may hold a NUL (the
    // JSON of `filter` can carry one as `\u0000`).
    let mut stack: Vec<(&String, &Value)> = filter.iter().collect();
    while let Some((name, value)) = stack.pop() {
        let nul = name.contains('\0')
            || match value {
                Value::String(s) => s.contains('\0'),
                Value::Array(items) => {
                    stack.extend(items.iter().map(|v| (name, v)));
                    false
                }
                Value::Object(fields) => {
                    stack.extend(fields.iter());
                    false
                }
                _ => false,
            };
        if nul {
            return Err(AppError::bad_input(
                "strings must not contain NUL characters (U+0000)",
            ));
        }
    }
    Ok(filter)
}

/// The filter coerced into the API's input type, with the API's error messages.
fn coerce<T: InputType>(filter: Map<String, Value>) -> AppResult<T> {
    let names: Vec<String> = filter.keys().cloned().collect();
    let value = async_graphql::Value::from_json(Value::Object(filter))
        .map_err(|e| AppError::bad_input(format!("the filter is not valid: {e}")))?;
    let input = T::parse(Some(value)).map_err(|e| {
        AppError::bad_input(e.into_server_error(async_graphql::Pos::default()).message)
    })?;
    // Coercion skips fields the type does not have; the API's validation refuses them.
    if let async_graphql::Value::Object(known) = input.to_value()
        && let Some(unknown) = names
            .iter()
            .find(|n| !known.contains_key(&async_graphql::Name::new(n.as_str())))
    {
        return Err(AppError::bad_input(format!(
            "`{unknown}` is not a field of {}",
            T::type_name()
        )));
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn parameters_and_json_merge_into_the_api_filter() {
        let rows = rows(
            Dataset::Articles,
            &params(&[
                ("publishedFrom", "2022-01-01"),
                (
                    "filter",
                    r#"{"kind": "SUMMARY", "or": [{"dateline": "Tokyo"}]}"#,
                ),
            ]),
        )
        .expect("valid");
        let Rows::Articles(filter) = rows else {
            panic!("articles expected")
        };
        assert_eq!(
            filter.published_from,
            chrono::NaiveDate::from_ymd_opt(2022, 1, 1)
        );
        assert_eq!(filter.kind.as_deref(), Some("SUMMARY"));
        assert_eq!(filter.or.len(), 1);
    }

    #[test]
    fn quote_filters_take_booleans_and_nested_article_filters() {
        let rows = rows(
            Dataset::Quotes,
            &params(&[
                ("unnamed", "false"),
                ("filter", r#"{"articles": {"section": "INTERNATIONAL"}}"#),
            ]),
        )
        .expect("valid");
        let Rows::Quotes(filter) = rows else {
            panic!("quotes expected")
        };
        assert_eq!(filter.unnamed, Some(false));
        assert_eq!(
            filter.articles.and_then(|a| a.section).as_deref(),
            Some("INTERNATIONAL")
        );
    }

    #[test]
    fn entities_without_a_filter_are_all_of_them() {
        assert!(matches!(
            rows(Dataset::People, &[]).expect("valid"),
            Rows::People(None)
        ));
        assert!(matches!(
            rows(Dataset::Organizations, &params(&[("search", "Taiwan")])).expect("valid"),
            Rows::Organizations(Some(_))
        ));
    }

    #[test]
    fn unknown_fields_bad_values_and_repeats_are_user_errors() {
        for bad in [
            params(&[("speaker", "Xi")]),
            params(&[("publishedFrom", "yesterday")]),
            params(&[("kind", "POEM")]),
            params(&[("tag", "a"), ("tag", "b")]),
            params(&[("tag", "a"), ("filter", r#"{"tag": "b"}"#)]),
            params(&[("filter", "[1]")]),
            params(&[("search", &"word ".repeat(20))]),
        ] {
            let err = rows(Dataset::Articles, &bad).expect_err("refused");
            assert_eq!(
                err.code,
                crate::error::ErrorCode::BadUserInput,
                "{bad:?}: {}",
                err.message
            );
        }
    }
}
