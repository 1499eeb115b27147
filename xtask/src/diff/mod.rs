//! The semantic diff of two versions of one API's normalized spec, and its change report
//! (Markdown, pasteable into a pull request). This module owns what counts as a change
//! and which changes break code that uses the generated client: here the changes and
//! the rules, [`operations`] and [`types`] compute them, [`report`] writes them,
//! [`command`] is `cargo xtask diff` (the specs it compares, from files or git).
//!
//! # What is breaking
//!
//! "Breaking" means: code that compiles and works against the client generated from the
//! old spec may stop compiling, or silently change behaviour, against the new one. The
//! rules follow what `codegen/src/emit/` generates (checked by tests that read the
//! committed generated crates):
//!
//! - **Operations.** Each resolved operation is a method of its resource's handle
//!   (`client.contacts().list()`, named by its `rust_name`) plus a request builder in
//!   `resources::<resource>` (operations of one endpoint with one name are one method).
//!   Removed, or no longer resolved (method or path now unknown): **breaking** (the
//!   method disappears). Moved to another resource: **breaking** (the method moves to
//!   another handle). Its Rust name changed: **breaking**, one line (an old spec without
//!   Rust names had one flat `Client` method per operation, named by its id, and is
//!   compared as such). Renamed (an operation gone and one come at the same place of the
//!   document, its anchor, as when the overlay gives it an id; else, both resolved, with
//!   the same method and path, as when its title changed): one change, not a removal
//!   and an addition, breaking only when its Rust name changed too. Added or newly
//!   resolved: not breaking. Method or path changed: not breaking (same signature;
//!   calls follow the document).
//! - **Parameters.** Path parameters and required parameters are positional arguments,
//!   in document order; optional ones are builder methods. Removed, retyped, made
//!   required or optional (positional ↔ builder), positional order changed, or a new
//!   positional one: **breaking**. A new optional parameter: not breaking. Deprecated,
//!   or query ↔ header with the same requiredness: not breaking.
//! - **Request body** added, removed or retyped: **breaking** (a positional `body`
//!   argument). **Success response** (first 2xx) body type changed, added or removed:
//!   **breaking** (the method's output type). Other responses: not breaking (errors all
//!   decode into the API's error body).
//! - **Types.** Removed, renamed, or of another kind (object, enum, unknown):
//!   **breaking**. Added: not breaking. A type gone and a type come with the same kind,
//!   sources and field names (or values) is one renamed type, and what refers to it is
//!   compared under its new name, so it is not also reported as retyped (the places
//!   inside a renamed operation count as the same under its new anchor, so the types
//!   named after it are renamed with it).
//! - **Fields.** Removed or retyped: **breaking**. A field's Rust shape
//!   ([`codegen::emit::field_shape`]) is `T` when the type is an input type (reachable
//!   from a request body) and the field is required and not nullable (then it is also an
//!   argument of `new()`), `Vec<T>` (empty when absent) for a non-nullable array of an
//!   output-only type, else `Option<T>`: a change of shape (made required or optional,
//!   nullable or not, where that moves the field between these) is **breaking**; a change
//!   of `required`/`nullable` that keeps the shape is not. Added: not breaking, since
//!   generated structs are `#[non_exhaustive]` ([`codegen::emit::STRUCTS_NON_EXHAUSTIVE`]):
//!   users read responses (patterns need `..`) and build request bodies with `new()` and
//!   chained setters, never with struct literals, so a field the vendor adds to a
//!   response, or an optional field added to a request, breaks no build; a **required**
//!   field added to a request body is **breaking** (a new argument of `new()`).
//! - **Enum values.** Removed: **breaking** (the variant disappears). Added: not
//!   breaking, since generated enums are `#[non_exhaustive]`
//!   ([`codegen::emit::ENUMS_NON_EXHAUSTIVE`]); the value, which decoded as
//!   `Undocumented("value")` before, now decodes as its own variant, and the report says
//!   so. Decoding never fails either way (enums are open).
//! - **API.** Base URL changed: not breaking. An auth scheme removed: **breaking** (an
//!   `Auth` variant disappears); added: not breaking (`Auth` is `#[non_exhaustive]`).
//!
//! Descriptions and summaries are not API changes (they are doc comments); the report
//! ends with the list of items whose texts changed. Examples and sources are not
//! reported: a spec whose sources are line numbers (written before anchors) compares
//! with one whose sources are anchors as any two specs do, its lines anchored first in
//! the document they were read from ([`command::run`]).

pub mod command;
pub mod operations;
pub mod report;
pub mod types;

use std::collections::BTreeMap;

use codegen::spec::{Source, Spec};

pub use command::{run, OldSide};
pub use report::{doc_changes, doc_changes_line, new_api_report, report};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new operation.
    OperationAdded,
    /// An operation is gone.
    OperationRemoved,
    /// An operation has a new id: the same place in the document, under another name.
    OperationRenamed,
    /// An operation's method or path is now known.
    OperationResolved,
    /// An operation's method or path is no longer known.
    OperationUnresolved,
    /// Method or path changed.
    EndpointChanged,
    /// The operation's Rust method has a new name (`rust_name`).
    MethodRenamed,
    /// The operation belongs to another resource.
    ResourceChanged,
    /// The operation now pages (its builder walks pages), or no longer does, or its
    /// page's items are under another key.
    PagingChanged,
    /// A new parameter.
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// A parameter is gone and one of the same type and location appeared.
    ParameterRenamed,
    /// A parameter's type changed.
    ParameterRetyped,
    /// A parameter is now required.
    ParameterRequired,
    /// A parameter is now optional.
    ParameterOptional,
    /// Path, query or header changed.
    ParameterMoved,
    /// The positional parameters come in another order.
    ParametersReordered,
    /// A parameter is now (or no longer) deprecated.
    ParameterDeprecation,
    /// A request body appeared.
    RequestAdded,
    /// The request body is gone.
    RequestRemoved,
    /// The request body's type changed.
    RequestRetyped,
    /// A response status appeared.
    ResponseAdded,
    /// A response status is gone.
    ResponseRemoved,
    /// A response's body type changed.
    ResponseRetyped,
    /// A new named type.
    TypeAdded,
    /// A named type is gone.
    TypeRemoved,
    /// A type has a new name: the same sources and kind, under another name.
    TypeRenamed,
    /// A type is now of another kind (object, enum, unknown).
    TypeKindChanged,
    /// A new field.
    FieldAdded,
    /// A field is gone.
    FieldRemoved,
    /// A field is gone and one of the same type appeared.
    FieldRenamed,
    /// A field's type changed.
    FieldRetyped,
    /// A field is now required.
    FieldRequired,
    /// A field is now optional.
    FieldOptional,
    /// A field is now (or no longer) nullable.
    FieldNullability,
    /// A field is now (or no longer) deprecated.
    FieldDeprecation,
    /// A new enum value.
    EnumValueAdded,
    /// An enum value is gone.
    EnumValueRemoved,
    /// The base URL changed.
    BaseUrlChanged,
    /// A new way to authenticate.
    AuthAdded,
    /// A way to authenticate is gone.
    AuthRemoved,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The group it is reported under: an operation's resource, or for a type the one
    /// resource that uses it (else [`SHARED`] or [`UNUSED`]; [`API`] for API facts).
    pub group: String,
    /// What changed.
    pub kind: Kind,
    /// The operation id or type name concerned (empty for API facts).
    pub subject: String,
    /// The parameter, field, enum value or status concerned.
    pub item: Option<String>,
    /// What the report says, in words.
    pub text: String,
    /// Breaks code using the generated client.
    pub breaking: bool,
    /// Why it breaks (or why it does not, where one might think so).
    pub why: Option<String>,
    /// Where in the new document; for removals, where it was in the old one.
    pub source: Option<Source>,
    /// `source` is a place in the old document.
    pub source_is_old: bool,
    /// The line of `source`, when the diff knows the document it is in (set by
    /// [`command::run`], for the reader to open the document there).
    pub line: Option<u32>,
}

/// Group of API-wide facts.
pub const API: &str = "(API)";
/// Group of types used by several resources.
pub const SHARED: &str = "(types shared by several resources)";
/// Group of types no operation uses.
pub const UNUSED: &str = "(types no operation uses)";

/// Every change from `old` to `new`, grouped (groups sorted) and in document order.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut changes = Vec::new();
    // The places of a renamed operation (its anchor and those inside it) are compared
    // under its new anchor, so that the types it alone defines are renamed with it.
    let operation_renames = operations::operation_renames(old, new);
    let mut reanchored = old.clone();
    for (was, id) in &operation_renames {
        let anchor = |spec: &Spec, id: &str| match spec.operations.iter().find(|o| o.id == id).map(|o| &o.source) {
            Some(Source::Anchor(a)) if a.offset == 0 => Some(a.name.clone()),
            _ => None,
        };
        if let (Some(from), Some(to)) = (anchor(old, was), anchor(new, id)) {
            rename_places(&mut reanchored, &from, &to);
        }
    }
    let old = &reanchored;
    // Renamed types are compared under their new names, so that what refers to them is
    // not also reported as retyped.
    let type_renames = types::type_renames(old, new);
    let mut renamed_old = old.clone();
    for t in &mut renamed_old.types {
        if let Some(name) = type_renames.get(&t.name) {
            t.name = name.clone();
        }
    }
    renamed_old.rename_refs(&type_renames);
    let old = &renamed_old;
    operations::api_changes(old, new, &mut changes);
    operations::operation_changes(old, new, &operation_renames, &mut changes);
    let renamed_from = type_renames.iter().map(|(was, name)| (name.clone(), was.clone())).collect();
    types::type_changes(old, new, &renamed_from, &mut changes);
    changes.sort_by(|a, b| group_rank(&a.group).cmp(&group_rank(&b.group)));
    changes
}

/// Renames the anchor `from`, and the anchors inside it, `to`, throughout `spec`.
fn rename_places(spec: &mut Spec, from: &str, to: &str) {
    for source in spec.sources_mut() {
        let Source::Anchor(anchor) = source else { continue };
        if let Some(rest) = anchor.name.strip_prefix(from).filter(|rest| rest.is_empty() || rest.starts_with('/')) {
            anchor.name = format!("{to}{rest}");
        }
    }
}

fn group_rank(group: &str) -> (u8, &str) {
    match group {
        API => (0, group),
        SHARED => (2, group),
        UNUSED => (3, group),
        _ => (1, group),
    }
}

/// Whether any change is breaking.
pub fn any_breaking(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.breaking)
}

pub(crate) struct Builder<'a> {
    out: &'a mut Vec<Change>,
    group: String,
    subject: String,
}

impl Builder<'_> {
    /// Records a change of the builder's subject (compatible, at no place, until the
    /// methods of the [`Change`] returned say otherwise).
    pub(crate) fn push(&mut self, kind: Kind, text: String) -> &mut Change {
        self.out.push(Change {
            group: self.group.clone(),
            kind,
            subject: self.subject.clone(),
            item: None,
            text,
            breaking: false,
            why: None,
            source: None,
            source_is_old: false,
            line: None,
        });
        self.out.last_mut().expect("pushed just now")
    }
}

impl Change {
    /// The parameter, field, enum value or status concerned.
    pub(crate) fn item(&mut self, item: &str) -> &mut Self {
        self.item = Some(item.to_string());
        self
    }

    /// Whether it breaks code using the generated client.
    pub(crate) fn breaking(&mut self, breaking: bool) -> &mut Self {
        self.breaking = breaking;
        self
    }

    /// Why it breaks, or why it does not.
    pub(crate) fn why<'a>(&mut self, why: impl Into<Option<&'a str>>) -> &mut Self {
        self.why = why.into().map(String::from);
        self
    }

    /// Where it is in the new document.
    pub(crate) fn at(&mut self, source: Option<&Source>) -> &mut Self {
        self.source = source.cloned();
        self.source_is_old = false;
        self
    }

    /// Where it was in the old document (for what the new one lacks).
    pub(crate) fn was_at(&mut self, source: Option<&Source>) -> &mut Self {
        self.source = source.cloned();
        self.source_is_old = true;
        self
    }
}

/// Pairs of (old, new) that are one thing renamed: the one item of each side gone from the
/// other, that `key` (where it is in the document) gives to exactly one old and one new.
pub(crate) fn renamed<'a, T>(
    gone: Vec<&'a T>,
    came: Vec<&'a T>,
    key: impl Fn(&T) -> Option<String>,
) -> Vec<(&'a T, &'a T)> {
    let mut by_key: BTreeMap<String, (Vec<&T>, Vec<&T>)> = BTreeMap::new();
    for t in gone {
        if let Some(k) = key(t) {
            by_key.entry(k).or_default().0.push(t);
        }
    }
    for t in came {
        if let Some(k) = key(t) {
            by_key.entry(k).or_default().1.push(t);
        }
    }
    by_key
        .into_values()
        .filter_map(|pair| match pair {
            (o, n) if o.len() == 1 && n.len() == 1 => Some((o[0], n[0])),
            _ => None,
        })
        .collect()
}
