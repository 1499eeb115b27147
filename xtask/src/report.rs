//! Coverage: the figures of one spec (operations and where their routes come from,
//! parameters, types, fixtures, gaps, and what the reconciliation with the definition
//! found), printed as the one-line summary each run prints per API and written at the top
//! of the spec file (`coverage:`) so that they show in its diff; the overlay entries the
//! definition makes removable; and the list of unresolved operations that `--strict`
//! refuses.

use std::collections::BTreeMap;

use codegen::spec::{GapKind, Operation, Source, Spec, TypeKind};
use serde::Serialize;

/// The figures of one spec, all computed from the spec itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Operations of the document.
    pub operations: usize,
    /// Operations whose method and path are known (the others are not generated).
    pub resolved: usize,
    /// Of those, the ones routed by the definition behind the page.
    #[serde(skip_serializing_if = "is_zero")]
    pub resolved_by_definition: usize,
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
    /// What the reconciliation with the definition found (absent without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<DefinitionCoverage>,
}

/// The reconciliation's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefinitionCoverage {
    /// Operations of the page paired with one of the definition.
    pub paired: usize,
    /// Operations only the definition has (not generated).
    pub only_in_definition: usize,
    /// Facts both state alike.
    pub agreed: usize,
    /// Facts only the definition states, taken from it.
    pub taken: usize,
    /// Disagreements the overlay settles.
    pub settled: usize,
    /// Disagreements left open (each a `definition_conflict` gap).
    pub conflicting: usize,
    /// Overlay entries the definition makes redundant.
    #[serde(skip_serializing_if = "is_zero")]
    pub removable: usize,
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
    let resolution = Resolution::of(spec);
    Coverage {
        operations: spec.operations.len(),
        resolved: spec.operations.iter().filter(|o| o.is_resolved()).count(),
        resolved_by_definition: resolution.from_definition,
        resolved_by_overlay: resolution.from_overlay,
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
        definition: spec.reconciliation.as_ref().map(|r| DefinitionCoverage {
            paired: r.paired,
            only_in_definition: r.definition_only.len(),
            agreed: r.agreed.values().sum(),
            taken: r.taken.values().sum(),
            settled: r.settled.len(),
            conflicting: spec.gaps.iter().filter(|g| g.kind == GapKind::DefinitionConflict).count(),
            removable: r.removable.len(),
        }),
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `wealthbox: 51 operations, 51 resolved (snapshot 51, overlay 0), 0 unresolved, 17
/// lists, 100 parameters, 131 types (687 fields), 70 fixtures, 27 gaps`; with a definition,
/// the routes it gives and what the reconciliation found: `nimble: 70 operations, 70
/// resolved (snapshot 4, definition 66, overlay 0), ...; definition: 70 paired, 19 only in
/// the definition, 2765 facts agreed, 3881 taken, 53 settled, 0 conflicting`.
pub fn summary(spec: &Spec) -> String {
    let c = coverage(spec);
    let r = Resolution::of(spec);
    let from_definition =
        if spec.api.definition.is_some() { format!(", definition {}", r.from_definition) } else { String::new() };
    let mut line = format!(
        "{}: {} operations, {} resolved (snapshot {}{from_definition}, overlay {}), {} unresolved, {} lists, {} parameters, {} types ({} fields), {} fixtures, {} gaps",
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
    );
    if let Some(d) = &c.definition {
        line.push_str(&format!(
            "; definition: {} paired, {} only in the definition, {} facts agreed, {} taken, {} settled, {} conflicting",
            d.paired, d.only_in_definition, d.agreed, d.taken, d.settled, d.conflicting
        ));
    }
    line
}

/// One line per overlay entry the definition makes redundant (`removable: ...`).
pub fn removable(spec: &Spec) -> Vec<String> {
    let Some(r) = &spec.reconciliation else { return Vec::new() };
    r.removable
        .iter()
        .map(|e| {
            format!(
                "  removable: {} of specs/{}/overlay.yaml states what the definition states ({}); remove it",
                e.entry, spec.api.name, e.definition
            )
        })
        .collect()
}

/// How many operations have a method and path, and where those come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    /// Every operation.
    pub operations: usize,
    /// From the snapshot: the operation's own text, or a prose line naming its route.
    pub from_snapshot: usize,
    /// From the definition behind the page (a paired operation's route, or an operation
    /// only the definition has that the overlay opts in).
    pub from_definition: usize,
    /// From an overlay entry citing another public source.
    pub from_overlay: usize,
    /// No known method or path.
    pub unresolved: usize,
}

impl Resolution {
    /// Counts a spec's operations.
    pub fn of(spec: &Spec) -> Resolution {
        let resolved: Vec<_> = spec.operations.iter().filter(|o| o.is_resolved()).collect();
        let by = |o: &&Operation| o.resolved_by.as_ref().unwrap_or(&o.source).clone();
        let from_overlay = resolved.iter().filter(|o| matches!(by(o), Source::Overlay(_))).count();
        let from_definition = resolved.iter().filter(|o| matches!(by(o), Source::Def(_))).count();
        Resolution {
            operations: spec.operations.len(),
            from_snapshot: resolved.len() - from_overlay - from_definition,
            from_definition,
            from_overlay,
            unresolved: spec.operations.len() - resolved.len(),
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
