//! `cargo xtask diff`: reads the two sides (the committed spec, a file, a spec at a git
//! revision, or what the current snapshot and overlay produce) and writes the reports.

use codegen::spec::Spec;

use super::{any_breaking, diff, doc_changes, doc_changes_line, new_api_report, report};

/// Where `cargo xtask diff` reads the old spec from.
pub enum OldSide {
    /// The committed `specs/<api>.yaml` (in the working tree).
    Committed,
    /// A spec file.
    File(std::path::PathBuf),
    /// `specs/<api>.yaml` at a git revision.
    Rev(String),
}

/// `cargo xtask diff`: the change report of each API (from `old` to `new`, a spec file,
/// or by default what the current snapshot and overlay produce), and whether anything
/// breaking changed.
pub fn run(
    root: &std::path::Path,
    apis: &[String],
    old: &OldSide,
    new: Option<&std::path::Path>,
) -> Result<(String, bool), crate::pipeline::Error> {
    use crate::pipeline;
    let mut text = String::new();
    let mut breaking = false;
    for api in apis {
        let spec_file = pipeline::spec_path(api);
        // `None`: the old side has no spec of this API (it is new since).
        let (old_spec, old_label) = match old {
            OldSide::Committed => {
                let path = root.join(&spec_file);
                let spec = if path.exists() { Some(pipeline::read_spec(&path)?) } else { None };
                (spec, format!("`{spec_file}`"))
            }
            OldSide::File(path) => (Some(pipeline::read_spec(path)?), format!("`{}`", path.display())),
            OldSide::Rev(rev) => (spec_at_revision(root, rev, &spec_file)?, format!("`{spec_file}` at `{rev}`")),
        };
        let (new_spec, new_label) = match new {
            Some(path) => (pipeline::read_spec(path)?, format!("`{}`", path.display())),
            None => (
                pipeline::build(root, api)?.spec,
                format!("what `specs/{api}/snapshot.txt` and `specs/{api}/overlay.yaml` produce now"),
            ),
        };
        if !text.is_empty() {
            text.push('\n');
        }
        match old_spec {
            Some(old_spec) => {
                let changes = diff(&old_spec, &new_spec);
                breaking |= any_breaking(&changes);
                text.push_str(&report(&new_spec.api.name, &old_label, &new_label, &changes));
                text.push_str(&doc_changes_line(&doc_changes(&old_spec, &new_spec)));
            }
            None => text.push_str(&new_api_report(&new_spec, &old_label, &new_label)),
        }
    }
    Ok((text, breaking))
}

/// `specs/<api>.yaml` at a git revision; `None` when the revision exists but has no such
/// file (the API is new since).
fn spec_at_revision(
    root: &std::path::Path,
    rev: &str,
    spec_file: &str,
) -> Result<Option<Spec>, crate::pipeline::Error> {
    use crate::pipeline::{self, Error};
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map_err(|e| Error::Git { command: args.join(" "), reason: format!("cannot run git: {e}") })
    };
    let commit = format!("{rev}^{{commit}}");
    let resolved = git(&["rev-parse", "--verify", "--quiet", "--end-of-options", &commit])?;
    if !resolved.status.success() {
        return Err(Error::Git {
            command: format!("rev-parse {rev}"),
            reason: format!("`{rev}` names no revision of this repository"),
        });
    }
    let object = format!("{rev}:{spec_file}");
    if !git(&["cat-file", "-e", "--end-of-options", &object])?.status.success() {
        return Ok(None);
    }
    let output = git(&["show", "--end-of-options", &object])?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Git { command: format!("show {object}"), reason: stderr.trim().to_string() });
    }
    let yaml = String::from_utf8(output.stdout)
        .map_err(|_| Error::Git { command: format!("show {object}"), reason: "the file is not UTF-8".into() })?;
    pipeline::parse_spec(&yaml, &object).map(Some)
}
