//! Validation of a spec, a pass of its own: dangling type references, duplicate
//! operation ids, Rust names that clash (`codegen::emit::name_clashes`: two wire names
//! that give one Rust name, a name the generated code uses itself), path placeholders without
//! parameters (and path parameters without placeholders), header names a client cannot
//! send. Each finding names where it is.

use std::collections::{BTreeMap, BTreeSet};

use codegen::spec::{AuthScheme, ParamLocation, Spec, TypeKind, TypeRef};

use crate::readers::blueprint::placeholders;

/// Every problem found; an empty list means the spec can be generated.
pub fn validate(spec: &Spec) -> Vec<String> {
    let mut errors = Vec::new();
    let names: BTreeSet<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    let check_ref = |ty: &TypeRef, at: String, errors: &mut Vec<String>| {
        if let Some(n) = ty.named() {
            if !names.contains(n) {
                errors.push(format!("{at}: refers to type `{n}`, which the spec does not define"));
            }
        }
    };

    errors.extend(codegen::emit::name_clashes(spec));
    for def in &spec.types {
        if let TypeKind::Object { fields } = &def.kind {
            for f in fields {
                check_ref(&f.ty, format!("field `{}.{}` ({})", def.name, f.name, f.source), &mut errors);
            }
        }
    }

    unique(
        spec.operations.iter().map(|o| (o.id.clone(), format!("operation `{}` ({})", o.id, o.source))),
        "operation id",
        &mut errors,
    );
    for op in &spec.operations {
        let at = format!("operation `{}` ({})", op.id, op.source);
        for p in &op.parameters {
            check_ref(&p.ty, format!("{at}, parameter `{}`", p.name), &mut errors);
        }
        if let Some(r) = &op.request {
            check_ref(&r.ty, format!("{at}, request body"), &mut errors);
        }
        for r in &op.responses {
            if let Some(t) = &r.ty {
                check_ref(t, format!("{at}, response {}", r.status), &mut errors);
            }
        }
        if let Some(path) = &op.path {
            let holes = placeholders(path);
            for hole in &holes {
                if !op.parameters.iter().any(|p| &p.name == hole && p.location == ParamLocation::Path) {
                    errors.push(format!(
                        "{at}: the path `{path}` has placeholder `{{{hole}}}` but no path parameter of that name"
                    ));
                }
            }
            for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Path) {
                if !holes.contains(&p.name) {
                    errors.push(format!("{at}: path parameter `{}` has no placeholder in `{path}`", p.name));
                }
            }
        }
        if op.is_resolved() {
            for p in op.parameters.iter().filter(|p| p.location == ParamLocation::Unknown) {
                errors.push(format!("{at}: parameter `{}` of a routed operation travels nowhere known", p.name));
            }
        }
        if op.parameters.iter().any(|p| p.location == ParamLocation::Header) {
            errors.push(format!("{at}: header parameters are not supported by the emitter yet"));
        }
    }
    if let Some(e) = &spec.api.error_body {
        check_ref(&e.ty, format!("api.error_body ({})", e.source), &mut errors);
    }
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

/// Reports every name that two things share.
fn unique(items: impl Iterator<Item = (String, String)>, what: &str, errors: &mut Vec<String>) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (name, at) in items {
        if let Some(first) = seen.get(&name) {
            errors.push(format!("{at} and {first} have the same {what} `{name}`"));
        } else {
            seen.insert(name, at);
        }
    }
}
