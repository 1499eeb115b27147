//! Reviewable regenerations: edits of one place of the real Wealthbox snapshot (copies,
//! in memory) give local changes of the regenerated files. Each edit is built by the
//! pipeline and compared with the unedited snapshot's files: how many lines of the spec
//! change (counted by `git diff --no-index`, as a reviewer sees them), which files change,
//! and what `cargo xtask diff` calls the change.

use std::collections::BTreeMap;
use std::fs;
use std::sync::OnceLock;

use codegen::emit::STRUCTS_NON_EXHAUSTIVE;
use codegen::spec::Spec;
use xtask::diff::{self, Kind};
use xtask::pipeline;

mod wealthbox;

use wealthbox::{overlay, snapshot};

/// The spec and every generated file of a snapshot text.
struct Regenerated {
    spec: Spec,
    files: BTreeMap<String, String>,
}

fn regenerate(text: &str) -> Regenerated {
    let spec = pipeline::build_spec_from("wealthbox", text, overlay()).unwrap();
    let files = pipeline::generate_files(&spec).unwrap().into_iter().map(|f| (f.path, f.contents)).collect();
    Regenerated { spec, files }
}

fn base() -> &'static Regenerated {
    static BASE: OnceLock<Regenerated> = OnceLock::new();
    BASE.get_or_init(|| regenerate(snapshot()))
}

/// What an edit changes, as a reviewer sees it.
struct Review {
    /// Lines of `specs/wealthbox.yaml` added and removed.
    spec_lines: (usize, usize),
    /// Files written or removed (the spec included), sorted.
    files: Vec<String>,
    /// Files among them that did not exist before.
    new_files: Vec<String>,
    edited: Regenerated,
}

/// Lines added and removed from `old` to `new`, counted by git.
fn git_numstat(old: &str, new: &str) -> (usize, usize) {
    let dir = std::env::temp_dir().join(format!(
        "xtask-regeneration-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    fs::create_dir_all(&dir).unwrap();
    let (a, b) = (dir.join("old.yaml"), dir.join("new.yaml"));
    fs::write(&a, old).unwrap();
    fs::write(&b, new).unwrap();
    let out = std::process::Command::new("git")
        .args(["diff", "--no-index", "--numstat", "--"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    fs::remove_dir_all(&dir).unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut cells = text.split_whitespace();
    match (cells.next(), cells.next()) {
        (Some(added), Some(removed)) => (added.parse().unwrap(), removed.parse().unwrap()),
        _ => (0, 0),
    }
}

fn review(edited_text: &str) -> Review {
    assert_ne!(edited_text, snapshot(), "the edit changed nothing");
    let before = base();
    let edited = regenerate(edited_text);
    let spec_path = pipeline::spec_path("wealthbox");
    let spec_lines = git_numstat(&before.files[&spec_path], &edited.files[&spec_path]);
    let mut files: Vec<String> = edited
        .files
        .iter()
        .filter(|(path, contents)| before.files.get(*path) != Some(contents))
        .map(|(path, _)| path.clone())
        .collect();
    files.extend(before.files.keys().filter(|p| !edited.files.contains_key(*p)).cloned());
    files.sort();
    let new_files = files.iter().filter(|p| !before.files.contains_key(*p)).cloned().collect();
    Review { spec_lines, files, new_files, edited }
}

/// Inserts `insert` right after the one occurrence of `after` that follows `anchor`.
fn insert_after(text: &str, anchor: &str, after: &str, insert: &str) -> String {
    let from = text.find(anchor).unwrap_or_else(|| panic!("{anchor:?} not found"));
    let at =
        from + text[from..].find(after).unwrap_or_else(|| panic!("{after:?} not found after {anchor:?}")) + after.len();
    format!("{}{insert}{}", &text[..at], &text[at..])
}

const EVENTS: &str = "GET\nRetrieve all events\n/v1/events";
const STREAM: &str = "GET\nRetrieve activity stream\n";
const SPEC: &str = "specs/wealthbox.yaml";

impl Review {
    /// Lines of the spec added plus removed.
    fn spec_changed(&self) -> usize {
        self.spec_lines.0 + self.spec_lines.1
    }

    fn print(&self, edit: &str) {
        // The figures, for `cargo test --test regeneration -- --nocapture`.
        eprintln!(
            "{edit}: spec +{} -{}, {} files: {:?}",
            self.spec_lines.0,
            self.spec_lines.1,
            self.files.len(),
            self.files
        );
    }
}

#[test]
fn a_query_parameter_added_changes_its_row_and_its_resource_file() {
    // 5 lines of the snapshot, in the middle of the document: every line below moves.
    let r = review(&insert_after(
        snapshot(),
        EVENTS,
        "resource_type\nstring\n\nThe type of resource being searched for\n\n",
        "updated_since\nstring\n\nOnly events updated since this time\n\n",
    ));
    r.print("parameter added");
    assert!(r.spec_changed() <= 15, "{:?}", r.spec_lines);
    assert_eq!(r.files, ["generated/wealthbox/src/resources/events.rs", SPEC]);
    let changes = diff::diff(&base().spec, &r.edited.spec);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let added = &changes[0];
    assert_eq!((added.kind, added.breaking), (Kind::ParameterAdded, false));
    assert_eq!(added.item.as_deref(), Some("updated_since"));
    assert_eq!(added.source.as_ref().unwrap().to_string(), "doc:retrieve-all-events/parameters/updated_since");
}

#[test]
fn a_field_added_changes_its_row_its_model_and_its_example() {
    // A field of the activity stream's items, near the top of the document.
    let text = insert_after(
        snapshot(),
        STREAM,
        "The main body of the StreamItem returned as HTML\n",
        "\ntitle\nstring\n\nThe title of the stream item\n",
    );
    let r = review(&insert_after(
        &text,
        STREAM,
        "\"body\": \"Spoke with Kevin Anderson on the phone...\",",
        "\n      \"title\": \"Phone call\",",
    ));
    r.print("field added");
    assert!(r.spec_changed() <= 15, "{:?}", r.spec_lines);
    assert_eq!(
        r.files,
        [
            "generated/wealthbox/src/models/stream_item.rs",
            SPEC,
            "tests/fixtures/wealthbox/retrieve_activity_stream.200.json"
        ]
    );
    let changes = diff::diff(&base().spec, &r.edited.spec);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let added = &changes[0];
    assert_eq!(
        (added.kind, added.subject.as_str(), added.item.as_deref()),
        (Kind::FieldAdded, "StreamItem", Some("title"))
    );
    // An output type's new field is `Option<String>`: it breaks only struct literals,
    // and those only while generated structs are not `#[non_exhaustive]`.
    assert_eq!(added.breaking, !STRUCTS_NON_EXHAUSTIVE);
    assert_eq!(added.source.as_ref().unwrap().to_string(), "doc:retrieve-activity-stream/response/stream_items.title");
}

#[test]
fn a_description_grown_by_a_paragraph_changes_its_text_only() {
    let r = review(&insert_after(
        snapshot(),
        EVENTS,
        "they don’t have access to.",
        "\n\nEvents are returned in pages of 25 by default, in no particular order.",
    ));
    r.print("description changed");
    assert!(r.spec_changed() <= 5, "{:?}", r.spec_lines);
    assert_eq!(r.files, ["generated/wealthbox/src/resources/events.rs", SPEC]);
    assert!(diff::diff(&base().spec, &r.edited.spec).is_empty(), "a description is no API change");
    assert_eq!(diff::doc_changes(&base().spec, &r.edited.spec), ["`retrieve_all_events`"]);
}

#[test]
fn an_operation_added_at_the_top_changes_nothing_about_the_others() {
    // Before the document's first operation, after its preamble.
    let r = review(&insert_after(
        snapshot(),
        "the Wealthbox API will permit short bursts",
        "for that period.\n\n",
        "Retrieve the API status\n\nGET\nRetrieve the API status\n/v1/status\n\nThis endpoint will return the status of the API.\n\nResponse Attributes\nstatus\nstring\n\nThe status of the API\n\nResponse\u{a0}\u{a0}200\nBody\n{\n  \"status\": \"ok\"\n}\n\n",
    ));
    r.print("operation added at the top");
    let (before, after) = (&base().spec, &r.edited.spec);
    // Every operation, type and gap is what it was, sources included.
    for op in &before.operations {
        assert_eq!(Some(op), after.operations.iter().find(|o| o.id == op.id), "{}", op.id);
    }
    for t in &before.types {
        assert_eq!(Some(t), after.type_def(&t.name), "{}", t.name);
    }
    assert_eq!(before.gaps, after.gaps);
    assert_eq!(before.api, after.api);
    // What changes is the new operation's: its files are new, and the files that list
    // operations, types and fixtures only gain lines (the spec's coverage figures aside).
    assert_eq!(
        r.new_files,
        [
            "generated/wealthbox/src/models/status.rs",
            "generated/wealthbox/src/resources/status.rs",
            "tests/fixtures/wealthbox/retrieve_api_status.200.json"
        ]
    );
    for path in r.files.iter().filter(|p| !r.new_files.contains(p)) {
        let (_, removed) = git_numstat(&base().files[path], &r.edited.files[path]);
        // The spec's coverage figures, and the crate docs' count of operations and types.
        let allowed = match path.as_str() {
            SPEC => 6,
            "generated/wealthbox/src/lib.rs" => 1,
            _ => 0,
        };
        assert!(removed <= allowed, "{path}: {removed} lines removed");
    }
    let changes = diff::diff(before, after);
    let kinds: Vec<(Kind, bool)> = changes.iter().map(|c| (c.kind, c.breaking)).collect();
    assert_eq!(kinds, [(Kind::OperationAdded, false), (Kind::TypeAdded, false)], "{changes:#?}");
    assert_eq!(changes[0].source.as_ref().unwrap().to_string(), "doc:retrieve-api-status");
}
