//! Integration tests: the real server over HTTP, each test on its own database.

mod bulk;
mod caching;
mod cluster;
mod data;
mod error_policy;
mod export;
mod foundation;
mod gazetteer;
mod ingest;
mod ops;
mod persisted;
mod protection;
mod rate_limits;
mod read_api;
mod support;
mod ui;
mod websocket;
mod writes;
