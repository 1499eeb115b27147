//! `cargo xtask diff` on real edits: copies of the Wealthbox snapshot with one change
//! each, built by the pipeline and compared with the spec of the unedited snapshot. Also
//! checks that the rules of `xtask::diff` still match what the emitter generates.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codegen::emit::{ENUMS_NON_EXHAUSTIVE, STRUCTS_NON_EXHAUSTIVE};
use codegen::spec::{Source, Spec, TypeKind};
use xtask::diff::{self, Change, Kind, OldSide};
use xtask::pipeline;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn snapshot() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| fs::read_to_string(repo_root().join("specs/wealthbox/snapshot.txt")).unwrap())
}

fn overlay() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| fs::read_to_string(repo_root().join("specs/wealthbox/overlay.yaml")).unwrap())
}

fn base() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| pipeline::build_spec_from("wealthbox", snapshot(), overlay()).unwrap())
}

/// The changes from the unedited snapshot to `edited`.
fn changes_for(edited: &str) -> Vec<Change> {
    assert!(edited != snapshot(), "the edit changed nothing");
    let new = pipeline::build_spec_from("wealthbox", edited, overlay()).unwrap();
    diff::diff(base(), &new)
}

/// Replaces the one occurrence of `from` after line `after` (1-based) with `to`.
fn replace_once_after(text: &str, after: usize, from: &str, to: &str) -> String {
    let start: usize = text.lines().take(after).map(|l| l.len() + 1).sum();
    let at = start + text[start..].find(from).unwrap_or_else(|| panic!("{from:?} not found after line {after}"));
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

/// The 1-based line where `needle` first occurs after line `after`.
fn line_of(text: &str, after: usize, needle: &str) -> u32 {
    let start: usize = text.lines().take(after).map(|l| l.len() + 1).sum();
    let at = start + text[start..].find(needle).unwrap();
    text[..at].matches('\n').count() as u32 + 1
}

fn only(changes: &[Change], kind: Kind) -> &Change {
    let found: Vec<&Change> = changes.iter().filter(|c| c.kind == kind).collect();
    assert_eq!(found.len(), 1, "one {kind:?} expected in {changes:#?}");
    found[0]
}

/// The line where the users list operation (the document's last) starts.
fn users_operation_line() -> usize {
    snapshot().find("GET\nRetrieve all users\n/v1/users").map(|at| snapshot()[..at].matches('\n').count()).unwrap()
}

#[test]
fn the_same_spec_has_no_changes() {
    let changes = diff::diff(base(), base());
    assert!(changes.is_empty(), "{changes:#?}");
    let report = diff::report("wealthbox", "a", "b", &changes);
    assert!(report.contains("No API changes."), "{report}");
}

#[test]
fn a_removed_operation_is_breaking_and_takes_its_types_along() {
    let text = snapshot();
    let start = text.find("Collection\n\nGET\nRetrieve all users\n/v1/users").unwrap();
    let edited = &text[..start];
    let changes = changes_for(edited);
    let removed = only(&changes, Kind::OperationRemoved);
    assert_eq!(removed.subject, "retrieve_all_users");
    assert_eq!(removed.group, "users");
    assert!(removed.breaking);
    assert!(removed.source_is_old, "a removal points into the old document");
    assert_eq!(
        removed.source,
        base().operations.iter().find(|o| o.id == "retrieve_all_users").map(|o| o.source.clone())
    );
    // Its response type and the user type only it uses go with it.
    let types: Vec<&str> = changes.iter().filter(|c| c.kind == Kind::TypeRemoved).map(|c| c.subject.as_str()).collect();
    assert!(types.contains(&"RetrieveAllUsersResponse"), "{types:?}");
    assert!(changes.iter().all(|c| c.breaking), "every removal breaks: {changes:#?}");
    let report = diff::report("wealthbox", "old", "new", &changes);
    assert!(report.contains("### `users`"), "{report}");
    assert!(
        report.contains("| **breaking** | operation `retrieve_all_users` removed (`GET /v1/users`) | was doc:"),
        "{report}"
    );
}

#[test]
fn an_added_field_is_reported_with_its_new_line() {
    let users = users_operation_line();
    let text = replace_once_after(
        snapshot(),
        users,
        "excluded_from_assignments\nboolean, required\n\nA flag to indicate if the user is a home office user\n",
        "excluded_from_assignments\nboolean, required\n\nA flag to indicate if the user is a home office user\n\ntitle\nstring\n\nThe user's job title\n",
    );
    let text = replace_once_after(
        &text,
        users,
        "\"excluded_from_assignments\": false",
        "\"excluded_from_assignments\": false,\n      \"title\": \"Advisor\"",
    );
    let changes = changes_for(&text);
    let added = only(&changes, Kind::FieldAdded);
    assert_eq!((added.subject.as_str(), added.item.as_deref()), ("User", Some("title")));
    assert_eq!(added.source, Some(Source::Doc(line_of(&text, users, "title\nstring"))));
    assert!(!added.source_is_old);
    // User is an output type: the field is `Option<String>`, no `new()` argument; it
    // breaks only struct literals, because the struct is not `#[non_exhaustive]`.
    assert_eq!(added.breaking, !STRUCTS_NON_EXHAUSTIVE);
    assert!(added.why.as_deref().unwrap().contains("non_exhaustive"), "{added:?}");
    assert_eq!(changes.len(), 1, "{changes:#?}");
}

#[test]
fn a_changed_field_type_is_breaking() {
    let users = users_operation_line();
    let text = replace_once_after(snapshot(), users, "account\nnumber, required", "account\nstring, required");
    let text = replace_once_after(&text, users, "\"account\": 1,", "\"account\": \"acc-1\",");
    let changes = changes_for(&text);
    let retyped = only(&changes, Kind::FieldRetyped);
    assert_eq!((retyped.subject.as_str(), retyped.item.as_deref()), ("User", Some("account")));
    assert!(retyped.breaking);
    assert!(retyped.text.contains("`integer` → `string`"), "{}", retyped.text);
    assert_eq!(retyped.source, Some(Source::Doc(line_of(&text, users, "account\nstring"))));
    assert_eq!(retyped.group, "users", "a type only one resource uses is grouped under it");
}

/// The line where the contacts list operation starts.
fn contacts_operation_line() -> usize {
    let at = snapshot().find("GET\nRetrieve all contacts\n/v1/contacts").unwrap();
    snapshot()[..at].matches('\n').count()
}

#[test]
fn a_renamed_parameter_is_one_breaking_change() {
    let from = contacts_operation_line();
    let text = replace_once_after(snapshot(), from, "{?email}", "{?email_address}");
    let text = replace_once_after(&text, from, "\nemail\nstring\n", "\nemail_address\nstring\n");
    let changes = changes_for(&text);
    let renamed = only(&changes, Kind::ParameterRenamed);
    assert_eq!(renamed.subject, "retrieve_all_contacts");
    assert_eq!(renamed.item.as_deref(), Some("email_address"));
    assert!(renamed.breaking);
    assert!(renamed.text.contains("`email` renamed to `email_address`"), "{}", renamed.text);
    assert_eq!(renamed.source, Some(Source::Doc(line_of(&text, from, "email_address\nstring"))));
    assert_eq!(changes.len(), 1, "{changes:#?}");
}

#[test]
fn a_parameter_made_required_becomes_a_positional_argument() {
    let from = contacts_operation_line();
    let text = replace_once_after(snapshot(), from, "\nphone\nstring\n", "\nphone\nstring, required\n");
    let changes = changes_for(&text);
    let required = only(&changes, Kind::ParameterRequired);
    assert_eq!((required.subject.as_str(), required.item.as_deref()), ("retrieve_all_contacts", Some("phone")));
    assert!(required.breaking);
    assert!(required.why.as_deref().unwrap().contains("positional"));
    assert_eq!(required.source, Some(Source::Doc(line_of(&text, from, "phone\nstring, required"))));
    assert_eq!(changes.len(), 1, "{changes:#?}");
}

#[test]
fn an_added_enum_value_follows_the_generated_enums() {
    let text = snapshot().replace(
        "Choices:\u{a0}unconfirmed confirmed tentative completed cancelled",
        "Choices:\u{a0}unconfirmed confirmed tentative completed cancelled rescheduled",
    );
    let changes = changes_for(&text);
    let added = only(&changes, Kind::EnumValueAdded);
    assert_eq!((added.subject.as_str(), added.item.as_deref()), ("EventState", Some("rescheduled")));
    assert_eq!(added.breaking, !ENUMS_NON_EXHAUSTIVE);
    assert_eq!(added.source, base().type_def("EventState").unwrap().sources.first().cloned());
    assert_eq!(changes.len(), 1, "{changes:#?}");
    // Removing it again is the opposite change, and always breaking.
    let back = diff::diff(&pipeline::build_spec_from("wealthbox", &text, overlay()).unwrap(), base());
    let removed = only(&back, Kind::EnumValueRemoved);
    assert!(removed.breaking && removed.item.as_deref() == Some("rescheduled"));
}

#[test]
fn required_only_breaks_where_the_rust_shape_changes() {
    // `content` of a note is required and the request type is an input type: it is a
    // `new()` argument. Made optional, it becomes `Option<String>`: breaking.
    let at = snapshot().find("POST\nCreate a new note\n/v1/notes").unwrap();
    let from = snapshot()[..at].matches('\n').count();
    let text = replace_once_after(snapshot(), from, "content\nstring, required", "content\nstring");
    let changes = changes_for(&text);
    let optional = only(&changes, Kind::FieldOptional);
    assert_eq!(optional.subject, "CreateNewNoteRequest");
    assert!(optional.breaking, "{optional:?}");

    // `email` of a user is on an output type: `Option<String>` either way.
    let users = users_operation_line();
    let text = replace_once_after(snapshot(), users, "email\nstring, required", "email\nstring");
    let changes = changes_for(&text);
    let optional = only(&changes, Kind::FieldOptional);
    assert_eq!(optional.subject, "User");
    assert!(!optional.breaking, "{optional:?}");
    assert!(!diff::any_breaking(&changes));
}

#[test]
fn bad_revisions_and_files_are_errors_naming_them() {
    let root = repo_root();
    let apis = ["wealthbox".to_string()];
    let err = diff::run(&root, &apis, &OldSide::Rev("no-such-revision".into()), None).unwrap_err().to_string();
    assert!(err.contains("`no-such-revision` names no revision"), "{}", err);
    let err = diff::run(&root, &apis, &OldSide::Rev("--output=/tmp/x".into()), None).unwrap_err().to_string();
    assert!(err.contains("--output=/tmp/x"), "{}", err);

    let dir = std::env::temp_dir().join(format!("xtask-diff-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.yaml");
    fs::write(&broken, "api: [\n").unwrap();
    let err = diff::run(&root, &apis, &OldSide::File(broken.clone()), None).unwrap_err().to_string();
    assert!(err.contains("broken.yaml"), "{}", err);
    let missing = dir.join("missing.yaml");
    let err = diff::run(&root, &apis, &OldSide::Committed, Some(&missing)).unwrap_err().to_string();
    assert!(err.contains("missing.yaml"), "{}", err);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn two_files_give_a_report_and_say_whether_it_breaks() {
    let dir = std::env::temp_dir().join(format!("xtask-diff-files-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let text = snapshot().replace(
        "Choices:\u{a0}unconfirmed confirmed tentative completed cancelled",
        "Choices:\u{a0}unconfirmed confirmed tentative completed",
    );
    let new = pipeline::build_spec_from("wealthbox", &text, overlay()).unwrap();
    let (old_file, new_file) = (dir.join("old.yaml"), dir.join("new.yaml"));
    fs::write(&old_file, pipeline::spec_text(base()).unwrap()).unwrap();
    fs::write(&new_file, pipeline::spec_text(&new).unwrap()).unwrap();
    let apis = ["wealthbox".to_string()];
    let (report, breaking) = diff::run(&repo_root(), &apis, &OldSide::File(old_file.clone()), Some(&new_file)).unwrap();
    assert!(breaking);
    assert!(report.contains("`EventState`: value `cancelled` removed"), "{report}");
    let (report, breaking) = diff::run(&repo_root(), &apis, &OldSide::File(old_file.clone()), Some(&old_file)).unwrap();
    assert!(!breaking);
    assert!(report.contains("No API changes."), "{report}");
    let _ = fs::remove_dir_all(&dir);
}

/// The generated model files of every committed crate, by type name.
fn generated_models(spec: &Spec) -> Vec<(String, String)> {
    let dir = repo_root().join(format!("generated/{}/src/models", spec.api.name));
    spec.types
        .iter()
        .map(|t| {
            let file = dir.join(format!("{}.rs", codegen::names::snake(&t.name)));
            (t.name.clone(), fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())))
        })
        .collect()
}

#[test]
fn the_breaking_rules_match_the_generated_code() {
    for api in pipeline::api_names(&repo_root()).unwrap() {
        let spec = pipeline::read_spec(&repo_root().join(pipeline::spec_path(&api))).unwrap();
        let inputs = spec.input_types();
        for (name, code) in generated_models(&spec) {
            let def = spec.type_def(&name).unwrap();
            let expected = match def.kind {
                TypeKind::Object { .. } => Some(STRUCTS_NON_EXHAUSTIVE),
                TypeKind::Enum { .. } => Some(ENUMS_NON_EXHAUSTIVE),
                TypeKind::Unknown => None,
            };
            if let Some(expected) = expected {
                assert_eq!(
                    code.contains("#[non_exhaustive]"),
                    expected,
                    "{api} {name}: the committed crate disagrees with codegen::emit::*_NON_EXHAUSTIVE (regenerate)"
                );
            }
            // Required, non-nullable fields of input types are `new()` arguments.
            if let TypeKind::Object { fields } = &def.kind {
                let has_arguments = inputs.contains(&name) && fields.iter().any(|f| f.required && !f.nullable);
                assert_eq!(code.contains("pub fn new("), has_arguments, "{api} {name}: the input-type rule differs");
            }
        }
    }
}

#[test]
fn a_list_operation_the_overlay_no_longer_names_loses_its_stream() {
    let root = repo_root();
    let snapshot = fs::read_to_string(root.join("specs/activecampaign/snapshot.txt")).unwrap();
    let overlay = fs::read_to_string(root.join("specs/activecampaign/overlay.yaml")).unwrap();
    let definition = fs::read_to_string(root.join("specs/activecampaign/definition.yaml")).unwrap();
    let build = |overlay: &str| {
        let definition = Some(("specs/activecampaign/definition.yaml", definition.as_str()));
        pipeline::build_spec("activecampaign", &pipeline::Inputs { snapshot: &snapshot, overlay, definition }).unwrap()
    };
    let entry = "  - operation: get_deal_roles\n    items: dealRoles\n";
    let at = overlay.find(entry).expect("the overlay lists the deal roles");
    let end = at + entry.len() + overlay[at + entry.len()..].find('\n').unwrap() + 1;
    let without = format!("{}{}", &overlay[..at], &overlay[end..]);
    let (old, new) = (build(&overlay), build(&without));
    let changes = diff::diff(&old, &new);

    let lost = only(&changes, Kind::PagingChanged);
    assert!(lost.breaking, "{lost:#?}");
    assert!(lost.text.contains("`get_deal_roles`: no longer a list operation"), "{}", lost.text);
    assert!(lost.source_is_old && matches!(&lost.source, Some(Source::Overlay(k)) if k.starts_with("lists.")));
    // Its paging parameters go with it; they were builder methods.
    let removed: Vec<&str> =
        changes.iter().filter(|c| c.kind == Kind::ParameterRemoved).map(|c| c.text.as_str()).collect();
    assert_eq!(removed.len(), 2, "{removed:?}");
    // Read the other way, the same edit adds a stream: compatible.
    let gained = diff::diff(&new, &old);
    assert!(!only(&gained, Kind::PagingChanged).breaking);
}

#[test]
fn an_api_the_old_side_lacks_is_reported_as_new_not_as_an_error() {
    let root = std::env::temp_dir().join(format!("xtask-diff-new-api-{}", std::process::id()));
    let inputs = root.join("specs/activecampaign");
    fs::create_dir_all(&inputs).unwrap();
    for file in ["snapshot.txt", "overlay.yaml", "definition.yaml"] {
        fs::copy(repo_root().join("specs/activecampaign").join(file), inputs.join(file)).unwrap();
    }
    let apis = ["activecampaign".to_string()];

    // No committed spec yet: the first `cargo xtask diff` of a new vendor.
    let (text, breaking) = diff::run(&root, &apis, &OldSide::Committed, None).unwrap();
    assert!(!breaking);
    assert!(text.contains("A new API: there is no `specs/activecampaign.yaml`;"), "{text}");
    assert!(text.contains("50 operations (50 resolved) and 206 types"), "{text}");

    // A revision from before the API was added.
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&root)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "--quiet"]);
    git(&["commit", "--quiet", "--allow-empty", "-m", "before the API"]);
    let (text, breaking) = diff::run(&root, &apis, &OldSide::Rev("HEAD".into()), None).unwrap();
    assert!(!breaking);
    assert!(text.contains("A new API: there is no `specs/activecampaign.yaml` at `HEAD`;"), "{text}");
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn documentation_texts_that_change_are_listed_apart_from_api_changes() {
    let edited = replace_once_after(
        snapshot(),
        400,
        "The name that you wish to search for.",
        "The name, or part of it, that you wish to search for.",
    );
    let new = pipeline::build_spec_from("wealthbox", &edited, overlay()).unwrap();
    assert!(diff::diff(base(), &new).is_empty(), "a description is no API change");
    let texts = diff::doc_changes(base(), &new);
    assert_eq!(texts, ["`retrieve_all_contacts(name)`"]);
    let line = diff::doc_changes_line(&texts);
    assert!(line.contains("Documentation texts changed (1; doc comments only"), "{line}");
    assert!(diff::doc_changes_line(&[]).is_empty());
}

#[test]
fn ids_and_type_names_the_overlay_changes_are_renames_not_removals() {
    let doc = include_str!("fixtures/redoc/widgets.txt");
    let api = "api:\n  name: widgets\n  title: Widgets\n  reader: redoc_text\n";
    let route = "operations:\n  - description_starts_with: List widgets.\n    method: GET\n    path: /v1/widgets\n    cite: t\n";
    let old = pipeline::build_spec_from("widgets", doc, &format!("{api}{route}")).unwrap();
    let renamed =
        format!("{api}{route}    id: list_all\ntype_names:\n  - type: ListAllResponseWidgets\n    name: Widget\n");
    let new = pipeline::build_spec_from("widgets", doc, &renamed).unwrap();
    let changes = diff::diff(&old, &new);
    let texts: Vec<&str> = changes.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "operation `list_widgets` renamed `list_all` (`GET /v1/widgets`)",
            "type `ListWidgetsResponse` renamed `ListAllResponse` (object)",
            "type `ListWidgetsResponseMeta` renamed `ListAllResponseMeta` (object)",
            "type `ListWidgetsResponseWidgets` renamed `Widget` (object)",
        ],
        "what refers to a renamed type is not also retyped: {changes:#?}"
    );
    assert!(changes.iter().all(|c| c.breaking));
}
