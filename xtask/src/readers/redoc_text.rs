//! Reader for Redoc reference pages scraped to text (Nimble). The scrape lost every
//! heading and every per-operation method and path; what is left per operation is a
//! description, parameter rows (`| name required | type ... description |`) and Redoc's
//! JSON samples (`{- "key": value, ...}`), the request sample first when the operation
//! has a body, then one response sample. Samples are glued to the text around them
//! (`}Returns contact`, `}{- "avatar_url"`). Prose sections and documentation tables
//! sit in between and are not operations.
//!
//! This reader owns:
//! - cutting glued lines apart and turning Redoc samples into JSON (the `- ` list
//!   markers removed; the result is what the fixtures hold);
//! - segmenting operations without headings: a text block followed by rows or a sample
//!   is an operation's description; a sample that cannot belong to the operation before
//!   it (a third sample, or a second one when the first is not a request) starts an
//!   operation without description. Operations are counted a second way, from the
//!   samples, and the two counts must agree (else an `operation_count` gap);
//! - parameter rows: name, required, deprecation, type, format, default, enum, the
//!   document's type names (`Contacts.ContactType` → `ContactsContactType`);
//! - body fields told from path/query parameters: the rows that, in order, name the keys
//!   of the request sample are the body (Redoc lists the body schema last, in the
//!   sample's order); a row that lost its name cell takes the key at its place, else it
//!   is a `nameless_row` gap;
//! - response shapes inferred from the samples: Redoc's placeholders (`"string"`, `0`,
//!   `true`, `"2019-08-24T14:15:22Z"`, `{ }`) are types, other values are examples;
//!   objects with `property1`/`property2` or with keys that are not identifiers are maps.
//!
//! Method and path are not in an operation's text: they come from the overlay (see
//! `overlay.rs`), and parameters stay `in: unknown` until then. The reader knows no
//! vendor fact: the API's base URL, auth and paging, stated only in prose, are overlay
//! entries with checked quotes.

use codegen::spec::{Api, Example, Gap, GapKind, ParamLocation, Source, TypeRef};
use serde_json::{Map, Value};

use crate::anchors::{AnchorId, Anchors};
use crate::draft::{
    doc_type_name, gap, Choices, Draft, DraftBody, DraftField, DraftObject, DraftOperation, DraftParam, DraftResponse,
    DraftType,
};
use crate::lines::{is_identifier, Lines};
use crate::readers::ReadError;

/// Reads a Redoc-text snapshot.
pub fn read(text: &str, api_name: &str, snapshot: &str) -> Result<Draft, ReadError> {
    let lines = Lines::new(text);
    let mut gaps = Vec::new();
    let pieces = scan(&lines, &mut gaps);
    let segmented = segment(&pieces, &mut gaps);
    if segmented.is_empty() {
        return Err(ReadError::NoOperations {
            expected: format!(
                "no parameter row (`| name | type |`) and no Redoc sample (`{{- \"key\": ...}}`) \
             follows a description (is {snapshot} a Redoc page scraped to text?)"
            ),
        });
    }
    let counts = Counts::of(&segmented);
    if counts.by_descriptions != counts.by_samples {
        gaps.push(gap(
            GapKind::OperationCount,
            segmented[0].start,
            format!(
                "the two counts of operations differ: {} by descriptions ({} described + {} that start with a sample), {} by samples ({} response samples + {} operations without one)",
                counts.by_descriptions, counts.described, counts.undescribed, counts.by_samples, counts.responses, counts.without_response
            ),
        ));
    }
    let mut anchors = Anchors::new(lines.len());
    let operations = segmented.into_iter().map(|op| build_operation(op, &mut gaps, &mut anchors)).collect();
    let api = Api::new(api_name, snapshot);
    gaps.sort_by_key(|g| g.source.line().unwrap_or(0));
    Ok(Draft { api, operations, global_parameters: Vec::new(), gaps, merge_identical_shapes: true, anchors })
}

// ---------------------------------------------------------------------------------------
// Scanning: lines cut where a sample closes, samples turned into JSON.

/// A piece of the document: a (part of a) text line, or a whole Redoc sample.
#[derive(Debug, Clone)]
enum Piece {
    Text {
        line: u32,
        text: String,
        /// Follows a sample's closing brace on the same line.
        glued: bool,
    },
    Sample(Sample),
}

/// A Redoc sample, as JSON.
#[derive(Debug, Clone)]
struct Sample {
    line: u32,
    json: String,
    value: Option<Value>,
}

impl Sample {
    fn keys(&self) -> Vec<String> {
        match &self.value {
            Some(Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }

    fn example(&self) -> Example {
        Example {
            title: None,
            valid_json: self.value.is_some(),
            json: self.json.clone(),
            source: Source::Doc(self.line),
        }
    }
}

fn starts_sample(s: &str) -> bool {
    s.starts_with("{- ")
}

/// Cuts the document into text pieces and samples.
fn scan(lines: &Lines, gaps: &mut Vec<Gap>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut n = 1;
    while n <= lines.len() {
        let mut rest: &str = lines.get(n);
        let mut glued = false;
        loop {
            if starts_sample(rest.trim_start()) {
                let (sample, end_line, tail) = read_sample(lines, n, rest.trim_start(), gaps);
                pieces.push(Piece::Sample(sample));
                n = end_line;
                rest = tail;
                glued = true;
                if rest.is_empty() {
                    break;
                }
            } else {
                if !rest.trim().is_empty() {
                    pieces.push(Piece::Text { line: n, text: rest.trim().to_string(), glued });
                }
                break;
            }
        }
        n += 1;
    }
    pieces
}

/// A line that can continue a sample: a key line, a closing bracket, or a value.
fn continues_sample(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with(['-', '}', ']', '{', '[', '"'])
}

/// Reads the sample starting at `first` (the rest of line `start`), converting it to
/// JSON on the way. Returns it, the line where it closes and the text after its closing
/// brace on that line.
fn read_sample<'a>(lines: &Lines<'a>, start: u32, first: &'a str, gaps: &mut Vec<Gap>) -> (Sample, u32, &'a str) {
    let mut out = String::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let mut n = start;
    let mut text: &'a str = first;
    loop {
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if in_string {
                out.push(c);
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                '-' if chars.peek().is_some_and(|(_, next)| *next == ' ')
                    && matches!(out.trim_end().chars().last(), Some('{' | '[' | ',')) =>
                {
                    // Redoc's list marker: dropped.
                    chars.next();
                    continue;
                }
                _ => {}
            }
            out.push(c);
            if depth == 0 {
                let tail = &text[i + c.len_utf8()..];
                return (finish_sample(start, out, gaps), n, tail);
            }
        }
        if n >= lines.len() || !continues_sample(lines.get(n + 1)) {
            gaps.push(gap(
                GapKind::InvalidJsonExample,
                n,
                "the sample never closes its brackets; kept verbatim, not used as a fixture",
            ));
            return (Sample { line: start, json: out, value: None }, n, "");
        }
        n += 1;
        out.push('\n');
        text = lines.get(n);
    }
}

fn finish_sample(start: u32, json: String, gaps: &mut Vec<Gap>) -> Sample {
    match serde_json::from_str::<Value>(&json) {
        Ok(value) => Sample { line: start, json, value: Some(value) },
        Err(e) => {
            gaps.push(gap(
                GapKind::InvalidJsonExample,
                start + e.line().saturating_sub(1) as u32,
                format!("the sample is not valid JSON once Redoc's markers are removed: {e}; not used as a fixture"),
            ));
            Sample { line: start, json, value: None }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Segmenting.

/// An operation as the document lays it out.
#[derive(Debug)]
struct Segment {
    start: u32,
    description: Vec<(u32, String)>,
    rows: Vec<RawRow>,
    samples: Vec<Sample>,
    /// Index in `rows` where the body rows start, when the first sample is a request.
    body_from: Option<usize>,
}

/// A parameter row, its continuation lines joined.
#[derive(Debug, Clone)]
struct RawRow {
    line: u32,
    text: String,
    closed: bool,
}

impl Segment {
    fn new(start: u32, description: Vec<(u32, String)>) -> Segment {
        Segment { start, description, rows: Vec::new(), samples: Vec::new(), body_from: None }
    }

    fn has_request(&self) -> bool {
        self.body_from.is_some()
    }
}

/// The two counts of operations, and their parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Operations introduced by a description.
    pub described: usize,
    /// Operations that start with a sample (their description was lost).
    pub undescribed: usize,
    /// `described + undescribed`.
    pub by_descriptions: usize,
    /// Response samples (one per operation at most).
    pub responses: usize,
    /// Operations that show no response sample.
    pub without_response: usize,
    /// `responses + without_response`.
    pub by_samples: usize,
}

impl Counts {
    fn of(segments: &[Segment]) -> Counts {
        let described = segments.iter().filter(|s| !s.description.is_empty()).count();
        let undescribed = segments.len() - described;
        let total_samples: usize = segments.iter().map(|s| s.samples.len()).sum();
        let requests = segments.iter().filter(|s| s.has_request()).count();
        let responses = total_samples - requests;
        let without_response = segments.iter().filter(|s| s.samples.len() == usize::from(s.has_request())).count();
        Counts {
            described,
            undescribed,
            by_descriptions: described + undescribed,
            responses,
            without_response,
            by_samples: responses + without_response,
        }
    }
}

/// Counts the operations of a Redoc-text document both ways (for reports and tests).
pub fn count_operations(text: &str) -> Counts {
    let lines = Lines::new(text);
    let mut gaps = Vec::new();
    let pieces = scan(&lines, &mut gaps);
    Counts::of(&segment(&pieces, &mut gaps))
}

fn is_table_rule(s: &str) -> bool {
    s.starts_with("|---") || s.starts_with("| ---")
}

fn closes_row(s: &str) -> bool {
    s.ends_with('|')
}

/// A line that opens a row whose name cell was lost, judged on the line alone.
fn opens_nameless_row(s: &str) -> bool {
    s.starts_with("required |") || (closes_row(s) && !s.starts_with('|'))
}

/// Whether text line `i` opens a nameless row continued on the next lines: a line
/// closing a row comes before any other row, sample or description-like text.
fn nameless_row_ahead(pieces: &[Piece], i: usize) -> bool {
    let Some(Piece::Text { text, .. }) = pieces.get(i) else { return false };
    if opens_nameless_row(text) {
        return true;
    }
    for piece in pieces.iter().skip(i + 1).take(4) {
        match piece {
            Piece::Text { text, glued: false, .. } if !text.starts_with('|') => {
                if closes_row(text) {
                    return true;
                }
            }
            Piece::Text { text, .. } => return text == "|" || text.starts_with("| |"),
            Piece::Sample(_) => return false,
        }
    }
    false
}

fn segment(pieces: &[Piece], gaps: &mut Vec<Gap>) -> Vec<Segment> {
    enum State {
        Prose,
        Rows,
        Samples,
    }
    let mut segments: Vec<Segment> = Vec::new();
    let mut block: Vec<(u32, String, bool)> = Vec::new();
    let mut in_doc_table = false;
    let mut state = State::Prose;
    let mut i = 0;
    while i < pieces.len() {
        let piece = &pieces[i];
        match (&state, piece) {
            (State::Prose, Piece::Text { line, text, glued }) => {
                let next_is_rule = matches!(pieces.get(i + 1), Some(Piece::Text { text, .. }) if is_table_rule(text));
                if in_doc_table && (text.starts_with('|') || closes_row(text)) && !*glued {
                    block.push((*line, text.clone(), *glued));
                } else if text.starts_with('|') && next_is_rule {
                    in_doc_table = true;
                    block.push((*line, text.clone(), *glued));
                } else if !block.is_empty() && (text.starts_with("| ") || opens_nameless_row(text)) {
                    in_doc_table = false;
                    let description = description_of(&block);
                    block.clear();
                    segments.push(Segment::new(description.first().map(|d| d.0).unwrap_or(*line), description));
                    state = State::Rows;
                    continue;
                } else {
                    in_doc_table = false;
                    block.push((*line, text.clone(), *glued));
                }
            }
            (State::Prose, Piece::Sample(sample)) => {
                in_doc_table = false;
                let description = description_of(&block);
                block.clear();
                if description.is_empty() {
                    gaps.push(gap(
                        GapKind::UndescribedOperation,
                        sample.line,
                        "a sample follows the previous operation's samples with no text between: an operation whose description was lost; its id comes from its response's keys",
                    ));
                }
                segments.push(Segment::new(description.first().map(|d| d.0).unwrap_or(sample.line), description));
                state = State::Samples;
                continue;
            }
            (State::Rows, Piece::Text { line, text, glued }) => {
                let op = segments.last_mut().expect("rows belong to an open operation");
                let open = op.rows.last().is_some_and(|r| !r.closed);
                let only_borders = text.chars().all(|c| c == '|' || c.is_whitespace());
                if open && only_borders {
                    let last = op.rows.last_mut().expect("an open row");
                    last.text.push('\n');
                    last.text.push_str(text);
                    last.closed = true;
                } else if text.starts_with("| ") {
                    if let Some(last) = op.rows.last_mut() {
                        last.closed = true;
                    }
                    op.rows.push(RawRow { line: *line, text: text.clone(), closed: closes_row(text) });
                } else if open {
                    let last = op.rows.last_mut().expect("an open row");
                    last.text.push('\n');
                    last.text.push_str(text);
                    last.closed = closes_row(text);
                } else if only_borders {
                    // A stray cell border: nothing to read.
                } else if nameless_row_ahead(pieces, i) {
                    op.rows.push(RawRow { line: *line, text: text.clone(), closed: closes_row(text) });
                } else {
                    state = State::Prose;
                    block.push((*line, text.clone(), *glued));
                }
            }
            (State::Rows, Piece::Sample(_)) => {
                state = State::Samples;
                continue;
            }
            (State::Samples, Piece::Sample(sample)) => {
                let op = segments.last_mut().expect("samples belong to an open operation");
                let takes = match op.samples.len() {
                    0 => {
                        op.body_from = body_alignment(&op.rows, sample);
                        true
                    }
                    1 => op.has_request(),
                    _ => false,
                };
                if takes {
                    op.samples.push(sample.clone());
                } else {
                    state = State::Prose;
                    continue;
                }
            }
            (State::Samples, Piece::Text { .. }) => {
                state = State::Prose;
                continue;
            }
        }
        i += 1;
    }
    for op in &mut segments {
        if let Some(last) = op.rows.last() {
            if !last.closed {
                gaps.push(gap(
                    GapKind::UnrecognizedLine,
                    last.line,
                    "a parameter row never closes with `|`; read up to the next sample or description",
                ));
            }
        }
    }
    segments
}

/// The description of the operation a text block introduces: the whole block when it
/// follows a sample directly and is plain text, else only its last line (the rest is a
/// prose section: definitions, JSON, tables).
fn description_of(block: &[(u32, String, bool)]) -> Vec<(u32, String)> {
    let Some(last) = block.last() else { return Vec::new() };
    let plain = |t: &str| !t.starts_with(['{', '}', '[', ']', '"', ':', '|']) && !t.ends_with('|');
    if block[0].2 && block.iter().all(|(_, t, _)| plain(t)) {
        block.iter().map(|(l, t, _)| (*l, t.clone())).collect()
    } else {
        vec![(last.0, last.1.clone())]
    }
}

/// Where the body rows start: the rows that, in order, give the keys of the sample (a
/// row without a name takes the key at its place). `None` when the sample is not a
/// request sample.
fn body_alignment(rows: &[RawRow], sample: &Sample) -> Option<usize> {
    let keys = sample.keys();
    if keys.is_empty() || keys.len() > rows.len() {
        return None;
    }
    let from = rows.len() - keys.len();
    let mut named = 0;
    for (row, key) in rows[from..].iter().zip(&keys) {
        match row_name(&row.text) {
            Some(row) if &row.name == key => named += 1,
            Some(_) => return None,
            // A row without its name takes the key at its place only if the value there
            // is of the row's type.
            None => {
                let value = sample.value.as_ref().and_then(|v| v.get(key)).unwrap_or(&Value::Null);
                let fits = match parse_cell(&row_body(&row.text).1).ty {
                    DocType::Array(_) => value.is_array(),
                    DocType::Object | DocType::OneOf(_) => value.is_object() || value.is_null(),
                    DocType::Prim(TypeRef::String) => value.is_string() || value.is_null(),
                    DocType::Prim(TypeRef::Boolean) => value.is_boolean() || value.is_null(),
                    DocType::Prim(_) => value.is_number() || value.is_null(),
                    DocType::Any => true,
                };
                if !fits {
                    return None;
                }
            }
        }
    }
    // Rows lose their name cell only where Redoc drew an expand button (object and
    // array fields of a body): a suffix of such rows is a body too.
    let all_nameless = rows[from..].iter().all(|r| row_name(&r.text).is_none());
    (named > 0 || all_nameless).then_some(from)
}

// ---------------------------------------------------------------------------------------
// Rows.

/// The name cell of a row: (name, required, deprecated); `None` when the row lost it.
/// What a row's name cell says: the wire name and the marks beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowName {
    name: String,
    /// Marked `required`.
    required: bool,
    /// Marked `DEPRECATED`.
    deprecated: bool,
}

fn row_name(text: &str) -> Option<RowName> {
    let rest = text.strip_prefix("| ")?;
    let (cell, _) = rest.split_once('|')?;
    let cell = cell.trim();
    let name = cell.split_whitespace().next()?;
    if !is_identifier(name) && !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let after = cell[name.len()..].trim();
    let required = after.split_whitespace().any(|w| w == "required");
    let deprecated = after.contains("DEPRECATED");
    Some(RowName { name: name.to_string(), required, deprecated })
}

/// The type cell of a row (everything after the name cell, trailing `|` removed).
fn row_body(text: &str) -> (bool, String) {
    let text = text.replace('\n', " ");
    let body = match text.strip_prefix("| ") {
        Some(rest) => rest.split_once('|').map(|(_, b)| b.to_string()).unwrap_or_default(),
        None => text.clone(),
    };
    let mut body = body.trim().to_string();
    let mut required = false;
    if let Some(rest) = body.strip_prefix("required |") {
        required = true;
        body = rest.trim().to_string();
    }
    while let Some(rest) = body.strip_suffix('|') {
        body = rest.trim_end().to_string();
    }
    (required, body)
}

/// A type as a row words it.
#[derive(Debug, Clone, PartialEq)]
enum DocType {
    Prim(TypeRef),
    Object,
    Any,
    Array(Box<DocType>),
    /// `A (object) or B (object)`: one of several named objects.
    OneOf(Vec<String>),
}

/// What a row's type cell says.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    ty: DocType,
    nullable: bool,
    doc_name: Option<String>,
    format: Option<String>,
    deprecated: bool,
    default: Option<String>,
    values: Option<Vec<String>>,
    description: Option<String>,
}

fn is_doc_type_name(s: &str) -> bool {
    let mut parts = s.split('.');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && p.chars().all(|c| c.is_ascii_alphanumeric())
        })
    };
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

fn prim_word(word: &str) -> Option<DocType> {
    Some(match word {
        "string" | "strings" => DocType::Prim(TypeRef::String),
        "integer" | "integers" => DocType::Prim(TypeRef::Integer),
        "number" | "numbers" => DocType::Prim(TypeRef::Number),
        "boolean" | "booleans" => DocType::Prim(TypeRef::Boolean),
        "object" | "objects" => DocType::Object,
        "any" => DocType::Any,
        _ => return None,
    })
}

/// Reads `Name.Sub (object) or Name.Other (object)` at the start of `s`.
fn one_of(s: &str) -> Option<(Vec<String>, &str)> {
    let mut names = Vec::new();
    let mut rest = s;
    loop {
        let word = rest.split_whitespace().next()?;
        if !is_doc_type_name(word) {
            return None;
        }
        rest = rest[word.len()..].trim_start();
        rest = rest.strip_prefix("(object)")?.trim_start();
        names.push(word.to_string());
        match rest.strip_prefix("or ") {
            Some(r) if r.split_whitespace().next().is_some_and(is_doc_type_name) => rest = r,
            _ => return Some((names, rest)),
        }
    }
}

fn parse_cell(body: &str) -> Cell {
    let mut rest = body.trim();
    let mut nullable = false;
    let mut doc_name = None;
    // `(Messages.MessagingAccount (object or null))`
    let ty = if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.split_once(" (object or null))")) {
        if is_doc_type_name(inner.0) {
            nullable = true;
            doc_name = Some(inner.0.to_string());
            rest = inner.1.trim_start();
            DocType::Object
        } else {
            DocType::Any
        }
    } else if let Some(r) = rest.strip_prefix("Array of ") {
        if let Some((names, r)) = one_of(r) {
            rest = r;
            DocType::Array(Box::new(DocType::OneOf(names)))
        } else {
            let word = r.split(|c: char| c.is_whitespace() || c == '[').next().unwrap_or("");
            match prim_word(word) {
                Some(t) => {
                    rest = r[word.len()..].trim_start();
                    DocType::Array(Box::new(t))
                }
                None => DocType::Array(Box::new(DocType::Any)),
            }
        }
    } else if let Some((names, r)) = one_of(rest) {
        rest = r;
        DocType::OneOf(names)
    } else {
        let word = rest.split_whitespace().next().unwrap_or("");
        match prim_word(word) {
            Some(t) => {
                rest = rest[word.len()..].trim_start();
                t
            }
            None => DocType::Any,
        }
    };
    if let Some(r) = rest.strip_prefix("or null") {
        nullable = true;
        rest = r.trim_start();
    }
    // `[ items <= 256 characters ]` right after an array's item word.
    let mut constraints: Vec<String> = Vec::new();
    if rest.starts_with("[ items") {
        if let Some(end) = rest.find(" ]") {
            constraints.push(rest[..end + 2].to_string());
            rest = rest[end + 2..].trim_start();
        }
    }
    if let Some(r) = rest.strip_prefix('(') {
        if let Some((name, after)) = r.split_once(')') {
            if is_doc_type_name(name) {
                doc_name = Some(name.to_string());
                rest = after.trim_start();
            }
        }
    }
    let mut format = None;
    if rest.starts_with('<') && !rest.starts_with("<=") {
        if let Some(end) = rest.find('>') {
            format = Some(rest[1..end].to_string());
            rest = rest[end + 1..].trim_start();
        }
    }
    let (mut deprecated, mut default, mut values) = (false, None, None);
    loop {
        if let Some(r) = rest.strip_prefix("Deprecated") {
            deprecated = true;
            rest = r.trim_start();
        } else if let Some(r) = rest.strip_prefix("Default: ") {
            let (value, after) = value_token(r);
            default = Some(value);
            rest = after;
        } else if let Some(r) = rest.strip_prefix("Items Enum: ").or_else(|| rest.strip_prefix("Enum: ")) {
            let (list, after) = quoted_list(r);
            values = Some(list);
            rest = after;
        } else if let Some(r) = rest.strip_prefix("Example: ") {
            let (value, after) = value_token(r);
            constraints.push(format!("Example: {value}"));
            rest = after;
        } else if let Some((c, after)) = constraint(rest) {
            constraints.push(c);
            rest = after;
        } else {
            break;
        }
    }
    let mut description = constraints.join(" ");
    if !rest.is_empty() {
        if !description.is_empty() {
            description.push_str(". ");
        }
        description.push_str(rest);
    }
    Cell {
        ty,
        nullable,
        doc_name,
        format,
        deprecated,
        default,
        values,
        description: (!description.is_empty()).then_some(description),
    }
}

/// `[ 1 .. 50 ] characters`, `>= 0`, `<= 256 characters`, `non-empty`.
fn constraint(s: &str) -> Option<(String, &str)> {
    let end = if s.starts_with("[ ") {
        s.find(" ]")? + 2
    } else if s.starts_with(">= ") || s.starts_with("<= ") || s.starts_with("> ") || s.starts_with("< ") {
        let op = s.split_whitespace().next()?.len();
        let num = s[op..].trim_start();
        let digits = num.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(num.len());
        if digits == 0 {
            return None;
        }
        s.len() - num.len() + digits
    } else if s.starts_with("non-empty") {
        "non-empty".len()
    } else {
        return None;
    };
    let mut end = end;
    if s[end..].trim_start().starts_with("characters") {
        end = s.len() - s[end..].trim_start().len() + "characters".len();
    }
    Some((s[..end].to_string(), s[end..].trim_start()))
}

/// A value as a row prints it: `"all"` (quotes removed), `[]`, `[ ]`, `30`, `true`.
fn value_token(s: &str) -> (String, &str) {
    if let Some(r) = s.strip_prefix('"') {
        if let Some(end) = r.find('"') {
            return (r[..end].to_string(), r[end + 1..].trim_start());
        }
    }
    if let Some(r) = s.strip_prefix("[ ]") {
        return ("[]".into(), r.trim_start());
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (s[..end].to_string(), s[end..].trim_start())
}

/// `"a" "b" "c" rest` → ([a, b, c], rest).
fn quoted_list(s: &str) -> (Vec<String>, &str) {
    let mut values = Vec::new();
    let mut rest = s;
    while let Some(r) = rest.strip_prefix('"') {
        let Some(end) = r.find('"') else { break };
        values.push(r[..end].to_string());
        rest = r[end + 1..].trim_start();
    }
    (values, rest)
}

// ---------------------------------------------------------------------------------------
// Operations.

/// Builds an operation, registering its anchors: its description's first sentence, the
/// `parameters` and `request` rows (groups: the scrape lost their headings), the
/// `request-sample`, the `response` sample and the fields located in the samples.
fn build_operation(op: Segment, gaps: &mut Vec<Gap>, anchors: &mut Anchors) -> DraftOperation {
    let description: Vec<String> = op.description.iter().map(|(_, t)| t.clone()).collect();
    let full = description.join("\n");
    let mut samples = op.samples.into_iter();
    let request_sample = if op.body_from.is_some() { samples.next() } else { None };
    let response_sample = samples.next();

    let title = if full.is_empty() {
        // The description was lost: the operation is named from its response's keys.
        let keys = response_sample.as_ref().map(Sample::keys).unwrap_or_default();
        format!("undescribed {}", keys.join(" and "))
    } else {
        first_sentence(&full)
    };
    let anchor = anchors.heading(op.start, &title, None);
    let (parameter_rows, body_rows) = (anchors.group(anchor, "parameters"), anchors.group(anchor, "request"));
    // Registered before what is located in them: a sample's first key shares its line.
    if let Some(sample) = &request_sample {
        anchors.child(anchor, sample.line, "request-sample");
    }
    let response_anchor = response_sample.as_ref().map(|sample| anchors.child(anchor, sample.line, "response"));

    let body_from = op.body_from.unwrap_or(op.rows.len());
    let keys = request_sample.as_ref().map(Sample::keys).unwrap_or_default();
    let mut parameters = Vec::new();
    let mut body_fields = Vec::new();
    let request_text = request_sample.as_ref().map(SampleText::new);
    let mut body_cursor = 0;
    for (i, row) in op.rows.iter().enumerate() {
        let named = row_name(&row.text);
        let (required_mark, body) = row_body(&row.text);
        let cell = parse_cell(&body);
        let in_body = i >= body_from;
        let name = match (&named, in_body) {
            (Some(row), _) => row.name.clone(),
            (None, true) => {
                let key = keys[i - body_from].clone();
                gaps.push(gap(
                    GapKind::RecoveredName,
                    row.line,
                    format!(
                        "this body row lost its name cell; named `{key}` after the request sample's key at its place"
                    ),
                ));
                key
            }
            (None, false) => {
                gaps.push(gap(
                    GapKind::NamelessRow,
                    row.line,
                    format!(
                        "a parameter row lost its name cell and no request sample names it: `{}`; dropped",
                        truncate(&body)
                    ),
                ));
                continue;
            }
        };
        let required = required_mark || named.as_ref().is_some_and(|n| n.required);
        let deprecated = cell.deprecated || named.as_ref().is_some_and(|n| n.deprecated);
        let choices = cell.values.clone().map(|values| Choices {
            text: values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(" "),
            values: Some(values),
            doc_name: cell.doc_name.as_deref().map(doc_type_name),
            source: Source::Doc(row.line),
        });
        if in_body {
            anchors.child(body_rows, row.line, &name);
            let witness = request_sample.as_ref().and_then(|s| s.value.as_ref()).and_then(|v| v.get(&name));
            let mut ty = field_type(&cell, witness);
            if let Some(text) = &request_text {
                // Rows follow the sample's keys: each is looked for after the one before.
                let key = format!("\"{name}\"");
                let at = text.json.get(body_cursor..).and_then(|rest| rest.find(&key)).map_or(0, |i| body_cursor + i);
                if at > 0 {
                    body_cursor = at + key.len();
                }
                locate(&mut ty, text, at, (&mut *anchors, body_rows, &format!("{name}.")));
            }
            body_fields.push(DraftField {
                name,
                ty: if choices.is_some() { enum_base(ty) } else { ty },
                required,
                nullable: cell.nullable,
                deprecated,
                default: cell.default.clone(),
                format: cell.format.clone(),
                description: cell.description.clone(),
                choices,
                source: Source::Doc(row.line),
                by_definition: Default::default(),
            });
        } else {
            anchors.child(parameter_rows, row.line, &name);
            let ty = match &cell.ty {
                DocType::Prim(t) => DraftType::Prim(t.clone()),
                DocType::Array(inner) => DraftType::Array(Box::new(match inner.as_ref() {
                    DocType::Prim(t) => DraftType::Prim(t.clone()),
                    _ => DraftType::Any,
                })),
                _ => DraftType::Any,
            };
            parameters.push(DraftParam {
                name,
                location: ParamLocation::Unknown,
                ty: if choices.is_some() { enum_base(ty) } else { ty },
                required,
                deprecated,
                default: cell.default.clone(),
                format: cell.format.clone(),
                description: cell.description.clone(),
                choices,
                source: Source::Doc(row.line),
                by_definition: Default::default(),
            });
        }
    }

    let request = request_sample.map(|sample| {
        let line = op.rows.get(body_from).map(|r| r.line).unwrap_or(sample.line);
        DraftBody {
            content_type: "application/json".into(),
            shape: Some(DraftType::Object(DraftObject {
                doc_name: None,
                fields: body_fields,
                source: Source::Doc(line),
                taken_from: None,
            })),
            examples: vec![sample.example()],
            source: Source::Doc(line),
        }
    });
    let responses = response_sample
        .map(|sample| {
            let status = if looks_like_error(&sample) {
                gaps.push(gap(
                    GapKind::ResponseStatusUnknown,
                    sample.line,
                    "the scrape lost the response status codes and this sample has only error-like keys with a real message: recorded as the `default` response, not as the success body",
                ));
                "default"
            } else {
                "200"
            };
            let mut shape = sample.value.as_ref().map(infer).unwrap_or(DraftType::Any);
            if let Some(at) = response_anchor {
                locate(&mut shape, &SampleText::new(&sample), 0, (&mut *anchors, at, ""));
            }
            vec![DraftResponse {
                status: status.into(),
                description: None,
                shape: Some(shape),
                examples: vec![sample.example()],
                source: Source::Doc(sample.line),
                // The scrape lost the codes: a success sample's status is an assumption.
                status_assumed: status == "200",
                taken_from: None,
            }]
        })
        .unwrap_or_default();
    let description = (!full.is_empty() && full != title).then_some(full);
    DraftOperation {
        title,
        id: None,
        description,
        method: None,
        path: None,
        resolved_by: None,
        parameters,
        request,
        responses,
        source: Source::Doc(op.start),
        resource: None,
    }
}

/// An enum row's base type: the string its values are (Redoc types some as `any`).
fn enum_base(ty: DraftType) -> DraftType {
    match ty {
        DraftType::Array(inner) => DraftType::Array(Box::new(enum_base(*inner))),
        _ => DraftType::Prim(TypeRef::String),
    }
}

/// A sample whose keys are all words that name an error and that carries a real
/// message (not Redoc's `"string"` placeholder).
fn looks_like_error(sample: &Sample) -> bool {
    let Some(Value::Object(map)) = &sample.value else { return false };
    let error_words = map.keys().all(|k| matches!(k.as_str(), "message" | "code" | "errors" | "error" | "type"));
    let real_message = |v: &Value| v.as_str().is_some_and(|s| s != "string" && s.contains(' '));
    let has_real = map.get("message").is_some_and(real_message)
        || map
            .get("errors")
            .and_then(Value::as_array)
            .is_some_and(|items| items.iter().any(|i| i.get("message").is_some_and(real_message)));
    !map.is_empty() && error_words && has_real
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.find(". ") {
        Some(i) => line[..i].to_string(),
        None => line.trim_end_matches('.').to_string(),
    }
}

fn truncate(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(80).collect::<String>())
    } else {
        s.to_string()
    }
}

/// A body field's type: the row's word, with objects shaped by the request sample.
fn field_type(cell: &Cell, witness: Option<&Value>) -> DraftType {
    let named = cell.doc_name.as_deref().map(doc_type_name);
    let object = |doc_name: Option<String>, value: Option<&Value>| match value {
        Some(Value::Object(map)) if !map.is_empty() => match infer(&Value::Object(map.clone())) {
            DraftType::Object(mut o) => {
                o.doc_name = doc_name;
                DraftType::Object(o)
            }
            other => other,
        },
        _ => doc_name.map(DraftType::Named).unwrap_or(DraftType::Any),
    };
    match &cell.ty {
        DocType::Prim(t) => DraftType::Prim(t.clone()),
        DocType::Object | DocType::OneOf(_) => object(named, witness),
        DocType::Any => witness.map(infer).unwrap_or(DraftType::Any),
        DocType::Array(inner) => {
            let item = witness.and_then(Value::as_array).and_then(|items| items.first());
            DraftType::Array(Box::new(match inner.as_ref() {
                DocType::Prim(t) => DraftType::Prim(t.clone()),
                DocType::Object | DocType::OneOf(_) => object(named, item),
                _ => item.map(infer).unwrap_or(DraftType::Any),
            }))
        }
    }
}

/// A sample's text with its line starts, to tell the line of a byte offset in it.
struct SampleText<'a> {
    json: &'a str,
    line: u32,
    /// Byte offsets of the newlines.
    newlines: Vec<usize>,
}

impl<'a> SampleText<'a> {
    fn new(sample: &'a Sample) -> Self {
        let newlines = sample.json.match_indices('\n').map(|(i, _)| i).collect();
        SampleText { json: &sample.json, line: sample.line, newlines }
    }

    fn line_at(&self, at: usize) -> Source {
        Source::Doc(self.line + self.newlines.partition_point(|&i| i < at) as u32)
    }
}

/// Gives what [`infer`] found in a sample its line: each field the line where its key
/// first appears after its parent's (`from`, a byte offset in the sample's text) and
/// after the field before it (fields are in the sample's order), so that a sample of
/// thousands of keys is read in linear time; and registers each field inside `group` by
/// its path (`prefix` and its name: `meta.page`).
fn locate(ty: &mut DraftType, text: &SampleText, from: usize, (anchors, group, prefix): (&mut Anchors, AnchorId, &str)) {
    match ty {
        DraftType::Object(o) => {
            if o.source == Source::Doc(0) {
                o.source = text.line_at(from);
            }
            let mut cursor = from;
            for f in &mut o.fields {
                if f.source != Source::Doc(0) {
                    continue;
                }
                let key = format!("\"{}\"", f.name);
                let at = text.json.get(cursor..).and_then(|rest| rest.find(&key)).map_or(from, |i| cursor + i);
                if at != from {
                    cursor = at + key.len();
                }
                f.source = text.line_at(at);
                let path = format!("{prefix}{}", f.name);
                if let Some(line) = f.source.line() {
                    anchors.child(group, line, &path);
                }
                locate(&mut f.ty, text, at, (&mut *anchors, group, &format!("{path}.")));
            }
        }
        DraftType::Array(inner) | DraftType::Map(inner) => locate(inner, text, from, (anchors, group, prefix)),
        _ => {}
    }
}

/// The type a sample value shows (see the module docs for placeholders). Sources are
/// left at line 0 for [`locate`] to set.
fn infer(value: &Value) -> DraftType {
    match value {
        Value::Null => DraftType::Any,
        Value::Bool(_) => DraftType::Prim(TypeRef::Boolean),
        Value::Number(_) => DraftType::Prim(TypeRef::Number),
        Value::String(s) if crate::normalize::timestamp_format(s).is_some() => DraftType::Prim(TypeRef::DateTime),
        Value::String(_) => DraftType::Prim(TypeRef::String),
        Value::Array(items) => {
            let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
            if !objects.is_empty() && objects.len() == items.len() {
                DraftType::Array(Box::new(infer_object(&objects)))
            } else {
                DraftType::Array(Box::new(items.first().map(infer).unwrap_or(DraftType::Any)))
            }
        }
        Value::Object(map) => infer_object(&[map]),
    }
}

/// The type of one or more object values (array items are merged: the union of keys).
fn infer_object(objects: &[&Map<String, Value>]) -> DraftType {
    let mut keys: Vec<&String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for o in objects {
        for k in o.keys() {
            if seen.insert(k) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        return DraftType::Any;
    }
    let redoc_map = keys.iter().all(|k| k.starts_with("property") && k[8..].chars().all(|c| c.is_ascii_digit()));
    let free_keys = keys.iter().any(|k| !is_identifier(k));
    if redoc_map || free_keys {
        let values: Vec<DraftType> = objects.iter().flat_map(|o| o.values()).map(infer).collect();
        let first = values[0].clone();
        let same = values.iter().all(|v| same_shape(v, &first));
        return DraftType::Map(Box::new(if same { first } else { DraftType::Any }));
    }
    let fields = keys
        .iter()
        .map(|k| {
            let present: Vec<&Value> = objects.iter().filter_map(|o| o.get(*k)).collect();
            let nullable = present.iter().any(|v| v.is_null());
            let non_null: Vec<&Value> = present.iter().copied().filter(|v| !v.is_null()).collect();
            let ty = match non_null.first() {
                Some(Value::Object(_)) => {
                    let maps: Vec<&Map<String, Value>> = non_null.iter().filter_map(|v| v.as_object()).collect();
                    infer_object(&maps)
                }
                Some(v) => infer(v),
                None => DraftType::Any,
            };
            DraftField {
                name: k.to_string(),
                ty,
                required: false,
                nullable,
                deprecated: false,
                default: None,
                format: None,
                description: None,
                choices: None,
                source: Source::Doc(0),
                by_definition: Default::default(),
            }
        })
        .collect();
    DraftType::Object(DraftObject { doc_name: None, fields, source: Source::Doc(0), taken_from: None })
}

fn same_shape(a: &DraftType, b: &DraftType) -> bool {
    match (a, b) {
        (DraftType::Object(x), DraftType::Object(y)) => {
            x.fields.len() == y.fields.len()
                && x.fields.iter().zip(&y.fields).all(|(f, g)| f.name == g.name && same_shape(&f.ty, &g.ty))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_give_type_format_default_enum_and_description() {
        let c = parse_cell(r#"string Default: "all" Enum: "person" "company" "all" Delete all contacts"#);
        assert_eq!(c.ty, DocType::Prim(TypeRef::String));
        assert_eq!(c.default.as_deref(), Some("all"));
        assert_eq!(c.values, Some(vec!["person".into(), "company".into(), "all".into()]));
        assert_eq!(c.description.as_deref(), Some("Delete all contacts"));

        let c = parse_cell("string or null <ObjectId> credential to send");
        assert!(c.nullable);
        assert_eq!(c.format.as_deref(), Some("ObjectId"));

        let c = parse_cell(r#"Array of strings (Contacts.ContactType) Items Enum: "person" "company""#);
        assert_eq!(c.ty, DocType::Array(Box::new(DocType::Prim(TypeRef::String))));
        assert_eq!(c.doc_name.as_deref(), Some("Contacts.ContactType"));

        let c = parse_cell("boolean Deprecated Default: false if response should include");
        assert!(c.deprecated);
        assert_eq!(c.default.as_deref(), Some("false"));

        let c = parse_cell("string [ 1 .. 50 ] characters");
        assert_eq!(c.description.as_deref(), Some("[ 1 .. 50 ] characters"));

        let c = parse_cell("Fields.A (object) or Fields.B (object) (Fields.Presentation) how values look");
        assert_eq!(c.ty, DocType::OneOf(vec!["Fields.A".into(), "Fields.B".into()]));
        assert_eq!(c.doc_name.as_deref(), Some("Fields.Presentation"));
        assert_eq!(c.description.as_deref(), Some("how values look"));

        let c = parse_cell("(Messages.MessagingAccount (object or null))");
        assert!(c.nullable);
        assert_eq!(c.ty, DocType::Object);
    }

    #[test]
    fn name_cells_carry_required_and_deprecation() {
        let row = |name: &str, required, deprecated| Some(RowName { name: name.into(), required, deprecated });
        assert_eq!(row_name("| contact_id required | string |"), row("contact_id", true, false));
        assert_eq!(
            row_name("| last_contacted (DEPRECATED; use contexts) | boolean |"),
            row("last_contacted", false, true)
        );
        assert_eq!(row_name("object (Contacts.ContactPrivacy) Defines scopes | |"), None);
        assert_eq!(row_body("required | object New choice |"), (true, "object New choice".into()));
    }

    #[test]
    fn samples_lose_their_markers_and_split_from_glued_text() {
        let text = "Intro\n{- \"a\": [\n- \"x - y\"\n], - \"b\": -1\n}Next operation\n";
        let lines = Lines::new(text);
        let mut gaps = Vec::new();
        let pieces = scan(&lines, &mut gaps);
        assert!(gaps.is_empty(), "{gaps:?}");
        let Piece::Sample(sample) = &pieces[1] else { panic!("{pieces:?}") };
        assert_eq!(sample.value, Some(serde_json::json!({"a": ["x - y"], "b": -1})));
        assert!(matches!(&pieces[2], Piece::Text { text, glued: true, .. } if text == "Next operation"));
    }

    #[test]
    fn placeholders_are_types_and_free_keys_make_maps() {
        let v = serde_json::json!({"created": "2019-08-24T14:15:22Z", "n": 0, "fields": {"property1": [{"value": "string"}], "property2": [{"value": "string"}]}});
        let DraftType::Object(o) = infer(&v) else { panic!() };
        assert_eq!(o.fields[0].ty, DraftType::Prim(TypeRef::DateTime));
        assert_eq!(o.fields[1].ty, DraftType::Prim(TypeRef::Number));
        assert!(matches!(&o.fields[2].ty, DraftType::Map(inner) if matches!(inner.as_ref(), DraftType::Array(_))));
        assert!(matches!(infer(&serde_json::json!({"first name": "x"})), DraftType::Map(_)));
    }
}
