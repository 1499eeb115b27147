//! Reader for OpenAPI 3.0 and 3.1 definitions (YAML or JSON): the machine-readable
//! document a vendor's page is rendered from, read into the same [`Draft`] the text
//! readers produce, every fact with its `def:` source (a JSON Pointer into the document).
//! It is the second witness that `crate::reconcile` checks the page's reading against.
//!
//! The document is walked as a `serde_json::Value` (YAML parsed through `codegen::yaml`)
//! with the pointer of each place carried along, rather than deserialized into a typed
//! model: `openapiv3` reads 3.0 only and refuses a 3.1 `type: [string, "null"]` (the whole
//! document fails), `oas3` reads 3.1 and silently drops 3.0's `nullable: true` and refuses
//! a 3.0 `exclusiveMinimum: true` (the whole document fails, with no location); neither
//! keeps where a value was. Here a construct the reader does not understand is a gap at
//! its pointer and the rest of the document is read.
//!
//! This reader owns:
//! - the document: parsing, pointers, `$ref`s, errors (`document.rs`);
//! - schemas to draft types (`schema.rs`);
//! - operations, parameters, bodies, responses, examples (`operations.rs`);
//! - the API facts: title, version, the first server (the base URL), security schemes.
//!
//! What it cannot read is a gap (kinds `unreadable_schema`, `unread_keyword`,
//! `external_ref`, `string_body`, `parameter_name_note`, `unsupported_construct`); what
//! makes the document unreadable (bad YAML or JSON, not OpenAPI 3, a dangling or
//! malformed `$ref`, a `$ref` cycle that is not a named object) is a
//! [`DefinitionError`] naming the file and the place.

mod document;
mod operations;
mod schema;

use codegen::spec::{Api, AuthScheme, BaseUrl, Gap, GapKind, OAuthScope, Pointer, Source, UrlVariable};
use serde_json::Value;

pub use document::DefinitionError;

use crate::draft::Draft;
use document::Document;
use schema::Schemas;

/// A gap at a place in the definition.
fn def_gap(kind: GapKind, at: &Pointer, message: impl Into<String>) -> Gap {
    Gap { kind, message: message.into(), source: Source::Def(at.clone()) }
}

/// A definition read: its draft (with every gap the reader found), and for each of its
/// operations the gaps found while reading it, so that a spec built from some of the
/// operations reports only theirs (and the API's own).
#[derive(Debug, Clone)]
pub struct Definition {
    /// The draft; its gaps are all the reader found, each once.
    pub draft: Draft,
    /// The gaps of each operation of the draft, by index.
    pub operation_gaps: Vec<Vec<Gap>>,
}

impl Definition {
    /// The gaps that concern the operations `used` (indexes in the draft): theirs, and
    /// those of the API as a whole (servers, security schemes), each once, in the
    /// reader's order.
    pub fn gaps_of(&self, used: &[usize]) -> Vec<Gap> {
        let of_any: Vec<&Gap> = self.operation_gaps.iter().flatten().collect();
        let of_used: Vec<&Gap> = used.iter().flat_map(|i| &self.operation_gaps[*i]).collect();
        let webhooks = Pointer::root().join("webhooks");
        self.draft
            .gaps
            .iter()
            .filter(|g| {
                let api_wide = !of_any.contains(g) && !matches!(&g.source, Source::Def(p) if p.starts_with(&webhooks));
                api_wide || of_used.contains(g)
            })
            .cloned()
            .collect()
    }
}

/// Reads the definition `text` of the API `api_name`; `file` (relative to the repository
/// root) names it in errors and in the draft's `api.definition`, and says its syntax (JSON
/// when it ends in `.json`, else YAML).
pub fn read(text: &str, api_name: &str, file: &str) -> Result<Draft, DefinitionError> {
    read_definition(text, api_name, file).map(|d| d.draft)
}

/// [`read`], with the gaps of each operation.
pub fn read_definition(text: &str, api_name: &str, file: &str) -> Result<Definition, DefinitionError> {
    let doc = Document::parse(text, file)?;
    let mut schemas = Schemas::new(&doc);
    let (operations, operation_gaps): (Vec<_>, Vec<_>) = operations::read(&doc, &mut schemas)?.into_iter().unzip();
    let mut gaps = schemas.gaps;
    let api = api(&doc, api_name, &mut gaps);
    if doc.get(&Pointer::root().join("webhooks")).is_some() {
        gaps.push(def_gap(GapKind::UnsupportedConstruct, &Pointer::root().join("webhooks"), "webhooks are not read"));
    }
    // A schema read under every operation that uses it reports its gaps once.
    let mut unique: Vec<Gap> = Vec::new();
    for g in gaps {
        if !unique.contains(&g) {
            unique.push(g);
        }
    }
    let draft = Draft {
        api,
        operations,
        global_parameters: Vec::new(),
        gaps: unique,
        merge_identical_shapes: false,
        anchors: Default::default(),
    };
    Ok(Definition { draft, operation_gaps })
}

/// The API facts of the definition.
fn api(doc: &Document, api_name: &str, gaps: &mut Vec<Gap>) -> Api {
    let root = Pointer::root();
    let mut api = Api::new(api_name, "");
    api.definition = Some(doc.file.clone());
    let info = root.join("info");
    if let Some(title) = doc.get(&info.join("title")).and_then(Value::as_str) {
        api.title = title.to_string();
    }
    api.version = doc.get(&info.join("version")).and_then(Value::as_str).map(String::from);
    let servers = root.join("servers");
    let server = servers.join(0);
    if let Some(url) = doc.get(&server.join("url")).and_then(Value::as_str) {
        let variables = doc
            .object(&server.join("variables"))
            .iter()
            .map(|(name, v)| UrlVariable {
                name: name.clone(),
                description: v.get("description").and_then(Value::as_str).map(String::from),
            })
            .collect();
        api.base_url = Some(BaseUrl { url: url.to_string(), variables, source: Source::Def(server.clone()) });
        let more = doc.get(&servers).and_then(Value::as_array).map(Vec::len).unwrap_or(0);
        if more > 1 {
            gaps.push(def_gap(
                GapKind::UnsupportedConstruct,
                &servers,
                format!("{more} servers; the first is the base URL"),
            ));
        }
    }
    api.auth = auth(doc, gaps);
    api
}

/// Security schemes, those the document requires first (in its order), then the others.
fn auth(doc: &Document, gaps: &mut Vec<Gap>) -> Vec<AuthScheme> {
    let schemes_at = Pointer::root().join("components").join("securitySchemes");
    let schemes = doc.object(&schemes_at);
    let mut names: Vec<&String> = Vec::new();
    let required = doc.get(&Pointer::root().join("security")).and_then(Value::as_array);
    let requirements = required.into_iter().flatten().filter_map(Value::as_object);
    for name in requirements.flat_map(|r| r.keys()).chain(schemes.keys()) {
        if schemes.contains_key(name) && !names.contains(&name) {
            names.push(name);
        }
    }
    let mut auth = Vec::new();
    for name in names {
        let at = schemes_at.join(name);
        let Ok(Some(at)) = doc.follow(&at) else { continue };
        let field = |key: &str| doc.get(&at.join(key)).and_then(Value::as_str);
        let description = field("description").map(String::from);
        let source = Source::Def(at.clone());
        match (field("type"), field("in"), field("scheme").map(str::to_ascii_lowercase).as_deref()) {
            (Some("apiKey"), Some("header"), _) => auth.push(AuthScheme::ApiKeyHeader {
                header: field("name").unwrap_or_default().to_string(),
                description,
                source,
            }),
            (Some("http"), _, Some("bearer")) => auth.push(AuthScheme::Bearer { description, source }),
            (Some("oauth2"), _, _) => {
                let flow = at.join("flows").join("authorizationCode");
                let url = |key: &str| doc.get(&flow.join(key)).and_then(Value::as_str).map(String::from);
                match (url("authorizationUrl"), url("tokenUrl")) {
                    (Some(authorize_url), Some(token_url)) => {
                        let scopes = doc
                            .object(&flow.join("scopes"))
                            .iter()
                            .map(|(name, d)| OAuthScope {
                                name: name.clone(),
                                description: d.as_str().map(String::from),
                                default: false,
                            })
                            .collect();
                        let mut grants = vec!["authorization_code".to_string()];
                        if url("refreshUrl").is_some() {
                            grants.push("refresh_token".into());
                        }
                        auth.push(AuthScheme::OAuth2 {
                            authorize_url,
                            token_url,
                            grants,
                            scopes,
                            token_request_content_type: None,
                            source,
                        });
                    }
                    _ => gaps.push(def_gap(
                        GapKind::UnsupportedConstruct,
                        &at.join("flows"),
                        format!("OAuth 2 scheme `{name}` has no authorization-code flow; only that flow is read"),
                    )),
                }
            }
            (kind, location, scheme) => gaps.push(def_gap(
                GapKind::UnsupportedConstruct,
                &at,
                format!(
                    "security scheme `{name}` ({}) is not one the spec holds (an API key in a header, a bearer token, OAuth 2)",
                    [kind, location, scheme].into_iter().flatten().collect::<Vec<_>>().join(" ")
                ),
            )),
        }
    }
    auth
}
