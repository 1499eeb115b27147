//! The OpenAPI definition reader on small hand-made definitions: a 3.0 YAML one
//! (`fixtures/definition/widgets-3.0.yaml`) with every construct the reader knows
//! (`$ref`'d parameters, request bodies and responses, path-level parameters, `allOf`,
//! `nullable`, enums, formats, `additionalProperties`, a recursive type, examples) and
//! some it does not; a 3.1 JSON one (`widgets-3.1.json`: `type: [x, "null"]`, `oneOf`
//! with `null`, `const`, OAuth 2); and broken ones (`broken/`), which are errors naming
//! the file and the place.

use codegen::spec::{AuthScheme, Method, ParamLocation, Source, TypeRef};
use xtask::draft::{Draft, DraftField, DraftOperation, DraftParam, DraftType};
use xtask::readers::definition::{read, DefinitionError};

const V30: &str = include_str!("fixtures/definition/widgets-3.0.yaml");
const V31: &str = include_str!("fixtures/definition/widgets-3.1.json");

fn v30() -> Draft {
    read(V30, "widgets", "widgets-3.0.yaml").unwrap()
}

fn v31() -> Draft {
    read(V31, "widgets", "widgets-3.1.json").unwrap()
}

fn def(source: &Source) -> String {
    assert!(matches!(source, Source::Def(_)), "{source} is not a definition source");
    source.to_string()
}

fn op<'a>(draft: &'a Draft, method: Method, path: &str) -> &'a DraftOperation {
    draft
        .operations
        .iter()
        .find(|o| o.method == Some(method) && o.path.as_deref() == Some(path))
        .unwrap_or_else(|| panic!("no {} {path}", method.as_str()))
}

fn param<'a>(op: &'a DraftOperation, name: &str) -> &'a DraftParam {
    op.parameters.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no parameter {name}"))
}

fn fields(ty: &DraftType) -> &[DraftField] {
    match ty {
        DraftType::Object(o) => &o.fields,
        other => panic!("not an object: {other:?}"),
    }
}

fn field<'a>(ty: &'a DraftType, name: &str) -> &'a DraftField {
    fields(ty).iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no field {name}"))
}

fn doc_name(ty: &DraftType) -> Option<&str> {
    match ty {
        DraftType::Object(o) => o.doc_name.as_deref(),
        _ => None,
    }
}

fn prim(t: TypeRef) -> DraftType {
    DraftType::Prim(t)
}

#[test]
fn operations_in_document_order_with_their_pointers() {
    let draft = v30();
    let routes: Vec<(String, &str, &str, String)> = draft
        .operations
        .iter()
        .map(|o| (o.method.unwrap().as_str().to_string(), o.path.as_deref().unwrap(), o.title.as_str(), def(&o.source)))
        .collect();
    assert_eq!(
        routes,
        [
            ("GET".into(), "/widgets", "List widgets", "def:#/paths/~1widgets/get".into()),
            ("POST".into(), "/widgets", "Create a widget", "def:#/paths/~1widgets/post".into()),
            ("GET".into(), "/widgets/{widget_id}", "Fetch a widget", "def:#/paths/~1widgets~1{widget_id}/get".into()),
            (
                "DELETE".into(),
                "/widgets/{widget_id}",
                "Delete a widget",
                "def:#/paths/~1widgets~1{widget_id}/delete".into()
            ),
            ("GET".into(), "/remote", "Remote thing", "def:#/paths/~1remote/get".into()),
        ]
    );
    let list = op(&draft, Method::Get, "/widgets");
    assert_eq!(
        list.description.as_deref(),
        Some("Returns every widget of the account, <a href=\"https://widgets.example/docs\">newest first</a>.")
    );
}

#[test]
fn api_facts_come_from_info_the_first_server_and_the_required_scheme_first() {
    let api = v30().api;
    assert_eq!((api.title.as_str(), api.version.as_deref()), ("Widgets API", Some("v2")));
    assert_eq!(api.definition.as_deref(), Some("widgets-3.0.yaml"));
    let base = api.base_url.unwrap();
    assert_eq!(base.url, "https://api.widgets.example/{region}/v2");
    assert_eq!(base.variables[0].name, "region");
    assert_eq!(base.variables[0].description.as_deref(), Some("Data region of the account"));
    assert_eq!(def(&base.source), "def:#/servers/0");
    // `Token` is required by `security`; `Basic` (HTTP basic) is not a scheme the spec
    // holds: a gap.
    assert!(matches!(
        &api.auth[..],
        [AuthScheme::ApiKeyHeader { header, description: Some(d), source }]
            if header == "X-Widget-Token" && d == "The account's API token"
                && source.to_string() == "def:#/components/securitySchemes/Token"
    ));

    let api = v31().api;
    assert!(matches!(
        &api.auth[..],
        [AuthScheme::OAuth2 { authorize_url, token_url, grants, scopes, .. }, AuthScheme::Bearer { .. }]
            if authorize_url == "https://widgets.example/oauth/authorize"
                && token_url == "https://widgets.example/oauth/token"
                && grants == &["authorization_code", "refresh_token"]
                && scopes[0].name == "widgets:read"
    ));
}

#[test]
fn parameters_refd_path_level_and_overridden() {
    let draft = v30();
    let list = op(&draft, Method::Get, "/widgets");
    let names: Vec<&str> = list.parameters.iter().map(|p| p.name.as_str()).collect();
    // The cookie parameter is left out (a gap); the name with a note is its first word.
    assert_eq!(names, ["page", "kind", "archived"]);
    let page = param(list, "page");
    assert_eq!(
        (page.location, &page.ty, page.default.as_deref()),
        (ParamLocation::Query, &prim(TypeRef::Integer), Some("1"))
    );
    assert_eq!(page.description.as_deref(), Some("Page to return"));
    assert_eq!(def(&page.source), "def:#/components/parameters/Page");
    let kind = param(list, "kind");
    assert_eq!(kind.ty, DraftType::Array(Box::new(prim(TypeRef::String))));
    let choices = kind.choices.as_ref().unwrap();
    assert_eq!(choices.values.as_deref(), Some(&["gear".to_string(), "sprocket".to_string()][..]));
    assert_eq!(choices.doc_name.as_deref(), Some("WidgetsKind"));
    assert_eq!(def(&choices.source), "def:#/components/schemas/Widgets.Kind/enum");
    let archived = param(list, "archived");
    assert!(archived.deprecated && !archived.required);
    assert_eq!(def(&archived.source), "def:#/paths/~1widgets/get/parameters/2");

    // Path-level parameters first; the operation's own `X-Request-Id` replaces the path's.
    let fetch = op(&draft, Method::Get, "/widgets/{widget_id}");
    let names: Vec<(&str, ParamLocation, bool)> =
        fetch.parameters.iter().map(|p| (p.name.as_str(), p.location, p.required)).collect();
    assert_eq!(names, [("widget_id", ParamLocation::Path, true), ("X-Request-Id", ParamLocation::Header, true)]);
    let request_id = param(fetch, "X-Request-Id");
    assert_eq!((request_id.format.as_deref(), request_id.description.as_deref()), (Some("uuid"), Some("Tracing id")));
    assert_eq!(def(&request_id.source), "def:#/paths/~1widgets~1{widget_id}/get/parameters/0");
    let delete = op(&draft, Method::Delete, "/widgets/{widget_id}");
    let shared = param(delete, "X-Request-Id");
    assert!(!shared.required);
    assert_eq!(def(&shared.source), "def:#/paths/~1widgets~1{widget_id}/parameters/1");
}

#[test]
fn schemas_ref_all_of_nullable_enum_format_and_maps() {
    let draft = v30();
    let fetch = op(&draft, Method::Get, "/widgets/{widget_id}");
    let widget = fetch.responses[0].shape.as_ref().unwrap();
    assert_eq!(doc_name(widget), Some("WidgetsWidget"));
    let names: Vec<&str> = fields(widget).iter().map(|f| f.name.as_str()).collect();
    // `allOf`: the base's properties, then the extension's.
    assert_eq!(
        names,
        [
            "id",
            "created",
            "name",
            "price",
            "stock",
            "kind",
            "owner",
            "labels",
            "extra",
            "parts",
            "shipped_on",
            "size",
            "legacy"
        ]
    );
    let id = field(widget, "id");
    assert_eq!((&id.ty, id.required, id.format.as_deref()), (&prim(TypeRef::String), true, Some("ObjectId")));
    assert_eq!(def(&id.source), "def:#/components/schemas/Widgets.Base/properties/id");
    assert_eq!(field(widget, "created").ty, prim(TypeRef::DateTime));
    assert_eq!(field(widget, "shipped_on").ty, prim(TypeRef::Date));
    let price = field(widget, "price");
    assert_eq!((&price.ty, price.required, price.format.as_deref()), (&prim(TypeRef::Number), true, Some("double")));
    let stock = field(widget, "stock");
    assert_eq!((&stock.ty, stock.required, stock.format.as_deref()), (&prim(TypeRef::Integer), false, Some("int64")));
    let kind = field(widget, "kind");
    assert!(kind.nullable);
    assert_eq!(kind.choices.as_ref().and_then(|c| c.doc_name.as_deref()), Some("WidgetsKind"));
    // `type: object` + `nullable` + a `oneOf` of one `$ref`: that type, nullable, with the
    // description written beside it.
    let owner = field(widget, "owner");
    assert!(owner.nullable);
    assert_eq!(doc_name(&owner.ty), Some("WidgetsOwner"));
    assert_eq!(owner.description.as_deref(), Some("The owner, when there is one"));
    assert_eq!(field(widget, "labels").ty, DraftType::Map(Box::new(prim(TypeRef::String))));
    assert_eq!(field(widget, "extra").ty, DraftType::Any);
    // The type contains itself through a property: a reference to its name.
    assert_eq!(field(widget, "parts").ty, DraftType::Array(Box::new(DraftType::Named("WidgetsWidget".into()))));
    assert_eq!(field(widget, "size").ty, DraftType::Any);
    let legacy = field(widget, "legacy");
    assert!(legacy.deprecated);
    assert_eq!(legacy.default.as_deref(), Some("false"));
}

#[test]
fn bodies_responses_and_examples() {
    let draft = v30();
    let create = op(&draft, Method::Post, "/widgets");
    let body = create.request.as_ref().unwrap();
    assert_eq!(body.content_type, "application/json");
    assert_eq!(def(&body.source), "def:#/components/requestBodies/NewWidget/content/application~1json");
    let shape = body.shape.as_ref().unwrap();
    assert_eq!(doc_name(shape), Some("WidgetsNewWidget"));
    let required: Vec<(&str, bool)> = fields(shape).iter().map(|f| (f.name.as_str(), f.required)).collect();
    assert_eq!(required, [("name", true), ("price", false), ("colour", false)]);
    // A YAML example is written as JSON.
    assert_eq!(body.examples[0].json, "{\n  \"name\": \"Sprocket\",\n  \"price\": 9.5\n}");
    assert!(body.examples[0].valid_json);
    assert_eq!(
        def(&body.examples[0].source),
        "def:#/components/requestBodies/NewWidget/content/application~1json/example"
    );

    let list = op(&draft, Method::Get, "/widgets");
    let ok = &list.responses[0];
    assert_eq!((ok.status.as_str(), ok.description.as_deref()), ("200", Some("A page of widgets")));
    assert_eq!(ok.examples[0].title.as_deref(), Some("one widget"));
    assert_eq!(
        def(&ok.examples[0].source),
        "def:#/paths/~1widgets/get/responses/200/content/application~1json/examples/one widget/value"
    );
    let widgets = field(ok.shape.as_ref().unwrap(), "widgets");
    assert!(matches!(&widgets.ty, DraftType::Array(inner) if doc_name(inner) == Some("WidgetsWidget")));

    let fetch = op(&draft, Method::Get, "/widgets/{widget_id}");
    let statuses: Vec<&str> = fetch.responses.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["200", "404"]);
    let not_found = &fetch.responses[1];
    assert_eq!(def(&not_found.source), "def:#/components/responses/NotFound");
    assert_eq!(doc_name(not_found.shape.as_ref().unwrap()), Some("Error"));

    // A JSON body typed as a bare string holding an example: no shape, the example kept
    // as the JSON text it is.
    let delete = op(&draft, Method::Delete, "/widgets/{widget_id}");
    assert_eq!(delete.responses[0].shape, None);
    assert_eq!(delete.responses[0].examples[0].json, "{\"deleted\": true}");
    assert!(delete.responses[0].examples[0].valid_json);
}

#[test]
fn what_is_not_understood_is_a_gap_at_its_pointer() {
    let gaps: Vec<(String, String)> = v30().gaps.iter().map(|g| (g.kind.to_string(), def(&g.source))).collect();
    let expected = [
        ("unreadable_schema", "def:#/paths/~1widgets/get/parameters/1/schema/items"),
        ("unsupported_construct", "def:#/paths/~1widgets/get/parameters/1/explode"),
        ("parameter_name_note", "def:#/paths/~1widgets/get/parameters/2/name"),
        ("unsupported_construct", "def:#/paths/~1widgets/get/parameters/3/in"),
        ("unreadable_schema", "def:#/components/schemas/Widgets.Widget/allOf/1/properties/size"),
        ("unread_keyword", "def:#/components/schemas/Widgets.NewWidget/properties/colour/not"),
        ("unsupported_construct", "def:#/paths/~1widgets/post/responses/201/content/text~1plain"),
        ("unsupported_construct", "def:#/paths/~1widgets/head"),
        ("string_body", "def:#/paths/~1widgets~1{widget_id}/delete/responses/200/content/application~1json/schema"),
        ("unsupported_construct", "def:#/paths/~1remote/get/deprecated"),
        ("external_ref", "def:#/paths/~1remote/get/responses/200/content/application~1json/schema"),
        ("unsupported_construct", "def:#/servers"),
        ("unsupported_construct", "def:#/components/securitySchemes/Basic"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(k, p)| (k.to_string(), p.to_string())).collect();
    assert_eq!(gaps, expected);
    let draft = v30();
    let message = |kind: &str| draft.gaps.iter().find(|g| g.kind.as_str() == kind).unwrap().message.clone();
    assert!(message("parameter_name_note").contains("sent as `archived`"));
    assert!(message("unreadable_schema").contains("array items"));
    assert!(message("string_body").contains("{\\\"deleted\\\": true}"), "{}", message("string_body"));
}

#[test]
fn a_3_1_definition_in_json() {
    let draft = v31();
    let fetch = op(&draft, Method::Get, "/gadgets/{id}");
    let gadget = fetch.responses[0].shape.as_ref().unwrap();
    assert_eq!(doc_name(gadget), Some("Gadget"));
    let label = field(gadget, "label");
    assert_eq!((&label.ty, label.nullable, label.required), (&prim(TypeRef::String), true, true));
    // `oneOf: [$ref itself, {type: null}]`: a nullable reference to the named type.
    let parent = field(gadget, "parent");
    assert_eq!((&parent.ty, parent.nullable), (&DraftType::Named("Gadget".into()), true));
    let status = field(gadget, "status");
    assert_eq!(status.choices.as_ref().and_then(|c| c.values.clone()), Some(vec!["active".to_string()]));
    assert_eq!(field(gadget, "weight").ty, DraftType::Any);
    // The schema's `examples` are the response's.
    assert_eq!(fetch.responses[0].examples[0].json, "{\n  \"id\": 1,\n  \"label\": null\n}");
    assert_eq!(def(&fetch.responses[0].examples[0].source), "def:#/components/schemas/Gadget/examples/0");
    // A `+json` media type, and a schema name that is not an identifier
    // (`Odd/Name`, reached by `#/components/schemas/Odd~1Name`).
    let error = &fetch.responses[1];
    assert_eq!(error.status, "default");
    assert_eq!(doc_name(error.shape.as_ref().unwrap()), Some("OddName"));
    // The same schema through a percent-encoded `$ref`; a response without content.
    let patch = op(&draft, Method::Patch, "/gadgets/{id}");
    assert_eq!(doc_name(patch.request.as_ref().unwrap().shape.as_ref().unwrap()), Some("OddName"));
    assert_eq!((patch.responses[0].status.as_str(), &patch.responses[0].shape), ("204", &None));
    let gaps: Vec<(&str, String)> = draft.gaps.iter().map(|g| (g.kind.as_str(), def(&g.source))).collect();
    assert_eq!(
        gaps,
        [
            ("unreadable_schema", "def:#/components/schemas/Gadget/properties/tags/items".into()),
            ("unreadable_schema", "def:#/components/schemas/Gadget/properties/weight/type".into()),
            ("unsupported_construct", "def:#/webhooks".into()),
        ]
    );
}

#[test]
fn a_broken_definition_is_an_error_naming_the_file_and_the_place() {
    let read_broken = |name: &str| {
        let file = format!("{}/tests/fixtures/definition/broken/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&file).unwrap();
        read(&text, "broken", &format!("broken/{name}")).unwrap_err()
    };
    let invalid = read_broken("invalid.yaml");
    assert!(matches!(&invalid, DefinitionError::Syntax { line: Some(7), .. }), "{invalid:?}");
    assert!(invalid.to_string().starts_with("broken/invalid.yaml: line 7, column 1: not valid YAML or JSON"));
    assert_eq!(
        read_broken("dangling.yaml").to_string(),
        "broken/dangling.yaml: #/paths/~1a/get/responses/200/content/application~1json/schema: `$ref` to `#/components/schemas/Missing`, which the document does not have"
    );
    assert_eq!(
        read_broken("cycle.yaml").to_string(),
        "broken/cycle.yaml: #/components/schemas/A: a cycle of `$ref`s that is not a named object type: #/components/schemas/A → #/components/schemas/B → #/components/schemas/A"
    );
    // Through a property, but of an array, which cannot be a named type.
    assert_eq!(
        read_broken("array-cycle.yaml").to_string(),
        "broken/array-cycle.yaml: #/components/schemas/Tree: a cycle of `$ref`s that is not a named object type: #/components/schemas/Tree → #/components/schemas/Tree"
    );
}

/// The same broken definitions as the definition behind an API's page, through the
/// path `cargo xtask codegen` takes (`pipeline::regenerate`): the error names the file and
/// the place, and nothing is written.
#[test]
fn a_broken_definition_stops_codegen_naming_the_file_and_the_place_and_writing_nothing() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let root = std::env::temp_dir().join(format!("xtask-broken-definition-{}", std::process::id()));
    let inputs = root.join("specs/widgets");
    for (broken, expected) in [
        ("invalid.yaml", "specs/widgets/definition.yaml: line 7, column 1: not valid YAML or JSON"),
        (
            "dangling.yaml",
            "specs/widgets/definition.yaml: #/paths/~1a/get/responses/200/content/application~1json/schema: `$ref` to `#/components/schemas/Missing`, which the document does not have",
        ),
        (
            "cycle.yaml",
            "specs/widgets/definition.yaml: #/components/schemas/A: a cycle of `$ref`s that is not a named object type",
        ),
    ] {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&inputs).unwrap();
        std::fs::copy(fixtures.join("redoc/widgets.txt"), inputs.join("snapshot.txt")).unwrap();
        std::fs::write(inputs.join("overlay.yaml"), "api:\n  name: widgets\n  title: Widgets\n  reader: redoc_text\n")
            .unwrap();
        std::fs::copy(fixtures.join("definition/broken").join(broken), inputs.join("definition.yaml")).unwrap();
        let before = files(&root);
        let Err(err) = xtask::pipeline::regenerate(&root, &["widgets".to_string()], true) else {
            panic!("{broken}: a broken definition is refused")
        };
        let err = err.to_string();
        assert!(err.starts_with(expected), "{broken}: {err}");
        assert_eq!(files(&root), before, "{broken}: nothing is written");
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// Every file under `dir`, relative to it.
fn files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_string_lossy().to_string());
            }
        }
    }
    out.sort();
    out
}
