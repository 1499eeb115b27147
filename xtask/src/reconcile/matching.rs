//! Which operation of the definition each operation of the page is: matched by the
//! document's own words, never by position. In tiers, each over the operations still
//! unmatched, each accepting only a single candidate that no other operation of the page
//! also claims:
//! 1. **words**: the page's description or title equals the definition's description or
//!    summary, compared as rendered text (HTML tags and Markdown links reduced to their
//!    text, whitespace runs as one space, case and a final period ignored); several
//!    candidates are told apart by their parameter names;
//! 2. **request schema**: the name the page gives the request body is the definition's;
//! 3. **response keys**: an operation without a description (its words were lost), by the
//!    keys of its success response;
//! 4. **route**: the page states method and path, and one operation of the definition has
//!    them and the same parameter names (the route is then not an independent witness).

use std::collections::BTreeSet;

use crate::draft::{DraftOperation, DraftType};

/// How a match was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// The page's description or title is the definition's description or summary.
    Words,
    /// The request body's schema name.
    RequestSchema,
    /// The success response's keys (an operation whose words were lost).
    ResponseKeys,
    /// Method, path and parameter names.
    Route,
}

impl MatchedBy {
    /// The word the report uses.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Words => "words",
            MatchedBy::RequestSchema => "request schema",
            MatchedBy::ResponseKeys => "response keys",
            MatchedBy::Route => "route",
        }
    }
}

/// The outcome for one operation of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pairing {
    /// The definition's operation at this index, and how.
    Matched(usize, MatchedBy),
    /// No operation of the definition fits.
    None,
    /// Several fit, or the one that fits also fits another operation of the page.
    Ambiguous(Vec<usize>),
}

/// Whether the definition's operation `d` fits the page's operation `t`, in one tier.
type Fits<'a> = &'a dyn Fn(usize, usize) -> bool;

/// The pairing of every operation of the page (`text`) with those of the definition.
pub fn pair(text: &[DraftOperation], definition: &[DraftOperation]) -> Vec<Pairing> {
    let mut pairing: Vec<Option<(usize, MatchedBy)>> = vec![None; text.len()];
    let mut ambiguous: Vec<Vec<usize>> = vec![Vec::new(); text.len()];
    // Rendered once each, not once for each pair.
    let page_words: Vec<Vec<String>> = text.iter().map(words).collect();
    let definition_words: Vec<Vec<String>> = definition.iter().map(words).collect();
    let tiers: [(MatchedBy, Fits); 4] = [
        (MatchedBy::Words, &|t, d| definition_words[d].iter().any(|w| page_words[t].contains(w))),
        (MatchedBy::RequestSchema, &|t, d| same_request_schema(&text[t], &definition[d])),
        (MatchedBy::ResponseKeys, &|t, d| same_response_keys(&text[t], &definition[d])),
        (MatchedBy::Route, &|t, d| same_route(&text[t], &definition[d])),
    ];
    for (by, fits) in tiers {
        let taken: BTreeSet<usize> = pairing.iter().flatten().map(|(d, _)| *d).collect();
        let candidates: Vec<Option<Vec<usize>>> = text
            .iter()
            .enumerate()
            .map(|(t, op)| {
                if pairing[t].is_some() {
                    return None;
                }
                let all: Vec<usize> =
                    (0..definition.len()).filter(|d| !taken.contains(d) && fits(t, *d)).collect();
                Some(narrow_by_parameters(op, definition, all))
            })
            .collect();
        for t in 0..text.len() {
            let Some(mine) = &candidates[t] else { continue };
            match &mine[..] {
                [] => {}
                [d] => {
                    let shared =
                        candidates.iter().enumerate().any(|(o, c)| o != t && c.as_ref().is_some_and(|c| c.contains(d)));
                    if shared {
                        ambiguous[t] = mine.clone();
                    } else {
                        pairing[t] = Some((*d, by));
                        ambiguous[t].clear();
                    }
                }
                several => {
                    if ambiguous[t].is_empty() {
                        ambiguous[t] = several.to_vec();
                    }
                }
            }
        }
    }
    pairing
        .into_iter()
        .zip(ambiguous)
        .map(|(p, a)| match (p, a.is_empty()) {
            (Some((d, by)), _) => Pairing::Matched(d, by),
            (None, true) => Pairing::None,
            (None, false) => Pairing::Ambiguous(a),
        })
        .collect()
}

/// Of several candidates, those whose parameter names are the page's (when that leaves
/// any).
fn narrow_by_parameters(op: &DraftOperation, definition: &[DraftOperation], candidates: Vec<usize>) -> Vec<usize> {
    if candidates.len() < 2 {
        return candidates;
    }
    let names = parameter_names(op);
    let same: Vec<usize> = candidates.iter().copied().filter(|d| parameter_names(&definition[*d]) == names).collect();
    if same.is_empty() {
        candidates
    } else {
        same
    }
}

fn parameter_names(op: &DraftOperation) -> BTreeSet<&str> {
    op.parameters.iter().map(|p| p.name.as_str()).collect()
}

/// An operation's title and description (the definition's summary and description) as
/// rendered text, those that have words: an operation of the page fits one of the
/// definition by words when they share one.
fn words(op: &DraftOperation) -> Vec<String> {
    [Some(op.title.as_str()), op.description.as_deref()]
        .into_iter()
        .flatten()
        .map(rendered)
        .filter(|w| !w.is_empty())
        .collect()
}

fn same_request_schema(text: &DraftOperation, def: &DraftOperation) -> bool {
    let name = |op: &DraftOperation| match op.request.as_ref().and_then(|b| b.shape.as_ref()) {
        Some(DraftType::Named(n)) => Some(n.clone()),
        Some(DraftType::Object(o)) => o.doc_name.clone(),
        _ => None,
    };
    name(text).is_some_and(|n| name(def) == Some(n))
}

fn same_response_keys(text: &DraftOperation, def: &DraftOperation) -> bool {
    let keys = |op: &DraftOperation| -> Option<BTreeSet<String>> {
        let success = op.responses.iter().find(|r| r.status.starts_with('2'))?;
        match success.shape.as_ref()? {
            DraftType::Object(o) if !o.fields.is_empty() => Some(o.fields.iter().map(|f| f.name.clone()).collect()),
            _ => None,
        }
    };
    let wordless = text.description.as_deref().is_none_or(|d| d.trim().is_empty());
    wordless && keys(text).is_some_and(|k| keys(def) == Some(k))
}

fn same_route(text: &DraftOperation, def: &DraftOperation) -> bool {
    text.method.is_some()
        && text.method == def.method
        && text.path.is_some()
        && text.path == def.path
        && parameter_names(text) == parameter_names(def)
}

/// Text as a reader of the rendered page sees it: HTML tags dropped, Markdown links and
/// emphasis reduced to their text, whitespace runs as one space, lower case, without a
/// final period.
pub fn rendered(text: &str) -> String {
    // Markdown's list and heading markers at the start of a line are not rendered as text.
    let lines: Vec<&str> = text
        .lines()
        .map(|line| {
            let line = line.trim_start();
            let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let unmarked = match line.get(digits..digits + 2) {
                Some(". " | ") ") if digits > 0 => &line[digits + 2..],
                _ => line.strip_prefix("- ").or_else(|| line.strip_prefix("+ ")).unwrap_or(line),
            };
            unmarked.trim_start_matches('#').trim_start()
        })
        .collect();
    let text = lines.join("\n");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || *n == '/') => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
                out.push(' ');
            }
            // `[text](url)` → `text`.
            ']' if chars.peek() == Some(&'(') => {
                for c in chars.by_ref() {
                    if c == ')' {
                        break;
                    }
                }
            }
            '[' | '*' | '`' => {}
            c => out.push(c),
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let joined = words.join(" ").to_lowercase();
    joined.trim_end_matches('.').trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::rendered;

    #[test]
    fn text_is_compared_as_the_page_renders_it() {
        assert_eq!(
            rendered("see <a href=https://x.example/#Search> Advanced search query syntax.</a> If **query** is `set`."),
            rendered("see Advanced search query syntax. If query is set")
        );
        assert_eq!(rendered("See [available\n values](https://x.example/a_b)."), "see available values");
        assert_eq!(rendered("a < b"), "a < b");
        // List markers and headings are not part of the rendered words.
        assert_eq!(rendered("Two kinds:\n\n1. files\n2) links\n- tags\n## Notes"), "two kinds: files links tags notes");
        assert_eq!(rendered("b) after"), "b) after");
    }
}
