//! Validation of a spec, a pass of its own: dangling type references, duplicate
//! operation ids, Rust names that clash (`codegen::emit::name_clashes`: two wire names
//! that give one Rust name, a name the generated code uses itself), path placeholders without
//! parameters (and path parameters without placeholders), header names a client cannot
//! send. Each finding names where it is.

use std::collections::{BTreeMap, BTreeSet};

use codegen::refs::RefSite;
use codegen::spec::{AuthScheme, Operation, ParamLocation, Spec};
use codegen::NamesChecked;

/// Every problem found; an empty list means the spec can be generated.
pub fn validate(spec: &Spec) -> Vec<String> {
    problems(spec, codegen::emit::name_clashes(spec))
}

/// [`validate`], keeping the spec: valid, with its names checked (so that generating it
/// does not walk them again), or every problem.
pub fn validated(spec: Spec) -> Result<NamesChecked, Vec<String>> {
    match NamesChecked::new(spec) {
        Ok(checked) => match problems(&checked, Vec::new()) {
            problems if problems.is_empty() => Ok(checked),
            problems => Err(problems),
        },
        Err(refused) => Err(problems(&refused.0, refused.1)),
    }
}

/// Every problem of `spec`, its name `clashes` among them.
fn problems(spec: &Spec, clashes: Vec<String>) -> Vec<String> {
    let mut errors = Vec::new();
    let names: BTreeSet<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    for (site, ty) in spec.type_refs() {
        if let Some(n) = ty.named().filter(|n| !names.contains(n)) {
            errors.push(format!("{}: refers to type `{n}`, which the spec does not define", site_text(&site)));
        }
    }

    errors.extend(clashes);

    unique(
        spec.operations.iter().map(|o| (o.id.clone(), format!("operation `{}` ({})", o.id, o.source))),
        "operation id",
        &mut errors,
    );
    for op in &spec.operations {
        let at = format!("operation `{}` ({})", op.id, op.source);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_validated_keeping_it_has_the_problems_of_validate_in_its_order() {
        // A reference to nothing, two parameters with one Rust name, an operation id twice.
        let text = "api:\n  name: t\n  title: T\n  snapshot: s.txt\noperations:\n- id: list\n  resource: things\n  rust_name: list\n  method: GET\n  path: /things\n  parameters:\n  - name: a-b\n    in: query\n    type: Nothing\n    source: doc:2\n  - name: a_b\n    in: query\n    type: string\n    source: doc:3\n  responses: []\n  source: doc:1\n- id: list\n  resource: other\n  rust_name: list\n  method: GET\n  path: /other\n  responses: []\n  source: doc:4\ntypes: []\n";
        let spec: Spec = codegen::yaml::from_str(text).unwrap();
        let problems = validate(&spec);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("refers to type `Nothing`"), "{problems:?}");
        assert!(problems[1].contains("both become the Rust parameter name `a_b`"), "{problems:?}");
        assert!(problems[2].contains("have the same operation id `list`"), "{problems:?}");
        assert_eq!(validated(spec.clone()).unwrap_err(), problems);
        // Without the clash, the reference and the id are still found, in that order.
        let without_clash: Spec = codegen::yaml::from_str(&text.replace("name: a_b", "name: c")).unwrap();
        assert_eq!(validated(without_clash.clone()).unwrap_err(), [problems[0].clone(), problems[2].clone()]);
        assert_eq!(validate(&without_clash), [problems[0].clone(), problems[2].clone()]);
        // A valid spec is kept as it is.
        let valid: Spec = codegen::yaml::from_str(
            &text
                .replace("name: a_b", "name: c")
                .replace("type: Nothing", "type: string")
                .replace("- id: list\n  resource: other", "- id: other\n  resource: other"),
        )
        .unwrap();
        assert_eq!(validate(&valid), Vec::<String>::new());
        assert_eq!(validated(valid.clone()).unwrap().into_spec(), valid);
    }
}
