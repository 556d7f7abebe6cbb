//! Integration tests: the real server over HTTP, each test on its own database.

mod data;
mod export;
mod foundation;
mod ingest;
mod protection;
mod read_api;
mod support;
mod websocket;
mod writes;
