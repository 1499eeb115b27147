//! Naming and deduplication: the one pass that decides which types are one, what each
//! type is called, and what each operation's Rust method is called. It runs in two
//! phases: [`run`] once type building is done, [`Naming::finish`] once the overlay has
//! routed operations and marked lists (names of operations and of the models of a
//! resource depend on routes). Its rules, in the order they run:
//!
//! 1. a derived-name object type with exactly the shape of a document-named type is that
//!    type (`fetch_existing_contact` returns a `Contact`);
//! 2. when the reader asks for it, derived-name object types of one shape are one type,
//!    named by the shortest of their names (repeated: merging children can make parents
//!    identical);
//! 3. a derived-name enum with the field name and values of a document-named owner's
//!    enum is that enum (`CreateNewContactRequestGender` is `ContactGender`);
//! 4. derived-name enums of one field and the same values are one enum: first those of
//!    one owner's request and response shapes (`EmailAddressRequestKind` is
//!    `EmailAddressKind`), then, when no enum elsewhere gives that field other values,
//!    all of them under the field's name (`RecordType`);
//! 5. types nothing uses any more are dropped;
//!
//! then, in [`Naming::finish`]:
//!
//! 6. every operation gets its Rust method name ([`operations`]: verbs from the path's
//!    shape, else the document's words, collisions resolved);
//! 7. operations of one endpoint given one name are one method: their request bodies,
//!    success bodies and parameters are merged into one (the union of their fields, a
//!    field required only where each requires it); where they cannot be (a field of two
//!    shapes), each keeps a method of its own, named by the document's words;
//! 8. the overlay's `type_names` rename derived types, found by a name they have or had
//!    before a merge, and the types named after them follow.
//!
//! Every rule states its decisions as merges or renames, which [`Pass`] applies to the
//! spec and records in its history (each name merged or renamed away, with the name it
//! became), so a later rule or the overlay can find a type by any name it had. A new rule
//! is a method of [`Pass`] and a line in [`run`] or [`Naming::finish`]; what type building
//! knows of a name comes in [`Origins`].

mod models;
mod operations;

use std::collections::{BTreeMap, BTreeSet};

use codegen::names::pascal;
use codegen::spec::{Field, Operation, Parameter, Spec, TypeDef, TypeKind, TypeRef};

/// What type building knows of the names it made.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Names the document itself gives (never merged away, never renamed).
    pub doc_named: BTreeSet<String>,
    /// Enum type name → wire name of the field or parameter it types.
    pub enum_fields: BTreeMap<String, String>,
}

/// Runs the first phase of the pass (rules 1 to 5) on a freshly built spec; the
/// returned [`Naming`] finishes it once operations are routed.
pub fn run(spec: &mut Spec, origins: Origins, merge_identical_shapes: bool) -> Naming {
    let named = origins.doc_named.clone();
    let mut pass = Pass { origins, history: BTreeMap::new(), named, models: BTreeMap::new() };
    pass.shapes_of_doc_named(spec);
    if merge_identical_shapes {
        pass.identical_shapes(spec);
    }
    pass.enums_of_doc_named(spec);
    pass.identical_enums(spec);
    drop_unused_types(spec);
    sort(spec);
    Naming { pass }
}

/// The pass between its two phases: what it knows of names, and their history.
pub struct Naming {
    pass: Pass,
}

impl Naming {
    /// The name a type has now, by a name it has or had.
    pub fn current(&self, name: &str) -> String {
        self.pass.current(name)
    }
}

/// What the overlay says about names.
pub struct OverlayNames<'a> {
    /// New names of derived types, by a name the type has or had.
    pub types: &'a BTreeMap<String, String>,
    /// Rust method names of operations, by operation id.
    pub operations: &'a BTreeMap<String, String>,
}

impl Naming {
    /// The second phase (rules 6 to 8), on the routed spec. Returns the overlay's
    /// `type_names` entries that found a type (one that found none is the overlay's
    /// error to report).
    pub fn finish(mut self, spec: &mut Spec, overlay: &OverlayNames) -> BTreeSet<String> {
        let pass = &mut self.pass;
        // Types the overlay adds are named by it; types the document names without
        // defining them, by the document.
        for def in &spec.types {
            let by_overlay =
                !def.sources.is_empty() && def.sources.iter().all(|s| matches!(s, codegen::spec::Source::Overlay(_)));
            if by_overlay || matches!(def.kind, TypeKind::Unknown) {
                pass.named.insert(def.name.clone());
            }
        }
        operations::name_operations(spec, overlay.operations);
        pass.one_method_per_endpoint(spec, overlay.operations);
        drop_unused_types(spec);
        let used = pass.overlay_names(spec, overlay.types);
        pass.envelope_models(spec);
        pass.resource_models(spec);
        pass.typed_list_items(spec);
        drop_unused_types(spec);
        pass.crud_body_names(spec);
        pass.nearest_named_parent(spec);
        pass.same_field_enums(spec);
        sort(spec);
        used
    }
}

/// A type's sources in document order; types by name.
fn sort(spec: &mut Spec) {
    for def in &mut spec.types {
        def.sources.sort();
    }
    spec.types.sort_by(|a, b| a.name.cmp(&b.name));
}

/// What becomes of the sources of types merged into another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sources {
    /// The target keeps only its own (a derived shape that *is* a document-named type:
    /// the document's definition is its source).
    Keep,
    /// The target gains those of the merged types (several derived shapes made one).
    Join,
}

/// The pass's state: what type building knew, and the history of names.
struct Pass {
    origins: Origins,
    /// Each name merged or renamed away, with the name it became.
    history: BTreeMap<String, String>,
    /// Names that are no derivation: the document's, the overlay's, resources' models.
    named: BTreeSet<String>,
    /// Each resource's model, by resource.
    models: BTreeMap<String, String>,
}

impl Pass {
    /// Merges each type named in `aliases` into its target: references follow, the alias
    /// is dropped, its sources go as `sources` says.
    fn merge(&mut self, spec: &mut Spec, aliases: &BTreeMap<String, String>, sources: Sources) {
        self.history.extend(aliases.iter().map(|(a, b)| (a.clone(), b.clone())));
        let mut merged_sources: BTreeMap<String, Vec<_>> = BTreeMap::new();
        if sources == Sources::Join {
            for def in spec.types.iter().filter(|t| aliases.contains_key(&t.name)) {
                merged_sources.entry(aliases[&def.name].clone()).or_default().extend(def.sources.iter().cloned());
            }
        }
        spec.rename_refs(aliases);
        spec.types.retain(|t| !aliases.contains_key(&t.name));
        for def in &mut spec.types {
            for source in merged_sources.remove(&def.name).unwrap_or_default() {
                if !def.sources.contains(&source) {
                    def.sources.push(source);
                }
            }
        }
    }

    /// Gives types new names; references follow.
    fn rename(&mut self, spec: &mut Spec, renames: &BTreeMap<String, String>) {
        for def in &mut spec.types {
            if let Some(new) = renames.get(&def.name) {
                def.name = new.clone();
            }
        }
        spec.rename_refs(renames);
        self.history.extend(renames.iter().map(|(a, b)| (a.clone(), b.clone())));
    }

    /// The name a type has now, by a name it has or had.
    fn current(&self, given: &str) -> String {
        // Merges chain (a child merged, then its parent): follow them to the end.
        let mut name = given.to_string();
        for _ in 0..=self.history.len() {
            match self.history.get(&name) {
                Some(next) if *next != name => name = next.clone(),
                _ => break,
            }
        }
        name
    }

    /// Rule 1: a derived-name object type with the shape of a document-named one is it.
    fn shapes_of_doc_named(&mut self, spec: &mut Spec) {
        let doc_named = self.origins.doc_named.clone();
        loop {
            let types = by_name(spec);
            let mut by_shape: BTreeMap<String, String> = BTreeMap::new();
            for name in &doc_named {
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
            self.merge(spec, &aliases, Sources::Keep);
        }
    }

    /// Rule 2: derived-name object types of one shape are one, named by the shortest name.
    fn identical_shapes(&mut self, spec: &mut Spec) {
        loop {
            let types = by_name(spec);
            let mut groups: BTreeMap<String, Vec<&String>> = BTreeMap::new();
            for name in types.keys().filter(|n| !self.origins.doc_named.contains(*n)) {
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
            self.merge(spec, &aliases, Sources::Join);
        }
    }

    /// Rule 3: a derived-name enum (of a type or a parameter) with the field name and
    /// values of a document-named owner's enum is that enum.
    fn enums_of_doc_named(&mut self, spec: &mut Spec) {
        let Origins { doc_named, enum_fields } = &self.origins;
        let owner_is_doc_named = |name: &str| {
            let wire = &enum_fields[name];
            name.strip_suffix(&pascal(wire)).is_some_and(|owner| doc_named.contains(owner))
        };
        let mut canonical: BTreeMap<(String, Vec<String>), String> = BTreeMap::new();
        for def in &spec.types {
            if let TypeKind::Enum { values } = &def.kind {
                if enum_fields.contains_key(&def.name) && owner_is_doc_named(&def.name) {
                    canonical
                        .entry((enum_fields[&def.name].clone(), values.clone()))
                        .or_insert_with(|| def.name.clone());
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
        self.merge(spec, &aliases, Sources::Join);
    }

    /// Rule 4: derived-name enums of one field and the same values are one, in two steps
    /// (by owner, then by field). Enums of a field name whose values differ elsewhere
    /// (`kind` of an email address and of a website) stay apart, so that each keeps its
    /// owner's name.
    fn identical_enums(&mut self, spec: &mut Spec) {
        // (field, values) -> members, from the current types.
        let groups = |spec: &Spec, enum_fields: &BTreeMap<String, String>| {
            let mut groups: BTreeMap<(String, Vec<String>), Vec<String>> = BTreeMap::new();
            for def in &spec.types {
                if let (TypeKind::Enum { values }, Some(wire)) = (&def.kind, enum_fields.get(&def.name)) {
                    groups.entry((wire.clone(), values.clone())).or_default().push(def.name.clone());
                }
            }
            groups
        };
        // `EmailAddressRequestKind` and `EmailAddressResponseKind` → `EmailAddressKind`.
        let owner_stem = |name: &str, wire: &str| {
            let field = pascal(wire);
            let owner = name.strip_suffix(&field).unwrap_or(name);
            let stem = owner.strip_suffix("Request").or_else(|| owner.strip_suffix("Response")).unwrap_or(owner);
            format!("{stem}{field}")
        };

        let mut by_owner: Vec<(Vec<String>, String)> = Vec::new();
        for ((wire, _), members) in groups(spec, &self.origins.enum_fields) {
            let mut by_stem: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for m in members {
                by_stem.entry(owner_stem(&m, &wire)).or_default().push(m);
            }
            by_owner.extend(by_stem.into_iter().filter(|(_, m)| m.len() > 1).map(|(stem, m)| (m, stem)));
        }
        self.merge_enum_groups(spec, by_owner);

        let groups = groups(spec, &self.origins.enum_fields);
        let mut value_sets: BTreeMap<&String, usize> = BTreeMap::new();
        for (wire, _) in groups.keys() {
            *value_sets.entry(wire).or_default() += 1;
        }
        let by_field = groups
            .iter()
            .filter(|((wire, _), members)| members.len() > 1 && value_sets[wire] == 1)
            .map(|((wire, _), members)| (members.clone(), pascal(wire)))
            .collect();
        self.merge_enum_groups(spec, by_field);
    }

    /// Merges each group of enums into one named `name`, unless another type has that
    /// name (then into the group's shortest name); a new name types its members' field.
    fn merge_enum_groups(&mut self, spec: &mut Spec, groups: Vec<(Vec<String>, String)>) {
        let mut aliases = BTreeMap::new();
        let mut renames = BTreeMap::new();
        // New names given in this step (`record_type` and `recordType` both ask for `RecordType`).
        let mut claimed = BTreeSet::new();
        for (members, name) in groups {
            let free =
                !claimed.contains(&name) && !spec.types.iter().any(|t| t.name == name && !members.contains(&t.name));
            let target = if free && !name.is_empty() {
                name
            } else {
                members.iter().min_by_key(|n| (n.len(), n.as_str())).expect("a group has members").clone()
            };
            if !members.contains(&target) {
                claimed.insert(target.clone());
                if let Some(wire) = self.origins.enum_fields.get(&members[0]).cloned() {
                    self.origins.enum_fields.insert(target.clone(), wire);
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
        self.rename(spec, &renames);
        self.merge(spec, &aliases, Sources::Join);
        spec.types.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// Rule 7: operations of one endpoint with one name are one method.
    fn one_method_per_endpoint(&mut self, spec: &mut Spec, given: &BTreeMap<String, String>) {
        let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (i, op) in spec.operations.iter().enumerate() {
            groups.entry((op.resource.clone(), op.rust_name.clone())).or_default().push(i);
        }
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let ops: Vec<Operation> = members.iter().map(|&i| spec.operations[i].clone()).collect();
            match one_operation(spec, &ops) {
                Some(merged) => {
                    self.merge(spec, &merged.aliases, Sources::Join);
                    for def in &mut spec.types {
                        if let Some(fields) = merged.fields.get(&def.name) {
                            def.kind = TypeKind::Object { fields: fields.clone() };
                        }
                    }
                    for &i in &members {
                        spec.operations[i].parameters.clone_from(&merged.parameters);
                    }
                }
                None => {
                    for &i in &members {
                        let op = &mut spec.operations[i];
                        if !given.contains_key(&op.id) {
                            op.rust_name = operations::words_name(&op.id, &op.resource);
                        }
                    }
                }
            }
        }
    }

    /// Rule 8: the overlay's names for derived types, and for the types named after
    /// them (`UndoLeadExitResponseNotice` becomes `ContactNotice` when
    /// `UndoLeadExitResponse` becomes `Contact`). Returns the entries that found a type.
    fn overlay_names(&mut self, spec: &mut Spec, overlay_names: &BTreeMap<String, String>) -> BTreeSet<String> {
        let names: BTreeSet<String> = spec.types.iter().map(|t| t.name.clone()).collect();
        let mut explicit: BTreeMap<String, String> = BTreeMap::new();
        let mut used = BTreeSet::new();
        for (given, new) in overlay_names {
            let name = self.current(given);
            if names.contains(&name) {
                explicit.insert(name, new.clone());
                used.insert(given.clone());
                self.named.insert(new.clone());
            }
        }
        let mut renames = explicit.clone();
        for name in names.iter().filter(|n| !explicit.contains_key(*n)) {
            let parent = explicit
                .iter()
                .filter(|(old, _)| {
                    name.strip_prefix(old.as_str()).is_some_and(|rest| rest.starts_with(char::is_uppercase))
                })
                .max_by_key(|(old, _)| old.len());
            if let Some((old, new)) = parent {
                renames.insert(name.clone(), format!("{new}{}", &name[old.len()..]));
            }
        }
        self.rename(spec, &renames);
        used
    }
}

/// What makes several operations of one endpoint one: the fields of each merged body
/// type (by the name that stays), the names merged into it, and the parameters.
struct OneOperation {
    fields: BTreeMap<String, Vec<Field>>,
    aliases: BTreeMap<String, String>,
    parameters: Vec<Parameter>,
}

/// How `ops` (one endpoint) become one method, or `None` when their bodies cannot be one
/// type (a field of two shapes, a body that is not an object).
fn one_operation(spec: &Spec, ops: &[Operation]) -> Option<OneOperation> {
    let types = by_name(spec);
    let mut out = OneOperation { fields: BTreeMap::new(), aliases: BTreeMap::new(), parameters: Vec::new() };
    let bodies: Vec<Option<&TypeRef>> = ops.iter().map(|o| o.request.as_ref().map(|r| &r.ty)).collect();
    let successes: Vec<Option<&TypeRef>> = ops.iter().map(|o| o.success().and_then(|r| r.ty.as_ref())).collect();
    for refs in [bodies, successes] {
        let Some(first) = refs[0] else {
            if refs.iter().all(Option::is_none) {
                continue;
            }
            return None;
        };
        let TypeRef::Named(target) = first else {
            if refs.iter().all(|r| *r == Some(first)) {
                continue;
            }
            return None;
        };
        let mut fields = match &types.get(target)?.kind {
            TypeKind::Object { fields } => fields.clone(),
            _ => return None,
        };
        for other in &refs[1..] {
            let Some(TypeRef::Named(name)) = other else { return None };
            if name == target {
                continue;
            }
            let TypeKind::Object { fields: theirs } = &types.get(name)?.kind else { return None };
            for f in theirs {
                let Some(mine) = fields.iter().find(|m| m.name == f.name) else { continue };
                if mine.ty == f.ty {
                    continue;
                }
                let (Some(a), Some(b)) = (mine.ty.named(), f.ty.named()) else { return None };
                let same_container = mine.ty.to_string().replace(a, "") == f.ty.to_string().replace(b, "");
                if !same_container
                    || type_key(&types, &TypeRef::Named(a.into())) != type_key(&types, &TypeRef::Named(b.into()))
                {
                    return None;
                }
                out.aliases.insert(b.to_string(), a.to_string());
            }
            let mut theirs = theirs.clone();
            for f in &mut theirs {
                if let Some(mine) = fields.iter().find(|m| m.name == f.name) {
                    f.ty = mine.ty.clone();
                }
            }
            crate::normalize::types::merge_fields(&mut fields, theirs);
            out.aliases.insert(name.clone(), target.clone());
        }
        out.fields.insert(target.clone(), fields);
    }
    // Parameters: the union, each required only where every operation requires it.
    for op in ops {
        for p in &op.parameters {
            match out.parameters.iter_mut().find(|q| q.name == p.name) {
                Some(q) if q.ty == p.ty && q.location == p.location => q.required &= p.required,
                Some(_) => return None,
                None => out.parameters.push(p.clone()),
            }
        }
    }
    for q in &mut out.parameters {
        if !ops.iter().all(|op| op.parameters.iter().any(|p| p.name == q.name)) {
            q.required = false;
        }
    }
    Some(out)
}

/// Rule 5: drops types nothing refers to (left behind by merging).
fn drop_unused_types(spec: &mut Spec) {
    let used = spec.used_types();
    spec.types.retain(|t| used.contains(&t.name));
}

/// The spec's types by name, borrowed: a view taken afresh after each change to them.
type Types<'a> = BTreeMap<String, &'a TypeDef>;

fn by_name(spec: &Spec) -> Types<'_> {
    spec.types.iter().map(|t| (t.name.clone(), t)).collect()
}

/// A type's shape for structural comparison: fields (sorted) with enum types replaced
/// by their values, descriptions and sources ignored.
fn shape_key(types: &Types, name: &str) -> Option<String> {
    let def = types.get(name)?;
    let TypeKind::Object { fields } = &def.kind else { return None };
    let mut parts: Vec<String> =
        fields.iter().map(|f| format!("{}:{}:{}:{}", f.name, type_key(types, &f.ty), f.required, f.nullable)).collect();
    parts.sort();
    Some(parts.join(","))
}

fn type_key(types: &Types, ty: &TypeRef) -> String {
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

#[cfg(test)]
mod tests {
    use codegen::spec::{Api, Field, Operation, Response, Source};

    use super::*;

    fn object(name: &str, line: u32, fields: &[(&str, &str)]) -> TypeDef {
        let fields = fields
            .iter()
            .map(|(n, t)| Field {
                name: n.to_string(),
                ty: t.parse().unwrap(),
                required: true,
                nullable: false,
                format: None,
                deprecated: false,
                default: None,
                description: None,
                source: Source::Doc(line),
                taken_from: None,
            })
            .collect();
        TypeDef {
            name: name.into(),
            description: None,
            kind: TypeKind::Object { fields },
            sources: vec![Source::Doc(line)],
        }
    }

    fn returning(id: &str, ty: &str, line: u32) -> Operation {
        Operation {
            id: id.into(),
            resource: "things".into(),
            rust_name: String::new(),
            method: None,
            path: None,
            resolved_by: None,
            summary: None,
            description: None,
            parameters: vec![],
            request: None,
            responses: vec![Response {
                status: "200".into(),
                description: None,
                ty: Some(ty.parse().unwrap()),
                examples: vec![],
                source: Source::Doc(line),
                taken_from: None,
            }],
            pagination: None,
            source: Source::Doc(line),
        }
    }

    #[test]
    fn the_pass_merges_drops_and_names_by_any_name_a_type_had() {
        let mut spec = Spec {
            api: Api::new("demo", "demo.txt"),
            operations: vec![
                returning("get_thing", "GetThingResponse", 10),
                returning("list_widgets", "ListWidgetsResponse", 20),
                returning("list_gadgets", "ListGadgetsResponse", 30),
            ],
            types: vec![
                object("GetThingResponse", 11, &[("id", "integer")]),
                object("ListGadgetsResponse", 31, &[("items", "array<ListGadgetsResponseItems>")]),
                object("ListGadgetsResponseItems", 32, &[("id", "string")]),
                object("ListWidgetsResponse", 21, &[("items", "array<ListWidgetsResponseItems>")]),
                object("ListWidgetsResponseItems", 22, &[("id", "string")]),
                object("Orphan", 40, &[("id", "boolean")]),
                object("Thing", 5, &[("id", "integer")]),
            ],
            gaps: vec![],
            reconciliation: None,
        };
        let origins = Origins { doc_named: ["Thing".to_string()].into(), enum_fields: BTreeMap::new() };
        // Found by a name merged away: rule 2 makes the widget list the gadget list (the
        // shortest name, then the first).
        let overlay = [("ListWidgetsResponse".to_string(), "WidgetPage".to_string())].into();
        let no_names = BTreeMap::new();
        let names = OverlayNames { types: &overlay, operations: &no_names };
        let used = run(&mut spec, origins, true).finish(&mut spec, &names);
        assert_eq!(used, ["ListWidgetsResponse".to_string()].into());
        let names: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
        // Rule 1 (into `Thing`), rule 2 (one list shape, then its items), rule 5 (the
        // orphan), rule 6 (the list and the type named after it).
        assert_eq!(names, ["Thing", "WidgetPage", "WidgetPageItems"]);
        let returns: Vec<String> =
            spec.operations.iter().map(|o| o.responses[0].ty.as_ref().unwrap().to_string()).collect();
        assert_eq!(returns, ["Thing", "WidgetPage", "WidgetPage"]);
        // A document-named type keeps its own sources; merged derived shapes join theirs.
        assert_eq!(spec.types[0].sources, [Source::Doc(5)]);
        assert_eq!(spec.types[1].sources, [Source::Doc(21), Source::Doc(31)]);
    }

    #[test]
    fn objects_held_by_envelopes_are_one_model_named_by_their_key() {
        use codegen::spec::{Method, RequestBody};
        let at = |method: Method, path: &str, mut op: Operation| {
            op.method = Some(method);
            op.path = Some(path.parse().unwrap());
            op
        };
        let mut create = at(Method::Post, "/stages", returning("create_stage", "CreateStageResponse", 40));
        create.request = Some(RequestBody {
            content_type: "application/json".into(),
            ty: "CreateStageRequest".parse().unwrap(),
            examples: vec![],
            source: Source::Doc(41),
        });
        let mut spec = Spec {
            api: Api::new("demo", "demo.txt"),
            operations: vec![
                at(Method::Get, "/stages/{id}", returning("get_stage", "GetStageResponse", 10)),
                at(Method::Put, "/stages/{id}", returning("update_stage", "UpdateStageResponse", 20)),
                create,
                {
                    let mut op = at(Method::Get, "/pipelines", returning("list_pipelines", "ListPipelinesResponse", 50));
                    op.resource = "pipelines".into();
                    op
                },
            ],
            types: vec![
                // Each envelope holds the stage under `dealStage`, with links of its own.
                object("CreateStageRequest", 42, &[("dealStage", "CreateStageRequestDealStage")]),
                object("CreateStageRequestDealStage", 43, &[("title", "string")]),
                object("CreateStageResponse", 44, &[("dealStage", "CreateStageResponseDealStage")]),
                // The definition says `order` is a number here, a string elsewhere.
                object("CreateStageResponseDealStage", 45, &[("id", "string"), ("order", "integer")]),
                object("GetStageResponse", 11, &[("dealStage", "GetStageResponseDealStage")]),
                object(
                    "GetStageResponseDealStage",
                    12,
                    &[("id", "string"), ("order", "string"), ("links", "GetStageResponseLinks")],
                ),
                object("GetStageResponseLinks", 13, &[("group", "string")]),
                object("UpdateStageResponse", 21, &[("dealStage", "UpdateStageResponseDealStage")]),
                object(
                    "UpdateStageResponseDealStage",
                    22,
                    &[("order", "string"), ("links", "UpdateStageResponseLinks")],
                ),
                object("UpdateStageResponseLinks", 23, &[("group", "string")]),
                // Another resource's list holds stages of exactly the model's shape.
                object("ListPipelinesResponse", 51, &[("stages", "array<ListPipelinesResponseStages>")]),
                object(
                    "ListPipelinesResponseStages",
                    52,
                    &[("id", "string"), ("order", "string"), ("links", "ListPipelinesResponseLinks")],
                ),
                object("ListPipelinesResponseLinks", 53, &[("group", "string")]),
            ],
            gaps: vec![],
            reconciliation: None,
        };
        let envelopes =
            ["CreateStageRequest", "CreateStageResponse", "GetStageResponse", "ListPipelinesResponse", "UpdateStageResponse"];
        let origins =
            Origins { doc_named: envelopes.iter().map(|n| n.to_string()).collect(), enum_fields: BTreeMap::new() };
        let given = BTreeMap::new();
        let no_names = BTreeMap::new();
        run(&mut spec, origins, false).finish(&mut spec, &OverlayNames { types: &given, operations: &no_names });
        let names: Vec<&str> = spec.types.iter().map(|t| t.name.as_str()).collect();
        // The envelopes keep their names; `get`'s and `update`'s stage (a subset, its links
        // the same shape) are one `DealStage`; `create`'s, whose `order` is a number, stays
        // apart; the request's is `CreateDealStage`.
        assert_eq!(
            names,
            [
                "CreateDealStage",
                "CreateStageRequest",
                "CreateStageResponse",
                "CreateStageResponseDealStage",
                "DealStage",
                "DealStageLinks",
                "GetStageResponse",
                "ListPipelinesResponse",
                "UpdateStageResponse",
            ]
        );
        let stage = spec.type_def("DealStage").unwrap();
        assert_eq!(stage.sources, [Source::Doc(12), Source::Doc(22), Source::Doc(52)]);
        let TypeKind::Object { fields } = &spec.type_def("ListPipelinesResponse").unwrap().kind else { panic!() };
        assert_eq!(fields[0].ty.to_string(), "array<DealStage>");
        let TypeKind::Object { fields } = &stage.kind else { panic!("an object") };
        assert_eq!(
            fields.iter().map(|f| (f.name.as_str(), f.required)).collect::<Vec<_>>(),
            [("id", false), ("order", true), ("links", true)]
        );
    }
}
