//! `cargo xtask`: regenerate the normalized specs and client crates from the
//! documentation snapshots, or check that the committed files are up to date.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::pipeline;
use xtask::report;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Turns vendor API documentation into typed Rust clients")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate specs/<api>.yaml, generated/<api>/ and the fixtures from
    /// specs/<api>/snapshot.txt and specs/<api>/overlay.yaml (every API when none is named).
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
    /// differ from what the inputs produce (or when two runs differ).
    Check {
        /// Also fail when an operation has no known method and path.
        #[arg(long)]
        strict: bool,
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
    let known = pipeline::api_names(root).map_err(|e| e.0)?;
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
            report::require_resolved(&pipeline::build(root, api).map_err(|e| e.0)?.spec)?;
        }
    }
    for outcome in pipeline::regenerate(root, &apis, accept_gaps).map_err(|e| e.0)? {
        println!("{}", outcome.summary);
        for path in &outcome.changed {
            println!("  wrote {path}");
        }
    }
    Ok(())
}

fn check(root: &Path, strict: bool) -> Result<(), String> {
    let mut stale = Vec::new();
    let mut unresolved = Vec::new();
    for api in pipeline::api_names(root).map_err(|e| e.0)? {
        let first = pipeline::build(root, &api).map_err(|e| e.0)?;
        let second = pipeline::build(root, &api).map_err(|e| e.0)?;
        if first.files != second.files {
            return Err(format!(
                "{api}: two runs on the same inputs gave different files: the generator is not deterministic"
            ));
        }
        println!("{}", report::summary(&first.spec));
        stale.extend(pipeline::stale_files(root, &api, &first.files));
        if strict {
            unresolved.extend(report::require_resolved(&first.spec).err());
        }
    }
    if !unresolved.is_empty() {
        return Err(unresolved.join("\n"));
    }
    if stale.is_empty() {
        println!("all generated files are up to date");
        Ok(())
    } else {
        Err(format!("stale generated files (regenerate with `cargo xtask codegen`):\n  {}", stale.join("\n  ")))
    }
}
