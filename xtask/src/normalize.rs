//! Turns a reader's [`Draft`] into a [`Spec`]: operation ids and resources from the
//! document's words, named types (the document's names where it gives them, merged when
//! their appearances agree), enums from choice lists, `number`s that every example shows
//! as whole numbers refined to `integer`, list operations marked for paging, and unused
//! types dropped. Everything here is style-independent: every reader feeds it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use codegen::spec::{
    Field, Gap, ListPagination, Method, Operation, Pagination, Parameter, RequestBody, Response, Source, Spec, TypeDef,
    TypeKind, TypeRef,
};
use codegen::names::pascal;
use heck::ToSnakeCase;
use serde_json::Value;

use crate::draft::{Choices, Draft, DraftObject, DraftType};

/// How choice texts split into values, by text (from the overlay).
pub type ChoiceSplits = BTreeMap<String, (Vec<String>, Source)>;

/// Settings of one normalization run.
pub struct Options<'a> {
    /// Overlay-given splits of choice texts the reader cannot split without guessing.
    pub choice_splits: &'a ChoiceSplits,
    /// Operation ids whose resource the overlay sets.
    pub resources: &'a BTreeMap<String, String>,
    /// Names the overlay gives derived types, by a name the type has or had before it
    /// was merged.
    pub type_names: &'a BTreeMap<String, String>,
}

/// The result, with the overlay entries it used (so unused ones can be reported).
pub struct Normalized {
    /// The spec.
    pub spec: Spec,
    /// Choice texts of the overlay that matched a choice list.
    pub used_choice_splits: BTreeSet<String>,
    /// The names `type_names` entries find types by that found one.
    pub used_type_names: BTreeSet<String>,
}

/// Builds the spec from a draft.
pub fn normalize(draft: Draft, options: &Options) -> Normalized {
    let stats = NumberStats::from_draft(&draft);
    let globals = draft.global_parameters_resolved(&stats);
    let mut n = Normalizer {
        types: BTreeMap::new(),
        variants: BTreeMap::new(),
        doc_named: BTreeSet::new(),
        gaps: draft.gaps,
        stats,
        options,
        used_choice_splits: BTreeSet::new(),
        enum_fields: BTreeMap::new(),
    };
    let merge_identical_shapes = draft.merge_identical_shapes;
    let mut api = draft.api;
    api.datetime_formats = datetime_formats(&draft.operations);

    let ids = operation_ids(&draft.operations);
    let mut operations = Vec::new();
    for (op, id) in draft.operations.into_iter().zip(ids) {
        let pascal = pascal(&id);
        let resource = options
            .resources
            .get(&id)
            .cloned()
            .unwrap_or_else(|| op.path.as_deref().map(resource_of).unwrap_or_else(|| "unresolved".into()));
        let parameters = op
            .parameters
            .into_iter()
            .map(|p| {
                let hint = format!("{pascal}{}", codegen::names::pascal(&p.name));
                let ty = n.type_ref(p.ty, &hint, &p.name, p.choices, &pascal, p.default.as_deref());
                Parameter {
                    name: p.name,
                    location: p.location,
                    ty,
                    type_source: None,
                    required: p.required,
                    deprecated: p.deprecated,
                    default: p.default,
                    format: p.format,
                    description: p.description,
                    source: p.source,
                }
            })
            .collect();
        let request = op.request.map(|body| RequestBody {
            content_type: body.content_type,
            ty: body
                .shape
                .map(|shape| n.type_ref(shape, &format!("{pascal}Request"), "", None, &pascal, None))
                .unwrap_or(TypeRef::Any),
            examples: body.examples,
            source: body.source,
        });
        let responses = op
            .responses
            .into_iter()
            .map(|r| Response {
                ty: r.shape.map(|shape| n.type_ref(shape, &format!("{pascal}Response"), "", None, &pascal, None)),
                status: r.status,
                description: r.description,
                examples: r.examples,
                source: r.source,
            })
            .collect();
        operations.push(Operation {
            id,
            resource,
            method: op.method,
            path: op.path,
            resolved_by: None,
            summary: (!op.title.is_empty()).then_some(op.title),
            description: op.description,
            parameters,
            request,
            responses,
            pagination: None,
            source: op.source,
        });
    }
    n.resolve_named_references();
    let mut spec = Spec { api, operations, types: n.types.into_values().collect(), gaps: n.gaps };
    define_unknown_operation_types(&mut spec);
    // Each name merged or renamed away, with the name it became.
    let mut former = BTreeMap::new();
    dedupe_into_doc_named(&mut spec, &n.doc_named, &mut former);
    if merge_identical_shapes {
        dedupe_identical_shapes(&mut spec, &n.doc_named, &mut former);
    }
    dedupe_enums(&mut spec, &n.doc_named, &n.enum_fields, &mut former);
    mark_list_operations(&mut spec, &globals);
    drop_unused_types(&mut spec);
    let used_type_names = name_types(&mut spec, options.type_names, &former);
    Normalized { spec, used_choice_splits: n.used_choice_splits, used_type_names }
}

/// Operation ids: the slug of the document's title for the operation, or of its method
/// and path when it has no title (`GET /contacts/{id}/deals` → `get_contacts_id_deals`).
/// Operations whose titles give one id all get their method and path appended. An id
/// the overlay gives is kept as it is.
pub fn operation_ids(operations: &[crate::draft::DraftOperation]) -> Vec<String> {
    let route = |op: &crate::draft::DraftOperation| {
        let method = op.method.map(|m| m.as_str()).unwrap_or("");
        operation_id(&format!("{method} {}", op.path.as_deref().unwrap_or("").replace(['{', '}', '/'], " ")))
    };
    // The overlay's ids take no part in the tie-break: one equal to a derived id is a
    // duplicate, which validation reports, not a reason to rename the other.
    let bases: Vec<Option<String>> = operations
        .iter()
        .map(|op| match op.id {
            Some(_) => None,
            None if op.title.is_empty() => Some(route(op)),
            None => Some(operation_id(&op.title)),
        })
        .collect();
    bases
        .iter()
        .zip(operations)
        .map(|(base, op)| match (base, &op.id) {
            (Some(base), _) if bases.iter().flatten().filter(|b| *b == base).count() > 1 => {
                format!("{base}_{}", route(op))
            }
            (Some(base), _) => base.clone(),
            (None, id) => id.clone().unwrap_or_default(),
        })
        .collect()
}

/// `Retrieve all contacts` → `retrieve_all_contacts`; articles are dropped.
pub fn operation_id(title: &str) -> String {
    // A title that is a paragraph names the operation in its first sentence.
    let title = title.split(". ").next().unwrap_or(title).trim_end_matches('.');
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(w.to_lowercase().as_str(), "a" | "an" | "the"))
        .collect();
    words.join(" ").to_snake_case()
}

/// The resource of a path: its first segment that is not `api` or a version (`v1`).
pub fn resource_of(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .find(|s| *s != "api" && !(s.starts_with('v') && s.len() > 1 && s[1..].chars().all(|c| c.is_ascii_digit())))
        .map(|s| s.to_snake_case())
        .unwrap_or_else(|| "root".into())
}

impl Draft {
    /// Global parameters with their types refined like any other.
    fn global_parameters_resolved(&self, stats: &NumberStats) -> Vec<Parameter> {
        self.global_parameters
            .iter()
            .map(|p| Parameter {
                name: p.name.clone(),
                location: p.location,
                ty: match &p.ty {
                    DraftType::Prim(TypeRef::Number) => stats.refine(&p.name, p.default.as_deref()),
                    DraftType::Prim(t) => t.clone(),
                    _ => TypeRef::Any,
                },
                type_source: None,
                required: p.required,
                deprecated: p.deprecated,
                default: p.default.clone(),
                format: p.format.clone(),
                description: p.description.clone(),
                source: p.source.clone(),
            })
            .collect()
    }
}

/// For each JSON key of every example: whether its numbers were all whole.
struct NumberStats {
    keys: HashMap<String, (u32, u32)>,
}

impl NumberStats {
    fn from_draft(draft: &Draft) -> Self {
        let mut keys = HashMap::new();
        let examples = draft.operations.iter().flat_map(|op| {
            op.request.iter().flat_map(|r| &r.examples).chain(op.responses.iter().flat_map(|r| &r.examples))
        });
        for example in examples.filter(|e| e.valid_json) {
            if let Ok(value) = serde_json::from_str::<Value>(&example.json) {
                count_numbers(&value, None, &mut keys);
            }
        }
        NumberStats { keys }
    }

    /// `integer` when every example value of `key` (and the default) is a whole number.
    fn refine(&self, key: &str, default: Option<&str>) -> TypeRef {
        let (mut whole, mut fractional) = self.keys.get(key).copied().unwrap_or((0, 0));
        if let Some(d) = default {
            match d.parse::<i64>() {
                Ok(_) => whole += 1,
                Err(_) if d.parse::<f64>().is_ok() => fractional += 1,
                Err(_) => {}
            }
        }
        if whole > 0 && fractional == 0 {
            TypeRef::Integer
        } else {
            TypeRef::Number
        }
    }
}

fn count_numbers(value: &Value, key: Option<&str>, keys: &mut HashMap<String, (u32, u32)>) {
    match value {
        Value::Number(n) => {
            if let Some(k) = key {
                let entry = keys.entry(k.to_string()).or_default();
                if n.is_i64() || n.is_u64() {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| count_numbers(v, key, keys)),
        Value::Object(map) => map.iter().for_each(|(k, v)| count_numbers(v, Some(k), keys)),
        _ => {}
    }
}

/// Timestamp formats of the examples' string values, most frequent first.
fn datetime_formats(operations: &[crate::draft::DraftOperation]) -> Vec<String> {
    let mut counts: BTreeMap<&'static str, u32> = BTreeMap::new();
    fn walk(value: &Value, counts: &mut BTreeMap<&'static str, u32>) {
        match value {
            Value::String(s) => {
                if let Some(format) = timestamp_format(s) {
                    *counts.entry(format).or_default() += 1;
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, counts)),
            Value::Object(map) => map.values().for_each(|v| walk(v, counts)),
            _ => {}
        }
    }
    for op in operations {
        let examples = op.request.iter().flat_map(|r| &r.examples).chain(op.responses.iter().flat_map(|r| &r.examples));
        for e in examples.filter(|e| e.valid_json) {
            if let Ok(v) = serde_json::from_str::<Value>(&e.json) {
                walk(&v, &mut counts);
            }
        }
    }
    let mut formats: Vec<(&str, u32)> = counts.into_iter().collect();
    formats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    formats.into_iter().map(|(f, _)| f.to_string()).collect()
}

/// The chrono format of a timestamp string, for the shapes documentation pages use.
pub fn timestamp_format(s: &str) -> Option<&'static str> {
    let shape: String = s.chars().map(|c| if c.is_ascii_digit() { '9' } else { c }).collect();
    match shape.as_str() {
        "9999-99-99 99:99 AM -9999"
        | "9999-99-99 99:99 PM -9999"
        | "9999-99-99 99:99 AM +9999"
        | "9999-99-99 99:99 PM +9999" => Some("%Y-%m-%d %I:%M %p %z"),
        "9999-99-99 9:99pm" | "9999-99-99 9:99am" => Some("%Y-%m-%d %-I:%M%P"),
        "9999-99-99 99:99pm" | "9999-99-99 99:99am" => Some("%Y-%m-%d %I:%M%P"),
        _ => {
            let rfc3339 = shape.len() >= 20
                && shape.starts_with("9999-99-99T99:99:99")
                && (shape.ends_with('Z') || shape.ends_with("+99:99") || shape.ends_with("-99:99"));
            rfc3339.then_some("rfc3339")
        }
    }
}

struct Normalizer<'a> {
    types: BTreeMap<String, TypeDef>,
    /// Base name → names of its variants (appearances that did not agree).
    variants: BTreeMap<String, Vec<String>>,
    /// Names the document itself gives.
    doc_named: BTreeSet<String>,
    gaps: Vec<Gap>,
    stats: NumberStats,
    options: &'a Options<'a>,
    used_choice_splits: BTreeSet<String>,
    /// Enum type name → wire name of the field or parameter it types.
    enum_fields: BTreeMap<String, String>,
}

impl Normalizer<'_> {
    /// The IR type of a draft type. `hint` names anonymous objects and enums; `wire`
    /// is the field or parameter name (for number refinement); `context` is the
    /// operation's PascalCase id (names variants that disagree).
    fn type_ref(
        &mut self,
        ty: DraftType,
        hint: &str,
        wire: &str,
        choices: Option<Choices>,
        context: &str,
        default: Option<&str>,
    ) -> TypeRef {
        match ty {
            DraftType::Prim(prim) => {
                let prim = if prim == TypeRef::Number { self.stats.refine(wire, default) } else { prim };
                match choices {
                    Some(choices) if prim == TypeRef::String => {
                        let name = match &choices.doc_name {
                            Some(doc_name) => {
                                self.doc_named.insert(doc_name.clone());
                                doc_name.clone()
                            }
                            None => hint.to_string(),
                        };
                        self.enum_type(&name, wire, choices)
                    }
                    Some(choices) => {
                        self.gaps.push(Gap {
                            kind: "choices_on_non_string".into(),
                            message: format!("`{wire}` is a {prim} with choices `{}`; kept as {prim}", choices.text),
                            source: choices.source,
                        });
                        prim
                    }
                    None => prim,
                }
            }
            DraftType::Array(inner) => {
                TypeRef::Array(Box::new(self.type_ref(*inner, hint, wire, choices, context, default)))
            }
            DraftType::Map(inner) => {
                TypeRef::Map(Box::new(self.type_ref(*inner, hint, wire, choices, context, default)))
            }
            DraftType::Object(object) => TypeRef::Named(self.object_type(object, hint, context)),
            DraftType::Named(name) => TypeRef::Named(name),
            DraftType::Any => TypeRef::Any,
        }
    }

    fn object_type(&mut self, object: DraftObject, hint: &str, context: &str) -> String {
        let base = object.doc_name.clone().unwrap_or_else(|| hint.to_string());
        if object.doc_name.is_some() {
            self.doc_named.insert(base.clone());
        }
        let fields: Vec<Field> = object
            .fields
            .into_iter()
            .map(|f| {
                let hint = format!("{base}{}", pascal(&f.name));
                let ty = self.type_ref(f.ty, &hint, &f.name, f.choices, context, f.default.as_deref());
                Field {
                    name: f.name,
                    ty,
                    required: f.required,
                    nullable: f.nullable,
                    deprecated: f.deprecated,
                    default: f.default,
                    format: f.format,
                    description: f.description,
                    source: f.source,
                }
            })
            .collect();
        let fields = self.merge_duplicate_fields(fields);
        self.register_object(&base, fields, object.source, context)
    }

    /// A field listed twice in one object is kept once; a second listing that disagrees
    /// is a gap.
    fn merge_duplicate_fields(&mut self, fields: Vec<Field>) -> Vec<Field> {
        let mut out: Vec<Field> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for f in fields {
            match index.get(&f.name).map(|&i| &out[i]) {
                Some(first) => {
                    let same_type = first.ty == f.ty;
                    self.gaps.push(Gap {
                        kind: "duplicate_field".into(),
                        message: format!(
                            "`{}` is listed again in the same object (first at {}){}; the first listing is kept",
                            f.name,
                            first.source,
                            if same_type {
                                String::new()
                            } else {
                                format!(" with another type ({} vs {})", f.ty, first.ty)
                            }
                        ),
                        source: f.source,
                    });
                }
                None => {
                    index.insert(f.name.clone(), out.len());
                    out.push(f);
                }
            }
        }
        out
    }

    /// Registers an appearance of an object under `base`: merged into an existing
    /// variant it agrees with, or a new variant named `base` + `context`.
    fn register_object(&mut self, base: &str, fields: Vec<Field>, source: Source, context: &str) -> String {
        let variants = self.variants.entry(base.to_string()).or_default().clone();
        for name in &variants {
            let def = self.types.get_mut(name).expect("variants are registered types");
            let TypeKind::Object { fields: existing } = &mut def.kind else { continue };
            if agree(existing, &fields) {
                merge_fields(existing, fields);
                def.sources.push(source);
                return name.clone();
            }
        }
        let name = if variants.is_empty() { base.to_string() } else { format!("{base}{context}") };
        if !variants.is_empty() {
            let first = &self.types[&variants[0]];
            self.gaps.push(Gap {
                kind: "type_variant".into(),
                message: format!(
                    "this `{base}` disagrees with the one at {} on a field's type; kept apart as `{name}`",
                    first.sources[0]
                ),
                source: source.clone(),
            });
        }
        self.variants.get_mut(base).expect("entry created above").push(name.clone());
        self.types.insert(
            name.clone(),
            TypeDef { name: name.clone(), description: None, kind: TypeKind::Object { fields }, sources: vec![source] },
        );
        name
    }

    fn enum_type(&mut self, name: &str, wire: &str, choices: Choices) -> TypeRef {
        self.enum_fields.insert(name.to_string(), wire.to_string());
        let mut sources = vec![choices.source.clone()];
        let values = match choices.values.clone().or_else(|| split_choices(&choices.text)) {
            Some(values) => values,
            None => match self.options.choice_splits.get(&choices.text) {
                Some((values, overlay)) => {
                    self.used_choice_splits.insert(choices.text.clone());
                    sources.push(overlay.clone());
                    values.clone()
                }
                None => {
                    self.gaps.push(Gap {
                        kind: "ambiguous_choices".into(),
                        message: format!(
                            "choices `{}` cannot be split into values without guessing (values may contain spaces, or the list is glued); typed as string — an overlay `choices` entry can split it",
                            choices.text
                        ),
                        source: choices.source,
                    });
                    return TypeRef::String;
                }
            },
        };
        match self.types.get_mut(name) {
            Some(def) => {
                if let TypeKind::Enum { values: existing } = &mut def.kind {
                    for v in values {
                        if !existing.contains(&v) {
                            existing.push(v);
                        }
                    }
                }
                for s in sources {
                    if !def.sources.contains(&s) {
                        def.sources.push(s);
                    }
                }
            }
            None => {
                self.types.insert(
                    name.to_string(),
                    TypeDef { name: name.to_string(), description: None, kind: TypeKind::Enum { values }, sources },
                );
            }
        }
        TypeRef::Named(name.to_string())
    }

    /// Names used without a definition here become the first variant of that name, or
    /// an unknown type when the document never defines it.
    fn resolve_named_references(&mut self) {
        let mut referenced = BTreeSet::new();
        for def in self.types.values() {
            if let TypeKind::Object { fields } = &def.kind {
                for f in fields {
                    if let Some(n) = f.ty.named() {
                        referenced.insert(n.to_string());
                    }
                }
            }
        }
        for name in referenced {
            if !self.types.contains_key(&name) {
                self.types.insert(
                    name.clone(),
                    TypeDef { name: name.clone(), description: None, kind: TypeKind::Unknown, sources: vec![] },
                );
            }
        }
    }
}

/// Type names operations use (request schemas named but not listed) that nothing
/// defines become types of unknown shape, each with a gap.
fn define_unknown_operation_types(spec: &mut Spec) {
    let mut missing: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for op in &spec.operations {
        let bodies = op.request.iter().map(|r| (&r.ty, &r.source));
        let responses = op.responses.iter().filter_map(|r| r.ty.as_ref().map(|t| (t, &r.source)));
        for (ty, source) in bodies.chain(responses) {
            if let Some(name) = ty.named() {
                if spec.type_def(name).is_none() {
                    missing.entry(name.to_string()).or_default().push(source.clone());
                }
            }
        }
    }
    for (name, sources) in missing {
        spec.gaps.push(Gap {
            kind: "undefined_schema".into(),
            message: format!(
                "`{name}` is named as a body but the document never lists its fields; it accepts any JSON object"
            ),
            source: sources[0].clone(),
        });
        spec.types.push(TypeDef { name, description: None, kind: TypeKind::Unknown, sources });
    }
    spec.types.sort_by(|a, b| a.name.cmp(&b.name));
    spec.gaps.sort_by_key(|g| g.source.line().unwrap_or(0));
}

/// Values of a choice list when the text allows only one reading: whitespace-separated
/// tokens that are all lower-case identifiers (`single_select multi_check_box`). Lists
/// whose values may hold spaces, or that are glued together, are left to the overlay.
pub fn split_choices(text: &str) -> Option<Vec<String>> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let identifiers =
        tokens.iter().all(|t| t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
    (tokens.len() > 1 && identifiers).then(|| tokens.iter().map(|t| t.to_string()).collect())
}

/// Two appearances agree when every field they share has the same type.
fn agree(a: &[Field], b: &[Field]) -> bool {
    let a: HashMap<&str, &TypeRef> = a.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
    b.iter().all(|fb| a.get(fb.name.as_str()).is_none_or(|ty| **ty == fb.ty))
}

/// Merges appearance `b` into `a`: the union of fields; required only where every
/// appearance has the field and requires it.
fn merge_fields(a: &mut Vec<Field>, b: Vec<Field>) {
    let in_b: HashMap<String, usize> = b.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
    let in_a: std::collections::HashSet<String> = a.iter().map(|f| f.name.clone()).collect();
    for fa in a.iter_mut() {
        match in_b.get(&fa.name).map(|&i| &b[i]) {
            Some(fb) => {
                fa.required &= fb.required;
                fa.nullable |= fb.nullable;
                fa.deprecated |= fb.deprecated;
                if fa.description.is_none() {
                    fa.description = fb.description.clone();
                }
                if fa.default.is_none() {
                    fa.default = fb.default.clone();
                }
            }
            None => fa.required = false,
        }
    }
    for fb in b {
        if !in_a.contains(&fb.name) {
            a.push(Field { required: false, ..fb });
        }
    }
}

/// A type's shape for structural comparison: fields (sorted) with enum types replaced
/// by their values, descriptions and sources ignored.
fn shape_key(spec_types: &BTreeMap<String, TypeDef>, name: &str) -> Option<String> {
    let def = spec_types.get(name)?;
    let TypeKind::Object { fields } = &def.kind else { return None };
    let mut parts: Vec<String> = fields
        .iter()
        .map(|f| format!("{}:{}:{}:{}", f.name, type_key(spec_types, &f.ty), f.required, f.nullable))
        .collect();
    parts.sort();
    Some(parts.join(","))
}

fn type_key(types: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Enum { values }) => format!("enum[{}]", values.join("|")),
            _ => n.clone(),
        },
        TypeRef::Array(t) => format!("array<{}>", type_key(types, t)),
        TypeRef::Map(t) => format!("map<{}>", type_key(types, t)),
        other => other.to_string(),
    }
}

/// A derived-name object type that has exactly the shape of a type the document names
/// is that type (`fetch_existing_contact` returns a `Contact`).
fn dedupe_into_doc_named(spec: &mut Spec, doc_named: &BTreeSet<String>, former: &mut BTreeMap<String, String>) {
    loop {
        let types: BTreeMap<String, TypeDef> = spec.types.iter().map(|t| (t.name.clone(), t.clone())).collect();
        let mut by_shape: BTreeMap<String, String> = BTreeMap::new();
        for name in doc_named {
            if let Some(key) = shape_key(&types, name) {
                by_shape.entry(key).or_insert_with(|| name.clone());
            }
        }
        let mut aliases: BTreeMap<String, String> = BTreeMap::new();
        for name in types.keys().filter(|n| !doc_named.contains(*n)) {
            if let Some(target) = shape_key(&types, name).and_then(|k| by_shape.get(&k)) {
                aliases.insert(name.clone(), target.clone());
            }
        }
        if aliases.is_empty() {
            return;
        }
        rename_refs(spec, &aliases);
        spec.types.retain(|t| !aliases.contains_key(&t.name));
        former.extend(aliases);
    }
}

/// Derived-name object types of one shape are one type, named by the shortest of their
/// names (a shape that recurs under many owners: a user, a timestamp record). Repeated
/// until nothing merges, since merging children can make parents identical.
fn dedupe_identical_shapes(spec: &mut Spec, doc_named: &BTreeSet<String>, former: &mut BTreeMap<String, String>) {
    loop {
        let types: BTreeMap<String, TypeDef> = spec.types.iter().map(|t| (t.name.clone(), t.clone())).collect();
        let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for name in types.keys().filter(|n| !doc_named.contains(*n)) {
            if let Some(key) = shape_key(&types, name) {
                groups.entry(key).or_default().push(name);
            }
        }
        let mut aliases: BTreeMap<String, String> = BTreeMap::new();
        for members in groups.values().filter(|m| m.len() > 1) {
            let canonical = members.iter().min_by_key(|n| (n.len(), n.as_str())).expect("a group has members");
            for m in members.iter().filter(|m| *m != canonical) {
                aliases.insert((*m).clone(), (*canonical).clone());
            }
        }
        if aliases.is_empty() {
            return;
        }
        merge_aliases(spec, &aliases, former);
    }
}

/// Makes every reference to an alias name its target, drops the aliases, and gives each
/// target the sources of the types merged into it.
fn merge_aliases(spec: &mut Spec, aliases: &BTreeMap<String, String>, former: &mut BTreeMap<String, String>) {
    former.extend(aliases.iter().map(|(a, b)| (a.clone(), b.clone())));
    let mut merged_sources: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for def in spec.types.iter().filter(|t| aliases.contains_key(&t.name)) {
        merged_sources.entry(aliases[&def.name].clone()).or_default().extend(def.sources.iter().cloned());
    }
    rename_refs(spec, aliases);
    spec.types.retain(|t| !aliases.contains_key(&t.name));
    for def in &mut spec.types {
        for source in merged_sources.remove(&def.name).unwrap_or_default() {
            if !def.sources.contains(&source) {
                def.sources.push(source);
            }
        }
        def.sources.sort();
    }
}

/// Makes every reference to a name in `aliases` (types, fields, parameters, bodies)
/// refer to its target instead.
pub(crate) fn rename_refs(spec: &mut Spec, aliases: &BTreeMap<String, String>) {
    fn rename(ty: &mut TypeRef, aliases: &BTreeMap<String, String>) {
        match ty {
            TypeRef::Named(n) => {
                if let Some(target) = aliases.get(n) {
                    *n = target.clone();
                }
            }
            TypeRef::Array(t) | TypeRef::Map(t) => rename(t, aliases),
            _ => {}
        }
    }
    for op in &mut spec.operations {
        op.parameters.iter_mut().for_each(|p| rename(&mut p.ty, aliases));
        if let Some(r) = &mut op.request {
            rename(&mut r.ty, aliases);
        }
        for r in &mut op.responses {
            if let Some(t) = &mut r.ty {
                rename(t, aliases);
            }
        }
    }
    for def in &mut spec.types {
        if let TypeKind::Object { fields } = &mut def.kind {
            fields.iter_mut().for_each(|f| rename(&mut f.ty, aliases));
        }
    }
    if let Some(e) = &mut spec.api.error_body {
        rename(&mut e.ty, aliases);
    }
}

/// An enum of a derived-name type (or of a parameter) with the same field name and
/// values as the enum of a document-named type is that enum
/// (`CreateNewContactRequestGender` is `ContactGender`).
fn dedupe_enums(
    spec: &mut Spec,
    doc_named: &BTreeSet<String>,
    enum_fields: &BTreeMap<String, String>,
    former: &mut BTreeMap<String, String>,
) {
    let owner_is_doc_named = |name: &str| {
        let wire = &enum_fields[name];
        name.strip_suffix(&pascal(wire)).is_some_and(|owner| doc_named.contains(owner))
    };
    let mut canonical: BTreeMap<(String, Vec<String>), String> = BTreeMap::new();
    for def in &spec.types {
        if let TypeKind::Enum { values } = &def.kind {
            if enum_fields.contains_key(&def.name) && owner_is_doc_named(&def.name) {
                canonical.entry((enum_fields[&def.name].clone(), values.clone())).or_insert_with(|| def.name.clone());
            }
        }
    }
    let mut aliases = BTreeMap::new();
    for def in &spec.types {
        if let TypeKind::Enum { values } = &def.kind {
            if !enum_fields.contains_key(&def.name) || owner_is_doc_named(&def.name) {
                continue;
            }
            if let Some(target) = canonical.get(&(enum_fields[&def.name].clone(), values.clone())) {
                aliases.insert(def.name.clone(), target.clone());
            }
        }
    }
    merge_aliases(spec, &aliases, former);
    merge_identical_enums(spec, enum_fields, former);
}

/// Derived-name enums of one field name and the same values are merged, in two steps.
/// First those of one owner's request and response shapes (`EmailAddressRequestKind` and
/// `EmailAddressKind` are `EmailAddressKind`; `InviteeRequestType` and
/// `InviteeResponseType` are `InviteeType`). Then, when no other enum has that field name
/// and no type has the field's own name, all of them under the field's name (`record_type`
/// of three contact searches is `RecordType`). Enums of a field name whose values differ
/// elsewhere (`kind` of an email address and of a website) stay apart, so that each
/// keeps its owner's name.
fn merge_identical_enums(
    spec: &mut Spec,
    enum_fields: &BTreeMap<String, String>,
    former: &mut BTreeMap<String, String>,
) {
    let mut enum_fields = enum_fields.clone();
    // (field, values) -> members, from the current types.
    let enums = |spec: &Spec, enum_fields: &BTreeMap<String, String>| {
        let mut groups: BTreeMap<(String, Vec<String>), Vec<String>> = BTreeMap::new();
        for def in &spec.types {
            if let (TypeKind::Enum { values }, Some(wire)) = (&def.kind, enum_fields.get(&def.name)) {
                groups.entry((wire.clone(), values.clone())).or_default().push(def.name.clone());
            }
        }
        groups
    };
    let owner_stem = |name: &str, wire: &str| {
        let field = pascal(wire);
        let owner = name.strip_suffix(&field).unwrap_or(name);
        let stem = owner.strip_suffix("Request").or_else(|| owner.strip_suffix("Response")).unwrap_or(owner);
        format!("{stem}{field}")
    };

    let mut merges: Vec<(Vec<String>, String)> = Vec::new();
    for ((wire, _), members) in enums(spec, &enum_fields) {
        let mut by_stem: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in members {
            by_stem.entry(owner_stem(&m, &wire)).or_default().push(m);
        }
        merges.extend(by_stem.into_iter().filter(|(_, m)| m.len() > 1).map(|(stem, m)| (m, stem)));
    }
    apply_enum_merges(spec, merges, &mut enum_fields, former);

    let groups = enums(spec, &enum_fields);
    let mut value_sets: BTreeMap<&String, usize> = BTreeMap::new();
    for (wire, _) in groups.keys() {
        *value_sets.entry(wire).or_default() += 1;
    }
    let merges = groups
        .iter()
        .filter(|((wire, _), members)| members.len() > 1 && value_sets[wire] == 1)
        .map(|((wire, _), members)| (members.clone(), pascal(wire)))
        .collect();
    apply_enum_merges(spec, merges, &mut enum_fields, former);
}

/// Merges each group of enums into one named `name`, unless another type has that name
/// (then into the group's shortest name); a new name takes its members' field in
/// `enum_fields`.
fn apply_enum_merges(
    spec: &mut Spec,
    merges: Vec<(Vec<String>, String)>,
    enum_fields: &mut BTreeMap<String, String>,
    former: &mut BTreeMap<String, String>,
) {
    let mut aliases = BTreeMap::new();
    let mut renames = BTreeMap::new();
    // New names given in this pass (`record_type` and `recordType` both ask for `RecordType`).
    let mut claimed = BTreeSet::new();
    for (members, name) in merges {
        let free = !claimed.contains(&name) && !spec.types.iter().any(|t| t.name == name && !members.contains(&t.name));
        let target = if free && !name.is_empty() {
            name
        } else {
            members.iter().min_by_key(|n| (n.len(), n.as_str())).expect("a group has members").clone()
        };
        if !members.contains(&target) {
            claimed.insert(target.clone());
            if let Some(wire) = enum_fields.get(&members[0]).cloned() {
                enum_fields.insert(target.clone(), wire);
            }
            renames.insert(members[0].clone(), target.clone());
        }
        for m in members.iter().filter(|m| **m != target) {
            aliases.insert(m.clone(), target.clone());
        }
    }
    if aliases.is_empty() {
        return;
    }
    for def in &mut spec.types {
        if let Some(name) = renames.get(&def.name) {
            def.name = name.clone();
        }
    }
    former.extend(renames);
    merge_aliases(spec, &aliases, former);
    spec.types.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Gives derived types the names the overlay chooses (`type_names`: a name the type has,
/// or had before it was merged, and its new name), and types whose names derive from a
/// renamed one the new name in its place (`UndoLeadExitResponseNotice` becomes
/// `ContactNotice` when `UndoLeadExitResponse` becomes `Contact`). Returns the entries
/// used; one that names no type is the overlay's error to report.
fn name_types(
    spec: &mut Spec,
    type_names: &BTreeMap<String, String>,
    former: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let current = |given: &str| {
        // Merges chain (a child merged, then its parent): follow them to the end.
        let mut name = given.to_string();
        for _ in 0..=former.len() {
            match former.get(&name) {
                Some(next) if *next != name => name = next.clone(),
                _ => break,
            }
        }
        name
    };
    let names: BTreeSet<String> = spec.types.iter().map(|t| t.name.clone()).collect();
    let mut explicit: BTreeMap<String, String> = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (given, new) in type_names {
        let name = current(given);
        if names.contains(&name) {
            explicit.insert(name, new.clone());
            used.insert(given.clone());
        }
    }
    let mut renames = explicit.clone();
    for name in names.iter().filter(|n| !explicit.contains_key(*n)) {
        let parent = explicit
            .iter()
            .filter(|(old, _)| name.strip_prefix(old.as_str()).is_some_and(|rest| rest.starts_with(char::is_uppercase)))
            .max_by_key(|(old, _)| old.len());
        if let Some((old, new)) = parent {
            renames.insert(name.clone(), format!("{new}{}", &name[old.len()..]));
        }
    }
    if renames.is_empty() {
        return used;
    }
    for def in &mut spec.types {
        if let Some(new) = renames.get(&def.name) {
            def.name = new.clone();
        }
    }
    rename_refs(spec, &renames);
    spec.types.sort_by(|a, b| a.name.cmp(&b.name));
    used
}

/// GET operations whose success body is an object holding exactly one array (and, if the
/// API announces totals at `meta.pages` or `meta.total`, that `meta` object) are list
/// operations: they page with the API's convention and get its paging parameters.
pub fn mark_list_operations(spec: &mut Spec, globals: &[Parameter]) {
    let Some(pagination) = spec.api.pagination.clone() else { return };
    let params: Vec<&str> = match &pagination {
        Pagination::PageNumber { page_param, per_page_param, .. } => vec![page_param, per_page_param],
        Pagination::Offset { offset_param, limit_param, .. } => vec![offset_param, limit_param],
    };
    let announcing: Option<&str> = match &pagination {
        Pagination::PageNumber { total_pages, .. } => total_pages.as_deref(),
        Pagination::Offset { total, .. } => total.as_deref(),
    }
    .and_then(|path| path.split_once('.').map(|(first, _)| first));
    let types: BTreeMap<&str, &TypeDef> = spec.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for op in &mut spec.operations {
        if op.method != Some(Method::Get) {
            continue;
        }
        let Some(TypeRef::Named(body)) = op.success().and_then(|r| r.ty.as_ref()) else { continue };
        let Some(TypeKind::Object { fields }) = types.get(body.as_str()).map(|t| &t.kind) else { continue };
        let arrays: Vec<&Field> = fields.iter().filter(|f| matches!(f.ty, TypeRef::Array(_))).collect();
        // Besides the items, only the object where the API announces its totals (`meta`).
        let others_announce = fields
            .iter()
            .filter(|f| !matches!(f.ty, TypeRef::Array(_)))
            .all(|f| announcing.is_some_and(|key| key == f.name && matches!(f.ty, TypeRef::Named(_))));
        if arrays.len() != 1 || !others_announce {
            continue;
        }
        // Only operations that take the paging parameters (their own, or the document's
        // global ones): walking pages of one that ignores them would never end.
        let takes = |name: &str| op.parameters.iter().chain(globals).any(|p| p.name == name);
        if !params.iter().all(|name| takes(name)) {
            continue;
        }
        op.pagination = Some(ListPagination { items: arrays[0].name.clone(), source: None });
        for name in &params {
            if op.parameters.iter().any(|p| p.name == *name) {
                continue;
            }
            if let Some(global) = globals.iter().find(|g| g.name == *name) {
                op.parameters.push(global.clone());
            }
        }
    }
}

/// Drops types nothing refers to (left behind by merging and deduplication).
fn drop_unused_types(spec: &mut Spec) {
    let types: BTreeMap<String, &TypeDef> = spec.types.iter().map(|t| (t.name.clone(), t)).collect();
    let mut used = BTreeSet::new();
    let mut stack: Vec<String> = Vec::new();
    let push = |ty: &TypeRef, stack: &mut Vec<String>| {
        if let Some(n) = ty.named() {
            stack.push(n.to_string());
        }
    };
    for op in &spec.operations {
        op.parameters.iter().for_each(|p| push(&p.ty, &mut stack));
        if let Some(r) = &op.request {
            push(&r.ty, &mut stack);
        }
        op.responses.iter().filter_map(|r| r.ty.as_ref()).for_each(|t| push(t, &mut stack));
    }
    if let Some(e) = &spec.api.error_body {
        push(&e.ty, &mut stack);
    }
    while let Some(name) = stack.pop() {
        if !used.insert(name.clone()) {
            continue;
        }
        if let Some(TypeKind::Object { fields }) = types.get(&name).map(|t| &t.kind) {
            fields.iter().for_each(|f| push(&f.ty, &mut stack));
        }
    }
    spec.types.retain(|t| used.contains(&t.name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_come_from_titles_without_articles() {
        assert_eq!(operation_id("Retrieve all contacts"), "retrieve_all_contacts");
        assert_eq!(operation_id("Fetch an existing contact"), "fetch_existing_contact");
        assert_eq!(operation_id("Retrieve all UserGroups"), "retrieve_all_user_groups");
        assert_eq!(operation_id("Create a new task and assign it to a team"), "create_new_task_and_assign_it_to_team");
    }

    #[test]
    fn resources_skip_api_and_version_segments() {
        assert_eq!(resource_of("/v1/contacts/{id}"), "contacts");
        assert_eq!(resource_of("/api/v1/contact/{id}/notes"), "contact");
        assert_eq!(resource_of("/dealGroups/{id}"), "deal_groups");
        assert_eq!(resource_of("/v1/workflow_templates"), "workflow_templates");
    }

    #[test]
    fn only_unambiguous_choice_lists_split() {
        assert_eq!(
            split_choices("single_select multi_check_box date").unwrap(),
            vec!["single_select", "multi_check_box", "date"]
        );
        assert!(split_choices("Referral Conference Direct Mail Cold Call Other").is_none());
        assert!(split_choices("ascdescrecentcreated").is_none());
    }

    #[test]
    fn timestamp_shapes_are_recognised() {
        assert_eq!(timestamp_format("2015-05-24 10:00 AM -0500"), Some("%Y-%m-%d %I:%M %p %z"));
        assert_eq!(timestamp_format("2022-06-30T00:00:00.000000+00:00"), Some("rfc3339"));
        assert_eq!(timestamp_format("2019-08-24T14:15:22Z"), Some("rfc3339"));
        assert_eq!(timestamp_format("2015-05-24"), None);
    }
}
