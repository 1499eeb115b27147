//! Documentation readers, one per documentation style. A reader knows its style and
//! nothing about Rust: it turns snapshot text into a [`crate::draft::Draft`].

pub mod blueprint;
pub mod definition;
pub mod openapi_text;
pub mod redoc_text;

/// A document a reader cannot read at all.
#[derive(Debug)]
pub struct ReadError(pub String);
