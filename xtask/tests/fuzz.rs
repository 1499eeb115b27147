//! The fuzz targets (`xtask::fuzz`, the same functions cargo-fuzz runs) on stable, for
//! CI: a fixed number of seeded mutations of the snapshots' parts per target, none of
//! which may panic; and every input a fuzzer once crashed on (`tests/fixtures/fuzz/`).
//!
//! `FUZZ_ITERATIONS=N` sets the mutations per target (default 300: about 16 s of CPU for
//! the four in a debug build), `FUZZ_SEED=S` the mutator's seed: longer local runs are
//! `FUZZ_ITERATIONS=20000 FUZZ_SEED=7 cargo test -p xtask --release --test fuzz`.

use std::path::{Path, PathBuf};

use xtask::fuzz::{seeds, Mutator, Target};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Seeds small enough for a debug build: the parts of every snapshot, and the whole of
/// ActiveCampaign's (the only one under 20 KB).
const MAX_SEED_BYTES: usize = 20_000;

fn mutate_and_run(target: Target) {
    let iterations = env_number("FUZZ_ITERATIONS", 300);
    let seed = env_number("FUZZ_SEED", 12);
    let inputs: Vec<Vec<u8>> = seeds(&repo_root())
        .unwrap()
        .into_iter()
        .filter(|s| s.target == target && s.data.len() <= MAX_SEED_BYTES)
        .map(|s| s.data)
        .collect();
    assert!(!inputs.is_empty(), "no seed for {}", target.name());
    let mut mutator = Mutator::new(seed ^ target.name().bytes().fold(0, |h, b| h * 31 + u64::from(b)));
    let header = target.header_len();
    for i in 0..iterations {
        let base = &inputs[mutator.below(inputs.len())];
        let input = [&base[..header], &mutator.mutate(&base[header..])].concat();
        if std::panic::catch_unwind(|| target.run(&input)).is_err() {
            let path = std::env::temp_dir().join(format!("fuzz-{}-seed{seed}-{i}", target.name()));
            std::fs::write(&path, &input).unwrap();
            panic!(
                "target {} panicked at mutation {i} (FUZZ_SEED={seed}); the input is {}: reproduce with `cargo +nightly fuzz run {} {}`",
                target.name(),
                path.display(),
                target.name(),
                path.display()
            );
        }
    }
}

#[test]
fn blueprint_reader_never_panics_on_mutated_snapshots() {
    mutate_and_run(Target::Blueprint);
}

#[test]
fn openapi_text_reader_never_panics_on_mutated_snapshots() {
    mutate_and_run(Target::OpenapiText);
}

#[test]
fn redoc_text_reader_never_panics_on_mutated_snapshots() {
    mutate_and_run(Target::RedocText);
}

#[test]
fn pipeline_never_panics_on_mutated_snapshots() {
    mutate_and_run(Target::Pipeline);
}

/// Every input a fuzzer crashed on, kept under `tests/fixtures/fuzz/<target>/`, runs clean.
#[test]
fn inputs_that_once_crashed_run_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut count = 0;
    for target in Target::ALL {
        let Ok(entries) = std::fs::read_dir(dir.join(target.name())) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            let result = std::panic::catch_unwind(|| target.run(&input));
            assert!(result.is_ok(), "{} panics again on {}", target.name(), path.display());
            count += 1;
        }
    }
    assert!(count > 0, "no input under {}", dir.display());
}
