//! Every Rust name the emitter gives a spec's items, grouped by the scope it lives in,
//! and the clashes among them: two items that get one name in a scope, an item named
//! like something the emitted code itself uses there, a module whose file name is too
//! long. Validation reports them with the items' sources, and `generate` refuses a spec
//! that has any: emitted code never fails to compile because of a name.

use std::collections::BTreeMap;

use super::client::{client_methods, fixed_auth_variants};
use super::fixtures::fixtures_of;
use super::models::{MODEL_SCOPE, UNDOCUMENTED_VARIANT};
use super::operations::{BUILDER_METHODS, RESOURCE_SCOPE};
use super::Context;
use crate::names::{camel, module, snake};
use crate::spec::{AuthScheme, Operation, Source, Spec, TypeKind};

/// The longest module or fixture file stem, in bytes: file systems refuse names over 255
/// bytes, and the fixture files add a status, a number and `.json`.
pub const MAX_FILE_STEM: usize = 200;

/// The names of one scope, each with the item it names. An item is described only when
/// it clashes: the words (with the item's source) are made for the message alone, and
/// nearly every name of a spec clashes with nothing.
struct Scope<'a> {
    /// What the names are (`type`, `field`): messages say it.
    kind: &'static str,
    names: BTreeMap<String, Item<'a>>,
}

/// The words naming an item, made when a message needs them.
type Item<'a> = Box<dyn Fn() -> String + 'a>;

impl<'a> Scope<'a> {
    fn new(kind: &'static str) -> Scope<'a> {
        Scope { kind, names: BTreeMap::new() }
    }

    /// Names the emitted code itself uses in this scope.
    fn reserve(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Scope<'a> {
        for name in names {
            let name = name.into();
            let shown = name.clone();
            self.names.insert(name, Box::new(move || format!("the generated code's own `{shown}`")));
        }
        self
    }

    /// Adds `name`, given to `item`; a name the scope has already is a clash.
    fn add(&mut self, name: String, item: impl Fn() -> String + 'a, clashes: &mut Vec<String>) {
        match self.names.get(&name) {
            Some(first) => {
                clashes.push(format!("{} and {} both become the Rust {} name `{name}`", item(), first(), self.kind))
            }
            None => {
                self.names.insert(name, Box::new(item));
            }
        }
    }

    /// Adds a module or file name, which must also be short enough for a file system.
    fn add_file(&mut self, name: String, item: impl Fn() -> String + 'a, clashes: &mut Vec<String>) {
        if name.len() > MAX_FILE_STEM {
            clashes.push(format!(
                "{} becomes the {} name `{name}`, {} bytes long: file names of more than {MAX_FILE_STEM} bytes are refused",
                item(),
                self.kind,
                name.len()
            ));
        }
        self.add(name, item, clashes);
    }
}

/// ` (doc:12)`, or nothing for an item without a source.
fn at(source: Option<&Source>) -> String {
    source.map(|s| format!(" ({s})")).unwrap_or_default()
}

/// Whether two operations given one Rust name are one method: one endpoint (method and
/// path) with one signature (parameters, body, success type).
fn one_endpoint(a: &Operation, b: &Operation) -> bool {
    a.method == b.method
        && a.path == b.path
        && a.parameters == b.parameters
        && a.request.as_ref().map(|r| &r.ty) == b.request.as_ref().map(|r| &r.ty)
        && a.success().map(|r| &r.ty) == b.success().map(|r| &r.ty)
}

/// Every clash of Rust names the spec would give the generated crate, each naming the
/// items and their sources.
pub fn name_clashes(spec: &Spec) -> Vec<String> {
    let mut clashes = Vec::new();

    // The models module: one type and one file per named type.
    let mut types = Scope::new("type").reserve(MODEL_SCOPE.iter().copied());
    let mut model_files = Scope::new("model module");
    for def in &spec.types {
        let item = || format!("type `{}`{}", def.name, at(def.sources.first()));
        types.add(camel(&def.name), item, &mut clashes);
        model_files.add_file(module(&def.name), item, &mut clashes);
        match &def.kind {
            TypeKind::Object { fields } => {
                let mut scope = Scope::new("field");
                for f in fields {
                    let item = || format!("field `{}.{}` ({})", def.name, f.name, f.source);
                    scope.add(snake(&f.name), item, &mut clashes);
                }
            }
            TypeKind::Enum { values } => {
                let mut scope = Scope::new("enum variant").reserve([UNDOCUMENTED_VARIANT]);
                for v in values {
                    scope.add(camel(v), move || format!("value `{v}` of `{}`", def.name), &mut clashes);
                }
            }
            TypeKind::Unknown => {}
        }
    }

    // `Client`'s methods: its own and one accessor per resource (crate-wide). Per
    // resource: its handle's methods, one per Rust name (operations of one endpoint with
    // one signature share one method), and, in its module, the handle and the request
    // builders (each method's name in PascalCase).
    let ctx = Context { spec, input_types: Default::default(), output_types: Default::default() };
    let mut methods = Scope::new("Client method").reserve(client_methods(&ctx)).reserve(["clone"]);
    let mut by_resource: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in spec.operations.iter().filter(|op| op.is_resolved()) {
        by_resource.entry(op.resource.as_str()).or_default().push(op);
    }
    let mut resource_files = Scope::new("resource module");
    for (resource, ops) in by_resource {
        let item = move || format!("resource `{resource}`");
        methods.add(snake(resource), item, &mut clashes);
        resource_files.add_file(module(resource), item, &mut clashes);
        let mut types = Scope::new("resource module item").reserve(RESOURCE_SCOPE.iter().copied());
        types.add(camel(resource), move || format!("the handle of {}", item()), &mut clashes);
        let mut verbs = Scope::new("method").reserve(["clone"]);
        let mut first: BTreeMap<&str, &Operation> = BTreeMap::new();
        for op in ops {
            let at = move || format!("operation `{}` ({})", op.id, op.source);
            if op.rust_name.is_empty() || snake(&op.rust_name) != op.rust_name {
                clashes.push(format!("{}: its Rust name `{}` is not a snake_case name", at(), op.rust_name));
                continue;
            }
            match first.get(op.rust_name.as_str()) {
                Some(other) if one_endpoint(other, op) => {}
                Some(other) => clashes.push(format!(
                    "{} and operation `{}` ({}) both become the Rust method `{resource}().{}` but are not one endpoint with one signature",
                    at(), other.id, other.source, op.rust_name
                )),
                None => {
                    first.insert(&op.rust_name, op);
                    verbs.add(op.rust_name.clone(), at, &mut clashes);
                    types.add(camel(&op.rust_name), at, &mut clashes);
                }
            }
        }
    }

    // A request builder's fields and setters: the parameters and the builder's own.
    for op in &spec.operations {
        let mut scope = Scope::new("parameter").reserve(BUILDER_METHODS.iter().copied());
        if op.request.is_some() {
            scope = scope.reserve(["body"]);
        }
        for p in &op.parameters {
            let item = || format!("operation `{}` ({}), parameter `{}` ({})", op.id, op.source, p.name, p.source);
            scope.add(snake(&p.name), item, &mut clashes);
        }
    }

    // `Client::new` and `Client::builder`: the base URL's variables, then `auth`.
    if let Some(base) = &spec.api.base_url {
        let mut scope = Scope::new("argument").reserve(["auth"]);
        for v in &base.variables {
            scope.add(snake(&v.name), || format!("base URL variable `{}` ({})", v.name, base.source), &mut clashes);
        }
    }

    // `Auth`: a variant per API key header, and the emitter's own.
    let mut variants = Scope::new("Auth variant").reserve(fixed_auth_variants(spec));
    for scheme in &spec.api.auth {
        if let AuthScheme::ApiKeyHeader { header, source, .. } = scheme {
            variants.add(camel(&header.to_lowercase()), move || format!("auth header `{header}` ({source})"), &mut clashes);
        }
    }

    // The fixture files and their tests.
    let mut files = Scope::new("fixture file");
    let mut tests = Scope::new("fixture test").reserve(["same_timestamp"]);
    for fixture in fixtures_of(spec) {
        let (example, op) = (fixture.example, fixture.op);
        let item = move || format!("the example at {} of operation `{}`", example.source, op.id);
        files.add_file(fixture.file, item, &mut clashes);
        tests.add(fixture.test, item, &mut clashes);
    }
    clashes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec of `operations` and `types` (YAML lists), with bearer auth.
    fn spec(operations: &str, types: &str) -> Spec {
        let text = format!(
            "api:\n  name: t\n  title: T\n  snapshot: s.txt\n  auth:\n  - kind: bearer\n    source: doc:1\noperations:\n  {}\ntypes:\n  {}\n",
            operations.replace('\n', "\n  "),
            types.replace('\n', "\n  ")
        );
        crate::yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn op(id: &str, resource: &str, line: u32, params: &[&str]) -> String {
        let mut text = format!(
            "- id: '{id}'\n  resource: {resource}\n  rust_name: '{id}'\n  method: GET\n  path: /{resource}\n  responses: []\n  source: doc:{line}\n"
        );
        if !params.is_empty() {
            text.push_str("  parameters:\n");
            for (i, p) in params.iter().enumerate() {
                text.push_str(&format!("  - name: '{p}'\n    in: query\n    type: string\n    source: doc:{}\n", line + 1 + i as u32));
            }
        }
        text
    }

    #[test]
    fn a_spec_with_clashes_is_not_checked_and_comes_back_with_them() {
        use crate::emit::{generate_checked, NamesChecked};
        let clashing = spec(&op("list", "things", 10, &["filter-name", "filter_name"]), "[]");
        let expected = name_clashes(&clashing);
        assert_eq!(*NamesChecked::new(clashing.clone()).unwrap_err(), (clashing, expected));
        let clean = spec(&op("list", "things", 10, &["filter"]), "[]");
        let checked = NamesChecked::new(clean.clone()).unwrap();
        let config = crate::Config { command: "test".into(), spec_path: "s.yaml".into() };
        assert_eq!(generate_checked(&checked, &config).unwrap(), crate::generate(&clean, &config).unwrap());
        assert_eq!(checked.into_spec(), clean);
    }

    #[test]
    fn names_outside_ascii_do_not_clash_with_their_ascii_neighbours() {
        let s = spec(&op("list", "things", 10, &["²filters", "filters"]), "[]");
        assert_eq!(name_clashes(&s), Vec::<String>::new());
    }

    #[test]
    fn two_wire_names_with_one_rust_name_are_a_clash_naming_both_lines() {
        let s = spec(&op("list", "things", 10, &["filter-name", "filter_name"]), "[]");
        let clashes = name_clashes(&s);
        assert_eq!(clashes.len(), 1, "{clashes:?}");
        assert!(clashes[0].contains("`filter_name` (doc:12)") && clashes[0].contains("`filter-name` (doc:11)"));
        assert!(clashes[0].contains("Rust parameter name `filter_name`"), "{}", clashes[0]);
    }

    #[test]
    fn names_the_generated_code_uses_itself_are_clashes() {
        // A builder `Result` or `Request` would hide the prelude's and the runtime's in its
        // resource file; `clone` would hide `Clone::clone`; a resource `request` would be
        // named like `Client::request`.
        let ops = [
            op("request", "things", 1, &[]),
            op("new", "things", 2, &[]),
            op("result", "things", 3, &["clone"]),
            op("list", "request", 5, &[]),
        ]
        .concat();
        let types = "- name: String\n  kind: unknown\n  sources: [doc:9]\n- name: Con\n  kind: unknown\n  sources: [doc:8]\n";
        let clashes = name_clashes(&spec(&ops, types));
        let has = |text: &str| clashes.iter().any(|c| c.contains(text));
        assert!(has("resource `request` and the generated code's own `request` both become the Rust Client method name"), "{clashes:#?}");
        assert!(has("operation `result` (doc:3) and the generated code's own `Result` both become the Rust resource module item name"), "{clashes:#?}");
        assert!(has("operation `request` (doc:1) and the generated code's own `Request`"), "{clashes:#?}");
        assert!(has("parameter `clone` (doc:4) and the generated code's own `clone`"), "{clashes:#?}");
        assert!(has("type `String` (doc:9) and the generated code's own `String`"), "{clashes:#?}");
        // The resource `request` also gives the handle `Request`, the runtime's type.
        assert!(has("the handle of resource `request` and the generated code's own `Request`"), "{clashes:#?}");
        assert_eq!(clashes.len(), 6, "{clashes:#?}");
    }

    #[test]
    fn two_operations_named_alike_in_a_resource_must_be_one_endpoint() {
        let mut other = op("fetch_again", "things", 20, &["extra"]);
        other = other.replace("rust_name: 'fetch_again'", "rust_name: 'fetch'");
        let same = op("fetch_too", "things", 30, &[]).replace("rust_name: 'fetch_too'", "rust_name: 'fetch'");
        let ops = [op("fetch", "things", 10, &[]), same, other].concat();
        let clashes = name_clashes(&spec(&ops, "[]"));
        assert_eq!(clashes.len(), 1, "one endpoint with one signature is one method: {clashes:#?}");
        assert!(clashes[0].contains("operation `fetch_again` (doc:20) and operation `fetch` (doc:10) both become the Rust method `things().fetch`"), "{clashes:#?}");
    }

    #[test]
    fn module_files_are_unique_and_short() {
        let ops = [op("a", "foo-bar", 1, &[]), op("b", "foo_bar", 2, &[])].concat();
        let long = "X".repeat(MAX_FILE_STEM + 1);
        let types = format!("- name: {long}\n  kind: unknown\n  sources: [doc:5]\n");
        let clashes = name_clashes(&spec(&ops, &types));
        assert!(clashes.iter().any(|c| c.contains("resource `foo_bar` and resource `foo-bar` both become the Rust resource module name `foo_bar`")), "{clashes:#?}");
        assert!(clashes.iter().any(|c| c.contains("201 bytes long")), "{clashes:#?}");
    }

    #[test]
    fn the_client_methods_are_read_from_the_emitted_client() {
        let s = spec("[]", "[]");
        let methods = client_methods(&Context { spec: &s, input_types: Default::default(), output_types: Default::default() });
        for name in ["new", "builder", "base_url", "request", "core"] {
            assert!(methods.iter().any(|m| m == name), "{name} missing from {methods:?}");
        }
    }

    /// Capitalized identifiers a file uses without a path in front (`String`, not
    /// `std::string::String`).
    fn unqualified_capitalized(text: &str) -> std::collections::BTreeSet<String> {
        fn walk(tokens: proc_macro2::TokenStream, out: &mut std::collections::BTreeSet<String>) {
            // Consecutive `:` just before: two make a path separator.
            let mut colons = 0;
            for token in tokens {
                match token {
                    proc_macro2::TokenTree::Group(g) => {
                        walk(g.stream(), out);
                        colons = 0;
                    }
                    proc_macro2::TokenTree::Punct(p) => colons = if p.as_char() == ':' { colons + 1 } else { 0 },
                    proc_macro2::TokenTree::Ident(i) => {
                        let name = i.to_string();
                        if colons < 2 && name.starts_with(|c: char| c.is_ascii_uppercase()) {
                            out.insert(name);
                        }
                        colons = 0;
                    }
                    proc_macro2::TokenTree::Literal(_) => colons = 0,
                }
            }
        }
        let mut out = std::collections::BTreeSet::new();
        walk(text.parse().expect("generated files tokenize"), &mut out);
        out
    }

    /// What a file may use unqualified besides the scope's reserved names and its own
    /// items: values, variants, derive macros and associated names, which no type or
    /// builder can hide, and the generic parameters of the models' decoding functions
    /// (`A`, `D`: they hide a type of that name inside those functions, which name no
    /// other type).
    const NOT_TYPES: &[&str] = &[
        "Self", "Some", "None", "Ok", "Err", "Item", "Output", "Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash", "Default",
        "NAME", "A", "D",
    ];

    #[test]
    fn the_reserved_names_are_every_name_the_emitted_files_use_unqualified() {
        for api in ["wealthbox", "activecampaign"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../specs/{api}.yaml"));
            let text = std::fs::read_to_string(path).unwrap();
            // The spec without the coverage figures that open the file.
            let spec: Spec = crate::yaml::from_str(&text[text.find("\napi:").unwrap()..]).unwrap();
            let config = crate::Config { command: "test".into(), spec_path: "s.yaml".into() };
            for file in crate::generate(&spec, &config).unwrap() {
                let (reserved, own): (&[&str], Vec<String>) = if file.path.contains("/src/resources/") {
                    let own = spec.operations.iter().flat_map(|o| [camel(&o.rust_name), camel(&o.resource)]).collect();
                    (RESOURCE_SCOPE, own)
                } else if file.path.contains("/src/models/") {
                    let own = spec.types.iter().flat_map(|t| {
                        let variants = match &t.kind {
                            TypeKind::Enum { values } => values.iter().map(|v| camel(v)).collect(),
                            _ => Vec::new(),
                        };
                        variants.into_iter().chain([camel(&t.name), UNDOCUMENTED_VARIANT.to_string()])
                    });
                    (MODEL_SCOPE, own.collect())
                } else {
                    continue;
                };
                for name in unqualified_capitalized(&file.contents) {
                    assert!(
                        reserved.contains(&name.as_str()) || own.contains(&name) || NOT_TYPES.contains(&name.as_str()),
                        "{} uses `{name}` unqualified: add it to the reserved names of its scope",
                        file.path
                    );
                }
            }
        }
    }
}
