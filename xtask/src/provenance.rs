//! The inputs of each API (`specs/<api>/snapshot.txt`, `definition.yaml` or
//! `definition.json`, `page.html`) and their provenance file (`specs/<api>/provenance.yaml`):
//! one entry per input naming its public source and how it was obtained, with its SHA-256.
//! This module owns reading that file and checking that every input on disk has an entry
//! whose checksum matches its bytes, so a fresh clone regenerates from inputs it can
//! trace, and an input changed by hand (or damaged) is refused by name.

use std::fmt;
use std::path::Path;

use codegen::yaml;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The input files an API folder may hold, in the order they are checked.
pub const INPUT_FILES: [&str; 4] = ["snapshot.txt", "definition.yaml", "definition.json", "page.html"];

/// The provenance file name inside `specs/<api>/`.
pub const FILE: &str = "provenance.yaml";

/// A provenance file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// One entry per input file.
    pub inputs: Vec<Input>,
}

/// Where one input file comes from.
#[derive(Debug, Clone, Deserialize)]
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
    #[serde(default)]
    pub repository: Option<String>,
    /// Its path in that repository.
    #[serde(default)]
    pub path: Option<String>,
    /// The repository's commit it was taken at (40 hex digits).
    #[serde(default)]
    pub commit: Option<String>,
    /// The URL it was downloaded from.
    #[serde(default)]
    pub url: Option<String>,
    /// When it was downloaded (RFC 3339).
    #[serde(default)]
    pub retrieved: Option<String>,
    /// How it was obtained (copied, fetched, extracted from a page).
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
        if !INPUT_FILES.contains(&input.file.as_str()) {
            return Err(malformed(format!("{at}: not an input file name (known: {})", INPUT_FILES.join(", "))));
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
    for name in INPUT_FILES {
        let path = format!("{dir}/{name}");
        let entry = provenance.inputs.iter().find(|i| i.file == name);
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
        let other_file = entry("").replace("snapshot.txt", "notes.txt");
        assert!(parse(&other_file, "p").unwrap_err().to_string().contains("not an input file name"));
    }
}
