//! The read API over a seeded archive.
