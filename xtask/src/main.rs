//! `cargo xtask`: regenerate the normalized specs and client crates from the
//! documentation snapshots, or check that the committed files are up to date.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::diff;
use xtask::pipeline;
use xtask::report;

/// A regenerate is mostly small allocations (tokens, syn trees, YAML events): mimalloc
/// makes them cheaper than the system allocator (README, "Dependencies and why").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Turns vendor API documentation into typed Rust clients")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate specs/<api>.yaml, generated/<api>/ and the fixtures from
    /// specs/<api>/snapshot.txt and specs/<api>/overlay.yaml (every API when none is named),
    /// and the runtime crate the clients share, generated/runtime/.
    Codegen {
        /// APIs to regenerate (folder names under specs/); all when empty.
        apis: Vec<String>,
        /// Write even when the run finds gaps the committed spec does not list.
        #[arg(long)]
        accept_gaps: bool,
        /// Refuse (write nothing) when an operation has no known method and path.
        #[arg(long)]
        strict: bool,
    },
    /// Exit non-zero, naming the stale files, when the committed specs or generated code
    /// differ from what the inputs produce (or when two runs differ); a committed spec
    /// that does not parse or validate is reported with its line and reason.
    Check {
        /// Also fail when an operation has no known method and path.
        #[arg(long)]
        strict: bool,
    },
    /// Print a change report (Markdown) between two versions of the normalized specs;
    /// exit 1 when a change breaks code using the generated client, 2 on error.
    Diff {
        /// APIs to compare; all when empty (with --old FILE: the API of that file).
        apis: Vec<String>,
        /// Old spec file (default: the committed specs/<api>.yaml).
        #[arg(long, conflicts_with = "rev")]
        old: Option<PathBuf>,
        /// Read the old spec as specs/<api>.yaml at this git revision.
        #[arg(long)]
        rev: Option<String>,
        /// New spec file (default: what the current snapshot and overlay produce).
        #[arg(long)]
        new: Option<PathBuf>,
    },
    /// Download an API's documentation pages (the overlay's `pages`) and store the pages,
    /// their text and the definition they carry under specs/<api>/, with provenance.yaml.
    /// Exit 1 with --check when what the project reads from them changed, 2 on error.
    Fetch {
        /// The API (folder name under specs/).
        api: String,
        /// Read this URL or file instead of the overlay's pages (repeat for several).
        #[arg(long)]
        from: Vec<String>,
        /// Compare with the committed inputs and write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Print where `doc:` sources are in an API's snapshot (`specs/<api>/snapshot.txt:LINE:`,
    /// the source anchored, the line's text); every anchor with its line when none is
    /// given. Exit 1 when a source names no place of the snapshot.
    Locate {
        /// The API (folder name under specs/).
        api: String,
        /// Sources as the spec writes them: `doc:retrieve-all-events/parameters/order`,
        /// `doc:retrieve-all-events+3`, or a line of a spec written before anchors (`doc:390`).
        sources: Vec<String>,
    },
    /// Write the OpenAPI 3.1 document of an API's committed spec (specs/<api>.yaml), or
    /// with `--openapi 3.0` the same in OpenAPI 3.0 (for progenitor and other generators
    /// that read no 3.1).
    Openapi {
        /// The API (folder name under specs/).
        api: String,
        /// Output file; `.yaml`/`.yml` gives YAML, anything else JSON. Standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write YAML (the default for standard output is JSON).
        #[arg(long)]
        yaml: bool,
        /// The OpenAPI version to write.
        #[arg(long = "openapi", default_value = "3.1", value_parser = ["3.0", "3.1"])]
        version: String,
    },
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository root").to_path_buf()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = root();
    let result = match cli.command {
        Command::Codegen { apis, accept_gaps, strict } => codegen(&root, apis, accept_gaps, strict),
        Command::Check { strict } => check(&root, strict),
        Command::Diff { apis, old, rev, new } => return diff(&root, apis, old, rev, new),
        Command::Openapi { api, output, yaml, version } => openapi(&root, api, output, yaml, &version),
        Command::Fetch { api, from, check } => return fetch(&root, api, from, check),
        Command::Locate { api, sources } => locate(&root, api, sources),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn selected(root: &Path, apis: Vec<String>) -> Result<Vec<String>, String> {
    let known = pipeline::api_names(root).map_err(|e| e.to_string())?;
    if apis.is_empty() {
        return Ok(known);
    }
    for api in &apis {
        if !known.contains(api) {
            return Err(format!("unknown API `{api}` (known: {})", known.join(", ")));
        }
    }
    Ok(apis)
}

fn codegen(root: &Path, apis: Vec<String>, accept_gaps: bool, strict: bool) -> Result<(), String> {
    let apis = selected(root, apis)?;
    if strict {
        // Checked before anything is written.
        for api in &apis {
            report::require_resolved(&pipeline::build(root, api).map_err(|e| e.to_string())?.spec)?;
        }
    }
    for outcome in pipeline::regenerate(root, &apis, accept_gaps).map_err(|e| e.to_string())? {
        out(&format!("{}\n", outcome.summary));
        for line in &outcome.removable {
            out(&format!("{line}\n"));
        }
        for path in &outcome.changed {
            out(&format!("  wrote {path}\n"));
        }
    }
    for path in pipeline::write_runtime(root).map_err(|e| e.to_string())? {
        out(&format!("  wrote {path}\n"));
    }
    Ok(())
}

fn check(root: &Path, strict: bool) -> Result<(), String> {
    let mut stale = Vec::new();
    let mut unresolved = Vec::new();
    let mut changed_inputs = Vec::new();
    let mut broken = Vec::new();
    for api in pipeline::api_names(root).map_err(|e| e.to_string())? {
        let committed = pipeline::spec_path(&api);
        if root.join(&committed).exists() {
            broken.extend(xtask::committed::read_valid(root, &committed).err().map(|e| e.to_string()));
        }
        let first = pipeline::build(root, &api).map_err(|e| e.to_string())?;
        let second = pipeline::build(root, &api).map_err(|e| e.to_string())?;
        if first.files != second.files {
            return Err(format!(
                "{api}: two runs on the same inputs gave different files: the generator is not deterministic"
            ));
        }
        out(&format!("{}\n", report::summary(&first.spec)));
        for line in report::removable(&first.spec) {
            out(&format!("{line}\n"));
        }
        stale.extend(pipeline::stale_files(root, &api, &first.files));
        if let Err(problems) = xtask::provenance::check(root, &api) {
            changed_inputs.extend(problems.iter().map(ToString::to_string));
        }
        if strict {
            unresolved.extend(report::require_resolved(&first.spec).err());
        }
    }
    stale.extend(pipeline::stale_runtime(root));
    if !unresolved.is_empty() {
        return Err(unresolved.join("\n"));
    }
    let mut problems = broken;
    if !changed_inputs.is_empty() {
        problems.push(format!("inputs that no longer match their provenance:\n  {}", changed_inputs.join("\n  ")));
    }
    if !stale.is_empty() {
        problems.push(format!(
            "stale generated files (regenerate with `cargo xtask codegen`):\n  {}",
            stale.join("\n  ")
        ));
    }
    if problems.is_empty() {
        out("all generated files are up to date\n");
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

fn diff(root: &Path, apis: Vec<String>, old: Option<PathBuf>, rev: Option<String>, new: Option<PathBuf>) -> ExitCode {
    let result = (|| {
        let apis = match old.as_deref().or(new.as_deref()) {
            // A spec file names its API.
            Some(file) if apis.is_empty() => vec![pipeline::read_spec(file).map_err(|e| e.to_string())?.api.name],
            _ => selected(root, apis)?,
        };
        let old_side = match (old, rev) {
            (Some(file), _) => diff::OldSide::File(file),
            (None, Some(rev)) => diff::OldSide::Rev(rev),
            (None, None) => diff::OldSide::Committed,
        };
        diff::run(root, &apis, &old_side, new.as_deref()).map_err(|e| e.to_string())
    })();
    match result {
        Ok((report, breaking)) => {
            out(&report);
            if breaking {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn fetch(root: &Path, api: String, from: Vec<String>, check: bool) -> ExitCode {
    let result = selected(root, vec![api]).and_then(|mut apis| {
        let options = xtask::fetch::Options { from, check, ..Default::default() };
        xtask::fetch::run(root, &apis.remove(0), &options).map_err(|e| e.to_string())
    });
    match result {
        Ok(outcome) => {
            for line in outcome.lines {
                out(&format!("{line}\n"));
            }
            for path in &outcome.written {
                out(&format!("  wrote {path}\n"));
            }
            if check && outcome.codegen_input_changed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn locate(root: &Path, api: String, sources: Vec<String>) -> Result<(), String> {
    use codegen::spec::Source;
    let api = selected(root, vec![api])?.remove(0);
    let file = format!("specs/{api}/snapshot.txt");
    let read = |path: &str| std::fs::read_to_string(root.join(path)).map_err(|e| format!("{path}: {e}"));
    let snapshot = read(&file)?;
    let document = pipeline::anchor_map(&api, &snapshot, &read(&format!("specs/{api}/overlay.yaml"))?)
        .map_err(|e| e.to_string())?;
    let text_of = |line: u32| snapshot.lines().nth(line as usize - 1).unwrap_or("").trim();
    if sources.is_empty() {
        for (line, name) in document.anchors() {
            out(&format!("{file}:{line}: doc:{name}: {}\n", text_of(line)));
        }
        return Ok(());
    }
    let mut unknown = Vec::new();
    for text in &sources {
        let source: Source = text.parse().map_err(|e: String| e)?;
        match document.line_of(&source) {
            Some(line) => {
                let anchored = document.place(line).map(Source::Anchor).unwrap_or(source);
                out(&format!("{file}:{line}: {anchored}: {}\n", text_of(line)));
            }
            None => unknown.push(format!("{text}: no such place in {file}")),
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(unknown.join("\n"))
    }
}

fn openapi(root: &Path, api: String, output: Option<PathBuf>, yaml: bool, version: &str) -> Result<(), String> {
    let api = selected(root, vec![api])?.remove(0);
    let yaml = yaml || output.as_ref().and_then(|p| p.extension()).is_some_and(|e| e == "yaml" || e == "yml");
    let version = if version == "3.0" { xtask::openapi::Version::V3_0 } else { xtask::openapi::Version::V3_1 };
    let text = xtask::committed::openapi_text_in(root, &api, yaml, version).map_err(|e| e.to_string())?;
    match output {
        Some(path) => {
            pipeline::write_atomically(&path, &text).map_err(|e| e.to_string())?;
            eprintln!("wrote {}", path.display());
        }
        None => out(&text),
    }
    Ok(())
}

/// Writes to standard output. A reader that went away (`| head`) is not an error: the
/// files are written already and the text is only a report.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
