//! Where each input of an API comes from: `specs/<api>/provenance.yaml`, one entry per
//! input file (under `specs/<api>/`) with its public source, the command that produced
//! it, the date and its sha256. `cargo xtask fetch` writes it; `cargo xtask check`
//! reports an input whose bytes no longer match its entry (edited by hand, or damaged)
//! and an entry whose file is gone.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The file name, under `specs/<api>/`.
pub const FILE: &str = "provenance.yaml";

/// An API's provenance file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// One entry per input file, sorted by file.
    pub inputs: Vec<Input>,
}

/// Where one input file comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The file, relative to `specs/<api>/`.
    pub file: String,
    /// Its public source: a URL, or a repository, path and commit.
    pub source: String,
    /// How it was obtained.
    pub command: String,
    /// When (UTC date, `YYYY-MM-DD`).
    pub date: String,
    /// sha256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// The sha256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Path of an API's provenance file, relative to the root.
pub fn path(api: &str) -> String {
    format!("specs/{api}/{FILE}")
}

/// Reads an API's provenance file; `None` when it has none.
pub fn read(root: &Path, api: &str) -> Result<Option<Provenance>, String> {
    let file = root.join(path(api));
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path(api))),
    };
    codegen::yaml::from_str(&text).map(Some).map_err(|e| format!("{}: {e}", path(api)))
}

/// The file's text.
pub fn render(provenance: &Provenance, api: &str) -> Result<String, String> {
    let body = codegen::yaml::to_string(provenance).map_err(|e| format!("{}: {e}", path(api)))?;
    Ok(format!(
        "# Where each input of specs/{api}/ comes from. Written by `cargo xtask fetch`;\n# `cargo xtask check` reports an input whose sha256 no longer matches.\n{body}"
    ))
}

/// Problems of an API's inputs against its provenance file: a file whose bytes changed,
/// or that is gone. Empty when all match (or when the API has no provenance file).
pub fn check(root: &Path, api: &str) -> Result<Vec<String>, String> {
    let Some(provenance) = read(root, api)? else { return Ok(Vec::new()) };
    let mut problems = Vec::new();
    for input in &provenance.inputs {
        let rel = format!("specs/{api}/{}", input.file);
        match std::fs::read(root.join(&rel)) {
            Ok(bytes) => {
                let actual = sha256_hex(&bytes);
                if actual != input.sha256 {
                    problems.push(format!(
                        "{rel}: its sha256 is {actual}, but {} says {} (from {}): changed since it was obtained; \
                         fetch it again (`cargo xtask fetch {api}`) or restore it",
                        path(api),
                        input.sha256,
                        input.source
                    ));
                }
            }
            Err(e) => problems.push(format!("{rel}: listed in {} but cannot be read: {e}", path(api))),
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
