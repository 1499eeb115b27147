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
//!   [`Report::definition_only`] (and not added: the page is what the vendor shows),
//!   unless an [`OptIn`] (an overlay entry, with its citation) adds it.
//! - For a pair, every fact both state is compared ([`compare`]): agreement is recorded,
//!   disagreement is a `definition_conflict` gap naming both values and both sources, and
//!   the page's value is kept unless a [`Settlement`] (an overlay entry, with its citation)
//!   takes one side. A settlement names the definition's place: one decision about a
//!   schema the definition shares holds wherever the page shows it.
//! - A fact only the definition states is taken from it: method and path (the operation's
//!   `resolved_by` is then the definition's operation), parameters' places, types that the
//!   page leaves open (`any`, a schema only named, a number the definition says is an
//!   integer, a string it says is a date), required and nullable flags, enums, formats,
//!   defaults, whole parameters, fields, bodies and responses the page does not show.
//!   Parameters, fields, bodies and responses taken whole carry their `def:` sources;
//!   for a fact taken into something the page shows, [`Report::taken`] has the source.
//! - The API's facts (base URL, auth) are compared like the rest. The overlay's API facts
//!   and routes are applied to the page's draft before this pass (they stand for what the
//!   page states in prose, or lost), so that an overlay fact the definition contradicts is
//!   a conflict (for a route, an error unless settled), and one it repeats is reported
//!   removable ([`Report::redundant_overlay_entries`]).

pub mod compare;
pub mod matching;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use codegen::spec::{
    DefinitionOperation, Gap, GapKind, Method, Pointer, Reconciliation, Removable, SettledFact, Side, Source, Witnessed,
};

use crate::draft::Draft;
pub use matching::{rendered, MatchedBy, Pairing};

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

/// A settlement of disagreements: those whose definition side is stated at `at` or inside
/// it, about `fact`, take `take`'s value. `source` is the settling entry (an overlay entry
/// citing why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// A place in the definition (`#/servers/0`, `#/components/schemas/Contacts.ShortContact`).
    pub at: Pointer,
    /// The fact, as [`Fact::fact`] names it (`route`, `parameters.page:type`, `base_url`,
    /// `responses.403`), or only its attribute (`nullable`: every `...:nullable` there).
    pub fact: String,
    /// The side whose value is taken.
    pub take: Side,
    /// The entry that settles it.
    pub source: Source,
}

impl Settlement {
    /// Whether this settles the disagreement `fact`.
    pub fn settles(&self, fact: &Fact) -> bool {
        let here = matches!(&fact.definition.source, Source::Def(p) if p.starts_with(&self.at));
        let named = fact.fact == self.fact || fact.fact.rsplit_once(':').is_some_and(|(_, a)| a == self.fact);
        here && named
    }
}

/// An operation only the definition has, which the overlay adds to the page's (the entry
/// `source` cites why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptIn {
    /// Its method.
    pub method: Method,
    /// Its path, as the definition writes it.
    pub path: String,
    /// The entry that opts it in.
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
    /// Operations of the definition the overlay opts in (added after the page's, in the
    /// order of the opt-ins), by index in the definition's draft.
    pub opted_in: Vec<usize>,
    /// Indexes of opt-ins that name no operation only the definition has (an overlay error).
    pub unused_opt_ins: Vec<usize>,
}

/// The page's draft after reconciliation, and the report.
pub struct Reconciled {
    /// The page's draft with the definition's facts taken into it, a gap per conflict and
    /// per unpaired operation of the page, and `api.definition` set.
    pub draft: Draft,
    /// What was compared, taken and found.
    pub report: Report,
}

impl Report {
    /// Overlay entries whose facts the definition states the same: removable.
    pub fn redundant_overlay_entries(&self) -> Vec<&str> {
        self.redundant_overlay_facts().into_iter().map(|(key, _)| key).collect()
    }

    /// Overlay entries whose facts the definition states in the same words (an entry
    /// that also names or describes what the definition does not is not redundant), each
    /// with the definition's place for it (the first, when it repeats several).
    pub fn redundant_overlay_facts(&self) -> Vec<(&str, &Source)> {
        let mut keys: Vec<(&str, &Source)> = Vec::new();
        for f in &self.agreements {
            let Some(text) = f.text.as_ref().filter(|t| t.value == f.definition.value) else { continue };
            if let Source::Overlay(key) = &text.source {
                if !keys.iter().any(|(k, _)| k == key) {
                    keys.push((key.as_str(), &f.definition.source));
                }
            }
        }
        keys.sort();
        keys
    }

    /// The definition's operations the page's draft now holds: those paired, then those
    /// opted in (indexes in the definition's draft).
    pub fn used_definition_operations(&self) -> Vec<usize> {
        self.matches.iter().map(|m| m.definition).chain(self.opted_in.iter().copied()).collect()
    }

    /// What the spec records of the reconciliation: the pairs, facts agreed and taken by
    /// attribute, the settled disagreements (operations by their `ids`, the page's draft's
    /// order), the overlay entries the definition repeats, and the operations only the
    /// definition has.
    pub fn for_spec(&self, ids: &[String]) -> Reconciliation {
        let by_attribute = |facts: &[Fact]| {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for f in facts {
                *counts.entry(attribute(&f.fact).to_string()).or_default() += 1;
            }
            counts
        };
        let witnessed = |w: &Witness| Witnessed { value: w.value.clone(), source: w.source.clone() };
        let settled = self
            .settled
            .iter()
            .map(|(fact, took, by)| SettledFact {
                operation: match fact.scope {
                    Scope::Api => None,
                    Scope::Operation { text, .. } => ids.get(text).cloned(),
                },
                fact: fact.fact.clone(),
                page: fact.text.as_ref().map(witnessed),
                definition: witnessed(&fact.definition),
                took: *took,
                by: by.clone(),
            })
            .collect();
        let removable = self
            .redundant_overlay_facts()
            .into_iter()
            .map(|(key, definition)| Removable {
                entry: Source::Overlay(key.to_string()),
                definition: definition.clone(),
            })
            .collect();
        let definition_only = self
            .definition_only
            .iter()
            .filter_map(|u| {
                let (method, path) = u.route.clone()?;
                let summary = (!u.title.is_empty()).then(|| u.title.clone());
                Some(DefinitionOperation { method, path, summary, source: u.source.clone() })
            })
            .collect();
        Reconciliation {
            paired: self.matches.len(),
            agreed: by_attribute(&self.agreements),
            taken: by_attribute(&self.taken),
            settled,
            removable,
            definition_only,
        }
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

/// The attribute a fact is about: what follows `:` (`type`, `required`), the API's and an
/// operation's own facts by name (`base_url`, `auth`, `route`), `exists` for a place alone
/// (a parameter, field, body or response one side lists).
pub fn attribute(fact: &str) -> &str {
    match fact.rsplit_once(':') {
        Some((_, a)) => a,
        None if matches!(fact, "route" | "base_url" | "auth") => fact,
        None => "exists",
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
/// `settlements` to the disagreements they name, and adding the operations `opt_ins` name.
pub fn reconcile(mut text: Draft, definition: &Draft, settlements: &[Settlement], opt_ins: &[OptIn]) -> Reconciled {
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
                let shown = op.responses.iter().find(|r| r.status.starts_with('2')).is_some_and(|r| r.shape.is_some());
                let mut walk = compare::Walk::new(
                    Scope::Operation { text: t, definition: *d },
                    settlements,
                    &mut used,
                    &mut report,
                );
                compare::operation(&mut walk, op, def_op);
                gaps.extend(compare::drop_misfit_examples(op));
                // The page's gap "no response body shown" is answered by the definition's.
                let now = op.responses.iter().find(|r| r.status.starts_with('2')).is_some_and(|r| r.shape.is_some());
                if now && !shown {
                    let at = op.source.clone();
                    text.gaps.retain(|g| !(g.kind == GapKind::ResponseNotShown && g.source == at));
                }
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
    for (i, opt_in) in opt_ins.iter().enumerate() {
        let found = report.definition_only.iter().position(|u| {
            u.route.as_ref().is_some_and(|(m, p)| *m == opt_in.method && compare::same_template(p, &opt_in.path))
        });
        match found {
            Some(at) if !report.opted_in.contains(&report.definition_only[at].index) => {
                let unpaired = report.definition_only.remove(at);
                let mut op = definition.operations[unpaired.index].clone();
                gaps.extend(compare::drop_misfit_examples(&mut op));
                text.operations.push(op);
                report.opted_in.push(unpaired.index);
            }
            _ => report.unused_opt_ins.push(i),
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
