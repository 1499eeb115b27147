//! The definition as a document: parsing (YAML through `codegen::yaml`, or JSON), looking
//! places up by [`Pointer`], following local `$ref`s, and the reader's errors. Everything
//! else walks the parsed `serde_json::Value` with the pointer of the place it is at, so
//! every fact keeps its exact source.

use std::fmt;

use codegen::spec::Pointer;
use codegen::yaml;
use serde_json::{Map, Value};

/// A definition the reader cannot read at all. Each names the file, and the place in it
/// (a line for a syntax error, a pointer otherwise).
#[derive(Debug, Clone, PartialEq)]
pub enum DefinitionError {
    /// Not valid YAML or JSON.
    Syntax {
        /// The definition file.
        file: String,
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// The parser's words.
        message: String,
    },
    /// Valid YAML or JSON, but not an OpenAPI 3.0 or 3.1 document.
    NotOpenApi {
        /// The definition file.
        file: String,
        /// Why.
        message: String,
    },
    /// A `$ref` to a place the document does not have.
    DanglingRef {
        /// The definition file.
        file: String,
        /// Where the `$ref` is.
        at: Pointer,
        /// What it refers to, as written.
        target: String,
    },
    /// A `$ref` that is not a string or not a URI reference this reader can follow.
    BadRef {
        /// The definition file.
        file: String,
        /// Where the `$ref` is.
        at: Pointer,
        /// What is wrong.
        message: String,
    },
    /// A chain of `$ref`s that comes back to where it started without passing through an
    /// object's property: it defines nothing (`A: {$ref: B}`, `B: {$ref: A}`), or a type
    /// that cannot be named (an array of itself).
    RefCycle {
        /// The definition file.
        file: String,
        /// The places the chain passes through, the first again at the end.
        chain: Vec<Pointer>,
    },
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefinitionError::Syntax { file, line, column, message } => match (line, column) {
                (Some(l), Some(c)) => write!(f, "{file}: line {l}, column {c}: not valid YAML or JSON: {message}"),
                (Some(l), None) => write!(f, "{file}: line {l}: not valid YAML or JSON: {message}"),
                _ => write!(f, "{file}: not valid YAML or JSON: {message}"),
            },
            DefinitionError::NotOpenApi { file, message } => {
                write!(f, "{file}: not an OpenAPI 3.0 or 3.1 document: {message}")
            }
            DefinitionError::DanglingRef { file, at, target } => {
                write!(f, "{file}: {at}: `$ref` to `{target}`, which the document does not have")
            }
            DefinitionError::BadRef { file, at, message } => write!(f, "{file}: {at}: {message}"),
            DefinitionError::RefCycle { file, chain } => {
                let chain: Vec<String> = chain.iter().map(Pointer::to_string).collect();
                write!(
                    f,
                    "{file}: {}: a cycle of `$ref`s that is not a named object type: {}",
                    chain[0],
                    chain.join(" → ")
                )
            }
        }
    }
}

impl std::error::Error for DefinitionError {}

/// A parsed definition.
#[derive(Debug)]
pub struct Document {
    /// The file, for errors.
    pub file: String,
    /// The whole document.
    pub root: Value,
}

impl Document {
    /// Parses `text`: JSON when `file` ends in `.json`, YAML otherwise.
    pub fn parse(text: &str, file: &str) -> Result<Document, DefinitionError> {
        let root: Value = if file.ends_with(".json") {
            serde_json::from_str(text).map_err(|e| DefinitionError::Syntax {
                file: file.to_string(),
                line: Some(e.line()),
                column: Some(e.column()),
                message: e.to_string(),
            })?
        } else {
            yaml::json_from_str(text).map_err(|e| DefinitionError::Syntax {
                file: file.to_string(),
                line: e.line,
                column: e.column,
                message: e.message,
            })?
        };
        let not = |message: String| DefinitionError::NotOpenApi { file: file.to_string(), message };
        let Value::Object(map) = &root else { return Err(not("the document is not a mapping".into())) };
        match map.get("openapi") {
            Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => {}
            Some(other) => return Err(not(format!("`openapi` is {other}; this reader reads 3.0 and 3.1"))),
            None if map.contains_key("swagger") => {
                return Err(not("a Swagger 2.0 document; this reader reads OpenAPI 3.0 and 3.1".into()))
            }
            None => return Err(not("no `openapi` version at the top".into())),
        }
        for key in ["paths", "components", "info"] {
            if map.get(key).is_some_and(|v| !v.is_object()) {
                return Err(not(format!("`{key}` is not a mapping")));
            }
        }
        Ok(Document { file: file.to_string(), root })
    }

    /// The value at `pointer`.
    pub fn get(&self, pointer: &Pointer) -> Option<&Value> {
        pointer.tokens().try_fold(&self.root, |value, token| match value {
            Value::Object(map) => entry(map, token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        })
    }

    /// The object at `pointer` (an empty one when it is absent or not an object).
    pub fn object(&self, pointer: &Pointer) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.get(pointer).and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// Where the object at `at` leads: itself, or, when it is a `$ref`, the place the
    /// chain of `$ref`s ends at. `Ok(None)` for a reference to another document (a gap
    /// for the caller).
    pub fn follow(&self, at: &Pointer) -> Result<Option<Pointer>, DefinitionError> {
        let mut seen = vec![at.clone()];
        let mut here = at.clone();
        while let Some(reference) = self.get(&here).and_then(|v| v.get("$ref")) {
            match self.ref_target(&here, reference)? {
                Some(target) if seen.contains(&target) => {
                    seen.push(target);
                    return Err(DefinitionError::RefCycle { file: self.file.clone(), chain: seen });
                }
                Some(target) => {
                    seen.push(target.clone());
                    here = target;
                }
                None => return Ok(None),
            }
        }
        Ok(Some(here))
    }

    /// The place a `$ref` (at `at`) points to: `Ok(None)` when it points into another
    /// document; an error when it is malformed or points nowhere.
    pub fn ref_target(&self, at: &Pointer, reference: &Value) -> Result<Option<Pointer>, DefinitionError> {
        let bad = |message: String| DefinitionError::BadRef { file: self.file.clone(), at: at.clone(), message };
        let Value::String(text) = reference else { return Err(bad(format!("`$ref` is {reference}, not a string"))) };
        let Some(fragment) = text.strip_prefix('#') else { return Ok(None) };
        let decoded = percent_decode(fragment).ok_or_else(|| bad(format!("`$ref` `{text}` has a bad %-escape")))?;
        let target: Pointer =
            format!("#{decoded}").parse().map_err(|e| bad(format!("`$ref` `{text}` is not a JSON pointer: {e}")))?;
        if self.get(&target).is_none() {
            return Err(DefinitionError::DanglingRef { file: self.file.clone(), at: at.clone(), target: text.clone() });
        }
        Ok(Some(target))
    }
}

/// Looking keys up in the objects of a definition, for the reader: [`entry`]'s way.
pub trait Keys {
    /// The value under `key` (`None` when absent, or when `self` is not an object).
    fn key(&self, key: &str) -> Option<&Value>;

    /// Whether `self` has `key`.
    fn has(&self, key: &str) -> bool {
        self.key(key).is_some()
    }
}

impl Keys for Map<String, Value> {
    fn key(&self, key: &str) -> Option<&Value> {
        entry(self, key)
    }
}

impl Keys for Value {
    fn key(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|map| entry(map, key))
    }
}

/// The value under `key`. Most objects of a definition have a few keys, and reading one
/// looks keys up at every step (a walk down a pointer, one at every level; a definition's
/// reading does ~130k walks and ~100k lookups in schemas): comparing a few keys is cheaper
/// than hashing one (the map's hasher is SipHash), a big object is hashed.
fn entry<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// `%7B` → `{`: a `$ref` is a URI reference, so its fragment may be percent-encoded.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::parse(text, "d.yaml").unwrap()
    }

    #[test]
    fn refs_are_followed_to_their_end_with_percent_escapes_decoded() {
        let d = doc("openapi: 3.0.0\na: {$ref: '#/b'}\nb: {$ref: '#/c%7Bx%7D'}\n'c{x}': {type: string}\n");
        let end = d.follow(&"#/a".parse().unwrap()).unwrap().unwrap();
        assert_eq!(end.to_string(), "#/c{x}");
        let e = doc("openapi: 3.0.0\na: {$ref: '#/nowhere'}\n").follow(&"#/a".parse().unwrap()).unwrap_err();
        assert_eq!(e.to_string(), "d.yaml: #/a: `$ref` to `#/nowhere`, which the document does not have");
        let e =
            doc("openapi: 3.0.0\na: {$ref: '#/b'}\nb: {$ref: '#/a'}\n").follow(&"#/a".parse().unwrap()).unwrap_err();
        assert!(e.to_string().ends_with("#/a → #/b → #/a"), "{e}");
        assert_eq!(doc("openapi: 3.0.0\na: {$ref: 'other.yaml#/x'}\n").follow(&"#/a".parse().unwrap()).unwrap(), None);
    }

    #[test]
    fn only_openapi_3_documents_are_read() {
        let err = |text: &str| Document::parse(text, "d.yaml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err("swagger: '2.0'\n").contains("Swagger 2.0"));
        assert!(err("openapi: 4.0.0\n").contains("reads 3.0 and 3.1"));
        assert!(err("- a\n").contains("not a mapping"));
        assert!(err("openapi: 3.1.0\npaths: []\n").contains("`paths` is not a mapping"));
        assert!(err("openapi: 3.1.0\npaths: {a: [\n").starts_with("d.yaml: line "));
        let json = Document::parse("{\"openapi\": \"3.1.0\",\n \"paths\": }", "d.json").unwrap_err();
        assert!(matches!(json, DefinitionError::Syntax { line: Some(2), .. }), "{json:?}");
    }

    #[test]
    fn yaml_reads_as_its_json_would_with_keys_as_written_and_none_twice() {
        let text = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n        '404': {description: no, x: [1, -2, 0.5, true, null, ~, '', 0x10]}\n";
        let json = r#"{"openapi": "3.0.0", "paths": {"/a": {"get": {"responses": {
            "200": {"description": "ok"},
            "404": {"description": "no", "x": [1, -2, 0.5, true, null, null, "", 16]}}}}}}"#;
        assert_eq!(doc(text).root, serde_json::from_str::<Value>(json).unwrap());
        let twice = "openapi: 3.0.0\npaths:\n  /a: {}\n  /b: {}\n  /a: {}\n";
        let err = Document::parse(twice, "d.yaml").unwrap_err().to_string();
        assert!(err.starts_with("d.yaml: line 3,") && err.contains("duplicate entry with key \"/a\""), "{err}");
    }
}
