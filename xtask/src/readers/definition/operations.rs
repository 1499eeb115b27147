//! The definition's operations: path items (also `$ref`'d), their methods, parameters
//! (path-level and operation-level, also `$ref`'d; an operation's own override the path's
//! of the same name and place), request bodies and responses by status (also `$ref`'d),
//! with the JSON media type's schema and examples.

use codegen::spec::{Example, Gap, GapKind, Method, ParamLocation, Pointer, Source, TypeRef};
use serde_json::Value;

use super::def_gap;
use super::document::{DefinitionError, Document};
use super::schema::{Reading, Schemas};
use crate::draft::{ByDefinition, DraftBody, DraftOperation, DraftParam, DraftResponse, DraftType};

/// Keys of a path item that are not methods the reader reads.
const PATH_ITEM_KEYS: &[&str] = &["$ref", "summary", "description", "parameters", "servers"];

/// Every operation under `paths`, in document order, each with the gaps found while
/// reading it (a schema it shares with others gives its gaps under each).
pub fn read(doc: &Document, schemas: &mut Schemas) -> Result<Vec<(DraftOperation, Vec<Gap>)>, DefinitionError> {
    let mut operations = Vec::new();
    let paths_at = Pointer::root().join("paths");
    for path in doc.object(&paths_at).keys() {
        let Some(item_at) = follow(doc, schemas, &paths_at.join(path))? else { continue };
        let shared: Vec<Pointer> = list(doc, &item_at.join("parameters"));
        for key in doc.object(&item_at).keys() {
            let method = match key.as_str() {
                "get" => Method::Get,
                "put" => Method::Put,
                "post" => Method::Post,
                "delete" => Method::Delete,
                "patch" => Method::Patch,
                "head" | "options" | "trace" => {
                    schemas.gaps.push(def_gap(
                        GapKind::UnsupportedConstruct,
                        &item_at.join(key),
                        format!(
                            "`{} {path}`: the spec's methods are GET, POST, PUT, PATCH and DELETE; not read",
                            key.to_uppercase()
                        ),
                    ));
                    continue;
                }
                k if PATH_ITEM_KEYS.contains(&k) || k.starts_with("x-") => continue,
                other => {
                    schemas.gaps.push(def_gap(
                        GapKind::UnreadKeyword,
                        &item_at.join(other),
                        format!("`{other}` is not a key of a path item; ignored"),
                    ));
                    continue;
                }
            };
            let before = schemas.gaps.len();
            let op = operation(doc, schemas, path, method, &item_at.join(key), &shared)?;
            operations.push((op, schemas.gaps[before..].to_vec()));
        }
    }
    Ok(operations)
}

/// Where the object at `at` leads through `$ref`s; `None` (with a gap) for another
/// document.
fn follow(doc: &Document, schemas: &mut Schemas, at: &Pointer) -> Result<Option<Pointer>, DefinitionError> {
    let target = doc.follow(at)?;
    if target.is_none() {
        schemas.gaps.push(def_gap(
            GapKind::ExternalRef,
            at,
            "a `$ref` into another document, which is not read; left out",
        ));
    }
    Ok(target)
}

/// Pointers of the items of the array at `at`.
fn list(doc: &Document, at: &Pointer) -> Vec<Pointer> {
    let count = doc.get(at).and_then(Value::as_array).map(Vec::len).unwrap_or(0);
    (0..count).map(|i| at.join(i)).collect()
}

fn text(doc: &Document, at: &Pointer, key: &str) -> Option<String> {
    doc.get(&at.join(key)).and_then(Value::as_str).map(String::from)
}

fn operation(
    doc: &Document,
    schemas: &mut Schemas,
    path: &str,
    method: Method,
    at: &Pointer,
    shared: &[Pointer],
) -> Result<DraftOperation, DefinitionError> {
    // What the spec has no place for. (`deprecated: false` says nothing.)
    for key in ["callbacks", "servers", "security", "deprecated"] {
        if doc.get(&at.join(key)).is_some_and(|v| v != &Value::Bool(false)) {
            schemas.gaps.push(def_gap(
                GapKind::UnsupportedConstruct,
                &at.join(key),
                format!("`{}` of `{} {path}` is not read", key, method.as_str()),
            ));
        }
    }
    // Path-level parameters first, then the operation's own, which replace the path
    // item's of the same name and place.
    let mut resolved = |places: Vec<Pointer>| -> Result<Vec<Pointer>, DefinitionError> {
        let mut out = Vec::new();
        for place in places {
            out.extend(follow(doc, schemas, &place)?);
        }
        Ok(out)
    };
    let own = resolved(list(doc, &at.join("parameters")))?;
    let shared = resolved(shared.to_vec())?;
    let key = |p: &Pointer| (text(doc, p, "name"), text(doc, p, "in"));
    let own_keys: Vec<_> = own.iter().map(key).collect();
    let mut parameters = Vec::new();
    for param_at in shared.iter().filter(|p| !own_keys.contains(&key(p))).chain(&own) {
        parameters.extend(parameter(doc, schemas, param_at)?);
    }

    let request =
        match doc.get(&at.join("requestBody")) {
            Some(_) => match follow(doc, schemas, &at.join("requestBody"))? {
                Some(body_at) => body(doc, schemas, &body_at)?
                    .map(|(content_type, shape, examples, source)| DraftBody { content_type, shape, examples, source }),
                None => None,
            },
            None => None,
        };
    let mut responses = Vec::new();
    let responses_at = at.join("responses");
    for status in doc.object(&responses_at).keys() {
        if status.starts_with("x-") {
            continue;
        }
        let Some(response_at) = follow(doc, schemas, &responses_at.join(status))? else { continue };
        let read = body(doc, schemas, &response_at)?;
        let (shape, examples) = read.map(|(_, shape, examples, _)| (shape, examples)).unwrap_or((None, Vec::new()));
        responses.push(DraftResponse {
            status: status.clone(),
            description: text(doc, &response_at, "description").filter(|d| !d.is_empty()),
            shape,
            examples,
            source: Source::Def(response_at),
            status_assumed: false,
            taken_from: None,
        });
    }
    Ok(DraftOperation {
        title: text(doc, at, "summary").unwrap_or_default(),
        id: None,
        description: text(doc, at, "description"),
        method: Some(method),
        path: Some(path.to_string()),
        resolved_by: None,
        parameters,
        request,
        responses,
        source: Source::Def(at.clone()),
        resource: None,
    })
}

fn parameter(doc: &Document, schemas: &mut Schemas, at: &Pointer) -> Result<Option<DraftParam>, DefinitionError> {
    let Some(written) = text(doc, at, "name") else {
        schemas.gaps.push(def_gap(GapKind::UnsupportedConstruct, at, "a parameter without a `name`; left out"));
        return Ok(None);
    };
    let location = match text(doc, at, "in").as_deref() {
        Some("path") => ParamLocation::Path,
        Some("query") => ParamLocation::Query,
        Some("header") => ParamLocation::Header,
        other => {
            schemas.gaps.push(def_gap(
                GapKind::UnsupportedConstruct,
                &at.join("in"),
                format!("parameter `{written}` travels in `{}`; the spec's parameters are path, query and header ones; left out", other.unwrap_or("?")),
            ));
            return Ok(None);
        }
    };
    // A name with spaces is a name and a note (`last_contacted (DEPRECATED; use
    // contexts)`): no wire name holds a space.
    let (name, note) = match written.split_once(char::is_whitespace) {
        Some((name, note)) => (name.to_string(), Some(note.trim().to_string())),
        None => (written.clone(), None),
    };
    if let Some(note) = &note {
        schemas.gaps.push(def_gap(
            GapKind::ParameterNameNote,
            &at.join("name"),
            format!("parameter name `{written}` holds a note after the name; sent as `{name}`, the note `{note}` kept out of it"),
        ));
    }
    let reading = if doc.get(&at.join("schema")).is_some() {
        schemas.read(&at.join("schema"))?
    } else {
        let why = if doc.get(&at.join("content")).is_some() { "is described by `content`" } else { "has no `schema`" };
        schemas.gaps.push(def_gap(
            GapKind::UnsupportedConstruct,
            at,
            format!("parameter `{name}` {why}; read as a string"),
        ));
        Reading::of(DraftType::Prim(TypeRef::String))
    };
    if doc.get(&at.join("explode")) == Some(&Value::Bool(false)) && matches!(reading.ty, DraftType::Array(_)) {
        schemas.gaps.push(def_gap(
            GapKind::UnsupportedConstruct,
            &at.join("explode"),
            format!("array parameter `{name}` is sent as one comma-separated value (`explode: false`); the spec sends arrays as repeated keys"),
        ));
    }
    let flag = |key: &str| doc.get(&at.join(key)) == Some(&Value::Bool(true));
    let deprecated = flag("deprecated")
        || reading.deprecated
        || note.as_deref().is_some_and(|n| n.to_ascii_uppercase().contains("DEPRECATED"));
    Ok(Some(DraftParam {
        name,
        location,
        ty: reading.ty,
        required: flag("required") || location == ParamLocation::Path,
        deprecated,
        default: reading.default,
        format: reading.format,
        description: text(doc, at, "description").or(reading.description),
        choices: reading.choices,
        source: Source::Def(at.clone()),
        by_definition: ByDefinition::stated(),
    }))
}

/// A request body or response: its JSON media type (or its only one), the shape of its
/// schema and its examples, and the media type's pointer. `None` without content.
type Body = (String, Option<DraftType>, Vec<Example>, Source);

fn body(doc: &Document, schemas: &mut Schemas, at: &Pointer) -> Result<Option<Body>, DefinitionError> {
    let content_at = at.join("content");
    let types: Vec<&String> = doc.object(&content_at).keys().collect();
    let json = types.iter().find(|t| is_json(t)).or(types.first()).map(|t| t.to_string());
    let Some(content_type) = json else { return Ok(None) };
    for other in types.iter().filter(|t| **t != &content_type) {
        schemas.gaps.push(def_gap(
            GapKind::UnsupportedConstruct,
            &content_at.join(other),
            format!("a body may also be `{other}`; only `{content_type}` is read"),
        ));
    }
    let media_at = content_at.join(&content_type);
    let schema_at = media_at.join("schema");
    let reading = match doc.get(&schema_at) {
        Some(_) => Some(schemas.read(&schema_at)?),
        None => None,
    };
    // A string example of a body that is not a string is its JSON text, as pasted.
    let pasted = !matches!(
        &reading,
        Some(Reading { ty: DraftType::Prim(TypeRef::String | TypeRef::Date | TypeRef::DateTime), .. })
            | Some(Reading { choices: Some(_), .. })
    ) || is_bare_string(&reading);
    // The schema's own example (where its `$ref`s lead), then the media type's.
    let mut examples = Vec::new();
    if let Some(end) = doc.follow(&schema_at)? {
        if doc.get(&end.join("example")).is_some() {
            examples.push(example(doc, &end.join("example"), None, pasted));
        }
        for at in list(doc, &end.join("examples")) {
            examples.push(example(doc, &at, None, pasted));
        }
    }
    if doc.get(&media_at.join("example")).is_some() {
        examples.push(example(doc, &media_at.join("example"), None, pasted));
    }
    for name in doc.object(&media_at.join("examples")).keys() {
        let Some(example_at) = follow(doc, schemas, &media_at.join("examples").join(name))? else { continue };
        if doc.get(&example_at.join("value")).is_some() {
            examples.push(example(doc, &example_at.join("value"), Some(name.clone()), pasted));
        } else {
            schemas.gaps.push(def_gap(
                GapKind::UnsupportedConstruct,
                &example_at,
                format!("example `{name}` has no `value` (an `externalValue` is not fetched); left out"),
            ));
        }
    }
    let mut unique: Vec<Example> = Vec::new();
    for e in examples {
        if !unique.iter().any(|u| u.json == e.json) {
            unique.push(e);
        }
    }
    let shape = match reading {
        // A JSON body typed as a bare string is, in the documents seen, an example pasted
        // where a shape belongs: no shape is better than a wrong one.
        bare if is_bare_string(&bare) && is_json(&content_type) => {
            let sample = unique.first().map(|e| excerpt(&e.json)).unwrap_or_default();
            schemas.gaps.push(def_gap(
                GapKind::StringBody,
                &schema_at,
                format!("a JSON body typed as a bare string (example: {sample:?}): an example where a shape belongs; left untyped"),
            ));
            None
        }
        other => other.map(|r| r.ty),
    };
    Ok(Some((content_type, shape, unique, Source::Def(media_at))))
}

/// A schema that says only "a string".
fn is_bare_string(reading: &Option<Reading>) -> bool {
    matches!(reading, Some(Reading { ty: DraftType::Prim(TypeRef::String), format: None, choices: None, .. }))
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// An example, as JSON text: a string, when `pasted`, is the example's JSON text as the
/// document pasted it; any other value is written as JSON (a YAML definition's examples
/// are YAML).
fn example(doc: &Document, at: &Pointer, title: Option<String>, pasted: bool) -> Example {
    let value = doc.get(at).cloned().unwrap_or(Value::Null);
    let json = match &value {
        Value::String(s) if pasted => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    let valid_json = serde_json::from_str::<Value>(&json).is_ok();
    Example { title, valid_json, json, source: Source::Def(at.clone()) }
}

fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &flat[..i]),
        None => flat,
    }
}
