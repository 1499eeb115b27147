//! The change report: Markdown tables of the changes of one API, grouped by resource,
//! each marked breaking or compatible with why; the closing list of documentation texts
//! that changed; and the report of an API the old side lacks.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use codegen::spec::{Operation, Spec, TypeKind};

use super::Change;

/// The change report of one API, in Markdown.
pub fn report(api: &str, old_label: &str, new_label: &str, changes: &[Change]) -> String {
    let mut out = String::new();
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let _ = writeln!(out, "## API changes: {api}\n");
    let _ = writeln!(out, "From {old_label} to {new_label}.\n");
    if changes.is_empty() {
        let _ = writeln!(out, "No API changes.");
        return out;
    }
    let _ = writeln!(
        out,
        "**{breaking} breaking**, {} compatible change{} for code using the generated client.",
        changes.len() - breaking,
        if changes.len() - breaking == 1 { "" } else { "s" }
    );
    let mut group: Option<&str> = None;
    for c in changes {
        if group != Some(c.group.as_str()) {
            group = Some(c.group.as_str());
            let title = if c.group.starts_with('(') { c.group.clone() } else { format!("`{}`", c.group) };
            let _ = writeln!(out, "\n### {title}\n");
            let _ = writeln!(out, "| | change | source | why |");
            let _ = writeln!(out, "|---|---|---|---|");
        }
        let mark = if c.breaking { "**breaking**" } else { "compatible" };
        let line = c.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        let source = match &c.source {
            Some(s) if c.source_is_old => format!("was {s}{line}"),
            Some(s) => format!("{s}{line}"),
            None => String::new(),
        };
        let why = c.why.as_deref().unwrap_or("");
        let _ = writeln!(out, "| {mark} | {} | {source} | {} |", cell(&c.text), cell(why));
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The items whose documentation texts changed (summary or description of an
/// operation, description of a parameter or a field): `retrieve_all_contacts`,
/// `retrieve_all_contacts(email)`, `Contact.first_name`. Operations in document order,
/// then fields by type name.
pub fn doc_changes(old: &Spec, new: &Spec) -> Vec<String> {
    let mut changed = Vec::new();
    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for op in &new.operations {
        let Some(was) = old_ops.get(op.id.as_str()) else { continue };
        if (&was.summary, &was.description) != (&op.summary, &op.description) {
            changed.push(format!("`{}`", op.id));
        }
        for p in &op.parameters {
            if was.parameters.iter().any(|w| w.name == p.name && w.description != p.description) {
                changed.push(format!("`{}({})`", op.id, p.name));
            }
        }
    }
    let old_types: BTreeMap<&str, &TypeKind> = old.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    for def in &new.types {
        let (TypeKind::Object { fields }, Some(TypeKind::Object { fields: before })) =
            (&def.kind, old_types.get(def.name.as_str()))
        else {
            continue;
        };
        for f in fields {
            if before.iter().any(|w| w.name == f.name && w.description != f.description) {
                changed.push(format!("`{}.{}`", def.name, f.name));
            }
        }
    }
    changed
}

/// The closing line of a report: which documentation texts changed (the first 20).
pub fn doc_changes_line(changed: &[String]) -> String {
    if changed.is_empty() {
        return String::new();
    }
    let shown = changed.iter().take(20).cloned().collect::<Vec<_>>().join(", ");
    let more = changed.len().saturating_sub(20);
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("\nDocumentation texts changed ({}; doc comments only, no code change): {shown}{more}.\n", changed.len())
}

/// The report of an API the old side does not have: nothing to break, so its size only.
pub fn new_api_report(spec: &Spec, old_label: &str, new_label: &str) -> String {
    let c = crate::report::coverage(spec);
    format!(
        "## API changes: {}\n\nA new API: there is no {old_label}; {new_label} has {} operations ({} resolved) and {} types.\nNothing can break: no code uses its client yet.\n",
        spec.api.name, c.operations, c.resolved, c.types
    )
}
