//! The hand-kept overlay beside each snapshot (`specs/<api>/overlay.yaml`): facts the
//! snapshot lacks or states only in prose, each entry citing its public source.
//!
//! Entries are written in the spec's own shapes, plus two keys: `cite` (required: the
//! public source) and `quotes` (text that must occur in the snapshot, so an entry breaks
//! loudly when the document changes under it). The overlay's facts get the source
//! `overlay:<entry>`. An entry that matches nothing, or that repeats a fact the document
//! itself states, is an error.

use std::collections::{BTreeMap, BTreeSet};

use codegen::spec::{
    Api, AuthScheme, Gap, ListPagination, Pagination, ParamLocation, Parameter, Source, Spec, TypeDef, TypeRef,
};
use codegen::yaml;
use heck::ToSnakeCase;
use serde::Deserialize;
use serde_json::Value;

use crate::draft::Draft;
use crate::normalize::ChoiceSplits;

/// A parsed overlay file.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Which reader reads the snapshot.
    pub reader: String,
    /// The API's machine name.
    pub name: String,
    /// The API's title.
    pub title: String,
    /// API facts, each with its entry key, as spec-shaped JSON with `source` set.
    api_facts: Vec<(String, Value)>,
    /// Choice splits by text.
    pub choices: ChoiceSplits,
    /// Types to add, spec-shaped.
    types: Vec<(String, Value)>,
    /// Resource of operations, by operation id.
    pub resources: BTreeMap<String, String>,
    /// New names of derived types, by a name the type has or had before merging.
    pub type_names: BTreeMap<String, String>,
    /// The entry key of each `type_names` entry, by the name it gives.
    type_name_keys: BTreeMap<String, String>,
    /// Parameter type corrections, with their entry keys.
    parameter_types: Vec<(String, ParameterType)>,
    /// Every quote with its entry key, checked against the snapshot.
    quotes: Vec<(String, String)>,
    /// Ids, and method and path, of operations, with their entry keys.
    operations: Vec<(String, OperationEntry)>,
    /// List operations whose document shows no response, with their entry keys.
    lists: Vec<(String, ListEntry)>,
}

/// A list operation the document shows no response for: where its page's items are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListEntry {
    operation: String,
    items: String,
}

/// One operation, found by the start of its description, its whole description (when it
/// is the start of another's), or, for an operation whose description was lost, its
/// response's keys; and what the overlay gives it: an id in place of the slug of its
/// description, and the method and path its text lost.
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
    method: Option<codegen::spec::Method>,
    #[serde(default)]
    path: Option<String>,
    /// The group it belongs to; default: the path's first segment after `api`/version.
    #[serde(default)]
    resource: Option<String>,
    /// A line of the snapshot whose prose states method and path (an example request):
    /// the operation is then resolved by that line, and a quote must be on it.
    #[serde(default)]
    stated_at: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverlay {
    api: BTreeMap<String, Value>,
    #[serde(default)]
    choices: Vec<Value>,
    #[serde(default)]
    types: Vec<Value>,
    #[serde(default)]
    resources: Vec<Value>,
    #[serde(default)]
    parameters: Vec<Value>,
    #[serde(default)]
    operations: Vec<Value>,
    #[serde(default)]
    lists: Vec<Value>,
    #[serde(default)]
    type_names: Vec<Value>,
}

/// A correction of a parameter's type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParameterType {
    operation: String,
    name: String,
    #[serde(rename = "type")]
    ty: codegen::spec::TypeRef,
}

/// An overlay that cannot be used, naming the entry.
#[derive(Debug)]
pub struct OverlayError(pub String);

impl std::fmt::Display for OverlayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Removes `cite` and `quotes` from an entry (`cite` must be there), recording quotes.
fn take_citation(key: &str, entry: &mut Value, quotes: &mut Vec<(String, String)>) -> Result<(), OverlayError> {
    let Some(map) = entry.as_object_mut() else {
        return Err(OverlayError(format!("entry `{key}` is not a mapping")));
    };
    match map.remove("cite") {
        Some(Value::String(c)) if !c.trim().is_empty() => {}
        _ => {
            return Err(OverlayError(format!(
                "entry `{key}` has no `cite`: every overlay fact names its public source"
            )))
        }
    }
    match map.remove("quotes") {
        None => {}
        Some(Value::Array(items)) => {
            for q in items {
                let Value::String(q) = q else {
                    return Err(OverlayError(format!("entry `{key}`: `quotes` holds a non-string")));
                };
                quotes.push((key.to_string(), q));
            }
        }
        Some(_) => return Err(OverlayError(format!("entry `{key}`: `quotes` must be a list of strings"))),
    }
    Ok(())
}

fn string_field(map: &BTreeMap<String, Value>, key: &str) -> Result<String, OverlayError> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(OverlayError(format!("`api.{key}` is missing or not a string"))),
    }
}

impl Overlay {
    /// Parses overlay text (`file` names it in errors).
    pub fn parse(text: &str, file: &str) -> Result<Overlay, OverlayError> {
        let raw: RawOverlay = yaml::from_str(text).map_err(|e| OverlayError(format!("{file}: {e}")))?;
        let mut quotes = Vec::new();
        let mut api_facts = Vec::new();
        for (key, mut value) in raw.api.clone() {
            if matches!(key.as_str(), "name" | "title" | "reader") {
                continue;
            }
            let entries = match value.take() {
                Value::Array(items) => {
                    items.into_iter().enumerate().map(|(i, v)| (format!("api.{key}.{i}"), v)).collect()
                }
                other => vec![(format!("api.{key}"), other)],
            };
            for (entry_key, mut entry) in entries {
                take_citation(&entry_key, &mut entry, &mut quotes)?;
                set_source(&mut entry, &entry_key);
                api_facts.push((entry_key, entry));
            }
        }
        let mut choices = ChoiceSplits::new();
        for (i, mut entry) in raw.choices.into_iter().enumerate() {
            let key = format!("choices.{i}");
            take_citation(&key, &mut entry, &mut quotes)?;
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Split {
                text: String,
                values: Vec<String>,
            }
            let split: Split =
                serde_json::from_value(entry).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            let joined_spaced = split.values.join(" ");
            let joined_glued = split.values.concat();
            if split.text != joined_spaced && split.text != joined_glued {
                return Err(OverlayError(format!(
                    "{file}: `{key}`: the values, joined with spaces or without, do not give back the text `{}` (an overlay split may only cut the document's text, never change it)",
                    split.text
                )));
            }
            let source = Source::Overlay(format!("choices \"{}\"", split.text));
            if choices.insert(split.text.clone(), (split.values, source)).is_some() {
                return Err(OverlayError(format!("{file}: `{key}`: the text `{}` is split twice", split.text)));
            }
        }
        let mut types = Vec::new();
        for (i, mut entry) in raw.types.into_iter().enumerate() {
            let name = entry.get("name").and_then(Value::as_str).unwrap_or("").to_string();
            let key = format!("types.{name}");
            if name.is_empty() {
                return Err(OverlayError(format!("{file}: `types.{i}` has no name")));
            }
            take_citation(&key, &mut entry, &mut quotes)?;
            let source = Value::String(Source::Overlay(key.clone()).to_string());
            if let Some(map) = entry.as_object_mut() {
                map.insert("sources".into(), Value::Array(vec![source.clone()]));
                if let Some(Value::Array(fields)) = map.get_mut("fields") {
                    for f in fields.iter_mut().filter_map(Value::as_object_mut) {
                        f.insert("source".into(), source.clone());
                    }
                }
            }
            types.push((key, entry));
        }
        let mut resources = BTreeMap::new();
        for (i, mut entry) in raw.resources.into_iter().enumerate() {
            let key = format!("resources.{i}");
            take_citation(&key, &mut entry, &mut quotes)?;
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Group {
                resource: String,
                operations: Vec<String>,
            }
            let group: Group =
                serde_json::from_value(entry).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            for op in group.operations {
                resources.insert(op, group.resource.clone());
            }
        }
        let mut parameter_types = Vec::new();
        for (i, mut entry) in raw.parameters.into_iter().enumerate() {
            let key = format!("parameters.{i}");
            take_citation(&key, &mut entry, &mut quotes)?;
            let fix: ParameterType =
                serde_json::from_value(entry).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            parameter_types.push((key, fix));
        }
        let mut operations = Vec::new();
        for (i, mut entry) in raw.operations.into_iter().enumerate() {
            let key = format!("operations.{i}");
            let first_quote = quotes.len();
            // A route is a fact and cites its source; an entry that only names needs none.
            let names_only = entry.get("method").is_none() && entry.get("path").is_none();
            if !(names_only && entry.get("cite").is_none()) {
                take_citation(&key, &mut entry, &mut quotes)?;
            }
            let op: OperationEntry =
                serde_json::from_value(entry).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            let finders = [op.description_starts_with.is_some(), op.description.is_some(), op.response_keys.is_some()];
            if finders.iter().filter(|&&given| given).count() != 1 {
                return Err(OverlayError(format!(
                    "{file}: `{key}` needs exactly one of `description_starts_with`, `description` and `response_keys` to find its operation"
                )));
            }
            match (&op.method, &op.path) {
                (Some(_), Some(path)) if !path.starts_with('/') => {
                    return Err(OverlayError(format!("{file}: `{key}`: the path `{path}` does not start with `/`")))
                }
                (Some(_), Some(_)) => {}
                (None, None) if op.id.is_some() && op.resource.is_none() && op.stated_at.is_none() => {}
                (None, None) => {
                    return Err(OverlayError(format!(
                        "{file}: `{key}` gives neither an `id` nor a `method` and `path` (a `resource` or `stated_at` goes with a route)"
                    )))
                }
                _ => {
                    return Err(OverlayError(format!("{file}: `{key}` gives a `method` or a `path` but not both")))
                }
            }
            if let Some(id) = &op.id {
                let snake = id.to_snake_case();
                if id.is_empty() || *id != snake || !id.starts_with(|c: char| c.is_ascii_lowercase()) {
                    return Err(OverlayError(format!(
                        "{file}: `{key}`: the id `{id}` is not a snake_case name (such as `{snake}`)"
                    )));
                }
            }
            if op.stated_at.is_some() && quotes.len() == first_quote {
                return Err(OverlayError(format!(
                    "{file}: `{key}` says the snapshot states the route at a line but quotes nothing of it"
                )));
            }
            operations.push((key, op));
        }
        let mut lists = Vec::new();
        for (i, mut entry) in raw.lists.into_iter().enumerate() {
            let key = format!("lists.{i}");
            take_citation(&key, &mut entry, &mut quotes)?;
            let list: ListEntry =
                serde_json::from_value(entry).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            lists.push((key, list));
        }
        // Names, not facts: no citation.
        let mut type_names = BTreeMap::new();
        let mut type_name_keys = BTreeMap::new();
        for (i, entry) in raw.type_names.into_iter().enumerate() {
            let key = format!("type_names.{i}");
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct TypeName {
                #[serde(rename = "type")]
                ty: String,
                name: String,
            }
            let TypeName { ty, name } =
                serde_json::from_value(entry).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            let camel = codegen::names::pascal(&name);
            if !codegen::spec::is_type_name(&name) {
                return Err(OverlayError(format!(
                    "{file}: `{key}`: the name `{name}` is not an UpperCamelCase type name (such as `{camel}`)"
                )));
            }
            if let Some(first) = type_name_keys.insert(ty.clone(), key.clone()) {
                return Err(OverlayError(format!("{file}: `{key}` names `{ty}` again (first `{first}`)")));
            }
            type_names.insert(ty, name);
        }
        Ok(Overlay {
            type_names,
            type_name_keys,
            operations,
            lists,
            parameter_types,
            reader: string_field(&raw.api, "reader")?,
            name: string_field(&raw.api, "name")?,
            title: string_field(&raw.api, "title")?,
            api_facts,
            choices,
            types,
            resources,
            quotes,
        })
    }

    /// Checks that every quote occurs in the snapshot.
    pub fn check_quotes(&self, snapshot: &str, file: &str) -> Result<(), OverlayError> {
        let squashed = squash(snapshot);
        for (key, quote) in &self.quotes {
            if !squashed.contains(&squash(quote)) {
                return Err(OverlayError(format!(
                    "{file}: `{key}` quotes text the snapshot no longer holds: {quote:?} (the document changed under this entry: check its facts)"
                )));
            }
        }
        Ok(())
    }

    /// Checks that each route stated at a snapshot line has its quotes on that line.
    pub fn check_stated_lines(&self, snapshot: &str, file: &str) -> Result<(), OverlayError> {
        let lines: Vec<&str> = snapshot.lines().collect();
        for (key, route) in &self.operations {
            let Some(at) = route.stated_at else { continue };
            let line = at.checked_sub(1).and_then(|i| lines.get(i as usize)).map(|l| squash(l)).unwrap_or_default();
            for (_, quote) in self.quotes.iter().filter(|(k, _)| k == key) {
                if !line.contains(&squash(quote)) {
                    return Err(OverlayError(format!(
                        "{file}: `{key}` says line {at} of the snapshot states the route, but that line does not hold {quote:?}"
                    )));
                }
            }
        }
        Ok(())
    }

    /// Gives the operations the overlay names their ids, before any name derives from
    /// them. An entry matching no operation, or several, is an error.
    pub fn apply_ids(&self, draft: &mut Draft, file: &str) -> Result<(), OverlayError> {
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
        for (key, entry) in &self.operations {
            let Some(id) = &entry.id else { continue };
            named.push((key, id, find_operation(key, entry, &candidates, file)?));
        }
        for (key, id, i) in named {
            if let Some(first) = draft.operations[i].id.replace(id.clone()) {
                return Err(OverlayError(format!("{file}: `{key}` names `{first}` again, as `{id}`")));
            }
        }
        Ok(())
    }

    /// Sets method, path, resource and `resolved_by` of the operations the overlay
    /// routes; parameters the path names travel in the path, the others in the query.
    /// An entry matching no operation, or several, or one the document already routes,
    /// is an error.
    pub fn apply_operations(&self, spec: &mut Spec, file: &str) -> Result<Vec<Gap>, OverlayError> {
        let mut gaps = Vec::new();
        for (key, entry) in &self.operations {
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
            let i = find_operation(key, entry, &candidates, file)?;
            let op = &mut spec.operations[i];
            if op.is_resolved() && op.resolved_by.is_none() {
                return Err(OverlayError(format!(
                    "{file}: `{key}` routes `{}`, whose method and path the document states ({}); remove the entry",
                    op.id, op.source
                )));
            }
            if let Some(first) = &op.resolved_by {
                return Err(OverlayError(format!("{file}: `{key}` routes `{}` again (first by {first})", op.id)));
            }
            op.method = Some(method);
            op.path = Some(path.clone());
            op.resolved_by = Some(entry.stated_at.map(Source::Doc).unwrap_or_else(|| Source::Overlay(key.clone())));
            op.resource = entry.resource.clone().unwrap_or_else(|| crate::normalize::resource_of(path));
            gaps.extend(locate_parameters(op, path, key));
        }
        Ok(gaps)
    }

    /// Marks the list operations the overlay names: their page's items, and the API's
    /// paging parameters where the operation does not list them (the API's `pagination`
    /// fact says its collections take them). An entry naming an operation the document
    /// does not have, one that is not a GET, or one the document already shows to be a
    /// list, is an error; so is an entry when the API has no `pagination` fact.
    pub fn apply_lists(&self, spec: &mut Spec, file: &str) -> Result<(), OverlayError> {
        let Some((key, _)) = self.lists.first() else { return Ok(()) };
        let Some(pagination) = spec.api.pagination.clone() else {
            return Err(OverlayError(format!(
                "{file}: `{key}` names a list operation, but the API has no `pagination` fact to page it by"
            )));
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
        for (key, list) in &self.lists {
            let op = spec.operations.iter_mut().find(|o| o.id == list.operation).ok_or_else(|| {
                OverlayError(format!(
                    "{file}: `{key}` names operation `{}`, which the document does not have",
                    list.operation
                ))
            })?;
            if op.method != Some(codegen::spec::Method::Get) {
                return Err(OverlayError(format!(
                    "{file}: `{key}`: `{}` is not a GET, so it cannot be a list operation",
                    op.id
                )));
            }
            if let Some(existing) = &op.pagination {
                let by = existing.source.as_ref().map_or_else(|| "its response".to_string(), Source::to_string);
                return Err(OverlayError(format!(
                    "{file}: `{key}`: `{}` is already a list operation (by {by}); remove the entry",
                    op.id
                )));
            }
            let source = Source::Overlay(key.clone());
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
    pub fn apply_api(&self, api: &mut Api, file: &str) -> Result<(), OverlayError> {
        api.title = self.title.clone();
        for (key, value) in &self.api_facts {
            let field = key.split('.').nth(1).unwrap_or("");
            let bad = |e: serde_json::Error| OverlayError(format!("{file}: `{key}`: {e}"));
            let duplicate = |at: &Source| {
                OverlayError(format!("{file}: `{key}` repeats what the document states at {at}; remove the entry"))
            };
            match field {
                "version" => {
                    api.version = Some(
                        value
                            .get("value")
                            .and_then(Value::as_str)
                            .ok_or_else(|| OverlayError(format!("{file}: `{key}` needs a `value`")))?
                            .to_string(),
                    )
                }
                "base_url" => {
                    if let Some(existing) = &api.base_url {
                        return Err(duplicate(&existing.source));
                    }
                    api.base_url = Some(serde_json::from_value(value.clone()).map_err(bad)?);
                }
                "auth" => {
                    let scheme: AuthScheme = serde_json::from_value(value.clone()).map_err(bad)?;
                    if let Some(existing) = api.auth.iter().find(|a| same_auth(a, &scheme)) {
                        return Err(duplicate(auth_source(existing)));
                    }
                    api.auth.push(scheme);
                }
                "pagination" => api.pagination = Some(serde_json::from_value(value.clone()).map_err(bad)?),
                "rate_limit" => api.rate_limit = Some(serde_json::from_value(value.clone()).map_err(bad)?),
                "error_body" => api.error_body = Some(serde_json::from_value(value.clone()).map_err(bad)?),
                other => {
                    return Err(OverlayError(format!("{file}: `api.{other}` is not an API fact the overlay can set")))
                }
            }
        }
        Ok(())
    }

    /// Adds the overlay's types to the spec; a name the document already uses is an error.
    pub fn apply_types(&self, spec: &mut Spec, file: &str) -> Result<(), OverlayError> {
        for (key, value) in &self.types {
            let def: TypeDef =
                serde_json::from_value(value.clone()).map_err(|e| OverlayError(format!("{file}: `{key}`: {e}")))?;
            if let Some(existing) = spec.type_def(&def.name) {
                return Err(OverlayError(format!(
                    "{file}: `{key}` adds a type the document already defines (at {})",
                    existing.sources.first().map(ToString::to_string).unwrap_or_default()
                )));
            }
            spec.types.push(def);
        }
        spec.types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Sets the types of parameters the overlay corrects. An entry that names no
    /// parameter, or gives the type the document already gives, is an error.
    pub fn apply_parameter_types(&self, spec: &mut Spec, file: &str) -> Result<(), OverlayError> {
        for (key, fix) in &self.parameter_types {
            let param = spec
                .operations
                .iter_mut()
                .find(|o| o.id == fix.operation)
                .and_then(|o| o.parameters.iter_mut().find(|p| p.name == fix.name))
                .ok_or_else(|| {
                    OverlayError(format!(
                        "{file}: `{key}` names parameter `{}` of operation `{}`, which the document does not have",
                        fix.name, fix.operation
                    ))
                })?;
            if param.ty == fix.ty {
                return Err(OverlayError(format!(
                    "{file}: `{key}` gives `{}` the type the document already gives it ({}); remove the entry",
                    fix.name, param.source
                )));
            }
            param.ty = fix.ty.clone();
            param.type_source = Some(Source::Overlay(key.clone()));
        }
        Ok(())
    }

    /// Errors for entries that matched nothing.
    pub fn check_used(
        &self,
        spec: &Spec,
        used_choices: &BTreeSet<String>,
        used_type_names: &BTreeSet<String>,
        file: &str,
    ) -> Result<(), OverlayError> {
        for (ty, key) in &self.type_name_keys {
            if !used_type_names.contains(ty) {
                return Err(OverlayError(format!(
                    "{file}: `{key}` names type `{ty}`, which the spec does not have under that name or as one merged into another (the document or an operation id changed: update it)"
                )));
            }
        }
        for text in self.choices.keys() {
            if !used_choices.contains(text) {
                return Err(OverlayError(format!(
                    "{file}: the choices entry for `{text}` matches no choice list of the document (or the reader now splits it itself): remove or update it"
                )));
            }
        }
        for op in self.resources.keys() {
            if !spec.operations.iter().any(|o| &o.id == op) {
                return Err(OverlayError(format!(
                    "{file}: `resources` names operation `{op}`, which the document does not have"
                )));
            }
        }
        Ok(())
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

/// The one operation `entry` matches; none, or several, is an error.
fn find_operation(
    key: &str,
    entry: &OperationEntry,
    candidates: &[Matchable],
    file: &str,
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
        [] => Err(OverlayError(format!(
            "{file}: `{key}` names the operation with {what}, which the document does not have (the document changed under this entry: check its facts)"
        ))),
        several => {
            let names: Vec<&str> = several.iter().map(|&i| candidates[i].name).collect();
            Err(OverlayError(format!(
                "{file}: `{key}` matches {} operations with {what} ({}): make it match one",
                several.len(),
                names.join(", ")
            )))
        }
    }
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
fn locate_parameters(op: &mut codegen::spec::Operation, path: &str, key: &str) -> Vec<Gap> {
    use codegen::spec::{ParamLocation, Parameter, TypeRef};
    let holes = crate::readers::blueprint::placeholders(path);
    let mut gaps = Vec::new();
    for hole in &holes {
        match op.parameters.iter_mut().find(|p| &p.name == hole && p.location == ParamLocation::Unknown) {
            Some(p) => {
                p.location = ParamLocation::Path;
                p.required = true;
            }
            None => {
                gaps.push(Gap {
                    kind: "undescribed_parameter".into(),
                    message: format!(
                        "the path `{path}` of `{}` names `{hole}` but no parameter row describes it; typed as string",
                        op.id
                    ),
                    source: Source::Overlay(key.to_string()),
                });
                op.parameters.push(Parameter {
                    name: hole.clone(),
                    location: ParamLocation::Path,
                    ty: TypeRef::String,
                    type_source: None,
                    format: None,
                    required: true,
                    deprecated: false,
                    default: None,
                    description: None,
                    source: Source::Overlay(key.to_string()),
                });
            }
        }
    }
    for p in op.parameters.iter_mut().filter(|p| p.location == ParamLocation::Unknown) {
        p.location = ParamLocation::Query;
    }
    gaps
}

fn set_source(entry: &mut Value, key: &str) {
    if let Some(map) = entry.as_object_mut() {
        map.insert("source".into(), Value::String(Source::Overlay(key.to_string()).to_string()));
    }
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
        let err = Overlay::parse(&text, "o.yaml").unwrap_err();
        assert!(err.0.contains("api.rate_limit") && err.0.contains("cite"), "{}", err.0);
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
        assert!(err.0.contains("do not give back the text"), "{}", err.0);
    }

    #[test]
    fn quotes_must_occur_in_the_snapshot() {
        let text =
            format!("{MINIMAL}  version:\n    value: v1\n    cite: snapshot\n    quotes: [\"API version is v1\"]\n");
        let overlay = Overlay::parse(&text, "o.yaml").unwrap();
        assert!(overlay.check_quotes("The current API\u{a0}version is v1, so", "o.yaml").is_ok());
        let err = overlay.check_quotes("The current API version is v2", "o.yaml").unwrap_err();
        assert!(err.0.contains("api.version"), "{}", err.0);
    }
}
