//! Documentation readers, one per documentation style. A reader knows its style and
//! nothing about Rust: it turns snapshot text into a [`crate::draft::Draft`].

pub mod blueprint;
