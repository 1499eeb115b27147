//! The definition reader and the reconciliation on the committed inputs (Nimble and
//! ActiveCampaign have a definition; Wealthbox has none). The figures asserted here are
//! the ones the vendor documents' provenance notes state (Nimble: all 70 operations have
//! their counterpart, 69 by description and one by its response, 19 operations only in
//! the definition, two overlay routes contradicted; ActiveCampaign: 21 request schemas
//! with properties, 43 object-shaped and 6 string-typed success responses), and the
//! reconciliation's own, read and checked by hand (`cargo run -p xtask --example
//! reconcile` prints them all).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codegen::spec::{Method, Source};
use xtask::draft::DraftType;
use xtask::reconcile::inputs::{run, Run};
use xtask::reconcile::{MatchedBy, RouteCheck, Scope};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The run for `api`, made once for all the tests of this file.
fn reconciled(api: &str) -> &'static Run {
    static NIMBLE: OnceLock<Run> = OnceLock::new();
    static ACTIVECAMPAIGN: OnceLock<Run> = OnceLock::new();
    let cell = match api {
        "nimble" => &NIMBLE,
        _ => &ACTIVECAMPAIGN,
    };
    cell.get_or_init(|| run(&repo_root(), api).unwrap().unwrap())
}

fn gap_kinds(gaps: &[codegen::spec::Gap]) -> BTreeMap<&str, usize> {
    let mut kinds = BTreeMap::new();
    for g in gaps {
        *kinds.entry(g.kind.as_str()).or_default() += 1;
    }
    kinds
}

fn by(run: &Run, how: MatchedBy) -> usize {
    run.reconciled.report.matches.iter().filter(|m| m.by == how).count()
}

#[test]
fn wealthbox_has_no_definition_and_nothing_to_reconcile() {
    assert!(run(&repo_root(), "wealthbox").unwrap().is_none());
}

#[test]
fn nimble_every_operation_of_the_page_pairs_with_one_of_the_definition() {
    let run = reconciled("nimble");
    assert_eq!(run.definition.operations.len(), 89);
    assert_eq!(
        gap_kinds(&run.definition.gaps),
        BTreeMap::from([("parameter_name_note", 5), ("unreadable_schema", 16), ("unsupported_construct", 7)])
    );
    let report = &run.reconciled.report;
    assert_eq!(report.matches.len(), 70);
    assert_eq!((by(run, MatchedBy::Words), by(run, MatchedBy::ResponseKeys)), (69, 1));
    assert!(report.text_only.is_empty());
    assert_eq!(report.definition_only.len(), 19);
    // The operation whose description the scrape lost pairs by its response's keys.
    let undescribed = report.matches.iter().find(|m| m.by == MatchedBy::ResponseKeys).unwrap();
    assert_eq!(undescribed.route, (Method::Get, "/api/v2/deals/pipelines".to_string()));
    // Every operation now has a route, from the definition.
    let draft = &run.reconciled.draft;
    assert!(draft.operations.iter().all(|o| o.method.is_some() && o.path.is_some()));
    assert!(draft.operations.iter().all(|o| matches!(o.resolved_by, Some(Source::Def(_)))));
    assert_eq!(report.taken.iter().filter(|f| f.fact == "route").count(), 70);
}

#[test]
fn nimble_the_two_wrong_overlay_routes_are_contradicted_and_the_others_are_redundant() {
    let run = reconciled("nimble");
    let mut contradicted = Vec::new();
    let mut same = 0;
    for (entry, check) in &run.route_checks {
        match check {
            RouteCheck::Same { .. } => same += 1,
            RouteCheck::Contradicts { method, path, .. } => {
                contradicted.push((entry.to_string(), format!("{} {path}", method.as_str())))
            }
            RouteCheck::Unpaired => panic!("{entry}: its operation pairs with nothing"),
        }
    }
    assert_eq!(same, 30);
    assert_eq!(
        contradicted,
        [
            ("overlay:operations.1".to_string(), "DELETE /api/v1/contacts".to_string()),
            ("overlay:operations.11".to_string(), "GET /api/v1/contacts/{contact_id}/notes".to_string()),
        ]
    );
}

#[test]
fn nimble_server_and_auth_of_the_snapshots_examples_conflict_with_the_definition() {
    let run = reconciled("nimble");
    let api: Vec<_> = run.reconciled.report.conflicts.iter().filter(|f| f.scope == Scope::Api).collect();
    assert_eq!(api.len(), 2);
    assert_eq!(api[0].fact, "base_url");
    assert_eq!(api[0].text.as_ref().unwrap().value, "https://api.nimble.com");
    assert_eq!(api[0].definition.value, "https://app.nimble.com");
    assert_eq!(api[0].definition.source.to_string(), "def:#/servers/0");
    assert_eq!(api[1].fact, "auth");
    assert!(api[1].text.as_ref().unwrap().value.starts_with("bearer token, OAuth 2"));
    assert_eq!(api[1].definition.value, "API key in header `X-Nimble-Token`");
    // The page's are kept until the overlay settles them.
    assert_eq!(run.reconciled.draft.api.base_url.as_ref().unwrap().url, "https://api.nimble.com");
}

#[test]
fn nimble_conflicts_and_what_the_definition_types() {
    let run = reconciled("nimble");
    let report = &run.reconciled.report;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &report.conflicts {
        *kinds.entry(c.fact.rsplit_once(':').map(|(_, a)| a).unwrap_or(c.fact.as_str())).or_default() += 1;
    }
    // Samples showing `null` where the definition says not nullable (38), success statuses
    // 200 (the scrape lost them; the reader assumes 200) where the definition says 201
    // (9), three objects the definition types otherwise (`help_tour_data`, a map of
    // fields) at 6 places, and the two API facts.
    assert_eq!(kinds, BTreeMap::from([("auth", 1), ("base_url", 1), ("nullable", 38), ("status", 9), ("type", 6)]));
    assert_eq!(gap_kinds(&run.reconciled.draft.gaps).get("definition_conflict"), Some(&55));
    // The page's sample numbers are all `0`; the definition says which are integers.
    let numbers = |facts: &[xtask::reconcile::Fact], text: &str, def: &str| {
        facts
            .iter()
            .filter(|f| f.fact.ends_with(":type"))
            .filter(|f| f.text.as_ref().is_some_and(|t| t.value == text) && f.definition.value == def)
            .count()
    };
    assert_eq!(numbers(&report.taken, "number", "integer"), 124);
    assert_eq!(numbers(&report.agreements, "number", "number"), 28);
}

#[test]
fn activecampaign_every_operation_pairs_and_the_definition_types_the_bodies() {
    let run = reconciled("activecampaign");
    assert_eq!(run.definition.operations.len(), 256);
    assert_eq!(
        gap_kinds(&run.definition.gaps),
        BTreeMap::from([("string_body", 23), ("unreadable_schema", 7), ("unsupported_construct", 9)])
    );
    let report = &run.reconciled.report;
    assert_eq!(report.matches.len(), 50);
    assert_eq!((by(run, MatchedBy::Words), by(run, MatchedBy::RequestSchema), by(run, MatchedBy::Route)), (32, 7, 11));
    assert!(report.text_only.is_empty());
    assert_eq!(report.definition_only.len(), 206);
    // The routes the page states all agree, and so do the base URL and auth.
    assert_eq!(report.agreements.iter().filter(|f| f.fact == "route").count(), 50);
    assert_eq!(report.redundant_overlay_entries(), ["api.auth.0", "api.base_url"]);
    // "Update an existing deal" is the description of two operations of the definition;
    // the one without parameters is the page's.
    let update =
        report.matches.iter().find(|m| run.reconciled.draft.operations[m.text].title == "Update an existing deal");
    assert_eq!(update.unwrap().route, (Method::Patch, "/deals/bulkUpdate".to_string()));

    let draft = &run.reconciled.draft;
    let bodies: Vec<(&str, Option<&str>)> = draft
        .operations
        .iter()
        .filter_map(|o| o.request.as_ref())
        .map(|b| match &b.shape {
            Some(DraftType::Object(o)) => ("object", o.doc_name.as_deref()),
            _ => ("other", None),
        })
        .collect();
    assert_eq!(bodies.len(), 21);
    assert!(bodies.iter().all(|(kind, name)| *kind == "object" && name.is_some_and(|n| n.ends_with("Request"))));
    let successes: Vec<Option<&DraftType>> = draft
        .operations
        .iter()
        .filter_map(|o| o.responses.iter().find(|r| r.status.starts_with('2')))
        .map(|r| r.shape.as_ref())
        .collect();
    let count = |f: fn(&Option<&DraftType>) -> bool| successes.iter().filter(|s| f(s)).count();
    // 43 object schemas: 39 list properties, 4 list none (any JSON); 6 bare strings.
    assert_eq!(successes.len(), 49);
    assert_eq!(count(|s| matches!(s, Some(DraftType::Object(_)))), 39);
    assert_eq!(count(|s| matches!(s, Some(DraftType::Any))), 4);
    assert_eq!(count(|s| s.is_none()), 6);
    let paired: Vec<String> = report.matches.iter().map(|m| m.source.to_string()).collect();
    let string_bodies = run
        .definition
        .gaps
        .iter()
        .filter(|g| g.kind.as_str() == "string_body")
        .filter(|g| {
            g.message.contains("bare string") && paired.iter().any(|p| g.source.to_string().starts_with(p.as_str()))
        })
        .filter(|g| g.source.to_string().contains("/responses/2"))
        .count();
    assert_eq!(string_bodies, 6);
    // The page's parameters stay as they are: none added or dropped, names byte for byte.
    let names: Vec<&str> = draft.operations.iter().flat_map(|o| &o.parameters).map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), 83);
    assert!(names.contains(&"Fitlers[due_before]"));
    // One conflict: the page lists a 403 the definition does not have.
    let conflicts: Vec<&str> = report.conflicts.iter().map(|f| f.fact.as_str()).collect();
    assert_eq!(conflicts, ["responses.403"]);
}
