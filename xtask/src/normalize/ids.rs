//! Operation ids and resources, from the document's own words: the slug of an
//! operation's title (articles dropped), or of its method and path; the resource is the
//! path's first segment that is not `api` or a version.

use codegen::path::PathTemplate;
use heck::ToSnakeCase;

use crate::draft::DraftOperation;

/// Operation ids: the slug of the document's title for the operation, or of its method
/// and path when it has no title (`GET /contacts/{id}/deals` → `get_contacts_id_deals`).
/// Operations whose titles give one id all get their method and path appended. An id
/// the overlay gives is kept as it is.
pub fn operation_ids(operations: &[DraftOperation]) -> Vec<String> {
    let route = |op: &DraftOperation| {
        let method = op.method.map(|m| m.as_str()).unwrap_or("");
        operation_id(&format!("{method} {}", op.path.as_deref().unwrap_or("").replace(['{', '}', '/'], " ")))
    };
    // The overlay's ids take no part in the tie-break: one equal to a derived id is a
    // duplicate, which validation reports, not a reason to rename the other.
    let bases: Vec<Option<String>> = operations
        .iter()
        .map(|op| match op.id {
            Some(_) => None,
            None if op.title.is_empty() => Some(route(op)),
            None => Some(operation_id(&op.title)),
        })
        .collect();
    bases
        .iter()
        .zip(operations)
        .map(|(base, op)| match (base, &op.id) {
            (Some(base), _) if bases.iter().flatten().filter(|b| *b == base).count() > 1 => {
                format!("{base}_{}", route(op))
            }
            (Some(base), _) => base.clone(),
            (None, id) => id.clone().unwrap_or_default(),
        })
        .collect()
}

/// `Retrieve all contacts` → `retrieve_all_contacts`; articles are dropped.
pub fn operation_id(title: &str) -> String {
    title_words(title).join(" ").to_snake_case()
}

/// The words that name what a title is about: those of its first sentence (a title that
/// is a paragraph names the operation there), articles dropped.
pub fn title_words(title: &str) -> Vec<&str> {
    let title = title.split(". ").next().unwrap_or(title).trim_end_matches('.');
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(w.to_lowercase().as_str(), "a" | "an" | "the"))
        .collect()
}

/// The resource of a path: its first segment that is not `api` or a version (`v1`).
pub fn resource_of(path: &PathTemplate) -> String {
    path.literal_segments()
        .find(|s| *s != "api" && !(s.starts_with('v') && s.len() > 1 && s[1..].chars().all(|c| c.is_ascii_digit())))
        .map(|s| s.to_snake_case())
        .unwrap_or_else(|| "root".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_come_from_titles_without_articles() {
        assert_eq!(operation_id("Retrieve all contacts"), "retrieve_all_contacts");
        assert_eq!(operation_id("Fetch an existing contact"), "fetch_existing_contact");
        assert_eq!(operation_id("Retrieve all UserGroups"), "retrieve_all_user_groups");
        assert_eq!(operation_id("Create a new task and assign it to a team"), "create_new_task_and_assign_it_to_team");
    }

    #[test]
    fn resources_skip_api_and_version_segments() {
        let resource = |path: &str| resource_of(&path.parse().unwrap());
        assert_eq!(resource("/v1/contacts/{id}"), "contacts");
        assert_eq!(resource("/api/v1/contact/{id}/notes"), "contact");
        assert_eq!(resource("/dealGroups/{id}"), "deal_groups");
        assert_eq!(resource("/v1/workflow_templates"), "workflow_templates");
    }
}
