//! List operations: which GET operations page with the API's convention, and the
//! paging parameters they get.

use std::collections::BTreeMap;

use codegen::spec::{Field, ListPagination, Method, Pagination, Parameter, Spec, TypeDef, TypeKind, TypeRef};

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
