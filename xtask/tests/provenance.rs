//! The inputs under `specs/<api>/` are the ones their provenance files describe: every
//! input has an entry, and every checksum matches the bytes on disk. A changed, extra or
//! missing input is refused by name.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::pipeline;
use xtask::provenance::{check, ProvenanceError};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

#[test]
fn every_committed_input_matches_its_provenance_entry() {
    let root = repo_root();
    let mut checked = Vec::new();
    for api in pipeline::api_names(&root).unwrap() {
        match check(&root, &api) {
            Ok(files) => checked.extend(files),
            Err(problems) => {
                panic!("{api}:\n{}", problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n"))
            }
        }
    }
    assert_eq!(
        checked,
        [
            "specs/activecampaign/snapshot.txt",
            "specs/activecampaign/definition.yaml",
            "specs/nimble/snapshot.txt",
            "specs/nimble/definition.yaml",
            "specs/wealthbox/snapshot.txt",
        ]
    );
}

/// A copy of `specs/nimble/` in a temporary repository root.
fn copy_of_nimble(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("xtask-provenance-{name}-{}", std::process::id()));
    let dir = root.join("specs/nimble");
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&dir).unwrap();
    for file in ["snapshot.txt", "definition.yaml", "provenance.yaml"] {
        fs::copy(repo_root().join("specs/nimble").join(file), dir.join(file)).unwrap();
    }
    root
}

#[test]
fn a_changed_an_unrecorded_and_a_missing_input_are_each_named() {
    let root = copy_of_nimble("tampered");
    let dir = root.join("specs/nimble");
    let mut snapshot = fs::read(dir.join("snapshot.txt")).unwrap();
    snapshot.push(b'\n');
    fs::write(dir.join("snapshot.txt"), snapshot).unwrap();
    fs::write(dir.join("page.html"), "<html></html>").unwrap();
    fs::remove_file(dir.join("definition.yaml")).unwrap();
    let problems = check(&root, "nimble").unwrap_err();
    assert!(matches!(
        &problems[0],
        ProvenanceError::Mismatch { path, recorded, actual }
            if path == "specs/nimble/snapshot.txt" && recorded.starts_with("71e3380b") && actual != recorded
    ));
    assert_eq!(problems[1], ProvenanceError::Missing { path: "specs/nimble/definition.yaml".into() });
    assert_eq!(problems[2], ProvenanceError::Unrecorded { path: "specs/nimble/page.html".into() });
    assert_eq!(problems.len(), 3);
    assert!(problems[0].to_string().contains("changed without its provenance"));
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_broken_provenance_file_is_an_error_naming_it() {
    let root = copy_of_nimble("broken");
    fs::write(root.join("specs/nimble/provenance.yaml"), "inputs:\n- file: snapshot.txt\n  sha256: [\n").unwrap();
    let problems = check(&root, "nimble").unwrap_err();
    assert!(
        matches!(&problems[..], [ProvenanceError::Malformed { path, .. }] if path == "specs/nimble/provenance.yaml")
    );
    fs::remove_dir_all(root).unwrap();
}
