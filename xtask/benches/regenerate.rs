//! A full regenerate of one API: read the snapshot and overlay, parse, normalize,
//! validate, emit and format every file, compare with what is on disk and write what
//! changed (into a scratch copy of the outputs). Run with `cargo bench -p xtask`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use xtask::pipeline;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn regenerate(c: &mut Criterion) {
    let root = repo_root();
    let scratch = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
    for api in pipeline::api_names(&root).unwrap() {
        c.bench_function(&format!("{api}: parse + codegen + format (in memory)"), |b| {
            b.iter(|| pipeline::build(&root, &api).unwrap())
        });

        let _ = std::fs::remove_dir_all(&scratch);
        let files = pipeline::build(&root, &api).unwrap().files;
        pipeline::write_files(&scratch, &api, &files).unwrap();
        c.bench_function(&format!("{api}: full regenerate, nothing changed"), |b| {
            b.iter(|| {
                let built = pipeline::build(&root, &api).unwrap();
                assert!(pipeline::write_files(&scratch, &api, &built.files).unwrap().is_empty());
            })
        });
        c.bench_function(&format!("{api}: full regenerate, every file changed"), |b| {
            // Making every file on disk stale is setup, not timed.
            b.iter_batched(
                || {
                    for f in &files {
                        std::fs::write(scratch.join(&f.path), "stale").unwrap();
                    }
                },
                |()| {
                    let built = pipeline::build(&root, &api).unwrap();
                    pipeline::write_files(&scratch, &api, &built.files).unwrap()
                },
                BatchSize::PerIteration,
            )
        });
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

criterion_group!(benches, regenerate);
criterion_main!(benches);
