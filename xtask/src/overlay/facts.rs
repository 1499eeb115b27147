//! The overlay's other facts: API facts (base URL, auth, paging, rate limit, error
//! body, version), types to add, parameter type corrections, and list operations the
//! document shows no response for.

use codegen::spec::{
    Api, AuthScheme, Field, ListPagination, Method, Pagination, ParamLocation, Parameter, Source, Spec, TypeDef,
    TypeKind, TypeRef,
};
use codegen::yaml::Step;

use super::sections::{entries, Key, ListEntry};
use super::{Overlay, OverlayError};

impl Overlay {
    /// Adds the overlay's API facts to what the reader found. A fact the reader found
    /// too is an error (the overlay must not shadow the document).
    pub fn apply_api(&self, api: &mut Api) -> Result<(), OverlayError> {
        api.title = self.title.clone();
        if let Some(version) = &self.sections.api.version {
            api.version = Some(version.value.clone());
        }
        for (key, fact) in self.api_facts() {
            let bad = |e: serde_json::Error| self.invalid(&key, e.to_string());
            let duplicate = |at: &Source| {
                self.redundant(&key, format!("repeats what the document states at {at}; remove the entry"))
            };
            match key.path.get(1) {
                Some(Step::Key(field)) if field == "base_url" => {
                    if let Some(existing) = &api.base_url {
                        return Err(duplicate(&existing.source));
                    }
                    api.base_url = Some(fact.read(&key).map_err(bad)?);
                }
                Some(Step::Key(field)) if field == "auth" => {
                    let scheme: AuthScheme = fact.read(&key).map_err(bad)?;
                    if let Some(existing) = api.auth.iter().find(|a| same_auth(a, &scheme)) {
                        return Err(duplicate(auth_source(existing)));
                    }
                    api.auth.push(scheme);
                }
                Some(Step::Key(field)) if field == "pagination" => api.pagination = Some(fact.read(&key).map_err(bad)?),
                Some(Step::Key(field)) if field == "rate_limit" => api.rate_limit = Some(fact.read(&key).map_err(bad)?),
                Some(Step::Key(field)) if field == "error_body" => api.error_body = Some(fact.read(&key).map_err(bad)?),
                _ => unreachable!("api_facts gives the fields above"),
            }
        }
        Ok(())
    }

    /// Adds the overlay's types to the spec; a name the document already uses is an error.
    pub fn apply_types(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        for (i, entry) in self.sections.types.iter().enumerate() {
            let key = self.type_key(i, entry);
            let def: TypeDef = entry.read(&key).map_err(|e| self.invalid(&key, e.to_string()))?;
            if let Some(existing) = spec.type_def(&def.name) {
                return Err(self.redundant(
                    &key,
                    format!(
                        "adds a type the document already defines (at {})",
                        existing.sources.first().map(ToString::to_string).unwrap_or_default()
                    ),
                ));
            }
            spec.types.push(def);
        }
        spec.types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Sets the types of parameters the overlay corrects. An entry that names no
    /// parameter, or gives the type the document already gives, is an error.
    pub fn apply_parameter_types(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        for (key, fix) in entries(&self.sections.parameters, "parameters") {
            let Some(param) = spec
                .operations
                .iter_mut()
                .find(|o| o.id == fix.operation)
                .and_then(|o| o.parameters.iter_mut().find(|p| p.name == fix.name))
            else {
                return Err(self.unmatched(
                    &key,
                    format!(
                        "names parameter `{}` of operation `{}`, which the document does not have",
                        fix.name, fix.operation
                    ),
                ));
            };
            if param.ty == fix.ty {
                return Err(self.redundant(
                    &key,
                    format!(
                        "gives `{}` the type the document already gives it ({}); remove the entry",
                        fix.name, param.source
                    ),
                ));
            }
            param.ty = fix.ty.clone();
            param.type_source = Some(key.source());
        }
        Ok(())
    }

    /// Marks the list operations the overlay names: their page's items, and the API's
    /// paging parameters where the operation does not list them (the API's `pagination`
    /// fact says its collections take them). An entry naming an operation the document
    /// does not have, one that is not a GET, or one the document already shows to be a
    /// list, is an error; so is an entry when the API has no `pagination` fact.
    pub fn apply_lists(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        let lists: Vec<(Key, &ListEntry)> = entries(&self.sections.lists, "lists").collect();
        let Some((first, _)) = lists.first() else { return Ok(()) };
        let Some(pagination) = spec.api.pagination.clone() else {
            return Err(self
                .invalid(first, "names a list operation, but the API has no `pagination` fact to page it by".into()));
        };
        let (position, size, default_size) = match &pagination {
            Pagination::PageNumber { page_param, per_page_param, default_per_page, .. } => {
                let position = (page_param, "Number of the page to return.");
                (position, per_page_param, default_per_page)
            }
            Pagination::Offset { offset_param, limit_param, default_limit, .. } => {
                let position = (offset_param, "Number of items to skip: the page starts after them.");
                (position, limit_param, default_limit)
            }
        };
        for (key, list) in &lists {
            let Some(op) = spec.operations.iter_mut().find(|o| o.id == list.operation) else {
                return Err(self.unmatched(
                    key,
                    format!("names operation `{}`, which the document does not have", list.operation),
                ));
            };
            if op.method != Some(Method::Get) {
                return Err(self.invalid(key, format!("`{}` is not a GET, so it cannot be a list operation", op.id)));
            }
            if let Some(existing) = &op.pagination {
                let by = existing.source.as_ref().map_or_else(|| "its response".to_string(), Source::to_string);
                return Err(
                    self.redundant(key, format!("`{}` is already a list operation (by {by}); remove the entry", op.id))
                );
            }
            let source = key.source();
            op.pagination = Some(ListPagination { items: list.items.clone(), source: Some(source.clone()) });
            let params = [
                (position.0, position.1, None),
                (size, "Number of items a page holds.", default_size.map(|n| n.to_string())),
            ];
            for (name, description, default) in params {
                if op.parameters.iter().any(|p| &p.name == name) {
                    continue;
                }
                op.parameters.push(Parameter {
                    name: name.clone(),
                    location: ParamLocation::Query,
                    ty: TypeRef::Integer,
                    type_source: None,
                    format: None,
                    required: false,
                    deprecated: false,
                    default,
                    description: Some(description.to_string()),
                    source: source.clone(),
                    taken_from: None,
                });
            }
        }
        Ok(())
    }
}

impl Overlay {
    /// Gives the bodies the overlay's `bodies` entries describe every field of another
    /// operation's body they lack, optional, with the entry as their source. An entry
    /// naming an operation without an object body, or adding nothing, is an error.
    pub fn apply_bodies(&self, spec: &mut Spec) -> Result<(), OverlayError> {
        for (key, entry) in entries(&self.sections.bodies, "bodies") {
            let body_of = |id: &str| {
                let op = spec.operations.iter().find(|o| o.id == id)?;
                let name = op.request.as_ref()?.ty.named()?.to_string();
                match &spec.type_def(&name)?.kind {
                    TypeKind::Object { fields } => Some((name, fields.clone())),
                    _ => None,
                }
            };
            let Some((target, existing)) = body_of(&entry.operation) else {
                return Err(self.unmatched(&key, format!("names operation `{}`, which has no object request body in the document", entry.operation)));
            };
            let Some((_, from)) = body_of(&entry.fields_of) else {
                return Err(self.unmatched(&key, format!("takes the fields of `{}`, which has no object request body in the document", entry.fields_of)));
            };
            let added: Vec<Field> = from
                .into_iter()
                .filter(|f| !existing.iter().any(|e| e.name == f.name))
                .map(|f| Field { required: false, source: key.source(), ..f })
                .collect();
            if added.is_empty() {
                return Err(self.redundant(&key, format!("`{}`'s body already has every field of `{}`'s; remove the entry", entry.operation, entry.fields_of)));
            }
            if let Some(TypeKind::Object { fields }) = spec.types.iter_mut().find(|t| t.name == target).map(|t| &mut t.kind) {
                fields.extend(added);
            }
        }
        Ok(())
    }
}

fn same_auth(a: &AuthScheme, b: &AuthScheme) -> bool {
    match (a, b) {
        (AuthScheme::ApiKeyHeader { header: x, .. }, AuthScheme::ApiKeyHeader { header: y, .. }) => {
            x.eq_ignore_ascii_case(y)
        }
        (AuthScheme::Bearer { .. }, AuthScheme::Bearer { .. }) => true,
        (AuthScheme::OAuth2 { .. }, AuthScheme::OAuth2 { .. }) => true,
        _ => false,
    }
}

fn auth_source(a: &AuthScheme) -> &Source {
    match a {
        AuthScheme::ApiKeyHeader { source, .. }
        | AuthScheme::Bearer { source, .. }
        | AuthScheme::OAuth2 { source, .. } => source,
    }
}
