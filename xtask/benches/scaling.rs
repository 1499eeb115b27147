//! How the readers and the pipeline scale with the size of one operation: a Blueprint
//! example of N keys the attribute list does not document, a Blueprint attribute list of
//! N entries, a Redoc operation of N rows and a sample of N keys, at N = 1,000 and 4,000.
//! Linear code takes about 4 times longer at 4,000; these once took 30 to 100 times
//! longer (a key looked up in a list per key, a sample searched from its start per
//! field). Run with `cargo bench -p xtask --bench scaling` and compare the two sizes.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use xtask::fuzz::Target;

fn blueprint_undocumented_keys(n: usize) -> String {
    let keys: Vec<String> = (0..n).map(|i| format!("  \"k{i}\": {i}")).collect();
    format!(
        "Contacts\n\nGET\nRetrieve a contact\n/v1/contacts/{{id}}\n\nParameters\nid\ninteger, required\n\nResponse Attributes\nid\ninteger\n\nResponse  200\nBody\n{{\n{}\n}}\n",
        keys.join(",\n")
    )
}

fn blueprint_attributes(n: usize) -> String {
    let attributes: String = (0..n).map(|i| format!("k{i}\nstring\nThe k{i}.\n")).collect();
    let keys: Vec<String> = (0..n).map(|i| format!("  \"k{i}\": \"x\"")).collect();
    format!(
        "Contacts\n\nPOST\nCreate a contact\n/v1/contacts\n\nRequest Attributes\n{attributes}\nRequest\nBody\n{{\n{}\n}}\n",
        keys.join(",\n")
    )
}

fn redoc_rows(n: usize) -> String {
    let rows: Vec<String> = (0..n).map(|i| format!("| k{i} required | string |")).collect();
    let keys: Vec<String> = (0..n).map(|i| format!("\"k{i}\": \"string\"")).collect();
    let sample = format!("{{- {}}}", keys.join(", - "));
    format!("Create a widget\n{}\n{sample}\n{sample}\n", rows.join("\n"))
}

/// A document of one operation of size N.
type Make = fn(usize) -> String;

fn scaling(c: &mut Criterion) {
    let cases: [(&str, Target, Make); 3] = [
        ("blueprint undocumented keys", Target::Blueprint, blueprint_undocumented_keys),
        ("blueprint attributes", Target::Blueprint, blueprint_attributes),
        ("redoc rows and sample keys", Target::RedocText, redoc_rows),
    ];
    for (name, target, make) in cases {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for n in [1_000, 4_000] {
            let input = make(n);
            group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
                b.iter(|| target.run(input.as_bytes()))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scaling);
criterion_main!(benches);
