//! Writes the fuzzers' seed corpus, `fuzz/corpus/<target>/<api>-<part>`, from the
//! committed snapshots (`xtask::fuzz::seeds`), and their dictionary, `fuzz/hostile.dict`
//! (`xtask::fuzz::HOSTILE`). Run with `cargo run -p xtask --example fuzz_seeds`.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository root");
    let seeds = xtask::fuzz::seeds(root)?;
    for seed in &seeds {
        let dir = root.join("fuzz/corpus").join(seed.target.name());
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(&seed.name), &seed.data)?;
    }
    std::fs::write(root.join("fuzz/hostile.dict"), xtask::fuzz::dictionary())?;
    println!("wrote {} seed inputs under fuzz/corpus/, and fuzz/hostile.dict", seeds.len());
    Ok(())
}
