//! Reconciliation on a small hand-made pair: a page rendered as text
//! (`fixtures/reconcile/gadgets.txt`, read by the `openapi_text` reader) and the definition
//! behind it (`gadgets.yaml`). Agreement, what the definition adds, a conflict and its
//! settlement, an operation only the definition has, one only the page has, an operation
//! paired by its route alone, and overlay routes and API facts checked against the
//! definition.

use codegen::spec::{AuthScheme, BaseUrl, GapKind, Method, ParamLocation, Source};
use xtask::draft::{Draft, DraftType};
use xtask::readers::{definition, openapi_text};
use xtask::reconcile::{reconcile, Fact, MatchedBy, Reconciled, RouteCheck, Scope, Settlement, Side};

const PAGE: &str = include_str!("fixtures/reconcile/gadgets.txt");
const DEFINITION: &str = include_str!("fixtures/reconcile/gadgets.yaml");

fn page() -> Draft {
    openapi_text::read(PAGE, "gadgets", "gadgets.txt").unwrap()
}

fn definition() -> Draft {
    definition::read(DEFINITION, "gadgets", "gadgets.yaml").unwrap()
}

fn run(page: Draft, settlements: &[Settlement]) -> Reconciled {
    reconcile(page, &definition(), settlements)
}

/// The fact named `name` of the page's operation `op`, among `facts`.
fn fact<'a>(facts: &'a [Fact], op: usize, name: &str) -> &'a Fact {
    facts
        .iter()
        .find(|f| matches!(f.scope, Scope::Operation { text, .. } if text == op) && f.fact == name)
        .unwrap_or_else(|| panic!("no fact `{name}` of operation {op}"))
}

#[test]
fn operations_pair_by_words_then_route_and_the_rest_are_listed() {
    let r = run(page(), &[]).report;
    let pairs: Vec<(usize, usize, MatchedBy)> = r.matches.iter().map(|m| (m.text, m.definition, m.by)).collect();
    // Page: list, create, retrieve, polish, delete. Definition: list, create, retrieve,
    // delete, archive. "Retrieve a gadget" is the definition's summary; "List all
    // gadgets" its description; the delete has no words and pairs by its route.
    assert_eq!(
        pairs,
        [(0, 0, MatchedBy::Words), (1, 1, MatchedBy::Words), (2, 2, MatchedBy::Words), (4, 3, MatchedBy::Route)]
    );
    assert_eq!(r.text_only.len(), 1);
    assert_eq!(r.text_only[0].title, "Polish a gadget");
    assert!(r.text_only[0].candidates.is_empty());
    assert_eq!(r.definition_only.len(), 1);
    let archive = &r.definition_only[0];
    assert_eq!(archive.route, Some((Method::Post, "/gadgets/{id}/archive".to_string())));
    assert_eq!(archive.source.to_string(), "def:#/paths/~1gadgets~1{id}~1archive/post");
}

#[test]
fn an_operation_only_the_definition_has_is_listed_not_added_and_one_only_the_page_has_is_a_gap() {
    let reconciled = run(page(), &[]);
    assert_eq!(reconciled.draft.operations.len(), 5);
    assert!(reconciled.draft.operations.iter().all(|o| o.path.as_deref() != Some("/gadgets/{id}/archive")));
    let unmatched: Vec<_> = reconciled.draft.gaps.iter().filter(|g| g.kind == GapKind::DefinitionUnmatched).collect();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].source, Source::Doc(24));
    assert!(unmatched[0].message.contains("`Polish a gadget`"), "{}", unmatched[0].message);
}

#[test]
fn facts_both_state_alike_are_agreements() {
    let r = run(page(), &[]).report;
    let route = fact(&r.agreements, 0, "route");
    assert_eq!(route.text.as_ref().unwrap().value, "GET /gadgets");
    assert_eq!(route.text.as_ref().unwrap().source, Source::Doc(1));
    assert_eq!(route.definition.source.to_string(), "def:#/paths/~1gadgets/get");
    let limit = fact(&r.agreements, 0, "parameters.limit:type");
    assert_eq!((limit.text.as_ref().unwrap().value.as_str(), limit.definition.value.as_str()), ("integer", "integer"));
    assert_eq!(limit.text.as_ref().unwrap().source, Source::Doc(5));
    assert_eq!(limit.definition.source.to_string(), "def:#/paths/~1gadgets/get/parameters/0");
    for name in ["parameters.limit:in", "parameters.colour:type", "request:content_type"] {
        let op = if name.starts_with("request") { 1 } else { 0 };
        fact(&r.agreements, op, name);
    }
}

#[test]
fn what_only_the_definition_states_is_taken_with_its_source() {
    let reconciled = run(page(), &[]);
    let (draft, r) = (&reconciled.draft, &reconciled.report);
    // A default and an enum the page does not state.
    let list = &draft.operations[0];
    let limit = list.parameters.iter().find(|p| p.name == "limit").unwrap();
    assert_eq!(limit.default.as_deref(), Some("20"));
    assert_eq!(fact(&r.taken, 0, "parameters.limit:default").definition.value, "20");
    let colour = list.parameters.iter().find(|p| p.name == "colour").unwrap();
    assert_eq!(colour.choices.as_ref().unwrap().values.as_deref(), Some(&["red".to_string(), "green".to_string()][..]));
    // A response body the page does not show.
    let items = match &list.responses[0].shape {
        Some(DraftType::Object(o)) => &o.fields[0],
        other => panic!("{other:?}"),
    };
    assert_eq!(items.name, "gadgets");
    assert_eq!(
        items.source.to_string(),
        "def:#/paths/~1gadgets/get/responses/200/content/application~1json/schema/properties/gadgets"
    );
    // A request schema the page only names: its fields, and the definition's example.
    let create = &draft.operations[1];
    let body = create.request.as_ref().unwrap();
    let DraftType::Object(request) = body.shape.as_ref().unwrap() else { panic!("{:?}", body.shape) };
    assert_eq!(request.doc_name.as_deref(), Some("GadgetCreateRequest"));
    assert_eq!(request.source.to_string(), "def:#/components/schemas/GadgetCreateRequest");
    let DraftType::Object(gadget) = &request.fields[0].ty else { panic!() };
    let fields: Vec<(&str, bool)> = gadget.fields.iter().map(|f| (f.name.as_str(), f.required)).collect();
    assert_eq!(fields, [("name", true), ("price", false), ("stock", false)]);
    assert_eq!(body.examples[0].json, "{\n  \"gadget\": {\n    \"name\": \"Sprocket\",\n    \"price\": 9.5\n  }\n}");
    let taken = fact(&r.taken, 1, "request:type");
    assert_eq!(taken.text.as_ref().unwrap().value, "GadgetCreateRequest");
    assert_eq!(taken.definition.value, "GadgetCreateRequest (1 fields)");
    // The base URL and auth the page does not state.
    assert_eq!(draft.api.base_url.as_ref().unwrap().url, "https://{account}.gadgets.example/api");
    assert!(matches!(&draft.api.auth[..], [AuthScheme::ApiKeyHeader { header, .. }] if header == "Gadget-Token"));
    assert_eq!(draft.api.definition.as_deref(), Some("gadgets.yaml"));
}

#[test]
fn a_disagreement_is_a_conflict_gap_naming_both_values_and_sources_and_the_page_is_kept() {
    let reconciled = run(page(), &[]);
    let conflicts: Vec<(usize, &str)> = reconciled
        .report
        .conflicts
        .iter()
        .map(|f| match f.scope {
            Scope::Operation { text, .. } => (text, f.fact.as_str()),
            Scope::Api => (usize::MAX, f.fact.as_str()),
        })
        .collect();
    assert_eq!(conflicts, [(2, "parameters.id:type"), (4, "parameters.id:type")]);
    let id = reconciled.draft.operations[2].parameters.iter().find(|p| p.name == "id").unwrap();
    assert_eq!(id.ty, DraftType::Prim(codegen::spec::TypeRef::Integer));
    let gap = reconciled.draft.gaps.iter().find(|g| g.kind == GapKind::DefinitionConflict).unwrap();
    assert_eq!(gap.source, Source::Doc(20));
    assert_eq!(
        gap.message,
        "`parameters.id:type`: the page says `integer`, the definition says `string` (def:#/paths/~1gadgets~1{id}/parameters/0); the page's is kept until the overlay settles it"
    );
}

#[test]
fn a_settlement_takes_a_side_and_one_that_settles_nothing_is_reported() {
    let overlay = |key: &str| Source::Overlay(key.into());
    let settlements = [
        Settlement {
            operation: Some(2),
            fact: "parameters.id:type".into(),
            take: Side::Definition,
            source: overlay("settle.0"),
        },
        Settlement {
            operation: Some(4),
            fact: "parameters.id:type".into(),
            take: Side::Text,
            source: overlay("settle.1"),
        },
        Settlement { operation: Some(0), fact: "route".into(), take: Side::Definition, source: overlay("settle.2") },
    ];
    let reconciled = run(page(), &settlements);
    let r = &reconciled.report;
    assert!(r.conflicts.is_empty());
    assert!(reconciled.draft.gaps.iter().all(|g| g.kind != GapKind::DefinitionConflict));
    let id = |op: usize| reconciled.draft.operations[op].parameters.iter().find(|p| p.name == "id").unwrap().ty.clone();
    assert_eq!(id(2), DraftType::Prim(codegen::spec::TypeRef::String));
    assert_eq!(id(4), DraftType::Prim(codegen::spec::TypeRef::Integer));
    let settled: Vec<(&str, Side, String)> =
        r.settled.iter().map(|(f, side, s)| (f.fact.as_str(), *side, s.to_string())).collect();
    assert_eq!(
        settled,
        [
            ("parameters.id:type", Side::Definition, "overlay:settle.0".to_string()),
            ("parameters.id:type", Side::Text, "overlay:settle.1".to_string())
        ]
    );
    // The route of operation 0 agrees: there is nothing to settle.
    assert_eq!(r.unused_settlements, [2]);
}

#[test]
fn a_route_the_page_lost_is_taken_and_overlay_routes_are_checked_against_the_definition() {
    let mut lost = page();
    lost.operations[0].method = None;
    lost.operations[0].path = None;
    for p in &mut lost.operations[0].parameters {
        p.location = ParamLocation::Unknown;
    }
    let reconciled = run(lost, &[]);
    let list = &reconciled.draft.operations[0];
    assert_eq!((list.method, list.path.as_deref()), (Some(Method::Get), Some("/gadgets")));
    assert_eq!(list.resolved_by.as_ref().unwrap().to_string(), "def:#/paths/~1gadgets/get");
    assert!(list.parameters.iter().all(|p| p.location == ParamLocation::Query));
    let r = &reconciled.report;
    assert_eq!(fact(&r.taken, 0, "route").definition.value, "GET /gadgets");
    // What the overlay would give: the same route is redundant, another contradicts.
    assert!(matches!(r.check_route(0, Method::Get, "/gadgets"), RouteCheck::Same { .. }));
    assert_eq!(
        r.check_route(0, Method::Get, "/gadget/list"),
        RouteCheck::Contradicts {
            method: Method::Get,
            path: "/gadgets".into(),
            definition: "def:#/paths/~1gadgets/get".parse().unwrap()
        }
    );
    assert_eq!(r.check_route(3, Method::Post, "/gadgets/{id}/polish"), RouteCheck::Unpaired);
}

#[test]
fn overlay_api_facts_are_compared_and_those_the_definition_repeats_are_removable() {
    let mut with_overlay = page();
    let overlay = |key: &str| Source::Overlay(key.into());
    with_overlay.api.base_url =
        Some(BaseUrl { url: "https://api.gadgets.example".into(), variables: vec![], source: overlay("api.base_url") });
    with_overlay.api.auth = vec![AuthScheme::ApiKeyHeader {
        header: "Gadget-Token".into(),
        description: None,
        source: overlay("api.auth.0"),
    }];
    let reconciled = run(with_overlay, &[]);
    let r = &reconciled.report;
    let base = r.conflicts.iter().find(|f| f.scope == Scope::Api).unwrap();
    assert_eq!(base.fact, "base_url");
    assert_eq!(base.text.as_ref().unwrap().source, overlay("api.base_url"));
    assert_eq!(base.definition.value, "https://{account}.gadgets.example/api");
    assert_eq!(reconciled.draft.api.base_url.as_ref().unwrap().url, "https://api.gadgets.example");
    assert_eq!(r.redundant_overlay_entries(), ["api.auth.0"]);
}
