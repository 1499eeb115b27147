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
    /// The overlay names a reader that does not exist.
    #[error("unknown reader `{name}` (known: {})", STYLES.join(", "))]
    UnknownReader {
        /// The name the overlay gives.
        name: String,
    },
}

/// The documentation styles a snapshot can be read in, by the overlay's word for them.
pub const STYLES: &[&str] = &["blueprint", "openapi_text", "redoc_text"];

/// A reader: snapshot text, the API's name and the snapshot's file name (for errors) in,
/// the draft out.
pub type Reader = fn(&str, &str, &str) -> Result<crate::draft::Draft, ReadError>;

/// The reader of a style (one of [`STYLES`]).
pub fn reader(style: &str) -> Option<Reader> {
    match style {
        "blueprint" => Some(blueprint::read),
        "openapi_text" => Some(openapi_text::read),
        "redoc_text" => Some(redoc_text::read),
        _ => None,
    }
}

/// Reads `text` with the reader of `style` (`snapshot` names the file in errors).
pub fn read_snapshot(style: &str, text: &str, api: &str, snapshot: &str) -> Result<crate::draft::Draft, ReadError> {
    let read = reader(style).ok_or_else(|| ReadError::UnknownReader { name: style.to_string() })?;
    read(text, api, snapshot)
}
