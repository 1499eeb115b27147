//! Vendoring: copying two folders into another project, side by side, is all a user has to
//! do: the runtime crate (`generated/runtime`) and a client's (`generated/<api>`). Every
//! crate is copied out of this workspace into a fresh project (its own workspace, the
//! crates under `vendor/`), together with the compile-test programs of `ui/pass/` as that
//! project's binaries, and `cargo check --offline` must pass there, with the crates'
//! default features and warnings denied. A crate that reached outside its folder (a
//! `workspace = true` key, a path dependency other than a client's on `../runtime`, a file
//! included from elsewhere) fails here and not only for the user.
//!
//! The first run compiles the dependencies once into `target/tmp/vendoring-target`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const CRATES: [&str; 3] = ["wealthbox", "activecampaign", "nimble"];

/// The one line of a client's manifest that names another folder: the runtime beside it.
const RUNTIME_DEPENDENCY: &str = "crm-runtime = { path = \"../runtime\" }";

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn each_generated_crate_builds_when_copied_into_another_project() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let app = scratch.join("vendoring-app");
    if app.exists() {
        fs::remove_dir_all(&app).unwrap();
    }

    for name in std::iter::once("runtime").chain(CRATES) {
        copy_dir(&repo.join("generated").join(name), &app.join("vendor").join(name));
        let manifest = fs::read_to_string(app.join("vendor").join(name).join("Cargo.toml")).unwrap();
        let outside = manifest.replace(RUNTIME_DEPENDENCY, "");
        assert!(
            !outside.contains("workspace") && !outside.contains("path ="),
            "generated/{name}/Cargo.toml refers to something outside its folder:\n{manifest}"
        );
        assert_eq!(
            manifest.contains(RUNTIME_DEPENDENCY),
            name != "runtime",
            "generated/{name}/Cargo.toml: a client names the runtime beside it, the runtime nothing:\n{manifest}"
        );
    }
    let mut bins = String::new();
    for program in fs::read_dir(repo.join("tests/ui/pass")).unwrap() {
        let program = program.unwrap().path();
        let stem = program.file_stem().unwrap().to_str().unwrap().replace('_', "-");
        fs::create_dir_all(app.join("src/bin")).unwrap();
        fs::copy(&program, app.join("src/bin").join(program.file_name().unwrap())).unwrap();
        bins.push_str(&format!(
            "\n[[bin]]\nname = \"{stem}\"\npath = \"src/bin/{}\"\n",
            program.file_name().unwrap().to_str().unwrap()
        ));
    }
    let dependencies: String = CRATES.iter().map(|name| format!("{name} = {{ path = \"vendor/{name}\" }}\n")).collect();
    fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"vendoring-app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\nserde = \"1\"\nserde_json = \"1\"\n{dependencies}{bins}"
        ),
    )
    .unwrap();
    // The workspace's lock file pins the same versions, so the check runs offline.
    fs::copy(repo.join("Cargo.lock"), app.join("Cargo.lock")).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--bins", "--quiet"])
        .current_dir(&app)
        .env("CARGO_TARGET_DIR", scratch.join("vendoring-target"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the copied crates do not build in {}:\n{}",
        app.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}
