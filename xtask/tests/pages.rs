//! The page readers on real renderer output (Nimble's definition rendered by redoc-cli and
//! by Redocly CLI, `fixtures/pages/redoc/`), on hand-made pages of the other styles, and
//! on bad pages: every error names the page.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use serde_json::Value;
use xtask::pages::{self, DefinitionFound, Style};

fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages").join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if rel.ends_with(".gz") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
        text
    } else {
        String::from_utf8(bytes).unwrap()
    }
}

/// The definition the pages were rendered from: the project's own input,
/// `specs/nimble/definition.yaml` (the vendor-docs file, byte for byte).
fn nimble_definition_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/nimble/definition.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn nimble_definition() -> Value {
    codegen::yaml::from_str(&nimble_definition_text()).unwrap()
}

fn embedded(reading: pages::Reading) -> (Value, String) {
    match reading.definition {
        Some(DefinitionFound::Embedded { document, location }) => (document, location),
        other => panic!("expected an embedded definition, got {other:?}"),
    }
}

/// JSON pointers at which two values differ.
fn differences(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()).collect::<BTreeSet<_>>() {
                let at = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => differences(u, v, at, out),
                    _ => out.push(at),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                differences(u, v, format!("{at}/{i}"), out);
            }
        }
        _ if a != b => out.push(at),
        _ => {}
    }
}

#[test]
fn redoc_cli_pages_embed_the_definition_unchanged() {
    let page = fixture("redoc/redoc-cli-0.13.21.html.gz");
    let (document, location) = embedded(pages::read(Style::Redoc, &page, "redoc-cli-0.13.21.html").unwrap());
    assert!(location.contains("__redoc_state") && location.contains("spec.data"), "{location}");
    assert_eq!(document, nimble_definition());
}

#[test]
fn redocly_cli_pages_embed_the_definition_with_the_mappings_redoc_3_adds() {
    let page = fixture("redoc/redocly-cli-2.77.0.html.gz");
    let (document, location) = embedded(pages::read(Style::Redoc, &page, "redocly-cli-2.77.0.html").unwrap());
    assert!(location.contains("__redoc_definition"), "{location}");
    let mut found = Vec::new();
    differences(&nimble_definition(), &document, String::new(), &mut found);
    // Redoc 3 fills in the implicit discriminator mapping of the one schema that has a
    // discriminator; everything else is the document as given.
    assert_eq!(found, ["/components/schemas/Attachments.AttachmentData/discriminator/mapping"]);
    let mapping = &document["components"]["schemas"]["Attachments.AttachmentData"]["discriminator"]["mapping"];
    assert_eq!(mapping.as_object().unwrap().len(), 3);
}

/// The Nimble spec built from the committed snapshot and overlay with `definition` (its
/// file and text) as the definition behind the page.
fn nimble_spec(file: &str, definition: &str) -> codegen::spec::Spec {
    let read = |name: &str| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/nimble").join(name)).unwrap()
    };
    let (snapshot, overlay) = (read("snapshot.txt"), read("overlay.yaml"));
    let inputs =
        xtask::pipeline::Inputs { snapshot: &snapshot, overlay: &overlay, definition: Some((file, definition)) };
    xtask::pipeline::build_spec("nimble", &inputs).unwrap()
}

#[test]
fn the_definitions_the_redoc_pages_embed_give_the_spec_the_committed_definition_gives() {
    let committed = nimble_spec("specs/nimble/definition.yaml", &nimble_definition_text());
    for (page, name) in
        [("redoc/redoc-cli-0.13.21.html.gz", "redoc-cli"), ("redoc/redocly-cli-2.77.0.html.gz", "redocly")]
    {
        let (document, _) = embedded(pages::read(Style::Redoc, &fixture(page), page).unwrap());
        // As `cargo xtask fetch` stores it.
        let text = serde_json::to_string_pretty(&document).unwrap();
        let mut spec = nimble_spec("specs/nimble/definition.json", &text);
        assert_eq!(spec.api.definition.as_deref(), Some("specs/nimble/definition.json"));
        spec.api.definition = committed.api.definition.clone();
        assert!(spec == committed, "{name}: the spec differs from the committed definition's");
    }
}

/// A page with the script that embeds the definition taken out.
fn without_script(page: &str, marker: &str) -> String {
    let at = page.find(marker).unwrap();
    let start = page[..at].rfind("<script").unwrap();
    let end = at + page[at..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &page[..start], &page[end..])
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A parameter as (name, in, required).
type Parameter = (String, String, bool);

/// (method, path, its parameters) of a definition's operations, path-level parameters included.
fn parameters_by_operation(document: &Value) -> Vec<(String, String, BTreeSet<Parameter>)> {
    let mut out = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let mut parameters = BTreeSet::new();
            for p in item
                .get("parameters")
                .into_iter()
                .chain(operation.get("parameters"))
                .flat_map(|p| p.as_array().unwrap())
            {
                let place = p["in"].as_str().unwrap().to_string();
                let required = p["required"].as_bool().unwrap_or(false) || place == "path";
                parameters.insert((p["name"].as_str().unwrap().to_string(), place, required));
            }
            out.push((method.to_string(), path.clone(), parameters));
        }
    }
    out.sort();
    out
}

#[test]
fn without_its_definition_a_redoc_2_page_gives_the_operations_its_markup_shows() {
    let page = without_script(&fixture("redoc/redoc-cli-0.13.21.html.gz"), "__redoc_state");
    let reading = pages::read(Style::Redoc, &page, "stripped.html").unwrap();
    let Some(DefinitionFound::FromMarkup(document)) = reading.definition else { panic!("{:?}", reading.definition) };
    assert_eq!(document["x-crm-clients-from"], "page-markup");
    let definition = nimble_definition();
    let from_markup = parameters_by_operation(&document);
    assert_eq!(from_markup.len(), 89);
    assert_eq!(from_markup, parameters_by_operation(&definition));
    // Summaries and descriptions are the definition's words.
    let contacts = &document["paths"]["/api/v1/contacts/{contact_id}/notes"]["get"];
    assert_eq!(contacts["summary"], definition["paths"]["/api/v1/contacts/{contact_id}/notes"]["get"]["summary"]);
    assert_eq!(contacts["description"], "Returns a list of notes for the specified contact");
    assert!(contacts["responses"].get("200").is_some());
    assert!(reading.notes.iter().any(|n| n.contains("89 operations read from its markup")), "{:?}", reading.notes);
}

#[test]
fn a_redoc_3_page_without_its_definition_is_an_error() {
    let page = without_script(&fixture("redoc/redocly-cli-2.77.0.html.gz"), "__redoc_definition");
    let err = pages::read(Style::Redoc, &page, "stripped-redoc3.html").unwrap_err();
    assert_eq!(err.origin, "stripped-redoc3.html");
    assert!(err.message.contains("shows no operation"), "{err}");
}

#[test]
fn a_truncated_or_broken_embedded_definition_is_an_error_naming_the_page() {
    let page = fixture("redoc/redoc-cli-0.13.21.html.gz");
    let at = page.find("__redoc_state").unwrap();
    // Cut in the middle of the definition, as a download that stopped early.
    let truncated = &page[..at + 100_000];
    let err = pages::read(Style::Redoc, truncated, "https://example.test/docs").unwrap_err();
    assert_eq!(err.origin, "https://example.test/docs");
    assert!(err.message.contains("__redoc_state") && err.message.contains("truncated"), "{err}");
    let broken = page.replacen("\"openapi\":\"3.0.0\"", "\"openapi\":3.0.0\"", 1);
    let err = pages::read(Style::Redoc, &broken, "broken.html").unwrap_err();
    assert!(err.message.contains("not valid") && err.message.contains("column"), "{err}");
}

#[test]
fn pages_of_another_style_or_empty_are_errors() {
    let plain = "<html><body><h1>Deals</h1><p>Nothing rendered by Redoc here.</p></body></html>";
    let err = pages::read(Style::Redoc, plain, "plain.html").unwrap_err();
    assert!(err.message.contains("not a Redoc page"), "{err}");
    let err = pages::read(Style::Readme, plain, "plain.html").unwrap_err();
    assert!(err.message.contains("not a ReadMe reference page"), "{err}");
    for style in [Style::Redoc, Style::Readme, Style::Generic] {
        let err = pages::read(style, " \n", "empty.html").unwrap_err();
        assert_eq!((err.origin.as_str(), err.message.as_str()), ("empty.html", "the page is empty"));
    }
    let err = pages::read(Style::Generic, "<html><body><script>x()</script></body></html>", "blank.html").unwrap_err();
    assert!(err.message.contains("no text"), "{err}");
}

mod generic_pages {
    use super::*;
    use codegen::spec::{Spec, TypeKind};
    use xtask::normalize::{normalize, Options};
    use xtask::readers::blueprint;

    /// The spec of a text, its sources anchored.
    fn spec(text: &str) -> Spec {
        let draft = blueprint::read(text, "demo", "snapshot.txt").unwrap();
        let anchors = draft.anchors.finish();
        let (splits, resources) = (Default::default(), Default::default());
        let mut spec = normalize(draft, &Options { choice_splits: &splits, resources: &resources }).spec;
        anchors.anchor_spec(&mut spec).unwrap();
        spec
    }

    /// The spec with its sources' offsets taken out (`doc:x+2` → `doc:x`): the page's text
    /// lays a block out on other lines than the excerpt (blank lines between a heading and
    /// what it titles), and has the same places, named alike.
    fn without_offsets(spec: &Spec) -> Spec {
        let mut spec = spec.clone();
        for source in spec.sources_mut() {
            if let codegen::spec::Source::Anchor(anchor) = source {
                anchor.offset = 0;
            }
        }
        spec
    }

    fn field_names(spec: &Spec, owner_of: &str) -> Vec<String> {
        spec.types
            .iter()
            .find_map(|t| match &t.kind {
                TypeKind::Object { fields } if fields.iter().any(|f| f.name == owner_of) => {
                    Some(fields.iter().map(|f| f.name.clone()).collect())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no type has a field `{owner_of}`"))
    }

    #[test]
    fn the_page_of_a_wealthbox_excerpt_reads_into_the_same_spec_as_the_excerpt() {
        let excerpt = fixture("generic/wealthbox-excerpt.txt");
        let reading = pages::read(Style::Generic, &fixture("generic/wealthbox-excerpt.html"), "excerpt.html").unwrap();
        let text = reading.text.unwrap();
        let (from_text, from_page) = (spec(&excerpt), spec(&text));
        assert_eq!(from_page.operations.len(), 1);
        assert_eq!(from_page.api.statuses.len(), 12);
        assert!(from_page.api.base_url.is_some() && from_page.api.auth.len() == 2);
        assert_eq!(without_offsets(&from_page), without_offsets(&from_text));
        // The page's text nests the child attributes by indentation.
        assert!(text.contains("\ncurrent_user\nAccountUser\n"), "{text}");
        assert!(text.contains("\n  account\n  number\n"), "{text}");
        assert!(reading.notes.iter().any(|n| n.contains("3 list(s) nested")), "{:?}", reading.notes);
    }

    #[test]
    fn the_page_states_the_nesting_the_text_had_to_guess() {
        let from_text = spec(
            &std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/blueprint/nesting.txt"),
            )
            .unwrap(),
        );
        let reading = pages::read(Style::Generic, &fixture("generic/nesting.html"), "nesting.html").unwrap();
        let from_page = spec(&reading.text.unwrap());
        // The text: `mystery`, which no example shows, stays in the list it follows, with a gap.
        assert_eq!(field_names(&from_text, "id"), ["id", "owner", "size", "label", "mystery"]);
        assert!(from_text
            .gaps
            .iter()
            .any(|g| g.kind == codegen::spec::GapKind::UnwitnessedNesting && g.message.contains("`mystery`")));
        // The page: its markup puts `mystery` in the top-level list; no gap.
        assert_eq!(field_names(&from_page, "id"), ["id", "owner", "size", "label"]);
        assert_eq!(field_names(&from_page, "things"), ["things", "mystery"]);
        assert_eq!(field_names(&from_page, "country"), ["name", "country"]);
        assert!(
            !from_page.gaps.iter().any(|g| g.kind == codegen::spec::GapKind::UnwitnessedNesting),
            "{:?}",
            from_page.gaps
        );
    }
}

mod readme_pages {
    use super::*;

    #[test]
    fn both_shapes_of_the_server_side_props_give_the_definition() {
        for (file, location) in
            [("list-all-deals.html", "<script id=\"ssr-props\">"), ("create-a-deal.html", "data-initial-props")]
        {
            let (document, found_at) =
                embedded(pages::read(Style::Readme, &fixture(&format!("readme/{file}")), file).unwrap());
            assert!(found_at.contains(location) && found_at.contains("oasDefinition"), "{found_at}");
            assert_eq!(document["paths"].as_object().unwrap().keys().collect::<Vec<_>>(), ["/deals"]);
        }
    }

    #[test]
    fn pages_without_a_usable_definition_are_errors_naming_the_page() {
        let page = |props: &str| {
            format!("<html><body><script id=\"ssr-props\" type=\"application/json\">{props}</script></body></html>")
        };
        let err =
            pages::read(Style::Readme, &page(r#"{"oasPublicUrl": "@acme/v1#abc"}"#), "superhub.html").unwrap_err();
        assert_eq!(err.origin, "superhub.html");
        assert!(err.message.contains("registry id (`oasPublicUrl`) but embeds none"), "{err}");
        let err = pages::read(Style::Readme, &page(r#"{"doc": {"title": "Guide"}}"#), "guide.html").unwrap_err();
        assert!(err.message.contains("has no `oasDefinition`"), "{err}");
        let err = pages::read(Style::Readme, &page(r#"{"oasDefinition": {"openapi": "3.0.0", "paths": {"#), "cut.html")
            .unwrap_err();
        assert!(err.message.contains("truncated"), "{err}");
        let err = pages::read(Style::Readme, &page(r#"{"oasDefinition": {"title": "x"}}"#), "odd.html").unwrap_err();
        assert!(err.message.contains("no `openapi` version"), "{err}");
        // An attribute cut short (the escaped form) is reported the same way.
        let full = fixture("readme/create-a-deal.html");
        let cut = full.replacen("&quot;paths&quot;", "\"", 1);
        let err = pages::read(Style::Readme, &cut, "create-a-deal.html").unwrap_err();
        assert!(err.message.contains("data-initial-props"), "{err}");
    }

    #[test]
    fn a_page_whose_operation_its_definition_lacks_is_noted() {
        let page = fixture("readme/list-all-deals.html")
            .replace(r#""url": "/deals""#, r#""url": "/dealz""#)
            .replace(r#""path": "/deals""#, r#""path": "/dealz""#);
        let reading = pages::read(Style::Readme, &page, "p.html").unwrap();
        assert_eq!(reading.notes, ["the page documents GET /dealz, which its `oasDefinition` lacks"]);
    }
}
