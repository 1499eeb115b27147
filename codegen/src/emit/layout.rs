//! The layout of generated Rust beyond what prettyplease does: a blank line between
//! items, at the file's level and inside `impl`, `mod` and `trait` blocks, as a person
//! would write them. One-line items in a row (`use`, `mod x;`, `pub const`) stay together.
//! Doc comments start with a space (`/// Text`; prettyplease writes `#[doc = "Text"]`
//! as `///Text`).

/// `text`, prettyplease's output (four spaces an indent; an item that opens a block
/// closes it with a `}` line at its own indent), with the blank lines.
pub(crate) fn space_items(text: &str) -> String {
    let lines: Vec<String> = text.lines().map(doc_space).collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut out = Vec::with_capacity(lines.len() + lines.len() / 8);
    items(&lines, 0, &mut out);
    let mut spaced = out.join("\n");
    if text.ends_with('\n') {
        spaced.push('\n');
    }
    spaced
}

/// Copies `lines`, the items at `depth` (and the lines inside them), into `out`.
fn items<'a>(lines: &[&'a str], depth: usize, out: &mut Vec<&'a str>) {
    let mut start = 0;
    let mut previous: Option<(usize, bool, &str)> = None;
    while start < lines.len() {
        if lines[start].trim().is_empty() {
            if out.last().is_some_and(|l| !l.trim().is_empty()) {
                out.push("");
            }
            start += 1;
            continue;
        }
        let end = item_end(lines, start, depth);
        let item = &lines[start..end];
        let inner = is_inner(item[0]);
        let length = item.len();
        let head = item.iter().position(|l| !is_outer_attribute(l)).unwrap_or(0);
        let kind = keyword(item[head]);
        if let Some((before, before_inner, before_kind)) = previous {
            let blank = out.last().is_some_and(|l| l.trim().is_empty());
            let apart = before > 1 || length > 1 || inner != before_inner || kind != before_kind;
            // Inner docs and attributes stay together, as do lines already apart.
            let together = blank || (inner && before_inner);
            if !together && apart {
                out.push("");
            }
        }
        if length > 2 && opens_items(item[head]) && item[length - 1].trim() == "}" && item[head].trim_end().ends_with('{') {
            out.extend_from_slice(&item[..=head]);
            items(&item[head + 1..length - 1], depth + 1, out);
            out.push(item[length - 1]);
        } else {
            out.extend_from_slice(item);
        }
        previous = Some((length, inner, kind));
        start = end;
    }
}

/// The end (exclusive) of the item starting at `start`: its docs and attributes, then
/// up to a line at `depth` ending with `;`, or the `}` closing the block it opens.
fn item_end(lines: &[&str], start: usize, depth: usize) -> usize {
    let at_depth = |l: &str| indent(l) == depth && !l.trim().is_empty();
    let mut i = start;
    while i < lines.len() {
        let line = lines[i];
        if i > start && !at_depth(line) && indent(line) <= depth {
            // A blank line or a shallower one: the item ended without a terminator.
            return i;
        }
        let trimmed = line.trim();
        if at_depth(line) && !is_outer_attribute(line) {
            if is_inner(line) || trimmed.ends_with(';') || trimmed.ends_with('}') {
                return i + 1;
            }
            if trimmed.ends_with('{') {
                let close = lines[i + 1..].iter().position(|l| at_depth(l) && l.trim_start().starts_with('}'));
                return match close {
                    Some(offset) => {
                        let end = i + 1 + offset;
                        // `} else {` and the like go on; a plain `}` or `};` ends it.
                        if lines[end].trim_end().ends_with('{') {
                            item_end(lines, end, depth).max(end + 1)
                        } else {
                            end + 1
                        }
                    }
                    None => lines.len(),
                };
            }
        }
        i += 1;
    }
    lines.len()
}

/// `///Text` as `/// Text` (and `//!`).
fn doc_space(line: &str) -> String {
    let trimmed = line.trim_start();
    let marker = ["///", "//!"].into_iter().find(|m| trimmed.starts_with(m) && !trimmed.starts_with("////"));
    match marker {
        Some(m) if trimmed.len() > 3 && !trimmed[3..].starts_with(' ') => {
            format!("{}{m} {}", &line[..line.len() - trimmed.len()], &trimmed[3..])
        }
        _ => line.to_string(),
    }
}

fn indent(line: &str) -> usize {
    (line.len() - line.trim_start().len()) / 4
}

/// `///` docs and `#[...]` attributes (prettyplease puts each on a line of its own).
fn is_outer_attribute(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("///") || (trimmed.starts_with("#[") && trimmed.ends_with(']'))
}

/// `//!` docs and `#![...]` attributes.
fn is_inner(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("//!") || trimmed.starts_with("#![")
}

/// An item's keyword (`mod`, `use`, `fn`...), after its visibility.
fn keyword(head: &str) -> &str {
    head.split_whitespace().find(|w| !(w.starts_with("pub") || w.starts_with("crate)") || *w == "async")).unwrap_or("")
}

/// Whether the block an item opens holds items: `impl`, `mod`, `trait`.
fn opens_items(head: &str) -> bool {
    let mut words = head.split_whitespace().skip_while(|w| w.starts_with("pub") || *w == "unsafe");
    matches!(words.next(), Some(w) if w == "impl" || w.starts_with("impl<") || w == "mod" || w == "trait")
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn items_are_spaced_and_one_line_items_kept_together() {
        let text = "\
//!Docs.
#![forbid(unsafe_code)]
pub mod a;
pub mod b;
use y::Z;
pub use x::{
    A, B,
};
///A struct.
#[derive(Debug)]
pub struct S {
    a: u8,
    b: u8,
}
impl S {
    /// One.
    pub fn one(&self) -> u8 {
        if self.a > 0 {
            1
        } else {
            2
        }
    }
    pub fn two(
        &self,
    ) -> u8 {
        2
    }
    const C: u8 = 1;
}
pub enum E {
    A,
    B,
}
";
        let expected = "\
//! Docs.
#![forbid(unsafe_code)]

pub mod a;
pub mod b;

use y::Z;

pub use x::{
    A, B,
};

/// A struct.
#[derive(Debug)]
pub struct S {
    a: u8,
    b: u8,
}

impl S {
    /// One.
    pub fn one(&self) -> u8 {
        if self.a > 0 {
            1
        } else {
            2
        }
    }

    pub fn two(
        &self,
    ) -> u8 {
        2
    }

    const C: u8 = 1;
}

pub enum E {
    A,
    B,
}
";
        assert_eq!(space_items(text), expected);
        assert_eq!(space_items(expected), expected, "spacing twice changes nothing");
    }
}
