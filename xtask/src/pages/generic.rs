//! Any other page (Wealthbox's): its text, laid out as a browser shows it (see
//! [`super::text`]), which is the layout the Blueprint reader takes. What the page's
//! markup adds to a plain text extraction: a list nested in a list (a child attribute
//! list) is indented, and the Blueprint reader places indented attributes by that
//! indentation instead of guessing from the operation's JSON example. Whether the text
//! suits the API's reader is checked by `cargo xtask fetch`, which runs the reader on it
//! before writing anything.

use scraper::{Html, Selector};

use super::text::inner_text;
use super::{PageError, Reading};

/// Reads a page as text.
pub fn read(html: &str, origin: &str) -> Result<Reading, PageError> {
    let doc = Html::parse_document(html);
    let body = Selector::parse("body").expect("a valid selector");
    let root = doc.select(&body).next().unwrap_or_else(|| doc.root_element());
    let text = inner_text(root);
    if text.trim().is_empty() {
        return Err(PageError::new(origin, "the page shows no text"));
    }
    let nested = Selector::parse("li ul, li ol").expect("a valid selector");
    let lists = doc.select(&nested).count();
    let mut notes = Vec::new();
    if lists > 0 {
        notes.push(format!(
            "{lists} list(s) nested in a list item: written indented, so the Blueprint reader takes child \
             attributes' nesting from the page instead of from the JSON examples"
        ));
    }
    Ok(Reading { definition: None, text: Some(text), notes })
}
