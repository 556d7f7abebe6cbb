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
//! One code is one type of failure, decided where the failure is typed: an [`AppError`] is
//! built with its code, async-graphql's own errors (parse, validation, argument coercion)
//! are all `BAD_USER_INPUT`, and a request refused before it runs answers with the HTTP
//! status of its code ([`ErrorCode::http_status`]), whichever transport or check refused
//! it. No code is chosen by reading an error's message, with one exception: diesel hides
//! PostgreSQL's SQLSTATE behind a message, so a statement cancelled by
//! `statement_timeout` ([`is_statement_timeout`]) and a server that ends the session
//! because it shuts down, restarts or recovers ([`is_server_going_away`]) are recognised
//! there, in this file only.
//! Input PostgreSQL would refuse (NUL characters in text, dates outside its range) is
//! refused as `BAD_USER_INPUT` before any statement is built.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any
//! `Display` type into an error without a code, and we want the compiler to route every
//! `?` in a resolver through [`From<AppError> for async_graphql::Error`].

use async_graphql::ErrorExtensions;

/// The stable codes clients can branch on (`extensions.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The HTTP request is not a GraphQL request (unreadable body, missing `query`).
    BadRequest,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// The body is over `MAX_BODY_BYTES`.
    PayloadTooLarge,
    /// A mutation sent with GET.
    MethodNotAllowed,
    /// A persisted query's hash the server does not know (the client sends the text).
    PersistedQueryNotFound,
    /// An argument or input value is invalid.
    BadUserInput,
    /// The thing asked for does not exist.
    NotFound,
    /// No valid API key where one is needed.
    Unauthenticated,
    /// The key's role does not allow this.
    Forbidden,
    /// Over a depth, cost, alias, field or batch limit.
    QueryTooComplex,
    /// The caller spent its query cost budget for now (see `Retry-After`).
    RateLimited,
    /// The request took longer than the statement timeout.
    Timeout,
    /// The database did not answer in time or could not be reached; retry later.
    ServiceUnavailable,
    /// The server runs as many requests of this kind (exports) as it allows at once;
    /// retry after `Retry-After` seconds.
    ServerBusy,
    /// Something failed on our side; details are in the log.
    Internal,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [Self; 15] = [
        Self::BadRequest,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::MethodNotAllowed,
        Self::PersistedQueryNotFound,
        Self::BadUserInput,
        Self::NotFound,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::QueryTooComplex,
        Self::RateLimited,
        Self::Timeout,
        Self::ServiceUnavailable,
        Self::ServerBusy,
        Self::Internal,
    ];

    /// The code sent as `code` in `extensions` (the inverse of [`ErrorCode::as_str`]):
    /// how an error that went through async-graphql, which keeps only the extensions, is
    /// typed again.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }

    /// The code as sent in `extensions.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "BAD_REQUEST",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::QueryTooComplex => "QUERY_TOO_COMPLEX",
            Self::RateLimited => "RATE_LIMITED",
            Self::Timeout => "TIMEOUT",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::ServerBusy => "SERVER_BUSY",
            Self::Internal => "INTERNAL",
        }
    }

    /// The HTTP status of a request refused with this code before it ran, the same on
    /// every route (a request that ran answers 200 with its errors beside its data).
    /// Apollo clients expect `PERSISTED_QUERY_NOT_FOUND` with 200.
    pub fn http_status(self) -> u16 {
        match self {
            Self::PersistedQueryNotFound => 200,
            Self::BadRequest | Self::BadUserInput | Self::QueryTooComplex => 400,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::ServiceUnavailable | Self::ServerBusy => 503,
            Self::Timeout => 504,
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
    /// An error with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

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
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if is_statement_timeout(&**info) =>
            {
                tracing::warn!(error = ?err, "statement timeout");
                Self {
                    code: ErrorCode::Timeout,
                    message: "the request took too long and was cancelled".into(),
                }
            }
            // The connection is gone (the server restarted or stopped), or the server
            // ends it because it shuts down or restarts.
            Error::DatabaseError(
                DatabaseErrorKind::UnableToSendCommand | DatabaseErrorKind::ClosedConnection,
                _,
            ) => {
                tracing::warn!(error = ?err, "database connection lost");
                Self::unavailable()
            }
            Error::DatabaseError(_, info) if is_server_going_away(&**info) => {
                tracing::warn!(error = ?err, "database connection lost");
                Self::unavailable()
            }
            _ => Self::internal(err),
        }
    }
}

/// Whether PostgreSQL ended the session because the server shuts down, restarts or
/// recovers (SQLSTATE 57P01 `admin_shutdown`, 57P02 `crash_shutdown`, 57P03
/// `cannot_connect_now`; diesel exposes only their messages). A request that meets one
/// met an unavailable database, not a bug of ours.
fn is_server_going_away(info: &dyn diesel::result::DatabaseErrorInformation) -> bool {
    const MESSAGES: &[&str] = &[
        "terminating connection due to administrator command",
        "terminating connection because of crash of another server process",
        "the database system is shutting down",
        "the database system is starting up",
        "the database system is in recovery mode",
        "the database system is not yet accepting connections",
    ];
    let message = info.message();
    MESSAGES.iter().any(|m| message.contains(m))
}

/// Whether PostgreSQL cancelled the statement for `statement_timeout` (SQLSTATE 57014,
/// which diesel does not expose: its message is all there is).
fn is_statement_timeout(info: &dyn diesel::result::DatabaseErrorInformation) -> bool {
    info.message().contains("statement timeout")
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

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn every_code_reads_back_from_its_text() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
        }
        assert_eq!(
            ErrorCode::from_code("SERVER_BUSY"),
            Some(ErrorCode::ServerBusy)
        );
        assert_eq!(ErrorCode::from_code("bad_user_input"), None);
        assert_eq!(ErrorCode::from_code(""), None);
    }
}
