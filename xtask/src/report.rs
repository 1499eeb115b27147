//! Coverage: the figures of one spec (operations and where their routes come from,
//! parameters, types, fixtures, gaps), printed as the one-line summary each run prints
//! per API and written at the top of the spec file (`coverage:`) so that they show in its
//! diff; and the list of unresolved operations that `--strict` refuses.

use std::collections::BTreeMap;

use codegen::spec::{Source, Spec, TypeKind};
use serde::Serialize;

/// The figures of one spec, all computed from the spec itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Operations of the document.
    pub operations: usize,
    /// Operations whose method and path are known (the others are not generated).
    pub resolved: usize,
    /// Of those, the ones routed by an overlay entry citing another public source.
    #[serde(skip_serializing_if = "is_zero")]
    pub resolved_by_overlay: usize,
    /// Methods the generated client has: resolved operations, those of one endpoint
    /// with one Rust name counted once.
    pub methods: usize,
    /// Resolved operations that page (their builders walk every page).
    pub list_operations: usize,
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
        *gaps_by_kind.entry(g.kind.to_string()).or_insert(0) += 1;
    }
    Coverage {
        operations: spec.operations.len(),
        resolved: spec.operations.iter().filter(|o| o.is_resolved()).count(),
        resolved_by_overlay: Resolution::of(spec).from_overlay,
        methods: spec
            .operations
            .iter()
            .filter(|o| o.is_resolved())
            .map(|o| (&o.resource, &o.rust_name))
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        list_operations: spec.operations.iter().filter(|o| o.is_resolved() && o.pagination.is_some()).count(),
        parameters: spec.operations.iter().map(|o| o.parameters.len()).sum(),
        types: spec.types.len(),
        fields,
        fixtures,
        gaps: spec.gaps.len(),
        gaps_by_kind,
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `nimble: 70 operations, 32 resolved (snapshot 4, overlay 28), 38 unresolved, 3 lists,
/// 132 parameters, 175 types (702 fields), 110 fixtures, 35 gaps`.
pub fn summary(spec: &Spec) -> String {
    let c = coverage(spec);
    let r = Resolution::of(spec);
    format!(
        "{}: {} operations, {} resolved (snapshot {}, overlay {}), {} unresolved, {} lists, {} parameters, {} types ({} fields), {} fixtures, {} gaps",
        spec.api.name,
        c.operations,
        c.resolved,
        r.from_snapshot,
        r.from_overlay,
        r.unresolved,
        c.list_operations,
        c.parameters,
        c.types,
        c.fields,
        c.fixtures,
        c.gaps
    )
}

/// How many operations have a method and path, and where those come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    /// Every operation.
    pub operations: usize,
    /// From the snapshot: the operation's own text, or a prose line naming its route.
    pub from_snapshot: usize,
    /// From an overlay entry citing another public source.
    pub from_overlay: usize,
    /// No known method or path.
    pub unresolved: usize,
}

impl Resolution {
    /// Counts a spec's operations.
    pub fn of(spec: &Spec) -> Resolution {
        let resolved = spec.operations.iter().filter(|o| o.is_resolved());
        let from_overlay = resolved.clone().filter(|o| matches!(o.resolved_by, Some(Source::Overlay(_)))).count();
        let resolved = resolved.count();
        Resolution {
            operations: spec.operations.len(),
            from_snapshot: resolved - from_overlay,
            from_overlay,
            unresolved: spec.operations.len() - resolved,
        }
    }
}

/// `Err` listing the operations without method or path (for `--strict`).
pub fn require_resolved(spec: &Spec) -> Result<(), String> {
    let unresolved: Vec<String> = spec
        .operations
        .iter()
        .filter(|o| !o.is_resolved())
        .map(|o| format!("  {} `{}`: {}", o.source, o.id, o.summary.as_deref().unwrap_or("")))
        .collect();
    if unresolved.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}: {} operation(s) have no known method and path (--strict); route them in specs/{}/overlay.yaml with a cited source:\n{}",
        spec.api.name,
        unresolved.len(),
        spec.api.name,
        unresolved.join("\n")
    ))
}
