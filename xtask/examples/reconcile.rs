//! Runs the first half of the pipeline (the page's reading with the overlay's facts,
//! reconciled with the definition) on the committed inputs of every API that has a
//! definition (`specs/<api>/definition.yaml`) and prints what it finds, in more detail than
//! the spec records: the definition reader's gaps, the pairing of operations, every
//! conflict left open and every one settled, what the definition adds, how it types
//! numbers, and the overlay entries it makes redundant. Reads only; writes nothing.
//!
//! `cargo run -p xtask --example reconcile [API...]`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use xtask::draft::DraftType;
use xtask::pipeline::{self, Witnessed};
use xtask::reconcile::{Fact, Report};

fn main() -> Result<(), String> {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the repository").into();
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    for api in pipeline::api_names(&root).map_err(|e| e.to_string())? {
        if !wanted.is_empty() && !wanted.contains(&api) {
            continue;
        }
        let run = pipeline::witnessed(&root, &api).map_err(|e| e.to_string())?;
        match &run.report {
            Some(report) => print(&api, &run, report),
            None => println!("# {api}\n\nno definition: nothing to reconcile\n"),
        }
    }
    Ok(())
}

fn print(api: &str, run: &Witnessed, report: &Report) {
    let definition = &run.definition.as_ref().expect("a report comes from a definition").draft;
    println!("# {api}\n");
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for g in &definition.gaps {
        *kinds.entry(g.kind.as_str()).or_default() += 1;
    }
    println!("definition: {} operations; its reader's gaps: {kinds:?}", definition.operations.len());
    for g in &definition.gaps {
        println!("  {} {}: {}", g.source, g.kind, g.message);
    }
    println!();
    print!("{}", report.summary(api));
    println!("\nagreements by attribute: {:?}", by_attribute(&report.agreements));
    println!("taken by attribute: {:?}", by_attribute(&report.taken));

    for (fact, side, by) in &report.settled {
        println!("  settled ({side:?}, by {by}): {}", xtask::reconcile::conflict_message(fact));
    }
    let draft = &run.draft;
    let paired: Vec<usize> = report.matches.iter().map(|m| m.text).collect();
    let routes_taken = report.taken.iter().filter(|f| f.fact == "route").count();
    let typed = |shape: Option<&DraftType>| matches!(shape, Some(DraftType::Object(_)));
    let bodies = paired.iter().filter(|t| draft.operations[**t].request.is_some()).count();
    let typed_bodies =
        paired.iter().filter(|t| typed(draft.operations[**t].request.as_ref().and_then(|b| b.shape.as_ref()))).count();
    let successes: Vec<_> = paired
        .iter()
        .filter_map(|t| draft.operations[*t].responses.iter().find(|r| r.status.starts_with('2')))
        .collect();
    let typed_successes = successes.iter().filter(|r| typed(r.shape.as_ref())).count();
    println!(
        "after reconciliation: {routes_taken} routes taken from the definition; {typed_bodies} of {bodies} request bodies and {typed_successes} of {} success responses are objects",
        successes.len()
    );
    let numbers = |facts: &[Fact], text: &str, def: &str| {
        facts
            .iter()
            .filter(|f| f.fact.ends_with(":type"))
            .filter(|f| f.text.as_ref().is_some_and(|t| t.value == text) && f.definition.value == def)
            .count()
    };
    println!(
        "numbers: {} the page's `number`s the definition says are integers, {} it agrees are numbers; {} integers agreed",
        numbers(&report.taken, "number", "integer"),
        numbers(&report.agreements, "number", "number"),
        numbers(&report.agreements, "integer", "integer"),
    );
    for f in report.agreements.iter().filter(|f| f.fact.ends_with(":type") && f.definition.value == "number") {
        println!("  number: {} {} ({})", op_title(run, f), f.fact, f.definition.source);
    }
    println!("overlay entries the definition repeats (removable): {:?}\n", report.redundant_overlay_entries());
}

/// Counts facts by attribute (`type`, `required`, ...; `exists` for a whole place).
fn by_attribute(facts: &[Fact]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in facts {
        *counts.entry(xtask::reconcile::attribute(&f.fact).to_string()).or_default() += 1;
    }
    counts
}

fn op_title(run: &Witnessed, fact: &Fact) -> String {
    match fact.scope {
        xtask::reconcile::Scope::Api => "api".into(),
        xtask::reconcile::Scope::Operation { text, .. } => {
            format!("`{}`", run.draft.operations[text].title.chars().take(60).collect::<String>())
        }
    }
}
