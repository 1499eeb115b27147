//! The emitter: a spec in, the files of a client crate out (plus the fixture tests of
//! its examples); and the runtime crate all the clients share, emitted once from its
//! template. Each file is built with `quote!`, formatted by prettyplease, and given a
//! header saying it is generated; the doc comments of `doc_attrs` are written into the
//! formatted text (`DocLines`) rather than carried through it as string literals.

mod client;
mod fixtures;
mod layout;
mod models;
mod operations;
mod scopes;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::names::{camel, ident, module};
use crate::spec::{Source, Spec, TypeRef};

pub use models::{field_shape, FieldShape, ENUMS_NON_EXHAUSTIVE, STRUCTS_NON_EXHAUSTIVE, UNDOCUMENTED_VARIANT};
pub use scopes::name_clashes;

/// A file to write, relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// Contents.
    pub contents: String,
}

/// Generation settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// The command that regenerates the files (named in every header).
    pub command: String,
    /// Path of the spec file, relative to the repository root.
    pub spec_path: String,
}

/// A spec the emitter cannot turn into Rust.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// Items of one scope of the generated crate that would have one Rust name, or a
    /// name the generated code itself uses there ([`name_clashes`]).
    #[error("the spec's Rust names clash:\n  - {}", clashes.join("\n  - "))]
    NameClashes {
        /// Each clash, naming both items and where they come from.
        clashes: Vec<String>,
    },
    /// Tokens that do not parse as Rust: a fault of the emitter, not of the spec.
    #[error("{path}: emitted tokens do not parse: {reason}")]
    Unparsable {
        /// The file being generated.
        path: String,
        /// What syn says.
        reason: String,
    },
}

/// What every emitter function may look up.
pub(crate) struct Context<'a> {
    pub spec: &'a Spec,
    /// Types reachable from request bodies: their required fields are not optional.
    pub input_types: BTreeSet<String>,
    /// Types reachable from responses and the error body: the client decodes them.
    pub output_types: BTreeSet<String>,
}

impl Context<'_> {
    /// `` `retrieve-all-events/parameters/order` in `specs/wealthbox/snapshot.txt` ``,
    /// `` `#/paths/~1contacts/get` in `specs/nimble/definition.yaml` `` or
    /// `` overlay entry `api.auth.0` ``.
    pub fn source_text(&self, source: &Source) -> String {
        source_text(self.spec, source)
    }
}

/// How generated documentation names a source: a place in the snapshot by its anchor
/// (the section of the document, which edits elsewhere do not move; `cargo xtask locate`
/// gives its line), never by a line number, unless the spec has only lines (written
/// before anchors).
fn source_text(spec: &Spec, source: &Source) -> String {
    match source {
        Source::Anchor(anchor) => format!("`{anchor}` in `{}`", spec.api.snapshot),
        Source::Doc(line) => format!("line {line} of `{}`", spec.api.snapshot),
        Source::Def(pointer) => match &spec.api.definition {
            Some(file) => format!("`{pointer}` in `{file}`"),
            None => format!("`{pointer}` in the API's definition"),
        },
        Source::Overlay(key) => format!("overlay entry `{key}`"),
    }
}

/// A spec whose Rust names clash with nothing ([`name_clashes`]): made only by
/// [`NamesChecked::new`], which looks, and read-only after it, so a caller that has
/// validated a spec generates it ([`generate_checked`]) without the names being walked
/// again.
#[derive(Debug)]
pub struct NamesChecked(Spec);

impl NamesChecked {
    /// `spec`, when its Rust names clash with nothing; otherwise `spec` back with every clash.
    pub fn new(spec: Spec) -> Result<NamesChecked, Box<(Spec, Vec<String>)>> {
        let clashes = name_clashes(&spec);
        if clashes.is_empty() {
            Ok(NamesChecked(spec))
        } else {
            Err(Box::new((spec, clashes)))
        }
    }

    /// The spec.
    pub fn into_spec(self) -> Spec {
        self.0
    }
}

impl std::ops::Deref for NamesChecked {
    type Target = Spec;
    fn deref(&self) -> &Spec {
        &self.0
    }
}

/// Generates the client crate (under `generated/<api>/`) and the fixture tests (under
/// `tests/`) for `spec`. The same spec always gives the same bytes.
pub fn generate(spec: &Spec, config: &Config) -> Result<Vec<GeneratedFile>, EmitError> {
    let clashes = name_clashes(spec);
    if !clashes.is_empty() {
        return Err(EmitError::NameClashes { clashes });
    }
    emit(spec, config)
}

/// [`generate`] for a spec whose names were checked.
pub fn generate_checked(spec: &NamesChecked, config: &Config) -> Result<Vec<GeneratedFile>, EmitError> {
    emit(spec, config)
}

/// The files of a spec whose names clash with nothing.
fn emit(spec: &Spec, config: &Config) -> Result<Vec<GeneratedFile>, EmitError> {
    let ctx = Context { spec, input_types: spec.input_types(), output_types: spec.output_types() };
    let docs = DocLines::start();
    let root = format!("generated/{}", spec.api.name);
    let header = format!(
        "// @generated by `{}` from `{}` (read from `{}`). Do not edit by hand.\n\n",
        config.command, config.spec_path, spec.api.snapshot
    );
    let mut files = Vec::new();
    let mut rust = |path: String, tokens: TokenStream| -> Result<(), EmitError> {
        let file: syn::File =
            syn::parse2(tokens).map_err(|e| EmitError::Unparsable { path: path.clone(), reason: e.to_string() })?;
        let text = docs.fill(&prettyplease::unparse(&file));
        files.push(GeneratedFile { path, contents: format!("{header}{}", layout::space_items(&text)) });
        Ok(())
    };

    rust(format!("{root}/src/lib.rs"), client::lib_rs(&ctx))?;
    rust(format!("{root}/src/client.rs"), client::client_rs(&ctx))?;

    let mut model_mods = Vec::new();
    for def in &spec.types {
        let module = module(&def.name);
        rust(format!("{root}/src/models/{module}.rs"), models::model(&ctx, def))?;
        model_mods.push(module);
    }
    let mods = model_mods.iter().map(|m| {
        let m = ident(m);
        quote!(mod #m; pub use #m::*;)
    });
    rust(
        format!("{root}/src/models/mod.rs"),
        quote! {
            //! Every type of the API, one file each.
            #(#mods)*
        },
    )?;

    let mut by_resource: BTreeMap<&str, Vec<&crate::spec::Operation>> = BTreeMap::new();
    for op in &spec.operations {
        by_resource.entry(op.resource.as_str()).or_default().push(op);
    }
    let mut resource_mods = Vec::new();
    for (resource, ops) in &by_resource {
        if !ops.iter().any(|op| op.is_resolved()) {
            continue;
        }
        let module = module(resource);
        rust(format!("{root}/src/resources/{module}.rs"), operations::resource(&ctx, resource, ops))?;
        resource_mods.push(module);
    }
    let mods = resource_mods.iter().map(|m| {
        let m = ident(m);
        quote!(pub mod #m;)
    });
    rust(
        format!("{root}/src/resources/mod.rs"),
        quote! {
            //! One module per resource: the `Client` methods and their request builders.
            #(#mods)*
        },
    )?;

    rust(format!("{root}/src/runtime.rs"), client::runtime_rs())?;
    files.push(GeneratedFile {
        path: format!("{root}/Cargo.toml"),
        contents: client::cargo_toml(spec, &config.command, &config.spec_path),
    });
    files.extend(fixtures::fixtures(&ctx, &header)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The folder of the runtime crate, beside the client crates.
pub const RUNTIME_DIR: &str = "generated/runtime";

/// The runtime crate (`generated/runtime/`, package `crm-runtime`), which every client
/// crate depends on: `codegen/templates/runtime.rs` as its `src/lib.rs`, emitted once for
/// all the APIs (not into each client: compiled once, and vendored once).
pub fn runtime_crate(command: &str) -> Vec<GeneratedFile> {
    let header = format!("// @generated by `{command}` from `codegen/templates/runtime.rs`. Do not edit by hand.\n\n");
    vec![
        GeneratedFile { path: format!("{RUNTIME_DIR}/Cargo.toml"), contents: client::runtime_cargo_toml(command) },
        GeneratedFile {
            path: format!("{RUNTIME_DIR}/src/lib.rs"),
            contents: format!("{header}{}", include_str!("../../templates/runtime.rs")),
        },
    ]
}

/// Checks a generated Rust file as rustc will read it: it parses (prettyplease's output,
/// not only the tokens it was given), and no comment holds a character that changes the
/// direction of text (rustc refuses them; string literals are escaped). The fuzz targets
/// check every generated file with it.
pub fn check_rust_file(contents: &str) -> Result<(), String> {
    syn::parse_file(contents).map_err(|e| format!("does not parse: {e}"))?;
    match contents.chars().find(|&c| changes_direction(c)) {
        Some(c) => Err(format!("holds U+{:04X}, which changes the direction of text", u32::from(c))),
        None => Ok(()),
    }
}

/// The characters that change the direction of text, which rustc refuses in comments.
fn changes_direction(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The Rust type of an IR type.
pub(crate) fn rust_type(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Date => quote!(crate::Date),
        TypeRef::DateTime => quote!(crate::Timestamp),
        TypeRef::Any => quote!(serde_json::Value),
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Named(name) => {
            let name = ident(&camel(name));
            quote!(crate::models::#name)
        }
    }
}

/// `#[doc]` attributes: the document's words, then a note (source, flags).
pub(crate) fn doc_attrs(text: Option<&str>, note: &str) -> TokenStream {
    let mut paragraphs: Vec<String> = Vec::new();
    if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) {
        paragraphs.push(escape_doc(text));
    }
    if !note.trim().is_empty() {
        paragraphs.push(note.trim().to_string());
    }
    if paragraphs.is_empty() {
        paragraphs.push("Undocumented.".into());
    }
    let lines: Vec<String> = comment_safe(&paragraphs.join("\n\n"))
        .lines()
        .map(|l| if l.is_empty() { String::new() } else { format!(" {l}") })
        .collect();
    match DOC_LINES.with(|table| table.borrow_mut().as_mut().map(|table| DocLines::mark(table, &lines))) {
        Some(mark) => quote!(#[doc = #mark]),
        None => quote!(#(#[doc = #lines])*),
    }
}

thread_local! {
    /// The doc comments of the files [`generate`] is emitting, while it emits them
    /// ([`DocLines`]): each one's lines, their trailing spaces trimmed.
    static DOC_LINES: std::cell::RefCell<Option<Vec<Vec<String>>>> = const { std::cell::RefCell::new(None) };
}

/// Doc comments written into a file's text after it is formatted, not carried by its
/// tokens. A doc line carried by tokens is a string literal: escaped into the tokens,
/// parsed back by syn, unescaped again by prettyplease, which prints it as `///` and the
/// line with its trailing spaces trimmed; that round trip was ~8% of a regenerate (the
/// vendors' descriptions are long), and syn parses each line as an attribute. While a
/// `DocLines` is alive, [`doc_attrs`] keeps the lines of each comment here and puts one
/// mark in their place (`\u{1}`, the comment's number, `\u{1}`: no line [`doc_attrs`]
/// makes starts with a control character), which prettyplease prints as `///` and the
/// mark; [`DocLines::fill`] then writes the comment's lines there, one `///` line each at
/// the mark's indentation. The bytes are those of the round trip: a `///` line ends
/// where the next line starts, so the length of its text moves no other token.
struct DocLines;

/// Starts and ends a mark.
const MARK: char = '\u{1}';

impl DocLines {
    fn start() -> DocLines {
        DOC_LINES.with(|table| *table.borrow_mut() = Some(Vec::new()));
        DocLines
    }

    /// Keeps the lines of a comment; its mark.
    fn mark(table: &mut Vec<Vec<String>>, lines: &[String]) -> String {
        table.push(lines.iter().map(|line| line.trim_end_matches(' ').to_string()).collect());
        format!("{MARK}{}{MARK}", table.len() - 1)
    }

    /// `text` (formatted) with each `///` mark replaced by its comment's lines.
    fn fill(&self, text: &str) -> String {
        DOC_LINES.with(|table| {
            let table = table.borrow();
            let comments = table.as_deref().unwrap_or_default();
            let opening = format!("///{MARK}");
            let mut out = String::with_capacity(text.len() * 2);
            let mut rest = text;
            while let Some(at) = rest.find(&opening) {
                let after = &rest[at + opening.len()..];
                // The mark's indentation: what precedes it on its line, spaces only.
                let indent = &rest[rest[..at].rfind('\n').map_or(0, |i| i + 1)..at];
                let indent = if indent.bytes().all(|b| b == b' ') { Some(indent) } else { None };
                let comment = after
                    .find(MARK)
                    .and_then(|end| Some((after[..end].parse::<usize>().ok()?, end)))
                    .and_then(|(number, end)| Some((comments.get(number)?, indent?, end)));
                match comment {
                    Some((lines, indent, end)) => {
                        out.push_str(&rest[..at]);
                        for (i, line) in lines.iter().enumerate() {
                            if i > 0 {
                                out.push('\n');
                                out.push_str(indent);
                            }
                            out.push_str("///");
                            out.push_str(line);
                        }
                        rest = &after[end + MARK.len_utf8()..];
                    }
                    // Not a mark (no line of doc_attrs starts so): kept as it is.
                    None => {
                        out.push_str(&rest[..at + opening.len()]);
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            out
        })
    }
}

impl Drop for DocLines {
    fn drop(&mut self) {
        DOC_LINES.with(|table| *table.borrow_mut() = None);
    }
}

/// Text that can be a doc comment: a carriage return (which a `///` comment may not
/// hold) ends the line, and characters that change the direction of text (which rustc
/// refuses in comments) are written as their escapes (`\u{202e}`). String literals
/// need nothing: proc-macro2 escapes them.
pub(crate) fn comment_safe(text: &str) -> String {
    // Most text is ASCII without a carriage return: nothing to change.
    if text.bytes().all(|b| b.is_ascii() && b != b'\r') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if changes_direction(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            _ => out.push(c),
        }
    }
    out
}

/// Keeps documentation text from being read as Markdown links or HTML by rustdoc.
fn escape_doc(text: &str) -> String {
    if !text.contains(['[', ']', '<', '>']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The note naming a source: `Source: ` and its [`source_text`].
pub(crate) fn source_note(ctx: &Context, source: &Source) -> String {
    format!("Source: {}.", ctx.source_text(source))
}

#[cfg(test)]
mod tests {
    use super::{doc_attrs, source_text, DocLines};
    use crate::spec::{Anchor, Api, Pointer, Source, Spec};

    #[test]
    fn sources_are_named_by_the_file_they_point_into() {
        let mut spec = Spec {
            api: Api::new("nimble", "specs/nimble/snapshot.txt"),
            operations: vec![],
            types: vec![],
            gaps: vec![],
            reconciliation: None,
        };
        let def = Source::Def(Pointer::root().join("paths").join("/api/v1/contacts").join("get"));
        assert_eq!(source_text(&spec, &def), "`#/paths/~1api~1v1~1contacts/get` in the API's definition");
        spec.api.definition = Some("specs/nimble/definition.yaml".into());
        assert_eq!(source_text(&spec, &def), "`#/paths/~1api~1v1~1contacts/get` in `specs/nimble/definition.yaml`");
        let anchor = Source::Anchor(Anchor { name: "list-contacts/parameters/page".into(), offset: 0 });
        assert_eq!(source_text(&spec, &anchor), "`list-contacts/parameters/page` in `specs/nimble/snapshot.txt`");
        let below = Source::Anchor(Anchor { name: "list-contacts/response".into(), offset: 2 });
        assert_eq!(source_text(&spec, &below), "`list-contacts/response+2` in `specs/nimble/snapshot.txt`");
        assert_eq!(source_text(&spec, &Source::Doc(12)), "line 12 of `specs/nimble/snapshot.txt`");
        assert_eq!(source_text(&spec, &Source::Overlay("api.auth.0".into())), "overlay entry `api.auth.0`");
    }

    #[test]
    fn doc_lines_written_after_formatting_are_those_the_tokens_would_give() {
        let texts = [
            Some("Plain words."),
            Some("Trailing spaces   \n\n  and \"quotes\", back\\slashes, \t tabs, é, 😀, \u{202e}, \u{1}0\u{1} <b>[x]</b>\r\nlast  "),
            Some("/// not a comment\n//! nor this\n/* nor */ that"),
            None,
        ];
        let file = |text: Option<&str>, note: &str| {
            let docs = doc_attrs(text, note);
            let field = doc_attrs(Some("A field."), "");
            let tokens = quote::quote! {
                #docs
                pub struct S {
                    #field
                    pub a: i64,
                }
                #docs
                pub enum E { #docs A }
            };
            prettyplease::unparse(&syn::parse2(tokens).unwrap())
        };
        for text in texts {
            let by_tokens = file(text, "Source: a note.  ");
            let docs = DocLines::start();
            let filled = docs.fill(&file(text, "Source: a note.  "));
            assert!(!filled.contains('\u{1}') || text.is_some_and(|t| t.contains('\u{1}')), "{filled}");
            assert_eq!(filled, by_tokens);
        }
    }
}
