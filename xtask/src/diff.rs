//! The semantic diff of two versions of one API's normalized spec, and its change report
//! (Markdown, pasteable into a pull request). This module owns what counts as a change
//! and which changes break code that uses the generated client.
//!
//! # What is breaking
//!
//! "Breaking" means: code that compiles and works against the client generated from the
//! old spec may stop compiling, or silently change behaviour, against the new one. The
//! rules follow what `codegen/src/emit/` generates (checked by tests that read the
//! committed generated crates):
//!
//! - **Operations.** Each resolved operation is a `Client` method plus a request builder
//!   in `resources::<resource>`. Removed, or no longer resolved (method or path now
//!   unknown): **breaking** (the method disappears). Moved to another resource:
//!   **breaking** (the builder type changes module). Renamed (an operation that starts
//!   on the same line under another id): **breaking**, one change, not a removal and an
//!   addition. Added or newly resolved: not breaking. Method or path changed: not
//!   breaking (same signature; calls follow the document).
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
//!   compared under its new name, so it is not also reported as retyped.
//! - **Fields.** Removed or retyped: **breaking**. A field's Rust shape is `T` when the
//!   type is an input type (reachable from a request body) and the field is required and
//!   not nullable (then it is also an argument of `new()`), else `Option<T>`: a change of
//!   shape (made required or optional, nullable or not, on an input type) is
//!   **breaking**; a change of `required`/`nullable` that keeps the shape (output types)
//!   is not. Added: **breaking** while generated structs are not `#[non_exhaustive]`
//!   ([`GENERATED_STRUCTS_NON_EXHAUSTIVE`]): their fields are public, so struct literals
//!   and exhaustive patterns stop compiling. Code that builds values with `new()` or
//!   `Default` and reads fields is unaffected; the report says so.
//! - **Enum values.** Removed: **breaking** (the variant disappears). Added: not
//!   breaking, since generated enums are `#[non_exhaustive]`
//!   ([`GENERATED_ENUMS_NON_EXHAUSTIVE`]); the value, which decoded as
//!   `Undocumented("value")` before, now decodes as its own variant, and the report says
//!   so. Decoding never fails either way (enums are open).
//! - **API.** Base URL changed: not breaking. An auth scheme removed: **breaking** (an
//!   `Auth` variant disappears); added: not breaking (`Auth` is `#[non_exhaustive]`).
//!
//! Descriptions and summaries are not API changes (they are doc comments); the report
//! ends with the list of items whose texts changed. Examples and source lines are not
//! reported.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use codegen::spec::{AuthScheme, Field, Operation, ParamLocation, Parameter, Source, Spec, TypeDef, TypeKind, TypeRef};

/// Whether the emitter marks generated structs `#[non_exhaustive]` (it does not, so that
/// struct literals with `..Default::default()` work). A test reads the committed
/// generated crates and fails when this no longer matches them.
pub const GENERATED_STRUCTS_NON_EXHAUSTIVE: bool = false;

/// Whether the emitter marks generated enums `#[non_exhaustive]`. Checked like
/// [`GENERATED_STRUCTS_NON_EXHAUSTIVE`].
pub const GENERATED_ENUMS_NON_EXHAUSTIVE: bool = true;

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
    // Renamed types are compared under their new names, so that what refers to them is
    // not also reported as retyped.
    let type_renames = type_renames(old, new);
    let mut renamed_old = old.clone();
    for t in &mut renamed_old.types {
        if let Some(name) = type_renames.get(&t.name) {
            t.name = name.clone();
        }
    }
    renamed_old.rename_refs(&type_renames);
    let old = &renamed_old;
    api_changes(old, new, &mut changes);
    operation_changes(old, new, &mut changes);
    let renamed_from = type_renames.iter().map(|(was, name)| (name.clone(), was.clone())).collect();
    type_changes(old, new, &renamed_from, &mut changes);
    changes.sort_by(|a, b| group_rank(&a.group).cmp(&group_rank(&b.group)));
    changes
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

struct Builder<'a> {
    out: &'a mut Vec<Change>,
    group: String,
    subject: String,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: Kind,
        item: Option<&str>,
        text: String,
        breaking: bool,
        why: Option<&str>,
        source: Option<&Source>,
        old: bool,
    ) {
        self.out.push(Change {
            group: self.group.clone(),
            kind,
            subject: self.subject.clone(),
            item: item.map(String::from),
            text,
            breaking,
            why: why.map(String::from),
            source: source.cloned(),
            source_is_old: old,
        });
    }
}

fn api_changes(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    let mut b = Builder { out, group: API.into(), subject: String::new() };
    let url = |s: &Spec| s.api.base_url.as_ref().map(|u| u.url.clone());
    if url(old) != url(new) {
        let show = |u: Option<String>| u.map(|u| format!("`{u}`")).unwrap_or_else(|| "none".into());
        b.push(
            Kind::BaseUrlChanged,
            None,
            format!("base URL {} → {}", show(url(old)), show(url(new))),
            false,
            None,
            new.api.base_url.as_ref().map(|u| &u.source),
            false,
        );
    }
    let auth_key = |a: &AuthScheme| match a {
        AuthScheme::ApiKeyHeader { header, .. } => format!("API key in header `{header}`"),
        AuthScheme::Bearer { .. } => "bearer token".to_string(),
        AuthScheme::OAuth2 { .. } => "OAuth 2".to_string(),
    };
    let auth_source = |a: &AuthScheme| match a {
        AuthScheme::ApiKeyHeader { source, .. }
        | AuthScheme::Bearer { source, .. }
        | AuthScheme::OAuth2 { source, .. } => source.clone(),
    };
    let old_auth: Vec<String> = old.api.auth.iter().map(auth_key).collect();
    let new_auth: Vec<String> = new.api.auth.iter().map(auth_key).collect();
    for a in &old.api.auth {
        let key = auth_key(a);
        if !new_auth.contains(&key) {
            b.push(
                Kind::AuthRemoved,
                Some(&key),
                format!("auth: {key} removed"),
                true,
                Some("its `Auth` variant disappears"),
                Some(&auth_source(a)),
                true,
            );
        }
    }
    for a in &new.api.auth {
        let key = auth_key(a);
        if !old_auth.contains(&key) {
            b.push(
                Kind::AuthAdded,
                Some(&key),
                format!("auth: {key} added"),
                false,
                None,
                Some(&auth_source(a)),
                false,
            );
        }
    }
}

/// Path and required parameters: the method's positional arguments.
fn positional(p: &Parameter) -> bool {
    p.required || p.location == ParamLocation::Path
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Unknown => "unknown",
    }
}

/// Pairs of (old, new) that are one thing renamed: the one item of each side gone from the
/// other, that `key` (where it is in the document) gives to exactly one old and one new.
fn renamed<'a, T>(gone: Vec<&'a T>, came: Vec<&'a T>, key: impl Fn(&T) -> Option<String>) -> Vec<(&'a T, &'a T)> {
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

fn operation_changes(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let new_ids: BTreeSet<&str> = new.operations.iter().map(|o| o.id.as_str()).collect();
    // An operation that starts on the same line of the document under another id is
    // renamed (an overlay `id`), not removed and added.
    let renames = renamed(
        old.operations.iter().filter(|o| !new_ids.contains(o.id.as_str())).collect(),
        new.operations.iter().filter(|o| !old_ops.contains_key(o.id.as_str())).collect(),
        |o: &Operation| Some(o.source.to_string()),
    );
    let renamed_from: BTreeMap<&str, &Operation> = renames.iter().map(|(was, op)| (op.id.as_str(), *was)).collect();
    let renamed_old: BTreeSet<&str> = renames.iter().map(|(was, _)| was.id.as_str()).collect();
    for op in &old.operations {
        if !new_ids.contains(op.id.as_str()) && !renamed_old.contains(op.id.as_str()) {
            let mut b = Builder { out, group: op.resource.clone(), subject: op.id.clone() };
            let breaking = op.is_resolved();
            b.push(
                Kind::OperationRemoved,
                None,
                format!("operation `{}` removed{}", op.id, endpoint_suffix(op)),
                breaking,
                breaking.then_some("its `Client` method disappears"),
                Some(&op.source),
                true,
            );
        }
    }
    for op in &new.operations {
        let mut b = Builder { out: &mut *out, group: op.resource.clone(), subject: op.id.clone() };
        if let Some(was) = renamed_from.get(op.id.as_str()) {
            let breaking = was.is_resolved() && op.is_resolved();
            b.push(
                Kind::OperationRenamed,
                None,
                format!("operation `{}` renamed `{}`{}", was.id, op.id, endpoint_suffix(op)),
                breaking,
                breaking.then_some("its `Client` method and builder are renamed"),
                Some(&op.source),
                false,
            );
            operation_change(was, op, &mut b);
            continue;
        }
        let Some(was) = old_ops.get(op.id.as_str()) else {
            b.push(
                Kind::OperationAdded,
                None,
                format!("operation `{}` added{}", op.id, endpoint_suffix(op)),
                false,
                None,
                Some(&op.source),
                false,
            );
            continue;
        };
        operation_change(was, op, &mut b);
    }
}

fn endpoint_suffix(op: &Operation) -> String {
    match (&op.method, &op.path) {
        (Some(m), Some(p)) => format!(" (`{} {p}`)", m.as_str()),
        _ => " (unresolved: no method and path)".into(),
    }
}

fn endpoint(op: &Operation) -> String {
    let method = op.method.map(|m| m.as_str()).unwrap_or("?");
    format!("`{method} {}`", op.path.as_ref().map_or("?", |p| p.as_str()))
}

fn operation_change(was: &Operation, op: &Operation, b: &mut Builder) {
    let id = &op.id;
    match (was.is_resolved(), op.is_resolved()) {
        (true, false) => b.push(
            Kind::OperationUnresolved,
            None,
            format!("`{id}`: method or path no longer known (was {})", endpoint(was)),
            true,
            Some("unresolved operations are not generated: its `Client` method disappears"),
            Some(&op.source),
            false,
        ),
        (false, true) => b.push(
            Kind::OperationResolved,
            None,
            format!("`{id}`: now resolved as {}", endpoint(op)),
            false,
            None,
            Some(op.resolved_by.as_ref().unwrap_or(&op.source)),
            false,
        ),
        (true, true) if (was.method, &was.path) != (op.method, &op.path) => b.push(
            Kind::EndpointChanged,
            None,
            format!("`{id}`: {} → {}", endpoint(was), endpoint(op)),
            false,
            Some("same method signature; calls go to the new endpoint"),
            Some(op.resolved_by.as_ref().unwrap_or(&op.source)),
            false,
        ),
        _ => {}
    }
    if was.resource != op.resource {
        b.push(
            Kind::ResourceChanged,
            None,
            format!("`{id}`: moved from resource `{}` to `{}`", was.resource, op.resource),
            op.is_resolved() && was.is_resolved(),
            Some("its request builder type moves to another `resources::` module"),
            Some(&op.source),
            false,
        );
    }
    paging_change(was, op, b);
    parameter_changes(was, op, b);
    body_changes(was, op, b);
}

fn paging_change(was: &Operation, op: &Operation, b: &mut Builder) {
    let id = &op.id;
    let source =
        |p: &codegen::spec::ListPagination, o: &Operation| p.source.clone().unwrap_or_else(|| o.source.clone());
    match (&was.pagination, &op.pagination) {
        (None, Some(now)) => b.push(
            Kind::PagingChanged,
            None,
            format!("`{id}`: now a list operation, its items under `{}`", now.items),
            false,
            Some("its builder gains `.stream()` and `.all()`"),
            Some(&source(now, op)),
            false,
        ),
        (Some(before), None) => b.push(
            Kind::PagingChanged,
            None,
            format!("`{id}`: no longer a list operation (its items were under `{}`)", before.items),
            op.is_resolved(),
            Some("its builder loses `.stream()` and `.all()`"),
            Some(&source(before, was)),
            true,
        ),
        (Some(before), Some(now)) if before.items != now.items => b.push(
            Kind::PagingChanged,
            None,
            format!("`{id}`: a page's items move from `{}` to `{}`", before.items, now.items),
            op.is_resolved(),
            Some("`.stream()` yields the items of another field, which may be of another type"),
            Some(&source(now, op)),
            false,
        ),
        _ => {}
    }
}

fn parameter_changes(was: &Operation, op: &Operation, b: &mut Builder) {
    let id = &op.id;
    let find = |ps: &'_ [Parameter], name: &str| ps.iter().position(|p| p.name == name);
    let mut removed: Vec<&Parameter> =
        was.parameters.iter().filter(|p| find(&op.parameters, &p.name).is_none()).collect();
    let mut added: Vec<&Parameter> =
        op.parameters.iter().filter(|p| find(&was.parameters, &p.name).is_none()).collect();
    // One parameter gone and one of the same type and location come: a rename.
    if let ([gone], [came]) = (removed.as_slice(), added.as_slice()) {
        if gone.ty == came.ty && gone.location == came.location {
            b.push(
                Kind::ParameterRenamed,
                Some(&came.name),
                format!("`{id}`: {} parameter `{}` renamed to `{}`", location(came.location), gone.name, came.name),
                true,
                Some(if positional(came) {
                    "the positional argument's name changes (and with it the wire name)"
                } else {
                    "its builder method is renamed"
                }),
                Some(&came.source),
                false,
            );
            removed.clear();
            added.clear();
        }
    }
    for p in removed {
        b.push(
            Kind::ParameterRemoved,
            Some(&p.name),
            format!("`{id}`: {} parameter `{}` removed", location(p.location), p.name),
            true,
            Some(if positional(p) { "a positional argument disappears" } else { "its builder method disappears" }),
            Some(&p.source),
            true,
        );
    }
    for p in added {
        let breaking = positional(p);
        let what = if p.required { "required " } else { "" };
        b.push(
            Kind::ParameterAdded,
            Some(&p.name),
            format!("`{id}`: {what}{} parameter `{}` added ({})", location(p.location), p.name, p.ty),
            breaking,
            Some(if breaking { "a new positional argument" } else { "a new builder method" }),
            Some(&p.source),
            false,
        );
    }
    for p in &op.parameters {
        let Some(i) = find(&was.parameters, &p.name) else { continue };
        let q = &was.parameters[i];
        let name = &p.name;
        if q.ty != p.ty {
            b.push(
                Kind::ParameterRetyped,
                Some(name),
                format!("`{id}`: parameter `{name}` retyped `{}` → `{}`", q.ty, p.ty),
                true,
                Some("the argument's Rust type changes"),
                Some(p.type_source.as_ref().unwrap_or(&p.source)),
                false,
            );
        }
        if q.required != p.required {
            let (kind, word) =
                if p.required { (Kind::ParameterRequired, "required") } else { (Kind::ParameterOptional, "optional") };
            let breaking = positional(q) != positional(p);
            b.push(
                kind,
                Some(name),
                format!("`{id}`: parameter `{name}` made {word}"),
                breaking,
                Some(if !breaking {
                    "path parameters are positional either way"
                } else if p.required {
                    "a builder method becomes a positional argument"
                } else {
                    "a positional argument becomes a builder method"
                }),
                Some(&p.source),
                false,
            );
        }
        if q.location != p.location {
            let breaking = positional(q) != positional(p) && q.required == p.required;
            b.push(
                Kind::ParameterMoved,
                Some(name),
                format!("`{id}`: parameter `{name}` moved from {} to {}", location(q.location), location(p.location)),
                breaking,
                breaking.then_some("path parameters are positional arguments, others builder methods"),
                Some(&p.source),
                false,
            );
        }
        if q.deprecated != p.deprecated {
            let word = if p.deprecated { "deprecated" } else { "no longer deprecated" };
            b.push(
                Kind::ParameterDeprecation,
                Some(name),
                format!("`{id}`: parameter `{name}` {word}"),
                false,
                None,
                Some(&p.source),
                false,
            );
        }
    }
    // The positional arguments both versions share, in each version's order.
    let shared = |ps: &[Parameter], other: &[Parameter]| -> Vec<String> {
        ps.iter()
            .filter(|p| positional(p))
            .filter(|p| other.iter().any(|o| o.name == p.name && positional(o)))
            .map(|p| p.name.clone())
            .collect()
    };
    let before = shared(&was.parameters, &op.parameters);
    let after = shared(&op.parameters, &was.parameters);
    if before != after {
        b.push(
            Kind::ParametersReordered,
            None,
            format!("`{id}`: positional arguments reordered ({}) → ({})", before.join(", "), after.join(", ")),
            true,
            Some("arguments of the same type would silently swap"),
            Some(&op.source),
            false,
        );
    }
}

fn body_changes(was: &Operation, op: &Operation, b: &mut Builder) {
    let id = &op.id;
    match (&was.request, &op.request) {
        (None, Some(r)) => b.push(
            Kind::RequestAdded,
            None,
            format!("`{id}`: request body added ({})", r.ty),
            true,
            Some("a new positional `body` argument"),
            Some(&r.source),
            false,
        ),
        (Some(r), None) => b.push(
            Kind::RequestRemoved,
            None,
            format!("`{id}`: request body removed (was {})", r.ty),
            true,
            Some("the positional `body` argument disappears"),
            Some(&r.source),
            true,
        ),
        (Some(q), Some(r)) if q.ty != r.ty => b.push(
            Kind::RequestRetyped,
            None,
            format!("`{id}`: request body retyped `{}` → `{}`", q.ty, r.ty),
            true,
            Some("the `body` argument's type changes"),
            Some(&r.source),
            false,
        ),
        _ => {}
    }
    // The method's output: the first 2xx response's type, JSON when none is shown.
    let output = |o: &Operation| o.success().and_then(|r| r.ty.clone());
    let output_changed = output(was) != output(op);
    let shown = |t: Option<TypeRef>| t.map(|t| format!("`{t}`")).unwrap_or_else(|| "untyped JSON".into());
    for r in &op.responses {
        let status = &r.status;
        match was.responses.iter().find(|q| q.status == *status) {
            None => {
                let is_success = op.success().map(|s| &s.status) == Some(status);
                let breaking = is_success && output_changed;
                b.push(
                    Kind::ResponseAdded,
                    Some(status),
                    format!(
                        "`{id}`: response {status} added ({})",
                        r.ty.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "no body shown".into())
                    ),
                    breaking,
                    breaking.then_some("the method's output type changes"),
                    Some(&r.source),
                    false,
                );
            }
            Some(q) if q.ty != r.ty => {
                let is_success = op.success().map(|s| &s.status) == Some(status);
                let breaking = is_success && output_changed;
                b.push(
                    Kind::ResponseRetyped,
                    Some(status),
                    format!("`{id}`: response {status} body {} → {}", shown(q.ty.clone()), shown(r.ty.clone())),
                    breaking,
                    Some(if breaking {
                        "the method's output type changes"
                    } else {
                        "not the success response: errors decode into the API's error body"
                    }),
                    Some(&r.source),
                    false,
                );
            }
            Some(_) => {}
        }
    }
    for q in &was.responses {
        if !op.responses.iter().any(|r| r.status == q.status) {
            let was_success = was.success().map(|s| &s.status) == Some(&q.status);
            let breaking = was_success && output_changed;
            b.push(
                Kind::ResponseRemoved,
                Some(&q.status),
                format!("`{id}`: response {} removed", q.status),
                breaking,
                breaking.then_some("the method's output type changes"),
                Some(&q.source),
                true,
            );
        }
    }
}

/// The resources whose operations use each type (through fields, arrays and maps).
fn users(spec: &Spec) -> BTreeMap<String, BTreeSet<String>> {
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for op in &spec.operations {
        for name in spec.reachable(op.type_refs().map(|(_, ty)| ty)) {
            users.entry(name).or_default().insert(op.resource.clone());
        }
    }
    users
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Object { .. } => "object",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Unknown => "unknown",
    }
}

/// A field's Rust shape: `(type, wrapped in Option)`.
fn shape(f: &Field, is_input: bool) -> (&TypeRef, bool) {
    (&f.ty, !(is_input && f.required && !f.nullable))
}

/// Types of `old` that `new` has under another name, by old name: a type gone and a type
/// come of one kind, from the same places in the document, with the same field names
/// (an overlay `type_names` entry, or an operation's new id). Only one-to-one matches.
fn type_renames(old: &Spec, new: &Spec) -> BTreeMap<String, String> {
    let key = |t: &TypeDef| {
        let sources: Vec<String> = t.sources.iter().map(Source::to_string).collect();
        let members: Vec<&str> = match &t.kind {
            TypeKind::Object { fields } => fields.iter().map(|f| f.name.as_str()).collect(),
            TypeKind::Enum { values } => values.iter().map(String::as_str).collect(),
            TypeKind::Unknown => Vec::new(),
        };
        (!sources.is_empty()).then(|| format!("{} {} {}", kind_name(&t.kind), sources.join(" "), members.join(" ")))
    };
    renamed(
        old.types.iter().filter(|t| new.type_def(&t.name).is_none()).collect(),
        new.types.iter().filter(|t| old.type_def(&t.name).is_none()).collect(),
        key,
    )
    .into_iter()
    .map(|(was, t)| (was.name.clone(), t.name.clone()))
    .collect()
}

fn type_changes(old: &Spec, new: &Spec, renamed_from: &BTreeMap<String, String>, out: &mut Vec<Change>) {
    let (old_users, new_users) = (users(old), users(new));
    let (old_inputs, new_inputs) = (old.input_types(), new.input_types());
    let group = |name: &str| {
        let none = BTreeSet::new();
        let resources = new_users.get(name).or_else(|| old_users.get(name)).unwrap_or(&none);
        match resources.len() {
            0 => UNUSED.to_string(),
            1 => resources.iter().next().cloned().unwrap_or_default(),
            _ => SHARED.to_string(),
        }
    };
    for t in &old.types {
        if new.type_def(&t.name).is_none() {
            let mut b = Builder { out: &mut *out, group: group(&t.name), subject: t.name.clone() };
            b.push(
                Kind::TypeRemoved,
                None,
                format!("type `{}` removed ({})", t.name, kind_name(&t.kind)),
                true,
                Some("the model type disappears"),
                t.sources.first(),
                true,
            );
        }
    }
    for t in &new.types {
        let mut b = Builder { out: &mut *out, group: group(&t.name), subject: t.name.clone() };
        let name = &t.name;
        let source = t.sources.first();
        if let Some(was) = renamed_from.get(name) {
            b.push(
                Kind::TypeRenamed,
                None,
                format!("type `{was}` renamed `{name}` ({})", kind_name(&t.kind)),
                true,
                Some("code naming the model type must use its new name"),
                source,
                false,
            );
        }
        let Some(was) = old.type_def(name) else {
            b.push(
                Kind::TypeAdded,
                None,
                format!("type `{name}` added ({})", kind_name(&t.kind)),
                false,
                None,
                source,
                false,
            );
            continue;
        };
        match (&was.kind, &t.kind) {
            (TypeKind::Object { fields: before }, TypeKind::Object { fields: after }) => {
                let is_input = (old_inputs.contains(name), new_inputs.contains(name));
                field_changes(name, before, after, is_input, &mut b);
            }
            (TypeKind::Enum { values: before }, TypeKind::Enum { values: after }) => {
                for v in before.iter().filter(|v| !after.contains(v)) {
                    b.push(
                        Kind::EnumValueRemoved,
                        Some(v),
                        format!("`{name}`: value `{v}` removed"),
                        true,
                        Some("its variant disappears (the value now decodes as `Undocumented`)"),
                        was.sources.first(),
                        true,
                    );
                }
                for v in after.iter().filter(|v| !before.contains(v)) {
                    let breaking = !GENERATED_ENUMS_NON_EXHAUSTIVE;
                    b.push(
                        Kind::EnumValueAdded,
                        Some(v),
                        format!("`{name}`: value `{v}` added"),
                        breaking,
                        Some(if breaking {
                            "the enum is not `#[non_exhaustive]`: exhaustive `match`es stop compiling, and the value, which decoded as `Undocumented`, gets its own variant (decoding never fails)"
                        } else {
                            "the enum is open and `#[non_exhaustive]`; the value, which decoded as `Undocumented`, gets its own variant"
                        }),
                        source,
                        false,
                    );
                }
            }
            (a, b2) if kind_name(a) != kind_name(b2) => b.push(
                Kind::TypeKindChanged,
                None,
                format!("type `{name}`: {} → {}", kind_name(a), kind_name(b2)),
                true,
                Some("the model type changes shape"),
                source,
                false,
            ),
            _ => {}
        }
    }
}

fn field_changes(name: &str, before: &[Field], after: &[Field], is_input: (bool, bool), b: &mut Builder) {
    let find = |fs: &'_ [Field], n: &str| fs.iter().position(|f| f.name == n);
    let mut removed: Vec<&Field> = before.iter().filter(|f| find(after, &f.name).is_none()).collect();
    let mut added: Vec<&Field> = after.iter().filter(|f| find(before, &f.name).is_none()).collect();
    if let ([gone], [came]) = (removed.as_slice(), added.as_slice()) {
        if gone.ty == came.ty {
            b.push(
                Kind::FieldRenamed,
                Some(&came.name),
                format!("`{name}`: field `{}` renamed to `{}`", gone.name, came.name),
                true,
                Some("the struct field is renamed"),
                Some(&came.source),
                false,
            );
            removed.clear();
            added.clear();
        }
    }
    for f in removed {
        b.push(
            Kind::FieldRemoved,
            Some(&f.name),
            format!("`{name}`: field `{}` removed", f.name),
            true,
            Some("the struct field disappears"),
            Some(&f.source),
            true,
        );
    }
    for f in added {
        let (_, optional) = shape(f, is_input.1);
        let required = if f.required { "required " } else { "" };
        let (breaking, why) = if !optional {
            (true, "a new argument of `new()`")
        } else if GENERATED_STRUCTS_NON_EXHAUSTIVE {
            (false, "the struct is `#[non_exhaustive]`")
        } else {
            (true, "the struct is not `#[non_exhaustive]`: struct literals and exhaustive patterns stop compiling; code using `new()`/`Default` and field access is unaffected")
        };
        b.push(
            Kind::FieldAdded,
            Some(&f.name),
            format!("`{name}`: {required}field `{}` added ({})", f.name, f.ty),
            breaking,
            Some(why),
            Some(&f.source),
            false,
        );
    }
    for f in after {
        let Some(i) = find(before, &f.name) else { continue };
        let g = &before[i];
        let field = &f.name;
        if g.ty != f.ty {
            b.push(
                Kind::FieldRetyped,
                Some(field),
                format!("`{name}`: field `{field}` retyped `{}` → `{}`", g.ty, f.ty),
                true,
                Some("the struct field's Rust type changes"),
                Some(&f.source),
                false,
            );
        }
        let shape_changed = shape(g, is_input.0).1 != shape(f, is_input.1).1;
        let shape_why = |breaking: bool| {
            Some(if breaking {
                "on an input type: the field changes between `T` (an argument of `new()`) and `Option<T>`"
            } else {
                "the field stays `Option<T>`"
            })
        };
        if g.required != f.required {
            let (kind, word) =
                if f.required { (Kind::FieldRequired, "required") } else { (Kind::FieldOptional, "optional") };
            b.push(
                kind,
                Some(field),
                format!("`{name}`: field `{field}` made {word}"),
                shape_changed,
                shape_why(shape_changed),
                Some(&f.source),
                false,
            );
        }
        if g.nullable != f.nullable {
            let word = if f.nullable { "nullable" } else { "not nullable" };
            // Reported as breaking only when `required` did not already say so.
            let breaking = shape_changed && g.required == f.required;
            b.push(
                Kind::FieldNullability,
                Some(field),
                format!("`{name}`: field `{field}` made {word}"),
                breaking,
                shape_why(breaking),
                Some(&f.source),
                false,
            );
        }
        if g.deprecated != f.deprecated {
            let word = if f.deprecated { "deprecated" } else { "no longer deprecated" };
            b.push(
                Kind::FieldDeprecation,
                Some(field),
                format!("`{name}`: field `{field}` {word}"),
                false,
                None,
                Some(&f.source),
                false,
            );
        }
    }
}

/// The change report of one API, in Markdown.
pub fn report(api: &str, old_label: &str, new_label: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(out, "## API changes: {api}\n");
    let _ = writeln!(out, "From {old_label} to {new_label}.\n");
    if changes.is_empty() {
        let _ = writeln!(out, "No API changes.");
        return out;
    }
    let _ = writeln!(
        out,
        "**{breaking} breaking**, {} compatible change{} for code using the generated client.",
        changes.len() - breaking,
        if changes.len() - breaking == 1 { "" } else { "s" }
    );
    let mut group: Option<&str> = None;
    for c in changes {
        if group != Some(c.group.as_str()) {
            group = Some(c.group.as_str());
            let title = if c.group.starts_with('(') { c.group.clone() } else { format!("`{}`", c.group) };
            let _ = writeln!(out, "\n### {title}\n");
            let _ = writeln!(out, "| | change | source | why |");
            let _ = writeln!(out, "|---|---|---|---|");
        }
        let mark = if c.breaking { "**breaking**" } else { "compatible" };
        let source = match &c.source {
            Some(s) if c.source_is_old => format!("was {s}"),
            Some(s) => s.to_string(),
            None => String::new(),
        };
        let why = c.why.as_deref().unwrap_or("");
        let _ = writeln!(out, "| {mark} | {} | {source} | {} |", cell(&c.text), cell(why));
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Where `cargo xtask diff` reads the old spec from.
pub enum OldSide {
    /// The committed `specs/<api>.yaml` (in the working tree).
    Committed,
    /// A spec file.
    File(std::path::PathBuf),
    /// `specs/<api>.yaml` at a git revision.
    Rev(String),
}

/// `cargo xtask diff`: the change report of each API (from `old` to `new`, a spec file,
/// or by default what the current snapshot and overlay produce), and whether anything
/// breaking changed.
pub fn run(
    root: &std::path::Path,
    apis: &[String],
    old: &OldSide,
    new: Option<&std::path::Path>,
) -> Result<(String, bool), crate::pipeline::Error> {
    use crate::pipeline;
    let mut text = String::new();
    let mut breaking = false;
    for api in apis {
        let spec_file = pipeline::spec_path(api);
        // `None`: the old side has no spec of this API (it is new since).
        let (old_spec, old_label) = match old {
            OldSide::Committed => {
                let path = root.join(&spec_file);
                let spec = if path.exists() { Some(pipeline::read_spec(&path)?) } else { None };
                (spec, format!("`{spec_file}`"))
            }
            OldSide::File(path) => (Some(pipeline::read_spec(path)?), format!("`{}`", path.display())),
            OldSide::Rev(rev) => (spec_at_revision(root, rev, &spec_file)?, format!("`{spec_file}` at `{rev}`")),
        };
        let (new_spec, new_label) = match new {
            Some(path) => (pipeline::read_spec(path)?, format!("`{}`", path.display())),
            None => (
                pipeline::build(root, api)?.spec,
                format!("what `specs/{api}/snapshot.txt` and `specs/{api}/overlay.yaml` produce now"),
            ),
        };
        if !text.is_empty() {
            text.push('\n');
        }
        match old_spec {
            Some(old_spec) => {
                let changes = diff(&old_spec, &new_spec);
                breaking |= any_breaking(&changes);
                text.push_str(&report(&new_spec.api.name, &old_label, &new_label, &changes));
                text.push_str(&doc_changes_line(&doc_changes(&old_spec, &new_spec)));
            }
            None => text.push_str(&new_api_report(&new_spec, &old_label, &new_label)),
        }
    }
    Ok((text, breaking))
}

/// The items whose documentation texts changed (summary or description of an
/// operation, description of a parameter or a field): `retrieve_all_contacts`,
/// `retrieve_all_contacts(email)`, `Contact.first_name`. Operations in document order,
/// then fields by type name.
pub fn doc_changes(old: &Spec, new: &Spec) -> Vec<String> {
    let mut changed = Vec::new();
    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for op in &new.operations {
        let Some(was) = old_ops.get(op.id.as_str()) else { continue };
        if (&was.summary, &was.description) != (&op.summary, &op.description) {
            changed.push(format!("`{}`", op.id));
        }
        for p in &op.parameters {
            if was.parameters.iter().any(|w| w.name == p.name && w.description != p.description) {
                changed.push(format!("`{}({})`", op.id, p.name));
            }
        }
    }
    let old_types: BTreeMap<&str, &TypeKind> = old.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    for def in &new.types {
        let (TypeKind::Object { fields }, Some(TypeKind::Object { fields: before })) =
            (&def.kind, old_types.get(def.name.as_str()))
        else {
            continue;
        };
        for f in fields {
            if before.iter().any(|w| w.name == f.name && w.description != f.description) {
                changed.push(format!("`{}.{}`", def.name, f.name));
            }
        }
    }
    changed
}

/// The closing line of a report: which documentation texts changed (the first 20).
pub fn doc_changes_line(changed: &[String]) -> String {
    if changed.is_empty() {
        return String::new();
    }
    let shown = changed.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
    let more = changed.len().saturating_sub(20);
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("\nDocumentation texts changed ({}; doc comments only, no code change): {shown}{more}.\n", changed.len())
}

/// `specs/<api>.yaml` at a git revision; `None` when the revision exists but has no such
/// file (the API is new since).
fn spec_at_revision(
    root: &std::path::Path,
    rev: &str,
    spec_file: &str,
) -> Result<Option<Spec>, crate::pipeline::Error> {
    use crate::pipeline::{self, Error};
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|e| Error(format!("git {}: cannot run git: {e}", args.join(" "))))
    };
    let commit = format!("{rev}^{{commit}}");
    let resolved = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", &commit])?;
    if !resolved.status.success() {
        return Err(Error(format!("git: `{rev}` names no revision of this repository")));
    }
    let object = format!("{rev}:{spec_file}");
    if !git(&["cat-file", "-e", "--end-of-options", &object])?.status.success() {
        return Ok(None);
    }
    let output = git(&["show", "--end-of-options", &object])?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error(format!("git show {object}: {}", stderr.trim())));
    }
    let yaml =
        String::from_utf8(output.stdout).map_err(|_| Error(format!("git show {object}: the file is not UTF-8")))?;
    pipeline::parse_spec(&yaml, &object).map(Some)
}

/// The report of an API the old side does not have: nothing to break, so its size only.
pub fn new_api_report(spec: &Spec, old_label: &str, new_label: &str) -> String {
    let c = crate::report::coverage(spec);
    format!(
        "## API changes: {}\n\nA new API: there is no {old_label}; {new_label} has {} operations ({} resolved) and {} types.\nNothing can break: no code uses its client yet.\n",
        spec.api.name, c.operations, c.resolved, c.types
    )
}
