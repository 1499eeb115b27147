//! Redoc pages (Nimble's). Where the definition is, in order:
//!
//! 1. embedded by redoc-cli (Redoc 2): a `<script>` holding
//!    `const __redoc_state = {…};` whose `spec.data` is the definition;
//! 2. embedded by Redocly CLI 2 (Redoc 3): a `<script type="module">` holding
//!    `const __redoc_definition = {…};`, the definition itself (Redoc 3 adds the implicit
//!    `discriminator.mapping` of schemas that have a discriminator; it is kept as found);
//! 3. named, not embedded: `<redoc spec-url="…">` or `Redoc.init("…", …)`, a URL to fetch;
//! 4. none: the operations Redoc 2 pre-renders into the markup (operation sections,
//!    their `http-verb` badge and path, summary, description, parameter tables and
//!    response codes) become a definition holding only those facts, marked
//!    `x-crm-clients-from: page-markup`; what the markup does not show (request and
//!    response bodies) is listed in the notes. Redoc 3 renders operations in the browser:
//!    its markup has none, and such a page without its definition is an error.
//!
//! The embedded values are JSON (serialized by the renderer), read with serde_json.

use scraper::{ElementRef, Html, Selector};
use serde_json::{json, Map, Value};

use super::text::inner_text;
use super::{check_openapi, json_prefix, DefinitionFound, PageError, Reading};

const STATE: &str = "__redoc_state";
const DEFINITION: &str = "__redoc_definition";

/// Reads a Redoc page.
pub fn read(html: &str, origin: &str) -> Result<Reading, PageError> {
    let doc = Html::parse_document(html);
    let mut notes = Vec::new();
    if let Some(found) = embedded(&doc, origin)? {
        return Ok(Reading { definition: Some(found), text: None, notes });
    }
    if let Some(url) = linked(&doc) {
        notes.push(format!("the page embeds no definition; it loads it from {url}"));
        return Ok(Reading { definition: Some(DefinitionFound::Linked(url)), text: None, notes });
    }
    let operations = sel("[data-section-id]");
    let verb = sel("span.http-verb");
    let mut kept: Vec<ElementRef> = Vec::new();
    for section in doc.select(&operations) {
        let id = section.value().attr("data-section-id").unwrap_or("");
        let is_operation = id.contains("operation/") || id.starts_with("paths/") || id.contains("/paths/");
        let inside_kept = section.ancestors().any(|a| kept.iter().any(|k| k.id() == a.id()));
        if is_operation && !inside_kept && section.select(&verb).next().is_some() {
            kept.push(section);
        }
    }
    if kept.is_empty() {
        if doc.select(&sel("redoc, .redoc-wrap, [data-section-id]")).next().is_none() {
            return Err(PageError::new(
                origin,
                "not a Redoc page: no embedded definition (`__redoc_state`, `__redoc_definition`), no \
                 `<redoc spec-url>` and no Redoc operation markup",
            ));
        }
        return Err(PageError::new(
            origin,
            "a Redoc page without its definition (no `__redoc_state` or `__redoc_definition` script, no spec-url) \
             whose markup shows no operation (Redoc 3 renders them in the browser); save the page with its scripts",
        ));
    }
    let mut paths = Map::new();
    for section in kept {
        let (path, method, operation) = markup_operation(section, origin, &mut notes)?;
        let entry = paths.entry(path.clone()).or_insert_with(|| json!({}));
        if entry.get(&method).is_some() {
            notes.push(format!("{} {path} appears twice in the markup; the first is kept", method.to_uppercase()));
            continue;
        }
        entry[method] = operation;
    }
    let title = doc.select(&sel("h1")).next().map(|h| one_line(h)).unwrap_or_default();
    notes.push(format!(
        "no definition in the page: {} operations read from its markup (method, path, summary, description, \
         parameters, response codes); request and response bodies are not in the markup",
        paths.values().map(|p| p.as_object().map_or(0, Map::len)).sum::<usize>()
    ));
    let mut document = json!({ "openapi": "3.0.0", "info": { "title": title, "version": "" }, "paths": paths });
    document[super::MARKUP_KEY] = json!("page-markup");
    Ok(Reading { definition: Some(DefinitionFound::FromMarkup(document)), text: None, notes })
}

fn sel(selector: &str) -> Selector {
    Selector::parse(selector).expect("the selectors of this module are valid CSS")
}

/// The text of a script element.
fn script_text(script: ElementRef) -> String {
    script.text().collect()
}

/// The definition a script embeds, if any.
fn embedded(doc: &Html, origin: &str) -> Result<Option<DefinitionFound>, PageError> {
    for script in doc.select(&sel("script")) {
        let text = script_text(script);
        for (name, inner) in [(STATE, Some("spec.data")), (DEFINITION, None)] {
            let Some(at) = text.find(&format!("{name} =")) else { continue };
            let start = at + name.len() + 2;
            let location = match inner {
                Some(path) => format!("the <script> that sets `{name}`, at `{path}`"),
                None => format!("the <script> that sets `{name}`"),
            };
            let (value, _) =
                json_prefix(&text[start..]).map_err(|e| PageError::new(origin, format!("{location}: {e}")))?;
            let document =
                match inner {
                    Some(_) => value.get("spec").and_then(|s| s.get("data")).cloned().ok_or_else(|| {
                        PageError::new(origin, format!("`{name}` has no `spec.data` (the definition)"))
                    })?,
                    None => value,
                };
            check_openapi(&document, origin, &location)?;
            return Ok(Some(DefinitionFound::Embedded { document, location }));
        }
    }
    Ok(None)
}

/// The definition URL a page names: `<redoc spec-url>` or `Redoc.init("…"`, resolved
/// against the page's origin later.
fn linked(doc: &Html) -> Option<String> {
    if let Some(url) = doc.select(&sel("redoc[spec-url]")).next().and_then(|e| e.value().attr("spec-url")) {
        return Some(url.to_string());
    }
    for script in doc.select(&sel("script")) {
        let text = script_text(script);
        let Some(at) = text.find("Redoc.init(") else { continue };
        let rest = text[at + "Redoc.init(".len()..].trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let end = rest[1..].find(quote)?;
        return Some(rest[1..1 + end].to_string());
    }
    None
}

/// One operation section of Redoc 2's markup: path, method, and an OpenAPI operation
/// with what the markup states.
fn markup_operation(
    section: ElementRef,
    origin: &str,
    notes: &mut Vec<String>,
) -> Result<(String, String, Value), PageError> {
    let id = section.value().attr("data-section-id").unwrap_or("").to_string();
    let badge = section.select(&sel("span.http-verb")).next().expect("kept sections have a badge");
    let method = one_line(badge).to_lowercase();
    let path = badge
        .next_siblings()
        .filter_map(ElementRef::wrap)
        .next()
        .map(one_line)
        .filter(|p| p.starts_with('/'))
        .ok_or_else(|| {
        PageError::new(origin, format!("operation section `{id}`: no path beside its `{method}` badge"))
    })?;
    let mut operation = Map::new();
    if let Some(h2) = section.select(&sel("h2")).next() {
        operation.insert("summary".into(), Value::String(one_line(h2)));
        // The description is the block right after the heading, unless that is already
        // the authorizations or parameters.
        if let Some(next) = h2.next_siblings().filter_map(ElementRef::wrap).next() {
            let text = inner_text(next);
            let text = text.trim();
            if !text.is_empty() && !text.starts_with("Authorizations:") && !text.contains("Parameters") {
                operation.insert("description".into(), Value::String(text.to_string()));
            }
        }
    }
    let mut parameters = Vec::new();
    for heading in section.select(&sel("h5")) {
        let title = one_line(heading);
        let Some(place) = title.strip_suffix(" Parameters").map(str::trim) else { continue };
        if !matches!(place, "path" | "query" | "header" | "cookie") {
            continue;
        }
        let Some(table) = heading.next_siblings().filter_map(ElementRef::wrap).find(|e| e.value().name() == "table")
        else {
            notes.push(format!("{id}: `{title}` has no table"));
            continue;
        };
        for row in table.select(&sel("tr")) {
            let Some(name_cell) = row.select(&sel("td[kind=field]")).next() else { continue };
            // Wire names are kept as written (a double space included).
            let name = name_cell
                .select(&sel(".property-name"))
                .next()
                .map(|n| n.text().collect::<String>().trim().to_string())
                .unwrap_or_else(|| name_cell.value().attr("title").unwrap_or("").to_string());
            let required = name_cell.text().any(|t| t.trim() == "required");
            let mut parameter = json!({ "name": name, "in": place, "required": required || place == "path" });
            // The second cell holds a block with the type, then the description.
            let mut blocks = row
                .select(&sel("td"))
                .nth(1)
                .and_then(|cell| cell.children().filter_map(ElementRef::wrap).next())
                .map(|inner| inner.children().filter_map(ElementRef::wrap).collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter();
            let type_text = blocks.next().map(one_line).unwrap_or_default();
            match schema_of(&type_text) {
                Some(schema) => parameter["schema"] = schema,
                None => notes
                    .push(format!("{id}: parameter `{name}` has a type the markup words as `{type_text}`; left out")),
            }
            let description: String = blocks.map(|b| inner_text(b).trim().to_string()).collect::<Vec<_>>().join("\n");
            if !description.is_empty() {
                parameter["description"] = Value::String(description);
            }
            parameters.push(parameter);
        }
    }
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    let mut responses = Map::new();
    for status in section.select(&sel("button strong")) {
        let code = one_line(status);
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_digit()) || code == "default" {
            responses.entry(code).or_insert_with(|| json!({ "description": "" }));
        }
    }
    operation.insert("responses".into(), Value::Object(responses));
    Ok((path, method, Value::Object(operation)))
}

/// The schema a parameter's type words give (`string`, `integer`, `Array of strings`).
fn schema_of(words: &str) -> Option<Value> {
    let words = words.trim();
    let primitive = |w: &str| match w.trim_end_matches('s') {
        "string" => Some("string"),
        "integer" => Some("integer"),
        "number" => Some("number"),
        "boolean" => Some("boolean"),
        _ => None,
    };
    if let Some(items) = words.strip_prefix("Array of ") {
        return Some(json!({ "type": "array", "items": { "type": primitive(items)? } }));
    }
    let (base, format) = match words.split_once(' ') {
        Some((base, rest)) => (base, rest.strip_prefix('<').and_then(|r| r.strip_suffix('>'))),
        None => (words, None),
    };
    let mut schema = json!({ "type": primitive(base)? });
    if let Some(format) = format {
        schema["format"] = Value::String(format.to_string());
    }
    Some(schema)
}

/// An element's text on one line.
fn one_line(element: ElementRef) -> String {
    element.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_types_become_schemas() {
        assert_eq!(schema_of("string"), Some(json!({"type": "string"})));
        assert_eq!(schema_of("integer <int64>"), Some(json!({"type": "integer", "format": "int64"})));
        assert_eq!(schema_of("Array of strings"), Some(json!({"type": "array", "items": {"type": "string"}})));
        assert_eq!(schema_of("object"), None);
    }

    #[test]
    fn spec_urls_are_found() {
        let doc = Html::parse_document(r#"<redoc spec-url="openapi.yaml"></redoc>"#);
        assert_eq!(linked(&doc).as_deref(), Some("openapi.yaml"));
        let doc = Html::parse_document(r#"<div id="r"></div><script>Redoc.init('/api/spec.json', {}, el)</script>"#);
        assert_eq!(linked(&doc).as_deref(), Some("/api/spec.json"));
    }
}
