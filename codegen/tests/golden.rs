//! Golden tests of the emitter: tiny hand-written specs (`tests/golden/*.yaml`), each
//! generating one file compared with the expected one beside it (`tests/golden/*.rs`),
//! so that an emitter change shows up as a small diff a person reviews.
//! `EXPECTORATE=overwrite cargo test -p codegen --test golden` writes the new files.

use codegen::spec::Spec;
use codegen::{generate, Config};

/// The file at `path` generated from the spec `tests/golden/{name}.yaml`, compared with
/// `tests/golden/{name}.rs`.
fn assert_golden(name: &str, path: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let text = std::fs::read_to_string(format!("{dir}/{name}.yaml")).expect("the golden spec is readable");
    let spec: Spec = codegen::yaml::from_str(&text).unwrap_or_else(|e| panic!("tests/golden/{name}.yaml: {e}"));
    let config = Config { command: "cargo test -p codegen --test golden".into(), spec_path: format!("codegen/tests/golden/{name}.yaml") };
    let files = generate(&spec, &config).unwrap_or_else(|e| panic!("tests/golden/{name}.yaml: {e}"));
    let file = files.iter().find(|f| f.path == path).unwrap_or_else(|| {
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        panic!("tests/golden/{name}.yaml generates no {path}, only {paths:?}")
    });
    expectorate::assert_contents(format!("{dir}/{name}.rs"), &file.contents);
}

#[test]
fn an_open_enum() {
    assert_golden("enum", "generated/golden/src/models/task_priority.rs");
}

#[test]
fn a_request_body_built_with_new_and_setters() {
    assert_golden("request_builder", "generated/golden/src/models/create_task.rs");
}

#[test]
fn a_list_operation_walking_pages() {
    assert_golden("list", "generated/golden/src/resources/notes.rs");
}

#[test]
fn a_resource_with_the_five_verbs_and_header_parameters() {
    assert_golden("crud", "generated/golden/src/resources/deals.rs");
}

#[test]
fn a_response_model_decoded_field_by_field() {
    assert_golden("response", "generated/golden/src/models/note.rs");
}
