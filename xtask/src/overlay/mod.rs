//! The hand-kept overlay beside each snapshot (`specs/<api>/overlay.yaml`): facts the
//! snapshot lacks or states only in prose, each entry citing its public source.
//!
//! The file is read with serde into one struct per section ([`Sections`]); a key the
//! format does not know, a value of the wrong shape, or a key written twice in one
//! entry is an error naming its line. Entries that state facts have two keys besides
//! their own: `cite` (required: the public source) and `quotes` (text that must occur in
//! the snapshot, so an entry breaks loudly when the document changes under it). API
//! facts and types are written in the spec's own shapes. The overlay's facts get the
//! source `overlay:<entry>`. An entry that matches nothing, or that repeats a fact the
//! document itself states, is an error naming the entry and its line.
//!
//! Here: reading and checking the file, and its errors. [`sections`] is the file's
//! format (adding a section is a struct there, and the method that applies it);
//! `routes.rs` finds operations and gives them ids, resources and routes; `facts.rs`
//! adds the other facts; `witness.rs` turns the entries about the definition behind the
//! page (settlements, operations opted in) into the reconciliation's terms.

mod facts;
mod routes;
mod sections;
mod witness;

use std::collections::{BTreeMap, BTreeSet};

use codegen::spec::{Source, Spec};

use codegen::yaml::{self, Step, YamlError};
use heck::ToSnakeCase;
pub use routes::locate_parameters;
use serde_json::Value;

use crate::normalize::ChoiceSplits;
pub use sections::PageEntry;
use sections::{entries, Cited, Key, OperationEntry, Sections, SpecShaped};

/// An overlay that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    /// The file is not an overlay: YAML that does not parse, a key the format does not
    /// know, a value of the wrong shape, a key written twice.
    #[error("{file}: {error}")]
    Unreadable {
        /// The overlay file.
        file: String,
        /// What the YAML reader says, with line and column.
        error: YamlError,
    },
    /// An entry that is wrong as written (a path, id or name of the wrong form, a
    /// citation missing, a fact of the wrong shape).
    #[error("{at}: {reason}")]
    Invalid {
        /// The entry.
        at: EntryAt,
        /// What is wrong.
        reason: String,
    },
    /// An entry the document no longer fits: it matches nothing, or several things, or
    /// quotes text the snapshot no longer holds.
    #[error("{at}: {reason}")]
    Unmatched {
        /// The entry.
        at: EntryAt,
        /// What it looked for.
        reason: String,
    },
    /// An entry that repeats what the document states (the overlay must not shadow it).
    #[error("{at}: {reason}")]
    Redundant {
        /// The entry.
        at: EntryAt,
        /// What the document states, and where.
        reason: String,
    },
    /// An entry the definition behind the page contradicts (a route citing another
    /// source): the entry is wrong, or the definition is.
    #[error("{at}: {reason}")]
    Contradicted {
        /// The entry.
        at: EntryAt,
        /// Both values and the definition's place.
        reason: String,
    },
}

/// Where an overlay entry is: the file, its line, its key (`operations.3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAt {
    /// The overlay file.
    pub file: String,
    /// The 1-based line where the entry starts, when it can be found.
    pub line: Option<usize>,
    /// The entry's key, as its facts' sources name it (`overlay:<key>`).
    pub key: String,
}

impl std::fmt::Display for EntryAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: `{}`", self.file, self.key),
            None => write!(f, "{}: `{}`", self.file, self.key),
        }
    }
}

/// A parsed overlay file.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Which reader reads the snapshot.
    pub reader: String,
    /// The API's machine name.
    pub name: String,
    /// The API's title.
    pub title: String,
    /// Choice splits by text.
    pub choices: ChoiceSplits,
    /// Resource of operations, by operation id.
    pub resources: BTreeMap<String, String>,
    /// New names of derived types, by a name the type has or had before merging.
    pub type_names: BTreeMap<String, String>,
    /// The file's path (named in errors) and text (where errors find an entry's line).
    file: String,
    text: String,
    sections: Sections,
    /// The entry key of each `type_names` entry, by the name it finds a type by.
    type_name_keys: BTreeMap<String, Key>,
    /// Every quote with its entry, checked against the snapshot.
    quotes: Vec<(Key, String)>,
}

impl Overlay {
    /// The vendor pages the API's documentation is published on (`cargo xtask fetch`).
    pub fn pages(&self) -> &[PageEntry] {
        &self.sections.pages
    }

    /// Parses overlay text (`file` names it in errors).
    pub fn parse(text: &str, file: &str) -> Result<Overlay, OverlayError> {
        let sections: Sections =
            yaml::from_str(text).map_err(|error| OverlayError::Unreadable { file: file.to_string(), error })?;
        let mut overlay = Overlay {
            reader: sections.api.reader.clone(),
            name: sections.api.name.clone(),
            title: sections.api.title.clone(),
            choices: ChoiceSplits::new(),
            resources: BTreeMap::new(),
            type_names: BTreeMap::new(),
            file: file.to_string(),
            text: text.to_string(),
            sections: sections.clone(),
            type_name_keys: BTreeMap::new(),
            quotes: Vec::new(),
        };
        overlay.check_citations()?;
        for (key, split) in entries(&sections.choices, "choices") {
            let joined_spaced = split.values.join(" ");
            let joined_glued = split.values.concat();
            if split.text != joined_spaced && split.text != joined_glued {
                return Err(overlay.invalid(&key, format!(
                    "the values, joined with spaces or without, do not give back the text `{}` (an overlay split may only cut the document's text, never change it)",
                    split.text
                )));
            }
            let source = Source::Overlay(format!("choices \"{}\"", split.text));
            if overlay.choices.insert(split.text.clone(), (split.values.clone(), source)).is_some() {
                return Err(overlay.invalid(&key, format!("the text `{}` is split twice", split.text)));
            }
        }
        let reasons = entries(&sections.settlements, "settlements")
            .map(|(k, e)| (k, &e.reason))
            .chain(entries(&sections.definition_operations, "definition_operations").map(|(k, e)| (k, &e.reason)));
        for (key, reason) in reasons {
            if reason.trim().is_empty() {
                return Err(overlay.invalid(&key, "has no `reason`: say why this side is right".into()));
            }
        }
        for (key, def) in entries(&sections.types, "types") {
            if def.fields.get("name").and_then(Value::as_str).is_none_or(str::is_empty) {
                return Err(overlay.invalid(&key, "has no name".into()));
            }
        }
        for (_, group) in entries(&sections.resources, "resources") {
            for op in &group.operations {
                overlay.resources.insert(op.clone(), group.resource.clone());
            }
        }
        for (key, op) in entries(&sections.operations, "operations") {
            overlay.check_operation_entry(&key, op)?;
        }
        for (key, entry) in entries(&sections.type_names, "type_names") {
            let (ty, name) = (&entry.ty, &entry.name);
            let camel = codegen::names::pascal(name);
            if !codegen::spec::is_type_name(name) {
                return Err(overlay.invalid(
                    &key,
                    format!("the name `{name}` is not an UpperCamelCase type name (such as `{camel}`)"),
                ));
            }
            if let Some(first) = overlay.type_name_keys.insert(ty.clone(), key.clone()) {
                return Err(overlay.invalid(&key, format!("names `{ty}` again (first `{}`)", first.name)));
            }
            overlay.type_names.insert(ty.clone(), name.clone());
        }
        Ok(overlay)
    }

    /// The API facts, with their keys, in the order they are applied.
    fn api_facts(&self) -> Vec<(Key, &SpecShaped)> {
        let api = &self.sections.api;
        let mut facts: Vec<(Key, &SpecShaped)> =
            api.auth.iter().enumerate().map(|(i, f)| (Key::api("auth", Some(i)), f)).collect();
        let single = [
            ("base_url", &api.base_url),
            ("error_body", &api.error_body),
            ("pagination", &api.pagination),
            ("rate_limit", &api.rate_limit),
        ];
        facts.extend(single.into_iter().filter_map(|(field, fact)| Some((Key::api(field, None), fact.as_ref()?))));
        facts
    }

    /// Every entry that states a fact cites its source; their quotes are recorded.
    fn check_citations(&mut self) -> Result<(), OverlayError> {
        let s = &self.sections;
        let mut cited: Vec<(Key, &dyn Cited)> = Vec::new();
        cited.extend(self.api_facts().into_iter().map(|(k, f)| (k, f as &dyn Cited)));
        cited.extend(s.api.version.iter().map(|v| (Key::api("version", None), v as &dyn Cited)));
        cited.extend(entries(&s.choices, "choices").map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(s.types.iter().enumerate().map(|(i, t)| (self.type_key(i, t), t as &dyn Cited)));
        cited.extend(entries(&s.resources, "resources").map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(entries(&s.parameters, "parameters").map(|(k, e)| (k, e as &dyn Cited)));
        // A route is a fact and cites its source; an entry that only names needs none.
        let routes = entries(&s.operations, "operations").filter(|(_, e)| e.method.is_some() || e.path.is_some());
        cited.extend(routes.map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(entries(&s.lists, "lists").map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(entries(&s.pages, "pages").map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(entries(&s.bodies, "bodies").map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(entries(&s.settlements, "settlements").map(|(k, e)| (k, e as &dyn Cited)));
        cited.extend(entries(&s.definition_operations, "definition_operations").map(|(k, e)| (k, e as &dyn Cited)));
        let mut quotes = Vec::new();
        for (key, entry) in cited {
            let (cite, entry_quotes) = entry.citation();
            if cite.is_none_or(|c| c.trim().is_empty()) {
                return Err(self.invalid(&key, "has no `cite`: every overlay fact names its public source".into()));
            }
            quotes.extend(entry_quotes.iter().map(|q| (key.clone(), q.clone())));
        }
        // Naming entries may quote too (their quotes are checked like any other).
        let naming = entries(&s.operations, "operations").filter(|(_, e)| e.method.is_none() && e.path.is_none());
        quotes.extend(naming.flat_map(|(k, e)| e.quotes.iter().map(move |q| (k.clone(), q.clone()))));
        self.quotes = quotes;
        Ok(())
    }

    /// `types.<name>`: a type entry is keyed by the name it adds.
    fn type_key(&self, index: usize, def: &SpecShaped) -> Key {
        let name = def.fields.get("name").and_then(Value::as_str).unwrap_or("");
        Key { name: format!("types.{name}"), path: vec![Step::Key("types".into()), Step::Index(index)] }
    }

    fn check_operation_entry(&self, key: &Key, op: &OperationEntry) -> Result<(), OverlayError> {
        let finders = [op.description_starts_with.is_some(), op.description.is_some(), op.response_keys.is_some()];
        if finders.iter().filter(|&&given| given).count() != 1 {
            return Err(self.invalid(key, "needs exactly one of `description_starts_with`, `description` and `response_keys` to find its operation".into()));
        }
        match (&op.method, &op.path) {
            (Some(_), Some(_)) => {}
            (None, None)
                if (op.id.is_some() || op.resource.is_some() || op.rust_name.is_some())
                    && op.stated_by.is_none()
                    && op.cite.is_none() => {}
            (None, None) => {
                return Err(self.invalid(
                    key,
                    "gives neither an `id`, `resource` or `rust_name` nor a `method` and `path` (a `stated_by` or a `cite` goes with a route)"
                        .into(),
                ))
            }
            _ => return Err(self.invalid(key, "gives a `method` or a `path` but not both".into())),
        }
        if let Some(id) = &op.id {
            let snake = id.to_snake_case();
            if id.is_empty() || *id != snake || !id.starts_with(|c: char| c.is_ascii_lowercase()) {
                return Err(self.invalid(key, format!("the id `{id}` is not a snake_case name (such as `{snake}`)")));
            }
        }
        if let Some(name) = &op.rust_name {
            let snake = name.to_snake_case();
            if name.is_empty() || *name != snake || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                return Err(self.invalid(key, format!("the rust_name `{name}` is not a snake_case name (such as `{snake}`)")));
            }
        }
        if op.stated_at.is_some() {
            return Err(self.invalid(
                key,
                "`stated_at` (a line number, which moves with every edit above it) is no longer read: write the text of the line that states the route as `stated_by`".into(),
            ));
        }
        if op.stated_by.as_deref().is_some_and(|q| q.trim().is_empty()) {
            return Err(self.invalid(key, "has an empty `stated_by`: quote the line that states the route".into()));
        }
        Ok(())
    }

    /// Where an entry is.
    fn at(&self, key: &Key) -> EntryAt {
        EntryAt { file: self.file.clone(), line: yaml::line_of(&self.text, &key.path), key: key.name.clone() }
    }

    fn invalid(&self, key: &Key, reason: String) -> OverlayError {
        OverlayError::Invalid { at: self.at(key), reason }
    }

    fn unmatched(&self, key: &Key, reason: String) -> OverlayError {
        OverlayError::Unmatched { at: self.at(key), reason }
    }

    fn redundant(&self, key: &Key, reason: String) -> OverlayError {
        OverlayError::Redundant { at: self.at(key), reason }
    }

    fn contradicted(&self, key: &Key, reason: String) -> OverlayError {
        OverlayError::Contradicted { at: self.at(key), reason }
    }

    /// Checks that `api.name` is the API's folder name.
    pub fn check_name(&self, folder: &str) -> Result<(), OverlayError> {
        if self.name == folder {
            return Ok(());
        }
        Err(self.invalid(&Key::api("name", None), format!("is `{}` but the folder is `{folder}`", self.name)))
    }

    /// The error for an `api.reader` that names none of the `known` readers.
    pub fn unknown_reader(&self, known: &[&str]) -> OverlayError {
        let reason = format!("unknown reader `{}` (known: {})", self.reader, known.join(", "));
        self.invalid(&Key::api("reader", None), reason)
    }

    /// Checks that every quote occurs in the snapshot.
    pub fn check_quotes(&self, snapshot: &str) -> Result<(), OverlayError> {
        let squashed = squash(snapshot);
        for (key, quote) in &self.quotes {
            if !squashed.contains(&squash(quote)) {
                return Err(self.unmatched(key, format!(
                    "quotes text the snapshot no longer holds: {quote:?} (the document changed under this entry: check its facts)"
                )));
            }
        }
        Ok(())
    }

    /// Errors for entries that matched nothing.
    pub fn check_used(
        &self,
        spec: &Spec,
        used_choices: &BTreeSet<String>,
        used_type_names: &BTreeSet<String>,
    ) -> Result<(), OverlayError> {
        for (ty, key) in &self.type_name_keys {
            if !used_type_names.contains(ty) {
                return Err(self.unmatched(key, format!(
                    "names type `{ty}`, which the spec does not have under that name or as one merged into another (the document or an operation id changed: update it)"
                )));
            }
        }
        for (key, split) in entries(&self.sections.choices, "choices") {
            if !used_choices.contains(&split.text) {
                return Err(self.unmatched(&key, format!(
                    "the choices entry for `{}` matches no choice list of the document (or the reader now splits it itself): remove or update it",
                    split.text
                )));
            }
        }
        for (key, group) in entries(&self.sections.resources, "resources") {
            if let Some(op) = group.operations.iter().find(|op| !spec.operations.iter().any(|o| &o.id == *op)) {
                return Err(self.unmatched(&key, format!("names operation `{op}`, which the document does not have")));
            }
        }
        Ok(())
    }
}

/// Text with all whitespace runs (including no-break spaces) made one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use codegen::spec::Api;

    use super::*;

    const MINIMAL: &str = "api:\n  name: demo\n  title: Demo\n  reader: blueprint\n";

    #[test]
    fn entries_without_a_citation_are_refused() {
        let text = format!("{MINIMAL}  rate_limit:\n    requests: 1\n    per_seconds: 1\n");
        let err = Overlay::parse(&text, "o.yaml").unwrap_err().to_string();
        assert_eq!(err, "o.yaml: line 6, column 5: api.rate_limit: missing field `cite`");
        let blank = format!("{MINIMAL}  rate_limit:\n    requests: 1\n    per_seconds: 1\n    cite: \" \"\n");
        let err = Overlay::parse(&blank, "o.yaml").unwrap_err().to_string();
        assert_eq!(err, "o.yaml:5: `api.rate_limit`: has no `cite`: every overlay fact names its public source");
    }

    #[test]
    fn a_choice_split_may_only_cut_the_text() {
        let ok = format!(
            "{MINIMAL}choices:\n  - text: Direct Mail Cold Call\n    values: [Direct Mail, Cold Call]\n    cite: x\n"
        );
        assert!(Overlay::parse(&ok, "o.yaml").is_ok());
        let bad = format!(
            "{MINIMAL}choices:\n  - text: Direct Mail Cold Call\n    values: [Direct Mail, Cold Calls]\n    cite: x\n"
        );
        let err = Overlay::parse(&bad, "o.yaml").unwrap_err();
        assert!(
            matches!(&err, OverlayError::Invalid { at, .. } if at.line == Some(6) && at.key == "choices.0"),
            "{err:?}"
        );
        assert!(err.to_string().contains("do not give back the text"), "{err}");
    }

    #[test]
    fn quotes_must_occur_in_the_snapshot() {
        let text =
            format!("{MINIMAL}  version:\n    value: v1\n    cite: snapshot\n    quotes: [\"API version is v1\"]\n");
        let overlay = Overlay::parse(&text, "o.yaml").unwrap();
        assert!(overlay.check_quotes("The current API\u{a0}version is v1, so").is_ok());
        let err = overlay.check_quotes("The current API version is v2").unwrap_err();
        assert!(matches!(&err, OverlayError::Unmatched { .. }), "{err:?}");
        assert!(err.to_string().starts_with("o.yaml:5: `api.version`: quotes text"), "{err}");
    }

    #[test]
    fn a_key_written_twice_in_an_entry_is_an_error_naming_its_line() {
        let text = format!(
            "{MINIMAL}lists:\n  - operation: list_things\n    items: things\n    cite: x\n  - operation: list_widgets\n    items: widgets\n    items: parts\n    cite: y\n"
        );
        let err = Overlay::parse(&text, "o.yaml").unwrap_err();
        let OverlayError::Unreadable { error, .. } = &err else { panic!("{err:?}") };
        assert_eq!(error.line, Some(9), "{err}");
        assert!(err.to_string().contains("duplicate") && err.to_string().contains("items"), "{err}");
        // In the spec-shaped facts too, where the last value used to win silently.
        let text =
            format!("{MINIMAL}  rate_limit:\n    requests: 1\n    per_seconds: 1\n    requests: 100\n    cite: x\n");
        let err = Overlay::parse(&text, "o.yaml").unwrap_err().to_string();
        assert!(err.contains("duplicate") && err.contains("requests") && err.contains("line 6"), "{err}");
    }

    #[test]
    fn unknown_keys_are_errors_naming_their_line() {
        let text = format!("{MINIMAL}lists:\n  - operation: list_things\n    itemz: things\n    cite: x\n");
        let err = Overlay::parse(&text, "o.yaml").unwrap_err().to_string();
        assert!(err.starts_with("o.yaml: line 7, column 5: lists[0]: unknown field `itemz`"), "{err}");
    }

    #[test]
    fn errors_found_after_reading_name_the_entry_and_its_line() {
        let text = format!(
            "{MINIMAL}  pagination:\n    style: offset\n    offset_param: offset\n    limit_param: limit\n    cite: x\n\n# a comment\nlists:\n  - operation: list_things\n    items: things\n    cite: x\n"
        );
        let overlay = Overlay::parse(&text, "o.yaml").unwrap();
        let mut spec = Spec {
            api: Api::new("demo", "demo.txt"),
            operations: vec![],
            types: vec![],
            gaps: vec![],
            reconciliation: None,
        };
        overlay.apply_api(&mut spec.api).unwrap();
        let err = overlay.apply_lists(&mut spec).unwrap_err();
        let OverlayError::Unmatched { at, reason } = &err else { panic!("{err:?}") };
        assert_eq!((at.file.as_str(), at.line, at.key.as_str()), ("o.yaml", Some(13), "lists.0"));
        assert!(reason.contains("`list_things`, which the document does not have"), "{reason}");
        assert_eq!(
            err.to_string(),
            "o.yaml:13: `lists.0`: names operation `list_things`, which the document does not have"
        );
    }
}
