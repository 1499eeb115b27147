//! The reconciliation on the committed inputs, through the pipeline (Nimble and
//! ActiveCampaign have a definition; Wealthbox has none). The figures asserted here are
//! the ones the vendor documents' provenance notes state (Nimble: all 70 operations have
//! their counterpart, 69 by description and one by its response, 19 operations only in
//! the definition, two of the overlay's old routes contradicted; ActiveCampaign: 21
//! request schemas with properties, 43 object-shaped and 6 string-typed success
//! responses), and the reconciliation's own, read and checked by hand (`cargo run -p xtask
//! --example reconcile` prints them all).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codegen::spec::{GapKind, Method, Side, Source, Spec, TypeKind, TypeRef};
use xtask::pipeline::{self, Witnessed};
use xtask::reconcile::{attribute, MatchedBy, Scope};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The reconciliation and the spec of `api`, made once for all the tests of this file.
fn built(api: &str) -> &'static (Witnessed, Spec) {
    static NIMBLE: OnceLock<(Witnessed, Spec)> = OnceLock::new();
    static ACTIVECAMPAIGN: OnceLock<(Witnessed, Spec)> = OnceLock::new();
    let cell = match api {
        "nimble" => &NIMBLE,
        _ => &ACTIVECAMPAIGN,
    };
    cell.get_or_init(|| {
        let root = repo_root();
        (pipeline::witnessed(&root, api).unwrap(), pipeline::build(&root, api).unwrap().spec)
    })
}

fn gap_kinds(gaps: &[codegen::spec::Gap]) -> BTreeMap<&str, usize> {
    let mut kinds = BTreeMap::new();
    for g in gaps {
        *kinds.entry(g.kind.as_str()).or_default() += 1;
    }
    kinds
}

fn by(run: &Witnessed, how: MatchedBy) -> usize {
    run.report.as_ref().unwrap().matches.iter().filter(|m| m.by == how).count()
}

fn overlay_of(api: &str) -> String {
    std::fs::read_to_string(repo_root().join(format!("specs/{api}/overlay.yaml"))).unwrap()
}

/// The spec of `api` built from its committed inputs with `overlay` instead of its own.
fn build_with_overlay(api: &str, overlay: &str) -> Result<Spec, xtask::Error> {
    let root = repo_root();
    let read = |name: &str| std::fs::read_to_string(root.join(format!("specs/{api}/{name}"))).unwrap();
    let (snapshot, definition) = (read("snapshot.txt"), read("definition.yaml"));
    let file = format!("specs/{api}/definition.yaml");
    let inputs = pipeline::Inputs { snapshot: &snapshot, overlay, definition: Some((&file, &definition)) };
    pipeline::build_spec(api, &inputs)
}

#[test]
fn wealthbox_has_no_definition_and_nothing_to_reconcile() {
    let run = pipeline::witnessed(&repo_root(), "wealthbox").unwrap();
    assert!(run.report.is_none() && run.definition.is_none());
    let spec = pipeline::build(&repo_root(), "wealthbox").unwrap().spec;
    assert!(spec.reconciliation.is_none() && spec.api.definition.is_none());
}

#[test]
fn nimble_every_operation_of_the_page_pairs_with_one_of_the_definition_and_is_routed() {
    let (run, spec) = built("nimble");
    let definition = &run.definition.as_ref().unwrap().draft;
    assert_eq!(definition.operations.len(), 89);
    assert_eq!(
        gap_kinds(&definition.gaps),
        BTreeMap::from([("parameter_name_note", 5), ("unreadable_schema", 16), ("unsupported_construct", 7)])
    );
    let report = run.report.as_ref().unwrap();
    assert_eq!(report.matches.len(), 70);
    assert_eq!((by(run, MatchedBy::Words), by(run, MatchedBy::ResponseKeys)), (69, 1));
    assert!(report.text_only.is_empty());
    assert_eq!(report.definition_only.len(), 19);
    // The operation whose description the scrape lost pairs by its response's keys.
    let undescribed = report.matches.iter().find(|m| m.by == MatchedBy::ResponseKeys).unwrap();
    assert_eq!(undescribed.route, (Method::Get, "/api/v2/deals/pipelines".to_string()));

    // All 70 are routed, each route with its source: the definition's (64), the page's
    // own prose (4, the definition agreeing), the overlay's (2, the definition settled).
    assert!(spec.operations.iter().all(|o| o.is_resolved()));
    let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &spec.operations {
        let kind = match op.resolved_by.as_ref().expect("every route says where it comes from") {
            Source::Def(_) => "def",
            Source::Anchor(_) => "doc",
            Source::Doc(_) => unreachable!("lines become anchors"),
            Source::Overlay(_) => "overlay",
        };
        *sources.entry(kind).or_default() += 1;
    }
    assert_eq!(sources, BTreeMap::from([("def", 64), ("doc", 4), ("overlay", 2)]));
    // The two routes the older evidence had wrong are the definition's now.
    let route = |id: &str| {
        let op = spec.operations.iter().find(|o| o.id == id).unwrap();
        (op.method.unwrap(), op.path.as_ref().unwrap().to_string(), op.resolved_by.clone().unwrap().to_string())
    };
    assert_eq!(
        route("delete_contacts_by_query"),
        (Method::Delete, "/api/v1/contacts".into(), "def:#/paths/~1api~1v1~1contacts/delete".into())
    );
    assert_eq!(
        route("list_contact_notes"),
        (
            Method::Get,
            "/api/v1/contacts/{contact_id}/notes".into(),
            "def:#/paths/~1api~1v1~1contacts~1{contact_id}~1notes/get".into()
        )
    );
    // The definition's `/api/2/` slip, settled for the overlay's `/api/v2/`.
    assert_eq!(
        route("delete_deals_tag_by_name"),
        (Method::Delete, "/api/v2/deals/tags/{tag_name}".into(), "overlay:operations.30".into())
    );
    // The operations only the definition has are listed in the spec, not generated.
    let only = &spec.reconciliation.as_ref().unwrap().definition_only;
    assert_eq!(only.len(), 19);
    assert!(only.iter().any(|o| o.method == Method::Get && o.path == "/api/v1/activities"));
    assert!(!spec.operations.iter().any(|o| o.path.as_ref().is_some_and(|p| p.as_str() == "/api/v1/activities")));
}

#[test]
fn nimble_the_old_overlay_routes_the_definition_contradicts_are_errors() {
    let overlay = overlay_of("nimble");
    // The entry as it was before the definition: its route comes from the older docs.
    let wrong = overlay.replacen(
        "    id: delete_contacts_by_query\n",
        "    id: delete_contacts_by_query\n    method: DELETE\n    path: /api/v1/contacts/list\n    cite: nimblecrm/api-docs (the older version of the docs)\n",
        1,
    );
    let err = build_with_overlay("nimble", &wrong).unwrap_err().to_string();
    assert!(
        err.starts_with("specs/nimble/overlay.yaml:") && err.contains("`operations.1`: routes `delete_contacts_by_query` as `DELETE /api/v1/contacts/list`, but the definition behind the page says `DELETE /api/v1/contacts` (def:#/paths/~1api~1v1~1contacts/delete)"),
        "{err}"
    );
    let wrong = overlay.replacen(
        "    id: list_contact_notes\n",
        "    id: list_contact_notes\n    method: GET\n    path: /api/v1/contact/{contact_id}/notes\n    cite: nimblecrm/api-docs\n",
        1,
    );
    let err = build_with_overlay("nimble", &wrong).unwrap_err().to_string();
    assert!(err.contains("but the definition behind the page says `GET /api/v1/contacts/{contact_id}/notes`"), "{err}");
    // One the definition repeats is reported removable, not refused.
    let same = overlay.replacen(
        "    id: list_contact_notes\n",
        "    id: list_contact_notes\n    method: GET\n    path: /api/v1/contacts/{contact_id}/notes\n    cite: x\n",
        1,
    );
    let spec = build_with_overlay("nimble", &same).unwrap();
    let removable: Vec<String> =
        spec.reconciliation.unwrap().removable.iter().map(|r| format!("{} {}", r.entry, r.definition)).collect();
    assert_eq!(removable, ["overlay:operations.11 def:#/paths/~1api~1v1~1contacts~1{contact_id}~1notes/get"]);
}

#[test]
fn nimble_every_disagreement_is_settled_in_the_overlay() {
    let (run, spec) = built("nimble");
    let report = run.report.as_ref().unwrap();
    assert!(report.conflicts.is_empty());
    assert!(!spec.gaps.iter().any(|g| g.kind == GapKind::DefinitionConflict));
    let mut settled: BTreeMap<(&str, Side), usize> = BTreeMap::new();
    for (fact, side, _) in &report.settled {
        *settled.entry((attribute(&fact.fact), *side)).or_default() += 1;
    }
    // The samples' nulls past Redoc's depth limit (38), the map of fields and the help
    // tour's keys (3 + 3), the messaging account's name (6), the two deal-tag routes; the
    // server and the auth the page documents.
    assert_eq!(
        settled,
        BTreeMap::from([
            (("auth", Side::Page), 1),
            (("base_url", Side::Page), 1),
            (("nullable", Side::Definition), 38),
            (("route", Side::Page), 2),
            (("type", Side::Definition), 12),
        ])
    );
    assert_eq!(spec.reconciliation.as_ref().unwrap().settled.len(), 54);
    assert_eq!(spec.api.base_url.as_ref().unwrap().url, "https://api.nimble.com");
    assert!(matches!(spec.api.auth[0], codegen::spec::AuthScheme::Bearer { .. }));
    // The statuses the scrape lost are the definition's: 9 of the page's responses are
    // 201 (and so is one the page does not show, taken whole).
    let created: Vec<bool> = spec
        .operations
        .iter()
        .filter_map(|o| o.success().filter(|r| r.status == "201"))
        .map(|r| matches!(r.source, Source::Anchor(_)) && r.taken_from.is_some())
        .collect();
    assert_eq!((created.len(), created.iter().filter(|from_page| **from_page).count()), (10, 9));
    let create_note = spec.operations.iter().find(|o| o.id == "create_note").unwrap();
    assert_eq!(
        create_note.success().unwrap().taken_from.as_ref().unwrap().to_string(),
        "def:#/paths/~1api~1v1~1contacts~1notes/post/responses/201"
    );
}

#[test]
fn nimble_numbers_are_typed_by_the_definition() {
    let (run, spec) = built("nimble");
    let report = run.report.as_ref().unwrap();
    let numbers = |facts: &[xtask::reconcile::Fact], text: &str, def: &str| {
        facts
            .iter()
            .filter(|f| f.fact.ends_with(":type"))
            .filter(|f| f.text.as_ref().is_some_and(|t| t.value == text) && f.definition.value == def)
            .count()
    };
    // Every sample number is `0`: the definition says which are integers, which not.
    assert_eq!(numbers(&report.taken, "number", "integer"), 124);
    assert_eq!(numbers(&report.agreements, "number", "number"), 28);
    let field = |ty: &str, name: &str| {
        let Some(TypeKind::Object { fields }) = spec.type_def(ty).map(|t| &t.kind) else { panic!("{ty}") };
        fields.iter().find(|f| f.name == name).unwrap().clone()
    };
    // A number the definition states stays a number, though its examples are whole.
    assert_eq!(field("DealsDealFile", "file_size").ty, TypeRef::Number);
    assert_eq!(field("DealsDealView", "age_in_days").ty, TypeRef::Number);
    // One it says is an integer is one, with the definition's place as its source.
    let stage = field("PipelineDealStage", "expected_days");
    assert_eq!(stage.ty, TypeRef::Integer);
    assert!(matches!(&stage.taken_from, Some(Source::Def(_))), "{:?}", stage.taken_from);
}

#[test]
fn activecampaign_every_operation_pairs_and_the_definition_types_the_bodies() {
    let (run, spec) = built("activecampaign");
    let definition = &run.definition.as_ref().unwrap().draft;
    assert_eq!(definition.operations.len(), 256);
    assert_eq!(
        gap_kinds(&definition.gaps),
        BTreeMap::from([("string_body", 23), ("unreadable_schema", 7), ("unsupported_construct", 9)])
    );
    let report = run.report.as_ref().unwrap();
    assert_eq!(report.matches.len(), 50);
    assert_eq!((by(run, MatchedBy::Words), by(run, MatchedBy::RequestSchema), by(run, MatchedBy::Route)), (32, 7, 11));
    assert!(report.text_only.is_empty());
    assert_eq!(report.definition_only.len(), 206);
    // The routes the page states all agree; so do the base URL and auth, but the overlay's
    // entries name and describe what the definition does not: not removable.
    assert_eq!(report.agreements.iter().filter(|f| f.fact == "route").count(), 50);
    assert!(report.agreements.iter().any(|f| f.scope == Scope::Api && f.fact == "base_url"));
    assert!(report.redundant_overlay_entries().is_empty());
    // "Update an existing deal" is the description of two operations of the definition;
    // the one without parameters is the page's.
    let update = report.matches.iter().find(|m| run.draft.operations[m.text].title == "Update an existing deal");
    assert_eq!(update.unwrap().route, (Method::Patch, "/deals/bulkUpdate".to_string()));

    // 21 request bodies, each a model of the definition's schema, with its fields only.
    let bodies: Vec<&TypeRef> = spec.operations.iter().filter_map(|o| o.request.as_ref()).map(|b| &b.ty).collect();
    assert_eq!(bodies.len(), 21);
    for body in &bodies {
        let name = body.named().unwrap_or_else(|| panic!("untyped body {body}"));
        let def = spec.type_def(name).unwrap();
        let TypeKind::Object { fields } = &def.kind else { panic!("{name} is not an object") };
        assert!(!fields.is_empty(), "{name}");
        assert!(def.sources.iter().all(|s| matches!(s, Source::Def(_))), "{name}: {:?}", def.sources);
    }
    // 49 success responses: 39 objects, 4 object schemas without properties (any JSON),
    // 6 bare strings (untyped, each with a gap).
    let successes: Vec<Option<&TypeRef>> =
        spec.operations.iter().filter_map(|o| o.success()).map(|r| r.ty.as_ref()).collect();
    assert_eq!(successes.len(), 49);
    let objects = successes.iter().filter(|t| t.and_then(|t| t.named()).is_some()).count();
    let any = successes.iter().filter(|t| **t == Some(&TypeRef::Any)).count();
    let none = successes.iter().filter(|t| t.is_none()).count();
    assert_eq!((objects, any, none), (39, 4, 6));
    let string_bodies: Vec<&codegen::spec::Gap> = spec
        .gaps
        .iter()
        .filter(|g| g.kind == GapKind::StringBody && g.source.to_string().contains("/responses/2"))
        .collect();
    assert_eq!(string_bodies.len(), 6);
    assert_eq!(spec.gaps.iter().filter(|g| g.kind == GapKind::ResponseNotShown).count(), 6);
    // The page's parameters stay as they are: none added or dropped, names byte for byte.
    let page_params: Vec<&str> = spec
        .operations
        .iter()
        .flat_map(|o| &o.parameters)
        .filter(|p| matches!(p.source, Source::Anchor(_)))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(page_params.len(), 83);
    assert!(page_params.contains(&"Fitlers[due_before]"));
    assert_eq!(spec.gaps.iter().filter(|g| g.kind == GapKind::TruncatedDescription).count(), 7);
    // One disagreement, settled: the page lists a 403 the definition does not have.
    let settled: Vec<(&str, Side)> = report.settled.iter().map(|(f, side, _)| (f.fact.as_str(), *side)).collect();
    assert_eq!(settled, [("responses.403", Side::Page)]);
}

#[test]
fn activecampaign_examples_the_definitions_own_schemas_refuse_are_gaps_not_fixtures() {
    let (_, spec) = built("activecampaign");
    let mismatches: Vec<&codegen::spec::Gap> =
        spec.gaps.iter().filter(|g| g.kind == GapKind::ExampleMismatch).collect();
    assert_eq!(mismatches.len(), 35);
    let deals = mismatches.iter().find(|g| g.source.to_string().starts_with("def:#/paths/~1deals/get")).unwrap();
    assert!(deals.message.contains("`deals[1].hash` is a key the schema does not list"), "{}", deals.message);
    let meta =
        mismatches.iter().find(|g| g.source.to_string().starts_with("def:#/paths/~1dealCustomFieldMeta/post")).unwrap();
    assert!(meta.message.contains("is `1` where the schema says boolean"), "{}", meta.message);
    // The examples that fit are kept: each a fixture.
    let fixtures: usize = spec
        .operations
        .iter()
        .flat_map(|o| o.request.iter().flat_map(|r| &r.examples).chain(o.responses.iter().flat_map(|r| &r.examples)))
        .filter(|e| e.valid_json)
        .count();
    assert_eq!(fixtures, 96);
}
