//! Rust names derived from wire names and type names: one place, used by the emitter
//! and by validation (which checks, through `emit::name_clashes`, that two things never
//! get one Rust name in a scope).
//!
//! Every string gives a valid name (the rules are in specs/README.md, "Rust names"):
//! - names are ASCII: a character outside ASCII becomes a word of its own, `u` and its
//!   code point in hex, at least 4 digits (`²custom_fields` → `u00b2_custom_fields`,
//!   U+10E6B → `u10e6b`), so that the generated code needs no lint allowance and two
//!   wire names that differ only there keep different names;
//! - words are split as heck splits them: ASCII characters other than letters and
//!   digits separate words, and so does a change of case;
//! - a name is never empty (`value`, `Empty`), never starts with a digit (`_1st`,
//!   `V5xx`) and is never a keyword (a trailing `_`: `type_`, `Self_`; raw identifiers
//!   are not used, since `self`, `crate` and `Self` cannot be raw);
//! - a module name is also a file name that every platform accepts (`con_`, not `con`).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords of every edition, strict and reserved (`self`, `super`, `crate` and `Self`
/// included): no derived name is one of them.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// File names Windows refuses whatever their extension (`con.rs`).
const DEVICE_NAMES: &[&str] = &["con", "prn", "aux", "nul"];

/// The wire name with every non-ASCII character replaced by the word `u<hex>`.
fn ascii(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!(" u{:04x} ", u32::from(c)));
        }
    }
    out
}

/// The snake_case words of a wire name, ASCII, with none of the fixes that make it an
/// identifier (it may be empty or start with a digit): `200` → `200`, `Non-binary` →
/// `non_binary`. For parts of a name that follow a valid start.
pub fn snake_words(wire: &str) -> String {
    ascii(wire).to_snake_case()
}

/// `snake_case` name of a wire name (`filters[title]` → `filters_title`); a name that
/// starts with a digit gets a leading `_`, keywords get a trailing `_`.
pub fn snake(wire: &str) -> String {
    let mut name = snake_words(wire);
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A type name of the spec, or a part of one, from the document's words: PascalCase
/// ASCII (`Non-binary` → `NonBinary`, `²` → `U00b2`), `V` before a leading digit, `Empty`
/// when there are no words. Always a name [`crate::spec::is_type_name`] accepts, so the
/// spec file reads back; derived type names are built from these.
pub fn pascal(wire: &str) -> String {
    let mut name = ascii(wire).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// `UpperCamelCase` Rust name of a type name or wire value: its [`pascal`] name, with a
/// trailing `_` for `Self`.
pub fn camel(wire: &str) -> String {
    let mut name = pascal(wire);
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Module name of a type or resource name: its [`snake`] name, which is also the stem of
/// the module's file, with a trailing `_` where Windows reserves the file name
/// (`con`, `nul`, `com1`, `lpt9`, ...).
pub fn module(name: &str) -> String {
    let mut module = snake(name);
    let numbered = |prefix: &str| {
        module.strip_prefix(prefix).is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
    };
    if DEVICE_NAMES.contains(&module.as_str()) || numbered("com") || numbered("lpt") {
        module.push('_');
    }
    module
}

/// An identifier token, of a name made by [`snake`], [`camel`] or [`module`] (or a
/// constant name of the emitter).
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
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("1st"), "_1st");
        assert_eq!(snake(""), "value");
        assert_eq!(snake("--"), "value");
        assert_eq!(camel("Non-binary"), "NonBinary");
        assert_eq!(camel("single_select"), "SingleSelect");
        assert_eq!(camel("5xx"), "V5xx");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(camel(""), "Empty");
    }

    #[test]
    fn characters_outside_ascii_become_code_point_words() {
        assert_eq!(snake("²custom_fields"), "u00b2_custom_fields");
        assert_eq!(camel("²custom_fields"), "U00b2CustomFields");
        assert_eq!(snake("\u{10E6B}"), "u10e6b");
        assert_eq!(snake("café"), "caf_u00e9");
        assert_eq!(camel("Straße"), "StraU00dfE");
        // Different wire names stay apart where only a non-ASCII character differs.
        assert_ne!(snake("²filters"), snake("filters"));
        assert_ne!(snake("a²"), snake("a³"));
        // Case mappings outside ASCII (`İ` lower-cases to two characters) play no part.
        assert_eq!(snake("İd"), "u0130_d");
    }

    #[test]
    fn module_names_are_file_names_on_every_platform() {
        assert_eq!(module("Con"), "con_");
        assert_eq!(module("nul"), "nul_");
        assert_eq!(module("COM1"), "com1_");
        assert_eq!(module("lpt9"), "lpt9_");
        assert_eq!(module("com10"), "com10");
        assert_eq!(module("Contact"), "contact");
        assert_eq!(module("Mod"), "mod_");
    }

    /// A deterministic stream of arbitrary strings: ASCII letters and punctuation,
    /// digits, whitespace, control characters, letters and digits of other scripts,
    /// combining marks and any code point at all.
    fn arbitrary_strings(count: usize) -> Vec<String> {
        let mut state: u64 = 0x0005_eed0_fa11_5742;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let pools: &[&str] = &[
            "abcxyzABCXYZ",
            "0123456789",
            "_-.[]{}|/ \t\n\r\0\"'`$#@!?*+=<>(),;:~^%&\\",
            "²³¹¼éÉßİıŉǅΣσς\u{300}\u{301}日本語\u{200b}\u{feff}\u{202e}\u{10E6B}\u{1F600}",
        ];
        (0..count)
            .map(|_| {
                let len = (next() % 12) as usize;
                (0..len)
                    .map(|_| {
                        let roll = next();
                        if roll % 8 == 0 {
                            // Any code point.
                            char::from_u32((roll >> 8) as u32 % 0x11_0000).unwrap_or('\u{fffd}')
                        } else {
                            let pool: Vec<char> = pools[(roll % 4) as usize].chars().collect();
                            pool[((roll >> 16) % pool.len() as u64) as usize]
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn is_identifier(name: &str) -> bool {
        syn::parse_str::<syn::Ident>(name).is_ok()
    }

    #[test]
    fn every_string_gives_a_valid_ascii_identifier() {
        for wire in arbitrary_strings(10_000) {
            for (rule, name) in [("snake", snake(&wire)), ("camel", camel(&wire)), ("module", module(&wire))] {
                assert!(is_identifier(&name), "{rule}({wire:?}) = {name:?} is not an identifier");
                assert!(name.is_ascii(), "{rule}({wire:?}) = {name:?} is not ASCII");
                ident(&name);
            }
            let s = snake(&wire);
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{s:?}");
            let c = camel(&wire);
            assert!(c.starts_with(|c: char| c.is_ascii_uppercase()), "{c:?}");
            assert!(crate::spec::is_type_name(&pascal(&wire)), "pascal({wire:?}) = {:?}", pascal(&wire));
            assert!(c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{c:?}");
            // A snake_case name is its own name (operation ids already are).
            assert_eq!(snake(&s), s, "snake is not idempotent on {wire:?}");
            let m = module(&wire);
            let stem = m.trim_end_matches('_');
            assert!(
                !(DEVICE_NAMES.contains(&stem) || (stem.len() == 4 && ["com", "lpt"].contains(&&stem[..3])))
                    || m.ends_with('_'),
                "{m:?} is a reserved file name"
            );
        }
    }

    #[test]
    fn snake_words_are_the_name_without_its_fixes() {
        assert_eq!(snake_words("200"), "200");
        assert_eq!(snake_words("default"), "default");
        assert_eq!(snake_words("²"), "u00b2");
        for wire in arbitrary_strings(5_000) {
            let words = snake_words(&wire);
            assert!(words.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{words:?}");
            // Appended to a valid name after `_`, the words keep it valid.
            assert!(is_identifier(&format!("a_{words}")), "{words:?}");
        }
    }
}
