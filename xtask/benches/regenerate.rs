//! A full regenerate of one API: read the snapshot and overlay, parse, normalize,
//! validate, emit and format every file, and write them (to a scratch folder, so each
//! iteration writes every file). Run with `cargo bench -p xtask`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
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
        c.bench_function(&format!("{api}: full regenerate, writing every file"), |b| {
            b.iter(|| {
                let _ = std::fs::remove_dir_all(&scratch);
                let built = pipeline::build(&root, &api).unwrap();
                pipeline::write_files(&scratch, &api, &built.files).unwrap()
            })
        });
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

criterion_group!(benches, regenerate);
criterion_main!(benches);
