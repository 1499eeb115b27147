//! `cargo xtask openapi`: the OpenAPI 3.1 document of a normalized spec, so the vendors'
//! APIs can be fed to the rest of the ecosystem (Swagger UI, Postman, other
//! generators). This module owns the mapping; it reads only the spec.
//!
//! Mapping:
//! - types: `string`, `integer`, `number`, `boolean` as themselves; `date` as a string of
//!   format `date`; `datetime` as a string, of format `date-time` only when the API's
//!   first timestamp format is RFC 3339 (else the chrono format is given as
//!   `x-datetime-format`); `any` as the empty schema; `array<T>` and `map<T>` as arrays
//!   and objects with `additionalProperties`; a name as a `$ref` into
//!   `components/schemas`. Objects list their fields with wire names (`required` from the
//!   spec; nullable fields accept `null`); enums list their values and say
//!   `x-open-enum: true` (the generated clients keep values they do not know); unknown
//!   types are `type: object`;
//! - auth: `api_key_header` as an `apiKey` in a header, `bearer` as HTTP bearer,
//!   `oauth2` as an authorization-code flow with its URLs and scopes; any one scheme
//!   authenticates a request;
//! - the base URL as the server, its `{placeholders}` as server variables;
//! - operations under their path and method, with `operationId` (the spec id), the
//!   resource as tag, parameters by wire name (arrays in the query as repeated keys),
//!   request bodies, responses with their examples (valid JSON only), and `x-source`;
//! - operations without method or path (unresolved), or whose method and path another
//!   operation already has, cannot be paths: they are listed in
//!   `x-unplaced-operations` with the reason;
//! - the API's error body (the overlay's `error_body`, which the vendor gives for every
//!   unsuccessful response) as the responses `4XX` and `5XX`, not as `default`: next to
//!   a documented 2xx, progenitor reads a `default` response as a second success type; and as the body of an error status the operation
//!   documents without one (with `x-content-source`), so that an operation has one error
//!   type;
//! - in OpenAPI 3.0 ([`Version::V3_0`], for the generators that read no 3.1: progenitor,
//!   typify): the same document, with `nullable: true` (around a `$ref`: `allOf` of the
//!   reference) instead of `anyOf` with `type: null`.

use serde_json::{json, Map, Value};

use codegen::spec::{AuthScheme, Example, Operation, ParamLocation, Spec, TypeDef, TypeKind, TypeRef};

/// The OpenAPI version written.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The OpenAPI version written for generators that read 3.0 only.
pub const OPENAPI_3_0_VERSION: &str = "3.0.3";

/// The version of OpenAPI a document is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Version {
    /// OpenAPI 3.1 ([`OPENAPI_VERSION`]).
    #[default]
    V3_1,
    /// OpenAPI 3.0 ([`OPENAPI_3_0_VERSION`]): the same facts; nullable written `nullable: true`.
    V3_0,
}

/// The OpenAPI 3.1 document of `spec`, as JSON.
pub fn document(spec: &Spec) -> Value {
    document_in(spec, Version::V3_1)
}

/// The OpenAPI document of `spec` in `version`, as JSON.
pub fn document_in(spec: &Spec, version: Version) -> Value {
    let api = &spec.api;
    let mut doc = Map::new();
    let openapi = match version {
        Version::V3_1 => OPENAPI_VERSION,
        Version::V3_0 => OPENAPI_3_0_VERSION,
    };
    doc.insert("openapi".into(), json!(openapi));
    doc.insert(
        "info".into(),
        json!({
            "title": api.title,
            "version": api.version.clone().unwrap_or_else(|| "unversioned".into()),
            "description": format!(
                "Exported by `cargo xtask openapi` from the normalized spec `specs/{}.yaml`, read from the vendor's documentation `{}`.",
                api.name, api.snapshot
            ),
        }),
    );
    if let Some(base) = &api.base_url {
        let mut server = Map::new();
        server.insert("url".into(), json!(base.url));
        if !base.variables.is_empty() {
            let vars: Map<String, Value> = base
                .variables
                .iter()
                .map(|v| {
                    let mut var = Map::new();
                    // The spec knows no default; the placeholder's name stands in for it.
                    var.insert("default".into(), json!(v.name));
                    if let Some(d) = &v.description {
                        var.insert("description".into(), json!(d));
                    }
                    (v.name.clone(), Value::Object(var))
                })
                .collect();
            server.insert("variables".into(), Value::Object(vars));
        }
        doc.insert("servers".into(), json!([server]));
    }
    let schemes = security_schemes(&api.auth);
    if !schemes.is_empty() {
        let security: Vec<Value> = schemes.iter().map(|(name, _)| json!({ name: [] })).collect();
        doc.insert("security".into(), Value::Array(security));
    }

    let mut paths: Map<String, Value> = Map::new();
    let mut unplaced = Vec::new();
    for op in &spec.operations {
        let (Some(method), Some(path)) = (op.method, op.path.as_ref().map(|p| p.as_str())) else {
            unplaced.push(json!({
                "operationId": op.id,
                "summary": op.summary,
                "reason": "unresolved: the document gives no method and path",
                "x-source": op.source.to_string(),
            }));
            continue;
        };
        let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        let key = method.as_str().to_ascii_lowercase();
        let Some(item) = item.as_object_mut() else { continue };
        if let Some(other) = item.get(&key) {
            unplaced.push(json!({
                "operationId": op.id,
                "summary": op.summary,
                "reason": format!("{} {path} is already the path of `{}`", method.as_str(), other["operationId"].as_str().unwrap_or("?")),
                "x-source": op.source.to_string(),
            }));
            continue;
        }
        item.insert(key, operation(spec, op));
    }
    doc.insert("paths".into(), Value::Object(paths));

    let mut components = Map::new();
    let schemas: Map<String, Value> =
        spec.types.iter().map(|t| (t.name.clone(), type_schema(spec, t, version))).collect();
    components.insert("schemas".into(), Value::Object(schemas));
    if !schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(schemes.into_iter().collect()));
    }
    doc.insert("components".into(), Value::Object(components));
    if !unplaced.is_empty() {
        doc.insert("x-unplaced-operations".into(), Value::Array(unplaced));
    }
    Value::Object(doc)
}

fn security_schemes(auth: &[AuthScheme]) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    for scheme in auth {
        let (base, value) = match scheme {
            AuthScheme::ApiKeyHeader { header, description, source } => {
                let mut v = json!({ "type": "apiKey", "in": "header", "name": header, "x-source": source.to_string() });
                if let Some(d) = description {
                    v["description"] = json!(d);
                }
                ("apiKey", v)
            }
            AuthScheme::Bearer { description, source } => {
                let mut v = json!({ "type": "http", "scheme": "bearer", "x-source": source.to_string() });
                if let Some(d) = description {
                    v["description"] = json!(d);
                }
                ("bearer", v)
            }
            AuthScheme::OAuth2 { authorize_url, token_url, grants, scopes, source, .. } => {
                let scopes: Map<String, Value> =
                    scopes.iter().map(|s| (s.name.clone(), json!(s.description.clone().unwrap_or_default()))).collect();
                let mut flow = json!({ "authorizationUrl": authorize_url, "tokenUrl": token_url, "scopes": scopes });
                if grants.iter().any(|g| g == "refresh_token") {
                    flow["refreshUrl"] = json!(token_url);
                }
                (
                    "oauth2",
                    json!({ "type": "oauth2", "flows": { "authorizationCode": flow }, "x-source": source.to_string() }),
                )
            }
        };
        let mut name = base.to_string();
        let mut n = 2;
        while out.iter().any(|(k, _)| *k == name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((name, value));
    }
    out
}

/// The JSON Schema of a type reference.
fn schema(spec: &Spec, ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => json!({ "type": "string" }),
        TypeRef::Integer => json!({ "type": "integer" }),
        TypeRef::Number => json!({ "type": "number" }),
        TypeRef::Boolean => json!({ "type": "boolean" }),
        TypeRef::Date => json!({ "type": "string", "format": "date" }),
        TypeRef::DateTime => match spec.api.datetime_formats.first().map(String::as_str) {
            None | Some("rfc3339") => json!({ "type": "string", "format": "date-time" }),
            Some(format) => json!({ "type": "string", "x-datetime-format": format }),
        },
        TypeRef::Any => json!({}),
        TypeRef::Array(inner) => json!({ "type": "array", "items": schema(spec, inner) }),
        TypeRef::Map(inner) => json!({ "type": "object", "additionalProperties": schema(spec, inner) }),
        TypeRef::Named(name) => json!({ "$ref": schema_ref(name) }),
    }
}

/// The `$ref` of a named type.
pub fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{name}")
}

/// `schema`, accepting `null` too.
fn nullable(schema: Value, version: Version) -> Value {
    match version {
        Version::V3_1 => json!({ "anyOf": [schema, { "type": "null" }] }),
        // 3.0 ignores a `$ref`'s siblings: the reference goes under `allOf`.
        Version::V3_0 if schema.get("$ref").is_some() => json!({ "allOf": [schema], "nullable": true }),
        Version::V3_0 => {
            let mut schema = schema;
            schema["nullable"] = json!(true);
            schema
        }
    }
}

fn type_schema(spec: &Spec, t: &TypeDef, version: Version) -> Value {
    let mut out = match &t.kind {
        TypeKind::Object { fields } => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for f in fields {
                let mut s = schema(spec, &f.ty);
                if f.nullable {
                    s = nullable(s, version);
                }
                let o = s.as_object_mut().expect("schemas are objects");
                if let Some(d) = &f.description {
                    o.insert("description".into(), json!(d));
                }
                if let Some(d) = &f.default {
                    insert_default(o, &f.ty, d);
                }
                if f.deprecated {
                    o.insert("deprecated".into(), json!(true));
                }
                o.insert("x-source".into(), json!(f.source.to_string()));
                if f.required {
                    required.push(json!(f.name));
                }
                properties.insert(f.name.clone(), s);
            }
            let mut o = json!({ "type": "object", "properties": properties });
            if !required.is_empty() {
                o["required"] = Value::Array(required);
            }
            o
        }
        TypeKind::Enum { values } => json!({ "type": "string", "enum": values, "x-open-enum": true }),
        TypeKind::Unknown => json!({ "type": "object", "x-undefined": "named by the document but never defined" }),
    };
    if let Some(d) = &t.description {
        out["description"] = json!(d);
    }
    out["x-sources"] = json!(t.sources.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    out
}

/// A default as the document writes it: as JSON when the type is a number, a boolean,
/// an array or a map and the text reads as one (`3`, `true`, `[]`), else the text;
/// `None` when the text is no value of such a type (a definition's `null` for an
/// integer), which the export keeps as `x-default` (generators refuse a `default` of
/// another type).
fn default_value(ty: &TypeRef, text: &str) -> Option<Value> {
    let parsed = || serde_json::from_str::<Value>(text).ok();
    match ty {
        TypeRef::Integer | TypeRef::Number => parsed().filter(Value::is_number),
        TypeRef::Boolean => parsed().filter(Value::is_boolean),
        TypeRef::Array(_) => parsed().filter(Value::is_array),
        TypeRef::Map(_) => parsed().filter(Value::is_object),
        _ => Some(json!(text)),
    }
}

/// `default` (or `x-default`, see [`default_value`]) in `schema`.
fn insert_default(schema: &mut Map<String, Value>, ty: &TypeRef, text: &str) {
    match default_value(ty, text) {
        Some(value) => schema.insert("default".into(), value),
        None => schema.insert("x-default".into(), json!(text)),
    };
}

fn examples(list: &[Example]) -> Option<Value> {
    let valid: Vec<&Example> = list.iter().filter(|e| e.valid_json).collect();
    if valid.is_empty() {
        return None;
    }
    let map: Map<String, Value> = valid
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let value: Value = serde_json::from_str(&e.json).ok()?;
            let mut ex = json!({ "value": value, "x-source": e.source.to_string() });
            if let Some(t) = &e.title {
                ex["summary"] = json!(t);
            }
            Some((format!("example{}", i + 1), ex))
        })
        .collect();
    Some(Value::Object(map))
}

fn operation(spec: &Spec, op: &Operation) -> Value {
    let mut o = Map::new();
    o.insert("operationId".into(), json!(op.id));
    o.insert("tags".into(), json!([op.resource]));
    if let Some(s) = &op.summary {
        o.insert("summary".into(), json!(s));
    }
    if let Some(d) = &op.description {
        o.insert("description".into(), json!(d));
    }
    if !op.parameters.is_empty() {
        let params: Vec<Value> = op
            .parameters
            .iter()
            .map(|p| {
                let location = match p.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Header => "header",
                    // Only on unrouted operations, which are not paths (`x-unplaced-operations`).
                    ParamLocation::Unknown => "unknown",
                };
                let mut s = schema(spec, &p.ty);
                if let Some(d) = &p.default {
                    insert_default(s.as_object_mut().expect("schemas are objects"), &p.ty, d);
                }
                let mut v = json!({
                    "name": p.name,
                    "in": location,
                    "required": p.required || p.location == ParamLocation::Path,
                    "schema": s,
                });
                if p.deprecated {
                    v["deprecated"] = json!(true);
                }
                if let Some(d) = &p.description {
                    v["description"] = json!(d);
                }
                if matches!(p.ty, TypeRef::Array(_)) && p.location == ParamLocation::Query {
                    v["style"] = json!("form");
                    v["explode"] = json!(true);
                }
                v["x-source"] = json!(p.type_source.as_ref().unwrap_or(&p.source).to_string());
                v
            })
            .collect();
        o.insert("parameters".into(), Value::Array(params));
    }
    if let Some(r) = &op.request {
        let mut media = json!({ "schema": schema(spec, &r.ty) });
        if let Some(ex) = examples(&r.examples) {
            media["examples"] = ex;
        }
        o.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { r.content_type.clone(): media }, "x-source": r.source.to_string() }),
        );
    }
    let mut responses = Map::new();
    for r in &op.responses {
        // `5xx` is written `5XX`; `default` stays as it is.
        let status = if r.status == "default" { r.status.clone() } else { r.status.to_ascii_uppercase() };
        let description = r
            .description
            .clone()
            .or_else(|| spec.api.statuses.iter().find(|s| s.status == r.status).map(|s| s.title.clone()))
            .unwrap_or_else(|| format!("Status {}", r.status));
        let mut v = json!({ "description": description, "x-source": r.source.to_string() });
        if let Some(ty) = &r.ty {
            let mut media = json!({ "schema": schema(spec, ty) });
            if let Some(ex) = examples(&r.examples) {
                media["examples"] = ex;
            }
            v["content"] = json!({ "application/json": media });
        } else if let (Some(error), true) = (&spec.api.error_body, r.status.starts_with(['4', '5'])) {
            // An error status the operation shows no body for has the API's error body.
            v["content"] = json!({ "application/json": { "schema": schema(spec, &error.ty) } });
            v["x-content-source"] = json!(error.source.to_string());
        }
        responses.insert(status, v);
    }
    // The API's error body, on the error statuses (a status the operation documents
    // within them keeps its own response), unless the operation documents its own
    // `default` response.
    if let (Some(error), false) = (&spec.api.error_body, responses.contains_key("default")) {
        for range in ["4XX", "5XX"] {
            responses.entry(range).or_insert_with(|| {
                json!({
                    "description": "Unsuccessful response",
                    "content": { "application/json": { "schema": schema(spec, &error.ty) } },
                    "x-source": error.source.to_string(),
                })
            });
        }
    }
    if responses.is_empty() {
        responses.insert("default".into(), json!({ "description": "Not documented" }));
    }
    o.insert("responses".into(), Value::Object(responses));
    if let Some(p) = &op.pagination {
        o.insert("x-page-items".into(), json!(p.items));
    }
    o.insert("x-source".into(), json!(op.source.to_string()));
    Value::Object(o)
}

/// The document as text: YAML (through the one YAML module) or pretty JSON.
pub fn to_text(doc: &Value, yaml: bool) -> Result<String, crate::pipeline::Error> {
    use crate::pipeline::Error;
    if yaml {
        codegen::yaml::to_string(doc)
            .map_err(|e| Error::Write { what: "the OpenAPI document as YAML".into(), reason: e.to_string() })
    } else {
        serde_json::to_string_pretty(doc)
            .map(|s| s + "\n")
            .map_err(|e| Error::Write { what: "the OpenAPI document as JSON".into(), reason: e.to_string() })
    }
}
