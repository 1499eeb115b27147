//! What a documentation reader produces: the document's operations and shapes as the
//! document writes them (anonymous nested objects, choices as raw text, the doc's own
//! type words), before `normalize` names, merges and types them into a `Spec`.

use codegen::spec::{Api, Example, Gap, GapKind, Method, ParamLocation, Source, TypeRef};
use heck::ToUpperCamelCase;

use crate::anchors::Anchors;

/// A reader's whole result.
#[derive(Debug, Clone)]
pub struct Draft {
    /// API facts the reader could find (the overlay adds the rest).
    pub api: Api,
    /// Operations in document order.
    pub operations: Vec<DraftOperation>,
    /// Global parameters the document lists outside operations (paging, ...).
    pub global_parameters: Vec<DraftParam>,
    /// What the reader could not understand.
    pub gaps: Vec<Gap>,
    /// Object shapes that recur are one type: the reader inferred them from samples, in
    /// which one schema of the source document repeats, inlined, under every owner.
    pub merge_identical_shapes: bool,
    /// The places the reader recognized, which `doc:` sources are anchored to (none for
    /// a definition, whose sources are pointers).
    pub anchors: Anchors,
}

/// One operation as the document shows it.
#[derive(Debug, Clone)]
pub struct DraftOperation {
    /// The document's title for it; the operation id derives from it.
    pub title: String,
    /// The id the overlay gives it instead (readers leave it `None`).
    pub id: Option<String>,
    /// The resource the overlay puts it in (readers leave it `None`: the path's).
    pub resource: Option<String>,
    /// Prose under the title.
    pub description: Option<String>,
    /// HTTP method, when the document shows it.
    pub method: Option<Method>,
    /// Path template without query part, when the document shows it.
    pub path: Option<String>,
    /// Where method and path come from when not from the operation's own text (an
    /// overlay entry, or a prose line of the snapshot).
    pub resolved_by: Option<Source>,
    /// Parameters in document order.
    pub parameters: Vec<DraftParam>,
    /// Request body, when the document shows attributes or an example.
    pub request: Option<DraftBody>,
    /// Responses in document order.
    pub responses: Vec<DraftResponse>,
    /// Where it starts.
    pub source: Source,
}

/// A parameter as the document shows it.
#[derive(Debug, Clone)]
pub struct DraftParam {
    /// Wire name.
    pub name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// The document's type.
    pub ty: DraftType,
    /// Documented as required.
    pub required: bool,
    /// Documented as deprecated.
    pub deprecated: bool,
    /// Default as written.
    pub default: Option<String>,
    /// The document's format word (`ObjectId`).
    pub format: Option<String>,
    /// The document's words.
    pub description: Option<String>,
    /// Listed choices.
    pub choices: Option<Choices>,
    /// Where it is.
    pub source: Source,
    /// What reconciliation with a definition took into it.
    pub by_definition: ByDefinition,
}

/// What a page's parameter or field got from the definition behind the page (empty for a
/// reader's own reading).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ByDefinition {
    /// The definition's place for the same parameter or field, when a fact the page does
    /// not state (a more precise type, `required`, `nullable`, a format, a default, the
    /// allowed values, where a parameter travels) was taken from it.
    pub taken_from: Option<Source>,
    /// The type is stated exactly (by a definition): a `number` stays a number even when
    /// every example shows a whole one.
    pub type_stated: bool,
}

impl ByDefinition {
    /// A definition's own member: its type is stated exactly.
    pub fn stated() -> ByDefinition {
        ByDefinition { taken_from: None, type_stated: true }
    }
}

/// A request body as the document shows it.
#[derive(Debug, Clone)]
pub struct DraftBody {
    /// Media type.
    pub content_type: String,
    /// Its shape; `None` when the document shows only examples.
    pub shape: Option<DraftType>,
    /// Examples, verbatim.
    pub examples: Vec<Example>,
    /// Where it starts.
    pub source: Source,
}

/// A response as the document shows it.
#[derive(Debug, Clone)]
pub struct DraftResponse {
    /// Status code or class.
    pub status: String,
    /// The document does not state the status: the reader assumed it (a scrape that lost
    /// the codes shows a success sample, read as `200`). A definition's status is taken.
    pub status_assumed: bool,
    /// The document's words.
    pub description: Option<String>,
    /// Its shape; `None` when the document shows none.
    pub shape: Option<DraftType>,
    /// Examples, verbatim.
    pub examples: Vec<Example>,
    /// Where it starts.
    pub source: Source,
    /// The definition's response, when its status was taken from it.
    pub taken_from: Option<Source>,
}

/// A type as the document writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum DraftType {
    /// A primitive of the closed type language.
    Prim(TypeRef),
    /// An array.
    Array(Box<DraftType>),
    /// An object with arbitrary keys (field names, ids) whose values share a type.
    Map(Box<DraftType>),
    /// An object whose fields the document lists here.
    Object(DraftObject),
    /// A type the document names without listing its fields here.
    Named(String),
    /// Any JSON.
    Any,
}

/// An object whose fields the document lists.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftObject {
    /// The document's name for it, when it gives one.
    pub doc_name: Option<String>,
    /// Fields in document order.
    pub fields: Vec<DraftField>,
    /// Where it starts.
    pub source: Source,
    /// The definition's schema, when the page's object took its name from it.
    pub taken_from: Option<Source>,
}

/// A field as the document shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftField {
    /// Wire name.
    pub name: String,
    /// The document's type.
    pub ty: DraftType,
    /// Documented as required.
    pub required: bool,
    /// Documented as nullable.
    pub nullable: bool,
    /// Documented as deprecated.
    pub deprecated: bool,
    /// Default as written.
    pub default: Option<String>,
    /// The document's format word (`ObjectId`).
    pub format: Option<String>,
    /// The document's words.
    pub description: Option<String>,
    /// Listed choices.
    pub choices: Option<Choices>,
    /// Where it is.
    pub source: Source,
    /// What reconciliation with a definition took into it.
    pub by_definition: ByDefinition,
}

/// A list of allowed values as the document prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    /// The text after `Choices:`, verbatim.
    pub text: String,
    /// The values, when the document itself delimits them (`Enum: "a" "b"`): no
    /// splitting rule or overlay is needed.
    pub values: Option<Vec<String>>,
    /// The document's name for the enum (`Contacts.ContactType` → `ContactsContactType`).
    pub doc_name: Option<String>,
    /// Where it is.
    pub source: Source,
}

/// A gap at a line.
pub fn gap(kind: GapKind, line: u32, message: impl Into<String>) -> Gap {
    Gap { kind, message: message.into(), source: Source::Doc(line) }
}

/// The type name for a name the document gives a type, every reader alike:
/// `Contacts.ContactType` → `ContactsContactType`, `DealNewDealCreationRequest` unchanged.
pub fn doc_type_name(doc: &str) -> String {
    doc.split('.').map(|part| part.to_upper_camel_case()).collect()
}
