//! Fact by fact comparison of a pair (the API's facts, or two operations), writing what
//! the definition adds into the page's draft. Every fact is judged as one of:
//! - **same**: both state it alike (an agreement);
//! - **refines**: the page does not state it, or states less (`any`; a schema only
//!   named; `number` where the definition says `integer`; `string` where it says `date`;
//!   optional where it says required): the definition's is taken;
//! - **silent**: the definition does not state it (no body; `any` where the page shows an
//!   object, which is one of the alternatives the definition allows): the page's stays;
//! - **differs**: a conflict, unless a settlement takes a side (also a primitive the page
//!   shows where the definition allows any value: it would refuse values the definition
//!   allows).
//!
//! A parameter or field of the page that takes a fact from the definition records the
//! definition's place for it (`taken_from`); one whose type the definition states alike
//! gets the definition's exactness (a `number` stays a number).

use codegen::path::{Part, PathTemplate};
use codegen::spec::{Api, AuthScheme, BaseUrl, Example, Gap, GapKind, Side, Source, TypeRef};
use serde_json::Value;

use super::{Fact, Report, Scope, Settlement, Witness};
use crate::draft::{Choices, DraftField, DraftOperation, DraftParam, DraftType};

/// How the two values of a fact relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Stated alike.
    Same,
    /// The definition states it, or states more; the page does not.
    Refines,
    /// The definition does not state it.
    Silent,
    /// Stated differently.
    Differs,
}

/// The comparison of one scope: where findings go, and the settlements to apply.
pub struct Walk<'a> {
    scope: Scope,
    settlements: &'a [Settlement],
    used: &'a mut Vec<bool>,
    report: &'a mut Report,
}

impl<'a> Walk<'a> {
    /// A walk over `scope`.
    pub fn new(scope: Scope, settlements: &'a [Settlement], used: &'a mut Vec<bool>, report: &'a mut Report) -> Self {
        Walk { scope, settlements, used, report }
    }

    /// Records a fact; `true` when the definition's value is to be written into the page's
    /// draft (it refines the page's, or a settlement takes it).
    pub fn judge(
        &mut self,
        fact: &str,
        relation: Relation,
        text: Option<(String, &Source)>,
        definition: (String, &Source),
    ) -> bool {
        let record = Fact {
            scope: self.scope,
            fact: fact.to_string(),
            text: text.map(|(value, source)| Witness { value, source: source.clone() }),
            definition: Witness { value: definition.0, source: definition.1.clone() },
        };
        match relation {
            Relation::Same => {
                self.report.agreements.push(record);
                false
            }
            Relation::Refines => {
                self.report.taken.push(record);
                true
            }
            Relation::Silent => false,
            Relation::Differs => {
                let settled = self.settlements.iter().position(|s| s.settles(&record));
                match settled {
                    Some(i) => {
                        self.used[i] = true;
                        let s = &self.settlements[i];
                        self.report.settled.push((record, s.take, s.source.clone()));
                        s.take == Side::Definition
                    }
                    None => {
                        self.report.conflicts.push(record);
                        false
                    }
                }
            }
        }
    }
}

/// The API's facts: base URL and auth schemes. They are the same when they address the
/// same places (placeholders' names aside) and name the same schemes; their values in
/// words carry the names and descriptions too, so that an overlay entry whose words the
/// definition repeats exactly, and only such an entry, is removable.
pub fn api(w: &mut Walk, text: &mut Api, def: &Api) {
    if let Some(d) = &def.base_url {
        let relation = match &text.base_url {
            None => Relation::Refines,
            Some(t) if same_template(&t.url, &d.url) => Relation::Same,
            Some(_) => Relation::Differs,
        };
        let page = text.base_url.as_ref().map(|t| (url_words(t), &t.source));
        if w.judge("base_url", relation, page, (url_words(d), &d.source)) {
            text.base_url = Some(d.clone());
        }
    }
    if !def.auth.is_empty() {
        let kinds = |auth: &[AuthScheme]| auth.iter().map(auth_kind).collect::<Vec<_>>();
        let words = |auth: &[AuthScheme]| auth.iter().map(auth_words).collect::<Vec<_>>().join(", ");
        let source = |auth: &[AuthScheme]| match auth.first() {
            Some(
                AuthScheme::ApiKeyHeader { source, .. }
                | AuthScheme::Bearer { source, .. }
                | AuthScheme::OAuth2 { source, .. },
            ) => source.clone(),
            None => Source::Overlay("api.auth".into()),
        };
        let relation = match (text.auth.is_empty(), kinds(&text.auth) == kinds(&def.auth)) {
            (true, _) => Relation::Refines,
            (false, true) => Relation::Same,
            (false, false) => Relation::Differs,
        };
        let text_source = source(&text.auth);
        let page = (!text.auth.is_empty()).then(|| (words(&text.auth), &text_source));
        if w.judge("auth", relation, page, (words(&def.auth), &source(&def.auth))) {
            text.auth = def.auth.clone();
        }
    }
}

/// A base URL in words: the template, and what its placeholders stand for.
fn url_words(base: &BaseUrl) -> String {
    let described: Vec<String> =
        base.variables.iter().filter_map(|v| Some(format!("{{{}}}: {}", v.name, v.description.as_deref()?))).collect();
    match described.is_empty() {
        true => base.url.clone(),
        false => format!("{} ({})", base.url, described.join("; ")),
    }
}

/// What a scheme is, without the document's words for it.
fn auth_kind(scheme: &AuthScheme) -> String {
    match scheme {
        AuthScheme::ApiKeyHeader { header, .. } => format!("API key in header `{}`", header.to_ascii_lowercase()),
        AuthScheme::Bearer { .. } => "bearer token".into(),
        AuthScheme::OAuth2 { authorize_url, token_url, .. } => format!("OAuth 2 ({authorize_url}, {token_url})"),
    }
}

fn auth_words(scheme: &AuthScheme) -> String {
    let (description, words) = match scheme {
        AuthScheme::ApiKeyHeader { header, description, .. } => (description, format!("API key in header `{header}`")),
        AuthScheme::Bearer { description, .. } => (description, "bearer token".into()),
        AuthScheme::OAuth2 { authorize_url, token_url, .. } => {
            (&None, format!("OAuth 2 ({authorize_url}, {token_url})"))
        }
    };
    match description {
        Some(d) => format!("{words} ({d})"),
        None => words,
    }
}

/// A pair of operations: route, parameters, request body, responses.
pub fn operation(w: &mut Walk, t: &mut DraftOperation, d: &DraftOperation) {
    if let (Some(method), Some(path)) = (d.method, &d.path) {
        let page = t.method.zip(t.path.clone()).map(|(m, p)| format!("{} {p}", m.as_str()));
        let relation = match (t.method, &t.path) {
            (Some(m), Some(p)) if m == method && same_template(p, path) => Relation::Same,
            (Some(_), Some(_)) => Relation::Differs,
            _ => Relation::Refines,
        };
        let text_source = t.resolved_by.clone().unwrap_or_else(|| t.source.clone());
        let definition = (format!("{} {path}", method.as_str()), &d.source);
        if w.judge("route", relation, page.map(|p| (p, &text_source)), definition) {
            t.method = Some(method);
            t.path = Some(path.clone());
            t.resolved_by = Some(d.source.clone());
        }
    }
    parameters(w, t, d);
    request(w, t, d);
    responses(w, t, d);
}

fn parameters(w: &mut Walk, t: &mut DraftOperation, d: &DraftOperation) {
    members(w, "parameters", &mut t.parameters, &d.parameters, &d.source, parameter);
}

/// What a list compared member by member holds: parameters, fields.
trait Member: Clone {
    fn name(&self) -> &str;
    fn source(&self) -> &Source;
    /// The member in a few words, for the report.
    fn words(&self) -> String;
}

impl Member for DraftParam {
    fn name(&self) -> &str {
        &self.name
    }
    fn source(&self) -> &Source {
        &self.source
    }
    fn words(&self) -> String {
        format!("{:?} {}", self.location, shape_words(&self.ty)).to_lowercase()
    }
}

impl Member for DraftField {
    fn name(&self) -> &str {
        &self.name
    }
    fn source(&self) -> &Source {
        &self.source
    }
    fn words(&self) -> String {
        shape_words(&self.ty)
    }
}

/// Parameters or fields (at `place.<name>`), paired by name: a pair is compared; one the
/// page lists and the definition (`holder`) lacks is a conflict, dropped when settled
/// so; one only the definition lists is taken.
fn members<T: Member>(
    w: &mut Walk,
    place: &str,
    page: &mut Vec<T>,
    definition: &[T],
    holder: &Source,
    compare: fn(&mut Walk, &str, &mut T, &T),
) {
    let mut dropped = Vec::new();
    for (i, member) in page.iter_mut().enumerate() {
        let fact = format!("{place}.{}", member.name());
        match definition.iter().find(|d| d.name() == member.name()) {
            Some(d) => compare(w, &fact, member, d),
            None => {
                let listed = Some(("listed".to_string(), member.source()));
                if w.judge(&fact, Relation::Differs, listed, ("absent".into(), holder)) {
                    dropped.push(i);
                }
            }
        }
    }
    for i in dropped.into_iter().rev() {
        page.remove(i);
    }
    for d in definition {
        if !page.iter().any(|m| m.name() == d.name()) {
            let fact = format!("{place}.{}", d.name());
            if w.judge(&fact, Relation::Refines, None, (d.words(), d.source())) {
                page.push(d.clone());
            }
        }
    }
}

fn parameter(w: &mut Walk, place: &str, p: &mut DraftParam, q: &DraftParam) {
    use codegen::spec::ParamLocation;
    let before = (p.location, outline(&p.ty), p.required, p.deprecated, p.format.clone(), p.default.clone());
    let choices_before = p.choices.clone();
    let relation = match (p.location, q.location) {
        (ParamLocation::Unknown, _) => Relation::Refines,
        (a, b) if a == b => Relation::Same,
        _ => Relation::Differs,
    };
    let page = (p.location != ParamLocation::Unknown).then(|| (format!("{:?}", p.location).to_lowercase(), &p.source));
    if w.judge(&format!("{place}:in"), relation, page, (format!("{:?}", q.location).to_lowercase(), &q.source)) {
        p.location = q.location;
    }
    compare_type(w, place, &mut p.ty, &q.ty, &p.source, &q.source);
    flag(w, &format!("{place}:required"), &mut p.required, q.required, &p.source, &q.source);
    flag(w, &format!("{place}:deprecated"), &mut p.deprecated, q.deprecated, &p.source, &q.source);
    word(w, &format!("{place}:format"), &mut p.format, &q.format, &p.source, &q.source);
    word(w, &format!("{place}:default"), &mut p.default, &q.default, &p.source, &q.source);
    choices(w, &format!("{place}:enum"), &mut p.choices, &q.choices, &p.source);
    let after = (p.location, outline(&p.ty), p.required, p.deprecated, p.format.clone(), p.default.clone());
    if before != after || choices_before != p.choices {
        p.by_definition.taken_from = Some(q.source.clone());
    }
    p.by_definition.type_stated |= q.by_definition.type_stated && p.ty == q.ty;
}

fn request(w: &mut Walk, t: &mut DraftOperation, d: &DraftOperation) {
    match (&mut t.request, &d.request) {
        (_, None) => {}
        (None, Some(body)) => {
            let value = format!("{} {}", body.content_type, body.shape.as_ref().map(shape_words).unwrap_or_default());
            if w.judge("request", Relation::Refines, None, (value, &body.source)) {
                t.request = Some(body.clone());
            }
        }
        (Some(tb), Some(db)) => {
            let relation = if tb.content_type == db.content_type { Relation::Same } else { Relation::Differs };
            let page = Some((tb.content_type.clone(), &tb.source));
            if w.judge("request:content_type", relation, page, (db.content_type.clone(), &db.source)) {
                tb.content_type = db.content_type.clone();
            }
            let (t_source, d_source) = (tb.source.clone(), db.source.clone());
            shape(w, "request", &mut tb.shape, &db.shape, &t_source, &d_source);
            examples(w, "request", &mut tb.examples, &db.examples, &db.source);
        }
    }
}

/// Responses by status. The page's only success response and the definition's only one,
/// when their statuses differ, are one response whose status is a conflict (or is taken,
/// when the page only assumed it), and whose shapes are compared.
fn responses(w: &mut Walk, t: &mut DraftOperation, d: &DraftOperation) {
    let successes = |statuses: Vec<&str>| statuses.into_iter().filter(|s| s.starts_with('2')).count();
    let page_statuses: Vec<String> = t.responses.iter().map(|r| r.status.clone()).collect();
    let lone_success = |r: &str| {
        r.starts_with('2')
            && successes(page_statuses.iter().map(String::as_str).collect()) == 1
            && successes(d.responses.iter().map(|q| q.status.as_str()).collect()) == 1
    };
    let mut paired: Vec<&str> = Vec::new();
    for r in &mut t.responses {
        let place = format!("responses.{}", r.status);
        let same = d.responses.iter().find(|q| q.status == r.status);
        let renumbered =
            || d.responses.iter().find(|q| q.status.starts_with('2') && !page_statuses.contains(&q.status));
        let q = match same {
            // A status the page only assumed, which the definition states.
            Some(q) if r.status_assumed => {
                if w.judge(&format!("{place}:status"), Relation::Refines, None, (q.status.clone(), &q.source)) {
                    r.status_assumed = false;
                    r.taken_from = Some(q.source.clone());
                }
                q
            }
            Some(q) => q,
            None if lone_success(&r.status) && renumbered().is_some() => {
                let q = renumbered().expect("checked above");
                let (relation, page) = match r.status_assumed {
                    true => (Relation::Refines, None),
                    false => (Relation::Differs, Some((r.status.clone(), &r.source))),
                };
                if w.judge(&format!("{place}:status"), relation, page, (q.status.clone(), &q.source)) {
                    r.status = q.status.clone();
                    r.status_assumed = false;
                    r.taken_from = Some(q.source.clone());
                }
                q
            }
            // The page's `default` is a response whose status it does not say.
            None if r.status == "default" => continue,
            None => {
                let page = Some(("listed".to_string(), &r.source));
                w.judge(&place, Relation::Differs, page, ("absent".into(), &d.source));
                continue;
            }
        };
        paired.push(&q.status);
        let place = format!("responses.{}", r.status);
        let (t_source, d_source) = (r.source.clone(), q.source.clone());
        shape(w, &place, &mut r.shape, &q.shape, &t_source, &d_source);
        examples(w, &place, &mut r.examples, &q.examples, &q.source);
    }
    for q in d.responses.iter().filter(|q| !paired.contains(&q.status.as_str())) {
        let value = q.shape.as_ref().map(shape_words).unwrap_or_else(|| "no body".into());
        if w.judge(&format!("responses.{}", q.status), Relation::Refines, None, (value, &q.source)) {
            t.responses.push(q.clone());
        }
    }
}

/// The definition's examples of a body that the page does not show (compared as JSON
/// values) are taken beside the page's: each becomes a fixture too.
fn examples(w: &mut Walk, place: &str, page: &mut Vec<Example>, definition: &[Example], holder: &Source) {
    let value = |e: &Example| serde_json::from_str::<Value>(&e.json).ok();
    let shown: Vec<Option<Value>> = page.iter().map(value).collect();
    let new: Vec<&Example> = definition
        .iter()
        .filter(|e| !e.valid_json || !shown.contains(&value(e)))
        .filter(|e| !page.iter().any(|p| p.json == e.json))
        .collect();
    if new.is_empty() {
        return;
    }
    let words = format!("{} example(s)", new.len());
    if w.judge(&format!("{place}:examples"), Relation::Refines, None, (words, holder)) {
        page.extend(new.into_iter().cloned());
    }
}

/// The definition's examples of `op`'s bodies that the shapes now given to those bodies
/// refuse: an example showing `1` where the definition's own schema says `boolean`, or a
/// key its schema does not list. The definition contradicts itself there: the schema is
/// kept, the example is not taken (it would be a fixture that fails), and each is a gap
/// saying where and what.
pub fn drop_misfit_examples(op: &mut DraftOperation) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let mut check = |examples: &mut Vec<Example>, shape: Option<&DraftType>| {
        let Some(shape) = shape else { return };
        examples.retain(|e| {
            let Source::Def(_) = e.source else { return true };
            let Ok(value) = serde_json::from_str::<Value>(&e.json) else { return true };
            match misfit(&value, shape, String::new()) {
                None => true,
                Some(why) => {
                    gaps.push(Gap {
                        kind: GapKind::ExampleMismatch,
                        message: format!("the definition's example does not fit its own schema: {why}; the schema is kept, the example is not a fixture"),
                        source: e.source.clone(),
                    });
                    false
                }
            }
        });
    };
    if let Some(body) = &mut op.request {
        check(&mut body.examples, body.shape.as_ref());
    }
    for r in &mut op.responses {
        check(&mut r.examples, r.shape.as_ref());
    }
    gaps
}

/// Where `value` (at `path`) does not fit `ty`, in words. `null` fits anything (every
/// decoded field is optional); a named type whose fields are not listed here, and any
/// JSON, fit anything.
fn misfit(value: &Value, ty: &DraftType, path: String) -> Option<String> {
    let at = |p: &str| if p.is_empty() { "the body".to_string() } else { format!("`{p}`") };
    let wrong =
        |expected: &str| Some(format!("{} is `{}` where the schema says {expected}", at(&path), excerpt(value)));
    match (ty, value) {
        (_, Value::Null) | (DraftType::Any | DraftType::Named(_), _) => None,
        (DraftType::Prim(TypeRef::String | TypeRef::Date | TypeRef::DateTime), Value::String(_)) => None,
        (DraftType::Prim(TypeRef::Boolean), Value::Bool(_)) => None,
        (DraftType::Prim(TypeRef::Number), Value::Number(_)) => None,
        (DraftType::Prim(TypeRef::Integer), Value::Number(n)) if n.is_i64() || n.is_u64() => None,
        (DraftType::Prim(t), _) => wrong(&t.to_string()),
        (DraftType::Array(item), Value::Array(items)) => {
            items.iter().enumerate().find_map(|(i, v)| misfit(v, item, format!("{path}[{i}]")))
        }
        (DraftType::Array(_), _) => wrong("an array"),
        (DraftType::Map(item), Value::Object(map)) => {
            map.iter().find_map(|(k, v)| misfit(v, item, format!("{path}.{k}")))
        }
        (DraftType::Object(o), Value::Object(map)) => map.iter().find_map(|(k, v)| {
            let inner = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            match o.fields.iter().find(|f| f.name == *k) {
                Some(f) => misfit(v, &f.ty, inner),
                None => Some(format!("`{inner}` is a key the schema does not list")),
            }
        }),
        (DraftType::Map(_) | DraftType::Object(_), _) => wrong("an object"),
    }
}

fn excerpt(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(30) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// A body's shape (at `place`, `request` or `responses.<status>`), which either side may
/// not state.
fn shape(w: &mut Walk, place: &str, t: &mut Option<DraftType>, d: &Option<DraftType>, ts: &Source, ds: &Source) {
    match (t.as_mut(), d) {
        (_, None) => {}
        (None, Some(dt)) => {
            if w.judge(&format!("{place}:type"), Relation::Refines, None, (shape_words(dt), ds)) {
                *t = Some(dt.clone());
            }
        }
        (Some(tt), Some(dt)) => compare_type(w, place, tt, dt, ts, ds),
    }
}

/// Two types of one place (`parameters.page`, `request.deal.title`, `responses.200`):
/// primitives by the refinement order, named schemas by name, objects field by field,
/// arrays (`[]`) and maps (`{}`) by their items.
fn compare_type(w: &mut Walk, place: &str, t: &mut DraftType, d: &DraftType, ts: &Source, ds: &Source) {
    use DraftType as D;
    let relation = match (&*t, d) {
        // A value the definition allows to be anything (several alternatives the type
        // language cannot hold, or no schema) that the page shows as a primitive: the
        // page's reading would refuse values the definition allows.
        (D::Prim(_), D::Any) => Relation::Differs,
        // An object the page shows where the definition allows anything: the page shows
        // one alternative, and an object reading tolerates the others' fields.
        (_, D::Any) => Relation::Silent,
        (D::Any, _) => Relation::Refines,
        (D::Prim(a), D::Prim(b)) if a == b => Relation::Same,
        (D::Prim(a), D::Prim(b)) if refines(a, b) => Relation::Refines,
        // A schema the page only names, whose fields the definition lists.
        (D::Named(n), D::Object(o)) if o.doc_name.as_deref() == Some(n) => Relation::Refines,
        (D::Named(a), D::Named(b)) if a == b => Relation::Same,
        (D::Object(a), D::Named(b)) if a.doc_name.is_none() || a.doc_name.as_deref() == Some(b) => {
            // The definition's type contains itself here: the page shows it expanded.
            let name_relation = if a.doc_name.is_none() { Relation::Refines } else { Relation::Same };
            if w.judge(&format!("{place}:schema"), name_relation, None, (b.clone(), ds)) {
                if let D::Object(a) = t {
                    a.doc_name = Some(b.clone());
                    a.taken_from = Some(ds.clone());
                }
            }
            return;
        }
        (D::Object(_), D::Object(_)) => {
            let (D::Object(a), D::Object(b)) = (t, d) else { unreachable!() };
            object(w, place, a, b);
            return;
        }
        (D::Array(_), D::Array(b)) => {
            let D::Array(a) = t else { unreachable!() };
            compare_type(w, &format!("{place}[]"), a, b, ts, ds);
            return;
        }
        (D::Map(_), D::Map(b)) => {
            let D::Map(a) = t else { unreachable!() };
            compare_type(w, &format!("{place}{{}}"), a, b, ts, ds);
            return;
        }
        _ => Relation::Differs,
    };
    let page = (*t != D::Any).then(|| (shape_words(t), ts));
    if w.judge(&format!("{place}:type"), relation, page, (shape_words(d), ds)) {
        *t = d.clone();
    }
}

/// `a` (the page's) is a less precise word for `b` (the definition's).
fn refines(a: &TypeRef, b: &TypeRef) -> bool {
    matches!((a, b), (TypeRef::Number, TypeRef::Integer) | (TypeRef::String, TypeRef::Date | TypeRef::DateTime))
}

fn object(w: &mut Walk, place: &str, a: &mut crate::draft::DraftObject, b: &crate::draft::DraftObject) {
    if let Some(name) = &b.doc_name {
        let relation = match &a.doc_name {
            None => Relation::Refines,
            Some(n) if n == name => Relation::Same,
            Some(_) => Relation::Differs,
        };
        let page = a.doc_name.clone().map(|n| (n, &a.source));
        if w.judge(&format!("{place}:schema"), relation, page, (name.clone(), &b.source)) {
            a.doc_name = Some(name.clone());
            a.taken_from = Some(b.source.clone());
        }
    }
    members(w, place, &mut a.fields, &b.fields, &b.source, field);
}

fn field(w: &mut Walk, place: &str, f: &mut DraftField, g: &DraftField) {
    let before = (outline(&f.ty), f.required, f.nullable, f.deprecated, f.format.clone(), f.default.clone());
    let choices_before = f.choices.clone();
    compare_type(w, place, &mut f.ty, &g.ty, &f.source, &g.source);
    flag(w, &format!("{place}:required"), &mut f.required, g.required, &f.source, &g.source);
    flag(w, &format!("{place}:nullable"), &mut f.nullable, g.nullable, &f.source, &g.source);
    flag(w, &format!("{place}:deprecated"), &mut f.deprecated, g.deprecated, &f.source, &g.source);
    word(w, &format!("{place}:format"), &mut f.format, &g.format, &f.source, &g.source);
    word(w, &format!("{place}:default"), &mut f.default, &g.default, &f.source, &g.source);
    choices(w, &format!("{place}:enum"), &mut f.choices, &g.choices, &f.source);
    let after = (outline(&f.ty), f.required, f.nullable, f.deprecated, f.format.clone(), f.default.clone());
    if before != after || choices_before != f.choices {
        f.by_definition.taken_from = Some(g.source.clone());
    }
    f.by_definition.type_stated |= g.by_definition.type_stated && f.ty == g.ty;
}

/// A type's outline: what it is at this place, not what its objects hold (their fields
/// are facts of their own).
fn outline(ty: &DraftType) -> String {
    match ty {
        DraftType::Object(_) => "object".into(),
        DraftType::Array(inner) => format!("array<{}>", outline(inner)),
        DraftType::Map(inner) => format!("map<{}>", outline(inner)),
        other => shape_words(other),
    }
}

/// A yes/no fact the page states only when it is yes (`required`, `nullable`,
/// `deprecated`): the definition's yes is taken, the page's yes against its no differs.
fn flag(w: &mut Walk, fact: &str, t: &mut bool, d: bool, ts: &Source, ds: &Source) {
    let relation = match (*t, d) {
        (false, false) => return,
        (true, true) => Relation::Same,
        (false, true) => Relation::Refines,
        (true, false) => Relation::Differs,
    };
    let words = |b: bool| if b { "yes" } else { "no" }.to_string();
    let page = (*t).then(|| (words(true), ts));
    if w.judge(fact, relation, page, (words(d), ds)) {
        *t = d;
    }
}

/// An optional word (a format, a default).
fn word(w: &mut Walk, fact: &str, t: &mut Option<String>, d: &Option<String>, ts: &Source, ds: &Source) {
    let Some(dv) = d else { return };
    let relation = match t.as_deref() {
        None => Relation::Refines,
        Some(tv) if tv == dv => Relation::Same,
        Some(_) => Relation::Differs,
    };
    let page = t.clone().map(|tv| (tv, ts));
    if w.judge(fact, relation, page, (dv.clone(), ds)) {
        *t = Some(dv.clone());
    }
}

/// Allowed values, compared as sets of values.
fn choices(w: &mut Walk, fact: &str, t: &mut Option<Choices>, d: &Option<Choices>, ts: &Source) {
    let Some(dc) = d else { return };
    let values = |c: &Choices| {
        let mut v = c.values.clone().unwrap_or_else(|| vec![c.text.clone()]);
        v.sort();
        v
    };
    let relation = match t.as_ref() {
        None => Relation::Refines,
        Some(tc) if values(tc) == values(dc) => Relation::Same,
        Some(_) => Relation::Differs,
    };
    let page_source = t.as_ref().map(|tc| tc.source.clone()).unwrap_or_else(|| ts.clone());
    let page = t.as_ref().map(|tc| (values(tc).join(" "), &page_source));
    if w.judge(fact, relation, page, (values(dc).join(" "), &dc.source)) {
        *t = Some(dc.clone());
    }
}

/// A type in a few words, for the report.
pub fn shape_words(ty: &DraftType) -> String {
    match ty {
        DraftType::Prim(t) => t.to_string(),
        DraftType::Array(inner) => format!("array<{}>", shape_words(inner)),
        DraftType::Map(inner) => format!("map<{}>", shape_words(inner)),
        DraftType::Object(o) => match &o.doc_name {
            Some(n) => format!("{n} ({} fields)", o.fields.len()),
            None => format!("object ({} fields)", o.fields.len()),
        },
        DraftType::Named(n) => n.clone(),
        DraftType::Any => "any".into(),
    }
}

/// Two URL or path templates that differ at most in their placeholders' names address
/// the same places (`/a/{id}` and `/a/{a_id}`). Both are read by the one template parser
/// (a URL from its host on, as if it were a path).
pub(crate) fn same_template(a: &str, b: &str) -> bool {
    let erased = |text: &str| {
        let after_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
        let template = PathTemplate::parse(&format!("/{}", after_scheme.trim_start_matches('/'))).ok()?;
        let parts: Vec<Option<&str>> = template
            .parts()
            .iter()
            .map(|p| match p {
                Part::Literal(text) => Some(text.as_str()),
                Part::Placeholder(_) => None,
            })
            .collect();
        Some((
            text.split_once("://").map(|(scheme, _)| scheme.to_string()),
            parts.into_iter().map(|p| p.map(String::from)).collect::<Vec<_>>(),
        ))
    };
    match (erased(a), erased(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
