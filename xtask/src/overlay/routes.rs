//! Operations the overlay names: finding each entry's one operation (by the start of
//! its description, its whole description, or its response's keys), the ids and
//! resources it gives them, and the routes it gives those whose text lost them (stated
//! by the snapshot's own prose, or citing another public source), before reconciliation:
//! they stand for the page, and a route the definition contradicts is an error unless a
//! settlement says the definition is wrong. Then the parameters of routed operations that
//! travel nowhere known are located in the path or the query.

use std::collections::BTreeMap;

use codegen::path::PathTemplate;
use codegen::spec::{Gap, GapKind, ParamLocation, Source, TypeRef};
use serde_json::Value;

use super::sections::{entries, Key, OperationEntry};
use super::{squash, Overlay, OverlayError};
use crate::anchors::Anchors;
use crate::draft::{Draft, DraftOperation, DraftParam, DraftType};
use crate::reconcile::{Report, Scope};

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
        // A line that holds the quote holds its first word: only those are squashed.
        let first_word = quote_squashed.split(' ').next().unwrap_or_default();
        let holding: Vec<u32> = lines_holding(snapshot, first_word)
            .filter(|(_, line)| squash(line).contains(&quote_squashed))
            .map(|(number, _)| number)
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

    /// Gives the operations the overlay names their ids and resources, before any name
    /// derives from them. An entry matching no operation, or several, is an error.
    pub fn apply_names(&self, draft: &mut Draft) -> Result<(), OverlayError> {
        let mut named = Vec::new();
        for (key, entry) in entries(&self.sections.operations, "operations") {
            if entry.id.is_none() && entry.resource.is_none() {
                continue;
            }
            named.push((self.find_operation(&key, entry, &draft.operations)?, key, entry));
        }
        for (i, key, entry) in named {
            let op = &mut draft.operations[i];
            if let Some(id) = &entry.id {
                if let Some(first) = op.id.replace(id.clone()) {
                    return Err(self.invalid(&key, format!("names `{first}` again, as `{id}`")));
                }
            }
            if let Some(resource) = &entry.resource {
                if let Some(first) = op.resource.replace(resource.clone()) {
                    return Err(
                        self.invalid(&key, format!("puts `{}` in `{resource}`, another entry in `{first}`", op.title))
                    );
                }
            }
        }
        Ok(())
    }

    /// Sets method, path and `resolved_by` of the operations the overlay routes: by the
    /// snapshot line whose prose states the route (the one line holding the `stated_by` quote), else by the entry, which
    /// cites another public source. Given before reconciliation, they stand for the page:
    /// the definition is compared with them (see [`Overlay::check_routes`]). An entry
    /// matching no operation, or several, or one whose operation the document already
    /// routes, is an error.
    pub fn apply_routes(&self, draft: &mut Draft, snapshot: &str) -> Result<(), OverlayError> {
        for (key, entry) in entries(&self.sections.operations, "operations") {
            let (Some(method), Some(path)) = (entry.method, &entry.path) else { continue };
            let i = self.find_operation(&key, entry, &draft.operations)?;
            let by = match &entry.stated_by {
                Some(quote) => Source::Doc(self.stated_line(&key, quote, snapshot)?),
                None => key.source(),
            };
            self.route(&key, &mut draft.operations[i], method, path, by)?;
        }
        Ok(())
    }

    /// A route the overlay gives that the definition contradicts, and that no settlement
    /// settles, is an error (the entry is wrong, or the definition is). One the definition
    /// states the same is removable (the report's redundant overlay entries).
    pub fn check_routes(&self, draft: &Draft, report: &Report) -> Result<(), OverlayError> {
        for fact in report.conflicts.iter().filter(|f| f.fact == "route") {
            let Some(Source::Overlay(name)) = fact.text.as_ref().map(|t| &t.source) else { continue };
            let Some(index) = name.strip_prefix("operations.").and_then(|i| i.parse().ok()) else { continue };
            let key = Key::item("operations", index);
            let op = match fact.scope {
                Scope::Operation { text, .. } => title(&draft.operations[text]),
                Scope::Api => String::new(),
            };
            let page = fact.text.as_ref().map(|t| t.value.as_str()).unwrap_or_default();
            let Source::Def(at) = &fact.definition.source else { continue };
            return Err(self.contradicted(
                &key,
                format!(
                    "routes `{op}` as `{page}`, but the definition behind the page says `{}` ({}): correct the entry, or, if the definition is wrong, settle `route` at `{at}` in `settlements`",
                    fact.definition.value, fact.definition.source
                ),
            ));
        }
        Ok(())
    }

    /// Routes one operation; an operation routed already is an error.
    fn route(
        &self,
        key: &Key,
        op: &mut DraftOperation,
        method: codegen::spec::Method,
        path: &PathTemplate,
        by: Source,
    ) -> Result<(), OverlayError> {
        if op.method.is_some() && op.resolved_by.is_none() {
            return Err(self.redundant(
                key,
                format!(
                    "routes `{}`, whose method and path the document states ({}); remove the entry",
                    title(op),
                    op.source
                ),
            ));
        }
        if let Some(first) = &op.resolved_by {
            return Err(self.invalid(key, format!("routes `{}` again (first by {first})", title(op))));
        }
        op.method = Some(method);
        op.path = Some(path.to_string());
        op.resolved_by = Some(by);
        Ok(())
    }

    /// The Rust method names the overlay gives (`rust_name`), by the id each operation of
    /// `draft` (the one normalization reads) will have.
    pub fn rust_names(&self, draft: &Draft) -> Result<BTreeMap<String, String>, OverlayError> {
        let ids = crate::normalize::operation_ids(&draft.operations);
        let mut names = BTreeMap::new();
        for (key, entry) in entries(&self.sections.operations, "operations") {
            let Some(name) = &entry.rust_name else { continue };
            let i = self.find_operation(&key, entry, &draft.operations)?;
            names.insert(ids[i].clone(), name.clone());
        }
        Ok(names)
    }

    /// The one operation `entry` matches; none, or several, is an error.
    fn find_operation(
        &self,
        key: &Key,
        entry: &OperationEntry,
        operations: &[DraftOperation],
    ) -> Result<usize, OverlayError> {
        let matches: Vec<usize> =
            operations.iter().enumerate().filter(|(_, op)| entry_matches(entry, op)).map(|(i, _)| i).collect();
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
                let names: Vec<String> =
                    several.iter().map(|&i| operations[i].id.clone().unwrap_or_else(|| title(&operations[i]))).collect();
                Err(self.unmatched(key, format!(
                    "matches {} operations with {what} ({}): make it match one",
                    several.len(),
                    names.join(", ")
                )))
            }
        }
    }
}

/// The lines of `text` (numbered from 1, as `str::lines` gives them) that hold `word`, found
/// by searching the whole text for it once rather than each line in turn (a snapshot has
/// thousands of lines, the word few).
fn lines_holding<'a>(text: &'a str, word: &'a str) -> Box<dyn Iterator<Item = (u32, &'a str)> + 'a> {
    if word.is_empty() {
        return Box::new(text.lines().enumerate().map(|(i, line)| (i as u32 + 1, line)));
    }
    // The line last found: its start, and its number.
    let mut found: Option<(usize, u32)> = None;
    Box::new(text.match_indices(word).filter_map(move |(at, _)| {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let number = match found {
            Some((previous, _)) if previous == start => return None,
            Some((previous, number)) => number + newlines(&text[previous..start]),
            None => 1 + newlines(&text[..start]),
        };
        found = Some((start, number));
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[start..end];
        Some((number, line.strip_suffix('\r').unwrap_or(line)))
    }))
}

fn newlines(text: &str) -> u32 {
    text.bytes().filter(|&b| b == b'\n').count() as u32
}

/// Whether `text` and `words` have the same words (`squash(text) == squash(words)`), without
/// building either.
fn same_words(text: &str, words: &str) -> bool {
    text.split_whitespace().eq(words.split_whitespace())
}

/// Whether `text` starts with the words of `prefix`, the last of them whole (not followed
/// by a letter or digit): `squash(text)` starts with `squash(prefix)` and goes on with no
/// letter or digit, without building either.
fn starts_with_words(text: &str, prefix: &str) -> bool {
    let mut text = text.split_whitespace();
    let mut prefix = prefix.split_whitespace().peekable();
    if prefix.peek().is_none() {
        return !text.next().is_some_and(|w| w.starts_with(char::is_alphanumeric));
    }
    while let Some(p) = prefix.next() {
        let Some(t) = text.next() else { return false };
        if prefix.peek().is_some() {
            if p != t {
                return false;
            }
        } else {
            return t.strip_prefix(p).is_some_and(|rest| !rest.starts_with(char::is_alphanumeric));
        }
    }
    unreachable!("the loop returns at the last word of the prefix")
}

/// What error messages call an operation: the id the overlay gives it, or its title.
fn title(op: &DraftOperation) -> String {
    op.id.clone().unwrap_or_else(|| op.title.clone())
}

fn entry_matches(entry: &OperationEntry, op: &DraftOperation) -> bool {
    let text = op.description.as_deref().unwrap_or(&op.title);
    if let Some(prefix) = &entry.description_starts_with {
        // Whole words: `Create new field` does not match `Create new fields group`.
        return starts_with_words(text, prefix);
    }
    if let Some(whole) = &entry.description {
        return same_words(text, whole);
    }
    let Some(keys) = &entry.response_keys else { return false };
    let success = op.responses.iter().find(|r| r.status.starts_with('2'));
    let Some(example) = success.and_then(|r| r.examples.first()) else { return false };
    let shown: Vec<String> = match serde_json::from_str::<Value>(&example.json) {
        Ok(Value::Object(map)) => map.keys().cloned().collect(),
        _ => return false,
    };
    op.description.is_none() && op.title.starts_with("undescribed") && &shown == keys
}

/// Parameters of routed operations whose location the document lost: those the path
/// names travel in the path (the first of each name: a body field of the same name is
/// not a parameter), the others in the query. A placeholder no parameter describes gets
/// a string parameter and a gap, both at the route's source.
pub fn locate_parameters(draft: &mut Draft) -> Vec<Gap> {
    let mut gaps = Vec::new();
    for op in &mut draft.operations {
        let Some(path) = op.path.as_deref().and_then(|p| PathTemplate::parse(p).ok()) else { continue };
        let by = op.resolved_by.clone().unwrap_or_else(|| op.source.clone());
        for hole in path.placeholders() {
            let described = op.parameters.iter().any(|p| p.name == hole && p.location == ParamLocation::Path);
            match op.parameters.iter_mut().find(|p| p.name == hole && p.location == ParamLocation::Unknown) {
                _ if described => {}
                Some(p) => {
                    p.location = ParamLocation::Path;
                    p.required = true;
                }
                None => {
                    gaps.push(Gap {
                        kind: GapKind::UndescribedParameter,
                        message: format!(
                            "the path `{path}` of `{}` names `{hole}` but no parameter row describes it; typed as string",
                            title(op)
                        ),
                        source: by.clone(),
                    });
                    op.parameters.push(DraftParam {
                        name: hole.to_string(),
                        location: ParamLocation::Path,
                        ty: DraftType::Prim(TypeRef::String),
                        required: true,
                        deprecated: false,
                        default: None,
                        format: None,
                        description: None,
                        choices: None,
                        source: by.clone(),
                        by_definition: Default::default(),
                    });
                }
            }
        }
        for p in op.parameters.iter_mut().filter(|p| p.location == ParamLocation::Unknown) {
            p.location = ParamLocation::Query;
        }
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: &[&str] = &[
        "",
        " ",
        "Create new field",
        "Create new fields group",
        "Create  new\tfield-group",
        "  Create new field  ",
        "Create new field2",
        "Create new",
        "-Create new field",
        "éCreate new field",
        "Create new fieldé",
    ];

    #[test]
    fn words_compare_as_their_squashed_text_would() {
        for text in TEXTS {
            for other in TEXTS {
                let (t, o) = (squash(text), squash(other));
                assert_eq!(same_words(text, other), t == o, "{text:?} {other:?}");
                let starts = t.strip_prefix(&o).is_some_and(|rest| !rest.starts_with(char::is_alphanumeric));
                assert_eq!(starts_with_words(text, other), starts, "{text:?} starts with {other:?}");
            }
        }
    }

    #[test]
    fn lines_holding_a_word_are_numbered_as_lines_are() {
        let text = "GET /a\r\nnothing\n\nGET /b GET /c\nlast GET";
        for word in ["GET", "/", "nothing", "absent", "", "GET /b", "last GET"] {
            let expected: Vec<(u32, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, line)| line.contains(word))
                .map(|(i, line)| (i as u32 + 1, line))
                .collect();
            assert_eq!(lines_holding(text, word).collect::<Vec<_>>(), expected, "{word:?}");
        }
    }
}
