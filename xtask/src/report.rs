//! Coverage: the figures of one spec (operations, parameters, types, fixtures, gaps),
//! printed as the one-line summary each run prints per API, and written at the top of
//! the spec file (`coverage:`) so that they show in its diff.

use std::collections::BTreeMap;

use codegen::spec::{Spec, TypeKind};
use serde::Serialize;

/// The figures of one spec, all computed from the spec itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Operations of the document.
    pub operations: usize,
    /// Operations whose method and path are known (the others are not generated).
    pub resolved: usize,
    /// Path, query and header parameters of all operations.
    pub parameters: usize,
    /// Named types.
    pub types: usize,
    /// Fields of the object types.
    pub fields: usize,
    /// Valid JSON examples: each is a fixture with a decoding test.
    pub fixtures: usize,
    /// What the reader could not understand.
    pub gaps: usize,
    /// Gaps by kind.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub gaps_by_kind: BTreeMap<String, usize>,
}

/// The figures of `spec`.
pub fn coverage(spec: &Spec) -> Coverage {
    let fields = spec
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Object { fields } => fields.len(),
            _ => 0,
        })
        .sum();
    let fixtures = spec
        .operations
        .iter()
        .map(|o| {
            o.request.iter().flat_map(|r| &r.examples).filter(|e| e.valid_json).count()
                + o.responses.iter().flat_map(|r| &r.examples).filter(|e| e.valid_json).count()
        })
        .sum();
    let mut gaps_by_kind = BTreeMap::new();
    for g in &spec.gaps {
        *gaps_by_kind.entry(g.kind.clone()).or_insert(0) += 1;
    }
    Coverage {
        operations: spec.operations.len(),
        resolved: spec.operations.iter().filter(|o| o.is_resolved()).count(),
        parameters: spec.operations.iter().map(|o| o.parameters.len()).sum(),
        types: spec.types.len(),
        fields,
        fixtures,
        gaps: spec.gaps.len(),
        gaps_by_kind,
    }
}

/// `wealthbox: 51 operations (51 resolved), 160 parameters, 70 types (300 fields), 90 fixtures, 12 gaps`.
pub fn summary(spec: &Spec) -> String {
    let c = coverage(spec);
    format!(
        "{}: {} operations ({} resolved), {} parameters, {} types ({} fields), {} fixtures, {} gaps",
        spec.api.name, c.operations, c.resolved, c.parameters, c.types, c.fields, c.fixtures, c.gaps
    )
}
