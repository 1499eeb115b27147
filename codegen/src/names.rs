//! Rust names derived from wire names and type names: one place, used by the emitter
//! and by validation (which checks that two wire names never give one Rust name).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// `snake_case` name of a wire name (`filters[title]` → `filters_title`); a name that
/// starts with a digit gets a leading `_`, keywords get a trailing `_`.
pub fn snake(wire: &str) -> String {
    let mut name = wire.to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) || matches!(name.as_str(), "self" | "super" | "crate" | "Self") {
        name.push('_');
    }
    name
}

/// `UpperCamelCase` name of a wire value (`Non-binary` → `NonBinary`); a name that starts
/// with a digit gets a leading `V`.
pub fn camel(wire: &str) -> String {
    let mut name = wire.to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// An identifier token.
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_become_idiomatic_rust() {
        assert_eq!(snake("filters[title]"), "filters_title");
        assert_eq!(snake("orders[next-action]"), "orders_next_action");
        assert_eq!(snake("contactType"), "contact_type");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(camel("Non-binary"), "NonBinary");
        assert_eq!(camel("single_select"), "SingleSelect");
        assert_eq!(camel("5xx"), "V5xx");
    }
}
