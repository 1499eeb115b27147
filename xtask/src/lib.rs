//! The doc-to-spec half of the pipeline and its orchestration: readers per documentation
//! style, normalization into the IR, the overlay, validation, and writing files.

pub mod anchors;
pub mod committed;
pub mod diff;
pub mod draft;
pub mod error;
pub mod fetch;
pub mod fuzz;
pub mod lines;
pub mod normalize;
pub mod openapi;
pub mod overlay;
pub mod pages;
pub mod pipeline;
pub mod provenance;
pub mod readers;
pub mod reconcile;
pub mod report;
pub mod validate;

pub use error::Error;
