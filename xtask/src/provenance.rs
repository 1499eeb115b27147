//! The inputs of each API (`specs/<api>/snapshot.txt`, `definition.yaml` or
//! `definition.json`, `page.html`) and their provenance file (`specs/<api>/provenance.yaml`):
//! one entry per input naming its public source and how it was obtained, with its SHA-256.
//! This module owns that file: reading and writing it (`cargo xtask fetch` records what
//! it stores), and checking that every input on disk has an entry whose checksum matches
//! its bytes, so a fresh clone regenerates from inputs it can trace, and an input changed
//! by hand (or damaged) is refused by name (`cargo xtask check`).

use std::fmt;
use std::path::Path;

use codegen::yaml;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The input files an API folder may hold besides its pages (`page.html`, `page-2.html`,
/// gzipped `.html.gz`; see [`is_input_file`]).
pub const INPUT_FILES: [&str; 3] = ["snapshot.txt", "definition.yaml", "definition.json"];

/// Whether `name` is an input file of an API folder: one of [`INPUT_FILES`], or a fetched
/// page (`page.html`, `page-N.html`, either gzipped).
pub fn is_input_file(name: &str) -> bool {
    if INPUT_FILES.contains(&name) {
        return true;
    }
    let stem = name.strip_suffix(".html.gz").or_else(|| name.strip_suffix(".html"));
    match stem {
        Some("page") => true,
        Some(stem) => {
            stem.strip_prefix("page-").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        }
        None => false,
    }
}

/// The provenance file name inside `specs/<api>/`.
pub const FILE: &str = "provenance.yaml";

/// A provenance file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// One entry per input file.
    pub inputs: Vec<Input>,
}

/// Where one input file comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// File name inside `specs/<api>/`.
    pub file: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    /// What the file is.
    pub what: String,
    /// Who publishes it, in words.
    pub source: String,
    /// A public repository holding it (`owner/name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Its path in that repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The repository's commit it was taken at (40 hex digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The URL it was downloaded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was downloaded (a UTC date, `YYYY-MM-DD`, or RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<String>,
    /// How it was obtained (copied by hand, or the `cargo xtask fetch` command that stored it).
    pub obtained: String,
}

/// Something wrong with an API's inputs or its provenance file; paths are relative to
/// the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProvenanceError {
    /// A file could not be read.
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The provenance file is not valid.
    Malformed {
        /// The provenance file.
        path: String,
        /// What is wrong, with the line when known.
        message: String,
    },
    /// An input's bytes do not have the recorded checksum.
    Mismatch {
        /// The input.
        path: String,
        /// The checksum the provenance file records.
        recorded: String,
        /// The checksum of the bytes on disk.
        actual: String,
    },
    /// An input on disk has no entry.
    Unrecorded {
        /// The input.
        path: String,
    },
    /// An entry names a file that is not there.
    Missing {
        /// The file the entry names.
        path: String,
    },
}

impl fmt::Display for ProvenanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProvenanceError::Unreadable { path, message } => write!(f, "{path}: {message}"),
            ProvenanceError::Malformed { path, message } => write!(f, "{path}: {message}"),
            ProvenanceError::Mismatch { path, recorded, actual } => write!(
                f,
                "{path}: its sha256 is {actual} but its provenance entry records {recorded}: the input changed without its provenance"
            ),
            ProvenanceError::Unrecorded { path } => {
                write!(f, "{path}: an input without a provenance entry (say where it comes from in {FILE})")
            }
            ProvenanceError::Missing { path } => write!(f, "{path}: named in {FILE} but not there"),
        }
    }
}

impl std::error::Error for ProvenanceError {}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a provenance file's text; errors name `label`.
pub fn parse(text: &str, label: &str) -> Result<Provenance, ProvenanceError> {
    let malformed = |message: String| ProvenanceError::Malformed { path: label.to_string(), message };
    let provenance: Provenance = yaml::from_str(text).map_err(|e| malformed(e.to_string()))?;
    for (i, input) in provenance.inputs.iter().enumerate() {
        let at = format!("inputs.{i} (`{}`)", input.file);
        if !is_input_file(&input.file) {
            return Err(malformed(format!(
                "{at}: not an input file name (known: {}, page.html, page-N.html, gzipped or not)",
                INPUT_FILES.join(", ")
            )));
        }
        if provenance.inputs[..i].iter().any(|other| other.file == input.file) {
            return Err(malformed(format!("{at}: a second entry for the same file")));
        }
        if input.sha256.len() != 64 || !input.sha256.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
            return Err(malformed(format!("{at}: `sha256` must be 64 lower-case hex digits")));
        }
        if let Some(commit) = &input.commit {
            if commit.len() != 40 || !commit.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(malformed(format!("{at}: `commit` must be a full commit id (40 hex digits)")));
            }
            if input.repository.is_none() || input.path.is_none() {
                return Err(malformed(format!("{at}: a `commit` needs the `repository` and `path` it is a commit of")));
            }
        }
    }
    Ok(provenance)
}

/// Path of an API's provenance file, relative to the root.
pub fn path(api: &str) -> String {
    format!("specs/{api}/{FILE}")
}

/// Reads an API's provenance file; `None` when it has none.
pub fn read(root: &Path, api: &str) -> Result<Option<Provenance>, ProvenanceError> {
    let file = path(api);
    match std::fs::read_to_string(root.join(&file)) {
        Ok(text) => parse(&text, &file).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ProvenanceError::Unreadable { path: file, message: e.to_string() }),
    }
}

/// The file's text, as `cargo xtask fetch` writes it.
pub fn render(provenance: &Provenance, api: &str) -> Result<String, ProvenanceError> {
    let body = yaml::to_string(provenance)
        .map_err(|e| ProvenanceError::Malformed { path: path(api), message: e.to_string() })?;
    Ok(format!(
        "# Where each input of specs/{api}/ comes from, and its checksum; format: specs/README.md,\n# \"Inputs and their provenance\". `cargo xtask fetch` writes its entries; `cargo xtask\n# check` refuses an input whose bytes no longer match its entry.\n{body}"
    ))
}

/// Checks the inputs of `api` under `root` against its provenance file: every input on
/// disk has an entry, every entry's file is there, every checksum matches. Returns the
/// inputs checked (paths relative to `root`), or every problem found.
pub fn check(root: &Path, api: &str) -> Result<Vec<String>, Vec<ProvenanceError>> {
    let dir = format!("specs/{api}");
    let file = format!("{dir}/{FILE}");
    let text = std::fs::read_to_string(root.join(&file))
        .map_err(|e| vec![ProvenanceError::Unreadable { path: file.clone(), message: e.to_string() }])?;
    let provenance = parse(&text, &file).map_err(|e| vec![e])?;
    let mut problems = Vec::new();
    let mut checked = Vec::new();
    let mut names: Vec<String> = provenance.inputs.iter().map(|i| i.file.clone()).collect();
    let on_disk = std::fs::read_dir(root.join(&dir))
        .map_err(|e| vec![ProvenanceError::Unreadable { path: dir.clone(), message: e.to_string() }])?;
    names.extend(on_disk.flatten().map(|e| e.file_name().to_string_lossy().to_string()).filter(|n| is_input_file(n)));
    // The fixed inputs first, in their order, then the pages.
    names.sort_by_key(|n| (INPUT_FILES.iter().position(|f| f == n).unwrap_or(INPUT_FILES.len()), n.clone()));
    names.dedup();
    for name in &names {
        let path = format!("{dir}/{name}");
        let entry = provenance.inputs.iter().find(|i| &i.file == name);
        let bytes = match std::fs::read(root.join(&path)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if entry.is_some() {
                    problems.push(ProvenanceError::Missing { path });
                }
                continue;
            }
            Err(e) => {
                problems.push(ProvenanceError::Unreadable { path, message: e.to_string() });
                continue;
            }
        };
        let Some(entry) = entry else {
            problems.push(ProvenanceError::Unrecorded { path });
            continue;
        };
        let actual = sha256_hex(&bytes);
        if actual != entry.sha256 {
            problems.push(ProvenanceError::Mismatch { path, recorded: entry.sha256.clone(), actual });
            continue;
        }
        checked.push(path);
    }
    if problems.is_empty() {
        Ok(checked)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_the_standard_digest() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn entries_are_validated_when_read() {
        let entry = |extra: &str| {
            format!(
                "inputs:\n- file: snapshot.txt\n  sha256: {}\n  what: w\n  source: s\n  obtained: o\n{extra}",
                "a".repeat(64)
            )
        };
        assert!(parse(&entry(""), "p").is_ok());
        let twice = format!("{}{}", entry(""), entry("").replacen("inputs:\n", "", 1));
        assert!(parse(&twice, "p").unwrap_err().to_string().contains("second entry"));
        let bare_commit = entry(&format!("  commit: {}\n", "b".repeat(40)));
        assert!(parse(&bare_commit, "p").unwrap_err().to_string().contains("needs the `repository`"));
        let short = entry("").replace(&"a".repeat(64), "abc");
        assert!(parse(&short, "p").unwrap_err().to_string().contains("64 lower-case hex"));
        let unknown = entry("  licence: MIT\n");
        assert!(parse(&unknown, "p").is_err());
        assert!(is_input_file("page-2.html.gz") && is_input_file("page.html") && !is_input_file("page-.html"));
        let other_file = entry("").replace("snapshot.txt", "notes.txt");
        assert!(parse(&other_file, "p").unwrap_err().to_string().contains("not an input file name"));
    }
}
