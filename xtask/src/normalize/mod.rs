//! Turns a reader's [`Draft`] into a [`Spec`]. Everything here is style-independent:
//! every reader feeds it. One file per concern:
//!
//! - [`ids`]: operation ids and resources from the document's words;
//! - [`numbers`]: `number`s that every example shows as whole numbers become `integer`;
//! - [`datetimes`]: the timestamp formats the examples show;
//! - [`types`]: operations and named types from the draft's shapes (variants, enums from
//!   choice lists, types named but never defined);
//! - [`naming`]: which types are one and what each is called (deduplication, unused
//!   types dropped, the overlay's names), and each operation's Rust method name; its
//!   second phase runs once the overlay has routed the operations;
//! - [`paging`]: list operations and their paging parameters.

pub mod datetimes;
pub mod ids;
pub mod naming;
pub mod numbers;
pub mod paging;
pub mod types;

use std::collections::{BTreeMap, BTreeSet};

use codegen::spec::{Gap, Source, Spec};

use crate::draft::Draft;

pub use datetimes::timestamp_format;
pub use ids::{operation_id, operation_ids, resource_of, title_words};
pub use paging::mark_list_operations;
pub use types::split_choices;

/// How choice texts split into values, by text (from the overlay).
pub type ChoiceSplits = BTreeMap<String, (Vec<String>, Source)>;

/// Settings of one normalization run (what the overlay says about names and choices).
pub struct Options<'a> {
    /// Overlay-given splits of choice texts the reader cannot split without guessing.
    pub choice_splits: &'a ChoiceSplits,
    /// Operation ids whose resource the overlay sets.
    pub resources: &'a BTreeMap<String, String>,
}

/// The result, with the overlay entries it used (so unused ones can be reported).
pub struct Normalized {
    /// The spec.
    pub spec: Spec,
    /// Choice texts of the overlay that matched a choice list.
    pub used_choice_splits: BTreeSet<String>,
    /// The naming pass, to finish once operations are routed ([`naming::Naming::finish`]).
    pub naming: naming::Naming,
}

/// Builds the spec from a draft.
pub fn normalize(draft: Draft, options: &Options) -> Normalized {
    let stats = numbers::NumberStats::from_draft(&draft);
    let globals = types::global_parameters(&draft, &stats);
    let mut api = draft.api;
    api.datetime_formats = datetimes::datetime_formats(&draft.operations);
    let ids = operation_ids(&draft.operations);

    let mut builder = types::TypeBuilder::new(stats, options.choice_splits, draft.gaps);
    let operations = draft
        .operations
        .into_iter()
        .zip(ids)
        .map(|(op, id)| {
            let resource = options.resources.get(&id);
            builder.operation(op, id, resource)
        })
        .collect();
    let built = builder.finish();
    // A variant that naming merges back into its base (the disagreeing field's types
    // turned out to be one) is no variant: its gap goes.
    let mut gaps = built.gaps;
    let variant_gaps: Vec<(Gap, String, String)> = built
        .variants
        .iter()
        .rev()
        .map(|(i, variant, base)| (gaps.remove(*i), variant.clone(), base.clone()))
        .collect();
    let mut spec = Spec { api, operations, types: built.types, gaps, reconciliation: None };
    types::define_unknown_operation_types(&mut spec);
    let naming = naming::run(&mut spec, built.origins, draft.merge_identical_shapes);
    for (gap, variant, base) in variant_gaps.into_iter().rev() {
        if naming.current(&variant) != naming.current(&base) {
            spec.gaps.push(gap);
        }
    }
    spec.gaps.sort_by_key(|g| g.source.line().unwrap_or(0));
    mark_list_operations(&mut spec, &globals);
    Normalized { spec, used_choice_splits: built.used_choice_splits, naming }
}
