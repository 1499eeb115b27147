//! Anchors: the stable names `doc:` sources give places of a snapshot, so that an edit
//! in one part of the document changes the sources of nothing elsewhere.
//!
//! Readers work with line numbers. As they read, they register the places they
//! recognize ([`Anchors`]): an operation's heading, the blocks inside it (`parameters`,
//! `request`, `response`, each example), each parameter and field row, and the
//! preamble's headings and rows. When the spec is built, one pass
//! ([`AnchorMap::anchor_spec`]) turns every line into the nearest anchor at or above it
//! plus the lines below it (`retrieve-all-events/response-200+2`); [`AnchorMap::line`]
//! turns an anchor back into a line for a human (`cargo xtask locate`, `cargo xtask diff`).
//!
//! This module owns how anchors are named:
//! - a heading is the slug of its words (those of its first sentence, articles dropped,
//!   like operation ids): `Retrieve all events` → `retrieve-all-events`;
//! - a place inside another is `parent/name`, the name being the document's words for
//!   it: wire names as written (`parameters/filters[title]`, `response/events.linked_to.id`),
//!   every character outside `A-Za-z0-9-_.[]` written `-`;
//! - names are unique. Siblings given one name are told apart by their qualifier when they
//!   have one (an operation's method and path, as operation ids are: `~get-v1-events`),
//!   else numbered `~2`, `~3`, ... in document order among those siblings only (the first
//!   keeps the name); so a repeated name depends on the places of that name, nothing else;
//! - lines above every anchor are below `top` (line 1); a root name of digits only is
//!   written `_` + digits (digits alone are a line number).
//!
//! Where several anchors share a line, the first registered names it (readers register a
//! place before what is inside it).

use std::collections::BTreeMap;

use codegen::spec::{Anchor, Source, Spec};

/// The implicit anchor at line 1, for the lines above every registered one.
pub const TOP: &str = "top";

/// The places a reader registered, in the order it registered them.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    entries: Vec<Entry>,
    /// Lines of the document.
    lines: u32,
}

#[derive(Debug, Clone)]
struct Entry {
    /// `None` for a group the document has no line for (Redoc's parameters).
    line: Option<u32>,
    parent: Option<usize>,
    segment: String,
    qualifier: Option<String>,
}

/// A registered place, to register places inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnchorId(usize);

impl Anchors {
    /// No anchors yet, for a document of `lines` lines.
    pub fn new(lines: u32) -> Anchors {
        Anchors { entries: Vec::new(), lines }
    }

    /// A heading at `line`, named by the slug of `words`. `qualifier` tells it apart from
    /// another heading of the same words (an operation's method and path).
    pub fn heading(&mut self, line: u32, words: &str, qualifier: Option<&str>) -> AnchorId {
        let mut segment = slug(words);
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            segment.insert(0, '_');
        }
        self.push(Entry { line: Some(line), parent: None, segment, qualifier: qualifier.map(slug) })
    }

    /// A place at `line` inside `parent`, named `name` (the document's words for it: a
    /// wire name as written, or a block's slug).
    pub fn child(&mut self, parent: AnchorId, line: u32, name: &str) -> AnchorId {
        self.push(Entry { line: Some(line), parent: Some(parent.0), segment: segment(name), qualifier: None })
    }

    /// A group of places inside `parent` that the document gives no line of its own (the
    /// parameter rows of a Redoc scrape, whose heading was lost): a name, never a place.
    pub fn group(&mut self, parent: AnchorId, name: &str) -> AnchorId {
        self.push(Entry { line: None, parent: Some(parent.0), segment: segment(name), qualifier: None })
    }

    fn push(&mut self, entry: Entry) -> AnchorId {
        self.entries.push(entry);
        AnchorId(self.entries.len() - 1)
    }

    /// The anchors named, to convert lines.
    pub fn finish(&self) -> AnchorMap {
        let mut names: Vec<String> = vec![String::new(); self.entries.len()];
        // Siblings, by parent (`None`: the roots, among which `top` is taken).
        let mut families: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            families.entry(e.parent).or_default().push(i);
        }
        let mut local: Vec<String> = vec![String::new(); self.entries.len()];
        for (parent, members) in &families {
            let mut by_segment: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for &i in members {
                by_segment.entry(self.entries[i].segment.as_str()).or_default().push(i);
            }
            for (segment, mut same) in by_segment {
                let reserved = parent.is_none() && segment == TOP;
                if same.len() == 1 && !reserved {
                    local[same[0]] = segment.to_string();
                    continue;
                }
                same.sort_by_key(|&i| (self.entries[i].line.unwrap_or(0), i));
                let qualified: Vec<String> = same
                    .iter()
                    .map(|&i| match &self.entries[i].qualifier {
                        Some(q) if !reserved => format!("{segment}~{q}"),
                        _ => segment.to_string(),
                    })
                    .collect();
                let mut seen: BTreeMap<String, usize> = BTreeMap::new();
                if reserved {
                    seen.insert(TOP.to_string(), 1);
                }
                for (&i, name) in same.iter().zip(qualified) {
                    let count = seen.entry(name.clone()).or_default();
                    *count += 1;
                    local[i] = if *count == 1 { name } else { format!("{name}~{count}") };
                }
            }
        }
        for i in 0..self.entries.len() {
            // Parents are registered before their children.
            names[i] = match self.entries[i].parent {
                Some(p) => format!("{}/{}", names[p], local[i]),
                None => local[i].clone(),
            };
        }
        let mut by_line: Vec<(u32, usize)> =
            self.entries.iter().enumerate().filter_map(|(i, e)| Some((e.line?, i))).collect();
        by_line.sort();
        by_line.dedup_by_key(|(line, _)| *line);
        let by_name = names.iter().zip(&self.entries).filter_map(|(n, e)| Some((n.clone(), e.line?))).collect();
        AnchorMap {
            by_line: by_line.into_iter().map(|(line, i)| (line, names[i].clone())).collect(),
            by_name,
            lines: self.lines,
        }
    }
}

/// The slug of a heading's words: `Retrieve all events` → `retrieve-all-events`,
/// `Authenticating with OAuth` → `authenticating-with-oauth` (the words operation ids are
/// made of: a paragraph's first sentence, articles dropped; lower-cased, not split).
pub fn slug(words: &str) -> String {
    let slug = segment(&crate::normalize::title_words(words).join("-").to_lowercase());
    if slug.is_empty() {
        "_".into()
    } else {
        slug
    }
}

/// A name inside a place: the document's words, characters other than letters, digits
/// and `-_.[]` written `-`.
fn segment(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if Anchor::is_name_char(c) && !matches!(c, '/' | '~') { c } else { '-' }).collect();
    if s.is_empty() {
        "_".into()
    } else {
        s
    }
}

/// The named anchors of one document: lines to anchors and back.
#[derive(Debug, Clone)]
pub struct AnchorMap {
    /// The anchor that names each line holding one, by line.
    by_line: Vec<(u32, String)>,
    /// Every anchor's line, by name.
    by_name: BTreeMap<String, u32>,
    lines: u32,
}

impl AnchorMap {
    /// The place of `line`: the nearest anchor at or above it and the lines between.
    /// `None` for a line the document does not have.
    pub fn place(&self, line: u32) -> Option<Anchor> {
        if line == 0 || line > self.lines {
            return None;
        }
        let at = self.by_line.partition_point(|(l, _)| *l <= line);
        Some(match at.checked_sub(1).map(|i| &self.by_line[i]) {
            Some((l, name)) => Anchor { name: name.clone(), offset: line - l },
            None => Anchor { name: TOP.into(), offset: line - 1 },
        })
    }

    /// The line of an anchored place; `None` when this document has no such anchor, or
    /// the offset runs past its end.
    pub fn line(&self, anchor: &Anchor) -> Option<u32> {
        let start = if anchor.name == TOP { 1 } else { *self.by_name.get(&anchor.name)? };
        Some(start + anchor.offset).filter(|&l| l <= self.lines)
    }

    /// The line a source names in this document: a line as it is, an anchor resolved.
    pub fn line_of(&self, source: &Source) -> Option<u32> {
        match source {
            Source::Doc(line) => Some(*line).filter(|&l| l >= 1 && l <= self.lines),
            Source::Anchor(anchor) => self.line(anchor),
            Source::Def(_) | Source::Overlay(_) => None,
        }
    }

    /// Every anchor with its line, in document order.
    pub fn anchors(&self) -> Vec<(u32, &str)> {
        let mut all: Vec<(u32, &str)> = self.by_name.iter().map(|(n, l)| (*l, n.as_str())).collect();
        all.sort();
        all
    }

    /// Turns every line source of `spec` into its place. The lines the document does not
    /// have (a reader's fault) are errors, each naming the source.
    pub fn anchor_spec(&self, spec: &mut Spec) -> Result<(), Vec<String>> {
        let mut errors = Vec::new();
        for source in spec.sources_mut() {
            let Source::Doc(line) = *source else { continue };
            match self.place(line) {
                Some(anchor) => *source = Source::Anchor(anchor),
                None => errors.push(format!("{source}: the snapshot has no line {line} (it has {})", self.lines)),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor(name: &str, offset: u32) -> Anchor {
        Anchor { name: name.into(), offset }
    }

    #[test]
    fn lines_are_below_their_nearest_anchor_and_come_back() {
        let mut a = Anchors::new(30);
        let op = a.heading(5, "Retrieve all events", Some("GET /v1/events"));
        let params = a.child(op, 9, "parameters");
        a.child(params, 10, "filters[title]");
        a.child(params, 14, "a/b c");
        a.child(op, 20, "response-200");
        let rows = a.group(op, "request");
        a.child(rows, 24, "title");
        let map = a.finish();
        assert_eq!(map.place(3), Some(anchor("top", 2)));
        assert_eq!(map.place(5), Some(anchor("retrieve-all-events", 0)));
        assert_eq!(map.place(7), Some(anchor("retrieve-all-events", 2)));
        assert_eq!(map.place(12), Some(anchor("retrieve-all-events/parameters/filters[title]", 2)));
        assert_eq!(map.place(14), Some(anchor("retrieve-all-events/parameters/a-b-c", 0)));
        assert_eq!(map.place(22), Some(anchor("retrieve-all-events/response-200", 2)));
        assert_eq!(map.place(25), Some(anchor("retrieve-all-events/request/title", 1)));
        assert_eq!(map.line(&anchor("retrieve-all-events/request", 0)), None, "a group is no place");
        assert_eq!(map.place(0), None);
        assert_eq!(map.place(31), None);
        for line in 1..=30 {
            assert_eq!(map.line(&map.place(line).unwrap()), Some(line));
        }
        assert_eq!(map.line(&anchor("retrieve-all-events/response-200", 11)), None, "past the end");
        assert_eq!(map.line(&anchor("no-such-anchor", 0)), None);
    }

    #[test]
    fn repeated_names_take_their_qualifier_else_a_number_in_document_order() {
        let mut a = Anchors::new(100);
        // Registered out of document order: numbering follows lines, not registration.
        let second = a.heading(40, "Retrieve all events", None);
        let first = a.heading(10, "Retrieve all events", None);
        a.heading(60, "Create a contact", Some("POST /v1/contacts"));
        a.heading(70, "Create a contact", Some("POST /v2/contacts"));
        a.heading(80, "Top", None);
        a.heading(90, "404", None);
        a.child(first, 11, "id");
        a.child(first, 12, "id");
        a.child(second, 41, "id");
        let map = a.finish();
        let names: Vec<&str> = map.anchors().into_iter().map(|(_, n)| n).collect();
        assert_eq!(
            names,
            [
                "retrieve-all-events",
                "retrieve-all-events/id",
                "retrieve-all-events/id~2",
                "retrieve-all-events~2",
                "retrieve-all-events~2/id",
                "create-contact~post-v1-contacts",
                "create-contact~post-v2-contacts",
                "top~2",
                "_404",
            ]
        );
        for name in names {
            assert!(Anchor::is_name(name), "{name}");
        }
    }

    #[test]
    fn the_first_anchor_registered_at_a_line_names_it() {
        let mut a = Anchors::new(10);
        let op = a.heading(2, "Widgets", None);
        let field = a.child(op, 4, "tag");
        a.child(field, 4, "is");
        let map = a.finish();
        assert_eq!(map.place(4), Some(anchor("widgets/tag", 0)));
        assert_eq!(map.line(&anchor("widgets/tag/is", 1)), Some(5), "an anchor a line shares still resolves");
    }

    #[test]
    fn a_spec_is_anchored_in_one_pass_and_a_line_it_lacks_is_an_error() {
        let mut a = Anchors::new(10);
        a.heading(3, "Things", None);
        let map = a.finish();
        let mut spec = Spec {
            api: codegen::spec::Api::new("x", "specs/x/snapshot.txt"),
            operations: Vec::new(),
            types: Vec::new(),
            gaps: vec![
                codegen::spec::Gap {
                    kind: codegen::spec::GapKind::UnrecognizedLine,
                    message: "m".into(),
                    source: Source::Doc(5),
                },
                codegen::spec::Gap {
                    kind: codegen::spec::GapKind::UnrecognizedLine,
                    message: "m".into(),
                    source: Source::Overlay("k".into()),
                },
            ],
            reconciliation: None,
        };
        map.anchor_spec(&mut spec).unwrap();
        assert_eq!(spec.gaps[0].source.to_string(), "doc:things+2");
        assert_eq!(spec.gaps[1].source.to_string(), "overlay:k");
        spec.gaps[1].source = Source::Doc(11);
        let errors = map.anchor_spec(&mut spec).unwrap_err();
        assert_eq!(errors, ["doc:11: the snapshot has no line 11 (it has 10)"]);
    }
}
