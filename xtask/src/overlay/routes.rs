//! Operations the overlay names: finding each entry's one operation (by the start of
//! its description, its whole description, or its response's keys), the ids it gives
//! them, and the routes it gives those whose text lost them (with their parameters
//! located in the path or the query).

use codegen::path::PathTemplate;
use codegen::spec::{Gap, GapKind, ParamLocation, Parameter, Source, Spec, TypeRef};
use serde_json::Value;

use super::sections::{entries, Key, OperationEntry};
use super::{squash, Overlay, OverlayError};
use crate::anchors::Anchors;
use crate::draft::Draft;

impl Overlay {
    /// Registers the lines that state routes (`stated_by`) as anchors named by their
    /// quotes: prose the reader does not read, which the overlay finds by its words, so
    /// `resolved_by` names them by those words rather than by the distance from an anchor
    /// the reader placed (a line quoted twice is registered once).
    pub fn anchor_stated_lines(&self, anchors: &mut Anchors, snapshot: &str) -> Result<(), OverlayError> {
        let mut lines = Vec::new();
        for (key, entry) in entries(&self.sections.operations, "operations") {
            let Some(quote) = &entry.stated_by else { continue };
            let line = self.stated_line(&key, quote, snapshot)?;
            if !lines.contains(&line) {
                anchors.heading(line, quote, None);
                lines.push(line);
            }
        }
        Ok(())
    }

    /// The line of the snapshot that states an entry's route (its `stated_by`): the one
    /// line holding the quote. None, or several, is an error.
    fn stated_line(&self, key: &Key, quote: &str, snapshot: &str) -> Result<u32, OverlayError> {
        let quote_squashed = squash(quote);
        let holding: Vec<u32> = snapshot
            .lines()
            .enumerate()
            .filter(|(_, line)| squash(line).contains(&quote_squashed))
            .map(|(i, _)| i as u32 + 1)
            .collect();
        match holding.as_slice() {
            [line] => Ok(*line),
            [] => Err(self.unmatched(
                key,
                format!("says the snapshot states the route in {quote:?}, which no line of the snapshot holds"),
            )),
            several => {
                let lines: Vec<String> = several.iter().map(u32::to_string).collect();
                Err(self.unmatched(
                    key,
                    format!(
                        "says the snapshot states the route in {quote:?}, which lines {} all hold: quote more of the one line",
                        lines.join(", ")
                    ),
                ))
            }
        }
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
    /// routes (the line of `snapshot` that states it, or the entry); parameters the path
    /// names travel in the path, the others in the query. An entry matching no
    /// operation, or several, or one the document already routes, is an error.
    pub fn apply_operations(&self, spec: &mut Spec, snapshot: &str) -> Result<Vec<Gap>, OverlayError> {
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
            op.resolved_by = Some(match &entry.stated_by {
                Some(quote) => Source::Doc(self.stated_line(&key, quote, snapshot)?),
                None => key.source(),
            });
            op.resource = entry.resource.clone().unwrap_or_else(|| crate::normalize::resource_of(path));
            gaps.extend(locate_parameters(op, path, &key));
        }
        Ok(gaps)
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
