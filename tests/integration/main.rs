//! Integration tests: the real server over HTTP, each test on its own database.

mod foundation;
mod support;
