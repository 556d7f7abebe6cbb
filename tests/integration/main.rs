//! Integration tests: the real server over HTTP, each test on its own database.

mod foundation;
mod protection;
mod support;
