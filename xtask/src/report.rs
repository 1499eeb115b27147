//! The one-line coverage summary each run prints per API.

use codegen::spec::{Spec, TypeKind};

/// `wealthbox: 51 operations (51 resolved), 160 parameters, 70 types, 90 fixtures, 12 gaps`.
pub fn summary(spec: &Spec) -> String {
    let resolved = spec.operations.iter().filter(|o| o.is_resolved()).count();
    let parameters: usize = spec.operations.iter().map(|o| o.parameters.len()).sum();
    let fields: usize = spec
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Object { fields } => fields.len(),
            _ => 0,
        })
        .sum();
    let examples: usize = spec
        .operations
        .iter()
        .map(|o| {
            o.request.iter().flat_map(|r| &r.examples).filter(|e| e.valid_json).count()
                + o.responses.iter().flat_map(|r| &r.examples).filter(|e| e.valid_json).count()
        })
        .sum();
    format!(
        "{}: {} operations ({resolved} resolved), {parameters} parameters, {} types ({fields} fields), {examples} fixtures, {} gaps",
        spec.api.name,
        spec.operations.len(),
        spec.types.len(),
        spec.gaps.len()
    )
}
