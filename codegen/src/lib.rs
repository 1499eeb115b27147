//! The normalized API spec (the IR shared by both halves of the pipeline) and the
//! emitter that turns a spec into a Rust client crate, and emits the runtime crate the
//! clients share.
//!
//! ```text
//! spec (specs/<api>.yaml) ──generate──▶ generated/<api>/ + tests/fixtures/<api>/
//! codegen/templates/runtime.rs ──runtime_crate──▶ generated/runtime/ (once)
//! ```

pub mod emit;
pub mod names;
pub mod path;
pub mod refs;
pub mod sources;
pub mod spec;
pub mod yaml;

pub use emit::{
    generate, generate_checked, runtime_crate, Config, EmitError, GeneratedFile, NamesChecked, RUNTIME_DIR,
};
