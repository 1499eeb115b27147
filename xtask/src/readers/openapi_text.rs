//! Reader for reference pages rendered from an OpenAPI document into text
//! (ActiveCampaign): per operation, a path line, an optional summary, a Markdown
//! parameter table (`| Name | In | Required | Type | Description |`), an optional media
//! type followed by the request schema's name, the response status codes, and a closing
//! `METHOD /path` line.
//!
//! Request schemas are only named, never defined: they become named types of unknown
//! shape. Response bodies are not shown at all: responses have no type, and a gap says so.

use codegen::spec::{Api, Gap, GapKind, Method, ParamLocation, Source, TypeRef};

use crate::anchors::Anchors;
use crate::draft::{gap, Draft, DraftBody, DraftOperation, DraftParam, DraftResponse, DraftType};
use crate::lines::Lines;
use crate::readers::ReadError;

const TABLE_HEADER: &str = "| Name | In | Required | Type | Description |";

/// Reads an OpenAPI-text snapshot.
pub fn read(text: &str, api_name: &str, snapshot: &str) -> Result<Draft, ReadError> {
    let lines = Lines::new(text);
    let mut gaps = Vec::new();
    let mut anchors = Anchors::new(lines.len());
    let mut operations = Vec::new();
    let mut start = 1;
    for n in 1..=lines.len() {
        if closing_line(lines.get(n)).is_some() {
            operations.push(read_operation(&lines, start, n, &mut gaps, &mut anchors));
            start = n + 1;
        }
    }
    for n in start..=lines.len() {
        if !lines.is_blank(n) {
            gaps.push(gap(
                GapKind::UnrecognizedLine,
                n,
                format!("after the last operation, no closing `METHOD /path` line: `{}`", lines.get(n).trim()),
            ));
        }
    }
    if operations.is_empty() {
        return Err(ReadError::NoOperations {
            expected: format!("no line holds `METHOD /path` (is {snapshot} an OpenAPI reference rendered as text?)"),
        });
    }
    let api = Api::new(api_name, snapshot);
    Ok(Draft { api, operations, global_parameters: Vec::new(), gaps, merge_identical_shapes: false, anchors })
}

/// `GET /deals/{id}` → (method, path).
fn closing_line(line: &str) -> Option<(Method, &str)> {
    let (method, path) = line.trim().split_once(' ')?;
    let method = Method::from_wire(method)?;
    (path.starts_with('/') && !path.contains(' ')).then_some((method, path))
}

fn is_status(line: &str) -> bool {
    line.len() == 3 && line.chars().all(|c| c.is_ascii_digit())
}

fn read_operation(lines: &Lines, start: u32, end: u32, gaps: &mut Vec<Gap>, anchors: &mut Anchors) -> DraftOperation {
    let (method, path) = closing_line(lines.get(end)).expect("called with the closing line");
    let mut n = start;
    while n < end && lines.is_blank(n) {
        n += 1;
    }
    if lines.get(n).trim() != path {
        gaps.push(gap(
            GapKind::PathMismatch,
            n,
            format!(
                "the operation opens with `{}` but closes with `{} {path}`; the closing line is used",
                lines.get(n).trim(),
                method.as_str()
            ),
        ));
    } else {
        n += 1;
    }
    let mut summary = None;
    let mut parameters = Vec::new();
    let mut request = None;
    let mut responses = Vec::new();
    // The lines of the parameter table's header and of the request's media type.
    let (mut table_at, mut request_at) = (None, None);
    while n < end {
        let line = lines.get(n).trim();
        if line.is_empty() {
            n += 1;
        } else if line == TABLE_HEADER {
            table_at.get_or_insert(n);
            n += 1;
            if lines.get(n).trim().starts_with("|---") {
                n += 1;
            }
            while n < end && lines.get(n).trim_start().starts_with('|') {
                parameters.extend(table_row(lines.get(n), n, gaps));
                n += 1;
            }
        } else if line.contains('/') && !line.contains(' ') && request.is_none() && !line.starts_with('/') {
            // A media type, then the request schema's name.
            let schema = lines.get(n + 1).trim();
            if codegen::spec::is_type_name(schema) {
                request_at = Some(n);
                request = Some(DraftBody {
                    content_type: line.to_string(),
                    shape: Some(DraftType::Named(schema.to_string())),
                    examples: Vec::new(),
                    source: Source::Doc(n + 1),
                });
                n += 2;
            } else {
                gaps.push(gap(GapKind::UnrecognizedLine, n + 1, format!("`{line}` is not followed by a schema name")));
                n += 1;
            }
        } else if is_status(line) {
            responses.push(DraftResponse {
                status: line.to_string(),
                description: None,
                shape: None,
                examples: Vec::new(),
                source: Source::Doc(n),
                status_assumed: false,
                taken_from: None,
            });
            n += 1;
        } else if summary.is_none() && parameters.is_empty() && request.is_none() && responses.is_empty() {
            summary = Some(line.to_string());
            n += 1;
        } else {
            gaps.push(gap(GapKind::UnrecognizedLine, n, format!("not part of the operation's layout: `{line}`")));
            n += 1;
        }
    }
    if let Some(success) = responses.iter().find(|r| r.status.starts_with('2')) {
        gaps.push(gap(
            GapKind::ResponseNotShown,
            start,
            format!("`{} {path}` lists status {} but the document shows no response body; the client returns it as any JSON", method.as_str(), success.status),
        ));
    }
    let title = summary.clone().unwrap_or_default();
    // The operation's anchor: its summary, else its method and path (as its id).
    let route = format!("{} {path}", method.as_str());
    let anchor = anchors.heading(start, if title.is_empty() { &route } else { &title }, Some(&route));
    if let Some(at) = table_at {
        let table = anchors.child(anchor, at, "parameters");
        for p in &parameters {
            anchors.child(table, p.source.line().unwrap_or(at), &p.name);
        }
    }
    if let Some(at) = request_at {
        anchors.child(anchor, at, "request");
    }
    for r in &responses {
        anchors.child(anchor, r.source.line().unwrap_or(start), &format!("response-{}", r.status));
    }
    DraftOperation {
        title,
        id: None,
        description: None,
        method: Some(method),
        path: Some(path.to_string()),
        resolved_by: None,
        parameters,
        request,
        responses,
        source: Source::Doc(start),
        resource: None,
    }
}

/// `| filters[title] | query | optional | string | Filter by ... |`.
fn table_row(line: &str, n: u32, gaps: &mut Vec<Gap>) -> Option<DraftParam> {
    let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
    if cells.len() < 5 {
        gaps.push(gap(GapKind::UnrecognizedLine, n, format!("a parameter row needs 5 cells: `{}`", line.trim())));
        return None;
    }
    let description = cells[4..].join("|").trim().to_string();
    let location = match cells[1] {
        "path" => ParamLocation::Path,
        "query" => ParamLocation::Query,
        "header" => ParamLocation::Header,
        other => {
            let why = format!("parameter `{}` travels in `{other}`, which is not path, query or header", cells[0]);
            gaps.push(gap(GapKind::UnrecognizedLine, n, why));
            return None;
        }
    };
    let ty = match cells[3] {
        "string" => TypeRef::String,
        "integer" => TypeRef::Integer,
        "number" => TypeRef::Number,
        "boolean" => TypeRef::Boolean,
        other => {
            let why = format!("parameter `{}` has type `{other}`, which this reader does not know", cells[0]);
            gaps.push(gap(GapKind::UnrecognizedLine, n, why));
            return None;
        }
    };
    // A description ending on a word no sentence ends with was cut off when the page was
    // rendered (`Can be either`): kept as printed, and reported.
    let last_word = description.rsplit(' ').next().unwrap_or("").to_lowercase();
    if matches!(last_word.as_str(), "of" | "with" | "either" | "the" | "a" | "an" | "for" | "and" | "or" | "be") {
        gaps.push(gap(
            GapKind::TruncatedDescription,
            n,
            format!("the description of `{}` stops mid-sentence (`{description}`); kept as printed", cells[0]),
        ));
    }
    Some(DraftParam {
        name: cells[0].to_string(),
        location,
        ty: DraftType::Prim(ty),
        required: cells[2] == "required",
        deprecated: false,
        default: None,
        format: None,
        description: (!description.is_empty()).then_some(description),
        choices: None,
        source: Source::Doc(n),
        by_definition: Default::default(),
    })
}
