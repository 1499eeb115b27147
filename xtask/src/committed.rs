//! The committed specs (`specs/<api>.yaml`) read back for the commands that use them as
//! they are: `check` reports a broken one with its file, line and reason (not only that
//! it differs from what the inputs produce), and `openapi` refuses one that does not
//! validate (a type reference to nothing would be a `$ref` to nothing).

use std::path::Path;

use codegen::spec::Spec;

use crate::pipeline::{self, Error};
use crate::validate::validate;

/// The spec in `path` (relative to `root`), parsed and validated. A file that does not
/// parse is an error naming its line and column; a spec that does not validate lists its
/// problems, each with the file's line where it can be found (`specs/x.yaml:120: ...`).
pub fn read_valid(root: &Path, path: &str) -> Result<Spec, Error> {
    let text = std::fs::read_to_string(root.join(path)).map_err(|e| Error::io(path, e))?;
    let spec = pipeline::parse_spec(&text, path)?;
    let problems = validate(&spec);
    if problems.is_empty() {
        return Ok(spec);
    }
    let located: Vec<String> = problems
        .iter()
        .map(|problem| match line_of(&text, problem) {
            Some(line) => format!("{path}:{line}: {problem}"),
            None => format!("{path}: {problem}"),
        })
        .collect();
    Err(Error::InvalidFile { path: path.to_string(), problems: located })
}

/// The first line of the spec text that a validation problem is about: for a reference to
/// an undefined type, the first `type:` whose value names it (`Contact`,
/// `array<Contact>`, `map<Contact>`).
fn line_of(text: &str, problem: &str) -> Option<usize> {
    let name = problem.split("refers to type `").nth(1)?.split('`').next()?;
    let names_it = |value: &str| {
        let mut value = value.trim().trim_matches(|c| c == '\'' || c == '"');
        while let Some(inner) = value.strip_prefix("array<").or_else(|| value.strip_prefix("map<")) {
            value = inner.strip_suffix('>')?;
        }
        (value == name).then_some(())
    };
    text.lines().position(|line| {
        let line = line.trim_start().trim_start_matches("- ");
        line.strip_prefix("type:").and_then(names_it).is_some()
    })
    .map(|i| i + 1)
}

/// `cargo xtask openapi`: the OpenAPI document (JSON, or YAML when `yaml`) of the
/// committed spec of `api` under `root`, refused when that spec does not validate.
pub fn openapi_text(root: &Path, api: &str, yaml: bool) -> Result<String, Error> {
    openapi_text_in(root, api, yaml, crate::openapi::Version::V3_1)
}

/// [`openapi_text`] in an OpenAPI `version`.
pub fn openapi_text_in(root: &Path, api: &str, yaml: bool, version: crate::openapi::Version) -> Result<String, Error> {
    let spec = read_valid(root, &pipeline::spec_path(api))?;
    crate::openapi::to_text(&crate::openapi::document_in(&spec, version), yaml)
}
