//! The coverage figures: what they count matches what the generator produces, and the
//! spec file carries them at its top (derived data, ignored when read back).

use std::path::{Path, PathBuf};

use xtask::pipeline;
use xtask::report::{coverage, summary};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

#[test]
fn the_figures_count_what_the_generator_produces() {
    let root = repo_root();
    for api in pipeline::api_names(&root).unwrap() {
        let built = pipeline::build(&root, &api).unwrap();
        let c = coverage(&built.spec);
        let fixtures = built
            .files
            .iter()
            .filter(|f| f.path.starts_with(&format!("tests/fixtures/{api}/")) && f.path.ends_with(".json"))
            .count();
        assert_eq!(c.fixtures, fixtures, "{api}: one fixture file per valid example");
        let resources = built
            .files
            .iter()
            .filter(|f| f.path.starts_with(&format!("generated/{api}/src/models/")) && !f.path.ends_with("/mod.rs"))
            .count();
        assert_eq!(c.types, resources, "{api}: one model file per type");
        let methods: usize = built
            .files
            .iter()
            .filter(|f| f.path.starts_with(&format!("generated/{api}/src/resources/")))
            .map(|f| f.contents.matches("#[must_use = \"a request does nothing until it is sent\"]").count())
            .sum();
        assert_eq!(c.methods, methods, "{api}: one method (and request builder) per resolved endpoint and name");
        assert!(c.methods <= c.resolved);
        let streams: usize = built
            .files
            .iter()
            .filter(|f| f.path.starts_with(&format!("generated/{api}/src/resources/")))
            .map(|f| f.contents.matches("pub fn stream(").count())
            .sum();
        let lists = built
            .spec
            .operations
            .iter()
            .filter(|o| o.is_resolved() && o.pagination.is_some())
            .map(|o| (&o.resource, &o.rust_name))
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        assert_eq!(lists, streams, "{api}: a `.stream()` on each list method's builder");
        assert_eq!(c.gaps_by_kind.values().sum::<usize>(), c.gaps);
        assert!(
            summary(&built.spec).starts_with(&format!("{api}: {} operations, {} resolved", c.operations, c.resolved))
        );
    }
}

#[test]
fn the_spec_file_starts_with_its_coverage_and_reads_back_without_it() {
    let root = repo_root();
    let spec = pipeline::read_spec(&root.join("specs/wealthbox.yaml")).unwrap();
    let text = pipeline::spec_text(&spec).unwrap();
    let c = coverage(&spec);
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(body[0], "coverage:");
    assert_eq!(body[1], format!("  operations: {}", c.operations));
    let api_at = body.iter().position(|l| *l == "api:").unwrap();
    assert!(body[..api_at].contains(&format!("  gaps: {}", c.gaps).as_str()));

    // A spec written before the block existed reads the same.
    let without: String = text.lines().filter(|l| !l.starts_with('#')).skip(api_at).map(|l| format!("{l}\n")).collect();
    assert!(without.starts_with("api:"));
    assert_eq!(pipeline::parse_spec(&without, "old.yaml").unwrap(), spec);

    // Any other unknown key is still refused, naming the file.
    let err = pipeline::parse_spec(&format!("extra: 1\n{without}"), "odd.yaml").unwrap_err().to_string();
    assert!(err.contains("odd.yaml") && err.contains("extra"), "{}", err);
}

#[test]
fn every_type_and_field_names_a_real_line() {
    let root = repo_root();
    for api in pipeline::api_names(&root).unwrap() {
        let spec = pipeline::build(&root, &api).unwrap().spec;
        let lines = std::fs::read_to_string(root.join(format!("specs/{api}/snapshot.txt"))).unwrap().lines().count();
        let real = |s: &codegen::spec::Source| s.line().is_none_or(|l| l >= 1 && l as usize <= lines);
        for t in &spec.types {
            assert!(t.sources.iter().all(real), "{api} {}: {:?}", t.name, t.sources);
            if let codegen::spec::TypeKind::Object { fields } = &t.kind {
                for f in fields {
                    assert!(real(&f.source), "{api} {}.{}: {}", t.name, f.name, f.source);
                }
            }
        }
    }
}

#[test]
fn the_format_documents_every_gap_kind() {
    let format = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/README.md")).unwrap();
    for kind in codegen::spec::GapKind::ALL {
        assert!(format.contains(&format!("`{kind}`")), "specs/README.md does not list the gap kind `{kind}`");
    }
}
