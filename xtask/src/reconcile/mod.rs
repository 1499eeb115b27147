//! Reconciliation of two witnesses of one API: the draft read from the page's text (what
//! the vendor shows people) and the draft read from the OpenAPI definition behind the page
//! (what the vendor's tooling says). A pass of its own, between the readers and
//! normalization:
//!
//! ```text
//! text ──reader──▶ draft ──(overlay API facts)──┐
//!                                               ├─▶ reconcile ──▶ draft (+ report) ──▶ normalize ...
//! definition ──definition reader──▶ draft ──────┘
//! ```
//!
//! - Operations are paired by the document's own words, never by position
//!   ([`matching`]); an operation of the page that pairs with nothing is a
//!   `definition_unmatched` gap, one of the definition that pairs with nothing is listed in
//!   [`Report::definition_only`] (and not added: the page is what the vendor shows).
//! - For a pair, every fact both state is compared ([`compare`]): agreement is recorded,
//!   disagreement is a `definition_conflict` gap naming both values and both sources, and
//!   the page's value is kept unless a [`Settlement`] (an overlay entry, with its citation)
//!   takes one side.
//! - A fact only the definition states is taken from it: method and path (the operation's
//!   `resolved_by` is then the definition's operation), parameters' places, types that the
//!   page leaves open (`any`, a schema only named, a number the definition says is an
//!   integer, a string it says is a date), required and nullable flags, enums, formats,
//!   defaults, whole parameters, fields, bodies and responses the page does not show.
//!   Parameters, fields, bodies and responses taken whole carry their `def:` sources;
//!   for a fact taken into something the page shows, [`Report::taken`] has the source.
//! - The API's facts (base URL, auth) are compared like the rest. The overlay's API facts
//!   are meant to be applied to the page's draft before this pass, so that an overlay fact
//!   the definition contradicts is a conflict, and one it repeats is reported removable
//!   ([`Report::redundant_overlay_entries`]); overlay routes are checked with
//!   [`Report::check_route`].

pub mod compare;
pub mod inputs;
pub mod matching;

use std::fmt::Write as _;

use codegen::spec::{Gap, GapKind, Method, Source};

use crate::draft::Draft;
pub use matching::{rendered, MatchedBy, Pairing};

/// Which side a settlement takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The page's value.
    Text,
    /// The definition's value.
    Definition,
}

/// What a fact belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The API as a whole.
    Api,
    /// A pair of operations: the page's (index in its draft) and the definition's.
    Operation {
        /// Index in the page's draft.
        text: usize,
        /// Index in the definition's draft.
        definition: usize,
    },
}

/// A settled disagreement: for `fact` of `scope` (the page's operation by its index, or
/// the API), take `take`'s value. `source` is the settling entry (an overlay entry citing
/// why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// The page's operation (its index in the page's draft), or `None` for the API.
    pub operation: Option<usize>,
    /// The fact, as [`Fact::fact`] names it (`route`, `parameters.page:type`, `base_url`).
    pub fact: String,
    /// The side whose value is taken.
    pub take: Side,
    /// The entry that settles it.
    pub source: Source,
}

/// One side's value of a fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The value, in words (`GET /api/v1/contacts`, `integer`, `required`, `absent`).
    pub value: String,
    /// Where that side states it.
    pub source: Source,
}

/// A fact of a scope, with what each side says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// What it belongs to.
    pub scope: Scope,
    /// Its name: a place, and after a `:` the attribute of that place the fact is about.
    /// Places are `parameters.<name>`, `request`, `responses.<status>`, and inside a body
    /// `.<field>`, `[]` (array items) and `{}` (map values): `parameters.page:type`,
    /// `request.deal.title:required`, `responses.200.deals[].value:type`,
    /// `responses.200:schema` (the schema's name), `request:examples`. A place alone
    /// (`parameters.page`, `responses.201`, `request.deal.tags`) is about whether it
    /// exists. API facts are `base_url` and `auth`; an operation's route is `route`.
    pub fact: String,
    /// What the page says (`None`: the page does not say).
    pub text: Option<Witness>,
    /// What the definition says.
    pub definition: Witness,
}

/// A pair of operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Index in the page's draft.
    pub text: usize,
    /// Index in the definition's draft.
    pub definition: usize,
    /// How they were paired.
    pub by: MatchedBy,
    /// The definition's method and path.
    pub route: (Method, String),
    /// The definition's operation.
    pub source: Source,
}

/// An operation of one side that pairs with none of the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpaired {
    /// Index in its draft.
    pub index: usize,
    /// Its method and path, when known.
    pub route: Option<(Method, String)>,
    /// Its title (summary), or its description's start.
    pub title: String,
    /// Where it is.
    pub source: Source,
    /// Indexes of the other side's operations that fit equally (empty: none fits).
    pub candidates: Vec<usize>,
}

/// What the reconciliation found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Pairs of operations, in the page's order.
    pub matches: Vec<Match>,
    /// Operations of the page that pair with nothing.
    pub text_only: Vec<Unpaired>,
    /// Operations of the definition that pair with nothing (not generated unless the
    /// overlay opts them in).
    pub definition_only: Vec<Unpaired>,
    /// Facts both sides state the same.
    pub agreements: Vec<Fact>,
    /// Facts the sides state differently, not settled (each also a gap).
    pub conflicts: Vec<Fact>,
    /// Facts only the definition states, taken from it.
    pub taken: Vec<Fact>,
    /// Disagreements settled, with the side taken and the settling entry.
    pub settled: Vec<(Fact, Side, Source)>,
    /// Indexes of settlements that matched no disagreement (an overlay error).
    pub unused_settlements: Vec<usize>,
}

/// The page's draft after reconciliation, and the report.
pub struct Reconciled {
    /// The page's draft with the definition's facts taken into it, a gap per conflict and
    /// per unpaired operation of the page, and `api.definition` set.
    pub draft: Draft,
    /// What was compared, taken and found.
    pub report: Report,
}

/// What the definition says of a route given for one of the page's operations (by the
/// overlay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteCheck {
    /// The definition has the same route: the entry giving it is redundant.
    Same {
        /// The definition's operation.
        definition: Source,
    },
    /// The definition has another route: the entry is wrong, or the definition is.
    Contradicts {
        /// The definition's method.
        method: Method,
        /// The definition's path.
        path: String,
        /// The definition's operation.
        definition: Source,
    },
    /// The operation pairs with none of the definition's.
    Unpaired,
}

impl Report {
    /// Checks a route given for the page's operation `text` against the definition.
    pub fn check_route(&self, text: usize, method: Method, path: &str) -> RouteCheck {
        match self.matches.iter().find(|m| m.text == text) {
            Some(m) if m.route.0 == method && m.route.1 == path => RouteCheck::Same { definition: m.source.clone() },
            Some(m) => {
                RouteCheck::Contradicts { method: m.route.0, path: m.route.1.clone(), definition: m.source.clone() }
            }
            None => RouteCheck::Unpaired,
        }
    }

    /// Overlay entries whose facts the definition states the same: removable.
    pub fn redundant_overlay_entries(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .agreements
            .iter()
            .filter_map(|f| match &f.text.as_ref()?.source {
                Source::Overlay(key) => Some(key.as_str()),
                _ => None,
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The report in a few lines and lists, for a person: counts, then every conflict,
    /// every unpaired operation.
    pub fn summary(&self, api: &str) -> String {
        let mut out = String::new();
        let by = |b: MatchedBy| self.matches.iter().filter(|m| m.by == b).count();
        let _ = writeln!(
            out,
            "{api}: {} operations paired with the definition ({} by words, {} by request schema, {} by response keys, {} by route), {} only on the page, {} only in the definition; {} facts agree, {} taken from the definition, {} conflicts, {} settled",
            self.matches.len(),
            by(MatchedBy::Words),
            by(MatchedBy::RequestSchema),
            by(MatchedBy::ResponseKeys),
            by(MatchedBy::Route),
            self.text_only.len(),
            self.definition_only.len(),
            self.agreements.len(),
            self.taken.len(),
            self.conflicts.len(),
            self.settled.len(),
        );
        for c in &self.conflicts {
            let _ = writeln!(out, "  conflict: {}", conflict_message(c));
        }
        for u in &self.text_only {
            let _ = writeln!(out, "  only on the page: {} ({})", u.title, u.source);
        }
        // A definition of a whole API behind a page of one section has hundreds.
        const LISTED: usize = 40;
        for u in self.definition_only.iter().take(LISTED) {
            let route = u.route.as_ref().map(|(m, p)| format!("{} {p}", m.as_str())).unwrap_or_default();
            let _ = writeln!(out, "  only in the definition: {route} {} ({})", u.title, u.source);
        }
        if self.definition_only.len() > LISTED {
            let _ = writeln!(out, "  ... and {} more only in the definition", self.definition_only.len() - LISTED);
        }
        out
    }
}

/// A conflict in words: the fact, both values, both sources.
/// The page's place is the gap's source, not part of the message: a message holds no
/// place of the snapshot (it would be a line, which moves with edits elsewhere).
pub fn conflict_message(fact: &Fact) -> String {
    let text = fact.text.as_ref().map(|t| format!("`{}`", t.value)).unwrap_or_else(|| "nothing".into());
    format!(
        "`{}`: the page says {text}, the definition says `{}` ({}); the page's is kept until the overlay settles it",
        fact.fact, fact.definition.value, fact.definition.source
    )
}

/// Reconciles the page's draft `text` with the definition's draft `definition`, applying
/// `settlements` to the disagreements they name.
pub fn reconcile(mut text: Draft, definition: &Draft, settlements: &[Settlement]) -> Reconciled {
    let pairing = matching::pair(&text.operations, &definition.operations);
    let mut report = Report::default();
    let mut used = vec![false; settlements.len()];
    let mut gaps: Vec<Gap> = Vec::new();

    let mut walk = compare::Walk::new(Scope::Api, settlements, &mut used, &mut report);
    compare::api(&mut walk, &mut text.api, &definition.api);
    text.api.definition = definition.api.definition.clone();

    for (t, pairing) in pairing.iter().enumerate() {
        let op = &mut text.operations[t];
        match pairing {
            Pairing::Matched(d, by) => {
                let def_op = &definition.operations[*d];
                report.matches.push(Match {
                    text: t,
                    definition: *d,
                    by: *by,
                    route: (def_op.method.unwrap_or(Method::Get), def_op.path.clone().unwrap_or_default()),
                    source: def_op.source.clone(),
                });
                let mut walk = compare::Walk::new(
                    Scope::Operation { text: t, definition: *d },
                    settlements,
                    &mut used,
                    &mut report,
                );
                compare::operation(&mut walk, op, def_op);
            }
            Pairing::None | Pairing::Ambiguous(_) => {
                let candidates = match pairing {
                    Pairing::Ambiguous(c) => c.clone(),
                    _ => Vec::new(),
                };
                let why = if candidates.is_empty() {
                    "no operation of the definition has its words, request schema, response keys or route".to_string()
                } else {
                    let list: Vec<String> =
                        candidates.iter().map(|d| definition.operations[*d].source.to_string()).collect();
                    format!("it fits several operations of the definition equally ({})", list.join(", "))
                };
                gaps.push(Gap {
                    kind: GapKind::DefinitionUnmatched,
                    message: format!("operation `{}` pairs with no operation of the definition: {why}", title(op)),
                    source: op.source.clone(),
                });
                report.text_only.push(Unpaired {
                    index: t,
                    route: op.method.zip(op.path.clone()),
                    title: title(op),
                    source: op.source.clone(),
                    candidates,
                });
            }
        }
    }
    for (d, op) in definition.operations.iter().enumerate() {
        if !report.matches.iter().any(|m| m.definition == d) {
            report.definition_only.push(Unpaired {
                index: d,
                route: op.method.zip(op.path.clone()),
                title: title(op),
                source: op.source.clone(),
                candidates: Vec::new(),
            });
        }
    }
    for c in &report.conflicts {
        let source = c.text.as_ref().map(|t| t.source.clone()).unwrap_or_else(|| c.definition.source.clone());
        gaps.push(Gap { kind: GapKind::DefinitionConflict, message: conflict_message(c), source });
    }
    report.unused_settlements = used.iter().enumerate().filter(|(_, u)| !**u).map(|(i, _)| i).collect();
    text.gaps.extend(gaps);
    text.gaps.sort_by_key(|g| g.source.line().unwrap_or(0));
    Reconciled { draft: text, report }
}

/// An operation's title, or the start of its description, or its route.
fn title(op: &crate::draft::DraftOperation) -> String {
    if !op.title.trim().is_empty() {
        return op.title.clone();
    }
    let description = op.description.as_deref().unwrap_or("");
    let words: Vec<&str> = description.split_whitespace().take(12).collect();
    match (words.is_empty(), op.method, &op.path) {
        (true, Some(method), Some(path)) => format!("{} {path}", method.as_str()),
        _ => words.join(" "),
    }
}
