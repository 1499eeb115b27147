//! The Rust names of operations: the method each one is on its resource
//! (`client.contacts().list()`). The spec keeps the document's ids (stable identity);
//! these names are derived from them, checked for collisions, and written in the spec
//! (`rust_name`) so that a diff shows a rename.
//!
//! The rules, in order (async-stripe's `infer_method_names` is the model):
//!
//! 1. An overlay `rust_name` wins.
//! 2. **Verbs from the path's shape.** A resource's *collection segments* are the last
//!    literal segments of its paths that stand at the top (only literals before them,
//!    after `api` and a version): those that name the resource (`contacts` and `contact`
//!    of resource `contacts`; `dealStages` of `stages`, by its last words), else the one
//!    such segment that at least two paths share (`contactDeals` of the overlay's
//!    `secondary_contacts`). A path that ends in a collection segment (a *collection*),
//!    or in one followed by a placeholder (an *item*), gets its verb from the method:
//!    GET of a collection is `list` (when the operation pages, the document's words say
//!    list, or the collection is another resource's item's) or else `get` (`/v1/me`); GET of an item `get` (`list` when it pages);
//!    POST of a collection `create`; PUT or PATCH of an item `update`; DELETE of an item
//!    `delete`. Under another resource's item (`/contacts/{id}/deals`) the verb gets
//!    `_for_<that resource, singular>` (`list_for_contact`).
//! 3. **The document's words** for everything else: the operation id with a third-person
//!    verb made plain (`creates` → `create`), the filler words `new`, `existing`, `all`
//!    and `single` dropped, the resource's name (plural or singular) dropped where it
//!    follows the verb or a preposition (`complete_workflow_step` → `complete_step`,
//!    `add_member_to_household` → `add_member`), and a trailing `by_id` dropped.
//! 4. **Collisions.** Operations of one resource given one name are one method when they
//!    are one endpoint (the same method and path: Wealthbox documents `POST /v1/tasks`
//!    twice, for a user and for a team); otherwise each of them takes its name by rule
//!    3, and, if that still collides, its id.

use std::collections::{BTreeMap, BTreeSet};

use codegen::path::Segment;
use codegen::spec::{Method, Operation, Spec};
use codegen::names::{snake, snake_words};

/// Words dropped from the document's words: they name no action or thing.
const FILLER: &[&str] = &["new", "existing", "all", "single"];

/// Words a resource's name may follow and be dropped with.
const PREPOSITIONS: &[&str] = &["to", "from", "for", "of", "in", "into", "on", "within", "with", "by", "at"];

/// Third-person verbs of the documents' titles, and their plain form.
const VERBS: &[(&str, &str)] = &[
    ("adds", "add"),
    ("creates", "create"),
    ("deletes", "delete"),
    ("edits", "edit"),
    ("gets", "get"),
    ("lists", "list"),
    ("marks", "mark"),
    ("moves", "move"),
    ("removes", "remove"),
    ("retrieves", "retrieve"),
    ("returns", "return"),
    ("stores", "store"),
    ("updates", "update"),
];

/// Sets every operation's `rust_name`; `given` are the overlay's, by operation id.
pub(crate) fn name_operations(spec: &mut Spec, given: &BTreeMap<String, String>) {
    let mut by_resource: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, op) in spec.operations.iter().enumerate() {
        by_resource.entry(op.resource.clone()).or_default().push(i);
    }
    for (resource, members) in by_resource {
        let ops: Vec<&Operation> = members.iter().map(|&i| &spec.operations[i]).collect();
        let collections = collection_segments(&resource, &ops);
        let mut names: Vec<String> = ops
            .iter()
            .map(|op| match given.get(&op.id) {
                Some(name) => name.clone(),
                None => crud_name(op, &collections).unwrap_or_else(|| words_name(&op.id, &resource)),
            })
            .collect();
        // Rule 4: colliding names fall back to the document's words, then to the id.
        for fallback in [Fallback::Words, Fallback::Id] {
            let clashing = clashes(&ops, &names);
            if clashing.is_empty() {
                break;
            }
            for i in clashing {
                if given.contains_key(&ops[i].id) {
                    continue;
                }
                names[i] = match fallback {
                    Fallback::Words => words_name(&ops[i].id, &resource),
                    Fallback::Id => ops[i].id.clone(),
                };
            }
        }
        for (&i, name) in members.iter().zip(names) {
            // Words outside ASCII, a leading digit or a keyword still make an identifier.
            spec.operations[i].rust_name = snake(&name);
        }
    }
}

#[derive(Clone, Copy)]
enum Fallback {
    Words,
    Id,
}

/// Whether two operations are one endpoint: the same method and path.
pub(crate) fn same_endpoint(a: &Operation, b: &Operation) -> bool {
    a.method.is_some() && a.path.is_some() && a.method == b.method && a.path == b.path
}

/// Indexes of operations whose name another operation of another endpoint has.
fn clashes(ops: &[&Operation], names: &[String]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for i in 0..ops.len() {
        for j in i + 1..ops.len() {
            if names[i] == names[j] && !same_endpoint(ops[i], ops[j]) {
                out.insert(i);
                out.insert(j);
            }
        }
    }
    out
}

/// The path's segments after a leading `api` and version (`v1`).
fn segments(op: &Operation) -> Option<Vec<Segment<'_>>> {
    let path = op.path.as_ref()?;
    let mut segments: Vec<Segment> = path.segments().collect();
    if segments.first() == Some(&Segment::Literal("api")) {
        segments.remove(0);
    }
    if matches!(segments.first(), Some(Segment::Literal(s)) if is_version(s)) {
        segments.remove(0);
    }
    Some(segments)
}

fn is_version(s: &str) -> bool {
    s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit())
}

/// `(what comes before, the collection segment, whether an item placeholder follows)`.
fn shape<'a>(segments: &[Segment<'a>]) -> Option<(Vec<Segment<'a>>, &'a str, bool)> {
    let (item, rest) = match segments.split_last()? {
        (Segment::Placeholder(_), rest) => (true, rest),
        _ => (false, segments),
    };
    match rest.split_last()? {
        (Segment::Literal(last), before) => Some((before.to_vec(), *last, item)),
        _ => None,
    }
}

/// The resource's collection segments (rule 2).
fn collection_segments(resource: &str, ops: &[&Operation]) -> BTreeSet<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops {
        let Some(segments) = segments(op) else { continue };
        let Some((before, last, _)) = shape(&segments) else { continue };
        if before.iter().all(|s| matches!(s, Segment::Literal(_))) {
            *counts.entry(last.to_string()).or_default() += 1;
        }
    }
    let naming: BTreeSet<String> = counts.keys().filter(|s| names_resource(s, resource)).cloned().collect();
    if !naming.is_empty() {
        return naming;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    let top: Vec<&String> = counts.iter().filter(|(_, &n)| n == most).map(|(s, _)| s).collect();
    match top.as_slice() {
        [one] if most >= 2 => [(*one).clone()].into(),
        _ => BTreeSet::new(),
    }
}

/// Whether a path segment names the resource: the same words, plural or singular, or
/// ending in them (`dealStages` names `stages`).
fn names_resource(segment: &str, resource: &str) -> bool {
    let segment = snake_words(segment);
    let forms = [resource.to_string(), singular(resource)];
    forms.iter().any(|form| {
        [segment.clone(), singular(&segment)]
            .iter()
            .any(|s| s == form || s.strip_suffix(form.as_str()).is_some_and(|rest| rest.ends_with('_')))
    })
}

/// `contacts` → `contact`, `activities` → `activity`; a word not ending in `s`, or
/// ending in `ss` or `us` (`status`), is kept.
pub(crate) fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.ends_with("us") {
        word.to_string()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_string()
    }
}

/// Rule 2: the verb of an operation on the resource's collection or one of its items.
fn crud_name(op: &Operation, collections: &BTreeSet<String>) -> Option<String> {
    let segments = segments(op)?;
    let (before, last, item) = shape(&segments)?;
    if !collections.contains(last) {
        return None;
    }
    let parent = match before.as_slice() {
        [.., Segment::Literal(parent), Segment::Placeholder(_)] => {
            let rest = &before[..before.len() - 2];
            if !rest.iter().all(|s| matches!(s, Segment::Literal(_))) {
                return None;
            }
            Some(singular(&snake_words(parent)))
        }
        rest if rest.iter().all(|s| matches!(s, Segment::Literal(_))) => None,
        _ => return None,
    };
    let pages = op.pagination.is_some();
    let says_list = op.id.split('_').any(|w| w == "list" || w == "all");
    let verb = match (op.method?, item) {
        (Method::Get, false) if pages || says_list || parent.is_some() => "list",
        (Method::Get, false) => "get",
        (Method::Get, true) if pages => "list",
        (Method::Get, true) => "get",
        (Method::Post, false) => "create",
        (Method::Put | Method::Patch, true) => "update",
        (Method::Delete, true) => "delete",
        _ => return None,
    };
    Some(match parent {
        Some(parent) => format!("{verb}_for_{parent}"),
        None => verb.to_string(),
    })
}

/// Rule 3: the document's words, without filler and without the resource's name.
pub(crate) fn words_name(id: &str, resource: &str) -> String {
    let mut words: Vec<String> = id
        .split('_')
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .map(|w| w.to_string())
        .collect();
    if let Some(first) = words.first_mut() {
        if let Some((_, plain)) = VERBS.iter().find(|(third, _)| third == first) {
            *first = plain.to_string();
        }
    }
    let phrases: Vec<Vec<String>> = [resource.to_string(), singular(resource)]
        .iter()
        .map(|form| form.split('_').map(String::from).collect())
        .collect();
    'find: for start in 1..words.len() {
        for phrase in &phrases {
            if !words[start..].starts_with(phrase) {
                continue;
            }
            let end = start + phrase.len();
            let after_preposition = PREPOSITIONS.contains(&words[start - 1].as_str());
            if after_preposition && start > 1 {
                words.drain(start - 1..end);
            } else if start == 1 && end < words.len() {
                words.drain(start..end);
            } else {
                continue;
            }
            break 'find;
        }
    }
    if words.len() > 2 && words[words.len() - 2..] == ["by", "id"] {
        words.truncate(words.len() - 2);
    }
    if words.is_empty() {
        return id.to_string();
    }
    words.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_words_lose_filler_and_the_resource() {
        assert_eq!(words_name("complete_workflow_step", "workflows"), "complete_step");
        assert_eq!(words_name("add_member_to_household", "households"), "add_member");
        assert_eq!(words_name("delete_member_from_household", "households"), "delete_member");
        assert_eq!(words_name("list_all_contact_roles", "categories"), "list_contact_roles");
        assert_eq!(words_name("delete_contacts_by_query", "contacts"), "delete_by_query");
        assert_eq!(words_name("deletes_choice_by_id", "fields"), "delete_choice");
        assert_eq!(words_name("create_new_fields_group", "fields"), "create_group");
        assert_eq!(words_name("exit_lead_from_pipeline_successfully", "pipelines"), "exit_lead_successfully");
        // The resource's name kept where it is a noun's complement.
        assert_eq!(words_name("list_contact_pipelines", "pipelines"), "list_contact_pipelines");
        assert_eq!(words_name("create_draft_message", "messages"), "create_draft_message");
        // Nothing left: the id.
        assert_eq!(words_name("contacts", "contacts"), "contacts");
    }

    #[test]
    fn segments_name_their_resource_plural_singular_or_as_the_last_words() {
        assert!(names_resource("contacts", "contacts"));
        assert!(names_resource("contact", "contacts"));
        assert!(names_resource("dealStages", "stages"));
        assert!(names_resource("dealActivities", "activities"));
        assert!(!names_resource("members", "households"));
        assert!(!names_resource("contactDeals", "secondary_contacts"));
        assert_eq!(singular("activities"), "activity");
        assert_eq!(singular("address"), "address");
    }
}
