//! Reconciliation on a small hand-made pair: a page rendered as text
//! (`fixtures/reconcile/gadgets.txt`, read by the `openapi_text` reader) and the definition
//! behind it (`gadgets.yaml`). Agreement, what the definition adds, a conflict and its
//! settlement, an operation only the definition has, one only the page has, an operation
//! paired by its route alone, an operation opted in, and overlay API facts checked
//! against the definition; then the same pair through the pipeline with an overlay: a
//! route the definition contradicts is an error, a settlement is applied, an entry the
//! definition repeats is reported removable, entries about a definition the API lacks or
//! that settle nothing are errors, and numbers the definition states stay numbers.

use codegen::spec::{AuthScheme, BaseUrl, GapKind, Method, ParamLocation, Side, Source, TypeKind, TypeRef};
use xtask::draft::{Draft, DraftType};
use xtask::pipeline::{build_spec, Inputs};
use xtask::readers::{definition, openapi_text};
use xtask::reconcile::{reconcile, Fact, MatchedBy, OptIn, Reconciled, Scope, Settlement};

const PAGE: &str = include_str!("fixtures/reconcile/gadgets.txt");
const DEFINITION: &str = include_str!("fixtures/reconcile/gadgets.yaml");

fn page() -> Draft {
    openapi_text::read(PAGE, "gadgets", "gadgets.txt").unwrap()
}

fn definition() -> Draft {
    definition::read(DEFINITION, "gadgets", "gadgets.yaml").unwrap()
}

fn run(page: Draft, settlements: &[Settlement]) -> Reconciled {
    reconcile(page, &definition(), settlements, &[])
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
fn a_settlement_takes_a_side_everywhere_the_definitions_place_is_shown_and_one_that_settles_nothing_is_reported() {
    let overlay = |key: &str| Source::Overlay(key.into());
    let settlements = [
        // The path item's `id` parameter, shared by the retrieve and the delete.
        Settlement {
            at: "#/paths/~1gadgets~1{id}".parse().unwrap(),
            fact: "type".into(),
            take: Side::Definition,
            source: overlay("settlements.0"),
        },
        // The route of the list agrees: nothing to settle.
        Settlement {
            at: "#/paths/~1gadgets/get".parse().unwrap(),
            fact: "route".into(),
            take: Side::Page,
            source: overlay("settlements.1"),
        },
    ];
    let reconciled = run(page(), &settlements);
    let r = &reconciled.report;
    assert!(r.conflicts.is_empty());
    assert!(reconciled.draft.gaps.iter().all(|g| g.kind != GapKind::DefinitionConflict));
    let id = |op: usize| reconciled.draft.operations[op].parameters.iter().find(|p| p.name == "id").unwrap().clone();
    assert_eq!(id(2).ty, DraftType::Prim(TypeRef::String));
    assert_eq!(id(4).ty, DraftType::Prim(TypeRef::String));
    // The page's parameter records where its type now comes from.
    assert_eq!(id(2).by_definition.taken_from.unwrap().to_string(), "def:#/paths/~1gadgets~1{id}/parameters/0");
    let settled: Vec<(&str, Side, String)> =
        r.settled.iter().map(|(f, side, s)| (f.fact.as_str(), *side, s.to_string())).collect();
    assert_eq!(
        settled,
        [
            ("parameters.id:type", Side::Definition, "overlay:settlements.0".to_string()),
            ("parameters.id:type", Side::Definition, "overlay:settlements.0".to_string())
        ]
    );
    assert_eq!(r.unused_settlements, [1]);
    // Taking the page's side keeps the page's value.
    let page_side = [Settlement { take: Side::Page, ..settlements[0].clone() }];
    let kept = run(page(), &page_side);
    let id = kept.draft.operations[2].parameters.iter().find(|p| p.name == "id").unwrap();
    assert_eq!(id.ty, DraftType::Prim(TypeRef::Integer));
    assert_eq!(id.by_definition.taken_from, None);
}

#[test]
fn a_route_the_page_lost_is_taken_with_the_definitions_places_of_its_parameters() {
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
    let limit = list.parameters.iter().find(|p| p.name == "limit").unwrap();
    assert_eq!(limit.by_definition.taken_from.as_ref().unwrap().to_string(), "def:#/paths/~1gadgets/get/parameters/0");
    assert_eq!(fact(&reconciled.report.taken, 0, "route").definition.value, "GET /gadgets");
}

#[test]
fn an_operation_only_the_definition_has_is_added_when_opted_in() {
    let opt_in =
        OptIn { method: Method::Post, path: "/gadgets/{id}/archive".into(), source: Source::Overlay("x.0".into()) };
    let reconciled = reconcile(page(), &definition(), &[], std::slice::from_ref(&opt_in));
    assert_eq!(reconciled.draft.operations.len(), 6);
    let archive = &reconciled.draft.operations[5];
    assert_eq!(archive.source.to_string(), "def:#/paths/~1gadgets~1{id}~1archive/post");
    assert!(reconciled.report.definition_only.is_empty());
    assert_eq!(reconciled.report.opted_in, [4]);
    // One that names no operation only the definition has (the page shows the list).
    let shown = OptIn { method: Method::Get, path: "/gadgets".into(), ..opt_in };
    assert_eq!(reconcile(page(), &definition(), &[], &[shown]).report.unused_opt_ins, [0]);
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

/// The Redoc scrape of `fixtures/redoc/widgets.txt` and its definition through the
/// pipeline, with `overlay` after the overlay's API section.
mod pipeline {
    use super::*;

    const PAGE: &str = include_str!("fixtures/redoc/widgets.txt");
    const DEFINITION: &str = include_str!("fixtures/reconcile/widgets.yaml");
    const API: &str = "api:\n  name: widgets\n  title: Widgets\n  reader: redoc_text\n";

    fn build(overlay: &str) -> Result<codegen::spec::Spec, String> {
        let overlay = format!("{API}{overlay}");
        let definition = Some(("specs/widgets/definition.yaml", DEFINITION));
        build_spec("widgets", &Inputs { snapshot: PAGE, overlay: &overlay, definition }).map_err(|e| e.to_string())
    }

    fn op<'a>(spec: &'a codegen::spec::Spec, id: &str) -> &'a codegen::spec::Operation {
        spec.operations.iter().find(|o| o.id == id).unwrap_or_else(|| panic!("no operation `{id}`"))
    }

    fn field(spec: &codegen::spec::Spec, ty: &str, name: &str) -> codegen::spec::Field {
        let Some(TypeKind::Object { fields }) = spec.type_def(ty).map(|t| &t.kind) else { panic!("{ty}") };
        fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{ty}.{name}")).clone()
    }

    #[test]
    fn every_operation_is_routed_by_the_definition_and_the_spec_records_the_reconciliation() {
        let spec = build("").unwrap();
        assert_eq!(spec.api.definition.as_deref(), Some("specs/widgets/definition.yaml"));
        for (id, route) in [
            ("returns_current_account", "GET /v1/account"),
            ("list_widgets", "GET /v1/widgets"),
            ("updates_widget_choice", "PUT /v1/widgets/{widget_id}/choices/{id}"),
            ("undescribed_widgets", "GET /v1/widgets/all"),
            ("deletes_widget", "DELETE /v1/widgets/{widget_id}"),
        ] {
            let op = op(&spec, id);
            assert_eq!(format!("{} {}", op.method.unwrap().as_str(), op.path.as_ref().unwrap()), route);
            assert!(matches!(op.resolved_by, Some(Source::Def(_))), "{id}: {:?}", op.resolved_by);
        }
        // The page's parameters travel where the definition says, with its place recorded.
        let list = op(&spec, "list_widgets");
        assert!(list.parameters.iter().all(|p| p.location == ParamLocation::Query));
        assert_eq!(
            list.parameters[0].taken_from.as_ref().unwrap().to_string(),
            "def:#/paths/~1v1~1widgets/get/parameters/0"
        );
        // The one disagreement is a gap naming both sides, the page's value kept.
        let conflicts: Vec<&codegen::spec::Gap> =
            spec.gaps.iter().filter(|g| g.kind == GapKind::DefinitionConflict).collect();
        assert_eq!(conflicts.len(), 1, "{conflicts:#?}");
        assert!(
            conflicts[0].message.starts_with("`responses.200.meta.total:type`: the page says `number`"),
            "{}",
            conflicts[0].message
        );
        let r = spec.reconciliation.as_ref().unwrap();
        assert_eq!(r.paired, 5);
        assert_eq!(r.definition_only.len(), 1);
        assert_eq!(r.definition_only[0].summary.as_deref(), Some("Creates a widget"));
        assert!(r.agreed.values().sum::<usize>() > 0 && r.taken["route"] == 5);
        assert!(!spec.operations.iter().any(|o| o.method == Some(Method::Post)), "not generated unless opted in");
        let coverage = xtask::report::coverage(&spec);
        let d = coverage.definition.unwrap();
        assert_eq!((d.paired, d.only_in_definition, d.conflicting, d.settled), (5, 1, 1, 0));
        assert!(xtask::report::summary(&spec).contains("definition: 5 paired, 1 only in the definition"));
    }

    #[test]
    fn a_number_the_definition_states_stays_a_number_though_its_examples_are_whole() {
        let spec = build("").unwrap();
        let account = op(&spec, "returns_current_account").success().unwrap().ty.clone().unwrap();
        let seats = field(&spec, &account.to_string(), "seats");
        assert_eq!(seats.ty, TypeRef::Number, "the page's sample shows `0`; the definition says number");
        // Without the definition, the rule of the samples makes it an integer.
        let page_only = xtask::pipeline::build_spec_from("widgets", PAGE, API).unwrap();
        let account = op(&page_only, "returns_current_account").success().unwrap().ty.clone().unwrap();
        assert_eq!(field(&page_only, &account.to_string(), "seats").ty, TypeRef::Integer);
    }

    #[test]
    fn a_settlement_takes_its_side_and_is_recorded_with_the_settling_entry() {
        let settle = "settlements:\n  - at: \"#/paths/~1v1~1widgets/get/responses/200\"\n    fact: type\n    take: definition\n    reason: the totals are strings\n    cite: t\n";
        let spec = build(settle).unwrap();
        assert!(spec.gaps.iter().all(|g| g.kind != GapKind::DefinitionConflict));
        let list = op(&spec, "list_widgets").success().unwrap().ty.clone().unwrap();
        let meta = field(&spec, &list.to_string(), "meta").ty;
        let total = field(&spec, &meta.to_string(), "total");
        assert_eq!(total.ty, TypeRef::String);
        assert!(matches!(total.taken_from, Some(Source::Def(_))));
        let settled = &spec.reconciliation.as_ref().unwrap().settled;
        assert_eq!(settled.len(), 1);
        assert_eq!(settled[0].operation.as_deref(), Some("list_widgets"));
        assert_eq!((settled[0].took, settled[0].by.to_string().as_str()), (Side::Definition, "overlay:settlements.0"));
        assert_eq!(settled[0].page.as_ref().unwrap().value, "number");

        // One that settles nothing, or a place that is no pointer, is an error naming the entry.
        let nothing = settle.replace("fact: type", "fact: nullable");
        let err = build(&nothing).unwrap_err();
        assert!(err.contains("overlay.yaml:6: `settlements.0`: settles `nullable`"), "{err}");
        let bad = settle.replace("\"#/paths", "\"paths");
        assert!(build(&bad).unwrap_err().contains("is not a JSON pointer"));
        let no_reason = settle.replace("    reason: the totals are strings\n", "    reason: \" \"\n");
        assert!(build(&no_reason).unwrap_err().contains("has no `reason`"));
    }

    #[test]
    fn an_overlay_route_the_definition_contradicts_is_an_error_and_one_it_repeats_is_removable() {
        let route = |path: &str| {
            format!("operations:\n  - description_starts_with: Deletes a widget\n    id: delete_widget\n    method: DELETE\n    path: {path}\n    cite: t\n")
        };
        let err = build(&route("/v1/widget/{widget_id}")).unwrap_err();
        assert_eq!(
            err,
            "specs/widgets/overlay.yaml:6: `operations.0`: routes `delete_widget` as `DELETE /v1/widget/{widget_id}`, but the definition behind the page says `DELETE /v1/widgets/{widget_id}` (def:#/paths/~1v1~1widgets~1{widget_id}/delete): correct the entry, or, if the definition is wrong, settle `route` at `#/paths/~1v1~1widgets~1{widget_id}/delete` in `settlements`"
        );
        // Settled for the page, the entry's route stands.
        let settled = format!(
            "{}settlements:\n  - at: \"#/paths/~1v1~1widgets~1{{widget_id}}/delete\"\n    fact: route\n    take: page\n    reason: r\n    cite: t\n",
            route("/v1/widget/{widget_id}")
        );
        let spec = build(&settled).unwrap();
        let delete = op(&spec, "delete_widget");
        assert_eq!(delete.path.as_ref().unwrap().as_str(), "/v1/widget/{widget_id}");
        assert_eq!(delete.resolved_by.as_ref().unwrap().to_string(), "overlay:operations.0");
        // The same route: removable, reported by the run.
        let spec = build(&route("/v1/widgets/{widget_id}")).unwrap();
        let removable = &spec.reconciliation.as_ref().unwrap().removable;
        assert_eq!(removable.len(), 1);
        assert_eq!(removable[0].entry.to_string(), "overlay:operations.0");
        assert_eq!(
            xtask::report::removable(&spec),
            ["  removable: overlay:operations.0 of specs/widgets/overlay.yaml states what the definition states (def:#/paths/~1v1~1widgets~1{widget_id}/delete); remove it"]
        );
    }

    #[test]
    fn an_opted_in_operation_is_generated_with_the_definitions_facts() {
        let opt_in = "definition_operations:\n  - method: POST\n    path: /v1/widgets\n    reason: r\n    cite: t\n";
        let spec = build(opt_in).unwrap();
        let create = op(&spec, "creates_widget");
        assert_eq!(create.source.to_string(), "def:#/paths/~1v1~1widgets/post");
        assert_eq!(create.request.as_ref().unwrap().ty, TypeRef::Named("WidgetsWidget".into()));
        assert!(spec.reconciliation.as_ref().unwrap().definition_only.is_empty());
        assert_eq!(xtask::report::Resolution::of(&spec).from_definition, 6);
        // One that names an operation the page shows is an error.
        let shown = opt_in.replace("POST", "GET");
        assert!(build(&shown).unwrap_err().contains("is not an operation only the definition has"));
        // Without a definition, entries about it are errors.
        let err = xtask::pipeline::build_spec_from("widgets", PAGE, &format!("{API}{opt_in}")).unwrap_err().to_string();
        assert!(
            err.contains("`definition_operations.0`: is about the definition behind the page, but the API has none"),
            "{err}"
        );
    }
}
