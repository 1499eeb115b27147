//! The normalized API spec (the IR): the only contract between the documentation
//! readers (in `xtask`) and the Rust emitter (in this crate).
//!
//! Principles (see `specs/README.md` for the file format):
//! - every fact carries a [`Source`]: a place in the snapshot (an [`Anchor`]), a place
//!   in the API's OpenAPI definition (a [`Pointer`]), or an overlay entry;
//! - what is not known is said (`Option`, [`TypeKind::Unknown`], [`Gap`]), never invented;
//! - wire names are kept byte for byte, Rust names are derived by the emitter;
//! - a small closed type language ([`TypeRef`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::path::PathTemplate;

/// One API, as one YAML file under `specs/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Facts about the API as a whole.
    pub api: Api,
    /// Every operation of the document, in document order.
    pub operations: Vec<Operation>,
    /// Every named type (objects, enums, types named but never defined), sorted by name.
    pub types: Vec<TypeDef>,
    /// What the reader saw but could not understand, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<Gap>,
    /// What reconciling the page's reading with the API's definition found (absent when
    /// the API has no definition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<Reconciliation>,
}

/// What reconciling the page's reading with the OpenAPI definition behind the page found,
/// besides what it wrote into the spec (facts taken carry their `def:` sources; conflicts
/// left open are `definition_conflict` gaps).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reconciliation {
    /// Operations of the page paired with one of the definition.
    pub paired: usize,
    /// Facts both state alike, by attribute (`type`, `required`, `route`, `exists` for a
    /// parameter, field or response itself): recorded, not listed one by one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub agreed: BTreeMap<String, usize>,
    /// Facts only the definition states, taken from it, by attribute.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub taken: BTreeMap<String, usize>,
    /// Disagreements the overlay settles, each with the side taken and the settling entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settled: Vec<SettledFact>,
    /// Overlay entries whose facts the definition states the same: remove them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removable: Vec<Removable>,
    /// Operations only the definition has: not generated unless the overlay opts them in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definition_only: Vec<DefinitionOperation>,
}

/// A disagreement of the page and the definition that an overlay entry settles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettledFact {
    /// The page's operation, by id (absent for the API's facts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The fact: a place and an attribute (`responses.200.fields:type`), or `base_url`.
    pub fact: String,
    /// What the page says (absent: the page lists nothing there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<Witnessed>,
    /// What the definition says.
    pub definition: Witnessed,
    /// The side whose value the spec holds.
    pub took: Side,
    /// The overlay entry that settles it.
    pub by: Source,
}

/// One witness's value of a fact, and where it states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Witnessed {
    /// The value, in words (`GET /api/v1/contacts`, `integer`, `yes`, `absent`).
    pub value: String,
    /// Where.
    pub source: Source,
}

/// Which witness a settlement takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// What the page (with the overlay's facts standing for its prose) says.
    Page,
    /// What the definition says.
    Definition,
}

/// An overlay entry the definition makes redundant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removable {
    /// The entry.
    pub entry: Source,
    /// Where the definition states the same.
    pub definition: Source,
}

/// An operation of the definition that the page does not show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefinitionOperation {
    /// Its method.
    pub method: Method,
    /// Its path, as the definition writes it.
    pub path: String,
    /// Its summary (or the start of its description).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Where it is in the definition.
    pub source: Source,
}

/// Facts about the API as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// Short machine name: the generated crate's name and the spec file's stem.
    pub name: String,
    /// Human title (used in crate docs).
    pub title: String,
    /// API version as the document states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The snapshot the spec was read from, relative to the repository root.
    pub snapshot: String,
    /// The OpenAPI definition the snapshot's page is rendered from, when there is one (a
    /// second witness; `def:` sources point into it), relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// Base URL every operation path is relative to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<BaseUrl>,
    /// Ways to authenticate, in order of preference of the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth: Vec<AuthScheme>,
    /// How list operations page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Documented throttling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The body an unsuccessful response carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_body: Option<ErrorBody>,
    /// HTTP statuses the document lists, with its words for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<StatusDoc>,
    /// Timestamp formats seen in the document's examples (chrono `strftime` syntax,
    /// or `rfc3339`), most frequent first. The first one is used to send timestamps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datetime_formats: Vec<String>,
}

/// The API's base URL; `{name}` placeholders are [`UrlVariable`]s the user supplies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseUrl {
    /// The URL, possibly with `{variable}` placeholders.
    pub url: String,
    /// Placeholders in `url`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<UrlVariable>,
    /// Where the fact comes from.
    pub source: Source,
}

/// A placeholder of the base URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrlVariable {
    /// Name inside the braces.
    pub name: String,
    /// What it stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One way to authenticate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum AuthScheme {
    /// A secret sent as the value of a named header.
    ApiKeyHeader {
        /// Header name, byte for byte.
        header: String,
        /// What the document calls the secret.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Where the fact comes from.
        source: Source,
    },
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// What the document calls the token.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// Where the fact comes from.
        source: Source,
    },
    /// OAuth 2 authorization-code flow issuing bearer tokens.
    #[serde(rename = "oauth2")]
    OAuth2 {
        /// Where the user's browser is sent.
        authorize_url: String,
        /// Where codes and refresh tokens are exchanged.
        token_url: String,
        /// Grants the document names (`authorization_code`, `refresh_token`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        grants: Vec<String>,
        /// Scopes the document names.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scopes: Vec<OAuthScope>,
        /// Content type of token requests (`application/x-www-form-urlencoded`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_request_content_type: Option<String>,
        /// Where the fact comes from.
        source: Source,
    },
}

/// An OAuth 2 scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthScope {
    /// Scope value on the wire.
    pub name: String,
    /// What it grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Granted when no scope is asked for.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
}

/// How list operations page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "style", rename_all = "snake_case", deny_unknown_fields)]
pub enum Pagination {
    /// `page=N&per_page=M`, pages numbered from `first_page`.
    PageNumber {
        /// Query parameter holding the page number.
        page_param: String,
        /// Query parameter holding the page size.
        per_page_param: String,
        /// Number of the first page.
        first_page: u32,
        /// Page size when none is asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_per_page: Option<u32>,
        /// Dotted path, in a list response, of the number of pages (`meta.pages`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total_pages: Option<String>,
        /// Where the fact comes from.
        source: Source,
    },
    /// `offset=N&limit=M`.
    Offset {
        /// Query parameter holding the offset.
        offset_param: String,
        /// Query parameter holding the page size.
        limit_param: String,
        /// Page size when none is asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default_limit: Option<u32>,
        /// Dotted path, in a list response, of the number of items in all pages
        /// (`meta.total`; a number or a string of digits).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<String>,
        /// Where the fact comes from.
        source: Source,
    },
}

/// Documented throttling: `requests` per `per_seconds`, measured over `window_seconds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests allowed per `per_seconds`.
    pub requests: u32,
    /// Length of the rate's unit, in seconds.
    pub per_seconds: u32,
    /// Sampling window over which the rate is averaged, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<u32>,
    /// Whether short bursts above the rate are allowed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bursts_allowed: bool,
    /// Status returned when the limit is hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Where the fact comes from.
    pub source: Source,
}

/// The body of unsuccessful responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// Its type (usually a named object type).
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Where the fact comes from.
    pub source: Source,
}

/// A status code the document explains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusDoc {
    /// `404`, or a class such as `5xx`.
    pub status: String,
    /// Short title.
    pub title: String,
    /// Longer explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the fact comes from.
    pub source: Source,
}

/// One operation of the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Stable id, snake_case, derived from the document's own words.
    pub id: String,
    /// Resource group (one generated module per resource), snake_case.
    pub resource: String,
    /// The Rust method on its resource (`client.contacts().list()`): derived from the
    /// method and the path's shape within the resource (`list`, `get`, `create`,
    /// `update`, `delete`), else from the document's words, or given by the overlay.
    /// Operations of one endpoint that get one name are one method. Set by
    /// normalization; empty only in a spec being built.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rust_name: String,
    /// HTTP method; absent while unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// Path template relative to the base URL, `{name}` placeholders; absent while unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathTemplate>,
    /// Where method and path come from, when not from `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<Source>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Path, query and header parameters, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    /// Request body; absent when the document shows none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestBody>,
    /// Responses by status, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Response>,
    /// Set on list operations that page with the API's [`Pagination`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<ListPagination>,
    /// Where the operation starts in the document.
    pub source: Source,
}

impl Operation {
    /// Both method and path are known.
    pub fn is_resolved(&self) -> bool {
        self.method.is_some() && self.path.is_some()
    }

    /// The first 2xx response, which the generated method returns.
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().find(|r| r.status.starts_with('2'))
    }
}

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// Upper-case wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Safe to repeat: retried by default.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    /// The method of its wire form; `None` for anything else (a reader asks of every line).
    pub fn from_wire(s: &str) -> Option<Method> {
        Some(match s {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
    }
}

impl FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Method::from_wire(s).ok_or_else(|| format!("not an HTTP method: {s:?}"))
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// As a request header.
    Header,
    /// Not stated: the document lost it (an unresolved operation's parameters; set when
    /// the operation's path is known).
    Unknown,
}

/// A path, query or header parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Wire name, byte for byte (`filters[title]`).
    pub name: String,
    /// Where it travels.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Where the type comes from, when not from `source` (an overlay correction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_source: Option<Source>,
    /// The document's format word for the value (`ObjectId`, `ISO-4217`, `field:order`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Must be sent.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Described as deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Default value as the document writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The document's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the fact comes from.
    pub source: Source,
    /// The definition's place for this parameter, when facts the page does not state
    /// (where it travels, a more precise type, `required`, a format, a default, its
    /// values) were taken from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_from: Option<Source>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// Media type.
    pub content_type: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Example bodies the document shows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// Where the fact comes from.
    pub source: Source,
}

/// A response for one status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// `200`, `404`, ...
    pub status: String,
    /// The document's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Body type; absent when the document shows no body.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<TypeRef>,
    /// Example bodies the document shows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// Where the fact comes from.
    pub source: Source,
    /// The definition's response, when the status was taken from it (the page lost it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_from: Option<Source>,
}

/// An example body, verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The document's title for it, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether `json` parses as JSON (when not, a gap says why).
    pub valid_json: bool,
    /// The text, byte for byte as in the document.
    pub json: String,
    /// Where it starts in the document.
    pub source: Source,
}

/// A list operation's paging: the page items are the array in field `items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListPagination {
    /// Wire name of the array field holding the page's items.
    pub items: String,
    /// Where the fact comes from, when not from the success response's type (an overlay
    /// entry, for an operation whose document shows no response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// A named type. (Unknown keys are not refused here: serde cannot do that with the
/// flattened `kind`.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDef {
    /// PascalCase name: the document's own where it names the type, else derived from
    /// the operation or field it belongs to.
    pub name: String,
    /// The document's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Its shape.
    #[serde(flatten)]
    pub kind: TypeKind,
    /// Every place the type appears, in document order.
    pub sources: Vec<Source>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeKind {
    /// A JSON object with known fields (unknown fields are tolerated on the wire).
    Object {
        /// Fields in document order.
        fields: Vec<Field>,
    },
    /// A string with documented values (open: unknown values are kept).
    Enum {
        /// Values, byte for byte, in document order.
        values: Vec<String>,
    },
    /// Named by the document but never defined: any JSON object is accepted.
    Unknown,
}

/// A field of an object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Wire name, byte for byte.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// Documented as required.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Documented as possibly `null`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    /// The document's format word for the value (`ObjectId`, `ISO-4217`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Described as deprecated.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Default value as the document writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The document's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the fact comes from.
    pub source: Source,
    /// The definition's place for this field, when facts the page does not state (a more
    /// precise type, `required`, `nullable`, a format, a default, its values) were taken
    /// from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_from: Option<Source>,
}

/// Something the reader saw but could not understand, or a fact it could not settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gap {
    /// What kind of gap.
    pub kind: GapKind,
    /// What was seen and what was done about it.
    pub message: String,
    /// Where.
    pub source: Source,
}

/// The kinds of gap (written as snake_case words; `specs/README.md` lists them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// A line that is part of no block the reader knows.
    UnrecognizedLine,
    /// An example that is not valid JSON (kept verbatim, not a fixture).
    InvalidJsonExample,
    /// A heading that announces an example the document does not show.
    MissingExample,
    /// A type the document prints as `undefined`.
    UndefinedType,
    /// A declared type that its child attributes contradict.
    DeclaredTypeConflict,
    /// A nested attribute no example places.
    UnwitnessedNesting,
    /// A choice list that cannot be split without guessing.
    AmbiguousChoices,
    /// Choices on a field that is not a string.
    ChoicesOnNonString,
    /// A field listed twice in one object.
    DuplicateField,
    /// An appearance of a named type that disagrees with the first.
    TypeVariant,
    /// A path or URI-template parameter no row describes.
    UndescribedParameter,
    /// A parameter that lists child attributes.
    NestedParameter,
    /// A GET the document gives a request body.
    GetWithBody,
    /// A request example without attributes.
    ExampleWithoutAttributes,
    /// Attributes without an example.
    AttributesWithoutExample,
    /// A key an example shows that the attributes do not document.
    UndocumentedExampleKey,
    /// A body named but never defined.
    UndefinedSchema,
    /// A success status the document shows no body for.
    ResponseNotShown,
    /// A description that stops mid-sentence.
    TruncatedDescription,
    /// An operation that opens and closes with different paths.
    PathMismatch,
    /// A row that lost its name, named from the request sample.
    RecoveredName,
    /// A row that lost its name, with no sample to name it (dropped).
    NamelessRow,
    /// An operation whose description was lost.
    UndescribedOperation,
    /// A response whose status the document lost.
    ResponseStatusUnknown,
    /// The two counts of a Redoc scrape's operations disagree.
    OperationCount,
    /// A path that is not a path template (the operation stays unresolved).
    InvalidPath,
    /// A definition's schema with no reading in the type language (read as any JSON).
    UnreadableSchema,
    /// A keyword of a definition the reader does not know.
    UnreadKeyword,
    /// A `$ref` into another document (not read).
    ExternalRef,
    /// A JSON body the definition types as a bare string (an example pasted where a shape belongs).
    StringBody,
    /// A definition's parameter name carrying a note (`name (DEPRECATED; ...)`).
    ParameterNameNote,
    /// What the spec cannot hold (cookie parameters, comma-separated arrays, other media types, ...).
    UnsupportedConstruct,
    /// A fact the page and the definition state differently.
    DefinitionConflict,
    /// A page operation no definition operation pairs with.
    DefinitionUnmatched,
    /// An example of the definition that its own schema refuses (not a fixture).
    ExampleMismatch,
}

impl GapKind {
    /// Every kind, in declaration order.
    pub const ALL: [GapKind; 35] = [
        GapKind::UnrecognizedLine,
        GapKind::InvalidJsonExample,
        GapKind::MissingExample,
        GapKind::UndefinedType,
        GapKind::DeclaredTypeConflict,
        GapKind::UnwitnessedNesting,
        GapKind::AmbiguousChoices,
        GapKind::ChoicesOnNonString,
        GapKind::DuplicateField,
        GapKind::TypeVariant,
        GapKind::UndescribedParameter,
        GapKind::NestedParameter,
        GapKind::GetWithBody,
        GapKind::ExampleWithoutAttributes,
        GapKind::AttributesWithoutExample,
        GapKind::UndocumentedExampleKey,
        GapKind::UndefinedSchema,
        GapKind::ResponseNotShown,
        GapKind::TruncatedDescription,
        GapKind::PathMismatch,
        GapKind::RecoveredName,
        GapKind::NamelessRow,
        GapKind::UndescribedOperation,
        GapKind::ResponseStatusUnknown,
        GapKind::OperationCount,
        GapKind::InvalidPath,
        GapKind::UnreadableSchema,
        GapKind::UnreadKeyword,
        GapKind::ExternalRef,
        GapKind::StringBody,
        GapKind::ParameterNameNote,
        GapKind::UnsupportedConstruct,
        GapKind::DefinitionConflict,
        GapKind::DefinitionUnmatched,
        GapKind::ExampleMismatch,
    ];

    /// The snake_case word the spec writes.
    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::UnrecognizedLine => "unrecognized_line",
            GapKind::InvalidJsonExample => "invalid_json_example",
            GapKind::MissingExample => "missing_example",
            GapKind::UndefinedType => "undefined_type",
            GapKind::DeclaredTypeConflict => "declared_type_conflict",
            GapKind::UnwitnessedNesting => "unwitnessed_nesting",
            GapKind::AmbiguousChoices => "ambiguous_choices",
            GapKind::ChoicesOnNonString => "choices_on_non_string",
            GapKind::DuplicateField => "duplicate_field",
            GapKind::TypeVariant => "type_variant",
            GapKind::UndescribedParameter => "undescribed_parameter",
            GapKind::NestedParameter => "nested_parameter",
            GapKind::GetWithBody => "get_with_body",
            GapKind::ExampleWithoutAttributes => "example_without_attributes",
            GapKind::AttributesWithoutExample => "attributes_without_example",
            GapKind::UndocumentedExampleKey => "undocumented_example_key",
            GapKind::UndefinedSchema => "undefined_schema",
            GapKind::ResponseNotShown => "response_not_shown",
            GapKind::TruncatedDescription => "truncated_description",
            GapKind::PathMismatch => "path_mismatch",
            GapKind::RecoveredName => "recovered_name",
            GapKind::NamelessRow => "nameless_row",
            GapKind::UndescribedOperation => "undescribed_operation",
            GapKind::ResponseStatusUnknown => "response_status_unknown",
            GapKind::OperationCount => "operation_count",
            GapKind::InvalidPath => "invalid_path",
            GapKind::UnreadableSchema => "unreadable_schema",
            GapKind::UnreadKeyword => "unread_keyword",
            GapKind::ExternalRef => "external_ref",
            GapKind::StringBody => "string_body",
            GapKind::ParameterNameNote => "parameter_name_note",
            GapKind::UnsupportedConstruct => "unsupported_construct",
            GapKind::DefinitionConflict => "definition_conflict",
            GapKind::DefinitionUnmatched => "definition_unmatched",
            GapKind::ExampleMismatch => "example_mismatch",
        }
    }
}

impl fmt::Display for GapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type language: written in the YAML as `string`, `integer`, `number`, `boolean`,
/// `date`, `datetime`, `any`, `array<T>`, `map<T>`, or a type name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// UTF-8 string.
    String,
    /// Whole number.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` / `false`.
    Boolean,
    /// Calendar date (`2015-05-24`).
    Date,
    /// Timestamp in one of [`Api::datetime_formats`].
    DateTime,
    /// Any JSON value.
    Any,
    /// JSON array.
    Array(Box<TypeRef>),
    /// JSON object with arbitrary keys.
    Map(Box<TypeRef>),
    /// A [`TypeDef`] by name.
    Named(String),
}

impl TypeRef {
    /// The named type this refers to, through arrays and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(n) => Some(n),
            TypeRef::Array(t) | TypeRef::Map(t) => t.named(),
            _ => None,
        }
    }
}

impl fmt::Display for TypeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeRef::String => f.write_str("string"),
            TypeRef::Integer => f.write_str("integer"),
            TypeRef::Number => f.write_str("number"),
            TypeRef::Boolean => f.write_str("boolean"),
            TypeRef::Date => f.write_str("date"),
            TypeRef::DateTime => f.write_str("datetime"),
            TypeRef::Any => f.write_str("any"),
            TypeRef::Array(t) => write!(f, "array<{t}>"),
            TypeRef::Map(t) => write!(f, "map<{t}>"),
            TypeRef::Named(n) => f.write_str(n),
        }
    }
}

impl FromStr for TypeRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let inner = |prefix: &str| {
            s.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
                .map(|inner| inner.parse::<TypeRef>().map(Box::new))
        };
        if let Some(t) = inner("array<") {
            return Ok(TypeRef::Array(t?));
        }
        if let Some(t) = inner("map<") {
            return Ok(TypeRef::Map(t?));
        }
        Ok(match s {
            "string" => TypeRef::String,
            "integer" => TypeRef::Integer,
            "number" => TypeRef::Number,
            "boolean" => TypeRef::Boolean,
            "date" => TypeRef::Date,
            "datetime" => TypeRef::DateTime,
            "any" => TypeRef::Any,
            name if is_type_name(name) => TypeRef::Named(name.to_string()),
            other => return Err(format!("not a type: {other:?}")),
        })
    }
}

/// A type name is PascalCase ASCII: a capital letter, then letters and digits.
pub fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

impl Serialize for TypeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TypeRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a fact comes from: written `doc:retrieve-all-events/parameters/order` (a place
/// in the snapshot, named by an [`Anchor`]), `def:#/paths/~1contacts/get/parameters/2` (a
/// place in the API's OpenAPI definition) or `overlay:<entry>` (an entry of the hand-kept
/// overlay beside the snapshot). `doc:142` (line 142 of the snapshot) is how readers name
/// places while they read, before the pipeline anchors them, and how specs written
/// before anchors named them; it still reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// A 1-based line of the snapshot.
    Doc(u32),
    /// A place in the snapshot, by anchor (see `specs/README.md`, "Sources").
    Anchor(Anchor),
    /// A place in the definition ([`Api::definition`]).
    Def(Pointer),
    /// An overlay entry, by its key.
    Overlay(String),
}

impl Source {
    /// The snapshot line, when the fact comes from a line of the snapshot (an anchored
    /// place has a line only in the document it was read from: `cargo xtask locate`).
    pub fn line(&self) -> Option<u32> {
        match self {
            Source::Doc(l) => Some(*l),
            Source::Anchor(_) | Source::Def(_) | Source::Overlay(_) => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Doc(line) => write!(f, "doc:{line}"),
            Source::Anchor(anchor) => write!(f, "doc:{anchor}"),
            Source::Def(pointer) => write!(f, "def:{pointer}"),
            Source::Overlay(key) => write!(f, "overlay:{key}"),
        }
    }
}

impl FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(place) = s.strip_prefix("doc:") {
            if !place.is_empty() && place.bytes().all(|b| b.is_ascii_digit()) {
                return place.parse().map(Source::Doc).map_err(|_| format!("bad line number in source {s:?}"));
            }
            return place.parse().map(Source::Anchor).map_err(|e| format!("bad anchor in source {s:?}: {e}"));
        }
        if let Some(pointer) = s.strip_prefix("def:") {
            return pointer.parse().map(Source::Def).map_err(|e| format!("bad pointer in source {s:?}: {e}"));
        }
        if let Some(key) = s.strip_prefix("overlay:") {
            return Ok(Source::Overlay(key.to_string()));
        }
        Err(format!("a source is `doc:ANCHOR`, `doc:LINE`, `def:#/POINTER` or `overlay:KEY`, not {s:?}"))
    }
}

/// A place in the snapshot that edits elsewhere in the document do not move: a `name`
/// the reader gave a place it recognized (an operation's heading, a block, a parameter or
/// field row), and the number of lines below it (`offset`). Written `name` or
/// `name+offset`: `retrieve-all-events`, `retrieve-all-events/parameters/order`,
/// `retrieve-all-events/response-200+2`. Names are made of letters and digits (the
/// document's, any script: `2fa-ändern`) and `-_.[]~/`, and are never only ASCII digits
/// (that is a line number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Anchor {
    /// The anchor's name, unique in its document.
    pub name: String,
    /// Lines below the anchor's line.
    pub offset: u32,
}

impl Anchor {
    /// The characters an anchor's name is made of.
    pub fn is_name_char(c: char) -> bool {
        c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '[' | ']' | '~' | '/')
    }

    /// Whether `name` can name an anchor.
    pub fn is_name(name: &str) -> bool {
        !name.is_empty() && name.chars().all(Anchor::is_name_char) && !name.bytes().all(|b| b.is_ascii_digit())
    }
}

impl fmt::Display for Anchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            0 => f.write_str(&self.name),
            n => write!(f, "{}+{n}", self.name),
        }
    }
}

impl FromStr for Anchor {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, offset) = match s.split_once('+') {
            Some((name, offset)) => {
                let offset = offset
                    .parse()
                    .ok()
                    .filter(|_| offset.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| format!("after `+`, a number of lines, not {offset:?}"))?;
                (name, offset)
            }
            None => (s, 0),
        };
        if !Anchor::is_name(name) {
            return Err(format!("an anchor's name is letters, digits and `-_.[]~/`, not only digits: {name:?}"));
        }
        Ok(Anchor { name: name.to_string(), offset })
    }
}

/// A place in a JSON (or YAML) document: a JSON Pointer (RFC 6901), kept as its reference
/// tokens and written in its URI-fragment form without percent-encoding, the way `$ref`s
/// are usually written: `#` then `/token` for each token, `~` escaped as `~0` and `/` as
/// `~1` (`#/paths/~1api~1v1~1contacts/get/parameters/2`). `#` alone is the whole document.
/// The tokens are shared: a reader joins a pointer at every step down a document and
/// clones it into every source, and a shared token is copied without an allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(Vec<std::sync::Arc<str>>);

impl Pointer {
    /// The whole document.
    pub fn root() -> Pointer {
        Pointer(Vec::new())
    }

    /// The pointer one level down, at `token` (an object key or an array index).
    pub fn join(&self, token: impl fmt::Display) -> Pointer {
        // Room for the new token from the start: a clone has none, and a reader joins a
        // pointer at every step down a document.
        let mut tokens = Vec::with_capacity(self.0.len() + 1);
        tokens.extend_from_slice(&self.0);
        tokens.push(token.to_string().into());
        Pointer(tokens)
    }

    /// The reference tokens, unescaped.
    pub fn tokens(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.iter().map(|token| &**token)
    }

    /// Whether `self` is `other` or a place inside it.
    pub fn starts_with(&self, other: &Pointer) -> bool {
        self.0.starts_with(&other.0)
    }
}

impl<S: Into<String>> FromIterator<S> for Pointer {
    fn from_iter<I: IntoIterator<Item = S>>(tokens: I) -> Self {
        Pointer(tokens.into_iter().map(|token| token.into().into()).collect())
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#")?;
        for token in &self.0 {
            f.write_str("/")?;
            // `~` is written `~0` and `/` is written `~1` (RFC 6901); most tokens have neither.
            for (i, part) in token.split('~').enumerate() {
                if i > 0 {
                    f.write_str("~0")?;
                }
                for (j, piece) in part.split('/').enumerate() {
                    if j > 0 {
                        f.write_str("~1")?;
                    }
                    f.write_str(piece)?;
                }
            }
        }
        Ok(())
    }
}

impl FromStr for Pointer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let rest = s.strip_prefix('#').ok_or_else(|| format!("a pointer starts with `#`: {s:?}"))?;
        if rest.is_empty() {
            return Ok(Pointer::root());
        }
        let rest =
            rest.strip_prefix('/').ok_or_else(|| format!("after `#`, a pointer's tokens start with `/`: {s:?}"))?;
        rest.split('/')
            .map(|token| {
                let mut out = String::new();
                let mut chars = token.chars();
                while let Some(c) = chars.next() {
                    if c != '~' {
                        out.push(c);
                        continue;
                    }
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => return Err(format!("`~` must be followed by `0` or `1` in {s:?}")),
                    }
                }
                Ok(out.into())
            })
            .collect::<Result<Vec<_>, String>>()
            .map(Pointer)
    }
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Api {
    /// An API with only its name and snapshot known: the title is the name, until the
    /// overlay says more.
    pub fn new(name: &str, snapshot: &str) -> Api {
        Api {
            name: name.to_string(),
            title: name.to_string(),
            version: None,
            snapshot: snapshot.to_string(),
            definition: None,
            base_url: None,
            auth: Vec::new(),
            pagination: None,
            rate_limit: None,
            error_body: None,
            statuses: Vec::new(),
            datetime_formats: Vec::new(),
        }
    }
}

impl Spec {
    /// Looks a named type up.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_refs_round_trip_through_their_text_form() {
        for text in ["string", "array<Contact>", "map<array<integer>>", "datetime", "any"] {
            let parsed: TypeRef = text.parse().unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        assert!("array<string".parse::<TypeRef>().is_err());
        assert!("lowercase_name".parse::<TypeRef>().is_err());
    }

    #[test]
    fn gap_kinds_are_written_as_their_words() {
        for kind in GapKind::ALL {
            let yaml = crate::yaml::to_string(&kind).unwrap();
            assert_eq!(yaml.trim(), kind.as_str());
            assert_eq!(crate::yaml::from_str::<GapKind>(&yaml).unwrap(), kind);
        }
        assert!(crate::yaml::from_str::<GapKind>("no_such_kind").is_err());
    }

    #[test]
    fn anchored_sources_round_trip_and_lines_still_read() {
        let anchor = |name: &str, offset| Source::Anchor(Anchor { name: name.into(), offset });
        for (text, source) in [
            ("doc:retrieve-all-events", anchor("retrieve-all-events", 0)),
            (
                "doc:retrieve-all-events/parameters/filters[title]",
                anchor("retrieve-all-events/parameters/filters[title]", 0),
            ),
            ("doc:retrieve-all-events/response-200+2", anchor("retrieve-all-events/response-200", 2)),
            ("doc:top+7", anchor("top", 7)),
            ("doc:2fa~2+1", anchor("2fa~2", 1)),
            ("doc:2fa-ändern/request-example", anchor("2fa-ändern/request-example", 0)),
            ("doc:390", Source::Doc(390)),
        ] {
            assert_eq!(text.parse::<Source>().unwrap(), source, "{text}");
            assert_eq!(source.to_string(), text);
            let yaml = crate::yaml::to_string(&source).unwrap();
            assert_eq!(crate::yaml::from_str::<Source>(&yaml).unwrap(), source, "{yaml}");
        }
        // `+0` is the anchor itself, written without it.
        assert_eq!("doc:a+0".parse::<Source>().unwrap().to_string(), "doc:a");
        for bad in ["doc:", "doc:a b", "doc:a+", "doc:a+x", "doc:a+-1", "doc:+3", "doc:a+1+2", "doc:a\u{202e}b"] {
            assert!(bad.parse::<Source>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sources_round_trip_through_their_text_form() {
        assert_eq!("doc:142".parse::<Source>().unwrap(), Source::Doc(142));
        assert_eq!(
            "overlay:choices.contact_source".parse::<Source>().unwrap(),
            Source::Overlay("choices.contact_source".into())
        );
        assert!("line 3".parse::<Source>().is_err());
    }

    #[test]
    fn definition_sources_are_json_pointers_with_rfc_6901_escapes() {
        let text = "def:#/paths/~1api~1v1~1contacts/get/parameters/2";
        let source: Source = text.parse().unwrap();
        let Source::Def(pointer) = &source else { panic!("{source:?}") };
        assert_eq!(pointer.tokens().collect::<Vec<_>>(), ["paths", "/api/v1/contacts", "get", "parameters", "2"]);
        assert_eq!(source.to_string(), text);
        assert_eq!(source.line(), None);
        // `~` and `/` inside one token, escaped in the order RFC 6901 prescribes, and a
        // token that is empty or holds spaces and braces, all kept exactly.
        let pointer = Pointer::root().join("a~/b").join("").join("/c/{id} x").join("~1");
        assert_eq!(pointer.to_string(), "#/a~0~1b//~1c~1{id} x/~01");
        assert_eq!(pointer.to_string().parse::<Pointer>().unwrap(), pointer);
        assert_eq!("#".parse::<Pointer>().unwrap(), Pointer::root());
        assert_eq!(Pointer::root().to_string(), "#");
        // `~01` is `~1`, not `/`.
        assert_eq!("#/~01".parse::<Pointer>().unwrap().tokens().collect::<Vec<_>>(), ["~1"]);
        assert!("def:/paths".parse::<Source>().is_err());
        assert!("def:#paths".parse::<Source>().is_err());
        assert!("def:#/a~2b".parse::<Source>().is_err());
        assert!("def:#/a~".parse::<Source>().is_err());
    }

    #[test]
    fn a_definition_source_survives_yaml() {
        let source = Source::Def(Pointer::root().join("paths").join("/contacts/{id}").join("get"));
        let text = crate::yaml::to_string(&source).unwrap();
        assert_eq!(crate::yaml::from_str::<Source>(&text).unwrap(), source);
    }
}
