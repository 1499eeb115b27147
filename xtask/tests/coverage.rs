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
fn every_source_names_a_place_of_the_snapshot() {
    use codegen::spec::Source;
    let root = repo_root();
    for api in pipeline::api_names(&root).unwrap() {
        let mut built = pipeline::build(&root, &api).unwrap();
        let lines = std::fs::read_to_string(root.join(format!("specs/{api}/snapshot.txt"))).unwrap().lines().count();
        let mut anchored = 0;
        for source in built.spec.sources_mut() {
            match source {
                Source::Doc(line) => panic!("{api}: doc:{line} is a line, not anchored"),
                Source::Anchor(_) => {
                    let line = built.anchors.line_of(source);
                    assert!(line.is_some_and(|l| l >= 1 && l as usize <= lines), "{api}: {source} resolves to no line");
                    anchored += 1;
                }
                Source::Def(_) | Source::Overlay(_) => {}
            }
        }
        assert!(anchored > 100, "{api}: {anchored} anchored sources");
        // Every line has a place, and the place leads back to it.
        for line in 1..=lines as u32 {
            let place = built.anchors.place(line).unwrap_or_else(|| panic!("{api}: line {line} has no place"));
            assert_eq!(built.anchors.line(&place), Some(line), "{api}: {place}");
        }
        // The committed spec names no line: the same words, with no `doc:` and a number.
        let text = std::fs::read_to_string(root.join(pipeline::spec_path(&api))).unwrap();
        let numbered = text.lines().find(|l| {
            l.split("doc:").skip(1).any(|rest| {
                rest.split(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .is_some_and(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
            })
        });
        assert_eq!(numbered, None, "{api}: a line number in the committed spec");
    }
}

#[test]
fn the_format_documents_every_gap_kind() {
    let format = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/README.md")).unwrap();
    for kind in codegen::spec::GapKind::ALL {
        assert!(format.contains(&format!("`{kind}`")), "specs/README.md does not list the gap kind `{kind}`");
    }
}
