//! Damaged committed specs, as `cargo xtask check` and `cargo xtask openapi` read them
//! (`xtask::committed`, which both commands call): a file that does not parse is reported
//! with its line and column, a type reference to nothing with the line that holds it,
//! and the OpenAPI export refuses such a spec instead of writing a `$ref` to nothing.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::committed::{openapi_text, read_valid};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A scratch root holding `specs/activecampaign.yaml` with `edit` applied.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, edit: impl FnOnce(&str) -> String) -> Scratch {
        let dir = std::env::temp_dir().join(format!("xtask-committed-{name}-{}", std::process::id()));
        fs::create_dir_all(dir.join("specs")).unwrap();
        let text = fs::read_to_string(repo_root().join("specs/activecampaign.yaml")).unwrap();
        fs::write(dir.join("specs/activecampaign.yaml"), edit(&text)).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// 1-based number of the first line of `text` that contains `needle`.
fn line_with(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn the_committed_specs_are_valid_and_export() {
    let root = repo_root();
    for api in xtask::pipeline::api_names(&root).unwrap() {
        read_valid(&root, &xtask::pipeline::spec_path(&api)).unwrap();
        assert!(openapi_text(&root, &api, false).unwrap().contains("\"openapi\": \"3.1.0\""));
    }
}

#[test]
fn a_spec_that_does_not_parse_is_reported_with_file_line_and_reason() {
    // A merge left its conflict markers in the file.
    let mut marker_line = 0;
    let scratch = Scratch::new("conflict", |text| {
        let lines: Vec<&str> = text.lines().collect();
        marker_line = line_with(text, "- id: create_new_secondary_contact_for_deal");
        let mut out = lines[..marker_line - 1].join("\n");
        out.push_str("\n<<<<<<< HEAD\n");
        out.push_str(&lines[marker_line - 1..].join("\n"));
        out
    });
    let err = read_valid(&scratch.0, "specs/activecampaign.yaml").unwrap_err().to_string();
    assert!(err.starts_with(&format!("specs/activecampaign.yaml: line {}, column", marker_line + 1)), "{err}");
}

#[test]
fn a_field_the_format_does_not_have_is_reported_with_its_line() {
    let mut line = 0;
    let scratch = Scratch::new("unknown-key", |text| {
        line = line_with(text, "  summary: Retrieve all secondary contacts");
        text.replace("  summary: Retrieve all secondary contacts", "  sumary: Retrieve all secondary contacts")
    });
    let err = read_valid(&scratch.0, "specs/activecampaign.yaml").unwrap_err().to_string();
    assert!(err.starts_with(&format!("specs/activecampaign.yaml: line {line}, column")), "{err}");
    assert!(err.contains("unknown field `sumary`"), "{err}");
}

#[test]
fn a_dangling_type_reference_is_reported_at_its_line_and_refused_by_the_export() {
    let mut line = 0;
    let scratch = Scratch::new("dangling", |text| {
        line = line_with(text, "type: DealCreateSecondaryContactRequest");
        text.replacen("type: DealCreateSecondaryContactRequest", "type: NoSuchType", 1)
    });
    let err = read_valid(&scratch.0, "specs/activecampaign.yaml").unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "specs/activecampaign.yaml:{line}: operation `create_new_secondary_contact_for_deal` (doc:create-new-secondary-contact-for-deal), request body: refers to type `NoSuchType`, which the spec does not define"
        )),
        "{err}"
    );
    let err = openapi_text(&scratch.0, "activecampaign", false).unwrap_err().to_string();
    assert!(err.contains("refers to type `NoSuchType`"), "{err}");
}
