//! ReadMe reference pages (ActiveCampaign's). ReadMe renders each reference page on the
//! server and hands the browser the page's data as JSON in an element with the id
//! `ssr-props`: either as the text of `<script id="ssr-props" type="application/json">`
//! or HTML-escaped in its `data-initial-props` attribute (older hubs, on a `<script>` or
//! `<div>`, often inside `div.ng-non-bindable`). That data holds `oasDefinition`, the
//! OpenAPI definition ReadMe keeps for the page (the whole API's or a part of it), beside
//! the page's own record (`doc` or `document`, with `api.method` and the path).
//!
//! This shape is known from public third-party scrapers of ReadMe hubs, not from a
//! ReadMe page of ActiveCampaign's: the fixtures of this reader are hand-made imitations
//! of it. Hubs on ReadMe's newer platform replace `oasDefinition` with a registry
//! pointer (`oasPublicUrl`); such a page is an error that says so.
//!
//! Several pages give several definitions; [`super::merge_definitions`] makes them one.

use scraper::{Html, Selector};
use serde_json::Value;

use super::{check_openapi, json_prefix, DefinitionFound, PageError, Reading};

/// Reads a ReadMe reference page.
pub fn read(html: &str, origin: &str) -> Result<Reading, PageError> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse("#ssr-props").expect("a valid selector");
    let Some(element) = doc.select(&selector).next() else {
        return Err(PageError::new(
            origin,
            "not a ReadMe reference page: no `ssr-props` element (the page data ReadMe renders on the server)",
        ));
    };
    let (json, location) = match element.value().attr("data-initial-props") {
        Some(attribute) => (attribute.to_string(), "the `data-initial-props` of #ssr-props"),
        None => (element.text().collect::<String>(), "the JSON of <script id=\"ssr-props\">"),
    };
    let (props, used) = json_prefix(&json).map_err(|e| PageError::new(origin, format!("{location}: {e}")))?;
    if !json[used..].trim().is_empty() {
        return Err(PageError::new(origin, format!("{location}: text follows the JSON object")));
    }
    let Some(definition) = props.get("oasDefinition").filter(|d| !d.is_null()) else {
        let why = if props.get("oasPublicUrl").is_some() {
            "names its definition by a ReadMe registry id (`oasPublicUrl`) but embeds none"
        } else {
            "has no `oasDefinition` (is this a reference page of an API?)"
        };
        return Err(PageError::new(origin, format!("{location} {why}")));
    };
    let location = format!("{location}, at `oasDefinition`");
    check_openapi(definition, origin, &location)?;
    let mut notes = Vec::new();
    if let Some((method, path)) = page_operation(&props) {
        let known = definition.get("paths").and_then(|p| p.get(&path)).and_then(|p| p.get(method.to_lowercase()));
        if known.is_none() {
            notes.push(format!("the page documents {} {path}, which its `oasDefinition` lacks", method.to_uppercase()));
        }
    }
    Ok(Reading {
        definition: Some(DefinitionFound::Embedded { document: definition.clone(), location }),
        text: None,
        notes,
    })
}

/// The method and path the page itself documents (`doc.api.method` with `doc.swagger.path`
/// or `doc.api.url`; `document.api.method` with `document.api.path`).
fn page_operation(props: &Value) -> Option<(String, String)> {
    let record = props.get("doc").or_else(|| props.get("document"))?;
    let api = record.get("api")?;
    let method = api.get("method")?.as_str()?.to_string();
    let path = [record.get("swagger").and_then(|s| s.get("path")), api.get("path"), api.get("url")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|p| p.starts_with('/'))?
        .to_string();
    Some((method, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_operation_is_found_in_either_record() {
        let props = serde_json::json!({"doc": {"api": {"method": "get", "url": "/deals"}}});
        assert_eq!(page_operation(&props), Some(("get".into(), "/deals".into())));
        let props = serde_json::json!({"document": {"api": {"method": "post", "path": "/deals"}}});
        assert_eq!(page_operation(&props), Some(("post".into(), "/deals".into())));
    }
}
