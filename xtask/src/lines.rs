//! Shared machinery for line-oriented documentation readers: 1-based line access, JSON
//! example extraction (with validity and the JSON error's own line), and small lexical
//! tests every reader needs.

use codegen::spec::{Example, Gap, GapKind, Source};

use crate::draft::gap;

/// A snapshot split into lines, addressed by 1-based line numbers.
pub struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    /// Splits `text` into lines (a trailing `\r` is dropped).
    pub fn new(text: &'a str) -> Self {
        Lines { lines: text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l)).collect() }
    }

    /// Number of lines.
    pub fn len(&self) -> u32 {
        self.lines.len() as u32
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Line `n` (1-based); `""` past the end.
    pub fn get(&self, n: u32) -> &'a str {
        n.checked_sub(1).and_then(|i| self.lines.get(i as usize)).copied().unwrap_or("")
    }

    /// Whether line `n` is blank (or past the end).
    pub fn is_blank(&self, n: u32) -> bool {
        self.get(n).trim().is_empty()
    }

    /// Reads the JSON text that starts at line `start` (whose first non-blank character
    /// is `{` or `[`), up to the line where its brackets balance, stopping early at
    /// `stop` (exclusive) or at a line for which `is_boundary` holds. Returns the example
    /// and the first line after it; an example that does not parse adds a gap.
    pub fn json_example(
        &self,
        start: u32,
        stop: u32,
        title: Option<String>,
        is_boundary: impl Fn(&str) -> bool,
        gaps: &mut Vec<Gap>,
    ) -> (Example, u32) {
        let mut depth = 0i32;
        let mut in_string = false;
        let mut escaped = false;
        let mut end = start;
        let mut closed = false;
        while end < stop {
            let line = self.get(end);
            if end > start && is_boundary(line) {
                break;
            }
            for c in line.chars() {
                if in_string {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth -= 1,
                    _ => {}
                }
            }
            end += 1;
            if depth <= 0 {
                closed = true;
                break;
            }
        }
        let text: Vec<&str> = (start..end).map(|n| self.get(n)).collect();
        let json = text.join("\n");
        let valid_json = match serde_json::from_str::<serde_json::Value>(&json) {
            Ok(_) => true,
            Err(e) => {
                let at = start + e.line().saturating_sub(1) as u32;
                let why = if closed { e.to_string() } else { format!("its brackets never close ({e})") };
                gaps.push(gap(
                    GapKind::InvalidJsonExample,
                    at,
                    format!("the example is not valid JSON: {why}; kept verbatim, not used as a fixture"),
                ));
                false
            }
        };
        (Example { title, valid_json, json, source: Source::Doc(start) }, end)
    }
}

/// A wire identifier as attribute lists print them: `snake_case`, digits allowed,
/// brackets allowed (`filters[title]`), and camelCase (`contactType`).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '[' | ']' | '-' | '.'))
}

/// Splits a title glued to its explanation (`Not FoundThe requested item...`) at the
/// first place where a new capitalised word starts without a space. Returns the whole
/// text as the title when there is no such place.
pub fn split_glued(text: &str) -> (String, Option<String>) {
    let chars: Vec<char> = text.chars().collect();
    for i in 1..chars.len() {
        let (prev, cur) = (chars[i - 1], chars[i]);
        let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
        let glued = cur.is_uppercase()
            && (prev.is_lowercase() || (prev.is_uppercase() && next_lower && i >= 2 && chars[i - 2] != ' '));
        if glued {
            let title: String = chars[..i].iter().collect();
            let rest: String = chars[i..].iter().collect();
            return (title.trim().to_string(), Some(rest.trim().to_string()));
        }
    }
    (text.trim().to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_examples_stop_where_their_brackets_balance() {
        let text = "{\n  \"a\": \"}\",\n  \"b\": [1]\n}\nPOST\n";
        let lines = Lines::new(text);
        let mut gaps = vec![];
        let (example, next) = lines.json_example(1, lines.len() + 1, None, |_| false, &mut gaps);
        assert!(example.valid_json);
        assert_eq!(next, 5);
        assert!(gaps.is_empty());
    }

    #[test]
    fn truncated_json_is_a_gap_naming_its_line() {
        let text = "{\n  \"a\": 1,\nResponse  200\n";
        let lines = Lines::new(text);
        let mut gaps = vec![];
        let (example, next) = lines.json_example(1, lines.len() + 1, None, |l| l.starts_with("Response"), &mut gaps);
        assert!(!example.valid_json);
        assert_eq!(next, 3);
        assert_eq!(gaps.len(), 1);
        assert!(gaps[0].message.contains("never close"), "{}", gaps[0].message);
    }

    #[test]
    fn glued_titles_split_at_the_new_word() {
        assert_eq!(
            split_glued("Not FoundThe requested item doesn't exist."),
            ("Not Found".into(), Some("The requested item doesn't exist.".into()))
        );
        assert_eq!(
            split_glued("OKEverything worked as expected."),
            ("OK".into(), Some("Everything worked as expected.".into()))
        );
        assert_eq!(split_glued("Server Errors"), ("Server Errors".into(), None));
    }
}
