//! Operation path templates (`/v1/contacts/{id}/notes`): the one parser of `{name}`
//! placeholders, and the one type every stage holds a path in. A reader parses its
//! document's path text into a [`PathTemplate`] (or leaves the text to normalization,
//! which parses it once into the IR); validation, the overlay, the emitter and the diff
//! read its parts, never the text.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A path relative to the base URL: literal text and `{name}` placeholders.
///
/// Written as text (`/v1/contacts/{id}`) in the spec; parsing refuses a path that does
/// not start with `/`, holds whitespace, `?` or `#`, or whose braces do not pair into
/// non-empty names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PathTemplate {
    /// The text, as written.
    text: String,
    /// The text cut into literal runs and placeholders, in order; no two literals in a
    /// row, no empty literal.
    parts: Vec<Part>,
}

/// One piece of a [`PathTemplate`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// Text sent as it is (`/v1/contacts/`).
    Literal(String),
    /// A placeholder's name (`id` of `{id}`), filled with a path parameter.
    Placeholder(String),
}

/// Why a text is not a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// The text.
    pub path: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a path template: {}", self.path, self.reason)
    }
}

impl std::error::Error for PathError {}

impl PathTemplate {
    /// Parses a path template.
    pub fn parse(text: &str) -> Result<PathTemplate, PathError> {
        let fail = |reason| Err(PathError { path: text.to_string(), reason });
        if !text.starts_with('/') {
            return fail("it does not start with `/`");
        }
        if text.chars().any(|c| c.is_whitespace() || c == '?' || c == '#') {
            return fail("it holds whitespace, `?` or `#`");
        }
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return fail("a `}` closes no placeholder");
            }
            let Some(len) = rest[open + 1..].find(['{', '}']) else { return fail("a `{` is never closed") };
            let name = &rest[open + 1..open + 1 + len];
            if rest[open + 1 + len..].starts_with('{') {
                return fail("a `{` opens inside a placeholder");
            }
            if name.is_empty() || name.contains('/') {
                return fail("a placeholder's name is empty or holds `/`");
            }
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            parts.push(Part::Placeholder(name.to_string()));
            rest = &rest[open + len + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(PathTemplate { text: text.to_string(), parts })
    }

    /// The text, as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Literal runs and placeholders, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Names of the placeholders, in order (a name written twice comes twice).
    pub fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Whether `{name}` is one of the placeholders.
    pub fn has_placeholder(&self, name: &str) -> bool {
        self.placeholders().any(|p| p == name)
    }

    /// The `/`-separated segments that hold no placeholder (`v1`, `contacts` of
    /// `/v1/contacts/{id}`), in order.
    pub fn literal_segments(&self) -> impl Iterator<Item = &str> {
        self.text.split('/').filter(|s| !s.is_empty() && !s.contains('{'))
    }

    /// The `/`-separated segments, in order: `Some(name)` for a segment that is one whole
    /// placeholder (`{id}`), `None` with the text for any other (`contacts`, `v1`).
    pub fn segments(&self) -> impl Iterator<Item = Segment<'_>> {
        self.text.split('/').filter(|s| !s.is_empty()).map(|s| {
            match s.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).filter(|n| !n.contains(['{', '}'])) {
                Some(name) => Segment::Placeholder(name),
                None => Segment::Literal(s),
            }
        })
    }
}

/// A `/`-separated segment of a path (see [`PathTemplate::segments`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// A segment that is not one whole placeholder.
    Literal(&'a str),
    /// A segment that is one whole placeholder, by its name.
    Placeholder(&'a str),
}

impl fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for PathTemplate {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, PathError> {
        PathTemplate::parse(s)
    }
}

impl Serialize for PathTemplate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for PathTemplate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<Part> {
        PathTemplate::parse(text).unwrap().parts().to_vec()
    }

    #[test]
    fn paths_cut_into_literals_and_placeholders() {
        let lit = |s: &str| Part::Literal(s.into());
        let hole = |s: &str| Part::Placeholder(s.into());
        assert_eq!(parts("/v1/me"), [lit("/v1/me")]);
        assert_eq!(parts("/v1/contacts/{id}"), [lit("/v1/contacts/"), hole("id")]);
        assert_eq!(
            parts("/api/v2/leads/{lead_id}/{pipeline_id}/move"),
            [lit("/api/v2/leads/"), hole("lead_id"), lit("/"), hole("pipeline_id"), lit("/move")]
        );
        assert_eq!(parts("/files/{name}.json"), [lit("/files/"), hole("name"), lit(".json")]);
        let path = PathTemplate::parse("/v1/workflows/{workflow_id}/steps/{id}").unwrap();
        assert_eq!(path.placeholders().collect::<Vec<_>>(), ["workflow_id", "id"]);
        assert_eq!(path.literal_segments().collect::<Vec<_>>(), ["v1", "workflows", "steps"]);
        assert_eq!(path.to_string(), "/v1/workflows/{workflow_id}/steps/{id}");
    }

    #[test]
    fn malformed_paths_are_refused_with_a_reason() {
        for (text, reason) in [
            ("v1/contacts", "start with `/`"),
            ("/v1/contacts/{id", "never closed"),
            ("/v1/contacts/id}", "closes no placeholder"),
            ("/v1/{a{b}}", "inside a placeholder"),
            ("/v1/{}", "empty"),
            ("/v1/contacts?page=1", "`?`"),
            ("/v1/con tacts", "whitespace"),
        ] {
            let err = PathTemplate::parse(text).unwrap_err();
            assert!(err.to_string().contains(reason), "{text}: {err}");
        }
    }
}
