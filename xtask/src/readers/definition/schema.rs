//! Schemas of the definition into draft types: `$ref` (a `components/schemas` entry is a
//! type the document names: `Contacts.ContactType` → `ContactsContactType`), `allOf`,
//! `oneOf`/`anyOf` with one alternative besides `null`, `nullable` (3.0) and
//! `type: [x, "null"]` (3.1), `enum` and `const`, `format` (`date` and `date-time` are
//! types, other words are kept as the format), `required`, `additionalProperties`. A
//! construct with no reading in the type language is a gap at its pointer and reads as
//! `any`; a keyword the reader does not know is a gap too. A named type that contains
//! itself through an object's property is a reference to its name; any other cycle is an
//! error.

use codegen::spec::{Gap, GapKind, Pointer, Source, TypeRef};
use serde_json::{Map, Value};

use super::def_gap;
use super::document::{DefinitionError, Document, Keys};
use crate::draft::{doc_type_name, ByDefinition, Choices, DraftField, DraftObject, DraftType};

/// Keywords the reader knows but that say nothing the type language holds (validation
/// and annotations): read without a gap.
const IGNORED: &[&str] = &[
    "title",
    "example",
    "examples",
    "readOnly",
    "writeOnly",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "xml",
    "externalDocs",
    "discriminator",
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "contentMediaType",
    "contentEncoding",
];

/// Keywords the reader reads.
const READ: &[&str] = &[
    "$ref",
    "type",
    "format",
    "enum",
    "const",
    "nullable",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "description",
    "default",
    "deprecated",
];

/// What a schema says about a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// Its type.
    pub ty: DraftType,
    /// `null` is allowed.
    pub nullable: bool,
    /// Its allowed values.
    pub choices: Option<Choices>,
    /// The format word, when it is not a type of its own (`int32`, `email`).
    pub format: Option<String>,
    /// The default, as text (`all`, `true`, `30`).
    pub default: Option<String>,
    /// The document's words.
    pub description: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
}

impl Reading {
    /// A reading that says only the type.
    pub fn of(ty: DraftType) -> Reading {
        Reading {
            ty,
            nullable: false,
            choices: None,
            format: None,
            default: None,
            description: None,
            deprecated: false,
        }
    }
}

/// The schema reader of one document: the gaps it found, and the `$ref`s it is inside.
pub struct Schemas<'d> {
    doc: &'d Document,
    /// What it could not read.
    pub gaps: Vec<Gap>,
    /// Targets of the `$ref`s being read, each with the number of object properties the
    /// walk was inside when it went in.
    stack: Vec<(Pointer, usize)>,
    /// Object properties the walk is inside.
    depth: usize,
}

impl<'d> Schemas<'d> {
    /// A reader for the schemas of `doc`.
    pub fn new(doc: &'d Document) -> Self {
        Schemas { doc, gaps: Vec::new(), stack: Vec::new(), depth: 0 }
    }

    /// Reads the schema at `at`.
    pub fn read(&mut self, at: &Pointer) -> Result<Reading, DefinitionError> {
        self.read_as(at, None)
    }

    /// The name of the `components/schemas` entry at `at`, if that is what it is.
    fn component_name(at: &Pointer) -> Option<&str> {
        let mut tokens = at.tokens();
        match (tokens.next(), tokens.next(), tokens.next(), tokens.next()) {
            (Some("components"), Some("schemas"), Some(name), None) => Some(name),
            _ => None,
        }
    }

    /// Reads the schema at `at`; `name` is the document's name for it (a
    /// `components/schemas` entry reached through a `$ref`).
    fn read_as(&mut self, at: &Pointer, name: Option<String>) -> Result<Reading, DefinitionError> {
        let doc = self.doc;
        match doc.get(at) {
            Some(Value::Object(map)) => self.read_map(at, map, name),
            Some(Value::Bool(true)) | None => Ok(Reading::of(DraftType::Any)),
            Some(other) => {
                let what = if other == &Value::Bool(false) { "`false` (no value is valid)" } else { "not an object" };
                self.gaps.push(def_gap(
                    GapKind::UnreadableSchema,
                    at,
                    format!("the schema is {what}; read as any JSON"),
                ));
                Ok(Reading::of(DraftType::Any))
            }
        }
    }

    fn read_map(
        &mut self,
        at: &Pointer,
        map: &Map<String, Value>,
        name: Option<String>,
    ) -> Result<Reading, DefinitionError> {
        for key in map.keys() {
            if !READ.contains(&key.as_str()) && !IGNORED.contains(&key.as_str()) && !key.starts_with("x-") {
                self.gaps.push(def_gap(
                    GapKind::UnreadKeyword,
                    &at.join(key),
                    format!("`{key}` is not a schema keyword this reader knows; ignored"),
                ));
            }
        }
        let mut reading = if let Some(reference) = map.key("$ref") {
            self.reference(at, reference)?
        } else if map.has("allOf") {
            self.all_of(at, map, name)?
        } else if let Some(key) = ["oneOf", "anyOf"].into_iter().find(|k| map.has(k)) {
            self.union(at, key, name)?
        } else {
            self.typed(at, map, name)?
        };
        // Annotations beside the shape (also beside a `$ref`, where 3.1 allows them and
        // 3.0 documents write them anyway) are the document's words for this place.
        if map.key("nullable") == Some(&Value::Bool(true)) {
            reading.nullable = true;
        }
        if map.key("deprecated") == Some(&Value::Bool(true)) {
            reading.deprecated = true;
        }
        if let Some(Value::String(d)) = map.key("description") {
            reading.description = Some(d.clone());
        }
        if let Some(default) = map.key("default") {
            reading.default = Some(value_text(default));
        }
        Ok(reading)
    }

    /// A `$ref`: the schema it points to, read under its name when it is a
    /// `components/schemas` entry.
    fn reference(&mut self, at: &Pointer, reference: &Value) -> Result<Reading, DefinitionError> {
        let Some(target) = self.doc.ref_target(at, reference)? else {
            self.gaps.push(def_gap(
                GapKind::ExternalRef,
                at,
                format!("`$ref` {reference} points into another document, which is not read; read as any JSON"),
            ));
            return Ok(Reading::of(DraftType::Any));
        };
        let name = Self::component_name(&target).map(doc_type_name).filter(|n| codegen::spec::is_type_name(n));
        if let Some(i) = self.stack.iter().position(|(p, _)| *p == target) {
            let through_a_property = self.depth > self.stack[i].1;
            let is_object = self.doc.get(&target).is_some_and(is_object_schema);
            return match name {
                Some(name) if through_a_property && is_object => Ok(Reading::of(DraftType::Named(name))),
                _ => {
                    let mut chain: Vec<Pointer> = self.stack[i..].iter().map(|(p, _)| p.clone()).collect();
                    chain.push(target);
                    Err(DefinitionError::RefCycle { file: self.doc.file.clone(), chain })
                }
            };
        }
        self.stack.push((target.clone(), self.depth));
        let reading = self.read_as(&target, name);
        self.stack.pop();
        reading
    }

    /// `allOf`: one part is that part; several are an object with every part's properties.
    fn all_of(
        &mut self,
        at: &Pointer,
        map: &Map<String, Value>,
        name: Option<String>,
    ) -> Result<Reading, DefinitionError> {
        let parts_at = at.join("allOf");
        let count = map.key("allOf").and_then(Value::as_array).map(Vec::len).unwrap_or(0);
        let mut parts = Vec::new();
        for i in 0..count {
            parts.push((parts_at.join(i), self.read(&parts_at.join(i))?));
        }
        if map.has("properties") || map.has("additionalProperties") {
            parts.push((at.clone(), self.object(at, map, None)?));
        }
        if let [(_, only)] = &parts[..] {
            let mut reading = only.clone();
            // A named schema that is another named schema is that one.
            if let DraftType::Object(object) = &mut reading.ty {
                object.doc_name = object.doc_name.take().or(name);
            }
            return Ok(reading);
        }
        let mut fields: Vec<DraftField> = Vec::new();
        for (part_at, part) in parts {
            match part.ty {
                DraftType::Object(object) => {
                    for field in object.fields {
                        match fields.iter().find(|f| f.name == field.name) {
                            Some(first) if first.ty != field.ty => self.gaps.push(def_gap(
                                GapKind::UnreadableSchema,
                                &part_at,
                                format!(
                                    "`allOf` gives property `{}` a second type (first at {}); the first is kept",
                                    field.name, first.source
                                ),
                            )),
                            Some(_) => {}
                            None => fields.push(field),
                        }
                    }
                }
                // A part that only annotates (a description) adds nothing.
                DraftType::Any => {}
                other => self.gaps.push(def_gap(
                    GapKind::UnreadableSchema,
                    &part_at,
                    format!("an `allOf` part that is not an object ({}) cannot be merged; left out", describe(&other)),
                )),
            }
        }
        let object = DraftObject { doc_name: name, fields, source: Source::Def(at.clone()), taken_from: None };
        Ok(Reading::of(DraftType::Object(object)))
    }

    /// `oneOf`/`anyOf`: readable when one alternative is left besides `null`.
    fn union(&mut self, at: &Pointer, key: &str, name: Option<String>) -> Result<Reading, DefinitionError> {
        let alts_at = at.join(key);
        let count = self.doc.get(&alts_at).and_then(Value::as_array).map(Vec::len).unwrap_or(0);
        let mut nullable = false;
        let mut readings = Vec::new();
        for i in 0..count {
            let alt = self.doc.get(&alts_at.join(i));
            let is_null = alt.and_then(|a| a.key("type")) == Some(&Value::String("null".into()))
                || alt.and_then(|a| a.key("enum")) == Some(&Value::Array(vec![Value::Null]));
            if is_null {
                nullable = true;
            } else {
                // Every alternative is read, so what is broken in one is found.
                readings.push(self.read(&alts_at.join(i))?);
            }
        }
        if let [only] = &readings[..] {
            let mut reading = only.clone();
            reading.nullable |= nullable;
            // A named schema that is another named schema is that one.
            if let DraftType::Object(object) = &mut reading.ty {
                object.doc_name = object.doc_name.take().or(name);
            }
            return Ok(reading);
        }
        let alternatives: Vec<String> = readings.iter().map(|r| describe(&r.ty)).collect();
        self.gaps.push(def_gap(
            GapKind::UnreadableSchema,
            at,
            format!(
                "`{key}` of {} alternatives ({}) has no reading in the type language; read as any JSON",
                readings.len(),
                alternatives.join(", ")
            ),
        ));
        Ok(Reading { nullable, ..Reading::of(DraftType::Any) })
    }

    /// A schema without `$ref` or composition: by its `type` (or what its keywords imply).
    fn typed(
        &mut self,
        at: &Pointer,
        map: &Map<String, Value>,
        name: Option<String>,
    ) -> Result<Reading, DefinitionError> {
        let mut nullable = false;
        let mut types: Vec<&str> = match map.key("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if types.contains(&"null") {
            nullable = true;
            types.retain(|t| *t != "null");
            if types.is_empty() {
                self.gaps.push(def_gap(
                    GapKind::UnreadableSchema,
                    at,
                    "a schema whose only value is `null`; read as any JSON",
                ));
            }
        }
        let values: Option<Vec<Value>> = match (map.key("enum"), map.key("const")) {
            (Some(Value::Array(values)), _) => Some(values.clone()),
            (None, Some(value)) => Some(vec![value.clone()]),
            _ => None,
        };
        let implied = if map.has("properties") || map.has("additionalProperties") {
            Some("object")
        } else if map.has("items") {
            Some("array")
        } else {
            values.as_ref().and_then(|v| value_type(v))
        };
        let ty = match &types[..] {
            [] => implied,
            [one] => Some(*one),
            several => {
                self.gaps.push(def_gap(
                    GapKind::UnreadableSchema,
                    &at.join("type"),
                    format!(
                        "a value of several types ({}) has no reading in the type language; read as any JSON",
                        several.join(", ")
                    ),
                ));
                return Ok(Reading { nullable, ..Reading::of(DraftType::Any) });
            }
        };
        let format = map.key("format").and_then(Value::as_str);
        let mut reading = match ty {
            Some("string") => match format {
                Some("date") => Reading::of(DraftType::Prim(TypeRef::Date)),
                Some("date-time") => Reading::of(DraftType::Prim(TypeRef::DateTime)),
                _ => Reading { format: format.map(String::from), ..Reading::of(DraftType::Prim(TypeRef::String)) },
            },
            Some(prim @ ("integer" | "number" | "boolean")) => {
                let prim = match prim {
                    "integer" => TypeRef::Integer,
                    "number" => TypeRef::Number,
                    _ => TypeRef::Boolean,
                };
                Reading { format: format.map(String::from), ..Reading::of(DraftType::Prim(prim)) }
            }
            Some("array") => self.array(at, map)?,
            Some("object") => self.object(at, map, name.clone())?,
            None => Reading::of(DraftType::Any),
            Some(other) => {
                self.gaps.push(def_gap(
                    GapKind::UnreadableSchema,
                    &at.join("type"),
                    format!("`type: {other}` is not an OpenAPI type; read as any JSON"),
                ));
                Reading::of(DraftType::Any)
            }
        };
        reading.nullable |= nullable;
        if let Some(mut values) = values {
            if values.contains(&Value::Null) {
                reading.nullable = true;
                values.retain(|v| !v.is_null());
            }
            let texts: Vec<String> = values.iter().map(value_text).collect();
            let key = if map.has("enum") { "enum" } else { "const" };
            reading.choices = Some(Choices {
                text: texts.join(" "),
                values: Some(texts),
                doc_name: name,
                source: Source::Def(at.join(key)),
            });
        }
        Ok(reading)
    }

    fn array(&mut self, at: &Pointer, map: &Map<String, Value>) -> Result<Reading, DefinitionError> {
        let items = match map.key("items") {
            None => Reading::of(DraftType::Any),
            Some(Value::Object(_)) => self.read(&at.join("items"))?,
            Some(_) => {
                self.gaps.push(def_gap(
                    GapKind::UnreadableSchema,
                    &at.join("items"),
                    "`items` is not a schema; items read as any JSON",
                ));
                Reading::of(DraftType::Any)
            }
        };
        if items.nullable {
            self.gaps.push(def_gap(
                GapKind::UnreadableSchema,
                &at.join("items"),
                "the items may be `null`, which the type language cannot say of array items; read as not null",
            ));
        }
        // Allowed values of the items are the array's (a field's choices apply through
        // arrays).
        Ok(Reading { choices: items.choices, ..Reading::of(DraftType::Array(Box::new(items.ty))) })
    }

    fn object(
        &mut self,
        at: &Pointer,
        map: &Map<String, Value>,
        name: Option<String>,
    ) -> Result<Reading, DefinitionError> {
        let properties: Vec<&String> =
            map.key("properties").and_then(Value::as_object).map(|p| p.keys().collect()).unwrap_or_default();
        let required: Vec<&str> = map
            .key("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let extra = match map.key("additionalProperties") {
            Some(Value::Object(schema)) if !schema.is_empty() => Some(true),
            Some(Value::Object(_)) | Some(Value::Bool(true)) => Some(false),
            _ => None,
        };
        if properties.is_empty() {
            self.depth += 1;
            let ty = match extra {
                Some(true) => DraftType::Map(Box::new(self.read(&at.join("additionalProperties"))?.ty)),
                Some(false) => DraftType::Map(Box::new(DraftType::Any)),
                // An object schema that lists no properties says nothing about its keys.
                None => DraftType::Any,
            };
            self.depth -= 1;
            return Ok(Reading::of(ty));
        }
        if extra == Some(true) {
            self.gaps.push(def_gap(
                GapKind::UnreadableSchema,
                &at.join("additionalProperties"),
                "typed properties besides the listed ones have no reading in the type language; the listed fields are kept and others accepted as any JSON",
            ));
        }
        let mut fields = Vec::new();
        for property in properties {
            let field_at = at.join("properties").join(property);
            self.depth += 1;
            let reading = self.read(&field_at);
            self.depth -= 1;
            let reading = reading?;
            fields.push(DraftField {
                name: property.clone(),
                ty: reading.ty,
                required: required.contains(&property.as_str()),
                nullable: reading.nullable,
                deprecated: reading.deprecated,
                default: reading.default,
                format: reading.format,
                description: reading.description,
                choices: reading.choices,
                source: Source::Def(field_at),
                by_definition: ByDefinition::stated(),
            });
        }
        Ok(Reading::of(DraftType::Object(DraftObject {
            doc_name: name,
            fields,
            source: Source::Def(at.clone()),
            taken_from: None,
        })))
    }
}

/// Whether a schema describes an object (so that it can be a named type).
fn is_object_schema(schema: &Value) -> bool {
    schema.key("type") == Some(&Value::String("object".into()))
        || schema.key("type").and_then(Value::as_array).is_some_and(|ts| ts.contains(&Value::String("object".into())))
        || schema.key("properties").is_some()
        || schema.key("allOf").is_some()
}

/// The type all `values` share, when they share one.
fn value_type(values: &[Value]) -> Option<&'static str> {
    let kinds: Vec<&'static str> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            _ => "other",
        })
        .collect();
    let first = *kinds.first()?;
    (first != "other" && kinds.iter().all(|k| *k == first)).then_some(first)
}

/// A value as the text the spec keeps for defaults and enum values: a string as it is,
/// anything else as JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A draft type in a few words, for gap messages.
fn describe(ty: &DraftType) -> String {
    match ty {
        DraftType::Prim(t) => t.to_string(),
        DraftType::Array(inner) => format!("array of {}", describe(inner)),
        DraftType::Map(inner) => format!("map of {}", describe(inner)),
        DraftType::Object(o) => o.doc_name.clone().unwrap_or_else(|| {
            let names: Vec<&str> = o.fields.iter().take(3).map(|f| f.name.as_str()).collect();
            let more = if o.fields.len() > 3 { ", …" } else { "" };
            format!("an object of {}{more}", names.join(", "))
        }),
        DraftType::Named(n) => n.clone(),
        DraftType::Any => "any".into(),
    }
}
