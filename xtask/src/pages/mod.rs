//! Readers of vendors' HTML documentation pages (with `scraper`), one module per page
//! style. A page reader finds what the page carries and hands it over in the forms the
//! rest of the pipeline already takes: the machine-readable definition behind the page
//! (a `serde_json::Value`, for the definition reader) and/or the page's text in the layout
//! of the API's text reader (`snapshot.txt`). It never builds a draft itself.
//!
//! - [`redoc`]: pages built by Redoc (the definition embedded by redoc-cli / Redoc 2 or
//!   Redocly CLI 2 / Redoc 3, a `spec-url` to follow, or, when neither is there, the
//!   operations its pre-rendered markup shows);
//! - [`readme`]: ReadMe reference pages (the OpenAPI definition in each page's
//!   server-side props, merged over pages);
//! - [`generic`]: any other page, as text in the Blueprint reader's layout, keeping the
//!   nesting of attribute lists that a plain text extraction loses.

pub mod generic;
pub mod readme;
pub mod redoc;
pub mod text;

use serde_json::Value;

/// The top-level key (value `page-markup`) that marks a definition rebuilt from a page's
/// markup rather than found in the page.
pub const MARKUP_KEY: &str = "x-crm-clients-from";

/// The page styles, as the overlay's `pages` entries name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// A Redoc page (Nimble's).
    Redoc,
    /// A ReadMe reference page (ActiveCampaign's).
    Readme,
    /// Any other page, read as text in the Blueprint reader's layout (Wealthbox's).
    Generic,
}

impl Style {
    /// The name the overlay uses.
    pub fn name(self) -> &'static str {
        match self {
            Style::Redoc => "redoc",
            Style::Readme => "readme",
            Style::Generic => "generic",
        }
    }
}

/// A page that cannot be read, naming where it came from (a URL or a file).
#[derive(Debug, Clone, PartialEq)]
pub struct PageError {
    /// The page's URL or file.
    pub origin: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for PageError {}

impl PageError {
    /// An error about the page at `origin`.
    pub fn new(origin: &str, message: impl Into<String>) -> PageError {
        PageError { origin: origin.to_string(), message: message.into() }
    }
}

/// Where a page's definition is.
#[derive(Debug, Clone, PartialEq)]
pub enum DefinitionFound {
    /// Embedded in the page: the document, and where in the page it was.
    Embedded {
        /// The OpenAPI document.
        document: Value,
        /// Where it was (`<script>: const __redoc_state = …; .spec.data`).
        location: String,
    },
    /// Rebuilt from what the page's markup shows (no definition in the page): only the
    /// facts the markup states, marked by [`MARKUP_KEY`].
    FromMarkup(Value),
    /// The page names the URL it loads its definition from (`<redoc spec-url>`),
    /// resolved against the page's URL when relative.
    Linked(String),
}

/// What one page gives.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// The definition behind the page, when it carries or names one.
    pub definition: Option<DefinitionFound>,
    /// The page's text in the layout of the API's text reader, when the style gives one.
    pub text: Option<String>,
    /// What the reader could not read, or what it recovered beyond the text, one line
    /// each, for the fetch report.
    pub notes: Vec<String>,
}

/// Reads `html` (from `origin`, a URL or a file) as a page of `style`.
pub fn read(style: Style, html: &str, origin: &str) -> Result<Reading, PageError> {
    if html.trim().is_empty() {
        return Err(PageError::new(origin, "the page is empty"));
    }
    match style {
        Style::Redoc => redoc::read(html, origin),
        Style::Readme => readme::read(html, origin),
        Style::Generic => generic::read(html, origin),
    }
}

/// Parses the JSON value that starts at the first non-blank character of `text` and
/// returns it with the number of bytes it took (what follows, like the `;` of a script
/// statement, is the caller's). Errors say where the JSON broke, by line and column of
/// `text`, and say when it simply ends too early (a truncated page).
pub(crate) fn json_prefix(text: &str) -> Result<(Value, usize), String> {
    let start = text.len() - text.trim_start().len();
    let mut stream = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    match stream.next() {
        Some(Ok(value)) => Ok((value, start + stream.byte_offset())),
        Some(Err(e)) if e.is_eof() => Err(format!("the embedded JSON ends before it closes (truncated page?): {e}")),
        Some(Err(e)) => Err(format!("the embedded JSON is not valid: {e}")),
        None => Err("no JSON value where the definition should start".into()),
    }
}

/// Checks that `value` looks like an OpenAPI (or Swagger) document: an object with an
/// `openapi`/`swagger` version and `paths`.
pub(crate) fn check_openapi(value: &Value, origin: &str, location: &str) -> Result<(), PageError> {
    let Some(object) = value.as_object() else {
        return Err(PageError::new(origin, format!("{location} is not a JSON object, so not an OpenAPI definition")));
    };
    if !object.contains_key("openapi") && !object.contains_key("swagger") {
        return Err(PageError::new(origin, format!("{location} has no `openapi` version: not an OpenAPI definition")));
    }
    if !object.get("paths").is_some_and(Value::is_object) {
        return Err(PageError::new(origin, format!("{location} has no `paths` object")));
    }
    Ok(())
}

/// Merges the definitions of several pages into one: operations (`paths.P.M`) and
/// components (`components.K.N`) are united; the same one given twice must be the same
/// (else an error naming both pages and the JSON pointer); other top-level keys
/// (`info`, `servers`, ...) come from the first page that has them, and a later page
/// that differs is noted. `definitions` are (origin, document) in page order.
pub fn merge_definitions(definitions: &[(String, Value)]) -> Result<(Value, Vec<String>), PageError> {
    let mut merged = serde_json::Map::new();
    let mut first_origin: std::collections::BTreeMap<String, &str> = Default::default();
    let mut notes = Vec::new();
    for (origin, document) in definitions {
        let Some(object) = document.as_object() else {
            return Err(PageError::new(origin, "the definition is not a JSON object"));
        };
        for (key, value) in object {
            match key.as_str() {
                "paths" | "components" => {
                    let slot = merged.entry(key.clone()).or_insert_with(|| Value::Object(Default::default()));
                    for (group, members) in value.as_object().into_iter().flatten() {
                        let pointer = format!("/{key}/{}", pointer_token(group));
                        let target = slot
                            .as_object_mut()
                            .expect("paths and components are objects here")
                            .entry(group.clone())
                            .or_insert_with(|| Value::Object(Default::default()));
                        let (Some(target), Some(members)) = (target.as_object_mut(), members.as_object()) else {
                            return Err(PageError::new(origin, format!("`{pointer}` is not an object")));
                        };
                        for (name, member) in members {
                            let pointer = format!("{pointer}/{}", pointer_token(name));
                            match target.get(name) {
                                None => {
                                    target.insert(name.clone(), member.clone());
                                    first_origin.insert(pointer, origin);
                                }
                                Some(existing) if existing == member => {}
                                Some(_) => {
                                    let first = first_origin.get(&pointer).copied().unwrap_or("an earlier page");
                                    return Err(PageError::new(
                                        origin,
                                        format!("its definition gives `{pointer}` differently from {first}'s; the pages disagree"),
                                    ));
                                }
                            }
                        }
                    }
                }
                _ => match merged.get(key) {
                    None => {
                        merged.insert(key.clone(), value.clone());
                        first_origin.insert(key.clone(), origin);
                    }
                    Some(existing) if existing == value => {}
                    Some(_) => notes.push(format!(
                        "{origin}: its `{key}` differs from {}'s; the first is kept",
                        first_origin.get(key).copied().unwrap_or("an earlier page")
                    )),
                },
            }
        }
    }
    Ok((Value::Object(merged), notes))
}

/// A JSON pointer token (RFC 6901): `~` as `~0`, `/` as `~1`.
pub(crate) fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_prefix_stops_after_the_value() {
        let text = "  {\"a\": [1, 2]};\n  var x = 1;";
        let (value, used) = json_prefix(text).unwrap();
        assert_eq!(value, serde_json::json!({"a": [1, 2]}));
        assert!(text[used..].starts_with(';'));
    }

    #[test]
    fn definitions_merge_by_operation_and_component() {
        let a = serde_json::json!({"openapi": "3.0.0", "info": {"title": "A"}, "paths": {"/deals": {"get": {"summary": "list"}}},
            "components": {"schemas": {"Deal": {"type": "object"}}}});
        let b = serde_json::json!({"openapi": "3.0.0", "info": {"title": "B"}, "paths": {"/deals": {"post": {"summary": "create"}}},
            "components": {"schemas": {"Deal": {"type": "object"}, "New": {"type": "string"}}}});
        let (merged, notes) = merge_definitions(&[("a".into(), a.clone()), ("b".into(), b)]).unwrap();
        assert_eq!(merged["paths"]["/deals"].as_object().unwrap().keys().collect::<Vec<_>>(), ["get", "post"]);
        assert_eq!(merged["components"]["schemas"].as_object().unwrap().len(), 2);
        assert_eq!(merged["info"]["title"], "A");
        assert_eq!(notes, ["b: its `info` differs from a's; the first is kept"]);
        let c = serde_json::json!({"paths": {"/deals": {"get": {"summary": "other"}}}});
        let err = merge_definitions(&[("a".into(), a), ("c".into(), c)]).unwrap_err();
        assert_eq!(err.origin, "c");
        assert!(err.message.contains("`/paths/~1deals/get`") && err.message.contains("from a's"), "{}", err.message);
    }

    #[test]
    fn json_prefix_says_truncated_or_invalid() {
        assert!(json_prefix("{\"a\": [1, 2").unwrap_err().contains("truncated"));
        let err = json_prefix("{\"a\": nope}").unwrap_err();
        assert!(err.contains("not valid") && err.contains("column"), "{err}");
    }
}
