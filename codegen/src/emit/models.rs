//! Emits one file per named type: structs for objects, open enums for choice lists,
//! aliases to a JSON object for types the document names but never defines.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, rust_type, source_note, Context};
use crate::names::{camel, ident, snake};
use crate::spec::{Field, TypeDef, TypeKind};

/// The variant that keeps values the documentation does not list.
pub const UNDOCUMENTED_VARIANT: &str = "Undocumented";

/// Whether generated structs are `#[non_exhaustive]`. They are: a field the vendor adds
/// to a response breaks no code reading responses (patterns need `..`), and request
/// bodies are built with `new(required...)` and chained setters, so an optional field
/// added to one breaks nothing either (the diff's rules follow this).
pub const STRUCTS_NON_EXHAUSTIVE: bool = true;

/// How a field is held in Rust: `T` (a required, non-nullable field of an input type,
/// an argument of `new()`), `Vec<T>` (an array of an output-only type, empty when
/// absent), else `Option<T>`. The diff's rules read this too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// `T`.
    Plain,
    /// `Vec<T>`, `#[serde(default)]`: absent reads as empty.
    DefaultVec,
    /// `Option<T>`.
    Optional,
}

/// The Rust shape of field `f` of a type that is (`is_input`) or is not reachable from a
/// request body.
pub fn field_shape(f: &Field, is_input: bool) -> FieldShape {
    if is_input && f.required && !f.nullable {
        FieldShape::Plain
    } else if !is_input && !f.nullable && matches!(f.ty, crate::spec::TypeRef::Array(_)) {
        FieldShape::DefaultVec
    } else {
        FieldShape::Optional
    }
}

/// Whether generated enums are `#[non_exhaustive]`. They are: with the undocumented
/// variant they are open already, so an added value breaks no `match`.
pub const ENUMS_NON_EXHAUSTIVE: bool = true;

/// The cargo feature that derives `Serialize` on the structs the client only decodes
/// (responses), for users who write them out again (a cache, a log).
pub const SERIALIZE_FEATURE: &str = "serialize";

/// The cargo feature that derives `Deserialize` on the structs the client only encodes
/// (request bodies), for users who read them from JSON (a queue, a test fixture).
pub const DESERIALIZE_FEATURE: &str = "deserialize";

/// The serde derives of a struct a request body reaches: `Serialize`, and `Deserialize`
/// too when a response reaches it as well, else behind [`DESERIALIZE_FEATURE`]. (A struct
/// no request body reaches decodes with [`decode_impl`] and derives `Serialize` behind
/// [`SERIALIZE_FEATURE`].) serde's derives are most of a generated crate's compile time
/// (measured by removing them from the Wealthbox crate: ~70% of its `cargo check`), so a
/// struct pays for a direction only when the client, or a user who asks for it, needs it.
fn input_serde_derives(is_output: bool) -> (TokenStream, TokenStream) {
    if is_output {
        (quote!(serde::Serialize, serde::Deserialize), TokenStream::new())
    } else {
        (quote!(serde::Serialize), quote!(#[cfg_attr(feature = #DESERIALIZE_FEATURE, derive(serde::Deserialize))]))
    }
}

/// `Deserialize` of a struct no request body reaches (every field is optional or a
/// list), written out instead of derived: one `match` on the key, each field decoded
/// with its own type's `Deserialize`, other keys skipped; the loop over the object is
/// `runtime::decode_object`, compiled once. serde's derive also writes a field enum and
/// its visitor and a visitor for a struct written as a JSON array, for every struct:
/// the written-out form took `cargo check` of the Wealthbox crate from ~3.0 s to ~2.1 s
/// (measured on a copy, interleaved; `python3 bench/bench.py` gives the crates' figures). What decodes is the same: absent fields are `None` or
/// empty, `null` is `None` for an optional field, unknown fields are ignored; a key
/// that comes twice keeps its last value.
fn decode_impl(name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let type_name = name.to_string();
    let allow_deprecated = fields.iter().any(|f| f.deprecated).then(|| quote!(#[allow(deprecated)]));
    let skip = quote!(map.next_value::<serde::de::IgnoredAny>()?;);
    let (key, body) = if fields.is_empty() {
        (quote!(_key), skip)
    } else {
        let arms = fields.iter().map(|f| {
            let wire = &f.name;
            let field = ident(&snake(&f.name));
            quote!(#wire => self.#field = map.next_value()?,)
        });
        (quote!(key), quote! {
            match key {
                #(#arms)*
                _ => {
                    #skip
                }
            }
        })
    };
    quote! {
        impl crate::runtime::Object for #name {
            const NAME: &'static str = #type_name;

            #allow_deprecated
            fn field<'de, A: serde::de::MapAccess<'de>>(&mut self, #key: &str, map: &mut A) -> std::result::Result<(), A::Error> {
                #body
                Ok(())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
                crate::runtime::decode_object(deserializer)
            }
        }
    }
}

/// Names a model file uses without a path (prelude items): no model may take them.
pub(crate) const MODEL_SCOPE: &[&str] = &["From", "Into", "IntoIterator", "Option", "String", "Vec"];

/// Tokens of one model file.
pub fn model(ctx: &Context, def: &TypeDef) -> TokenStream {
    let docs = doc_attrs(def.description.as_deref(), &type_note(ctx, def));
    let name = ident(&camel(&def.name));
    match &def.kind {
        TypeKind::Object { fields } => object(ctx, def, &name, docs, fields),
        TypeKind::Enum { values } => open_enum(&name, docs, values),
        TypeKind::Unknown => quote! {
            #docs
            ///
            /// The documentation names this type but never lists its fields, so any JSON
            /// object is accepted.
            pub type #name = serde_json::Map<String, serde_json::Value>;
        },
    }
}

fn type_note(ctx: &Context, def: &TypeDef) -> String {
    let places: Vec<String> = def.sources.iter().map(|s| ctx.source_text(s)).collect();
    match places.len() {
        0 => String::new(),
        1 => format!("Documented at {}.", places[0]),
        _ => format!("Documented at {}.", places.join(", ")),
    }
}

fn object(ctx: &Context, def: &TypeDef, name: &proc_macro2::Ident, docs: TokenStream, fields: &[Field]) -> TokenStream {
    let is_input = ctx.input_types.contains(&def.name);
    let mut required_args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let members: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let field_name = ident(&snake(&f.name));
            let wire = &f.name;
            let renamed = snake(&f.name) != f.name;
            let rename = renamed.then(|| quote!(#[serde(rename = #wire)]));
            let ty = rust_type(&f.ty);
            let mut note = source_note(ctx, &f.source);
            if let Some(d) = &f.default {
                note = format!("Default: `{d}`. {note}");
            }
            if f.required {
                note = format!("Required. {note}");
            }
            let docs = doc_attrs(f.description.as_deref(), &note);
            let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
            if !is_input {
                // Decoded by `decode_impl`; serde's attributes only for `Serialize`.
                let mut attrs = Vec::new();
                if renamed {
                    attrs.push(quote!(rename = #wire));
                }
                if field_shape(f, is_input) == FieldShape::Optional && !f.required {
                    attrs.push(quote!(skip_serializing_if = "Option::is_none"));
                }
                let serde = (!attrs.is_empty()).then(|| quote!(#[cfg_attr(feature = #SERIALIZE_FEATURE, serde(#(#attrs),*))]));
                let ty = match field_shape(f, is_input) {
                    FieldShape::DefaultVec => ty,
                    _ => quote!(Option<#ty>),
                };
                return quote! { #docs #deprecated #serde pub #field_name: #ty, };
            }
            match field_shape(f, is_input) {
                FieldShape::Plain => {
                    if f.ty == crate::spec::TypeRef::String {
                        required_args.push(quote!(#field_name: impl Into<String>));
                        inits.push(quote!(#field_name: #field_name.into()));
                    } else {
                        required_args.push(quote!(#field_name: #ty));
                        inits.push(quote!(#field_name));
                    }
                    quote! { #docs #deprecated #rename pub #field_name: #ty, }
                }
                // An input type's field is `T` or `Option<T>` (never `DefaultVec`).
                FieldShape::Optional | FieldShape::DefaultVec => {
                    inits.push(quote!(#field_name: None));
                    if snake(&f.name) != "new" {
                        setters.push(setter(f, &field_name, &docs, deprecated.clone()));
                    }
                    let skip = (!f.required).then(|| quote!(#[serde(default, skip_serializing_if = "Option::is_none")]));
                    let skip = skip.unwrap_or_else(|| quote!(#[serde(default)]));
                    quote! { #docs #deprecated #rename #skip pub #field_name: Option<#ty>, }
                }
            }
        })
        .collect();
    let any_deprecated = fields.iter().any(|f| f.deprecated);
    let allow_deprecated = any_deprecated.then(|| quote!(#[allow(deprecated)]));
    let non_exhaustive = STRUCTS_NON_EXHAUSTIVE.then(|| quote!(#[non_exhaustive]));
    if !is_input {
        // A response: read, never built by users (so a field the vendor adds is no
        // breaking change).
        let decode = decode_impl(name, fields);
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Default)]
            #[cfg_attr(feature = #SERIALIZE_FEATURE, derive(serde::Serialize))]
            #non_exhaustive
            pub struct #name {
                #(#members)*
            }

            #decode
        };
    }
    let (serde_derives, gated_derives) = input_serde_derives(ctx.output_types.contains(&def.name));
    let derive_default = required_args.is_empty().then(|| quote!(Default,));
    let too_many = (required_args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let ctor_doc = if required_args.is_empty() {
        format!("An empty `{}`: set its fields with the methods below.", def.name)
    } else {
        format!("A `{}` with its required fields; set the others with the methods below.", def.name)
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default #serde_derives)]
        #gated_derives
        #non_exhaustive
        pub struct #name {
            #(#members)*
        }

        impl #name {
            #[doc = #ctor_doc]
            #allow_deprecated
            #too_many
            pub fn new(#(#required_args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    }
}

/// A chained setter of an optional field of an input type.
fn setter(f: &Field, name: &proc_macro2::Ident, docs: &TokenStream, deprecated: Option<TokenStream>) -> TokenStream {
    let allow = deprecated.as_ref().map(|_| quote!(#[allow(deprecated)]));
    let (param, value) = match &f.ty {
        crate::spec::TypeRef::String => (quote!(value: impl Into<String>), quote!(value.into())),
        crate::spec::TypeRef::Named(_) => {
            let ty = rust_type(&f.ty);
            (quote!(value: impl Into<#ty>), quote!(value.into()))
        }
        crate::spec::TypeRef::Array(inner) => {
            let item = rust_type(inner);
            (quote!(values: impl IntoIterator<Item = impl Into<#item>>), quote!(values.into_iter().map(Into::into).collect()))
        }
        other => {
            let ty = rust_type(other);
            (quote!(value: #ty), quote!(value))
        }
    };
    quote! {
        #docs
        #deprecated
        #allow
        pub fn #name(mut self, #param) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

fn open_enum(name: &proc_macro2::Ident, docs: TokenStream, values: &[String]) -> TokenStream {
    let mut seen = BTreeSet::new();
    let variants: Vec<(proc_macro2::Ident, &String)> =
        values.iter().filter(|v| seen.insert(camel(v))).map(|v| (ident(&camel(v)), v)).collect();
    let undocumented = ident(UNDOCUMENTED_VARIANT);
    let decls = variants.iter().map(|(variant, wire)| {
        let doc = super::comment_safe(&format!("`{wire}`"));
        quote! { #[doc = #doc] #variant, }
    });
    let from_arms = variants.iter().map(|(variant, wire)| quote!(#wire => Self::#variant,));
    let as_str_arms = variants.iter().map(|(variant, wire)| quote!(Self::#variant => #wire,));
    let open_doc = format!(
        "Open: a value the documentation does not list decodes as [`{name}::{UNDOCUMENTED_VARIANT}`] instead of failing."
    );
    let non_exhaustive = ENUMS_NON_EXHAUSTIVE.then(|| quote!(#[non_exhaustive]));
    quote! {
        #docs
        ///
        #[doc = #open_doc]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        #non_exhaustive
        pub enum #name {
            #(#decls)*
            /// A value the documentation does not list, kept as received.
            #undocumented(String),
        }

        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str_arms)*
                    Self::#undocumented(value) => value,
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #(#from_arms)*
                    _ => Self::#undocumented(value),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from(value.to_string())
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                value.as_str().to_string()
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    }
}
