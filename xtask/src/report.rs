//! The one-line coverage summary each run prints per API, and the list of unresolved
//! operations that `--strict` refuses.

use codegen::spec::{Source, Spec, TypeKind};

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

/// `nimble: 70 operations, 32 resolved (snapshot 4, overlay 28), 38 unresolved, 133
/// parameters, 173 types (695 fields), 110 fixtures, 36 gaps`.
pub fn summary(spec: &Spec) -> String {
    let r = Resolution::of(spec);
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
        "{}: {} operations, {} resolved (snapshot {}, overlay {}), {} unresolved, {parameters} parameters, {} types ({fields} fields), {examples} fixtures, {} gaps",
        spec.api.name,
        r.operations,
        r.from_snapshot + r.from_overlay,
        r.from_snapshot,
        r.from_overlay,
        r.unresolved,
        spec.types.len(),
        spec.gaps.len()
    )
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
