//! The committed Wealthbox inputs, read once per test binary: the tests that edit copies
//! of the real snapshot (`diff.rs`, `regeneration.rs`) start from them.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `specs/wealthbox/snapshot.txt`.
pub fn snapshot() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| fs::read_to_string(repo_root().join("specs/wealthbox/snapshot.txt")).unwrap())
}

/// `specs/wealthbox/overlay.yaml`.
pub fn overlay() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| fs::read_to_string(repo_root().join("specs/wealthbox/overlay.yaml")).unwrap())
}
