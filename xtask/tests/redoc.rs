//! The Redoc-text reader on a small hand-made document (`fixtures/redoc/widgets.txt`)
//! that has every layout the Nimble scrape shows: a prose preamble with JSON and a
//! documentation table, descriptions glued to the sample before them, a multi-line
//! description, multi-line rows, a row that lost its name (recoverable, and not), a
//! name used twice, an operation whose description was lost, an error-only response;
//! and the overlay routes on top of it.

use codegen::spec::{ParamLocation, Spec, TypeKind, TypeRef};
use xtask::pipeline::build_spec_from;
use xtask::readers::redoc_text;

const DOC: &str = include_str!("fixtures/redoc/widgets.txt");
const OVERLAY: &str = "api:\n  name: widgets\n  title: Widgets\n  reader: redoc_text\n";

fn spec_with(routes: &str) -> Result<Spec, String> {
    build_spec_from("widgets", DOC, &format!("{OVERLAY}{routes}")).map_err(|e| e.to_string())
}

fn op<'a>(spec: &'a Spec, id: &str) -> &'a codegen::spec::Operation {
    spec.operations.iter().find(|o| o.id == id).unwrap_or_else(|| {
        panic!("no operation `{id}`: {:?}", spec.operations.iter().map(|o| &o.id).collect::<Vec<_>>())
    })
}

fn fields(spec: &Spec, ty: &str) -> Vec<(String, String)> {
    match &spec.type_def(ty).unwrap_or_else(|| panic!("no type {ty}")).kind {
        TypeKind::Object { fields } => fields.iter().map(|f| (f.name.clone(), f.ty.to_string())).collect(),
        other => panic!("{ty} is {other:?}"),
    }
}

#[test]
fn both_counts_find_the_five_operations() {
    let counts = redoc_text::count_operations(DOC);
    assert_eq!((counts.described, counts.undescribed), (4, 1));
    assert_eq!((counts.responses, counts.without_response), (5, 0));
    assert_eq!(counts.by_descriptions, counts.by_samples);
    let spec = spec_with("").unwrap();
    let ids: Vec<&str> = spec.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["returns_current_account", "list_widgets", "updates_widget_choice", "undescribed_widgets", "deletes_widget"]
    );
    assert!(spec.gaps.iter().all(|g| g.kind != codegen::spec::GapKind::OperationCount));
}

#[test]
fn descriptions_are_the_text_before_rows_and_samples_not_the_prose() {
    let spec = spec_with("").unwrap();
    let account = op(&spec, "returns_current_account");
    assert_eq!(account.source.to_string(), "doc:returns-current-account");
    assert_eq!(account.summary.as_deref(), Some("Returns the current account"));
    assert!(account.parameters.is_empty(), "the documentation table is not parameters");
    let update = op(&spec, "updates_widget_choice");
    assert_eq!(update.description.as_deref(), Some("Updates a widget choice. Several\nlines of description."));
}

#[test]
fn rows_give_type_format_default_enum_and_deprecation() {
    let spec = spec_with("").unwrap();
    let list = op(&spec, "list_widgets");
    let names: Vec<&str> = list.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["page", "kind", "owner_id"]);
    assert!(list.parameters.iter().all(|p| p.location == ParamLocation::Unknown), "unresolved: location unknown");
    assert_eq!(list.parameters[0].ty, TypeRef::Integer);
    assert_eq!(list.parameters[0].default.as_deref(), Some("1"));
    assert_eq!(list.parameters[1].ty, TypeRef::Named("WidgetsWidgetKind".into()));
    let TypeKind::Enum { values } = &spec.type_def("WidgetsWidgetKind").unwrap().kind else { panic!() };
    assert_eq!(values, &["round", "square"]);
    let owner = &list.parameters[2];
    assert!(owner.deprecated);
    assert_eq!(owner.format.as_deref(), Some("ObjectId"));
    assert_eq!(owner.description.as_deref(), Some("Filter by owner, with a wrapped description"));
}

#[test]
fn body_rows_follow_the_request_sample_and_a_lost_name_is_recovered_from_it() {
    let spec = spec_with("").unwrap();
    let update = op(&spec, "updates_widget_choice");
    let params: Vec<&str> = update.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(params, ["widget_id", "id"], "the first `id` is a parameter");
    let body = update.request.as_ref().expect("a request sample");
    let TypeRef::Named(body_ty) = &body.ty else { panic!("{:?}", body.ty) };
    assert_eq!(
        fields(&spec, body_ty),
        [("id".into(), "string".into()), ("style".into(), "WidgetsStyle".into()), ("notes".into(), "string".into())]
    );
    assert_eq!(fields(&spec, "WidgetsStyle"), [("color".to_string(), "string".to_string())]);
    let recovered =
        spec.gaps.iter().find(|g| g.kind == codegen::spec::GapKind::RecoveredName).expect("a recovered name");
    assert_eq!(recovered.source.to_string(), "doc:updates-widget-choice/request/style");
    let response = update.success().expect("a response after the request");
    assert_eq!(response.examples[0].json, "{\"id\": \"string\"\n}");
}

#[test]
fn response_shapes_come_from_samples() {
    let spec = spec_with("").unwrap();
    let list = op(&spec, "list_widgets");
    let TypeRef::Named(ty) = list.success().unwrap().ty.clone().unwrap() else { panic!() };
    let top = fields(&spec, &ty);
    assert_eq!(top[1].0, "widgets");
    let TypeRef::Array(item) = top[1].1.parse::<TypeRef>().unwrap() else { panic!() };
    let item = fields(&spec, &item.to_string());
    assert_eq!(
        item,
        [
            ("id".into(), "string".into()),
            ("created".into(), "datetime".into()),
            ("kind".into(), "string".into()),
            ("tags".into(), "map<string>".into())
        ]
    );
    let account = op(&spec, "returns_current_account");
    let TypeRef::Named(ty) = account.success().unwrap().ty.clone().unwrap() else { panic!() };
    assert_eq!(fields(&spec, &ty)[1], ("seats".into(), "integer".into()));
}

#[test]
fn what_cannot_be_read_is_a_gap_with_its_line() {
    let spec = spec_with("").unwrap();
    let at = |kind: &str| -> Vec<String> {
        spec.gaps.iter().filter(|g| g.kind.as_str() == kind).map(|g| g.source.to_string()).collect()
    };
    // Each at its line, anchored: the row after `widget_id`'s, the heading of the
    // operation without a description (its sample's line), the error sample.
    assert_eq!(at("nameless_row"), ["doc:deletes-widget/parameters/widget_id+1"]);
    assert_eq!(at("undescribed_operation"), ["doc:undescribed-widgets"]);
    assert_eq!(at("response_status_unknown"), ["doc:deletes-widget/response"]);
    let document = xtask::pipeline::anchor_map("widgets", DOC, OVERLAY).unwrap();
    let lines: Vec<u32> = ["nameless_row", "undescribed_operation", "response_status_unknown"]
        .iter()
        .map(|kind| document.line_of(&at(kind)[0].parse().unwrap()).unwrap())
        .collect();
    assert_eq!(lines, [48, 45, 49]);
    let delete = op(&spec, "deletes_widget");
    assert!(delete.request.is_none(), "an error sample is not a request");
    assert_eq!(delete.responses[0].status, "default");
}

#[test]
fn overlay_routes_resolve_and_locate_parameters() {
    let routes = "operations:\n  - description_starts_with: Updates a widget choice.\n    method: PUT\n    path: /v1/widgets/{widget_id}/choices/{id}\n    cite: test\n  - response_keys: [widgets]\n    method: GET\n    path: /v1/widgets/all\n    cite: test\n";
    let spec = spec_with(routes).unwrap();
    let update = op(&spec, "updates_widget_choice");
    assert_eq!(update.resolved_by.as_ref().unwrap().to_string(), "overlay:operations.0");
    assert!(update.parameters.iter().all(|p| p.location == ParamLocation::Path));
    assert_eq!(op(&spec, "undescribed_widgets").path.as_ref().map(|p| p.as_str()), Some("/v1/widgets/all"));
    let r = xtask::report::Resolution::of(&spec);
    assert_eq!((r.from_overlay, r.from_snapshot, r.unresolved), (2, 0, 3));
    assert!(xtask::report::require_resolved(&spec).unwrap_err().contains("3 operation(s)"));
}

#[test]
fn routes_that_match_nothing_or_several_or_misquote_their_line_are_errors() {
    let route = |prefix: &str| {
        format!(
            "operations:\n  - description_starts_with: \"{prefix}\"\n    method: GET\n    path: /x\n    cite: test\n"
        )
    };
    let none = spec_with(&route("Returns the former account")).unwrap_err();
    assert!(none.contains("operations.0") && none.contains("does not have"), "{none}");
    let several = spec_with(&route("L")).unwrap_err();
    assert!(several.contains("does not have"), "a prefix is whole words: {several}");
    let several =
        spec_with("operations:\n  - response_keys: [id]\n    method: GET\n    path: /x\n    cite: t\n").unwrap_err();
    assert!(several.contains("does not have"), "{several}");
    // A route the snapshot states: the one line holding the quote resolves it, and is an
    // anchor named by the quote (prose the reader places no anchor in).
    let stated = |quote: &str| {
        format!("operations:\n  - description_starts_with: Deletes a widget\n    method: DELETE\n    path: /v1/widgets/{{widget_id}}\n    stated_by: \"{quote}\"\n    cite: t\n")
    };
    let overlay = format!("{OVERLAY}{}", stated("https://api.example.test/v1 with a bearer"));
    let spec = build_spec_from("widgets", DOC, &overlay).unwrap();
    let resolved_by = op(&spec, "deletes_widget").resolved_by.clone().unwrap();
    assert_eq!(resolved_by.to_string(), "doc:https-api-example-test-v1-with-bearer");
    assert_eq!(xtask::pipeline::anchor_map("widgets", DOC, &overlay).unwrap().line_of(&resolved_by), Some(1));
    let err = spec_with(&stated("https://api.example.test/v2")).unwrap_err();
    assert!(err.contains("operations.0") && err.contains("which no line of the snapshot holds"), "{err}");
    let err = spec_with(&stated("string")).unwrap_err();
    assert!(err.contains("which lines 8, 10, 14, 15, 22, 26, 27, 33, 34, 35, 37, 39, 43, 44, 47 all hold"), "{err}");
    // The line numbers `stated_by` replaced are refused with what to write instead.
    let old = "operations:\n  - description_starts_with: Deletes a widget\n    method: DELETE\n    path: /v1/widgets/{widget_id}\n    stated_at: 1\n    quotes: [\"https://api.example.test/v1\"]\n    cite: t\n";
    let err = spec_with(old).unwrap_err();
    assert!(err.contains("`stated_at` (a line number") && err.contains("`stated_by`"), "{err}");
}

#[test]
fn truncating_the_document_anywhere_never_panics() {
    for cut in (0..DOC.len()).filter(|&i| DOC.is_char_boundary(i)) {
        let _ = build_spec_from("widgets", &DOC[..cut], OVERLAY);
    }
}

#[test]
fn the_client_has_methods_for_routed_operations_only_and_models_for_all() {
    let routes = "operations:\n  - description_starts_with: Updates a widget choice.\n    method: PUT\n    path: /v1/widgets/{widget_id}/choices/{id}\n    cite: test\n";
    let spec = spec_with(routes).unwrap();
    let files = xtask::pipeline::generate_files(&spec).unwrap();
    let resources: String = files
        .iter()
        .filter(|f| f.path.starts_with("generated/widgets/src/resources/"))
        .map(|f| f.contents.as_str())
        .collect();
    // `PUT /v1/widgets/{widget_id}/choices/{id}` is no item of the widgets collection:
    // the document's words name it, without the resource's name.
    assert_eq!(op(&spec, "updates_widget_choice").rust_name, "update_choice");
    assert!(resources.contains("pub fn update_choice("), "{resources}");
    for unrouted in ["list_widgets", "deletes_widget", "returns_current_account"] {
        let name = &op(&spec, unrouted).rust_name;
        assert!(!resources.contains(&format!("pub fn {name}(")), "{unrouted} has no route, so no method");
    }
    let models: Vec<&str> = files.iter().map(|f| f.path.as_str()).filter(|p| p.contains("/models/")).collect();
    assert!(models.contains(&"generated/widgets/src/models/list_widgets_response.rs"), "{models:?}");
    let lib = files.iter().find(|f| f.path == "generated/widgets/src/lib.rs").unwrap();
    assert!(lib.contents.contains("4 documented operations have no known method and path"), "{}", lib.contents);
}

#[test]
fn an_id_entry_names_the_operation_and_the_types_derived_from_it() {
    // A name alone cites nothing; a route with it does.
    let names = "operations:\n  - description_starts_with: List widgets.\n    id: list_all\n  - response_keys: [widgets]\n    id: widget_index\n    method: GET\n    path: /v1/widgets/index\n    cite: test\n";
    let spec = spec_with(names).unwrap();
    let ids: Vec<&str> = spec.operations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["returns_current_account", "list_all", "updates_widget_choice", "widget_index", "deletes_widget"]);
    assert!(!op(&spec, "list_all").is_resolved(), "an id alone routes nothing");
    assert_eq!(op(&spec, "widget_index").path.as_ref().map(|p| p.as_str()), Some("/v1/widgets/index"));
    assert_eq!(
        fields(&spec, "ListAllResponse")[1],
        ("widgets".to_string(), "array<ListAllResponseWidgets>".to_string())
    );
    assert!(spec.type_def("ListWidgetsResponse").is_none());
    assert!(spec.type_def("WidgetIndexResponse").is_some());

    // The whole description finds an operation whose description starts another's.
    let whole = spec_with("operations:\n  - description: Deletes a widget\n    id: drop_widget\n").unwrap();
    assert!(whole.operations.iter().any(|o| o.id == "drop_widget"));
    let part = spec_with("operations:\n  - description: Deletes\n    id: drop_widget\n").unwrap_err();
    assert!(part.contains("operations.0") && part.contains("does not have"), "{part}");
}

#[test]
fn bad_id_entries_are_errors_naming_the_entry() {
    let cases = [
        ("operations:\n  - description_starts_with: List widgets.\n    id: ListAll\n", "not a snake_case name"),
        ("operations:\n  - description_starts_with: List widgets.\n    id: deletes_widget\n", "deletes_widget"),
        (
            "operations:\n  - description_starts_with: List widgets.\n    id: a\n  - description_starts_with: List widgets.\n    id: b\n",
            "names `a` again",
        ),
        ("operations:\n  - description_starts_with: List widgets.\n    method: GET\n    path: /x\n", "has no `cite`"),
        ("operations:\n  - description_starts_with: List widgets.\n    path: /x\n    cite: t\n", "not both"),
        ("operations:\n  - description_starts_with: List widgets.\n    stated_by: List widgets.\n    id: a\n", "goes with a route"),
        ("operations:\n  - description_starts_with: List widgets.\n    description: List widgets.\n    id: a\n", "exactly one"),
    ];
    for (entry, expected) in cases {
        let err = spec_with(entry).unwrap_err();
        assert!(err.contains(expected), "{entry}: {err}");
    }
}

#[test]
fn type_names_rename_a_type_and_the_types_named_after_it() {
    let names = "type_names:\n  - type: ListWidgetsResponse\n    name: WidgetPage\n  - type: ListWidgetsResponseWidgets\n    name: Widget\n";
    let spec = spec_with(names).unwrap();
    let names: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
    for (gone, new) in [
        ("ListWidgetsResponse", "WidgetPage"),
        ("ListWidgetsResponseMeta", "WidgetPageMeta"),
        ("ListWidgetsResponseWidgets", "Widget"),
    ] {
        assert!(!names.contains(&gone) && names.contains(&new), "{gone} -> {new}: {names:?}");
    }
    assert!(names.windows(2).all(|w| w[0] < w[1]), "types stay sorted: {names:?}");
    assert_eq!(fields(&spec, "WidgetPage")[1], ("widgets".to_string(), "array<Widget>".to_string()));
    let list = op(&spec, "list_widgets");
    assert_eq!(list.success().unwrap().ty.as_ref().unwrap().to_string(), "WidgetPage");

    let unknown = spec_with("type_names:\n  - type: Gizmo\n    name: Widget\n").unwrap_err();
    assert!(unknown.contains("type_names.0") && unknown.contains("`Gizmo`"), "{unknown}");
    let lower = spec_with("type_names:\n  - type: ListWidgetsResponse\n    name: widget_page\n").unwrap_err();
    assert!(lower.contains("UpperCamelCase"), "{lower}");
    let taken = spec_with("type_names:\n  - type: ListWidgetsResponseMeta\n    name: WidgetsStyle\n").unwrap_err();
    assert!(taken.contains("WidgetsStyle"), "a name another type has is a duplicate: {taken}");
}
