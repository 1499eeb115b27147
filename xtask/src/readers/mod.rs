//! Documentation readers, one per documentation style. A reader knows its style and
//! nothing about Rust: it turns snapshot text into a [`crate::draft::Draft`].

pub mod blueprint;
pub mod openapi_text;
pub mod redoc_text;

/// A document a reader cannot read at all.
#[derive(Debug)]
pub struct ReadError(pub String);

/// Reads `text` with the reader the overlay names (`snapshot` names the file in errors).
pub fn read_snapshot(reader: &str, text: &str, api: &str, snapshot: &str) -> Result<crate::draft::Draft, ReadError> {
    match reader {
        "blueprint" => blueprint::read(text, api, snapshot),
        "openapi_text" => openapi_text::read(text, api, snapshot),
        "redoc_text" => redoc_text::read(text, api, snapshot),
        other => Err(ReadError(format!("unknown reader `{other}` (known: blueprint, openapi_text, redoc_text)"))),
    }
}
