//! The normalized API spec (the IR shared by both halves of the pipeline) and the
//! emitter that turns a spec into a self-contained Rust client crate.
//!
//! ```text
//! spec (specs/<api>.yaml) ──generate──▶ generated/<api>/ + tests/fixtures/<api>/
//! ```

pub mod emit;
pub mod names;
pub mod path;
pub mod refs;
pub mod sources;
pub mod spec;
pub mod yaml;

pub use emit::{generate, Config, EmitError, GeneratedFile};
