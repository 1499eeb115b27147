//! Validation of a spec, a pass of its own: dangling type references, duplicate
//! operation ids, two wire names that give one Rust name, path placeholders without
//! parameters (and path parameters without placeholders), header names a client cannot
//! send. Each finding names where it is.

use std::collections::{BTreeMap, BTreeSet};

use codegen::emit::UNDOCUMENTED_VARIANT;
use codegen::names::{camel, snake};
use codegen::refs::RefSite;
use codegen::spec::{AuthScheme, Operation, ParamLocation, Spec, TypeKind};

/// Every problem found; an empty list means the spec can be generated.
pub fn validate(spec: &Spec) -> Vec<String> {
    let mut errors = Vec::new();
    let names: BTreeSet<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    for (site, ty) in spec.type_refs() {
        if let Some(n) = ty.named().filter(|n| !names.contains(n)) {
            errors.push(format!("{}: refers to type `{n}`, which the spec does not define", site_text(&site)));
        }
    }

    unique(spec.types.iter().map(|t| (camel(&t.name), format!("type `{}`", t.name))), "type", &mut errors);
    for def in &spec.types {
        match &def.kind {
            TypeKind::Object { fields } => {
                unique(
                    fields.iter().map(|f| (snake(&f.name), format!("field `{}.{}`", def.name, f.name))),
                    "field",
                    &mut errors,
                );
            }
            TypeKind::Enum { values } => {
                let variants = values.iter().map(|v| (camel(v), format!("value `{v}` of `{}`", def.name)));
                let reserved = std::iter::once((
                    UNDOCUMENTED_VARIANT.to_string(),
                    "the variant for undocumented values".to_string(),
                ));
                unique(variants.chain(reserved), "enum variant", &mut errors);
            }
            TypeKind::Unknown => {}
        }
    }

    unique(
        spec.operations.iter().map(|o| (o.id.clone(), format!("operation `{}` ({})", o.id, o.source))),
        "operation id",
        &mut errors,
    );
    for op in &spec.operations {
        let at = format!("operation `{}` ({})", op.id, op.source);
        unique(
            op.parameters.iter().map(|p| (snake(&p.name), format!("{at}, parameter `{}`", p.name))),
            "parameter",
            &mut errors,
        );
        if let Some(path) = &op.path {
            for hole in path.placeholders() {
                if !op.parameters.iter().any(|p| p.name == hole && p.location == ParamLocation::Path) {
                    errors.push(format!(
                        "{at}: the path `{path}` has placeholder `{{{hole}}}` but no path parameter of that name"
                    ));
                }
            }
            for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
                if !path.has_placeholder(&p.name) {
                    errors.push(format!("{at}: path parameter `{}` has no placeholder in `{path}`", p.name));
                }
            }
        }
        if op.is_resolved() {
            for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Unknown) {
                errors.push(format!("{at}: parameter `{}` of a routed operation travels nowhere known", p.name));
            }
        }
    }
    rust_names(spec, &mut errors);
    for scheme in &spec.api.auth {
        if let AuthScheme::ApiKeyHeader { header, source, .. } = scheme {
            let token = !header.is_empty()
                && header.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !token {
                errors.push(format!("auth header `{header}` ({source}) is not a valid HTTP header name"));
            }
        }
    }
    errors
}

/// Where a type reference is, in words.
fn site_text(site: &RefSite) -> String {
    let operation = |op: &Operation| format!("operation `{}` ({})", op.id, op.source);
    match site {
        RefSite::Parameter(op, p) => format!("{}, parameter `{}`", operation(op), p.name),
        RefSite::Request(op, _) => format!("{}, request body", operation(op)),
        RefSite::Response(op, r) => format!("{}, response {}", operation(op), r.status),
        RefSite::Field(def, f) => format!("field `{}.{}` ({})", def.name, f.name, f.source),
        RefSite::ErrorBody(e) => format!("api.error_body ({})", e.source),
    }
}

/// Reports every Rust name that two things share.
fn unique(items: impl Iterator<Item = (String, String)>, what: &str, errors: &mut Vec<String>) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, at) in items {
        if let Some(first) = seen.get(&name) {
            errors.push(format!("{at} and {first} both become the Rust {what} name `{name}`"));
        } else {
            seen.insert(name, at);
        }
    }
}

/// Methods of the generated `Client` that a resource's accessor must not take.
const CLIENT_METHODS: &[&str] = &["base_url", "builder", "core", "new", "oauth_app", "request"];

/// Operations' Rust names: snake_case; one per method of a resource, unless the
/// operations are one endpoint with one signature (one method); request builders (their
/// PascalCase) and resource handles apart; resource accessors apart from `Client`'s own
/// methods.
fn rust_names(spec: &Spec, errors: &mut Vec<String>) {
    let mut by_resource: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in spec.operations.iter().filter(|o| o.is_resolved()) {
        by_resource.entry(&op.resource).or_default().push(op);
    }
    for (resource, ops) in by_resource {
        let accessor = snake(resource);
        if CLIENT_METHODS.contains(&accessor.as_str()) {
            errors.push(format!("resource `{resource}` would be named like the client's own method `{accessor}`"));
        }
        let mut first: BTreeMap<&str, &Operation> = BTreeMap::new();
        let mut builders: BTreeMap<String, &str> = BTreeMap::new();
        for op in ops {
            let at = format!("operation `{}` ({})", op.id, op.source);
            if op.rust_name.is_empty() || snake(&op.rust_name) != op.rust_name {
                errors.push(format!("{at}: its Rust name `{}` is not a snake_case name", op.rust_name));
                continue;
            }
            match first.get(op.rust_name.as_str()) {
                Some(other) => {
                    let one = other.method == op.method
                        && other.path == op.path
                        && other.parameters == op.parameters
                        && other.request.as_ref().map(|r| &r.ty) == op.request.as_ref().map(|r| &r.ty)
                        && other.success().map(|r| &r.ty) == op.success().map(|r| &r.ty);
                    if !one {
                        errors.push(format!(
                            "{at} and operation `{}` ({}) both become the Rust method `{resource}().{}` but are not one endpoint with one signature",
                            other.id, other.source, op.rust_name
                        ));
                    }
                }
                None => {
                    first.insert(&op.rust_name, op);
                    let builder = camel(&op.rust_name);
                    if builder == camel(resource) {
                        errors.push(format!("{at}: its request builder `{builder}` is named like its resource's handle"));
                    }
                    if let Some(other) = builders.insert(builder.clone(), &op.rust_name) {
                        errors.push(format!("{at}: its request builder `{builder}` is named like that of `{other}`"));
                    }
                }
            }
        }
    }
}
