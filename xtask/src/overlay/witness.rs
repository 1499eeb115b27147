//! The overlay's entries about the definition behind the page, in the reconciliation's
//! terms: `settlements` (which side a disagreement takes, and why) and
//! `definition_operations` (operations only the definition has, generated all the same);
//! and the check that each entry found what it names.

use codegen::spec::Pointer;

use super::sections::entries;
use super::{Overlay, OverlayError};
use crate::reconcile::{OptIn, Report, Settlement};

impl Overlay {
    /// The settlements, each with its entry as the source. An `at` that is not a JSON
    /// pointer is an error.
    pub fn settlements(&self) -> Result<Vec<Settlement>, OverlayError> {
        entries(&self.sections.settlements, "settlements")
            .map(|(key, entry)| {
                let at: Pointer = entry.at.parse().map_err(|e| {
                    self.invalid(
                        &key,
                        format!("`at` is not a JSON pointer into the definition (such as `#/servers/0`): {e}"),
                    )
                })?;
                Ok(Settlement { at, fact: entry.fact.clone(), take: entry.take, source: key.source() })
            })
            .collect()
    }

    /// The operations of the definition the overlay opts in.
    pub fn opt_ins(&self) -> Vec<OptIn> {
        entries(&self.sections.definition_operations, "definition_operations")
            .map(|(key, entry)| OptIn { method: entry.method, path: entry.path.clone(), source: key.source() })
            .collect()
    }

    /// Errors for a settlement that settles no disagreement and an opt-in that names no
    /// operation only the definition has; without a definition (`report` absent), for
    /// any such entry.
    pub fn check_witness_entries(&self, report: Option<&Report>) -> Result<(), OverlayError> {
        let Some(report) = report else {
            let settlements = entries(&self.sections.settlements, "settlements").map(|(k, _)| k);
            let opt_ins = entries(&self.sections.definition_operations, "definition_operations").map(|(k, _)| k);
            if let Some(key) = settlements.chain(opt_ins).next() {
                return Err(self.invalid(&key, "is about the definition behind the page, but the API has none".into()));
            }
            return Ok(());
        };
        for (i, (key, entry)) in entries(&self.sections.settlements, "settlements").enumerate() {
            if report.unused_settlements.contains(&i) {
                return Err(self.unmatched(
                    &key,
                    format!(
                        "settles `{}` at `{}`, but the page and the definition do not disagree about it there (they agree now, or the place changed): remove or update it",
                        entry.fact, entry.at
                    ),
                ));
            }
        }
        for (i, (key, entry)) in entries(&self.sections.definition_operations, "definition_operations").enumerate() {
            if report.unused_opt_ins.contains(&i) {
                return Err(self.unmatched(
                    &key,
                    format!(
                        "opts in `{} {}`, which is not an operation only the definition has (the page shows it, or the definition does not have it)",
                        entry.method.as_str(),
                        entry.path
                    ),
                ));
            }
        }
        Ok(())
    }
}
