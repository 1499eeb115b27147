//! The error of the doc-to-spec half, at its boundary with the command line: one enum
//! whose variants say which stage failed and carry what the stage knows (the file and
//! line, the overlay entry, the problems found). Each stage has its own error type
//! ([`ReadError`], [`DefinitionError`], [`OverlayError`], codegen's [`EmitError`] and
//! [`YamlError`]), wrapped here with the file it concerns.

use std::path::PathBuf;

use codegen::yaml::YamlError;
use codegen::EmitError;

use crate::overlay::OverlayError;
use crate::readers::definition::DefinitionError;
use crate::readers::ReadError;

/// A failure of `cargo xtask`, naming the file, line or entry it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder that cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system says.
        source: std::io::Error,
    },
    /// A snapshot its reader cannot read at all.
    #[error("{file}: {source}")]
    Read {
        /// The snapshot.
        file: String,
        /// What the reader says.
        source: ReadError,
    },
    /// A definition its reader cannot read at all (bad YAML or JSON, not OpenAPI 3, a
    /// dangling `$ref`, a cycle): the message names the file and the line or pointer.
    #[error(transparent)]
    Definition(#[from] DefinitionError),
    /// An overlay that cannot be used.
    #[error("{source}{}", damage_note(damage))]
    Overlay {
        /// What is wrong, with the entry and its line.
        source: OverlayError,
        /// What the reader could not read in the snapshot, when the overlay was applied
        /// to it (an entry that no longer fits often means a damaged document).
        damage: Vec<String>,
    },
    /// A spec that fails validation: every problem, each naming where it is.
    #[error("the spec of {api} is not valid:\n  - {}", problems.join("\n  - "))]
    Invalid {
        /// The API.
        api: String,
        /// The problems.
        problems: Vec<String>,
    },
    /// A committed spec file that does not validate: every problem, each with the file's
    /// line where it can be found (`specs/x.yaml:120: ...`).
    #[error("{path} is not a valid spec:\n  {}", problems.join("\n  "))]
    InvalidFile {
        /// The spec file.
        path: String,
        /// The problems, located.
        problems: Vec<String>,
    },
    /// A spec file that does not parse (or a spec that cannot be written as YAML).
    #[error("{label}: {source}")]
    SpecFile {
        /// The file, or the git object, it comes from (or goes to).
        label: String,
        /// What the YAML reader or writer says, with line and column when known.
        source: YamlError,
    },
    /// A spec the emitter cannot turn into Rust.
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// A run that finds gaps the committed spec does not list: nothing was written.
    #[error(
        "{api}: this run finds {} gap(s) that {spec_file} does not list; nothing was written.\n{}\nFix the document or the overlay, or rerun with --accept-gaps to record them.",
        gaps.len(),
        gaps.join("\n")
    )]
    NewGaps {
        /// The API.
        api: String,
        /// Its committed spec file.
        spec_file: String,
        /// The new gaps, one line each.
        gaps: Vec<String>,
    },
    /// git cannot give the old side of a diff.
    #[error("git {command}: {reason}")]
    Git {
        /// What was asked of git.
        command: String,
        /// Why it failed.
        reason: String,
    },
    /// A document that cannot be written out (the OpenAPI export).
    #[error("cannot write {what}: {reason}")]
    Write {
        /// What was being written.
        what: String,
        /// Why it failed.
        reason: String,
    },
}

impl Error {
    /// An I/O error about `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

fn damage_note(damage: &[String]) -> String {
    if damage.is_empty() {
        String::new()
    } else {
        format!("\nThe snapshot may be damaged; its reader reported:\n{}", damage.join("\n"))
    }
}
