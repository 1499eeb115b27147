//! One API end to end: snapshot + overlay (+ the definition behind the page, reconciled
//! with it) → draft → spec → generated files; and the
//! file discipline around it: atomic writes of changed files only, the stale check, and
//! the guard that refuses to overwrite a spec when a run finds gaps the committed spec
//! does not have.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use codegen::spec::{Gap, GapKind, Source, Spec};
use codegen::{yaml, GeneratedFile, NamesChecked};

use crate::anchors::AnchorMap;
use crate::draft::Draft;
use crate::normalize::naming::OverlayNames;
use crate::normalize::{normalize, Options};
use crate::overlay::Overlay;
use crate::readers;
use crate::readers::definition::Definition;
use crate::reconcile::{reconcile, Report};
use crate::validate::validated;

/// The command named in generated headers.
pub const COMMAND: &str = "cargo xtask codegen";

pub use crate::Error;

/// Everything one API produces.
pub struct Built {
    /// The spec.
    pub spec: Spec,
    /// The spec file, the generated crate, the fixtures and their tests.
    pub files: Vec<GeneratedFile>,
    /// The snapshot's anchors, to give a human the lines of the spec's places.
    pub anchors: AnchorMap,
}

/// The APIs of the repository: folders of `specs/` holding an `overlay.yaml`.
pub fn api_names(root: &Path) -> Result<Vec<String>, Error> {
    let dir = root.join("specs");
    let entries = fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("overlay.yaml").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    Ok(names)
}

fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Path of an API's spec file, relative to the root.
pub fn spec_path(api: &str) -> String {
    format!("specs/{api}.yaml")
}

/// The inputs of one API, as text.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// `snapshot.txt`: the page as text.
    pub snapshot: &'a str,
    /// `overlay.yaml`.
    pub overlay: &'a str,
    /// The OpenAPI definition behind the page, when there is one: its file (relative to
    /// the repository root, named in `def:` sources and errors) and its text.
    pub definition: Option<(&'a str, &'a str)>,
}

/// Builds the spec of `api` from its snapshot and overlay (an API without a definition).
pub fn build_spec_from(api: &str, snapshot_text: &str, overlay_text: &str) -> Result<Spec, Error> {
    build_spec(api, &Inputs { snapshot: snapshot_text, overlay: overlay_text, definition: None })
}

/// The overlay of `api`, and its snapshot read with the reader it names, its anchors
/// complete (the lines the overlay quotes to state routes among them); and what the
/// reader could not read, with lines, to show beside an overlay entry that no longer fits
/// (often a sign of a damaged document).
fn read_inputs(api: &str, snapshot_text: &str, overlay_text: &str) -> Result<(Overlay, Draft, Vec<String>), Error> {
    let overlay_file = format!("specs/{api}/overlay.yaml");
    let snapshot_file = format!("specs/{api}/snapshot.txt");
    let overlay =
        Overlay::parse(overlay_text, &overlay_file).map_err(|source| Error::Overlay { source, damage: Vec::new() })?;
    overlay.check_name(api).map_err(|source| Error::Overlay { source, damage: Vec::new() })?;
    let Some(reader) = readers::reader(&overlay.reader) else {
        let source = overlay.unknown_reader(readers::STYLES);
        return Err(Error::Overlay { source, damage: Vec::new() });
    };
    let mut draft = reader(snapshot_text, api, &snapshot_file)
        .map_err(|source| Error::Read { file: snapshot_file.clone(), source })?;
    let damage: Vec<String> = draft
        .gaps
        .iter()
        .filter(|g| matches!(g.kind, GapKind::InvalidJsonExample | GapKind::UnrecognizedLine | GapKind::MissingExample))
        .map(|g| format!("  {snapshot_file}:{}: {}: {}", g.source.line().unwrap_or(0), g.kind, g.message))
        .collect();
    overlay
        .anchor_stated_lines(&mut draft.anchors, snapshot_text)
        .map_err(|source| Error::Overlay { source, damage: damage.clone() })?;
    Ok((overlay, draft, damage))
}

/// The anchors of a snapshot of `api` (read with the reader its overlay names): where
/// the places its spec names are, for a human (`cargo xtask locate`, `cargo xtask diff`).
pub fn anchor_map(api: &str, snapshot_text: &str, overlay_text: &str) -> Result<AnchorMap, Error> {
    read_inputs(api, snapshot_text, overlay_text).map(|(_, draft, _)| draft.anchors.finish())
}

/// The page's reading with the overlay's API facts, names and routes, reconciled with the
/// definition behind the page when there is one: the first half of [`build_spec`].
pub struct Witnessed {
    /// The overlay.
    pub overlay: Overlay,
    /// The page's draft, reconciled (with the definition's gaps that concern it).
    pub draft: Draft,
    /// The definition, read.
    pub definition: Option<Definition>,
    /// What the reconciliation found.
    pub report: Option<Report>,
    /// What the snapshot's reader could not read, one line each: shown with an overlay
    /// error (an entry that no longer fits often means a damaged document).
    damage: Vec<String>,
    /// The snapshot's anchors, complete before reconciliation (lines become anchors once
    /// the spec is normalized).
    pub anchors: AnchorMap,
}

/// Reads the page and the definition of `api` and reconciles them (see [`build_spec`]).
pub fn witness(api: &str, inputs: &Inputs) -> Result<Witnessed, Error> {
    let (overlay, mut draft, damage) = read_inputs(api, inputs.snapshot, inputs.overlay)?;
    let overlay_error = |source| Error::Overlay { source, damage: damage.clone() };
    overlay.check_quotes(inputs.snapshot).map_err(overlay_error)?;
    overlay.apply_api(&mut draft.api).map_err(overlay_error)?;
    overlay.apply_names(&mut draft).map_err(overlay_error)?;
    overlay.apply_routes(&mut draft, inputs.snapshot).map_err(overlay_error)?;
    let anchors = draft.anchors.finish();

    // The second witness, read before anything is written: a broken definition stops the run.
    let definition = match inputs.definition {
        Some((file, text)) => Some(readers::definition::read_definition(text, api, file)?),
        None => None,
    };
    let (draft, report) = match &definition {
        Some(definition) => {
            let settlements = overlay.settlements().map_err(overlay_error)?;
            let reconciled = reconcile(draft, &definition.draft, &settlements, &overlay.opt_ins());
            overlay.check_witness_entries(Some(&reconciled.report)).map_err(overlay_error)?;
            overlay.check_routes(&reconciled.draft, &reconciled.report).map_err(overlay_error)?;
            let mut draft = reconciled.draft;
            draft.gaps.extend(definition.gaps_of(&reconciled.report.used_definition_operations()));
            (draft, Some(reconciled.report))
        }
        None => {
            overlay.check_witness_entries(None).map_err(overlay_error)?;
            (draft, None)
        }
    };
    Ok(Witnessed { overlay, draft, definition, report, damage, anchors })
}

/// Builds the spec of `api` from its inputs:
///
/// ```text
/// snapshot ─reader─▶ draft ─overlay: API facts, names, routes─┐
///                                                             ├─▶ reconcile ─▶ normalize ─▶ overlay: lists, types, bodies ─▶ naming ─▶ validate
/// definition ─definition reader─▶ draft ─(settlements, opt-ins)┘
/// ```
///
/// Without a definition the reconciliation is simply absent.
pub fn build_spec(api: &str, inputs: &Inputs) -> Result<Spec, Error> {
    build_anchored(api, inputs).map(|(spec, _)| spec)
}

/// [`build_spec`], with the snapshot's anchors (to give a human the lines of the spec's places).
pub fn build_anchored(api: &str, inputs: &Inputs) -> Result<(Spec, AnchorMap), Error> {
    build_checked(api, inputs).map(|(spec, anchors)| (spec.into_spec(), anchors))
}

/// [`build_anchored`], the spec's names checked by its validation.
fn build_checked(api: &str, inputs: &Inputs) -> Result<(NamesChecked, AnchorMap), Error> {
    let Witnessed { overlay, mut draft, report, damage, anchors, .. } = witness(api, inputs)?;
    let overlay_error = |source| Error::Overlay { source, damage: damage.clone() };
    let route_gaps = crate::overlay::locate_parameters(&mut draft);
    draft.gaps.extend(route_gaps);

    let rust_names = overlay.rust_names(&draft).map_err(overlay_error)?;
    let options = Options { choice_splits: &overlay.choices, resources: &overlay.resources };
    let normalized = normalize(draft, &options);
    let mut spec = normalized.spec;
    overlay.apply_lists(&mut spec).map_err(overlay_error)?;
    spec.gaps.sort_by_key(gap_order);
    overlay.apply_types(&mut spec).map_err(overlay_error)?;
    overlay.apply_parameter_types(&mut spec).map_err(overlay_error)?;
    overlay.apply_bodies(&mut spec).map_err(overlay_error)?;
    let names = OverlayNames { types: &overlay.type_names, operations: &rust_names };
    let used_type_names = normalized.naming.finish(&mut spec, &names);
    overlay.check_used(&spec, &normalized.used_choice_splits, &used_type_names).map_err(overlay_error)?;
    if let Some(report) = &report {
        let ids: Vec<String> = spec.operations.iter().map(|o| o.id.clone()).collect();
        spec.reconciliation = Some(report.for_spec(&ids));
    }
    // Everything is in document order now: lines become anchors, in one pass.
    anchors.anchor_spec(&mut spec).map_err(|problems| Error::Invalid { api: api.to_string(), problems })?;
    let spec = validated(spec).map_err(|problems| Error::Invalid { api: api.to_string(), problems })?;
    Ok((spec, anchors))
}

/// Gaps in document order: those at a snapshot line by line, then those in the
/// definition (in the reader's order), then those of overlay entries.
fn gap_order(gap: &Gap) -> (u8, u32) {
    match &gap.source {
        Source::Doc(line) => (0, *line),
        // None yet: lines become anchors after the gaps are sorted.
        Source::Anchor(_) => (0, 0),
        Source::Def(_) => (1, 0),
        Source::Overlay(_) => (2, 0),
    }
}

/// The definition behind an API's page, when it has one: `specs/<api>/definition.yaml`
/// (or `.json`), relative to `root`.
pub fn definition_file(root: &Path, api: &str) -> Option<String> {
    ["definition.yaml", "definition.json"]
        .into_iter()
        .map(|name| format!("specs/{api}/{name}"))
        .find(|file| root.join(file).is_file())
}

/// The inputs of `api` under `root`: the snapshot, the overlay, and the definition with
/// its file, when there is one.
struct InputFiles {
    snapshot: String,
    overlay: String,
    definition: Option<(String, String)>,
}

impl InputFiles {
    fn read(root: &Path, api: &str) -> Result<InputFiles, Error> {
        let definition = match definition_file(root, api) {
            Some(file) => Some((file.clone(), read(&root.join(&file))?)),
            None => None,
        };
        Ok(InputFiles {
            snapshot: read(&root.join(format!("specs/{api}/snapshot.txt")))?,
            overlay: read(&root.join(format!("specs/{api}/overlay.yaml")))?,
            definition,
        })
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            snapshot: &self.snapshot,
            overlay: &self.overlay,
            definition: self.definition.as_ref().map(|(file, text)| (file.as_str(), text.as_str())),
        }
    }
}

/// The reconciliation of `api`'s committed inputs under `root` (see [`witness`]).
pub fn witnessed(root: &Path, api: &str) -> Result<Witnessed, Error> {
    witness(api, &InputFiles::read(root, api)?.inputs())
}

/// Builds every file of `api` from the inputs under `root`.
pub fn build(root: &Path, api: &str) -> Result<Built, Error> {
    let (spec, anchors) = build_checked(api, &InputFiles::read(root, api)?.inputs())?;
    let files = files_of(&spec, |config| codegen::generate_checked(&spec, config))?;
    Ok(Built { spec: spec.into_spec(), files, anchors })
}

/// The spec file and the generated files of a spec.
pub fn generate_files(spec: &Spec) -> Result<Vec<GeneratedFile>, Error> {
    files_of(spec, |config| codegen::generate(spec, config))
}

/// The spec file and the files `generate` gives for `spec`.
fn files_of(
    spec: &Spec,
    generate: impl FnOnce(&codegen::Config) -> Result<Vec<GeneratedFile>, codegen::EmitError>,
) -> Result<Vec<GeneratedFile>, Error> {
    if format!("generated/{}", spec.api.name) == codegen::RUNTIME_DIR {
        return Err(Error::Invalid {
            api: spec.api.name.clone(),
            problems: vec![format!(
                "its crate would be written over the runtime crate, `{}`: name the API otherwise",
                codegen::RUNTIME_DIR
            )],
        });
    }
    let path = spec_path(&spec.api.name);
    let config = codegen::Config { command: COMMAND.into(), spec_path: path.clone() };
    let mut files = generate(&config)?;
    files.push(GeneratedFile { path, contents: spec_text(spec)? });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The spec as committed YAML text.
pub fn spec_text(spec: &Spec) -> Result<String, Error> {
    let file = SpecFileOut { coverage: crate::report::coverage(spec), spec };
    let body = yaml::to_string(&file).map_err(|source| Error::SpecFile { label: spec_path(&spec.api.name), source })?;
    let definition = spec.api.definition.as_deref().map(|file| format!(", reconciled with {file}")).unwrap_or_default();
    Ok(format!(
        "# @generated by `{COMMAND}` from specs/{api}/snapshot.txt and specs/{api}/overlay.yaml{definition}.\n# The normalized spec of {title}; its format is described in specs/README.md.\n{body}",
        api = spec.api.name,
        title = spec.api.title
    ))
}

/// Reads a committed spec file.
pub fn read_spec(path: &Path) -> Result<Spec, Error> {
    let text = read(path)?;
    parse_spec(&text, &path.display().to_string())
}

/// Parses spec text; errors name `label` (the file or git object it comes from).
pub fn parse_spec(text: &str, label: &str) -> Result<Spec, Error> {
    let file: SpecFileIn =
        yaml::from_str(text).map_err(|source| Error::SpecFile { label: label.to_string(), source })?;
    Ok(Spec {
        api: file.api,
        operations: file.operations,
        types: file.types,
        gaps: file.gaps,
        reconciliation: file.reconciliation,
    })
}

/// A spec file: the spec, after its coverage figures (derived from the spec, so they
/// show in its diff).
#[derive(serde::Serialize)]
struct SpecFileOut<'a> {
    coverage: crate::report::Coverage,
    #[serde(flatten)]
    spec: &'a Spec,
}

/// A spec file as read: the coverage figures are derived data and are skipped (files
/// written before they existed have none). The other keys are [`Spec`]'s.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFileIn {
    #[serde(default)]
    #[allow(dead_code)]
    coverage: Option<serde::de::IgnoredAny>,
    api: codegen::spec::Api,
    operations: Vec<codegen::spec::Operation>,
    types: Vec<codegen::spec::TypeDef>,
    #[serde(default)]
    gaps: Vec<Gap>,
    #[serde(default)]
    reconciliation: Option<codegen::spec::Reconciliation>,
}

/// Gaps of `new` that `old` does not have (compared by kind and message, not line).
pub fn new_gaps<'a>(old: &Spec, new: &'a Spec) -> Vec<&'a Gap> {
    let known: BTreeSet<(GapKind, &str)> = old.gaps.iter().map(|g| (g.kind, g.message.as_str())).collect();
    new.gaps.iter().filter(|g| !known.contains(&(g.kind, g.message.as_str()))).collect()
}

/// Folders whose every file the generator owns, for `api`.
fn owned_dirs(api: &str) -> Vec<String> {
    vec![format!("generated/{api}"), format!("tests/fixtures/{api}")]
}

/// The runtime crate every client uses (`generated/runtime/`): the same files whatever
/// the APIs, emitted once.
pub fn runtime_files() -> Vec<GeneratedFile> {
    codegen::runtime_crate(COMMAND)
}

/// [`stale_files`] of the runtime crate.
pub fn stale_runtime(root: &Path) -> Vec<String> {
    stale_in(root, &[codegen::RUNTIME_DIR.to_string()], &runtime_files())
}

/// Writes the runtime crate's files that changed, like [`write_files`].
pub fn write_runtime(root: &Path) -> Result<Vec<String>, Error> {
    write_in(root, &[codegen::RUNTIME_DIR.to_string()], &runtime_files())
}

/// Files on disk the generator owns but would not produce, and produced files that
/// differ from (or are missing on) disk.
pub fn stale_files(root: &Path, api: &str, files: &[GeneratedFile]) -> Vec<String> {
    stale_in(root, &owned_dirs(api), files)
}

/// [`stale_files`] of the files the generator owns in `dirs`.
fn stale_in(root: &Path, dirs: &[String], files: &[GeneratedFile]) -> Vec<String> {
    let mut stale = Vec::new();
    let produced: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for f in files {
        match fs::read_to_string(root.join(&f.path)) {
            Ok(on_disk) if on_disk == f.contents => {}
            Ok(_) => stale.push(format!("{} (differs)", f.path)),
            Err(_) => stale.push(format!("{} (missing)", f.path)),
        }
    }
    for dir in dirs {
        for path in walk(&root.join(dir)) {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if !produced.contains(rel.as_str()) && !rel.contains("/target/") {
                stale.push(format!("{rel} (not produced by the generator)"));
            }
        }
    }
    stale
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return out };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Writes the files that changed (each to a temporary file, then renamed over the old
/// one) and removes owned files the generator no longer produces. Returns the paths
/// written or removed.
pub fn write_files(root: &Path, api: &str, files: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    write_in(root, &owned_dirs(api), files)
}

/// [`write_files`] of the files the generator owns in `dirs`.
fn write_in(root: &Path, dirs: &[String], files: &[GeneratedFile]) -> Result<Vec<String>, Error> {
    // Files are independent: compare and write them on every core.
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<Result<Vec<String>, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut changed = Vec::new();
                    for f in part {
                        let path = root.join(&f.path);
                        if fs::read(&path).ok().as_deref() == Some(f.contents.as_bytes()) {
                            continue;
                        }
                        write_atomically(&path, &f.contents)?;
                        changed.push(f.path.clone());
                    }
                    Ok(changed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| Err(Error::io(root, std::io::Error::other("a writer thread panicked"))))
            })
            .collect()
    });
    let mut changed = Vec::new();
    for result in results {
        changed.extend(result?);
    }
    let produced: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for dir in dirs {
        for path in walk(&root.join(dir)) {
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if !produced.contains(rel.as_str()) && !rel.contains("/target/") {
                fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
                changed.push(format!("{rel} (removed)"));
            }
        }
    }
    Ok(changed)
}

/// Writes `contents` to a temporary file beside `path`, then renames it over `path`, so
/// that `path` holds either the old or the new contents, never a part.
pub fn write_atomically(path: &Path, contents: impl AsRef<[u8]>) -> Result<(), Error> {
    let dir = path.parent().ok_or_else(|| Error::io(path, std::io::Error::other("no parent folder")))?;
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    fs::write(&tmp, contents).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// What a regenerate run did for one API.
pub struct Outcome {
    /// The coverage line.
    pub summary: String,
    /// The overlay entries the definition makes redundant, one line each.
    pub removable: Vec<String>,
    /// Paths written or removed.
    pub changed: Vec<String>,
}

/// Regenerates `apis` under `root`. Nothing is written unless every API builds and, when
/// `accept_gaps` is false, no API finds gaps its committed spec does not list.
pub fn regenerate(root: &Path, apis: &[String], accept_gaps: bool) -> Result<Vec<Outcome>, Error> {
    let mut built = Vec::new();
    for api in apis {
        built.push(build(root, api)?);
    }
    for b in &built {
        let api = &b.spec.api.name;
        let path = spec_path(api);
        let committed = root.join(&path);
        if committed.exists() && !accept_gaps {
            let text = read(&committed)?;
            // The committed spec is the one this run writes: it has the same gaps.
            if b.files.iter().any(|f| f.path == path && f.contents == text) {
                continue;
            }
            let old = parse_spec(&text, &committed.display().to_string())?;
            let fresh = new_gaps(&old, &b.spec);
            if !fresh.is_empty() {
                let at = |g: &Gap| match b.anchors.line_of(&g.source) {
                    Some(line) => format!("{} (line {line})", g.source),
                    None => g.source.to_string(),
                };
                let list: Vec<String> =
                    fresh.iter().map(|g| format!("  {} {}: {}", at(g), g.kind, g.message)).collect();
                return Err(Error::NewGaps { api: api.clone(), spec_file: spec_path(api), gaps: list });
            }
        }
    }
    let mut outcomes = Vec::new();
    for b in &built {
        let changed = write_files(root, &b.spec.api.name, &b.files)?;
        outcomes.push(Outcome {
            summary: crate::report::summary(&b.spec),
            removable: crate::report::removable(&b.spec),
            changed,
        });
    }
    Ok(outcomes)
}
