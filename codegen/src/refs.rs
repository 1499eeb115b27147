//! Walking a spec's type references: every [`TypeRef`] with the place it sits
//! ([`RefSite`]), read-only or to rewrite, and the named types reachable from some of
//! them through object fields. Every stage that follows references (the input-type
//! rule, unused types, renames and merges, the diff's users of a type, validation's
//! dangling references) walks them here, in one order: operations in document order
//! (parameters, request body, responses), then object fields by type, then the API's
//! error body.

use std::collections::{BTreeMap, BTreeSet};

use crate::spec::{ErrorBody, Field, Operation, Parameter, RequestBody, Response, Spec, TypeDef, TypeKind, TypeRef};

/// Where a type reference sits.
#[derive(Debug, Clone, Copy)]
pub enum RefSite<'a> {
    /// The type of an operation's parameter.
    Parameter(&'a Operation, &'a Parameter),
    /// The type of an operation's request body.
    Request(&'a Operation, &'a RequestBody),
    /// The body type of an operation's response.
    Response(&'a Operation, &'a Response),
    /// The type of an object type's field.
    Field(&'a TypeDef, &'a Field),
    /// The type of the API's error bodies.
    ErrorBody(&'a ErrorBody),
}

impl<'a> RefSite<'a> {
    /// The operation the reference belongs to, if any.
    pub fn operation(&self) -> Option<&'a Operation> {
        match *self {
            RefSite::Parameter(op, _) | RefSite::Request(op, _) | RefSite::Response(op, _) => Some(op),
            RefSite::Field(..) | RefSite::ErrorBody(_) => None,
        }
    }
}

impl TypeRef {
    /// The name of the named type this refers to, through arrays and maps, to rewrite.
    pub fn named_mut(&mut self) -> Option<&mut String> {
        match self {
            TypeRef::Named(n) => Some(n),
            TypeRef::Array(t) | TypeRef::Map(t) => t.named_mut(),
            _ => None,
        }
    }
}

impl Operation {
    /// The operation's type references: parameters, request body, responses.
    pub fn type_refs(&self) -> impl Iterator<Item = (RefSite<'_>, &TypeRef)> {
        let parameters = self.parameters.iter().map(move |p| (RefSite::Parameter(self, p), &p.ty));
        let request = self.request.iter().map(move |r| (RefSite::Request(self, r), &r.ty));
        let responses = self.responses.iter().filter_map(move |r| Some((RefSite::Response(self, r), r.ty.as_ref()?)));
        parameters.chain(request).chain(responses)
    }

    fn type_refs_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        let parameters = self.parameters.iter_mut().map(|p| &mut p.ty);
        let request = self.request.iter_mut().map(|r| &mut r.ty);
        let responses = self.responses.iter_mut().filter_map(|r| r.ty.as_mut());
        parameters.chain(request).chain(responses)
    }
}

impl Spec {
    /// Every type reference of the spec, with where it sits.
    pub fn type_refs(&self) -> impl Iterator<Item = (RefSite<'_>, &TypeRef)> {
        let operations = self.operations.iter().flat_map(Operation::type_refs);
        let fields = self.types.iter().flat_map(|def| {
            let fields: &[Field] = match &def.kind {
                TypeKind::Object { fields } => fields,
                _ => &[],
            };
            fields.iter().map(move |f| (RefSite::Field(def, f), &f.ty))
        });
        let error_body = self.api.error_body.iter().map(|e| (RefSite::ErrorBody(e), &e.ty));
        operations.chain(fields).chain(error_body)
    }

    /// Every type reference of the spec, to rewrite (same order as [`Spec::type_refs`]).
    pub fn type_refs_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        let operations = self.operations.iter_mut().flat_map(Operation::type_refs_mut);
        let fields = self.types.iter_mut().flat_map(|def| {
            let fields: &mut [Field] = match &mut def.kind {
                TypeKind::Object { fields } => fields,
                _ => &mut [],
            };
            fields.iter_mut().map(|f| &mut f.ty)
        });
        let error_body = self.api.error_body.iter_mut().map(|e| &mut e.ty);
        operations.chain(fields).chain(error_body)
    }

    /// Names of the named types `roots` refer to, and of those their object fields
    /// refer to, to the end. Names the spec does not define are included (as reached)
    /// but lead nowhere.
    pub fn reachable<'a>(&self, roots: impl IntoIterator<Item = &'a TypeRef>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = roots.into_iter().filter_map(TypeRef::named).collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.to_string()) {
                continue;
            }
            if let Some(TypeKind::Object { fields }) = self.type_def(name).map(|t| &t.kind) {
                stack.extend(fields.iter().filter_map(|f| f.ty.named()));
            }
        }
        seen
    }

    /// Makes every reference to a name in `renames` refer to its new name (definitions
    /// are not renamed).
    pub fn rename_refs(&mut self, renames: &BTreeMap<String, String>) {
        for name in self.type_refs_mut().filter_map(TypeRef::named_mut) {
            if let Some(new) = renames.get(name.as_str()) {
                name.clone_from(new);
            }
        }
    }

    /// Names of the types reachable from request bodies. Their required, non-nullable
    /// fields are plain `T` in Rust and arguments of the type's `new()`.
    pub fn input_types(&self) -> BTreeSet<String> {
        self.reachable(self.type_refs().filter(|(site, _)| matches!(site, RefSite::Request(..))).map(|(_, ty)| ty))
    }

    /// Names of the types reachable from responses and the error body: the types the
    /// client decodes.
    pub fn output_types(&self) -> BTreeSet<String> {
        self.reachable(
            self.type_refs()
                .filter(|(site, _)| matches!(site, RefSite::Response(..) | RefSite::ErrorBody(_)))
                .map(|(_, ty)| ty),
        )
    }

    /// Names of the types an operation or the error body reaches: the types the
    /// generated crate needs.
    pub fn used_types(&self) -> BTreeSet<String> {
        self.reachable(self.type_refs().filter(|(site, _)| !matches!(site, RefSite::Field(..))).map(|(_, ty)| ty))
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::{Api, Operation, Source, Spec, TypeDef, TypeKind, TypeRef};

    fn object(name: &str, fields: &[(&str, &str)]) -> TypeDef {
        let fields = fields
            .iter()
            .map(|(n, t)| crate::spec::Field {
                name: n.to_string(),
                ty: t.parse().unwrap(),
                required: false,
                nullable: false,
                format: None,
                deprecated: false,
                default: None,
                description: None,
                source: Source::Doc(1),
                taken_from: None,
            })
            .collect();
        TypeDef { name: name.into(), description: None, kind: TypeKind::Object { fields }, sources: vec![] }
    }

    fn spec() -> Spec {
        let op = Operation {
            id: "create".into(),
            resource: "things".into(),
            rust_name: String::new(),
            method: None,
            path: None,
            resolved_by: None,
            summary: None,
            description: None,
            parameters: vec![],
            request: Some(crate::spec::RequestBody {
                content_type: "application/json".into(),
                ty: "Thing".parse().unwrap(),
                examples: vec![],
                source: Source::Doc(1),
            }),
            responses: vec![],
            pagination: None,
            source: Source::Doc(1),
        };
        Spec {
            api: Api::new("demo", "demo.txt"),
            operations: vec![op],
            types: vec![
                object("Orphan", &[("thing", "Thing")]),
                object("Part", &[("kind", "PartKind")]),
                object("Thing", &[("parts", "array<Part>"), ("tags", "map<Tag>")]),
            ],
            gaps: vec![],
            reconciliation: None,
        }
    }

    #[test]
    fn reachability_follows_fields_through_arrays_and_maps() {
        let spec = spec();
        let names = |set: std::collections::BTreeSet<String>| set.into_iter().collect::<Vec<_>>();
        assert_eq!(names(spec.input_types()), ["Part", "PartKind", "Tag", "Thing"]);
        assert_eq!(names(spec.used_types()), ["Part", "PartKind", "Tag", "Thing"]);
        assert_eq!(names(spec.reachable([&TypeRef::Named("Orphan".into())])).len(), 5);
    }

    #[test]
    fn every_reference_is_visited_and_can_be_rewritten() {
        let mut spec = spec();
        assert_eq!(spec.type_refs().count(), 5);
        for ty in spec.type_refs_mut() {
            if let Some(name) = ty.named_mut().filter(|n| *n == "Thing") {
                *name = "Widget".into();
            }
        }
        let named: Vec<String> = spec.type_refs().filter_map(|(_, t)| t.named().map(String::from)).collect();
        assert_eq!(named.iter().filter(|n| *n == "Widget").count(), 2);
        assert!(!named.contains(&"Thing".to_string()));
    }
}
