//! Emits the crate root (`lib.rs`), the `Client` with its builder and credentials
//! (`client.rs`), and the crate's `Cargo.toml`, from the spec's API facts.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, rust_type, Context};
use crate::names::{camel, ident};
use crate::spec::{AuthScheme, Spec};

/// One way to authenticate, as a variant of the generated `Auth` enum.
struct AuthVariant {
    variant: String,
    doc: String,
    /// `Some(header)` for an API key header; `None` for `Authorization: Bearer`.
    header: Option<String>,
}

fn auth_variants(ctx: &Context) -> Vec<AuthVariant> {
    let mut variants = Vec::new();
    let mut bearer_doc: Option<String> = None;
    for scheme in &ctx.spec.api.auth {
        match scheme {
            AuthScheme::ApiKeyHeader { header, description, source } => variants.push(AuthVariant {
                variant: camel(&header.to_lowercase()),
                doc: format!(
                    "{} Sent as the `{header}` header. Source: {}.",
                    description.clone().unwrap_or_else(|| "An API key.".into()),
                    ctx.source_text(source)
                ),
                header: Some(header.clone()),
            }),
            AuthScheme::Bearer { description, source } => {
                let text = format!(
                    "{} Sent as `Authorization: Bearer <token>`. Source: {}.",
                    description.clone().unwrap_or_else(|| "A bearer token.".into()),
                    ctx.source_text(source)
                );
                bearer_doc = Some(bearer_doc.map(|d| format!("{d} {text}")).unwrap_or(text));
            }
            AuthScheme::OAuth2 { source, .. } => {
                let text = format!("OAuth 2 access tokens go here too (source: {}).", ctx.source_text(source));
                bearer_doc = Some(bearer_doc.map(|d| format!("{d} {text}")).unwrap_or(text));
            }
        }
    }
    if let Some(doc) = bearer_doc {
        variants.push(AuthVariant { variant: "Bearer".into(), doc, header: None });
    }
    variants
}

/// `lib.rs`: crate docs, modules, re-exports, and the two items the runtime uses.
pub fn lib_rs(ctx: &Context) -> TokenStream {
    let api = &ctx.spec.api;
    let resolved = ctx.spec.operations.iter().filter(|o| o.is_resolved()).count();
    let unresolved = ctx.spec.operations.len() - resolved;
    let mut crate_doc = format!(
        "A typed client for the {}, generated from its documentation (`{}`).\n\n\
         Every operation is a method on [`Client`] that takes the required inputs and \
         returns a request builder for the optional ones: `.await` it (or call `.send()`), \
         or call `.send_with_response()` for the status and headers.\n\n\
         {} operations, {} types.",
        api.title,
        api.snapshot,
        resolved,
        ctx.spec.types.len()
    );
    if unresolved > 0 {
        crate_doc.push_str(&format!(
            " {unresolved} documented operations have no known method and path and get no method; their types are in [`models`]."
        ));
    }
    let doc_lines: Vec<String> =
        crate_doc.lines().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect();
    let error_body = match &api.error_body {
        Some(body) => {
            let ty = rust_type(&body.ty);
            let doc =
                format!("The body of the API's unsuccessful responses. Source: {}.", ctx.source_text(&body.source));
            // A body of many fields is boxed, so that `Error` (and every `Result`) stays small.
            let fields = body.ty.named().and_then(|n| ctx.spec.type_def(n)).map(|def| match &def.kind {
                crate::spec::TypeKind::Object { fields } => fields.len(),
                _ => 0,
            });
            if fields.unwrap_or(0) > 3 {
                quote!(#[doc = #doc] pub type ApiErrorBody = Box<#ty>;)
            } else {
                quote!(#[doc = #doc] pub type ApiErrorBody = #ty;)
            }
        }
        None => quote! {
            /// The body of the API's unsuccessful responses (not documented: any JSON).
            pub type ApiErrorBody = serde_json::Value;
        },
    };
    let formats = &api.datetime_formats;
    quote! {
        #(#![doc = #doc_lines])*
        #![forbid(unsafe_code)]

        pub mod client;
        pub mod models;
        pub mod resources;
        pub mod runtime;

        pub use client::{Auth, Client, ClientBuilder};
        /// The HTTP client crate, for its types in this API ([`Response::headers`], [`ClientBuilder::http_client`]).
        pub use reqwest;
        pub use runtime::{Date, Error, Response, Secret, Timestamp};

        #error_body

        /// Timestamp formats of the documentation (chrono syntax; `rfc3339`), the first
        /// one used to send timestamps.
        pub const DATETIME_FORMATS: &[&str] = &[#(#formats),*];
    }
}

/// `client.rs`: `Auth`, `Client`, `ClientBuilder`.
pub fn client_rs(ctx: &Context) -> TokenStream {
    let api = &ctx.spec.api;
    let variants = auth_variants(ctx);
    let decls = variants.iter().map(|v| {
        let name = ident(&v.variant);
        let doc = &v.doc;
        quote!(#[doc = #doc] #name(Secret),)
    });
    let header_arms = variants.iter().map(|v| {
        let name = ident(&v.variant);
        match &v.header {
            Some(header) => {
                let lower = header.to_lowercase();
                quote!(Auth::#name(secret) => (HeaderName::from_static(#lower), secret.expose().to_string()),)
            }
            None => quote! {
                Auth::#name(secret) => (reqwest::header::AUTHORIZATION, format!("Bearer {}", secret.expose())),
            },
        }
    });
    // Base URL placeholders (`{account}`) are required arguments of `new` and `builder`.
    let variables: Vec<&crate::spec::UrlVariable> = api.base_url.iter().flat_map(|b| &b.variables).collect();
    let var_idents: Vec<proc_macro2::Ident> = variables.iter().map(|v| ident(&crate::names::snake(&v.name))).collect();
    let var_args: Vec<TokenStream> = var_idents.iter().map(|name| quote!(#name: impl Into<String>)).collect();
    let (base_url_const, base_url_init) = match &api.base_url {
        Some(base) if base.variables.is_empty() => {
            let url = base.url.trim_end_matches('/');
            let doc = format!("The documented base URL. Source: {}.", ctx.source_text(&base.source));
            (
                quote!(#[doc = #doc] pub const DEFAULT_BASE_URL: &'static str = #url;),
                quote!(Client::DEFAULT_BASE_URL.to_string()),
            )
        }
        Some(base) => {
            let url = base.url.trim_end_matches('/');
            let placeholders: Vec<String> = variables
                .iter()
                .map(|v| format!("`{{{}}}`: {}", v.name, v.description.as_deref().unwrap_or("undocumented")))
                .collect();
            let doc = format!(
                "The documented base URL; `new` and `builder` fill its placeholders ({}). Source: {}.",
                placeholders.join(", "),
                ctx.source_text(&base.source)
            );
            let replaces = variables.iter().zip(&var_idents).map(|(v, name)| {
                let placeholder = format!("{{{}}}", v.name);
                quote!(.replace(#placeholder, &#name.into()))
            });
            (
                quote!(#[doc = #doc] pub const BASE_URL_TEMPLATE: &'static str = #url;),
                quote!(Client::BASE_URL_TEMPLATE.to_string() #(#replaces)*),
            )
        }
        None => (quote!(), quote!(String::new())),
    };
    let auth_doc = doc_attrs(Some("How requests authenticate. Secrets never appear in `Debug` output."), "");
    let client_doc = format!("A client of the {}.", api.title);
    quote! {
        //! The client: base URL, HTTP client, credentials and timeout.
        use std::time::Duration;

        use reqwest::header::{HeaderName, HeaderValue};

        use crate::runtime::{Core, Secret};
        use crate::Error;

        #auth_doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum Auth {
            #(#decls)*
        }

        impl Auth {
            fn header(&self) -> Result<(HeaderName, HeaderValue), Error> {
                let (name, value) = match self {
                    #(#header_arms)*
                };
                let mut value = HeaderValue::from_str(&value)
                    .map_err(|_| Error::InvalidRequest("the credential holds characters a header cannot carry".into()))?;
                value.set_sensitive(true);
                Ok((name, value))
            }
        }

        #[doc = #client_doc]
        ///
        /// Cheap to clone: clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            core: Core,
        }

        impl Client {
            #base_url_const

            /// The default request timeout.
            pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

            /// A client with the documented base URL and default settings.
            pub fn new(#(#var_args,)* auth: Auth) -> Result<Client, Error> {
                Client::builder(#(#var_idents,)* auth).build()
            }

            /// A builder to change the base URL, HTTP client or timeout.
            pub fn builder(#(#var_args,)* auth: Auth) -> ClientBuilder {
                ClientBuilder { auth, base_url: #base_url_init, http: None, timeout: Some(Client::DEFAULT_TIMEOUT) }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.core.base_url
            }

            pub(crate) fn core(&self) -> &Core {
                &self.core
            }
        }

        /// Settings of a [`Client`].
        #[derive(Debug)]
        #[must_use = "call `.build()` to get a client"]
        pub struct ClientBuilder {
            auth: Auth,
            base_url: String,
            http: Option<reqwest::Client>,
            timeout: Option<Duration>,
        }

        impl ClientBuilder {
            /// Sends requests to `url` instead (a test server, a proxy).
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.base_url = url.into();
                self
            }

            /// Uses this HTTP client (for its proxy, TLS or pool settings).
            pub fn http_client(mut self, http: reqwest::Client) -> Self {
                self.http = Some(http);
                self
            }

            /// Sets the per-request timeout (`None`: no timeout).
            pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
                self.timeout = timeout;
                self
            }

            /// The client.
            pub fn build(self) -> Result<Client, Error> {
                let base_url = self.base_url.trim_end_matches('/').to_string();
                if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
                    return Err(Error::InvalidRequest(format!("the base URL must start with http:// or https://: {base_url:?}")));
                }
                Ok(Client {
                    core: Core {
                        base_url,
                        http: self.http.unwrap_or_default(),
                        auth_header: Some(self.auth.header()?),
                        timeout: self.timeout,
                    },
                })
            }
        }
    }
}

/// The crate manifest.
pub fn cargo_toml(spec: &Spec, command: &str) -> String {
    format!(
        r#"# @generated by `{command}`. Do not edit by hand.
[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
description = "Typed client for the {title}, generated from its documentation"
publish = false

[dependencies]
chrono = {{ version = "0.4", default-features = false, features = ["std", "serde"] }}
reqwest = {{ version = "0.12", default-features = false, features = ["json", "rustls-tls"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
serde_path_to_error = "0.1"
"#,
        name = spec.api.name,
        title = spec.api.title,
    )
}
