//! news-archive: a GraphQL archive of press articles and of the people, organizations
//! and quotes inside them.
//!
//! Layers, from the outside in: [`http`] (actix-web) mounts the [`graphql`] schema,
//! which reads and writes through [`db`] (diesel-async on PostgreSQL). [`ingest`] turns
//! raw text into [`domain`] values with no IO at all. See ARCHITECTURE.md.

pub mod admin;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod documents;
pub mod domain;
pub mod error;
pub mod export;
pub mod graphql;
pub mod http;
pub mod ingest;
pub mod load;
pub mod ratelimit;
pub mod records;
pub mod synth;
pub mod telemetry;
