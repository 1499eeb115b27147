//! The overlay file's format: one struct per section, read with serde (unknown keys
//! refused), each entry with its key (`operations.3`) and its place in the file. Adding
//! a section: a struct for its entries (with `cite` and `quotes`, and [`Cited`], when it
//! states facts) and a field of [`Sections`].

use codegen::path::PathTemplate;
use codegen::spec::{Method, Side, Source, TypeRef};
use codegen::yaml::Step;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// An entry's key (`operations.3`, `types.ApiError`, `api.auth.0`) and its place in the
/// file.
#[derive(Debug, Clone)]
pub(super) struct Key {
    pub(super) name: String,
    pub(super) path: Vec<Step>,
}

impl Key {
    /// Item `index` of section `section` (`operations.3`).
    pub(super) fn item(section: &str, index: usize) -> Key {
        Key { name: format!("{section}.{index}"), path: vec![Step::Key(section.into()), Step::Index(index)] }
    }

    /// A fact of the `api` section (`api.rate_limit`), or an item of one (`api.auth.0`).
    pub(super) fn api(field: &str, index: Option<usize>) -> Key {
        let mut path = vec![Step::Key("api".into()), Step::Key(field.into())];
        let name = match index {
            Some(i) => {
                path.push(Step::Index(i));
                format!("api.{field}.{i}")
            }
            None => format!("api.{field}"),
        };
        Key { name, path }
    }

    pub(super) fn source(&self) -> Source {
        Source::Overlay(self.name.clone())
    }
}

/// The overlay file, one struct per section.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Sections {
    /// The reader, the API's names, and API facts.
    pub(super) api: ApiSection,
    /// Splits of choice texts.
    #[serde(default)]
    pub(super) choices: Vec<ChoiceSplit>,
    /// Types to add, in the spec's shape.
    #[serde(default)]
    pub(super) types: Vec<SpecShaped>,
    /// Operations grouped under a resource.
    #[serde(default)]
    pub(super) resources: Vec<ResourceGroup>,
    /// Parameter type corrections.
    #[serde(default)]
    pub(super) parameters: Vec<ParameterType>,
    /// Ids and routes of operations.
    #[serde(default)]
    pub(super) operations: Vec<OperationEntry>,
    /// List operations the document shows no response for.
    #[serde(default)]
    pub(super) lists: Vec<ListEntry>,
    /// Names of derived types.
    #[serde(default)]
    pub(super) type_names: Vec<TypeName>,
    /// The vendor pages `cargo xtask fetch` reads.
    #[serde(default)]
    pub(super) pages: Vec<PageEntry>,
    /// Request bodies the document describes in prose.
    #[serde(default)]
    pub(super) bodies: Vec<BodyEntry>,
    /// Disagreements of the page and the definition, settled.
    #[serde(default)]
    pub(super) settlements: Vec<SettlementEntry>,
    /// Operations only the definition has, generated all the same.
    #[serde(default)]
    pub(super) definition_operations: Vec<DefinitionOperationEntry>,
}

/// `bodies`: a request body the document describes in prose as taking the fields of
/// another operation's body (an update "may change any attribute"): `operation`'s body
/// gets every field of `fields_of`'s body it lacks, all optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BodyEntry {
    pub(super) operation: String,
    pub(super) fields_of: String,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `settlements`: the side to take where the page (or the overlay's facts standing for
/// its prose) and the definition disagree: every disagreement about `fact` whose
/// definition side is stated at `at` (a JSON pointer into the definition) or inside it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SettlementEntry {
    /// A place in the definition: `#/servers/0`, `#/components/schemas/Contacts.ShortContact`.
    pub(super) at: String,
    /// The fact (`base_url`, `responses.403`, `parameters.id:type`) or its attribute (`nullable`).
    pub(super) fact: String,
    /// `page` or `definition`.
    pub(super) take: Side,
    /// Why that side is right.
    pub(super) reason: String,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `definition_operations`: an operation only the definition has (the page does not show
/// it), generated all the same, for a reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DefinitionOperationEntry {
    pub(super) method: Method,
    /// The path, as the definition writes it.
    pub(super) path: String,
    /// Why the client should have it though the page does not show it.
    pub(super) reason: String,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `pages:`: one vendor page the API's documentation is published on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageEntry {
    /// Where it is published.
    pub url: String,
    /// How to read it.
    pub style: crate::pages::Style,
    /// Why this is the API's page (its public evidence).
    pub cite: String,
}

impl Cited for PageEntry {
    fn citation(&self) -> (Option<&str>, &[String]) {
        (Some(&self.cite), &[])
    }
}

/// `api:`: the reader, the API's names, and facts in the spec's own shapes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ApiSection {
    pub(super) reader: String,
    pub(super) name: String,
    pub(super) title: String,
    #[serde(default)]
    pub(super) version: Option<Version>,
    #[serde(default)]
    pub(super) base_url: Option<SpecShaped>,
    #[serde(default)]
    pub(super) auth: Vec<SpecShaped>,
    #[serde(default)]
    pub(super) pagination: Option<SpecShaped>,
    #[serde(default)]
    pub(super) rate_limit: Option<SpecShaped>,
    #[serde(default)]
    pub(super) error_body: Option<SpecShaped>,
}

/// An entry that states a fact: its public source and the snapshot text it quotes.
pub(super) trait Cited {
    /// `cite` (absent only where the entry states no fact) and `quotes`.
    fn citation(&self) -> (Option<&str>, &[String]);
}

macro_rules! cited {
    ($($entry:ty),*) => {
        $(impl Cited for $entry {
            fn citation(&self) -> (Option<&str>, &[String]) {
                (Some(&self.cite), &self.quotes)
            }
        })*
    };
}
cited!(
    Version,
    SpecShaped,
    ChoiceSplit,
    ResourceGroup,
    ParameterType,
    ListEntry,
    BodyEntry,
    SettlementEntry,
    DefinitionOperationEntry
);

impl Cited for OperationEntry {
    fn citation(&self) -> (Option<&str>, &[String]) {
        (self.cite.as_deref(), &self.quotes)
    }
}

/// `api.version`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Version {
    pub(super) value: String,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// A fact or type in the spec's own shape, without its `source` (the entry is).
#[derive(Debug, Clone, Deserialize)]
pub(super) struct SpecShaped {
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
    /// The spec-shaped fields, checked when read into their spec type.
    #[serde(flatten)]
    pub(super) fields: serde_json::Map<String, Value>,
}

impl SpecShaped {
    /// The fact as a spec value, with the entry as its source (and, for a type, as the
    /// source of each field).
    pub(super) fn read<T: DeserializeOwned>(&self, key: &Key) -> Result<T, serde_json::Error> {
        let source = Value::String(key.source().to_string());
        let mut fields = self.fields.clone();
        if key.path.first() == Some(&Step::Key("types".into())) {
            fields.insert("sources".into(), Value::Array(vec![source.clone()]));
            if let Some(Value::Array(list)) = fields.get_mut("fields") {
                for f in list.iter_mut().filter_map(Value::as_object_mut) {
                    f.insert("source".into(), source.clone());
                }
            }
        } else {
            fields.insert("source".into(), source);
        }
        serde_json::from_value(Value::Object(fields))
    }
}

/// `choices`: how a choice text splits into values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChoiceSplit {
    pub(super) text: String,
    pub(super) values: Vec<String>,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `resources`: operation ids grouped under a resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResourceGroup {
    pub(super) resource: String,
    pub(super) operations: Vec<String>,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `parameters`: a correction of a parameter's type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ParameterType {
    pub(super) operation: String,
    pub(super) name: String,
    #[serde(rename = "type")]
    pub(super) ty: TypeRef,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `lists`: a list operation the document shows no response for, and where its page's
/// items are.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListEntry {
    pub(super) operation: String,
    pub(super) items: String,
    pub(super) cite: String,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// `type_names`: a name for a derived type (a naming choice: no citation).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TypeName {
    #[serde(rename = "type")]
    pub(super) ty: String,
    pub(super) name: String,
}

/// `operations`: one operation, found by the start of its description, its whole
/// description (when it is the start of another's), or, for an operation whose
/// description was lost, its response's keys; and what the overlay gives it: an id in
/// place of the slug of its description, a Rust method name, and the method and path its
/// text lost.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OperationEntry {
    #[serde(default)]
    pub(super) description_starts_with: Option<String>,
    #[serde(default)]
    pub(super) description: Option<String>,
    #[serde(default)]
    pub(super) response_keys: Option<Vec<String>>,
    /// A name, not a fact: it needs no citation, and shortens the method's name and the
    /// names of the types derived from the operation.
    #[serde(default)]
    pub(super) id: Option<String>,
    /// A name, not a fact: the operation's Rust method on its resource, where the one
    /// derived from its route and words does not read well.
    #[serde(default)]
    pub(super) rust_name: Option<String>,
    #[serde(default)]
    pub(super) method: Option<Method>,
    #[serde(default)]
    pub(super) path: Option<PathTemplate>,
    /// The group it belongs to (a naming choice, like `id`); default: the path's first
    /// segment after `api`/version.
    #[serde(default)]
    pub(super) resource: Option<String>,
    /// Text of the one line of the snapshot whose prose states method and path (an
    /// example request): the operation is then resolved by that line. A quote: it must be
    /// on exactly one line (whitespace runs compared as one space).
    #[serde(default)]
    pub(super) stated_by: Option<String>,
    /// The line number `stated_by` replaced, refused with a word on how to migrate.
    #[serde(default)]
    pub(super) stated_at: Option<serde::de::IgnoredAny>,
    /// Required with a route (a fact); an entry that only names needs none.
    #[serde(default)]
    pub(super) cite: Option<String>,
    #[serde(default)]
    pub(super) quotes: Vec<String>,
}

/// The entries of a section, with their keys.
pub(super) fn entries<'a, T>(section: &'a [T], name: &'static str) -> impl Iterator<Item = (Key, &'a T)> + 'a {
    section.iter().enumerate().map(move |(i, entry)| (Key::item(name, i), entry))
}
