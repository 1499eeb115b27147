//! The one place that reads and writes YAML. serde_yaml is deprecated upstream: to move
//! to a maintained fork, change the `use` below (and the dependency), nothing else.
//!
//! Reading refuses a mapping that has a key twice (a hand-kept file where the last value
//! would silently win), and [`line_of`] finds where a node of a document starts, so
//! errors found after reading can name the line.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml as backend;

/// A YAML text that could not be read, with the line and column when known.
#[derive(Debug)]
pub struct YamlError {
    /// 1-based line of the problem, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column of the problem, when the parser knows it.
    pub column: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for YamlError {}

impl From<backend::Error> for YamlError {
    fn from(e: backend::Error) -> Self {
        let location = e.location();
        let mut message = e.to_string();
        // The backend appends the location; it is said once, first.
        if let Some(l) = &location {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            if let Some(stripped) = message.strip_suffix(&suffix) {
                message = stripped.to_string();
            }
        }
        YamlError { line: location.as_ref().map(|l| l.line()), column: location.as_ref().map(|l| l.column()), message }
    }
}

/// Parses YAML text into `T`. A mapping with a key written twice is an error.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    // The backend's own values refuse duplicate keys, at every depth, with their line.
    backend::from_str::<backend::Value>(text)?;
    Ok(backend::from_str(text)?)
}

/// [`from_str`] for a self-describing `T` (`serde_json::Value`), from one parse of the text
/// instead of two: the backend's value, which refuses duplicate keys, is turned into `T`.
/// Only for a `T` read through `deserialize_any` alone, which the backend's values answer
/// as its text does (a typed `T` is not: a value takes `null` for an empty list).
pub fn untyped_from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let value = backend::from_str::<backend::Value>(text)?;
    // A key that is not a string in the value (`200:`) is one in the text: read it there.
    backend::from_value(value).or_else(|_| Ok(backend::from_str(text)?))
}

/// A step down into a YAML document: a mapping's key, or a sequence's item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The value under a key of a mapping.
    Key(String),
    /// An item of a sequence (0-based).
    Index(usize),
}

/// The 1-based line where the node at `path` starts: for a path ending in a key, the
/// line of the key; for one ending in an index, the line of the item. `None` when the
/// document has no such node (or does not parse).
pub fn line_of(text: &str, path: &[Step]) -> Option<usize> {
    // The backend knows positions only in its errors: walk down to the node and fail
    // there, on purpose.
    match Find(path).deserialize(backend::Deserializer::from_str(text)) {
        Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| l.line()),
        _ => None,
    }
}

const FOUND: &str = "(node found)";

/// Walks down `path`; fails with [`FOUND`] inside the node it leads to.
struct Find<'a>(&'a [Step]);

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.0.split_first() {
            None => d.deserialize_any(Fail),
            Some((Step::Key(key), rest)) => d.deserialize_map(InMap { key, rest }),
            Some((Step::Index(index), rest)) => d.deserialize_seq(InSeq { index: *index, rest }),
        }
    }
}

/// Fails on any node, inside it (so that the error carries the node's position).
struct Fail;

impl<'de> Visitor<'de> for Fail {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(FOUND)
    }
}

/// Fails inside the key `0` when it is met.
struct KeyIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v == self.0 {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

struct InMap<'a> {
    key: &'a str,
    rest: &'a [Step],
}

impl<'de> Visitor<'de> for InMap<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        loop {
            if self.rest.is_empty() {
                if map.next_key_seed(KeyIs(self.key))?.is_none() {
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            } else {
                match map.next_key::<String>()? {
                    None => return Ok(()),
                    Some(k) if k == self.key => return map.next_value_seed(Find(self.rest)),
                    Some(_) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
        }
    }
}

struct InSeq<'a> {
    index: usize,
    rest: &'a [Step],
}

impl<'de> Visitor<'de> for InSeq<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for _ in 0..self.index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        seq.next_element_seed(Find(self.rest)).map(|_| ())
    }
}

/// Writes `value` as YAML text.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    backend::to_string(value).map_err(|e| YamlError { line: None, column: None, message: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# a comment\napi:\n  name: demo\n  rate_limit:\n    requests: 1\nlists:\n  - operation: a\n    items: x\n\n  - operation: b\n    items: y\n";

    #[test]
    fn nodes_are_found_by_their_path() {
        let key = |k: &str| Step::Key(k.into());
        assert_eq!(line_of(TEXT, &[key("api")]), Some(2));
        assert_eq!(line_of(TEXT, &[key("api"), key("rate_limit")]), Some(4));
        assert_eq!(line_of(TEXT, &[key("lists"), Step::Index(0)]), Some(7));
        assert_eq!(line_of(TEXT, &[key("lists"), Step::Index(1)]), Some(10));
        assert_eq!(line_of(TEXT, &[key("lists"), Step::Index(2)]), None);
        assert_eq!(line_of(TEXT, &[key("nothing")]), None);
        assert_eq!(line_of(TEXT, &[key("api"), Step::Index(0)]), None);
    }

    #[test]
    fn a_key_written_twice_is_an_error_naming_its_line() {
        let text = "lists:\n  - operation: a\n    items: x\n    operation: b\n";
        let err = from_str::<serde_yaml::Value>(text).unwrap_err();
        assert!(err.message.contains("duplicate entry") && err.message.contains("operation"), "{err}");
        assert_eq!(err.line, Some(2));
        // Typed reading refuses it too, not only untyped values.
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct File {
            lists: Vec<std::collections::BTreeMap<String, String>>,
        }
        assert!(from_str::<File>(text).is_err());
    }
}
