//! `cargo xtask diff`: reads the two sides (the committed spec, a file, a spec at a git
//! revision, or what the current snapshot and overlay produce) and writes the reports.
//!
//! The documents behind the sides, where the diff knows them, give each change the line
//! of its place: the new side's is the current snapshot when the new spec is built from
//! it; the old side's is the snapshot committed with the old spec (at `HEAD` for the
//! committed spec, at the revision with `--rev`). A spec whose sources are line numbers
//! (written before anchors) has them anchored in its document first (the current
//! snapshot when the diff does not know it), so its sources compare with anchors.

use codegen::spec::{Source, Spec};

use super::{any_breaking, diff, doc_changes, doc_changes_line, new_api_report, report};
use crate::anchors::AnchorMap;

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
        let (mut new_spec, new_label, new_document) = match new {
            Some(path) => (pipeline::read_spec(path)?, format!("`{}`", path.display()), None),
            None => {
                let built = pipeline::build(root, api)?;
                let label = format!("what `specs/{api}/snapshot.txt` and `specs/{api}/overlay.yaml` produce now");
                (built.spec, label, Some(built.anchors))
            }
        };
        if !text.is_empty() {
            text.push('\n');
        }
        match old_spec {
            Some(mut old_spec) => {
                let old_document = match old {
                    OldSide::Committed => document_at(root, api, "HEAD"),
                    OldSide::Rev(rev) => document_at(root, api, rev),
                    OldSide::File(_) => None,
                };
                anchor_lines(root, api, &mut old_spec, old_document.as_ref())?;
                anchor_lines(root, api, &mut new_spec, new_document.as_ref())?;
                let mut changes = diff(&old_spec, &new_spec);
                for c in &mut changes {
                    let document = if c.source_is_old { &old_document } else { &new_document };
                    c.line = document.as_ref().zip(c.source.as_ref()).and_then(|(d, s)| d.line_of(s));
                }
                breaking |= any_breaking(&changes);
                text.push_str(&report(&new_spec.api.name, &old_label, &new_label, &changes));
                text.push_str(&doc_changes_line(&doc_changes(&old_spec, &new_spec)));
            }
            None => text.push_str(&new_api_report(&new_spec, &old_label, &new_label)),
        }
    }
    Ok((text, breaking))
}

/// Anchors the line sources of a spec written before anchors, in `document` (the one it
/// was read from) or else the current snapshot. Nothing to do for an anchored spec.
fn anchor_lines(
    root: &std::path::Path,
    api: &str,
    spec: &mut Spec,
    document: Option<&AnchorMap>,
) -> Result<(), crate::pipeline::Error> {
    use crate::pipeline::{self, Error};
    if !spec.sources_mut().iter().any(|s| matches!(s, Source::Doc(_))) {
        return Ok(());
    }
    let current;
    let document = match document {
        Some(d) => d,
        None => {
            let read = |file: &str| {
                let path = root.join(format!("specs/{api}/{file}"));
                std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))
            };
            current = pipeline::anchor_map(api, &read("snapshot.txt")?, &read("overlay.yaml")?)?;
            &current
        }
    };
    // A line past the document's end (a document since cut) stays a line: it compares
    // with nothing, which only a rename's detection would miss.
    let _past_the_end = document.anchor_spec(spec);
    Ok(())
}

/// The anchors of `api`'s snapshot at a git revision, read with the reader its overlay
/// there names; `None` when the revision lacks them or they do not read.
fn document_at(root: &std::path::Path, api: &str, rev: &str) -> Option<AnchorMap> {
    let show = |file: &str| {
        let object = format!("{rev}:specs/{api}/{file}");
        let output =
            std::process::Command::new("git").arg("-C").arg(root).args(["show", "--end-of-options", &object]).output();
        output.ok().filter(|o| o.status.success()).and_then(|o| String::from_utf8(o.stdout).ok())
    };
    crate::pipeline::anchor_map(api, &show("snapshot.txt")?, &show("overlay.yaml")?).ok()
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
