//! Wire names the name rules used to panic on (a first character outside ASCII, found
//! by fuzzing all three readers) and wire names that clash once made Rust names, end to
//! end: document text to generated files.

use xtask::pipeline::{build_spec_from, generate_files};

fn overlay(reader: &str) -> String {
    format!("api:\n  name: names\n  title: Names\n  reader: {reader}\n")
}

/// The generated file whose path ends with `suffix`.
fn file(files: &[codegen::GeneratedFile], suffix: &str) -> String {
    let found = files.iter().find(|f| f.path.ends_with(suffix));
    found.unwrap_or_else(|| panic!("no {suffix} in {:?}", files.iter().map(|f| &f.path).collect::<Vec<_>>())).contents.clone()
}

const TABLE: &str = "| Name | In | Required | Type | Description |\n|---|---|---|---|---|\n";

#[test]
fn a_parameter_row_named_outside_ascii_gets_a_code_point_name_and_keeps_its_wire_name() {
    let doc = format!("/widgets\nList widgets\n{TABLE}| ²filters | query | optional | string | Filter. |\n200\nGET /widgets\n");
    let spec = build_spec_from("names", &doc, &overlay("openapi_text")).unwrap();
    assert_eq!(spec.operations[0].parameters[0].name, "²filters");
    let files = generate_files(&spec).unwrap();
    let resource = file(&files, "src/resources/widgets.rs");
    assert!(resource.contains("pub fn u00b2_filters(mut self, value: impl Into<String>) -> Self"), "{resource}");
    assert!(resource.contains("query.push(\"²filters\", value)"), "{resource}");
}

#[test]
fn a_json_key_outside_ascii_becomes_a_renamed_field() {
    let doc = "Contacts\n\nGET\nRetrieve a contact\n/v1/contacts/{id}\n\nParameters\nid\ninteger, required\n\nResponse Attributes\nid\ninteger\n\nResponse  200\nBody\n{\n  \"id\": 1,\n  \"²custom_fields\": [],\n  \"\u{10E6B}\": true\n}\n";
    let spec = build_spec_from("names", doc, &overlay("blueprint")).unwrap();
    let files = generate_files(&spec).unwrap();
    // The shape a `contacts` resource returns is its model, `Contact`.
    let model = file(&files, "src/models/contact.rs");
    // Decoded by its wire name; written by it too (with the `serialize` feature).
    assert!(model.contains("\"²custom_fields\" => self.u00b2_custom_fields = map.next_value()?,"), "{model}");
    assert!(model.contains("serde(rename = \"²custom_fields\", skip_serializing_if = \"Option::is_none\")"), "{model}");
    assert!(model.contains("pub u00b2_custom_fields: Option<serde_json::Value>"), "{model}");
    assert!(model.contains("pub u10e6b: Option<bool>"), "{model}");
}

#[test]
fn two_wire_names_that_give_one_rust_name_are_refused_naming_their_lines() {
    let doc = format!(
        "/widgets\nList widgets\n{TABLE}| filter-name | query | optional | string | A. |\n| filter_name | query | optional | string | B. |\n200\nGET /widgets\n"
    );
    let err = build_spec_from("names", &doc, &overlay("openapi_text")).unwrap_err().to_string();
    assert!(
        err.contains("parameter `filter_name` (doc:list-widgets/parameters/filter_name) and operation `list_widgets` (doc:list-widgets), parameter `filter-name` (doc:list-widgets/parameters/filter-name) both become the Rust parameter name `filter_name`"),
        "{err}"
    );
}

#[test]
fn a_resource_named_like_a_client_method_is_refused() {
    // `Client::request` sends to any path; a resource's accessor may not take its name.
    let doc = "/request\nList requests\n200\nGET /request\n";
    let err = build_spec_from("names", doc, &overlay("openapi_text")).unwrap_err().to_string();
    assert!(
        err.contains("resource `request` and the generated code's own `request` both become the Rust Client method name `request`"),
        "{err}"
    );
}

#[test]
fn an_operation_named_like_a_client_method_is_a_verb_of_its_resource() {
    // The operation titled "Request" is `client.widgets().get()`: nothing of `Client`'s.
    let doc = "/widgets\nRequest\n200\nGET /widgets\n";
    let spec = build_spec_from("names", doc, &overlay("openapi_text")).unwrap();
    assert_eq!((spec.operations[0].id.as_str(), spec.operations[0].rust_name.as_str()), ("request", "get"));
}

#[test]
fn types_named_after_words_outside_ascii_or_leading_digits_keep_the_spec_file_readable() {
    // Derived type names come from the operation's title and the fields' names; the spec
    // file only reads back PascalCase ASCII names.
    let doc = "Settings\n\nPUT\n2FA ändern\n/v1/settings\n\nRequest Attributes\nkind\nstring\nChoices: sms app\n\nRequest\nBody\n{\n  \"kind\": \"sms\"\n}\n";
    let spec = build_spec_from("names", doc, &overlay("blueprint")).unwrap();
    let mut names: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    // `2fa_ändern` gives `V2faU00e4Ndern`, before `Request` and `Kind`.
    assert_eq!(spec.operations[0].id, "2fa_ändern");
    assert_eq!(names, ["V2faU00e4NdernRequest", "V2faU00e4NdernRequestKind"]);
    let text = xtask::pipeline::spec_text(&spec).unwrap();
    assert_eq!(xtask::pipeline::parse_spec(&text, "names.yaml").unwrap(), spec);
}

#[test]
fn document_text_rustc_refuses_in_comments_is_made_safe() {
    // A carriage return inside a line (rustc refuses it in a `///` comment) and
    // characters that change the direction of text (refused in comments) in a title, a
    // parameter's name and its description.
    let doc = format!("/widgets\nList\rwidgets\n{TABLE}| a\u{202e}b | query | optional | string | Filter\rby \u{2066}name. |\n200\nGET /widgets\n");
    let spec = build_spec_from("names", &doc, &overlay("openapi_text")).unwrap();
    let files = generate_files(&spec).unwrap();
    for f in files.iter().filter(|f| f.path.ends_with(".rs")) {
        codegen::emit::check_rust_file(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path));
    }
    let resource = file(&files, "src/resources/widgets.rs");
    assert!(resource.contains("/// Filter\n") && resource.contains("/// by \\u{2066}name."), "{resource}");
    assert!(resource.contains("Query parameter `a\\u{202e}b`"), "{resource}");
    // The wire name itself is sent as it is.
    assert!(resource.contains("query.push(\"a\\u{202e}b\", value)"), "{resource}");
}
