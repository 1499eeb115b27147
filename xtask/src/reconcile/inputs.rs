//! The reconciliation of one API's committed inputs, run beside the pipeline (which does
//! not use it yet): the page's draft as the API's reader reads it with the overlay's API
//! facts applied, the definition's draft, their reconciliation, and every route the
//! overlay gives checked against the definition. Used by the tests on the real inputs and
//! by `cargo run -p xtask --example reconcile`.

use std::path::Path;

use codegen::spec::Source;

use super::{reconcile, Reconciled, RouteCheck};
use crate::draft::Draft;
use crate::overlay::Overlay;
use crate::{pipeline, readers};

/// Everything one run finds.
pub struct Run {
    /// The definition's draft.
    pub definition: Draft,
    /// The page's draft, reconciled.
    pub reconciled: Reconciled,
    /// Each route the overlay gives (by its entry, or the snapshot line the overlay says
    /// states it), checked against the definition, in document order.
    pub route_checks: Vec<(Source, RouteCheck)>,
}

/// Reconciles the inputs of `api` under `root`; `None` when the API has no definition.
pub fn run(root: &Path, api: &str) -> Result<Option<Run>, String> {
    let dir = format!("specs/{api}");
    let definition_file = ["definition.yaml", "definition.json"]
        .into_iter()
        .map(|name| format!("{dir}/{name}"))
        .find(|file| root.join(file).is_file());
    let Some(definition_file) = definition_file else { return Ok(None) };
    let read = |file: &str| std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"));
    let definition =
        readers::definition::read(&read(&definition_file)?, api, &definition_file).map_err(|e| e.to_string())?;

    let overlay_file = format!("{dir}/overlay.yaml");
    let snapshot_file = format!("{dir}/snapshot.txt");
    let overlay = Overlay::parse(&read(&overlay_file)?, &overlay_file).map_err(|e| e.to_string())?;
    let snapshot = read(&snapshot_file)?;
    let mut text = readers::read_snapshot(&overlay.reader, &snapshot, api, &snapshot_file).map_err(|e| format!("{snapshot_file}: {e}"))?;
    overlay.apply_api(&mut text.api).map_err(|e| e.to_string())?;
    let reconciled = reconcile(text, &definition, &[]);

    // The routes the overlay gives, as today's pipeline applies them: its operations are
    // the page's draft's, one for one, in order.
    let spec = pipeline::build(root, api).map_err(|e| e.to_string())?.spec;
    let mut route_checks = Vec::new();
    for (i, op) in spec.operations.iter().enumerate() {
        if let (Some(by), Some(method), Some(path)) = (&op.resolved_by, op.method, &op.path) {
            route_checks.push((by.clone(), reconciled.report.check_route(i, method, path.as_str())));
        }
    }
    Ok(Some(Run { definition, reconciled, route_checks }))
}
