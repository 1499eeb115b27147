//! `cargo xtask diff` on real edits: copies of the Wealthbox snapshot with one change
//! each, built by the pipeline and compared with the spec of the unedited snapshot. Also
//! checks that the rules of `xtask::diff` still match what the emitter generates.

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use codegen::emit::{field_shape, FieldShape, ENUMS_NON_EXHAUSTIVE, STRUCTS_NON_EXHAUSTIVE};
use codegen::spec::{Source, Spec, TypeKind};
use xtask::diff::{self, Change, Kind, OldSide};
use xtask::pipeline;

mod wealthbox;

use wealthbox::{overlay, repo_root, snapshot};

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

/// The line of `text` a change's source names (its anchor resolved in that document).
fn line_in(text: &str, change: &Change) -> u32 {
    let document = pipeline::anchor_map("wealthbox", text, overlay()).unwrap();
    document.line_of(change.source.as_ref().expect("the change has a source")).expect("the anchor resolves")
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
    assert!(types.contains(&"UserPage"), "{types:?}");
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
    assert_eq!(added.source.as_ref().unwrap().to_string(), "doc:retrieve-all-users/response/users.title");
    assert_eq!(line_in(&text, added), line_of(&text, users, "title\nstring"));
    assert!(!added.source_is_old);
    // User is an output type: the field is `Option<String>`, no `new()` argument, and
    // the struct is `#[non_exhaustive]`: code reading responses is unaffected.
    const { assert!(STRUCTS_NON_EXHAUSTIVE) };
    assert!(!added.breaking, "{added:?}");
    assert!(added.why.as_deref().unwrap().contains("non_exhaustive"), "{added:?}");
    assert_eq!(changes.len(), 1, "{changes:#?}");
}

#[test]
fn a_required_field_added_to_a_request_body_breaks_an_optional_one_does_not() {
    // A required attribute added to "Create a new note": a new argument of `new()`.
    let at = snapshot().find("POST\nCreate a new note\n/v1/notes").unwrap();
    let from = snapshot()[..at].matches('\n').count();
    let required = replace_once_after(
        snapshot(),
        from,
        "content\nstring, required\n",
        "content\nstring, required\n\npinned\nboolean, required\n\nWhether the note is pinned\n",
    );
    let required = replace_once_after(&required, from, "\"content\": \"", "\"pinned\": true,\n  \"content\": \"");
    let changes = changes_for(&required);
    let added = only(&changes, Kind::FieldAdded);
    assert_eq!((added.subject.as_str(), added.item.as_deref()), ("CreateNote", Some("pinned")));
    assert!(added.breaking, "{added:?}");
    assert!(added.why.as_deref().unwrap().contains("new()"), "{added:?}");
    // The same attribute, optional: a new setter, compatible.
    let optional = required.replacen("pinned\nboolean, required", "pinned\nboolean", 1);
    let changes = changes_for(&optional);
    let added = only(&changes, Kind::FieldAdded);
    assert!(!added.breaking, "{added:?}");
    assert!(added.why.as_deref().unwrap().contains("setter"), "{added:?}");
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
    assert_eq!(line_in(&text, retyped), line_of(&text, users, "account\nstring"));
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
    assert_eq!(renamed.source.as_ref().unwrap().to_string(), "doc:retrieve-all-contacts/parameters/email_address");
    assert_eq!(line_in(&text, renamed), line_of(&text, from, "email_address\nstring"));
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
    assert_eq!(line_in(&text, required), line_of(&text, from, "phone\nstring, required"));
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
    assert_eq!(optional.subject, "CreateNote");
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
            // Input types are built with `new()`, whose arguments are their required,
            // non-nullable fields, and chained setters; output types are only read.
            if let TypeKind::Object { fields } = &def.kind {
                let is_input = inputs.contains(&name);
                assert_eq!(code.contains("pub fn new("), is_input, "{api} {name}: the input-type rule differs");
                if is_input {
                    let has_arguments = fields.iter().any(|f| f.required && !f.nullable);
                    assert_eq!(!code.contains("pub fn new() -> Self"), has_arguments, "{api} {name}: `new()`'s arguments differ");
                }
                for f in fields {
                    let field = codegen::names::snake(&f.name);
                    let held = match field_shape(f, is_input) {
                        FieldShape::Plain => format!("pub {field}: crate::"),
                        FieldShape::DefaultVec => format!("pub {field}: Vec<"),
                        FieldShape::Optional => format!("pub {field}: Option<"),
                    };
                    let plain_primitive = matches!(field_shape(f, is_input), FieldShape::Plain) && !matches!(f.ty, codegen::spec::TypeRef::Named(_));
                    assert!(plain_primitive || code.contains(&held), "{api} {name}.{}: not held as {held}", f.name);
                }
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
    assert!(text.contains("50 operations (50 resolved) and 179 types"), "{text}");

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
    // The id is the spec's identity only: the Rust method (`client.widgets().list()`)
    // keeps its name, so the operation's rename breaks nothing; the types' do.
    let breaking: Vec<bool> = changes.iter().map(|c| c.breaking).collect();
    assert_eq!(breaking, [false, true, true, true]);
}

#[test]
fn a_new_rust_name_is_one_breaking_line() {
    let doc = include_str!("fixtures/redoc/widgets.txt");
    let api = "api:\n  name: widgets\n  title: Widgets\n  reader: redoc_text\n";
    let route = "operations:\n  - description_starts_with: List widgets.\n    method: GET\n    path: /v1/widgets\n    cite: t\n";
    let old = pipeline::build_spec_from("widgets", doc, &format!("{api}{route}")).unwrap();
    let list = old.operations.iter().position(|o| o.id == "list_widgets").unwrap();
    assert_eq!(old.operations[list].rust_name, "list");
    let new = pipeline::build_spec_from("widgets", doc, &format!("{api}{route}    rust_name: list_all\n")).unwrap();
    let changes = diff::diff(&old, &new);
    let lines: Vec<(&str, bool)> = changes.iter().map(|c| (c.text.as_str(), c.breaking)).collect();
    assert_eq!(
        lines,
        [("`list_widgets`: Rust method `client.widgets().list()` renamed `client.widgets().list_all()`", true)]
    );
    // A spec written before operations had Rust names had one flat `Client` method per
    // operation, named by its id: moving to the resource's handle is a rename.
    let mut unnamed = old.clone();
    unnamed.operations[list].rust_name.clear();
    let changes = diff::diff(&unnamed, &old);
    let lines: Vec<(&str, bool)> = changes.iter().map(|c| (c.text.as_str(), c.breaking)).collect();
    assert_eq!(lines, [("`list_widgets`: Rust method `client.list_widgets()` renamed `client.widgets().list()`", true)]);
}

#[test]
fn a_retitled_operation_is_renamed_with_the_types_named_after_it() {
    // A new title moves the operation's anchor and every place inside it: the operation
    // is found by its method and path, and its places are compared under its new anchor.
    let text = snapshot().replace("GET\nRetrieve all events\n/v1/events", "GET\nRetrieve every event\n/v1/events");
    let changes = changes_for(&text);
    let texts: Vec<&str> = changes.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "operation `retrieve_all_events` renamed `retrieve_every_event` (`GET /v1/events`)",
            "type `RetrieveAllEventsOrder` renamed `RetrieveEveryEventOrder` (enum)",
        ],
        "{changes:#?}"
    );
    // The method keeps its Rust name (`client.events().list()`) and the page its
    // resource's name (`EventPage`): only the enum named after the operation breaks code.
    let breaking: Vec<bool> = changes.iter().map(|c| c.breaking).collect();
    assert_eq!(breaking, [false, true], "{changes:#?}");
}

/// `spec` as specs were written before anchors: each anchored source the line it names
/// in `text`.
fn with_line_numbers(spec: &Spec, text: &str) -> Spec {
    let document = pipeline::anchor_map("wealthbox", text, overlay()).unwrap();
    let mut legacy = spec.clone();
    for source in legacy.sources_mut() {
        if let (Source::Anchor(_), Some(line)) = (&*source, document.line_of(source)) {
            *source = Source::Doc(line);
        }
    }
    legacy
}

#[test]
fn a_spec_with_line_numbers_reads_and_its_lines_anchor_to_the_same_places() {
    let legacy = with_line_numbers(base(), snapshot());
    let text = pipeline::spec_text(&legacy).unwrap();
    let events = base().operations.iter().find(|o| o.id == "retrieve_all_events").unwrap();
    assert_eq!(events.source.to_string(), "doc:retrieve-all-events");
    let line = line_of(snapshot(), 0, "GET\nRetrieve all events\n");
    assert!(text.contains(&format!("  source: doc:{line}\n")), "the old form, as committed before anchors");
    let mut read = pipeline::parse_spec(&text, "old.yaml").unwrap();
    assert_eq!(read, legacy);
    pipeline::anchor_map("wealthbox", snapshot(), overlay()).unwrap().anchor_spec(&mut read).unwrap();
    assert_eq!(&read, base(), "anchored in its document, it is the spec built now");
}

/// A scratch repository holding the Wealthbox inputs and, committed with them, `spec`.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str, spec: &Spec) -> Repo {
        let root = std::env::temp_dir().join(format!("xtask-diff-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("specs/wealthbox")).unwrap();
        fs::write(root.join("specs/wealthbox/snapshot.txt"), snapshot()).unwrap();
        fs::write(root.join("specs/wealthbox/overlay.yaml"), overlay()).unwrap();
        fs::write(root.join("specs/wealthbox.yaml"), pipeline::spec_text(spec).unwrap()).unwrap();
        let repo = Repo(root);
        repo.git(&["init", "--quiet"]);
        repo.git(&["add", "."]);
        repo.git(&["commit", "--quiet", "-m", "specs written before anchors"]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let status = std::process::Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    fn diff(&self) -> (String, bool) {
        diff::run(&self.0, &["wealthbox".to_string()], &OldSide::Committed, None).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_first_diff_against_a_spec_with_line_numbers_reports_only_the_vendors_changes() {
    // A repository whose committed spec was written before anchors.
    let repo = Repo::new("legacy", &with_line_numbers(base(), snapshot()));
    // The tool changed, the document did not: nothing to report, though every source is
    // written differently.
    let (report, breaking) = repo.diff();
    assert!(report.contains("No API changes.") && !breaking, "{report}");
    assert!(!report.contains("Documentation texts changed"), "{report}");

    // The vendor adds a parameter and removes another (of another type: not a rename):
    // the added one is at its anchor and its line in the new document, the removed one at
    // its line in the old one (committed with the old spec).
    let from = line_of(snapshot(), 0, "GET\nRetrieve all events\n") as usize;
    let added = replace_once_after(
        snapshot(),
        from,
        "resource_type\nstring\n\nThe type of resource being searched for\n\n",
        "resource_type\nstring\n\nThe type of resource being searched for\n\nupdated_since\nnumber\n\nOnly events updated since this Unix time\n\n",
    );
    let removed = replace_once_after(
        &added,
        from,
        "startDateMin\nstring\n\nThe minimum start date of the events to be returned\n\n",
        "",
    );
    fs::write(repo.0.join("specs/wealthbox/snapshot.txt"), &removed).unwrap();
    let (report, breaking) = repo.diff();
    assert!(breaking, "a builder method disappears");
    let line = line_of(&removed, from, "updated_since");
    let row = format!("| compatible | `retrieve_all_events`: query parameter `updated_since` added (number) | doc:retrieve-all-events/parameters/updated_since (line {line}) |");
    assert!(report.contains(&row), "{report}");
    let was = line_of(snapshot(), from, "startDateMin");
    let row = format!("| **breaking** | `retrieve_all_events`: query parameter `startDateMin` removed | was doc:retrieve-all-events/parameters/startDateMin (line {was}) |");
    assert!(report.contains(&row), "{report}");
    assert!(report.contains("**1 breaking**, 1 compatible change for code"), "{report}");
}
