//! Reader for API Blueprint-style pages (Wealthbox): a method line, a title, a URI
//! template (`/v1/contacts{?id}{?email}`), prose, then `Parameters`, `Request
//! Attributes`, `Response Attributes`, `Request`/`Response  200` + `Body` blocks.
//!
//! Attribute lists are flat text: `name`, a type line (`string, required`,
//! `Array (Contact)`, `number,null`), a description, `Choices:`/`Default:` lines, and
//! `Hide child attributesShow child attributes` where a nested list starts. Nested lists
//! have no end marker, so the nesting is rebuilt from the operation's JSON example (the
//! document's best witness): an attribute belongs to the deepest open object whose
//! example has its key. Placements the example cannot settle are reported as gaps.
//!
//! Text made from the page's HTML (`cargo xtask fetch`, `pages::generic`) keeps the
//! nesting the page's markup states: child attributes are indented two spaces per level.
//! A list with indented attributes is nested by its indentation, not by the example.

use std::collections::HashSet;

use codegen::path::PathTemplate;
use codegen::spec::{
    Api, AuthScheme, BaseUrl, Example, Gap, GapKind, Method, ParamLocation, Source, StatusDoc, TypeRef,
};
use serde_json::{Map, Value};

use crate::anchors::{slug, AnchorId, Anchors};
use crate::draft::{
    gap, Choices, Draft, DraftBody, DraftField, DraftObject, DraftOperation, DraftParam, DraftResponse, DraftType,
};
use crate::lines::{is_identifier, split_glued, Lines};

const CHILDREN_MARKER: &str = "Hide child attributesShow child attributes";

pub use crate::readers::ReadError;

/// Reads a Blueprint-style snapshot.
pub fn read(text: &str, api_name: &str, snapshot: &str) -> Result<Draft, ReadError> {
    let lines = Lines::new(text);
    let starts = operation_starts(&lines);
    if starts.is_empty() {
        return Err(ReadError::NoOperations {
            expected: format!(
                "no line holds only an HTTP method followed by a title and a path \
             (is {snapshot} an API Blueprint-style page?)"
            ),
        });
    }
    let mut gaps = Vec::new();
    let mut anchors = Anchors::new(lines.len());
    let preamble_end = heading_start(&lines, starts[0]);
    let (api, global_parameters) = read_preamble(&lines, preamble_end, api_name, snapshot, &mut gaps, &mut anchors);
    let mut operations = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|&next| heading_start(&lines, next)).unwrap_or(lines.len() + 1);
        operations.push(read_operation(&lines, start, end, &mut gaps, &mut anchors));
    }
    Ok(Draft { api, operations, global_parameters, gaps, merge_identical_shapes: false, anchors })
}

fn method_of(line: &str) -> Option<Method> {
    Method::from_wire(line.trim())
}

/// Lines holding only a method, followed by a title line and a path line.
fn operation_starts(lines: &Lines) -> Vec<u32> {
    (1..=lines.len())
        .filter(|&n| method_of(lines.get(n)).is_some() && !lines.is_blank(n + 1) && lines.get(n + 2).starts_with('/'))
        .collect()
}

/// The first line of the headings above an operation (the page's navigation labels,
/// such as the title repeated or `Collection`): blank-separated short lines that are
/// not JSON. The operation's own text starts after them.
fn heading_start(lines: &Lines, method_line: u32) -> u32 {
    let mut first = method_line;
    let mut n = method_line - 1;
    while n >= 1 {
        let line = lines.get(n).trim();
        if line.is_empty() {
            n -= 1;
            continue;
        }
        let heading_like = !line.starts_with(['{', '}', '[', ']', '"', ' '])
            && line.len() < 80
            && lines.is_blank(n.saturating_sub(1))
            && !is_block_keyword(line);
        if heading_like && method_line - n <= 4 {
            first = n;
            n -= 1;
        } else {
            break;
        }
    }
    first
}

fn is_block_keyword(line: &str) -> bool {
    matches!(line, "Parameters" | "Request Attributes" | "Response Attributes" | "Body")
        || request_title(line).is_some()
        || response_status(line).is_some()
}

/// `Request` or `Request  <title>` (the page separates the title with no-break spaces):
/// `Some(title)` when the line starts a request example.
fn request_title(line: &str) -> Option<Option<String>> {
    let rest = line.strip_prefix("Request")?;
    if rest.is_empty() {
        return Some(None);
    }
    rest.starts_with(char::is_whitespace).then(|| Some(rest.trim().to_string()))
}

fn response_status(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("Response")?;
    let status = rest.trim();
    (rest.starts_with(char::is_whitespace)
        && status.len() == 3
        && status.chars().next().is_some_and(|c| c.is_ascii_digit()))
    .then_some(status)
}

// ---------------------------------------------------------------------------------------
// Preamble: base URL, auth headers, status table, paging parameters.

/// A heading of the preamble's prose: a short line, capitalised, that is not a sentence,
/// either between blank lines (`Authentication`, `Authenticating with OAuth`) or titling
/// the curl example below it (`Example Request with API access token`; a page's text may
/// have a blank line between).
fn is_section_heading(lines: &Lines, n: u32) -> bool {
    let line = lines.get(n).trim();
    let next = if lines.is_blank(n + 1) { n + 2 } else { n + 1 };
    (((n == 1 || lines.is_blank(n - 1)) && lines.is_blank(n + 1)) || lines.get(next).starts_with("$ curl "))
        && line.chars().count() <= 60
        && line.starts_with(|c: char| c.is_uppercase())
        && line.ends_with(|c: char| c.is_alphanumeric() || c == ')')
        && !is_block_keyword(line)
}

fn read_preamble(
    lines: &Lines,
    end: u32,
    api_name: &str,
    snapshot: &str,
    gaps: &mut Vec<Gap>,
    anchors: &mut Anchors,
) -> (Api, Vec<DraftParam>) {
    let mut api = Api::new(api_name, snapshot);
    let mut globals = Vec::new();
    let mut n = 1;
    while n < end {
        let line = lines.get(n).trim();
        if is_section_heading(lines, n) {
            anchors.heading(n, line, None);
        }
        if line == "API Endpoint" && lines.get(n + 1).starts_with("http") {
            anchors.heading(n, line, None);
            api.base_url = Some(BaseUrl {
                url: lines.get(n + 1).trim().to_string(),
                variables: Vec::new(),
                source: Source::Doc(n + 1),
            });
        } else if let Some(scheme) = curl_auth_header(line, n) {
            // The first curl example that shows a scheme is its source.
            let known = api.auth.iter().any(|a| match (a, &scheme) {
                (AuthScheme::ApiKeyHeader { header: x, .. }, AuthScheme::ApiKeyHeader { header: y, .. }) => {
                    x.eq_ignore_ascii_case(y)
                }
                (AuthScheme::Bearer { .. }, AuthScheme::Bearer { .. }) => true,
                _ => false,
            });
            if !known {
                api.auth.push(scheme);
            }
        } else if line == "HTTP Status Code Summary" {
            let table = anchors.heading(n, line, None);
            let mut m = n + 1;
            while let Some((status, rest)) = lines.get(m).split_once(" - ") {
                let (title, description) = split_glued(rest);
                // A status may be listed twice, with two titles (`422`).
                anchors.child(table, m, &format!("{}-{}", status.trim(), slug(&title)));
                api.statuses.push(StatusDoc {
                    status: status.trim().to_string(),
                    title,
                    description,
                    source: Source::Doc(m),
                });
                m += 1;
            }
            n = m;
            continue;
        } else if line.ends_with("Parameters") && line.contains(' ') && !line.starts_with('#') {
            // A global parameter table: `name`, `type`, `N (default)` triples.
            let table = anchors.heading(n, line, None);
            let mut m = n + 1;
            while is_identifier(lines.get(m).trim()) {
                let name = lines.get(m).trim().to_string();
                let Some(ty) = parse_type_line(lines.get(m + 1).trim()) else { break };
                anchors.child(table, m, &name);
                let default = lines.get(m + 2).trim().strip_suffix("(default)").map(|d| d.trim().to_string());
                globals.push(DraftParam {
                    name,
                    location: ParamLocation::Query,
                    ty: ty.ty.into_draft(m, gaps),
                    required: ty.required,
                    deprecated: false,
                    default: default.clone(),
                    format: None,
                    description: None,
                    choices: None,
                    source: Source::Doc(m),
                    by_definition: Default::default(),
                });
                m += if default.is_some() { 3 } else { 2 };
            }
            n = m;
            continue;
        }
        n += 1;
    }
    (api, globals)
}

/// `-H "ACCESS_TOKEN:123"` or `-H "AUTHORIZATION: Bearer 123"` in a curl example.
fn curl_auth_header(line: &str, n: u32) -> Option<AuthScheme> {
    let rest = line.strip_prefix("-H \"")?;
    let (name, value) = rest.trim_end_matches('"').split_once(':')?;
    let source = Source::Doc(n);
    if name.eq_ignore_ascii_case("authorization") {
        value.trim().starts_with("Bearer ").then_some(AuthScheme::Bearer { description: None, source })
    } else {
        Some(AuthScheme::ApiKeyHeader { header: name.to_string(), description: None, source })
    }
}

// ---------------------------------------------------------------------------------------
// Operations.

fn read_operation(lines: &Lines, start: u32, end: u32, gaps: &mut Vec<Gap>, anchors: &mut Anchors) -> DraftOperation {
    let method = method_of(lines.get(start));
    let title = lines.get(start + 1).trim().to_string();
    let template = lines.get(start + 2).trim();
    let (path, template_query) = split_uri_template(template);
    let route = format!("{} {path}", method.map(|m| m.as_str()).unwrap_or(""));
    let anchor = anchors.heading(start, &title, Some(&route));
    // A path that does not parse has no placeholders here; normalization reports it.
    let path_params: Vec<String> =
        PathTemplate::parse(&path).map(|p| p.placeholders().map(String::from).collect()).unwrap_or_default();

    let mut n = start + 3;
    let mut description = Vec::new();
    while n < end && !is_block_keyword(lines.get(n).trim()) {
        let line = lines.get(n).trim();
        if !line.is_empty() {
            description.push(line.to_string());
        }
        n += 1;
    }

    let mut params = Vec::new();
    let mut request_entries: Option<(u32, AnchorId, Vec<Entry>)> = None;
    let mut response_entries: Option<(u32, AnchorId, Vec<Entry>)> = None;
    let mut request_examples = Vec::new();
    let mut responses: Vec<(String, u32, Vec<Example>)> = Vec::new();

    while n < end {
        let line = lines.get(n).trim();
        if line.is_empty() {
            n += 1;
            continue;
        }
        match line {
            "Parameters" => {
                let block = anchors.child(anchor, n, "parameters");
                let (entries, next) = read_entries(lines, n + 1, end, gaps);
                for e in entries {
                    anchors.child(block, e.line, &e.name);
                    if e.has_children {
                        gaps.push(gap(
                            GapKind::NestedParameter,
                            e.line,
                            format!("parameter `{}` lists child attributes; they are kept out of the query", e.name),
                        ));
                    }
                    let location =
                        if path_params.contains(&e.name) { ParamLocation::Path } else { ParamLocation::Query };
                    let required = e.required || location == ParamLocation::Path;
                    params.push(DraftParam {
                        name: e.name.clone(),
                        location,
                        ty: e.ty.clone().into_draft(e.line, gaps),
                        required,
                        deprecated: e.description.to_lowercase().contains("deprecated"),
                        default: e.default.clone(),
                        format: None,
                        description: non_empty(&e.description),
                        choices: e.choices.clone(),
                        source: Source::Doc(e.line),
                        by_definition: Default::default(),
                    });
                }
                n = next;
            }
            "Request Attributes" => {
                let block = anchors.child(anchor, n, "request");
                let (entries, next) = read_entries(lines, n + 1, end, gaps);
                request_entries = Some((n, block, entries));
                n = next;
            }
            "Response Attributes" => {
                let block = anchors.child(anchor, n, "response");
                let (entries, next) = read_entries(lines, n + 1, end, gaps);
                response_entries = Some((n, block, entries));
                n = next;
            }
            _ if request_title(line).is_some() || response_status(line).is_some() => {
                let title = request_title(line).flatten();
                let name = match (response_status(line), &title) {
                    (Some(status), _) => format!("response-{status}"),
                    (None, Some(title)) => format!("request-example-{}", slug(title)),
                    (None, None) => "request-example".into(),
                };
                anchors.child(anchor, n, &name);
                let mut body = n + 1;
                while body < end && lines.is_blank(body) {
                    body += 1;
                }
                if lines.get(body).trim() != "Body" {
                    gaps.push(gap(GapKind::UnrecognizedLine, n, format!("`{line}` is not followed by `Body`")));
                    n += 1;
                    continue;
                }
                let mut json_start = body + 1;
                while json_start < end && lines.is_blank(json_start) {
                    json_start += 1;
                }
                if !lines.get(json_start).trim_start().starts_with(['{', '[']) {
                    gaps.push(gap(
                        GapKind::MissingExample,
                        body,
                        format!("`{line}` has a `Body` heading but no JSON after it"),
                    ));
                    n = json_start;
                    continue;
                }
                let boundary = |l: &str| is_block_keyword(l.trim()) || method_of(l).is_some();
                let (example, next) = lines.json_example(json_start, end, title.clone(), boundary, gaps);
                if let Some(status) = response_status(line) {
                    match responses.iter_mut().find(|(s, _, _)| s == status) {
                        Some((_, _, examples)) => examples.push(example),
                        None => responses.push((status.to_string(), n, vec![example])),
                    }
                } else {
                    request_examples.push(example);
                }
                n = next;
            }
            _ => {
                gaps.push(gap(
                    GapKind::UnrecognizedLine,
                    n,
                    format!("not part of any block of the operation: `{}`", truncate(line)),
                ));
                n += 1;
            }
        }
    }

    // Parameters named by the URI template but not described.
    for name in path_params.iter().chain(&template_query) {
        if !params.iter().any(|p| &p.name == name) {
            let location = if path_params.contains(name) { ParamLocation::Path } else { ParamLocation::Query };
            gaps.push(gap(
                GapKind::UndescribedParameter,
                start + 2,
                format!("the URI template names `{name}` but no Parameters entry describes it; typed as string"),
            ));
            params.push(DraftParam {
                name: name.clone(),
                location,
                ty: DraftType::Prim(TypeRef::String),
                required: location == ParamLocation::Path,
                deprecated: false,
                default: None,
                format: None,
                description: None,
                choices: None,
                source: Source::Doc(start + 2),
                by_definition: Default::default(),
            });
        }
    }

    let request = match (request_entries, request_examples.is_empty()) {
        (None, true) => None,
        (entries, _) => {
            let witnesses = parsed(&request_examples);
            let (line, shape) = match entries {
                Some((line, block, entries)) => {
                    let fields = build_tree(entries, &witnesses, line, gaps, (&mut *anchors, block));
                    (line, Some(DraftType::Object(DraftObject { doc_name: None, fields, source: Source::Doc(line), taken_from: None })))
                }
                None => {
                    let line = request_examples[0].source.line().unwrap_or(start);
                    gaps.push(gap(
                        GapKind::ExampleWithoutAttributes,
                        line,
                        "the request example has no Request Attributes; the body is typed as any JSON",
                    ));
                    (line, Some(DraftType::Any))
                }
            };
            if method == Some(Method::Get) {
                gaps.push(gap(
                    GapKind::GetWithBody,
                    line,
                    format!("`{title}` is a GET but the document gives it a request body; kept as documented"),
                ));
            }
            Some(DraftBody {
                content_type: "application/json".into(),
                shape,
                examples: request_examples,
                source: Source::Doc(line),
            })
        }
    };

    let mut draft_responses = Vec::new();
    for (status, line, examples) in responses {
        let shape = if status.starts_with('2') {
            response_entries.take().map(|(attr_line, block, entries)| {
                let fields = build_tree(entries, &parsed(&examples), attr_line, gaps, (&mut *anchors, block));
                DraftType::Object(DraftObject { doc_name: None, fields, source: Source::Doc(attr_line), taken_from: None })
            })
        } else {
            None
        };
        let shape = shape.or_else(|| {
            gaps.push(gap(
                GapKind::ExampleWithoutAttributes,
                line,
                format!("response {status} has an example but no Response Attributes; typed as any JSON"),
            ));
            Some(DraftType::Any)
        });
        draft_responses.push(DraftResponse {
            status,
            description: None,
            shape,
            examples,
            source: Source::Doc(line),
            status_assumed: false,
            taken_from: None,
        });
    }
    if let Some((line, block, entries)) = response_entries {
        // Attributes without any example: the status is not shown; 200 is the document's
        // only success status.
        gaps.push(gap(
            GapKind::AttributesWithoutExample,
            line,
            "Response Attributes without a `Response` example; assumed to be the 200 response",
        ));
        let fields = build_tree(entries, &[], line, gaps, (&mut *anchors, block));
        draft_responses.push(DraftResponse {
            status: "200".into(),
            description: None,
            shape: Some(DraftType::Object(DraftObject {
                doc_name: None,
                fields,
                source: Source::Doc(line),
                taken_from: None,
            })),
            examples: Vec::new(),
            source: Source::Doc(line),
            status_assumed: false,
            taken_from: None,
        });
    }

    DraftOperation {
        title,
        id: None,
        description: (!description.is_empty()).then(|| description.join("\n\n")),
        method,
        path: Some(path),
        resolved_by: None,
        parameters: params,
        request,
        responses: draft_responses,
        source: Source::Doc(start),
        resource: None,
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn parsed(examples: &[Example]) -> Vec<Value> {
    examples.iter().filter(|e| e.valid_json).filter_map(|e| serde_json::from_str(&e.json).ok()).collect()
}

/// `/v1/contacts{?id}{?a,b}` → (`/v1/contacts`, [`id`, `a`, `b`]).
fn split_uri_template(template: &str) -> (String, Vec<String>) {
    let (path, query) = match template.find("{?") {
        Some(i) => (&template[..i], &template[i..]),
        None => (template, ""),
    };
    let names = query
        .split(['{', '}'])
        .filter_map(|group| group.strip_prefix('?').or_else(|| group.strip_prefix('&')))
        .flat_map(|group| group.split(','))
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .collect();
    (path.to_string(), names)
}

// ---------------------------------------------------------------------------------------
// Attribute lists.

/// A type line's type, as the document words it.
#[derive(Debug, Clone, PartialEq)]
enum DocType {
    Prim(TypeRef),
    Array(Box<DocType>),
    Named(String),
    /// The document prints `undefined` where a type name should be.
    Undefined,
}

impl DocType {
    fn into_draft(self, line: u32, gaps: &mut Vec<Gap>) -> DraftType {
        match self {
            DocType::Prim(t) => DraftType::Prim(t),
            DocType::Array(inner) => DraftType::Array(Box::new(inner.into_draft(line, gaps))),
            DocType::Named(n) => DraftType::Named(n),
            DocType::Undefined => {
                gaps.push(gap(
                    GapKind::UndefinedType,
                    line,
                    "the document prints `undefined` as the type and lists no attributes; typed as any JSON",
                ));
                DraftType::Any
            }
        }
    }
}

#[derive(Debug)]
struct TypeLine {
    ty: DocType,
    required: bool,
    nullable: bool,
}

/// `string`, `number, required`, `number,null`, `Array (Amount), required`,
/// `array[string]`, `Datetime`, `Occupation`.
fn parse_type_line(line: &str) -> Option<TypeLine> {
    let mut parts = line.split(',').map(str::trim);
    let base = parts.next()?;
    let (mut required, mut nullable) = (false, false);
    for flag in parts {
        match flag {
            "required" => required = true,
            "null" | "nullable" => nullable = true,
            _ => return None,
        }
    }
    Some(TypeLine { ty: parse_base_type(base)?, required, nullable })
}

fn parse_base_type(base: &str) -> Option<DocType> {
    if let Some(inner) = base.strip_prefix("Array (").and_then(|r| r.strip_suffix(')')) {
        return Some(DocType::Array(Box::new(parse_base_type(inner)?)));
    }
    if let Some(inner) = base.strip_prefix("array[").and_then(|r| r.strip_suffix(']')) {
        return Some(DocType::Array(Box::new(parse_base_type(inner)?)));
    }
    Some(match base {
        "string" => DocType::Prim(TypeRef::String),
        "number" => DocType::Prim(TypeRef::Number),
        "integer" => DocType::Prim(TypeRef::Integer),
        "boolean" => DocType::Prim(TypeRef::Boolean),
        "Date" | "date" => DocType::Prim(TypeRef::Date),
        "Datetime" | "DateTime" | "datetime" => DocType::Prim(TypeRef::DateTime),
        "undefined" => DocType::Undefined,
        name if codegen::spec::is_type_name(name) => DocType::Named(name.to_string()),
        _ => return None,
    })
}

/// One attribute as listed.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    ty: DocType,
    required: bool,
    nullable: bool,
    description: String,
    default: Option<String>,
    choices: Option<Choices>,
    has_children: bool,
    line: u32,
    /// Spaces before the name: the page's own nesting, in text made from its HTML.
    indent: usize,
}

/// Reads attribute entries from `start` up to the next block keyword (or `end`).
fn read_entries(lines: &Lines, start: u32, end: u32, gaps: &mut Vec<Gap>) -> (Vec<Entry>, u32) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut n = start;
    while n < end {
        let raw = lines.get(n);
        let line = raw.trim();
        if line.is_empty() {
            n += 1;
            continue;
        }
        if is_block_keyword(line) || method_of(line).is_some() {
            break;
        }
        if is_identifier(line) {
            if let Some(t) = parse_type_line(lines.get(n + 1).trim()) {
                entries.push(Entry {
                    name: line.to_string(),
                    ty: t.ty,
                    required: t.required,
                    nullable: t.nullable,
                    description: String::new(),
                    default: None,
                    choices: None,
                    has_children: false,
                    line: n,
                    indent: raw.len() - raw.trim_start().len(),
                });
                n += 2;
                continue;
            }
        }
        let Some(entry) = entries.last_mut() else {
            gaps.push(gap(
                GapKind::UnrecognizedLine,
                n,
                format!("expected an attribute name and type, found `{}`", truncate(line)),
            ));
            n += 1;
            continue;
        };
        if line == CHILDREN_MARKER {
            entry.has_children = true;
        } else if let Some(choices) = line.strip_prefix("Choices:") {
            entry.choices = Some(Choices {
                text: choices.trim().to_string(),
                values: None,
                doc_name: None,
                source: Source::Doc(n),
            });
        } else if let Some(default) = line.strip_prefix("Default:") {
            entry.default = Some(default.trim().to_string());
        } else {
            // `(string) - text` is the document's inline form of a description.
            let text = match line.strip_prefix('(').and_then(|r| r.split_once(") - ")) {
                Some((_, text)) => text,
                None => line,
            };
            if !entry.description.is_empty() {
                entry.description.push(' ');
            }
            entry.description.push_str(text);
        }
        n += 1;
    }
    (entries, n)
}

/// One open object while rebuilding the nesting.
struct Frame<'w> {
    parent: Option<Entry>,
    fields: Vec<DraftField>,
    /// The names in `fields` (lists of thousands of attributes stay linear).
    held: HashSet<String>,
    witnesses: Vec<&'w Map<String, Value>>,
    /// The keys of `witnesses`.
    shown: HashSet<&'w str>,
    /// The frame was just opened: its first entry belongs to it whatever the witness says.
    fresh: bool,
}

impl<'w> Frame<'w> {
    fn new(parent: Option<Entry>, witnesses: Vec<&'w Map<String, Value>>, fresh: bool) -> Self {
        let shown = witnesses.iter().flat_map(|w| w.keys().map(String::as_str)).collect();
        Frame { parent, fields: Vec::new(), held: HashSet::new(), witnesses, shown, fresh }
    }

    fn push(&mut self, field: DraftField) {
        self.held.insert(field.name.clone());
        self.fields.push(field);
    }
}

/// Rebuilds the nesting of a flat attribute list from its examples (see module docs), and
/// registers each attribute's row inside `block` by its path (`events.linked_to.id`).
fn build_tree(
    entries: Vec<Entry>,
    examples: &[Value],
    header_line: u32,
    gaps: &mut Vec<Gap>,
    (anchors, block): (&mut Anchors, AnchorId),
) -> Vec<DraftField> {
    let roots = examples.iter().filter_map(Value::as_object).collect();
    let mut stack = vec![Frame::new(None, roots, false)];
    // Indented entries state their nesting: an entry closes the lists of entries indented
    // as much as it or more.
    let indented = entries.iter().any(|e| e.indent > 0);
    for entry in entries {
        let top = stack.len() - 1;
        if indented {
            while stack.last().and_then(|f| f.parent.as_ref()).is_some_and(|p| p.indent >= entry.indent) {
                close_frame(&mut stack, gaps);
            }
        } else if top > 0 && !stack[top].fresh {
            // The deepest open object whose example has the key; an object lists a key
            // once, so one that already holds this name is passed over when another fits.
            let shows = |d: usize| stack[d].shown.contains(entry.name.as_str());
            let holds = |d: usize| stack[d].held.contains(&entry.name);
            let witnessed = (0..stack.len())
                .rev()
                .find(|&d| shows(d) && !holds(d))
                .or_else(|| (0..stack.len()).rev().find(|&d| shows(d)));
            let target = match witnessed {
                Some(d) => d,
                None => {
                    let parent = stack[top].parent.as_ref().map(|p| p.name.as_str()).unwrap_or("");
                    gaps.push(gap(
                        GapKind::UnwitnessedNesting,
                        entry.line,
                        format!(
                            "no example shows where `{}` belongs; kept inside `{parent}`, the list it follows",
                            entry.name
                        ),
                    ));
                    top
                }
            };
            while stack.len() - 1 > target {
                close_frame(&mut stack, gaps);
            }
        }
        let top = stack.len() - 1;
        stack[top].fresh = false;
        let path: Vec<&str> = stack
            .iter()
            .filter_map(|f| f.parent.as_ref())
            .map(|p| p.name.as_str())
            .chain([entry.name.as_str()])
            .collect();
        anchors.child(block, entry.line, &path.join("."));
        if entry.has_children {
            let witnesses = stack[top]
                .witnesses
                .iter()
                .filter_map(|w| w.get(&entry.name))
                .flat_map(|v| match v {
                    Value::Array(items) => items.iter().filter_map(Value::as_object).collect::<Vec<_>>(),
                    Value::Object(o) => vec![o],
                    _ => vec![],
                })
                .collect();
            stack.push(Frame::new(Some(entry), witnesses, true));
        } else {
            let field = to_field(entry, None, gaps);
            stack[top].push(field);
        }
    }
    while stack.len() > 1 {
        close_frame(&mut stack, gaps);
    }
    let mut root = stack.pop().expect("the root frame stays open");
    add_undocumented_keys(&mut root, header_line, gaps);
    root.fields
}

fn close_frame(stack: &mut Vec<Frame>, gaps: &mut Vec<Gap>) {
    let mut frame = stack.pop().expect("close_frame is called with an open child frame");
    let line = frame.parent.as_ref().map(|p| p.line).unwrap_or(0);
    add_undocumented_keys(&mut frame, line, gaps);
    let parent = frame.parent.expect("only the root frame has no parent, and it is never closed");
    let field = to_field(parent, Some(frame.fields), gaps);
    stack.last_mut().expect("the root frame stays open").push(field);
}

/// Keys the examples show at this level but the attribute list does not: kept as fields
/// typed from the example (objects as any JSON), each reported.
fn add_undocumented_keys(frame: &mut Frame, line: u32, gaps: &mut Vec<Gap>) {
    let mut extra: Vec<(String, DraftType)> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for witness in &frame.witnesses {
        for (key, value) in witness.iter() {
            if frame.held.contains(key) || !seen.insert(key) {
                continue;
            }
            extra.push((key.clone(), type_of_example(value)));
        }
    }
    let owner = frame.parent.as_ref().map(|p| format!("`{}`", p.name)).unwrap_or_else(|| "the body".into());
    for (name, ty) in extra {
        gaps.push(gap(
            GapKind::UndocumentedExampleKey,
            line,
            format!("the example of {owner} has key `{name}`, which its attribute list does not document here; kept as a field typed from the example"),
        ));
        frame.push(DraftField {
            name,
            ty,
            required: false,
            nullable: false,
            deprecated: false,
            default: None,
            format: None,
            description: None,
            choices: None,
            source: Source::Doc(line),
            by_definition: Default::default(),
        });
    }
}

/// The type an example value shows: primitives as they are, containers as any JSON.
fn type_of_example(value: &Value) -> DraftType {
    match value {
        Value::Bool(_) => DraftType::Prim(TypeRef::Boolean),
        Value::Number(n) if n.is_i64() || n.is_u64() => DraftType::Prim(TypeRef::Integer),
        Value::Number(_) => DraftType::Prim(TypeRef::Number),
        Value::String(s) if crate::normalize::timestamp_format(s).is_some() => DraftType::Prim(TypeRef::DateTime),
        Value::String(_) => DraftType::Prim(TypeRef::String),
        _ => DraftType::Any,
    }
}

fn to_field(entry: Entry, children: Option<Vec<DraftField>>, gaps: &mut Vec<Gap>) -> DraftField {
    let line = entry.line;
    let ty = match children {
        None => entry.ty.clone().into_draft(line, gaps),
        Some(fields) => {
            let object = |doc_name: Option<String>| DraftObject {
                doc_name,
                fields,
                source: Source::Doc(line),
                taken_from: None,
            };
            match entry.ty.clone() {
                DocType::Array(inner) => DraftType::Array(Box::new(match *inner {
                    DocType::Named(n) => DraftType::Object(object(Some(n))),
                    other => {
                        gaps.push(gap(GapKind::DeclaredTypeConflict, line, format!("`{}` is declared an array of {other:?} but lists child attributes; typed from the child attributes", entry.name)));
                        DraftType::Object(object(None))
                    }
                })),
                DocType::Named(n) => DraftType::Object(object(Some(n))),
                other => {
                    gaps.push(gap(
                        GapKind::DeclaredTypeConflict,
                        line,
                        format!(
                            "`{}` is declared {other:?} but lists child attributes; typed from the child attributes",
                            entry.name
                        ),
                    ));
                    DraftType::Object(object(None))
                }
            }
        }
    };
    DraftField {
        name: entry.name,
        ty,
        required: entry.required,
        nullable: entry.nullable,
        deprecated: entry.description.to_lowercase().contains("deprecated"),
        default: entry.default,
        format: None,
        description: non_empty(&entry.description),
        choices: entry.choices,
        source: Source::Doc(line),
        by_definition: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_lines_carry_flags() {
        let t = parse_type_line("Array (Amount), required").unwrap();
        assert_eq!(t.ty, DocType::Array(Box::new(DocType::Named("Amount".into()))));
        assert!(t.required && !t.nullable);
        let t = parse_type_line("number,null").unwrap();
        assert!(t.nullable && !t.required);
        assert!(parse_type_line("The id of the user").is_none());
        assert!(parse_type_line("string, maybe").is_none());
    }

    #[test]
    fn uri_templates_split_into_path_and_query_names() {
        let (path, query) = split_uri_template("/v1/contacts{?id}{?contactType}");
        assert_eq!(path, "/v1/contacts");
        assert_eq!(query, vec!["id", "contactType"]);
    }
}
