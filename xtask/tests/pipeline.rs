//! The pipeline on the committed inputs and on damaged copies of them: regeneration is
//! exact and deterministic, and bad input gives errors or gaps naming lines, never a
//! panic, and never touches files already on disk.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::pipeline;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A scratch copy of one API's inputs and committed outputs.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let root = repo_root();
        for rel in ["specs/wealthbox/snapshot.txt", "specs/wealthbox/overlay.yaml", "specs/wealthbox.yaml"] {
            let to = dir.join(rel);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(root.join(rel), to).unwrap();
        }
        Scratch(dir)
    }

    fn snapshot(&self) -> String {
        fs::read_to_string(self.0.join("specs/wealthbox/snapshot.txt")).unwrap()
    }

    fn set_snapshot(&self, text: &str) {
        fs::write(self.0.join("specs/wealthbox/snapshot.txt"), text).unwrap();
    }

    fn regenerate(&self) -> Result<Vec<pipeline::Outcome>, xtask::Error> {
        pipeline::regenerate(&self.0, &["wealthbox".to_string()], false)
    }

    fn committed_spec(&self) -> String {
        fs::read_to_string(self.0.join("specs/wealthbox.yaml")).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn regenerating_the_committed_inputs_gives_the_committed_files() {
    let root = repo_root();
    for api in pipeline::api_names(&root).unwrap() {
        let built = pipeline::build(&root, &api).unwrap();
        let stale = pipeline::stale_files(&root, &api, &built.files);
        assert!(stale.is_empty(), "stale files (regenerate with `cargo xtask codegen`):\n{}", stale.join("\n"));
        let again = pipeline::build(&root, &api).unwrap();
        assert!(built.files == again.files, "{api}: two runs on the same inputs differ");
    }
}

#[test]
fn the_committed_spec_round_trips_through_yaml() {
    let root = repo_root();
    let spec = pipeline::read_spec(&root.join("specs/wealthbox.yaml")).unwrap();
    let text = pipeline::spec_text(&spec).unwrap();
    assert_eq!(text, fs::read_to_string(root.join("specs/wealthbox.yaml")).unwrap());
}

#[test]
fn a_document_cut_inside_an_example_reports_the_line_and_writes_nothing() {
    let scratch = Scratch::new("truncated");
    let full = scratch.snapshot();
    // Cut inside the JSON example that starts at the `{` after line 7000.
    let lines: Vec<&str> = full.lines().collect();
    let open = (7000..lines.len()).find(|&i| lines[i] == "{").unwrap();
    let cut = lines[..open + 5].join("\n");
    scratch.set_snapshot(&cut);
    let before = scratch.committed_spec();
    let err = scratch.regenerate().err().expect("a truncated document is refused").to_string();
    // An overlay quote the cut removed fails, and the error shows what the reader could not
    // read, by line: the last line of what is left of the example, where its JSON ends.
    let example_end = open + 5;
    assert!(
        err.contains(&format!(
            "specs/wealthbox/snapshot.txt:{example_end}: invalid_json_example: the example is not valid JSON"
        )),
        "the error names the example's line:\n{}",
        err
    );
    assert_eq!(scratch.committed_spec(), before, "the committed spec is untouched");
    assert!(!scratch.0.join("generated").exists(), "no generated file was written");
}

#[test]
fn truncating_anywhere_never_panics() {
    let text = fs::read_to_string(repo_root().join("specs/wealthbox/snapshot.txt")).unwrap();
    let overlay = fs::read_to_string(repo_root().join("specs/wealthbox/overlay.yaml")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for cut in (0..lines.len()).step_by(397) {
        let truncated = lines[..cut].join("\n");
        // Either a clear error or a spec; both are fine, a panic is not.
        match pipeline::build_spec_from("wealthbox", &truncated, &overlay) {
            Ok(spec) => assert!(spec.operations.len() <= 51),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

#[test]
fn garbled_documents_give_errors_or_gaps_naming_lines() {
    let overlay = fs::read_to_string(repo_root().join("specs/wealthbox/overlay.yaml")).unwrap();
    let text = fs::read_to_string(repo_root().join("specs/wealthbox/snapshot.txt")).unwrap();

    // No operation at all: an error that says what was expected.
    let err =
        pipeline::build_spec_from("wealthbox", "just some text\nno API here\n", &overlay).unwrap_err().to_string();
    assert!(err.contains("specs/wealthbox/snapshot.txt: no operation found"), "{}", err);

    // A stray line where an attribute must start: a gap at that line.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines.iter().position(|l| l == "Response Attributes").unwrap() + 1;
    lines.insert(at, "@@@ garbled line @@@".into());
    let garbled = lines.join("\n");
    let spec = pipeline::build_spec_from("wealthbox", &garbled, &overlay).unwrap();
    let gap = spec.gaps.iter().find(|g| g.message.contains("@@@ garbled line @@@")).expect("the stray line is a gap");
    let document = pipeline::anchor_map("wealthbox", &garbled, &overlay).unwrap();
    assert_eq!(document.line_of(&gap.source), Some(at as u32 + 1));
    assert!(gap.source.to_string().ends_with("/response+1"), "the line below the block's heading: {}", gap.source);

    // Invalid JSON inside an example: a gap naming the line of the JSON error.
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let body = lines.iter().position(|l| l == "Body").unwrap() + 3;
    lines[body] = lines[body].replace(':', "");
    let broken = lines.join("\n");
    let spec = pipeline::build_spec_from("wealthbox", &broken, &overlay).unwrap();
    let gap = spec
        .gaps
        .iter()
        .find(|g| g.kind == codegen::spec::GapKind::InvalidJsonExample)
        .expect("a gap for the broken example");
    let document = pipeline::anchor_map("wealthbox", &broken, &overlay).unwrap();
    assert_eq!(document.line_of(&gap.source), Some(body as u32 + 1), "{}", gap.message);
}

#[test]
fn an_overlay_quote_the_document_lost_is_an_error() {
    let overlay = fs::read_to_string(repo_root().join("specs/wealthbox/overlay.yaml")).unwrap();
    let text = fs::read_to_string(repo_root().join("specs/wealthbox/snapshot.txt")).unwrap();
    let changed = text.replace("one request/second", "two requests/second");
    let err = pipeline::build_spec_from("wealthbox", &changed, &overlay).unwrap_err().to_string();
    assert!(err.contains("api.rate_limit") && err.contains("no longer holds"), "{}", err);
}

/// The ActiveCampaign inputs, with `edit` applied to the overlay.
fn activecampaign_with_overlay(mut edit: impl FnMut(&str) -> String) -> Result<codegen::spec::Spec, xtask::Error> {
    let read = |name: &str| fs::read_to_string(repo_root().join("specs/activecampaign").join(name)).unwrap();
    let (overlay, snapshot, definition) = (read("overlay.yaml"), read("snapshot.txt"), read("definition.yaml"));
    let inputs = pipeline::Inputs {
        snapshot: &snapshot,
        overlay: &edit(&overlay),
        definition: Some(("specs/activecampaign/definition.yaml", &definition)),
    };
    pipeline::build_spec("activecampaign", &inputs)
}

#[test]
fn overlay_lists_page_operations_the_document_shows_no_response_for() {
    use codegen::spec::{ParamLocation, Source, TypeRef};
    let spec = activecampaign_with_overlay(str::to_string).unwrap();
    let deals = spec.operations.iter().find(|o| o.id == "retrieve_all_existing_deals").unwrap();
    let paging = deals.pagination.as_ref().expect("the overlay marks the deals list");
    assert_eq!(paging.items, "deals");
    assert!(matches!(&paging.source, Some(Source::Overlay(key)) if key.starts_with("lists.")));
    for name in ["offset", "limit"] {
        let p = deals.parameters.iter().find(|p| p.name == name).unwrap();
        assert_eq!((p.location, &p.ty, p.required), (ParamLocation::Query, &TypeRef::Integer, false), "{name}");
        assert_eq!(p.source, paging.source.clone().unwrap(), "{name}");
    }
    // An operation whose document lists `limit` keeps the document's; only `offset` is added.
    let meta = spec.operations.iter().find(|o| o.id == "get_deal_custom_field_meta").unwrap();
    let limits: Vec<_> = meta.parameters.iter().filter(|p| p.name == "limit").collect();
    assert_eq!(limits.len(), 1);
    assert!(matches!(&limits[0].source, Source::Anchor(a) if a.name == "get-dealcustomfieldmeta/parameters/limit"));
    // Operations the overlay does not name stay plain.
    let tasks = spec.operations.iter().find(|o| o.id == "retrieve_list_of_existing_tasks").unwrap();
    assert!(tasks.pagination.is_none() && !tasks.parameters.iter().any(|p| p.name == "offset"));
}

#[test]
fn overlay_lists_that_do_not_fit_the_document_are_errors() {
    let cases = [
        ("operation: retrieve_all_existing_deals", "operation: no_such_list", "which the document does not have"),
        ("operation: retrieve_all_existing_deals", "operation: create_new_deal", "is not a GET"),
        ("- operation: get_deal_roles", "- operation: retrieve_all_existing_deals", "already a list operation"),
    ];
    for (from, to, expected) in cases {
        let mut entry_line = 0;
        let err = activecampaign_with_overlay(|text| {
            assert!(text.contains(from), "the overlay has no {from:?}");
            let edited = text.replacen(from, to, 1);
            // The entry the error is about: the one now naming `to` last.
            entry_line = edited[..edited.rfind(to).unwrap()].matches('\n').count() + 1;
            edited
        })
        .unwrap_err()
        .to_string();
        // The file and the line of the entry, then its key.
        let at = format!("specs/activecampaign/overlay.yaml:{entry_line}: `lists.");
        assert!(err.starts_with(&at) && err.contains(expected), "{at}\n{err}");
    }
    // Without the API's paging fact there is nothing to page by.
    let err = activecampaign_with_overlay(|text| {
        let start = text.find("  pagination:").unwrap();
        let end = start + text[start..].find("\n\n").unwrap();
        format!("{}{}", &text[..start], &text[end + 1..])
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("no `pagination` fact"), "{}", err);
}

#[test]
fn an_overlay_entry_with_a_key_twice_is_an_error_naming_its_line() {
    let mut entry_line = 0;
    let err = activecampaign_with_overlay(|text| {
        let from = "    items: deals\n";
        let at = text.find(from).expect("the overlay lists the deals");
        entry_line = text[..at].matches('\n').count();
        text.replacen(from, "    items: deals\n    items: contacts\n", 1)
    })
    .unwrap_err()
    .to_string();
    assert!(err.starts_with(&format!("specs/activecampaign/overlay.yaml: line {entry_line}, ")), "{err}");
    assert!(err.contains("duplicate entry with key \"items\""), "{err}");
}

#[test]
fn a_broken_spec_file_is_an_error_naming_file_and_line() {
    let dir = std::env::temp_dir().join(format!("xtask-broken-spec-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.yaml");
    fs::write(&path, "api:\n  name: x\n  title: [unclosed\noperations: []\n").unwrap();
    let err = pipeline::read_spec(&path).unwrap_err().to_string();
    assert!(err.contains("broken.yaml") && err.contains("line"), "{}", err);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_clean_run_writes_only_what_changed() {
    let scratch = Scratch::new("clean");
    let first = scratch.regenerate().unwrap();
    assert!(first[0].changed.iter().any(|p| p.starts_with("generated/wealthbox/src/")));
    let second = scratch.regenerate().unwrap();
    assert!(second[0].changed.is_empty(), "a second run rewrote {:?}", second[0].changed);
}

mod blueprint_reader {
    use codegen::spec::{ParamLocation, TypeKind, TypeRef};
    use xtask::normalize::{normalize, Options};
    use xtask::readers::blueprint;

    fn spec() -> codegen::spec::Spec {
        spec_of(include_str!("fixtures/blueprint/nesting.txt"))
    }

    fn spec_of(text: &str) -> codegen::spec::Spec {
        let draft = blueprint::read(text, "demo", "nesting.txt").unwrap();
        let splits = Default::default();
        let resources = Default::default();
        normalize(draft, &Options { choice_splits: &splits, resources: &resources }).spec
    }

    fn fields(spec: &codegen::spec::Spec, name: &str) -> Vec<(String, String, bool, bool)> {
        match &spec.type_def(name).unwrap_or_else(|| panic!("no type {name}")).kind {
            TypeKind::Object { fields } => {
                fields.iter().map(|f| (f.name.clone(), f.ty.to_string(), f.required, f.nullable)).collect()
            }
            other => panic!("{name} is {other:?}"),
        }
    }

    #[test]
    fn nesting_follows_the_example() {
        let spec = spec();
        let thing = fields(&spec, "Thing");
        let names: Vec<&str> = thing.iter().map(|f| f.0.as_str()).collect();
        // `size` follows the owner's child list in the text, but the example puts it on
        // the thing; `mystery` is in no example and stays where the text puts it.
        assert_eq!(names, ["id", "owner", "size", "label", "mystery"]);
        assert_eq!(thing[0], ("id".into(), "integer".into(), true, false));
        assert_eq!(thing[2], ("size".into(), "number".into(), false, true));
        let person = fields(&spec, "Person");
        assert_eq!(person.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["name", "country"]);
        let TypeKind::Object { fields } = &spec.type_def("Person").unwrap().kind else { unreachable!() };
        assert_eq!(fields[1].default.as_deref(), Some("Norway"));
        let TypeKind::Object { fields } = &spec.type_def("Thing").unwrap().kind else { unreachable!() };
        assert_eq!(fields[3].description.as_deref(), Some("Inline description"));
        assert!(spec
            .gaps
            .iter()
            .any(|g| g.kind == codegen::spec::GapKind::UnwitnessedNesting && g.message.contains("`mystery`")));
    }

    #[test]
    fn parameters_come_from_the_template_and_the_parameters_block() {
        let spec = spec();
        let op = &spec.operations[0];
        assert_eq!(op.id, "list_things");
        assert_eq!(op.path.as_ref().map(|p| p.as_str()), Some("/v1/things"));
        let kind = op.parameters.iter().find(|p| p.name == "kind").unwrap();
        assert_eq!(kind.location, ParamLocation::Query);
        assert_eq!(kind.ty, TypeRef::Named("ListThingsKind".into()));
        assert_eq!(
            spec.type_def("ListThingsKind").unwrap().kind,
            TypeKind::Enum { values: vec!["big_one".into(), "small_one".into()] }
        );
        let undocumented = op.parameters.iter().find(|p| p.name == "undocumented").unwrap();
        assert_eq!(undocumented.ty, TypeRef::String);
        assert!(spec
            .gaps
            .iter()
            .any(|g| g.kind == codegen::spec::GapKind::UndescribedParameter && g.source.line() == Some(11)));
    }

    #[test]
    fn a_path_that_is_no_template_leaves_the_operation_unresolved_with_a_gap() {
        let text = include_str!("fixtures/blueprint/nesting.txt").replace("/v1/things{?kind}", "/v1/things/{id{?kind}");
        let spec = spec_of(&text);
        let op = &spec.operations[0];
        assert!(op.path.is_none() && !op.is_resolved());
        let gap = spec.gaps.iter().find(|g| g.kind == codegen::spec::GapKind::InvalidPath).expect("a gap says why");
        assert_eq!(gap.source, op.source);
        assert!(gap.message.contains("`/v1/things/{id` is not a path template"), "{}", gap.message);
    }

    #[test]
    fn api_facts_come_from_the_preamble() {
        let spec = spec();
        assert_eq!(spec.api.base_url.as_ref().unwrap().url, "https://api.example.com");
        assert!(
            matches!(&spec.api.auth[0], codegen::spec::AuthScheme::ApiKeyHeader { header, .. } if header == "X_KEY")
        );
    }
}

#[test]
fn identical_enums_of_one_field_are_one_type_named_for_what_they_share() {
    use codegen::spec::{TypeKind, TypeRef};
    let root = repo_root();
    let field_type = |spec: &codegen::spec::Spec, owner: &str, field: &str| -> TypeRef {
        let Some(TypeKind::Object { fields }) = spec.type_def(owner).map(|t| &t.kind) else { panic!("{owner}") };
        fields.iter().find(|f| f.name == field).unwrap_or_else(|| panic!("{owner}.{field}")).ty.clone()
    };
    let wealthbox = pipeline::build(&root, "wealthbox").unwrap().spec;
    // A model's request and response shapes share their enum, under the model's name.
    assert_eq!(field_type(&wealthbox, "EmailAddressRequest", "kind"), TypeRef::Named("EmailAddressKind".into()));
    assert_eq!(field_type(&wealthbox, "EmailAddress", "kind"), TypeRef::Named("EmailAddressKind".into()));
    assert_eq!(field_type(&wealthbox, "HouseholdRequest", "title"), TypeRef::Named("HouseholdTitle".into()));
    // Same values, other models, and `kind` has other values elsewhere: kept apart.
    assert_eq!(field_type(&wealthbox, "PhoneNumber", "kind"), TypeRef::Named("PhoneNumberKind".into()));
    assert!(wealthbox.type_def("Kind").is_none());
    // One field name, one set of values anywhere: named by the field.
    assert_eq!(field_type(&wealthbox, "CustomField", "field_type"), TypeRef::Named("FieldType".into()));
    assert_eq!(field_type(&wealthbox, "CustomFieldConfig", "field_type"), TypeRef::Named("FieldType".into()));
    assert!(wealthbox.type_def("CustomFieldFieldType").is_none());

    let nimble = pipeline::build(&root, "nimble").unwrap().spec;
    let record_types: Vec<&TypeRef> = nimble
        .operations
        .iter()
        .flat_map(|o| &o.parameters)
        .filter(|p| p.name == "record_type")
        .map(|p| &p.ty)
        .collect();
    assert_eq!(record_types.len(), 3);
    assert!(record_types.iter().all(|t| **t == TypeRef::Named("RecordType".into())), "{record_types:?}");
}

#[test]
fn nimble_names_its_shared_shapes_by_the_definitions_schemas() {
    use codegen::spec::TypeRef;
    let nimble = pipeline::build(&repo_root(), "nimble").unwrap().spec;
    let success = |id: &str| {
        let op = nimble.operations.iter().find(|o| o.id == id).unwrap_or_else(|| panic!("no operation {id}"));
        op.success().and_then(|r| r.ty.clone()).unwrap()
    };
    // The shape the samples repeat is the definition's schema, by its name.
    assert_eq!(success("updates_contact"), TypeRef::Named("ContactsContactView".into()));
    assert_eq!(success("creates_contact_with_data_provided"), TypeRef::Named("ContactsContactView".into()));
    let contact = nimble.type_def("ContactsContactView").unwrap();
    assert!(contact.sources.iter().any(|s| s.to_string() == "def:#/components/schemas/Contacts.ContactView"));
    assert!(contact.sources.iter().any(|s| matches!(s, codegen::spec::Source::Anchor(_))), "the page shows it too");
    let types: Vec<&str> = nimble.types.iter().map(|t| t.name.as_str()).collect();
    assert!(!types.iter().any(|t| t.starts_with("UndoLeadExitResponse")), "{types:?}");
    // Overlay ids shorten method names.
    assert!(nimble.operations.iter().any(|o| o.id == "list_contact_ids"));
    let sentences: Vec<&str> =
        nimble.operations.iter().map(|o| o.id.as_str()).filter(|id| id.split('_').count() > 6).collect();
    assert!(sentences.is_empty(), "ids that read as sentences: {sentences:?}");
}
