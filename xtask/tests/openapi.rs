//! The OpenAPI export is valid by the official OpenAPI 3.1 JSON Schema (run by the
//! `jsonschema` validator), every `$ref` resolves, operation ids are unique, and path
//! parameters match the path templates.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::{openapi, pipeline};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// An official schema (its `id` key and value checked): see
/// `tests/fixtures/openapi/README.md` for its source.
fn validator_of(text: &str, id_key: &str, id: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(text).expect("the vendored schema is JSON");
    assert_eq!(schema[id_key], id);
    jsonschema::validator_for(&schema).expect("the vendored schema compiles")
}

/// The OpenAPI 3.1 schema.
fn validator() -> jsonschema::Validator {
    let text = include_str!("fixtures/openapi/schema-3.1-2022-10-07.json");
    validator_of(text, "$id", "https://spec.openapis.org/oas/3.1/schema/2022-10-07")
}

/// Every API's export in `version`.
fn documents_in(version: openapi::Version) -> Vec<(String, Value)> {
    let root = repo_root();
    pipeline::api_names(&root)
        .unwrap()
        .into_iter()
        .map(|api| {
            let spec = pipeline::read_spec(&root.join(pipeline::spec_path(&api))).unwrap();
            (api, openapi::document_in(&spec, version))
        })
        .collect()
}

fn documents() -> Vec<(String, Value)> {
    documents_in(openapi::Version::V3_1)
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).take(20).collect()
}

#[test]
fn every_export_is_valid_openapi_3_1() {
    let validator = validator();
    for (api, doc) in documents() {
        let errors = errors(&validator, &doc);
        assert!(errors.is_empty(), "{api}: the export is not valid OpenAPI 3.1:\n{}", errors.join("\n"));
    }
}

#[test]
fn the_validator_refuses_broken_documents() {
    // The check above can fail: damaged exports are refused.
    let validator = validator();
    let (_, doc) = documents().remove(0);
    let mut no_responses = doc.clone();
    let paths = no_responses["paths"].as_object_mut().unwrap();
    let (_, item) = paths.iter_mut().next().unwrap();
    let (_, op) = item.as_object_mut().unwrap().iter_mut().next().unwrap();
    op.as_object_mut().unwrap().remove("responses");
    op["responses"] = serde_json::json!({});
    assert!(!errors(&validator, &no_responses).is_empty(), "empty responses are refused");
    let mut bad_param = doc.clone();
    bad_param["paths"].as_object_mut().unwrap().insert("/x".into(), serde_json::json!({"get": {"parameters": [{"name": "a", "in": "body", "schema": {}}], "responses": {"200": {"description": "ok"}}}}));
    assert!(!errors(&validator, &bad_param).is_empty(), "a parameter in `body` is refused");
}

/// Every `$ref` string in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Resolves a local JSON pointer reference (`#/components/schemas/Name`).
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[test]
fn every_ref_resolves_and_every_type_is_referenced_by_name() {
    for (api, doc) in documents() {
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(!found.is_empty(), "{api}: no $ref at all");
        for r in &found {
            assert!(resolve(&doc, r).is_some(), "{api}: `{r}` does not resolve");
        }
        let spec = pipeline::read_spec(&repo_root().join(pipeline::spec_path(&api))).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert_eq!(schemas.len(), spec.types.len(), "{api}: one schema per type");
    }
}

#[test]
fn operation_ids_are_unique_and_every_operation_is_placed_or_listed() {
    for (api, doc) in documents() {
        let mut ids = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap().to_string();
                ids.push(id.clone());
                // Path parameters are exactly the template's placeholders.
                let placeholders: BTreeSet<&str> =
                    path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
                let declared: BTreeSet<&str> = op["parameters"]
                    .as_array()
                    .map(|ps| ps.iter().filter(|p| p["in"] == "path").map(|p| p["name"].as_str().unwrap()).collect())
                    .unwrap_or_default();
                assert_eq!(placeholders, declared, "{api}: {method} {path}");
            }
        }
        let unplaced: Vec<String> = doc["x-unplaced-operations"]
            .as_array()
            .map(|a| a.iter().map(|o| o["operationId"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        let all: BTreeSet<&String> = ids.iter().chain(&unplaced).collect();
        assert_eq!(all.len(), ids.len() + unplaced.len(), "{api}: operation ids repeat");
        let spec = pipeline::read_spec(&repo_root().join(pipeline::spec_path(&api))).unwrap();
        assert_eq!(all.len(), spec.operations.len(), "{api}: every operation is a path or listed as unplaced");
    }
}

#[test]
fn unresolved_operations_are_listed_not_dropped() {
    let root = repo_root();
    let mut spec = pipeline::read_spec(&root.join("specs/wealthbox.yaml")).unwrap();
    let before = openapi::document(&spec)["x-unplaced-operations"].as_array().map_or(0, |a| a.len());
    spec.operations[0].method = None;
    let id = spec.operations[0].id.clone();
    let doc = openapi::document(&spec);
    let unplaced = doc["x-unplaced-operations"].as_array().expect("listed");
    assert_eq!(unplaced.len(), before + 1);
    let listed = unplaced.iter().find(|o| o["operationId"] == Value::String(id.clone())).expect("listed by id");
    assert!(listed["reason"].as_str().unwrap().contains("unresolved"));
    assert!(!serde_json::to_string(&doc["paths"]).unwrap().contains(&format!("\"{id}\"")));
    assert!(errors(&validator(), &doc).is_empty());
}

#[test]
fn the_mapping_keeps_wire_names_auth_and_examples() {
    let root = repo_root();
    let spec = pipeline::read_spec(&root.join("specs/wealthbox.yaml")).unwrap();
    let doc = openapi::document(&spec);
    let list = &doc["paths"]["/v1/contacts"]["get"];
    assert_eq!(list["operationId"], "retrieve_all_contacts");
    let params = list["parameters"].as_array().unwrap();
    let contact_type = params.iter().find(|p| p["name"] == "contactType").expect("wire name kept");
    assert_eq!(contact_type["in"], "query");
    let tags = params.iter().find(|p| p["name"] == "tags").unwrap();
    assert_eq!(tags["schema"]["type"], "array");
    assert_eq!(tags["explode"], true);
    let ok = &list["responses"]["200"]["content"]["application/json"];
    assert_eq!(ok["schema"]["$ref"], "#/components/schemas/ContactPage");
    assert!(ok["examples"]["example1"]["value"]["contacts"].is_array(), "the example is the document's JSON");

    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["apiKey"]["name"], "ACCESS_TOKEN");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    let flow = &schemes["oauth2"]["flows"]["authorizationCode"];
    assert_eq!(flow["authorizationUrl"], "https://app.crmworkspace.com/oauth/authorize");
    assert!(flow["scopes"].as_object().unwrap().contains_key("data"));

    // ActiveCampaign's base URL has an account placeholder.
    let spec = pipeline::read_spec(&root.join("specs/activecampaign.yaml")).unwrap();
    let doc = openapi::document(&spec);
    assert_eq!(doc["servers"][0]["url"], "https://{account}.api-us1.com/api/3");
    assert!(doc["servers"][0]["variables"]["account"]["default"].is_string());
}

#[test]
fn yaml_and_json_texts_carry_the_same_document() {
    let spec = pipeline::read_spec(&repo_root().join("specs/activecampaign.yaml")).unwrap();
    let doc = openapi::document(&spec);
    let json: Value = serde_json::from_str(&openapi::to_text(&doc, false).unwrap()).unwrap();
    assert_eq!(json, doc);
    let yaml: Value = codegen::yaml::from_str(&openapi::to_text(&doc, true).unwrap()).unwrap();
    assert_eq!(yaml, doc);
}

/// The OpenAPI 3.0 schema (JSON Schema draft 4).
fn validator_3_0() -> jsonschema::Validator {
    let text = include_str!("fixtures/openapi/schema-3.0-2021-09-28.json");
    validator_of(text, "id", "https://spec.openapis.org/oas/3.0/schema/2021-09-28")
}

fn documents_3_0() -> Vec<(String, Value)> {
    documents_in(openapi::Version::V3_0)
}

#[test]
fn every_3_0_export_is_valid_openapi_3_0() {
    let validator = validator_3_0();
    for (api, doc) in documents_3_0() {
        assert_eq!(doc["openapi"], "3.0.3");
        let errors = errors(&validator, &doc);
        assert!(errors.is_empty(), "{api}: the 3.0 export is not valid OpenAPI 3.0:\n{}", errors.join("\n"));
        // The validator can fail: a 3.1 null type is refused.
        let mut broken = doc.clone();
        broken["components"]["schemas"].as_object_mut().unwrap().insert("X".into(), serde_json::json!({"type": "null"}));
        assert!(!self::errors(&validator, &broken).is_empty(), "{api}: `type: null` is refused in 3.0");
    }
}

/// `doc` (3.0) with `nullable: true` written back the 3.1 way (the field's annotations
/// outside the `anyOf`).
fn nullable_as_3_1(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.values_mut().for_each(nullable_as_3_1);
            if map.remove("nullable") == Some(Value::Bool(true)) {
                let mut outer = serde_json::Map::new();
                for key in ["description", "default", "deprecated", "x-source"] {
                    if let Some(v) = map.remove(key) {
                        outer.insert(key.into(), v);
                    }
                }
                let inner = match map.get("allOf").and_then(Value::as_array) {
                    Some(refs) if refs.len() == 1 && map.len() == 1 => refs[0].clone(),
                    _ => Value::Object(std::mem::take(map)),
                };
                outer.insert("anyOf".into(), serde_json::json!([inner, { "type": "null" }]));
                *value = Value::Object(outer);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_as_3_1),
        _ => {}
    }
}

#[test]
fn the_3_0_export_says_what_the_3_1_export_says() {
    let mut nullable = 0;
    for ((api, doc_3_1), (_, mut doc_3_0)) in documents().into_iter().zip(documents_3_0()) {
        nullable += serde_json::to_string(&doc_3_0).unwrap().matches("\"nullable\":true").count();
        assert!(!serde_json::to_string(&doc_3_0).unwrap().contains("\"type\":\"null\""), "{api}");
        nullable_as_3_1(&mut doc_3_0);
        doc_3_0["openapi"] = doc_3_1["openapi"].clone();
        assert!(doc_3_0 == doc_3_1, "{api}: the 3.0 export differs from the 3.1 export beyond `nullable`");
    }
    assert!(nullable > 0, "some field is nullable, so the comparison covers the difference");
}

/// The statuses of each placed operation: (api, `METHOD path`, statuses).
fn statuses(doc: &Value) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((format!("{method} {path}"), op["responses"].as_object().unwrap().keys().cloned().collect()));
        }
    }
    out
}

#[test]
fn a_default_response_is_next_to_a_2xx_only_where_the_document_gives_it() {
    // Generators (progenitor, openapi-generator) read a `default` next to a 2xx as a
    // second success type: the API's error body is on 4XX and 5XX.
    let root = repo_root();
    for (api, doc) in documents_3_0() {
        let spec = pipeline::read_spec(&root.join(pipeline::spec_path(&api))).unwrap();
        for (op, statuses) in statuses(&doc) {
            if statuses.iter().any(|s| s.starts_with('2')) && statuses.iter().any(|s| s == "default") {
                let (method, path) = op.split_once(' ').unwrap();
                let documented = spec.operations.iter().any(|o| {
                    o.method.is_some_and(|m| m.as_str().eq_ignore_ascii_case(method))
                        && o.path.as_ref().is_some_and(|p| p.as_str() == path)
                        && o.responses.iter().any(|r| r.status == "default")
                });
                assert!(documented, "{api}: {op} has a `default` next to a 2xx the document does not give");
            }
        }
    }
}

#[test]
fn every_error_status_carries_the_error_body_unless_documented_otherwise() {
    for (api, doc) in documents_3_0() {
        let error_ref = match api.as_str() {
            "wealthbox" => "#/components/schemas/ErrorResponse",
            "nimble" => "#/components/schemas/ApiError",
            _ => continue,
        };
        let mut ranges = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let responses = op["responses"].as_object().unwrap();
                if responses.contains_key("default") {
                    continue;
                }
                for (status, response) in responses.iter().filter(|(s, _)| s.starts_with(['4', '5'])) {
                    ranges += usize::from(status.ends_with("XX"));
                    let schema = &response["content"]["application/json"]["schema"];
                    assert!(
                        schema["$ref"] == error_ref || response["x-content-source"].is_null(),
                        "{api}: {method} {path} {status}: {response}"
                    );
                    assert!(schema.is_object(), "{api}: {method} {path} {status} has no body");
                }
            }
        }
        assert!(ranges > 0, "{api}: 4XX and 5XX are written");
    }
}

/// Every `default` under `value` whose schema has a `type`: (where, type, default).
fn defaults(value: &Value, at: &str, out: &mut Vec<(String, String, Value)>) {
    match value {
        Value::Object(map) => {
            if let (Some(default), Some(Value::String(ty))) = (map.get("default"), map.get("type")) {
                out.push((at.to_string(), ty.clone(), default.clone()));
            }
            map.iter().for_each(|(k, v)| defaults(v, &format!("{at}/{k}"), out));
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| defaults(v, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_default_is_a_value_of_its_type() {
    // Generators (typify) refuse a default of another type; a definition's `null` for an
    // integer stays, as `x-default`.
    let mut seen = BTreeSet::new();
    for (api, doc) in documents() {
        let mut found = Vec::new();
        defaults(&doc, "", &mut found);
        for (at, ty, default) in found {
            let fits = match ty.as_str() {
                "integer" => default.is_i64() || default.is_u64(),
                "number" => default.is_number(),
                "boolean" => default.is_boolean(),
                "array" => default.is_array(),
                "object" => default.is_object(),
                _ => default.is_string(),
            };
            assert!(fits, "{api}: {at}: the default {default} is not a {ty}");
            seen.insert(ty);
        }
    }
    assert!(seen.contains("array") && seen.contains("boolean"), "arrays' and booleans' defaults are checked: {seen:?}");
    let spec = pipeline::read_spec(&repo_root().join("specs/activecampaign.yaml")).unwrap();
    let doc = openapi::document(&spec);
    let order = &doc["components"]["schemas"]["CreateDealStage"]["properties"]["order"];
    assert_eq!((&order["default"], &order["x-default"]), (&Value::Null, &Value::String("null".into())), "{order}");
}
