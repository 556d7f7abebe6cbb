//! The error policy.
//!
//! - The CLI and start-up use `anyhow` and print one clear line.
//! - `ingest` and `db` return typed errors ([`crate::ingest::ParseError`],
//!   [`diesel::result::Error`]).
//! - At the GraphQL boundary every error is an [`AppError`], which becomes a GraphQL
//!   error with a stable `extensions.code` (see [`ErrorCode`]). Details of internal
//!   failures (SQL, paths, driver messages) go to the log with the request id; the client
//!   sees only the code and a generic message.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any
//! `Display` type into an error without a code, and we want the compiler to route every
//! `?` in a resolver through [`From<AppError> for async_graphql::Error`].

use async_graphql::ErrorExtensions;

/// The stable codes clients can branch on (`extensions.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request is malformed or an argument is invalid.
    BadUserInput,
    /// The thing asked for does not exist.
    NotFound,
    /// No valid API key where one is needed.
    Unauthenticated,
    /// The key's role does not allow this.
    Forbidden,
    /// Over a depth, cost, alias, field or batch limit.
    QueryTooComplex,
    /// The request took longer than the statement timeout.
    Timeout,
    /// The database did not answer in time or could not be reached; retry later.
    ServiceUnavailable,
    /// Something failed on our side; details are in the log.
    Internal,
}

impl ErrorCode {
    /// The code as sent in `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::Timeout => "TIMEOUT",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL",
        }
    }
}

/// An error that reaches a client.
#[derive(Debug, Clone)]
pub struct AppError {
    /// What the client can branch on.
    pub code: ErrorCode,
    /// What the client is told.
    pub message: String,
}

impl AppError {
    /// An invalid argument or input.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::BadUserInput,
            message: message.into(),
        }
    }

    /// Something that does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::NotFound,
            message: message.into(),
        }
    }

    /// Over a limit.
    pub fn too_complex(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::QueryTooComplex,
            message: message.into(),
        }
    }

    /// A missing, unknown or revoked key.
    pub fn unauthenticated() -> Self {
        Self {
            code: ErrorCode::Unauthenticated,
            message: "a valid API key is required (Authorization: Bearer ...)".into(),
        }
    }

    /// A key whose role does not allow the operation.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Forbidden,
            message: message.into(),
        }
    }

    /// The database is unreachable or did not answer within the deadline.
    pub fn unavailable() -> Self {
        Self {
            code: ErrorCode::ServiceUnavailable,
            message: "the database is not answering; try again shortly".into(),
        }
    }

    /// An internal failure: logged in full, reported without detail.
    pub fn internal(detail: impl std::fmt::Debug) -> Self {
        tracing::error!(error = ?detail, "internal error");
        Self {
            code: ErrorCode::Internal,
            message: "internal error".into(),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &err {
            Error::NotFound => Self::not_found("not found"),
            // 57014: query_canceled, which is what statement_timeout raises.
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info.message().contains("statement timeout") =>
            {
                tracing::warn!(error = ?err, "statement timeout");
                Self {
                    code: ErrorCode::Timeout,
                    message: "the request took too long and was cancelled".into(),
                }
            }
            // The connection is gone (the server restarted or stopped).
            Error::DatabaseError(
                DatabaseErrorKind::UnableToSendCommand | DatabaseErrorKind::ClosedConnection,
                _,
            ) => {
                tracing::warn!(error = ?err, "database connection lost");
                Self::unavailable()
            }
            _ => Self::internal(err),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        use diesel_async::pooled_connection::PoolError as Manager;
        use diesel_async::pooled_connection::deadpool::PoolError;
        match err {
            // No free connection in time, or no new one could be opened in time or at all.
            PoolError::Timeout(_) | PoolError::Backend(Manager::ConnectionError(_)) => {
                tracing::warn!(error = ?err, "no database connection");
                Self::unavailable()
            }
            _ => Self::internal(err),
        }
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        async_graphql::Error::new(err.message).extend_with(|_, e| e.set("code", err.code.as_str()))
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.message.clone())
            .extend_with(|_, e| e.set("code", self.code.as_str()))
    }
}

/// Result of resolvers and database helpers.
pub type AppResult<T> = Result<T, AppError>;
