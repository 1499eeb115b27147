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
//! Adding a section: a struct for its entries (with `cite` and `quotes` when it states
//! facts, and [`Cited`]), a field of [`Sections`], and the method that applies it.

use std::collections::{BTreeMap, BTreeSet};

use codegen::path::PathTemplate;
use codegen::spec::{
    Api, AuthScheme, Gap, GapKind, ListPagination, Method, Pagination, ParamLocation, Parameter, Source, Spec, TypeDef,
    TypeRef,
};
use codegen::yaml::{self, Step, YamlError};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::draft::Draft;
use crate::normalize::ChoiceSplits;

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

/// An entry's key (`operations.3`, `types.ApiError`, `api.auth.0`) and its place in the
/// file.
#[derive(Debug, Clone)]
struct Key {
    name: String,
    path: Vec<Step>,
}

impl Key {
    /// Item `index` of section `section` (`operations.3`).
    fn item(section: &str, index: usize) -> Key {
        Key { name: format!("{section}.{index}"), path: vec![Step::Key(section.into()), Step::Index(index)] }
    }

    /// A fact of the `api` section (`api.rate_limit`), or an item of one (`api.auth.0`).
    fn api(field: &str, index: Option<usize>) -> Key {
        let mut path = vec![Step::Key("api".into()), Step::Key(field.into())];
        let name = match index {
            Some(i) => {
                path.push(Step::Index(i));
                format!("api.{field}.{i}")
            }
            None => format!("api.{field}"),
        };
        Key { name, path }
    }

    fn source(&self) -> Source {
        Source::Overlay(self.name.clone())
    }
}

/// The overlay file, one struct per section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sections {
    /// The reader, the API's names, and API facts.
    api: ApiSection,
    /// Splits of choice texts.
    #[serde(default)]
    choices: Vec<ChoiceSplit>,
    /// Types to add, in the spec's shape.
    #[serde(default)]
    types: Vec<SpecShaped>,
    /// Operations grouped under a resource.
    #[serde(default)]
    resources: Vec<ResourceGroup>,
    /// Parameter type corrections.
    #[serde(default)]
    parameters: Vec<ParameterType>,
    /// Ids and routes of operations.
    #[serde(default)]
    operations: Vec<OperationEntry>,
    /// List operations the document shows no response for.
    #[serde(default)]
    lists: Vec<ListEntry>,
    /// Names of derived types.
    #[serde(default)]
    type_names: Vec<TypeName>,
}

/// `api:`: the reader, the API's names, and facts in the spec's own shapes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiSection {
    reader: String,
    name: String,
    title: String,
    #[serde(default)]
    version: Option<Version>,
    #[serde(default)]
    base_url: Option<SpecShaped>,
    #[serde(default)]
    auth: Vec<SpecShaped>,
    #[serde(default)]
    pagination: Option<SpecShaped>,
    #[serde(default)]
    rate_limit: Option<SpecShaped>,
    #[serde(default)]
    error_body: Option<SpecShaped>,
}

/// An entry that states a fact: its public source and the snapshot text it quotes.
trait Cited {
    /// `cite` (absent only where the entry states no fact) and `quotes`.
    fn citation(&self) -> (Option<&str>, &[String]);
}

macro_rules! cited {
    ($($entry:ty),*) => {
        $(impl Cited for $entry {
            fn citation(&self) -> (Option<&str>, &[String]) {
                (Some(&self.cite), &self.quotes)
            }
        })*
    };
}
cited!(Version, SpecShaped, ChoiceSplit, ResourceGroup, ParameterType, ListEntry);

impl Cited for OperationEntry {
    fn citation(&self) -> (Option<&str>, &[String]) {
        (self.cite.as_deref(), &self.quotes)
    }
}

/// `api.version`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Version {
    value: String,
    cite: String,
    #[serde(default)]
    quotes: Vec<String>,
}

/// A fact or type in the spec's own shape, without its `source` (the entry is).
#[derive(Debug, Clone, Deserialize)]
struct SpecShaped {
    cite: String,
    #[serde(default)]
    quotes: Vec<String>,
    /// The spec-shaped fields, checked when read into their spec type.
    #[serde(flatten)]
    fields: serde_json::Map<String, Value>,
}

impl SpecShaped {
    /// The fact as a spec value, with the entry as its source (and, for a type, as the
    /// source of each field).
    fn read<T: DeserializeOwned>(&self, key: &Key) -> Result<T, serde_json::Error> {
        let source = Value::String(key.source().to_string());
        let mut fields = self.fields.clone();
        if key.path.first() == Some(&Step::Key("types".into())) {
            fields.insert("sources".into(), Value::Array(vec![source.clone()]));
            if let Some(Value::Array(list)) = fields.get_mut("fields") {
                for f in list.iter_mut().filter_map(Value::as_object_mut) {
                    f.insert("source".into(), source.clone());
                }
            }
        } else {
            fields.insert("source".into(), source);
        }
        serde_json::from_value(Value::Object(fields))
    }
}

/// `choices`: how a choice text splits into values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoiceSplit {
    text: String,
    values: Vec<String>,
    cite: String,
    #[serde(default)]
    quotes: Vec<String>,
}

/// `resources`: operation ids grouped under a resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceGroup {
    resource: String,
    operations: Vec<String>,
    cite: String,
    #[serde(default)]
    quotes: Vec<String>,
}

/// `parameters`: a correction of a parameter's type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterType {
    operation: String,
    name: String,
    #[serde(rename = "type")]
    ty: TypeRef,
    cite: String,
    #[serde(default)]
    quotes: Vec<String>,
}

/// `lists`: a list operation the document shows no response for, and where its page's
/// items are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListEntry {
    operation: String,
    items: String,
    cite: String,
    #[serde(default)]
    quotes: Vec<String>,
}

/// `type_names`: a name for a derived type (a naming choice: no citation).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypeName {
    #[serde(rename = "type")]
    ty: String,
    name: String,
}

/// `operations`: one operation, found by the start of its description, its whole
/// description (when it is the start of another's), or, for an operation whose
/// description was lost, its response's keys; and what the overlay gives it: an id in
/// place of the slug of its description, and the method and path its text lost.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationEntry {
    #[serde(default)]
    description_starts_with: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    response_keys: Option<Vec<String>>,
    /// A name, not a fact: it needs no citation, and shortens the method's name and the
    /// names of the types derived from the operation.
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    method: Option<Method>,
    #[serde(default)]
    path: Option<PathTemplate>,
    /// The group it belongs to; default: the path's first segment after `api`/version.
    #[serde(default)]
    resource: Option<String>,
    /// A line of the snapshot whose prose states method and path (an example request):
    /// the operation is then resolved by that line, and a quote must be on it.
    #[serde(default)]
    stated_at: Option<u32>,
    /// Required with a route (a fact); an entry that only names needs none.
    #[serde(default)]
    cite: Option<String>,
    #[serde(default)]
    quotes: Vec<String>,
}

/// The entries of a section, with their keys.
fn entries<'a, T>(section: &'a [T], name: &'static str) -> impl Iterator<Item = (Key, &'a T)> + 'a {
    section.iter().enumerate().map(move |(i, entry)| (Key::item(name, i), entry))
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
            let camel = name.to_upper_camel_case();
            if *name != camel || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
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
            (None, None) if op.id.is_some() && op.resource.is_none() && op.stated_at.is_none() => {}
            (None, None) => {
                return Err(self.invalid(
                    key,
                    "gives neither an `id` nor a `method` and `path` (a `resource` or `stated_at` goes with a route)"
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
        if op.stated_at.is_some() && op.quotes.is_empty() {
            return Err(
                self.invalid(key, "says the snapshot states the route at a line but quotes nothing of it".into())
            );
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

    /// Checks that each route stated at a snapshot line has its quotes on that line.
    pub fn check_stated_lines(&self, snapshot: &str) -> Result<(), OverlayError> {
        let lines: Vec<&str> = snapshot.lines().collect();
        for (key, route) in entries(&self.sections.operations, "operations") {
            let Some(at) = route.stated_at else { continue };
            let line = at.checked_sub(1).and_then(|i| lines.get(i as usize)).map(|l| squash(l)).unwrap_or_default();
            for quote in &route.quotes {
                if !line.contains(&squash(quote)) {
                    return Err(self.unmatched(
                        &key,
                        format!(
                            "says line {at} of the snapshot states the route, but that line does not hold {quote:?}"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Gives the operations the overlay names their ids, before any name derives from
    /// them. An entry matching no operation, or several, is an error.
    pub fn apply_ids(&self, draft: &mut Draft) -> Result<(), OverlayError> {
        let candidates: Vec<Matchable> = draft
            .operations
            .iter()
            .map(|op| Matchable {
                text: op.description.as_deref().unwrap_or(&op.title),
                title: &op.title,
                described: op.description.is_some(),
                success_example: op
                    .responses
                    .iter()
                    .find(|r| r.status.starts_with('2'))
                    .and_then(|r| r.examples.first())
                    .map(|e| e.json.as_str()),
                name: &op.title,
            })
            .collect();
        let mut named = Vec::new();
        for (key, entry) in entries(&self.sections.operations, "operations") {
            let Some(id) = &entry.id else { continue };
            named.push((self.find_operation(&key, entry, &candidates)?, key, id));
        }
        for (i, key, id) in named {
            if let Some(first) = draft.operations[i].id.replace(id.clone()) {
                return Err(self.invalid(&key, format!("names `{first}` again, as `{id}`")));
            }
        }
        Ok(())
    }

    /// Sets method, path, resource and `resolved_by` of the operations the overlay
    /// routes; parameters the path names travel in the path, the others in the query.
    /// An entry matching no operation, or several, or one the document already routes,
    /// is an error.
    pub fn apply_operations(&self, spec: &mut Spec) -> Result<Vec<Gap>, OverlayError> {
        let mut gaps = Vec::new();
        for (key, entry) in entries(&self.sections.operations, "operations") {
            let (Some(method), Some(path)) = (entry.method, &entry.path) else { continue };
            let candidates: Vec<Matchable> = spec
                .operations
                .iter()
                .map(|op| Matchable {
                    text: op.description.as_deref().or(op.summary.as_deref()).unwrap_or(""),
                    title: op.summary.as_deref().unwrap_or(""),
                    described: op.description.is_some(),
                    success_example: op.success().and_then(|r| r.examples.first()).map(|e| e.json.as_str()),
                    name: &op.id,
                })
                .collect();
            let i = self.find_operation(&key, entry, &candidates)?;
            let op = &mut spec.operations[i];
            if op.is_resolved() && op.resolved_by.is_none() {
                return Err(self.redundant(
                    &key,
                    format!(
                        "routes `{}`, whose method and path the document states ({}); remove the entry",
                        op.id, op.source
                    ),
                ));
            }
            if let Some(first) = &op.resolved_by {
                return Err(self.invalid(&key, format!("routes `{}` again (first by {first})", op.id)));
            }
            op.method = Some(method);
            op.path = Some(path.clone());
            op.resolved_by = Some(entry.stated_at.map(Source::Doc).unwrap_or_else(|| key.source()));
            op.resource = entry.resource.clone().unwrap_or_else(|| crate::normalize::resource_of(path));
            gaps.extend(locate_parameters(op, path, &key));
        }
        Ok(gaps)
    }

    /// Marks the list operations the overlay names: their page's items, and the API's
    /// paging parameters where the operation does not list them (the API's `pagination`
    /// fact says its collections take them). An entry naming an operation the document
    /// does not have, one that is not a GET, or one the document already shows to be a
    /// list, is an error; so is an entry when the API has no `pagination` fact.
    pub fn apply_lists(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        let lists: Vec<(Key, &ListEntry)> = entries(&self.sections.lists, "lists").collect();
        let Some((first, _)) = lists.first() else { return Ok(()) };
        let Some(pagination) = spec.api.pagination.clone() else {
            return Err(self
                .invalid(first, "names a list operation, but the API has no `pagination` fact to page it by".into()));
        };
        let (position, size, default_size) = match &pagination {
            Pagination::PageNumber { page_param, per_page_param, default_per_page, .. } => {
                let position = (page_param, "Number of the page to return.");
                (position, per_page_param, default_per_page)
            }
            Pagination::Offset { offset_param, limit_param, default_limit, .. } => {
                let position = (offset_param, "Number of items to skip: the page starts after them.");
                (position, limit_param, default_limit)
            }
        };
        for (key, list) in &lists {
            let Some(op) = spec.operations.iter_mut().find(|o| o.id == list.operation) else {
                return Err(self.unmatched(
                    key,
                    format!("names operation `{}`, which the document does not have", list.operation),
                ));
            };
            if op.method != Some(Method::Get) {
                return Err(self.invalid(key, format!("`{}` is not a GET, so it cannot be a list operation", op.id)));
            }
            if let Some(existing) = &op.pagination {
                let by = existing.source.as_ref().map_or_else(|| "its response".to_string(), Source::to_string);
                return Err(
                    self.redundant(key, format!("`{}` is already a list operation (by {by}); remove the entry", op.id))
                );
            }
            let source = key.source();
            op.pagination = Some(ListPagination { items: list.items.clone(), source: Some(source.clone()) });
            let params = [
                (position.0, position.1, None),
                (size, "Number of items a page holds.", default_size.map(|n| n.to_string())),
            ];
            for (name, description, default) in params {
                if op.parameters.iter().any(|p| &p.name == name) {
                    continue;
                }
                op.parameters.push(Parameter {
                    name: name.clone(),
                    location: ParamLocation::Query,
                    ty: TypeRef::Integer,
                    type_source: None,
                    format: None,
                    required: false,
                    deprecated: false,
                    default,
                    description: Some(description.to_string()),
                    source: source.clone(),
                });
            }
        }
        Ok(())
    }

    /// Adds the overlay's API facts to what the reader found. A fact the reader found
    /// too is an error (the overlay must not shadow the document).
    pub fn apply_api(&self, api: &mut Api) -> Result<(), OverlayError> {
        api.title = self.title.clone();
        if let Some(version) = &self.sections.api.version {
            api.version = Some(version.value.clone());
        }
        for (key, fact) in self.api_facts() {
            let bad = |e: serde_json::Error| self.invalid(&key, e.to_string());
            let duplicate = |at: &Source| {
                self.redundant(&key, format!("repeats what the document states at {at}; remove the entry"))
            };
            match key.path.get(1) {
                Some(Step::Key(field)) if field == "base_url" => {
                    if let Some(existing) = &api.base_url {
                        return Err(duplicate(&existing.source));
                    }
                    api.base_url = Some(fact.read(&key).map_err(bad)?);
                }
                Some(Step::Key(field)) if field == "auth" => {
                    let scheme: AuthScheme = fact.read(&key).map_err(bad)?;
                    if let Some(existing) = api.auth.iter().find(|a| same_auth(a, &scheme)) {
                        return Err(duplicate(auth_source(existing)));
                    }
                    api.auth.push(scheme);
                }
                Some(Step::Key(field)) if field == "pagination" => api.pagination = Some(fact.read(&key).map_err(bad)?),
                Some(Step::Key(field)) if field == "rate_limit" => api.rate_limit = Some(fact.read(&key).map_err(bad)?),
                Some(Step::Key(field)) if field == "error_body" => api.error_body = Some(fact.read(&key).map_err(bad)?),
                _ => unreachable!("api_facts gives the fields above"),
            }
        }
        Ok(())
    }

    /// Adds the overlay's types to the spec; a name the document already uses is an error.
    pub fn apply_types(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        for (i, entry) in self.sections.types.iter().enumerate() {
            let key = self.type_key(i, entry);
            let def: TypeDef = entry.read(&key).map_err(|e| self.invalid(&key, e.to_string()))?;
            if let Some(existing) = spec.type_def(&def.name) {
                return Err(self.redundant(
                    &key,
                    format!(
                        "adds a type the document already defines (at {})",
                        existing.sources.first().map(ToString::to_string).unwrap_or_default()
                    ),
                ));
            }
            spec.types.push(def);
        }
        spec.types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Sets the types of parameters the overlay corrects. An entry that names no
    /// parameter, or gives the type the document already gives, is an error.
    pub fn apply_parameter_types(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        for (key, fix) in entries(&self.sections.parameters, "parameters") {
            let Some(param) = spec
                .operations
                .iter_mut()
                .find(|o| o.id == fix.operation)
                .and_then(|o| o.parameters.iter_mut().find(|p| p.name == fix.name))
            else {
                return Err(self.unmatched(
                    &key,
                    format!(
                        "names parameter `{}` of operation `{}`, which the document does not have",
                        fix.name, fix.operation
                    ),
                ));
            };
            if param.ty == fix.ty {
                return Err(self.redundant(
                    &key,
                    format!(
                        "gives `{}` the type the document already gives it ({}); remove the entry",
                        fix.name, param.source
                    ),
                ));
            }
            param.ty = fix.ty.clone();
            param.type_source = Some(key.source());
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

    /// The one operation `entry` matches; none, or several, is an error.
    fn find_operation(
        &self,
        key: &Key,
        entry: &OperationEntry,
        candidates: &[Matchable],
    ) -> Result<usize, OverlayError> {
        let matches: Vec<usize> =
            candidates.iter().enumerate().filter(|(_, op)| entry_matches(entry, op)).map(|(i, _)| i).collect();
        let what = match (&entry.description_starts_with, &entry.description, &entry.response_keys) {
            (Some(prefix), _, _) => format!("the description starting {prefix:?}"),
            (_, Some(whole), _) => format!("the description {whole:?}"),
            (_, _, Some(keys)) => format!("no description and response keys {keys:?}"),
            _ => unreachable!("checked when parsed"),
        };
        match matches.as_slice() {
            [i] => Ok(*i),
            [] => Err(self.unmatched(key, format!(
                "names the operation with {what}, which the document does not have (the document changed under this entry: check its facts)"
            ))),
            several => {
                let names: Vec<&str> = several.iter().map(|&i| candidates[i].name).collect();
                Err(self.unmatched(key, format!(
                    "matches {} operations with {what} ({}): make it match one",
                    several.len(),
                    names.join(", ")
                )))
            }
        }
    }
}

/// What an overlay entry finds an operation by, read alike from a draft operation
/// (before ids exist) and from a spec operation.
struct Matchable<'a> {
    /// The description, or the title when there is none.
    text: &'a str,
    /// The reader's title (the spec's summary).
    title: &'a str,
    /// Whether the document gives a description apart from the title.
    described: bool,
    /// The first example of the success response.
    success_example: Option<&'a str>,
    /// What error messages call it.
    name: &'a str,
}

fn entry_matches(entry: &OperationEntry, op: &Matchable) -> bool {
    if let Some(prefix) = &entry.description_starts_with {
        // Whole words: `Create new field` does not match `Create new fields group`.
        let (text, prefix) = (squash(op.text), squash(prefix));
        return text.strip_prefix(&prefix).is_some_and(|rest| !rest.starts_with(char::is_alphanumeric));
    }
    if let Some(whole) = &entry.description {
        return squash(op.text) == squash(whole);
    }
    let Some(keys) = &entry.response_keys else { return false };
    let Some(example) = op.success_example else { return false };
    let shown: Vec<String> = match serde_json::from_str::<Value>(example) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => return false,
    };
    !op.described && op.title.starts_with("undescribed") && &shown == keys
}

/// Parameters whose location the document lost: those the path names travel in the
/// path (the first of each name: a body field of the same name is not a parameter),
/// the others in the query. A placeholder no parameter describes gets a string
/// parameter and a gap.
fn locate_parameters(op: &mut codegen::spec::Operation, path: &PathTemplate, key: &Key) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for hole in path.placeholders() {
        match op.parameters.iter_mut().find(|p| p.name == hole && p.location == ParamLocation::Unknown) {
            Some(p) => {
                p.location = ParamLocation::Path;
                p.required = true;
            }
            None => {
                gaps.push(Gap {
                    kind: GapKind::UndescribedParameter,
                    message: format!(
                        "the path `{path}` of `{}` names `{hole}` but no parameter row describes it; typed as string",
                        op.id
                    ),
                    source: key.source(),
                });
                op.parameters.push(Parameter {
                    name: hole.to_string(),
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    type_source: None,
                    format: None,
                    required: true,
                    deprecated: false,
                    default: None,
                    description: None,
                    source: key.source(),
                });
            }
        }
    }
    for p in op.parameters.iter_mut().filter(|p| p.location == ParamLocation::Unknown) {
        p.location = ParamLocation::Query;
    }
    gaps
}

fn same_auth(a: &AuthScheme, b: &AuthScheme) -> bool {
    match (a, b) {
        (AuthScheme::ApiKeyHeader { header: x, .. }, AuthScheme::ApiKeyHeader { header: y, .. }) => {
            x.eq_ignore_ascii_case(y)
        }
        (AuthScheme::Bearer { .. }, AuthScheme::Bearer { .. }) => true,
        (AuthScheme::OAuth2 { .. }, AuthScheme::OAuth2 { .. }) => true,
        _ => false,
    }
}

fn auth_source(a: &AuthScheme) -> &Source {
    match a {
        AuthScheme::ApiKeyHeader { source, .. }
        | AuthScheme::Bearer { source, .. }
        | AuthScheme::OAuth2 { source, .. } => source,
    }
}

/// Text with all whitespace runs (including no-break spaces) made one space.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
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
        let mut spec = Spec { api: Api::new("demo", "demo.txt"), operations: vec![], types: vec![], gaps: vec![] };
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
