//! The rules of the naming pass that give a resource one model and short names: the
//! objects a resource's envelopes hold (`{"dealStage": {...}}`) become one model named by
//! their key, the shapes one resource returns become one model named after it, a page's
//! items of any JSON become that model where the document's examples fit it, the bodies
//! of `create` and `update` are named after it, and derived names are the nearest named parent's
//! name plus the field (async-stripe's rule).

use std::collections::{BTreeMap, BTreeSet};

use codegen::names::pascal;
use codegen::spec::{Field, Operation, Spec, TypeDef, TypeKind, TypeRef};
use serde_json::Value;

use super::operations::singular;
use super::{by_name, type_key, Pass, Sources, Types};

/// The plain CRUD verbs whose bodies and results are the resource's own.
const ITEM_VERBS: &[&str] = &["get", "create", "update", "delete"];

impl Pass {
    /// Rule 9: the object types a resource's `get`, `create`, `update` and `delete`
    /// return, and its `list`'s items, that are one shape or a subset of the largest,
    /// are one model: the one the document (or the overlay) names, else named after the
    /// resource (`Task`). Appearances merge as elsewhere (the union of their fields, a
    /// field required only where each requires it).
    pub(super) fn resource_models(&mut self, spec: &mut Spec) {
        let resources: BTreeSet<String> =
            spec.operations.iter().map(|o| o.resource.clone()).filter(|r| !self.models.contains_key(r)).collect();
        for resource in resources {
            let types = by_name(spec);
            let mut candidates: BTreeSet<String> = BTreeSet::new();
            for op in spec.operations.iter().filter(|o| o.resource == resource && o.is_resolved()) {
                candidates.extend(model_candidates(spec, op));
            }
            let candidates: Vec<&TypeDef> = candidates
                .iter()
                .filter_map(|n| types.get(n).copied())
                .filter(|t| matches!(t.kind, TypeKind::Object { .. }))
                .collect();
            let named: Vec<&&TypeDef> = candidates.iter().filter(|t| self.named.contains(&t.name)).collect();
            let model = match named.as_slice() {
                [one] => (**one).clone(),
                [] => match candidates.iter().max_by_key(|t| (field_count(t), std::cmp::Reverse(t.name.clone()))) {
                    Some(largest) => (*largest).clone(),
                    None => continue,
                },
                _ => continue,
            };
            let mut aliases = BTreeMap::new();
            for t in &candidates {
                if t.name != model.name && !self.named.contains(&t.name) && subset(&types, t, &model) {
                    aliases.insert(t.name.clone(), model.name.clone());
                }
            }
            let own = pascal(&singular(&resource));
            let name =
                if self.named.contains(&model.name) || types.contains_key(&own) { model.name.clone() } else { own };
            if aliases.is_empty() && name == model.name {
                self.models.insert(resource.clone(), model.name.clone());
                continue;
            }
            let fields = merged_fields(&types, &model, &aliases);
            self.merge_into_model(spec, &model.name, fields, &aliases);
            if name != model.name {
                self.rename(spec, &[(model.name.clone(), name.clone())].into());
            }
            self.named.insert(name.clone());
            self.models.insert(resource.clone(), name);
        }
    }

    /// Rule 9a (before rule 9): the object in an *envelope*, a body whose one object field
    /// (besides lists) holds the resource (`{"dealStage": {...}}`, the definition's
    /// `DealCreateStageResponse`), is the resource. Within a resource, the objects its
    /// responses' envelopes hold under one key, and its paged list's items, that are one
    /// shape or a subset of another (nested objects compared by their fields, not their
    /// names) are one model, named by the key (`DealStage`) where that name is free. Where
    /// they differ (a field of another type: the definition gives a stage's `order` as a
    /// string from `get` and a number from `create`), the model is the shape that takes in
    /// the most of them, then the one `get` returns; the others are merged the same way,
    /// round after round, under their derived names. The objects in the envelopes of
    /// `create` and `update` bodies, whose required fields are the request's, stay apart,
    /// named by the verb and the key (`CreateDealStage`) as rule 11 names bodies. The
    /// envelopes keep their (the document's) names: the rule needs no key listed anywhere.
    /// A derived object elsewhere of exactly a model's shape is that model.
    pub(super) fn envelope_models(&mut self, spec: &mut Spec) {
        let resources: BTreeSet<String> = spec.operations.iter().map(|o| o.resource.clone()).collect();
        let mut all_models = Vec::new();
        for resource in resources {
            let types = by_name(spec);
            let ops: Vec<&Operation> =
                spec.operations.iter().filter(|o| o.resource == resource && o.is_resolved()).collect();
            // Key -> the objects held under it, each with whether a `get` returns it.
            let mut groups: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
            for op in &ops {
                if let Some((key, inner)) = op.success().and_then(|r| r.ty.as_ref()).and_then(|t| envelope(&types, t)) {
                    *groups.entry(key).or_default().entry(inner).or_default() |= op.rust_name == "get";
                }
            }
            let items: BTreeSet<String> = ops
                .iter()
                .filter(|o| o.rust_name == "list")
                .flat_map(|o| model_candidates(spec, o))
                .filter(|n| !self.named.contains(n))
                .collect();
            let mut models = Vec::new();
            for (key, held) in groups {
                let mut members: BTreeMap<String, bool> = held;
                for item in &items {
                    members.entry(item.clone()).or_insert(false);
                }
                // Rounds: the shape that takes in the most members is the model, named by
                // the key; those it cannot take (a field of another type) are the next round's.
                let mut wanted = Some(pascal(&key));
                loop {
                    // Afresh: a round before this one merged some types away.
                    let types = by_name(spec);
                    let left: Vec<(&TypeDef, bool)> = members
                        .iter()
                        .filter(|(n, _)| !self.named.contains(*n))
                        .filter_map(|(n, get)| types.get(n).map(|t| (*t, *get)))
                        .filter(|(t, _)| matches!(t.kind, TypeKind::Object { .. }))
                        .collect();
                    let absorbed = |model: &TypeDef| -> BTreeMap<String, String> {
                        left.iter()
                            .filter(|(t, _)| t.name != model.name && deep_subset(&types, t, model))
                            .map(|(t, _)| (t.name.clone(), model.name.clone()))
                            .collect()
                    };
                    let Some((model, get)) = left.iter().max_by_key(|(t, get)| {
                        (absorbed(t).len(), *get, field_count(t), std::cmp::Reverse(t.name.clone()))
                    }) else {
                        break;
                    };
                    let aliases = absorbed(model);
                    // One object that no `get` returns and nothing else matches is no model.
                    if aliases.is_empty() && !(*get && wanted.is_some()) {
                        break;
                    }
                    let model = (*model).clone();
                    let fields = merged_fields(&types, &model, &aliases);
                    // The first round's model is the resource's, named by the key; a later
                    // round's keeps a derived name (its envelope's plus the key).
                    let name =
                        wanted.take().map(|wanted| if types.contains_key(&wanted) { model.name.clone() } else { wanted });
                    self.merge_into_model(spec, &model.name, fields, &aliases);
                    if let Some(name) = name {
                        if name != model.name {
                            self.rename(spec, &[(model.name.clone(), name.clone())].into());
                        }
                        self.named.insert(name.clone());
                        models.push(name);
                    }
                    for gone in aliases.keys().chain([&model.name]) {
                        members.remove(gone);
                    }
                }
            }
            if let [model] = models.as_slice() {
                self.models.insert(resource.clone(), model.clone());
            }
            all_models.extend(models);
            // The objects in the envelopes of `create` and `update` bodies.
            let types = by_name(spec);
            let mut renames = BTreeMap::new();
            for op in spec.operations.iter().filter(|o| o.resource == resource && o.is_resolved()) {
                if !matches!(op.rust_name.as_str(), "create" | "update") {
                    continue;
                }
                let Some((key, inner)) = op.request.as_ref().and_then(|r| envelope(&types, &r.ty)) else { continue };
                let name = format!("{}{}", pascal(&op.rust_name), pascal(&key));
                if self.named.contains(&inner) || types.contains_key(&name) || renames.values().any(|n| *n == name) {
                    continue;
                }
                renames.insert(inner, name);
            }
            self.named.extend(renames.values().cloned());
            self.rename_with_children(spec, &renames);
        }
        // A derived object of exactly a model's shape elsewhere (a pipeline's stages) is it.
        let types = by_name(spec);
        let shapes: BTreeMap<String, &String> =
            all_models.iter().map(|m| (deep_key(&types, &TypeRef::Named(m.clone()), 0), m)).collect();
        let aliases: BTreeMap<String, String> = types
            .values()
            .filter(|t| matches!(t.kind, TypeKind::Object { .. }) && !self.named.contains(&t.name))
            .filter_map(|t| {
                let model = shapes.get(&deep_key(&types, &TypeRef::Named(t.name.clone()), 0))?;
                Some((t.name.clone(), (*model).clone()))
            })
            .collect();
        self.merge(spec, &aliases, Sources::Join);
    }

    /// Gives `model` its merged `fields` (see [`merged_fields`]) and merges `aliases` into it.
    fn merge_into_model(
        &mut self,
        spec: &mut Spec,
        model: &str,
        fields: Vec<Field>,
        aliases: &BTreeMap<String, String>,
    ) {
        if let Some(def) = spec.types.iter_mut().find(|t| t.name == model) {
            def.kind = TypeKind::Object { fields };
        }
        self.merge(spec, aliases, Sources::Join);
    }

    /// Rule 10: a list's items typed as any JSON are the resource's model when every
    /// item of the document's examples of that list is an object whose keys are the
    /// model's fields (the fixture tests then decode each of them into it).
    pub(super) fn typed_list_items(&mut self, spec: &mut Spec) {
        let types = by_name(spec);
        let mut retype: Vec<(String, String, String)> = Vec::new();
        for op in spec.operations.iter().filter(|o| o.is_resolved() && o.rust_name == "list") {
            let (Some(model), Some(paging)) = (self.models.get(&op.resource), &op.pagination) else { continue };
            let Some(TypeRef::Named(page)) = op.success().and_then(|r| r.ty.as_ref()) else { continue };
            let Some(TypeKind::Object { fields }) = types.get(page).map(|t| &t.kind) else { continue };
            if fields.iter().find(|f| f.name == paging.items).map(|f| &f.ty)
                != Some(&TypeRef::Array(Box::new(TypeRef::Any)))
            {
                continue;
            }
            let Some(model_def) = types.get(model) else { continue };
            let keys: BTreeSet<&str> = fields_of(model_def).iter().map(|f| f.name.as_str()).collect();
            let mut items = 0;
            let fits = op.success().into_iter().flat_map(|r| &r.examples).filter(|e| e.valid_json).all(|e| {
                let Ok(value) = serde_json::from_str::<Value>(&e.json) else { return false };
                let Some(Value::Array(list)) = value.get(&paging.items) else { return true };
                list.iter().all(|item| {
                    items += 1;
                    item.as_object().is_some_and(|o| o.keys().all(|k| keys.contains(k.as_str())))
                })
            });
            if fits && items > 0 {
                retype.push((page.clone(), paging.items.clone(), model.clone()));
            }
        }
        for (page, items, model) in retype {
            if let Some(TypeKind::Object { fields }) =
                spec.types.iter_mut().find(|t| t.name == page).map(|t| &mut t.kind)
            {
                if let Some(f) = fields.iter_mut().find(|f| f.name == items) {
                    f.ty = TypeRef::Array(Box::new(TypeRef::Named(model)));
                }
            }
        }
    }

    /// Rule 11: the derived bodies of a resource's `create` and `update` are named after
    /// the resource (`CreateContact`, `UpdateTask`, `CreateNote`), and its `list`'s page
    /// `<Resource>Page`.
    pub(super) fn crud_body_names(&mut self, spec: &mut Spec) {
        let types = by_name(spec);
        let mut renames: BTreeMap<String, String> = BTreeMap::new();
        let mut taken: BTreeSet<String> = types.keys().cloned().collect();
        for op in spec.operations.iter().filter(|o| o.is_resolved()) {
            let model = pascal(&singular(&op.resource));
            let (body, name) = match op.rust_name.as_str() {
                "create" | "update" => match op.request.as_ref().map(|r| &r.ty) {
                    Some(TypeRef::Named(body)) => (body.clone(), format!("{}{model}", pascal(&op.rust_name))),
                    _ => continue,
                },
                "list" => match op.success().and_then(|r| r.ty.as_ref()) {
                    Some(TypeRef::Named(page)) if op.pagination.is_some() => (page.clone(), format!("{model}Page")),
                    _ => continue,
                },
                _ => continue,
            };
            if self.named.contains(&body) || renames.contains_key(&body) || taken.contains(&name) {
                continue;
            }
            taken.insert(name.clone());
            renames.insert(body, name);
        }
        self.rename_with_children(spec, &renames);
    }

    /// Rule 12: a derived type nested in another derived type is named by its nearest
    /// named parent (the document's, the overlay's, a model, or an operation's body)
    /// plus its field: `ListPipelineDealsByOwnerResponseGroupsDealsCreator` becomes
    /// `ListPipelineDealsByOwnerResponseCreator`, unless that name is taken.
    pub(super) fn nearest_named_parent(&mut self, spec: &mut Spec) {
        let types = by_name(spec);
        let roots: BTreeSet<String> = spec
            .operations
            .iter()
            .flat_map(|o| o.type_refs().filter(|(site, _)| !matches!(site, codegen::refs::RefSite::Parameter(..))))
            .filter_map(|(_, ty)| ty.named().map(String::from))
            .collect();
        let is_named = |name: &str| self.named.contains(name) || roots.contains(name);
        // Each derived type's owner: the type it was named after (its name's longest
        // owner prefix), else a named one (a model before an operation's body), else the
        // first that refers to it.
        let rank = |owner: &str, child: &str| {
            (child.starts_with(owner), self.named.contains(owner), std::cmp::Reverse(owner.to_string()))
        };
        let mut owners: BTreeMap<String, (String, String)> = BTreeMap::new();
        for def in types.values() {
            let TypeKind::Object { fields } = &def.kind else { continue };
            for f in fields {
                let Some(child) = f.ty.named() else { continue };
                let better = match owners.get(child) {
                    None => true,
                    Some((owner, _)) => rank(&def.name, child) > rank(owner, child),
                };
                if better {
                    owners.insert(child.to_string(), (def.name.clone(), f.name.clone()));
                }
            }
        }
        let mut taken: BTreeSet<String> = types.keys().cloned().collect();
        let mut renames = BTreeMap::new();
        for name in types.keys().filter(|n| !is_named(n)) {
            let Some((mut parent, field)) = owners.get(name).cloned() else { continue };
            let mut hops = 0;
            while !is_named(&parent) && hops <= owners.len() {
                match owners.get(&parent) {
                    Some((up, _)) => parent = up.clone(),
                    None => break,
                }
                hops += 1;
            }
            if !is_named(&parent) {
                continue;
            }
            let short = format!("{parent}{}", pascal(&field));
            if short.len() < name.len() && !taken.contains(&short) {
                taken.insert(short.clone());
                renames.insert(name.clone(), short);
            }
        }
        self.rename(spec, &renames);
    }

    /// Rule 13: derived enums of one field with the same values that belong to one
    /// resource (its model's, its bodies') are one type, named by the resource's model
    /// plus the field (`TaskPriority`, of a task's and its update body's priority).
    pub(super) fn same_field_enums(&mut self, spec: &mut Spec) {
        let mut wire_of: BTreeMap<String, String> = BTreeMap::new();
        for (original, wire) in &self.origins.enum_fields {
            wire_of.insert(self.current(original), wire.clone());
        }
        // The resource each type belongs to: its model, and its operations' bodies.
        let mut family: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (resource, model) in &self.models {
            family.entry(model.clone()).or_default().insert(resource.clone());
        }
        for op in &spec.operations {
            let bodies = op.request.iter().map(|r| &r.ty).chain(op.success().and_then(|r| r.ty.as_ref()));
            for name in bodies.filter_map(TypeRef::named) {
                family.entry(name.to_string()).or_default().insert(op.resource.clone());
            }
        }
        let mut groups: BTreeMap<(String, Vec<String>, String), Vec<String>> = BTreeMap::new();
        for def in &spec.types {
            let (TypeKind::Enum { values }, Some(wire)) = (&def.kind, wire_of.get(&def.name)) else { continue };
            if self.named.contains(&def.name) {
                continue;
            }
            let owners: BTreeSet<&String> = spec
                .type_refs()
                .filter(|(_, ty)| ty.named() == Some(def.name.as_str()))
                .filter_map(|(site, _)| match site {
                    codegen::refs::RefSite::Field(owner, _) => Some(family.get(&owner.name)),
                    _ => None,
                })
                .flat_map(|resources| resources.into_iter().flatten())
                .collect();
            if let [resource] = owners.into_iter().collect::<Vec<_>>().as_slice() {
                groups.entry((wire.clone(), values.clone(), (*resource).clone())).or_default().push(def.name.clone());
            }
        }
        let mut aliases = BTreeMap::new();
        let mut renames = BTreeMap::new();
        let names: BTreeSet<String> = spec.types.iter().map(|t| t.name.clone()).collect();
        for ((wire, _, resource), members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
            let model = self.models.get(&resource).cloned().unwrap_or_else(|| pascal(&singular(&resource)));
            let wanted = format!("{model}{}", pascal(&wire));
            let first = members.iter().min_by_key(|n| (n.len(), n.as_str())).expect("a group has members").clone();
            let target = if members.contains(&wanted) || !names.contains(&wanted) { wanted } else { first.clone() };
            if !members.contains(&target) {
                renames.insert(first.clone(), target.clone());
            }
            // The first member is renamed to the target (when the target is a new name);
            // the others merge into it.
            let renamed = renames.contains_key(&first);
            for m in members.iter().filter(|m| **m != target && !(renamed && **m == first)) {
                aliases.insert(m.clone(), target.clone());
            }
        }
        self.rename(spec, &renames);
        self.merge(spec, &aliases, Sources::Join);
    }

    /// Renames types, and the derived types named after them follow
    /// (`CreateNewContactRequestHousehold` → `CreateContactHousehold`) where the name is free.
    pub(super) fn rename_with_children(&mut self, spec: &mut Spec, renames: &BTreeMap<String, String>) {
        let names: BTreeSet<String> = spec.types.iter().map(|t| t.name.clone()).collect();
        let mut all = renames.clone();
        let mut taken: BTreeSet<String> = names.iter().cloned().chain(renames.values().cloned()).collect();
        for name in names.iter().filter(|n| !renames.contains_key(*n) && !self.named.contains(*n)) {
            let parent = renames
                .iter()
                .filter(|(old, _)| {
                    name.strip_prefix(old.as_str()).is_some_and(|rest| rest.starts_with(char::is_uppercase))
                })
                .max_by_key(|(old, _)| old.len());
            if let Some((old, new)) = parent {
                let child = format!("{new}{}", &name[old.len()..]);
                if taken.insert(child.clone()) {
                    all.insert(name.clone(), child);
                }
            }
        }
        self.rename(spec, &all);
    }
}

/// The named object types an operation returns or lists that may be its resource's
/// model: the success bodies of `get`, `create`, `update` and `delete`, the items of
/// `list`.
fn model_candidates(spec: &Spec, op: &Operation) -> Vec<String> {
    let success = op.success().and_then(|r| r.ty.as_ref());
    if ITEM_VERBS.contains(&op.rust_name.as_str()) {
        return success
            .and_then(|t| match t {
                TypeRef::Named(n) => Some(vec![n.clone()]),
                _ => None,
            })
            .unwrap_or_default();
    }
    if op.rust_name != "list" {
        return Vec::new();
    }
    let (Some(TypeRef::Named(page)), Some(paging)) = (success, &op.pagination) else { return Vec::new() };
    match spec.type_def(page).map(|t| &t.kind) {
        Some(TypeKind::Object { fields }) => fields
            .iter()
            .filter(|f| f.name == paging.items)
            .filter_map(|f| match &f.ty {
                TypeRef::Array(inner) => inner.named().map(String::from),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn fields_of(def: &TypeDef) -> &[Field] {
    match &def.kind {
        TypeKind::Object { fields } => fields,
        _ => &[],
    }
}

fn field_count(def: &TypeDef) -> usize {
    fields_of(def).len()
}

/// The fields of `model` with those of `aliases` merged in: it keeps its own fields (and
/// their types), gains theirs, each `required` only where every appearance requires it.
fn merged_fields(types: &Types, model: &TypeDef, aliases: &BTreeMap<String, String>) -> Vec<Field> {
    let mut fields = fields_of(model).to_vec();
    for alias in aliases.keys() {
        let theirs: Vec<_> = fields_of(types[alias])
            .iter()
            .cloned()
            .map(|mut f| {
                if let Some(mine) = fields.iter().find(|m| m.name == f.name) {
                    f.ty = mine.ty.clone();
                }
                f
            })
            .collect();
        crate::normalize::types::merge_fields(&mut fields, theirs);
    }
    fields
}

/// Whether every field of `small` is a field of `big` of the same type (enums compared by
/// their values).
fn subset(types: &Types, small: &TypeDef, big: &TypeDef) -> bool {
    let big_fields = fields_of(big);
    fields_of(small)
        .iter()
        .all(|f| big_fields.iter().any(|g| g.name == f.name && type_key(types, &g.ty) == type_key(types, &f.ty)))
}

/// The key and the object of an envelope: a body whose one field typed as a named object
/// holds it, every other field being a list (`{"dealStage": {...}}`,
/// `{"contactDeal": {...}, "deals": [...]}`).
fn envelope(types: &Types, ty: &TypeRef) -> Option<(String, String)> {
    let TypeKind::Object { fields } = &types.get(ty.named()?)?.kind else { return None };
    let is_object = |t: &TypeRef| matches!(t, TypeRef::Named(n) if matches!(types.get(n).map(|d| &d.kind), Some(TypeKind::Object { .. })));
    let mut held = fields.iter().filter(|f| is_object(&f.ty));
    let (Some(one), None) = (held.next(), held.next()) else { return None };
    if !fields.iter().all(|f| f.name == one.name || matches!(f.ty, TypeRef::Array(_))) {
        return None;
    }
    Some((one.name.clone(), one.ty.named()?.to_string()))
}

/// A type's structure, nested objects by their fields rather than their names (enums by
/// their values): two appearances of one object, each with its own nested types, match.
fn deep_key(types: &Types, ty: &TypeRef, depth: usize) -> String {
    match ty {
        TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Object { fields }) if depth < 8 => {
                let mut parts: Vec<String> =
                    fields.iter().map(|f| format!("{}:{}", f.name, deep_key(types, &f.ty, depth + 1))).collect();
                parts.sort();
                format!("{{{}}}", parts.join(","))
            }
            _ => type_key(types, ty),
        },
        TypeRef::Array(t) => format!("array<{}>", deep_key(types, t, depth)),
        TypeRef::Map(t) => format!("map<{}>", deep_key(types, t, depth)),
        other => other.to_string(),
    }
}

/// Whether every field of `small` is a field of `big` of the same structure.
fn deep_subset(types: &Types, small: &TypeDef, big: &TypeDef) -> bool {
    let big_fields = fields_of(big);
    fields_of(small)
        .iter()
        .all(|f| big_fields.iter().any(|g| g.name == f.name && deep_key(types, &g.ty, 0) == deep_key(types, &f.ty, 0)))
}
