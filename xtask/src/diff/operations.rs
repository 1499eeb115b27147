//! Changes of the API's facts and of its operations: endpoints, resources, paging,
//! parameters, request and response bodies.

use std::collections::{BTreeMap, BTreeSet};

use codegen::spec::{AuthScheme, Operation, ParamLocation, Parameter, Spec, TypeRef};

use super::{renamed, Builder, Change, Kind, API};

pub(super) fn api_changes(old: &Spec, new: &Spec, out: &mut Vec<Change>) {
    let mut b = Builder { out, group: API.into(), subject: String::new() };
    let url = |s: &Spec| s.api.base_url.as_ref().map(|u| u.url.clone());
    if url(old) != url(new) {
        let show = |u: Option<String>| u.map(|u| format!("`{u}`")).unwrap_or_else(|| "none".into());
        b.push(Kind::BaseUrlChanged, format!("base URL {} → {}", show(url(old)), show(url(new)))).at(new
            .api
            .base_url
            .as_ref()
            .map(|u| &u.source));
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
            b.push(Kind::AuthRemoved, format!("auth: {key} removed"))
                .item(&key)
                .breaking(true)
                .why("its `Auth` variant disappears")
                .was_at(Some(&auth_source(a)));
        }
    }
    for a in &new.api.auth {
        let key = auth_key(a);
        if !old_auth.contains(&key) {
            b.push(Kind::AuthAdded, format!("auth: {key} added")).item(&key).at(Some(&auth_source(a)));
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

/// Operations of `old` that `new` has under another id, as (old id, new id): an
/// operation gone and one come at the same place of the document (its anchor: an
/// overlay `id`), or else, both resolved, with the same method and path (a title that
/// changed, and with it the anchor). Only one-to-one matches.
pub(super) fn operation_renames(old: &Spec, new: &Spec) -> Vec<(String, String)> {
    let old_ids: BTreeSet<&str> = old.operations.iter().map(|o| o.id.as_str()).collect();
    let new_ids: BTreeSet<&str> = new.operations.iter().map(|o| o.id.as_str()).collect();
    let gone: Vec<&Operation> = old.operations.iter().filter(|o| !new_ids.contains(o.id.as_str())).collect();
    let came: Vec<&Operation> = new.operations.iter().filter(|o| !old_ids.contains(o.id.as_str())).collect();
    let mut renames = renamed(gone.clone(), came.clone(), |o: &Operation| Some(o.source.to_string()));
    let (was_ids, new_ids_renamed): (BTreeSet<&str>, BTreeSet<&str>) =
        renames.iter().map(|(was, op)| (was.id.as_str(), op.id.as_str())).unzip();
    let by_endpoint = renamed(
        gone.into_iter().filter(|o| !was_ids.contains(o.id.as_str())).collect(),
        came.into_iter().filter(|o| !new_ids_renamed.contains(o.id.as_str())).collect(),
        |o: &Operation| o.is_resolved().then(|| endpoint(o)),
    );
    renames.extend(by_endpoint);
    renames.into_iter().map(|(was, op)| (was.id.clone(), op.id.clone())).collect()
}

pub(super) fn operation_changes(old: &Spec, new: &Spec, renames: &[(String, String)], out: &mut Vec<Change>) {
    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let new_ids: BTreeSet<&str> = new.operations.iter().map(|o| o.id.as_str()).collect();
    let renames: Vec<(&Operation, &Operation)> = renames
        .iter()
        .filter_map(|(was, id)| Some((*old_ops.get(was.as_str())?, new.operations.iter().find(|o| &o.id == id)?)))
        .collect();
    let renamed_from: BTreeMap<&str, &Operation> = renames.iter().map(|(was, op)| (op.id.as_str(), *was)).collect();
    let renamed_old: BTreeSet<&str> = renames.iter().map(|(was, _)| was.id.as_str()).collect();
    for op in &old.operations {
        if !new_ids.contains(op.id.as_str()) && !renamed_old.contains(op.id.as_str()) {
            let mut b = Builder { out, group: op.resource.clone(), subject: op.id.clone() };
            let breaking = op.is_resolved();
            b.push(Kind::OperationRemoved, format!("operation `{}` removed{}", op.id, endpoint_suffix(op)))
                .breaking(breaking)
                .why(breaking.then_some("its method disappears"))
                .was_at(Some(&op.source));
        }
    }
    for op in &new.operations {
        let mut b = Builder { out: &mut *out, group: op.resource.clone(), subject: op.id.clone() };
        if let Some(was) = renamed_from.get(op.id.as_str()) {
            b.push(
                Kind::OperationRenamed,
                format!("operation `{}` renamed `{}`{}", was.id, op.id, endpoint_suffix(op)),
            )
            .why("the spec's id only: the Rust method keeps its name unless reported below")
            .at(Some(&op.source));
            operation_change(was, op, &mut b);
            continue;
        }
        let Some(was) = old_ops.get(op.id.as_str()) else {
            b.push(Kind::OperationAdded, format!("operation `{}` added{}", op.id, endpoint_suffix(op)))
                .at(Some(&op.source));
            continue;
        };
        operation_change(was, op, &mut b);
    }
}

/// How code calls an operation: `client.contacts().list()`; for a spec written before
/// operations had Rust names, the flat `Client` method the emitter made of its id.
fn call(op: &Operation) -> String {
    if op.rust_name.is_empty() {
        format!("client.{}()", codegen::names::snake(&op.id))
    } else {
        format!("client.{}().{}()", codegen::names::snake(&op.resource), op.rust_name)
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
        (true, false) => {
            b.push(
                Kind::OperationUnresolved,
                format!("`{id}`: method or path no longer known (was {})", endpoint(was)),
            )
            .breaking(true)
            .why("unresolved operations are not generated: its method disappears")
            .at(Some(&op.source));
        }
        (false, true) => {
            b.push(Kind::OperationResolved, format!("`{id}`: now resolved as {}", endpoint(op)))
                .at(Some(op.resolved_by.as_ref().unwrap_or(&op.source)));
        }
        (true, true) if (was.method, &was.path) != (op.method, &op.path) => {
            b.push(Kind::EndpointChanged, format!("`{id}`: {} → {}", endpoint(was), endpoint(op)))
                .why("same method signature; calls go to the new endpoint")
                .at(Some(op.resolved_by.as_ref().unwrap_or(&op.source)));
        }
        _ => {}
    }
    if was.is_resolved() && op.is_resolved() && was.resource == op.resource && call(was) != call(op) {
        b.push(Kind::MethodRenamed, format!("`{id}`: Rust method `{}` renamed `{}`", call(was), call(op)))
            .breaking(true)
            .why("code calling the method must use its new name")
            .at(Some(&op.source));
    }
    if was.resource != op.resource {
        b.push(Kind::ResourceChanged, format!("`{id}`: moved from resource `{}` to `{}`", was.resource, op.resource))
            .breaking(op.is_resolved() && was.is_resolved())
            .why("its method moves to another resource's handle (and its builder to another `resources::` module)")
            .at(Some(&op.source));
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
        (None, Some(now)) => {
            b.push(Kind::PagingChanged, format!("`{id}`: now a list operation, its items under `{}`", now.items))
                .why("its builder gains `.stream()` and `.all()`")
                .at(Some(&source(now, op)));
        }
        (Some(before), None) => {
            b.push(
                Kind::PagingChanged,
                format!("`{id}`: no longer a list operation (its items were under `{}`)", before.items),
            )
            .breaking(op.is_resolved())
            .why("its builder loses `.stream()` and `.all()`")
            .was_at(Some(&source(before, was)));
        }
        (Some(before), Some(now)) if before.items != now.items => {
            b.push(
                Kind::PagingChanged,
                format!("`{id}`: a page's items move from `{}` to `{}`", before.items, now.items),
            )
            .breaking(op.is_resolved())
            .why("`.stream()` yields the items of another field, which may be of another type")
            .at(Some(&source(now, op)));
        }
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
                format!("`{id}`: {} parameter `{}` renamed to `{}`", location(came.location), gone.name, came.name),
            )
            .item(&came.name)
            .breaking(true)
            .why(Some(if positional(came) {
                "the positional argument's name changes (and with it the wire name)"
            } else {
                "its builder method is renamed"
            }))
            .at(Some(&came.source));
            removed.clear();
            added.clear();
        }
    }
    for p in removed {
        b.push(Kind::ParameterRemoved, format!("`{id}`: {} parameter `{}` removed", location(p.location), p.name))
            .item(&p.name)
            .breaking(true)
            .why(Some(if positional(p) { "a positional argument disappears" } else { "its builder method disappears" }))
            .was_at(Some(&p.source));
    }
    for p in added {
        let breaking = positional(p);
        let what = if p.required { "required " } else { "" };
        b.push(
            Kind::ParameterAdded,
            format!("`{id}`: {what}{} parameter `{}` added ({})", location(p.location), p.name, p.ty),
        )
        .item(&p.name)
        .breaking(breaking)
        .why(Some(if breaking { "a new positional argument" } else { "a new builder method" }))
        .at(Some(&p.source));
    }
    for p in &op.parameters {
        let Some(i) = find(&was.parameters, &p.name) else { continue };
        let q = &was.parameters[i];
        let name = &p.name;
        if q.ty != p.ty {
            b.push(Kind::ParameterRetyped, format!("`{id}`: parameter `{name}` retyped `{}` → `{}`", q.ty, p.ty))
                .item(name)
                .breaking(true)
                .why("the argument's Rust type changes")
                .at(Some(p.type_source.as_ref().unwrap_or(&p.source)));
        }
        if q.required != p.required {
            let (kind, word) =
                if p.required { (Kind::ParameterRequired, "required") } else { (Kind::ParameterOptional, "optional") };
            let breaking = positional(q) != positional(p);
            b.push(kind, format!("`{id}`: parameter `{name}` made {word}"))
                .item(name)
                .breaking(breaking)
                .why(Some(if !breaking {
                    "path parameters are positional either way"
                } else if p.required {
                    "a builder method becomes a positional argument"
                } else {
                    "a positional argument becomes a builder method"
                }))
                .at(Some(&p.source));
        }
        if q.location != p.location {
            let breaking = positional(q) != positional(p) && q.required == p.required;
            b.push(
                Kind::ParameterMoved,
                format!("`{id}`: parameter `{name}` moved from {} to {}", location(q.location), location(p.location)),
            )
            .item(name)
            .breaking(breaking)
            .why(breaking.then_some("path parameters are positional arguments, others builder methods"))
            .at(Some(&p.source));
        }
        if q.deprecated != p.deprecated {
            let word = if p.deprecated { "deprecated" } else { "no longer deprecated" };
            b.push(Kind::ParameterDeprecation, format!("`{id}`: parameter `{name}` {word}"))
                .item(name)
                .at(Some(&p.source));
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
            format!("`{id}`: positional arguments reordered ({}) → ({})", before.join(", "), after.join(", ")),
        )
        .breaking(true)
        .why("arguments of the same type would silently swap")
        .at(Some(&op.source));
    }
}

fn body_changes(was: &Operation, op: &Operation, b: &mut Builder) {
    let id = &op.id;
    match (&was.request, &op.request) {
        (None, Some(r)) => {
            b.push(Kind::RequestAdded, format!("`{id}`: request body added ({})", r.ty))
                .breaking(true)
                .why("a new positional `body` argument")
                .at(Some(&r.source));
        }
        (Some(r), None) => {
            b.push(Kind::RequestRemoved, format!("`{id}`: request body removed (was {})", r.ty))
                .breaking(true)
                .why("the positional `body` argument disappears")
                .was_at(Some(&r.source));
        }
        (Some(q), Some(r)) if q.ty != r.ty => {
            b.push(Kind::RequestRetyped, format!("`{id}`: request body retyped `{}` → `{}`", q.ty, r.ty))
                .breaking(true)
                .why("the `body` argument's type changes")
                .at(Some(&r.source));
        }
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
                    format!(
                        "`{id}`: response {status} added ({})",
                        r.ty.as_ref().map(|t| t.to_string()).unwrap_or_else(|| "no body shown".into())
                    ),
                )
                .item(status)
                .breaking(breaking)
                .why(breaking.then_some("the method's output type changes"))
                .at(Some(&r.source));
            }
            Some(q) if q.ty != r.ty => {
                let is_success = op.success().map(|s| &s.status) == Some(status);
                let breaking = is_success && output_changed;
                b.push(
                    Kind::ResponseRetyped,
                    format!("`{id}`: response {status} body {} → {}", shown(q.ty.clone()), shown(r.ty.clone())),
                )
                .item(status)
                .breaking(breaking)
                .why(Some(if breaking {
                    "the method's output type changes"
                } else {
                    "not the success response: errors decode into the API's error body"
                }))
                .at(Some(&r.source));
            }
            Some(_) => {}
        }
    }
    for q in &was.responses {
        if !op.responses.iter().any(|r| r.status == q.status) {
            let was_success = was.success().map(|s| &s.status) == Some(&q.status);
            let breaking = was_success && output_changed;
            b.push(Kind::ResponseRemoved, format!("`{id}`: response {} removed", q.status))
                .item(&q.status)
                .breaking(breaking)
                .why(breaking.then_some("the method's output type changes"))
                .was_at(Some(&q.source));
        }
    }
}
