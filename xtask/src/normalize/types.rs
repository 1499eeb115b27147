//! Type building: draft operations become operations, and the shapes they show become
//! named types: the document's names where it gives them, else names derived from where
//! a shape sits (`<OperationId>Request`, `<Owner><Field>`); appearances of one name that
//! agree are merged, one that disagrees is kept apart as a variant; choice lists become
//! enums; names used but never defined become types of unknown shape.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use codegen::path::PathTemplate;
use codegen::refs::RefSite;
use codegen::spec::{
    Field, Gap, GapKind, Operation, Parameter, RequestBody, Response, Source, Spec, TypeDef, TypeKind, TypeRef,
};
use codegen::names::pascal;

use super::ids::resource_of;
use super::naming::Origins;
use super::numbers::NumberStats;
use super::ChoiceSplits;
use crate::draft::{Choices, Draft, DraftObject, DraftOperation, DraftType};

/// The draft's global parameters, with their types refined like any other.
pub(super) fn global_parameters(draft: &Draft, stats: &NumberStats) -> Vec<Parameter> {
    draft
        .global_parameters
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
            taken_from: p.by_definition.taken_from.clone(),
        })
        .collect()
}

/// Where a type sits: `hint` names anonymous objects and enums; `wire` is the field or
/// parameter name (for number refinement); `context` is the operation's PascalCase id
/// (names variants that disagree); `default` counts as an example.
struct Site<'s> {
    hint: &'s str,
    wire: &'s str,
    context: &'s str,
    default: Option<&'s str>,
}

/// Builds operations and their named types from draft operations, one after the other.
pub(super) struct TypeBuilder<'a> {
    types: BTreeMap<String, TypeDef>,
    /// Base name → names of its variants (appearances that did not agree).
    variants: BTreeMap<String, Vec<String>>,
    /// Which names the document gives, and which field each enum types.
    origins: Origins,
    gaps: Vec<Gap>,
    variant_gaps: Vec<(usize, String, String)>,
    stats: NumberStats,
    choice_splits: &'a ChoiceSplits,
    used_choice_splits: BTreeSet<String>,
}

/// What [`TypeBuilder`] built besides the operations.
pub(super) struct Built {
    /// The named types, by name.
    pub types: Vec<TypeDef>,
    /// The draft's gaps and those found while building.
    pub gaps: Vec<Gap>,
    /// Of those, the `type_variant` gaps, by index, each with the variant's and its base's
    /// name: naming may merge the variant back into its base (then the gap is void).
    pub variants: Vec<(usize, String, String)>,
    /// Which names the document gives, and which field each enum types.
    pub origins: Origins,
    /// Choice texts of the overlay that matched a choice list.
    pub used_choice_splits: BTreeSet<String>,
}

impl<'a> TypeBuilder<'a> {
    pub(super) fn new(stats: NumberStats, choice_splits: &'a ChoiceSplits, gaps: Vec<Gap>) -> Self {
        TypeBuilder {
            types: BTreeMap::new(),
            variants: BTreeMap::new(),
            origins: Origins::default(),
            gaps,
            variant_gaps: Vec::new(),
            stats,
            choice_splits,
            used_choice_splits: BTreeSet::new(),
        }
    }

    /// The operation of a draft operation, under `id`, in the resource the overlay sets
    /// (the operation's own entry, else `resource`), else the path's.
    pub(super) fn operation(&mut self, op: DraftOperation, id: String, resource: Option<&String>) -> Operation {
        let pascal = pascal(&id);
        let path = op.path.as_deref().and_then(|text| match PathTemplate::parse(text) {
            Ok(path) => Some(path),
            Err(e) => {
                self.gaps.push(Gap {
                    kind: GapKind::InvalidPath,
                    message: format!("{e}; the operation stays unresolved"),
                    source: op.source.clone(),
                });
                None
            }
        });
        let resource = op.resource.or_else(|| resource.cloned());
        let resource =
            resource.unwrap_or_else(|| path.as_ref().map(resource_of).unwrap_or_else(|| "unresolved".into()));
        let parameters = op
            .parameters
            .into_iter()
            .map(|p| {
                let hint = format!("{pascal}{}", codegen::names::pascal(&p.name));
                let site = Site { hint: &hint, wire: &p.name, context: &pascal, default: p.default.as_deref() };
                let ty = self.type_ref(p.ty, &site, p.choices, p.by_definition.type_stated);
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
                    taken_from: p.by_definition.taken_from,
                }
            })
            .collect();
        let request = op.request.map(|body| RequestBody {
            content_type: body.content_type,
            ty: body
                .shape
                .map(|shape| self.body_type(shape, &format!("{pascal}Request"), &pascal))
                .unwrap_or(TypeRef::Any),
            examples: body.examples,
            source: body.source,
        });
        let responses = op
            .responses
            .into_iter()
            .map(|r| Response {
                ty: r.shape.map(|shape| self.body_type(shape, &format!("{pascal}Response"), &pascal)),
                status: r.status,
                description: r.description,
                examples: r.examples,
                source: r.source,
                taken_from: r.taken_from,
            })
            .collect();
        Operation {
            id,
            resource,
            rust_name: String::new(),
            method: op.method,
            path,
            resolved_by: op.resolved_by,
            summary: (!op.title.is_empty()).then_some(op.title),
            description: op.description,
            parameters,
            request,
            responses,
            pagination: None,
            source: op.source,
        }
    }

    /// The types and gaps built, once every operation is.
    pub(super) fn finish(mut self) -> Built {
        self.resolve_named_references();
        Built {
            types: self.types.into_values().collect(),
            gaps: self.gaps,
            variants: self.variant_gaps,
            origins: self.origins,
            used_choice_splits: self.used_choice_splits,
        }
    }

    /// The IR type of a request or response body.
    fn body_type(&mut self, shape: DraftType, hint: &str, context: &str) -> TypeRef {
        // A body's own type is exact when it is not a number.
        self.type_ref(shape, &Site { hint, wire: "", context, default: None }, None, false)
    }

    /// The IR type of a draft type at `site`. A `number` becomes an `integer` when every
    /// example of its wire name is whole, unless the type is `stated` exactly (by a
    /// definition).
    fn type_ref(&mut self, ty: DraftType, site: &Site, choices: Option<Choices>, stated: bool) -> TypeRef {
        match ty {
            DraftType::Prim(prim) => {
                let prim =
                    if prim == TypeRef::Number && !stated { self.stats.refine(site.wire, site.default) } else { prim };
                match choices {
                    Some(choices) if prim == TypeRef::String => {
                        let name = match &choices.doc_name {
                            Some(doc_name) => {
                                self.origins.doc_named.insert(doc_name.clone());
                                doc_name.clone()
                            }
                            None => site.hint.to_string(),
                        };
                        self.enum_type(&name, site.wire, choices)
                    }
                    Some(choices) => {
                        self.gaps.push(Gap {
                            kind: GapKind::ChoicesOnNonString,
                            message: format!(
                                "`{}` is a {prim} with choices `{}`; kept as {prim}",
                                site.wire, choices.text
                            ),
                            source: choices.source,
                        });
                        prim
                    }
                    None => prim,
                }
            }
            DraftType::Array(inner) => TypeRef::Array(Box::new(self.type_ref(*inner, site, choices, stated))),
            DraftType::Map(inner) => TypeRef::Map(Box::new(self.type_ref(*inner, site, choices, stated))),
            DraftType::Object(object) => TypeRef::Named(self.object_type(object, site.hint, site.context)),
            DraftType::Named(name) => TypeRef::Named(name),
            DraftType::Any => TypeRef::Any,
        }
    }

    fn object_type(&mut self, object: DraftObject, hint: &str, context: &str) -> String {
        let base = object.doc_name.clone().unwrap_or_else(|| hint.to_string());
        if object.doc_name.is_some() {
            self.origins.doc_named.insert(base.clone());
        }
        let fields: Vec<Field> = object
            .fields
            .into_iter()
            .map(|f| {
                let hint = format!("{base}{}", pascal(&f.name));
                let site = Site { hint: &hint, wire: &f.name, context, default: f.default.as_deref() };
                let ty = self.type_ref(f.ty, &site, f.choices, f.by_definition.type_stated);
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
                    taken_from: f.by_definition.taken_from,
                }
            })
            .collect();
        let fields = self.merge_duplicate_fields(fields);
        // An object the page shows whose name the definition gives appears there too.
        let sources = [Some(object.source), object.taken_from].into_iter().flatten().collect();
        self.register_object(&base, fields, sources, context)
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
                        kind: GapKind::DuplicateField,
                        message: format!(
                            "`{}` is listed again in the same object{}; the first listing (the field's source) is kept",
                            f.name,
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

    /// Registers an appearance of an object (at `sources`) under `base`: merged into an
    /// existing variant it agrees with, or a new variant named `base` + `context`.
    fn register_object(&mut self, base: &str, fields: Vec<Field>, sources: Vec<Source>, context: &str) -> String {
        let variants = self.variants.entry(base.to_string()).or_default().clone();
        for name in &variants {
            let def = self.types.get_mut(name).expect("variants are registered types");
            let TypeKind::Object { fields: existing } = &mut def.kind else { continue };
            if agree(existing, &fields) {
                merge_fields(existing, fields);
                for source in sources {
                    if !def.sources.contains(&source) {
                        def.sources.push(source);
                    }
                }
                return name.clone();
            }
        }
        let name = if variants.is_empty() { base.to_string() } else { format!("{base}{context}") };
        if let Some(first) = variants.first() {
            // Named, not located: a place in the message would be a line, which moves.
            self.variant_gaps.push((self.gaps.len(), name.clone(), first.clone()));
            self.gaps.push(Gap {
                kind: GapKind::TypeVariant,
                message: format!(
                    "this `{base}` disagrees with the type `{first}` on a field's type; kept apart as `{name}`"
                ),
                source: sources[0].clone(),
            });
        }
        self.variants.get_mut(base).expect("entry created above").push(name.clone());
        self.types.insert(
            name.clone(),
            TypeDef { name: name.clone(), description: None, kind: TypeKind::Object { fields }, sources },
        );
        name
    }

    fn enum_type(&mut self, name: &str, wire: &str, choices: Choices) -> TypeRef {
        self.origins.enum_fields.insert(name.to_string(), wire.to_string());
        let mut sources = vec![choices.source.clone()];
        let values = match choices.values.clone().or_else(|| split_choices(&choices.text)) {
            Some(values) => values,
            None => match self.choice_splits.get(&choices.text) {
                Some((values, overlay)) => {
                    self.used_choice_splits.insert(choices.text.clone());
                    sources.push(overlay.clone());
                    values.clone()
                }
                None => {
                    self.gaps.push(Gap {
                        kind: GapKind::AmbiguousChoices,
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
pub(super) fn define_unknown_operation_types(spec: &mut Spec) {
    let mut missing: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for (site, ty) in spec.type_refs() {
        let source = match site {
            RefSite::Request(_, body) => &body.source,
            RefSite::Response(_, response) => &response.source,
            _ => continue,
        };
        if let Some(name) = ty.named().filter(|name| spec.type_def(name).is_none()) {
            missing.entry(name.to_string()).or_default().push(source.clone());
        }
    }
    for (name, sources) in missing {
        spec.gaps.push(Gap {
            kind: GapKind::UndefinedSchema,
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
pub(crate) fn merge_fields(a: &mut Vec<Field>, b: Vec<Field>) {
    let in_b: HashMap<String, usize> = b.iter().enumerate().map(|(i, f)| (f.name.clone(), i)).collect();
    let in_a: HashSet<String> = a.iter().map(|f| f.name.clone()).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unambiguous_choice_lists_split() {
        assert_eq!(
            split_choices("single_select multi_check_box date").unwrap(),
            vec!["single_select", "multi_check_box", "date"]
        );
        assert!(split_choices("Referral Conference Direct Mail Cold Call Other").is_none());
        assert!(split_choices("ascdescrecentcreated").is_none());
    }
}
