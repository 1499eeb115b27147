//! Documentation readers, one per documentation style. A reader knows its style and
//! nothing about Rust: it turns snapshot text into a [`crate::draft::Draft`].

pub mod blueprint;
pub mod definition;
pub mod openapi_text;
pub mod redoc_text;

/// A document a reader cannot read at all (what it can read in part gives gaps).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing in the document has the layout of the reader's style.
    #[error("no operation found: {expected}")]
    NoOperations {
        /// What the reader looked for, and which style it reads.
        expected: String,
    },
}
