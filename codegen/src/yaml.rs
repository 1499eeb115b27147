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

/// [`from_str`] into JSON's untyped values (the definition reader walks them), from one
/// parse of the text: the text is read straight into a `serde_json::Value`, refusing a key
/// written twice. A document this one pass does not take as is (a key twice, a key that is
/// not a string in YAML, such as `200:`, which stays as written in the text) is read the
/// long way, which says what it says for it: the backend's own value (which names the
/// line of a duplicate key) and then the text again when a key is not a string.
pub fn json_from_str(text: &str) -> Result<serde_json::Value, YamlError> {
    if let Ok(value) = backend::Deserializer::from_str(text).deserialize_any(Json) {
        return Ok(value);
    }
    let value = backend::from_str::<backend::Value>(text)?;
    backend::from_value(value).or_else(|_| Ok(backend::from_str(text)?))
}

/// Builds a `serde_json::Value` from the visits of YAML text, as serde_json's own visitor
/// does, but fails on a key that is not a string or is written twice (then the caller
/// reads the text the long way). Visits it has no arm for fail too.
struct Json;

impl<'de> Visitor<'de> for Json {
    type Value = serde_json::Value;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value with string keys, each once")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // serde_json's own rule: a number JSON cannot hold (NaN, infinity) is null.
        Ok(serde_json::Number::from_f64(v).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(v.into())
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(JsonSeed)? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(StringKey)? {
            let value = map.next_value_seed(JsonSeed)?;
            if object.insert(key, value).is_some() {
                return Err(de::Error::custom("a key written twice"));
            }
        }
        Ok(serde_json::Value::Object(object))
    }
}

/// [`Json`] as a seed, for the items of sequences and mappings.
struct JsonSeed;

impl<'de> DeserializeSeed<'de> for JsonSeed {
    type Value = serde_json::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(Json)
    }
}

/// A mapping's key that is a string in YAML (any other key fails).
struct StringKey;

impl<'de> DeserializeSeed<'de> for StringKey {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringKey {
    type Value = String;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
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

    #[test]
    fn json_values_keep_keys_as_written_and_refuse_a_key_twice() {
        let value = json_from_str("a: 1\nresponses:\n  200: {x: [true, ~, 1.5, '7']}\n  0x10: b\n").unwrap();
        assert_eq!(value.to_string(), r#"{"a":1,"responses":{"200":{"x":[true,null,1.5,"7"]},"0x10":"b"}}"#);
        let text = "a: 1\nb:\n  c: 1\n  c: 2\n";
        let err = json_from_str(text).unwrap_err();
        let by_value = from_str::<serde_yaml::Value>(text).unwrap_err();
        assert_eq!((err.line, err.column, &err.message), (by_value.line, by_value.column, &by_value.message));
        assert!(err.message.contains("duplicate entry with key \"c\""), "{err}");
    }
}
