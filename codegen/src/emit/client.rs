//! Emits the crate root (`lib.rs`), the `Client` with its builder and credentials
//! (`client.rs`), the crate's view of the shared runtime (`runtime.rs`) and its
//! `Cargo.toml`, from the spec's API facts; and the runtime crate's `Cargo.toml`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{doc_attrs, rust_type, Context};
use crate::names::{camel, ident};
use crate::spec::{AuthScheme, Pagination, Spec};

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
                let text = format!(
                    "A fixed OAuth 2 access token too (source: {}); `Auth::OAuth` refreshes tokens.",
                    ctx.source_text(source)
                );
                bearer_doc = Some(bearer_doc.map(|d| format!("{d} {text}")).unwrap_or(text));
            }
        }
    }
    if let Some(doc) = bearer_doc {
        variants.push(AuthVariant { variant: BEARER_VARIANT.into(), doc, header: None });
    }
    variants
}

/// The variant of bearer tokens (fixed, or from OAuth 2).
const BEARER_VARIANT: &str = "Bearer";

/// The `Auth` variants that are not an API key header's: `Bearer` (with a bearer or
/// OAuth 2 scheme) and `OAuth` (with OAuth 2).
pub(crate) fn fixed_auth_variants(spec: &Spec) -> Vec<&'static str> {
    let bearer = spec.api.auth.iter().any(|a| !matches!(a, AuthScheme::ApiKeyHeader { .. }));
    let oauth = spec.api.auth.iter().any(|a| matches!(a, AuthScheme::OAuth2 { .. }));
    let mut names = Vec::new();
    if bearer {
        names.push(BEARER_VARIANT);
    }
    if oauth {
        names.push("OAuth");
    }
    names
}

/// The methods `client.rs` gives `Client` (`new`, `builder`, `request`, ...): read from
/// the emitted code itself, so the list cannot fall behind it.
pub(crate) fn client_methods(ctx: &Context) -> Vec<String> {
    let Ok(file) = syn::parse2::<syn::File>(client_rs(ctx)) else { return Vec::new() };
    let mut names = Vec::new();
    for item in file.items {
        let syn::Item::Impl(block) = item else { continue };
        let syn::Type::Path(ty) = block.self_ty.as_ref() else { continue };
        if block.trait_.is_none() && ty.path.is_ident("Client") {
            for item in block.items {
                if let syn::ImplItem::Fn(f) = item {
                    names.push(f.sig.ident.to_string());
                }
            }
        }
    }
    names
}

/// `lib.rs`: crate docs, modules, re-exports, and the API's two facts the runtime is given.
pub fn lib_rs(ctx: &Context) -> TokenStream {
    let api = &ctx.spec.api;
    let resolved = ctx.spec.operations.iter().filter(|o| o.is_resolved()).count();
    let unresolved = ctx.spec.operations.len() - resolved;
    let mut crate_doc = format!(
        "A typed client for the {}, generated from its documentation (`{}`).\n\n\
         Each resource is a method of [`Client`] (`client.contacts()`), each operation a \
         verb on it (`.list()`, `.get(id)`, `.create(body)`, `.update(id, body)`, \
         `.delete(id)`, or the document's words) that takes the required inputs and \
         returns a request builder for the optional ones: `.await` it (or call `.send()`), \
         or call `.send_with_response()` for the status and headers. List builders have \
         `.all()` and `.stream()` (an [`Items`] read with `.next().await`). Request bodies \
         are built with `new(required...)` and chained setters; responses are read (their \
         structs are `#[non_exhaustive]`: match them with `..`).\n\n\
         Request bodies serialize and responses decode; the cargo features `{}` (responses \
         too) and `{}` (request bodies too) add the other direction.\n\n\
         The runtime (sending, retries, OAuth 2, bounds, paging, errors, timestamps) is the \
         `crm-runtime` crate, in the folder `runtime` beside this one (vendor both): \
         [`Error`], [`Timestamp`], [`Items`], [`Pending`] and the others are its types given \
         this API's error body ([`ApiErrorBody`]) and timestamp formats ([`DATETIME_FORMATS`]).\n\n\
         {} operations, {} types.",
        api.title,
        api.snapshot,
        super::models::SERIALIZE_FEATURE,
        super::models::DESERIALIZE_FEATURE,
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

        mod client;
        pub mod models;
        pub mod resources;
        mod runtime;

        pub use client::{Auth, Client, ClientBuilder};
        /// The stream traits [`Items`] implements (`StreamExt`, `TryStreamExt`), for stream combinators.
        pub use futures_util;
        /// The HTTP client crate, for its types in this API ([`Response::headers`], [`ClientBuilder::http_client`]).
        pub use reqwest;
        pub use runtime::{
            path_segment, Date, DocumentedFormats, Error, Items, MemoryTokenStore, OAuthApp, OAuthSession, Pending, PendingResponse, RateLimit,
            RawRequest, Response, RetryPolicy, Secret, Timestamp, Token, TokenStore,
        };
        /// Decodes a body as the client does (the error names the JSON path): for the
        /// project's decoding tests, not part of the API.
        #[doc(hidden)]
        pub use runtime::decode as __decode;

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
                quote!(Auth::#name(secret) => header(HeaderName::from_static(#lower), secret.expose()),)
            }
            None => quote! {
                Auth::#name(secret) => Ok(Credentials::Header(reqwest::header::AUTHORIZATION, crate::runtime::bearer(&secret)?)),
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
                quote!(Ok(Self::DEFAULT_BASE_URL.to_string())),
            )
        }
        Some(base) => {
            let url = base.url.trim_end_matches('/');
            let placeholders: Vec<String> = variables
                .iter()
                .map(|v| format!("`{{{}}}`: {}", v.name, v.description.as_deref().unwrap_or("undocumented")))
                .collect();
            let doc = format!(
                "The documented base URL; `new` and `builder` fill its placeholders ({}), each of which \
                 must be a host name label (else `build` fails with `Error::InvalidRequest`). Source: {}.",
                placeholders.join(", "),
                ctx.source_text(&base.source)
            );
            let values = variables.iter().zip(&var_idents).map(|(v, name)| {
                let placeholder = &v.name;
                quote!((#placeholder, #name.into()))
            });
            (
                quote!(#[doc = #doc] pub const BASE_URL_TEMPLATE: &'static str = #url;),
                quote!(crate::runtime::fill_base_url(Self::BASE_URL_TEMPLATE, &[#(#values),*])),
            )
        }
        None => (quote!(), quote!(Ok(String::new()))),
    };
    let oauth = api.auth.iter().find(|a| matches!(a, AuthScheme::OAuth2 { .. }));
    let oauth_variant = oauth.map(|_| {
        quote! {
            /// OAuth 2 access tokens from a token store, refreshed when they expire (see
            /// [`Client::oauth_app`]). Sent as `Authorization: Bearer <token>`.
            OAuth(OAuthSession),
        }
    });
    let oauth_arm = oauth.map(|_| quote!(Auth::OAuth(session) => Ok(Credentials::OAuth(Arc::new(session))),));
    let oauth_items = oauth.map(|scheme| oauth_items(ctx, scheme));
    let rate_limit_const = api.rate_limit.as_ref().map(|limit| {
        let (requests, window) = match limit.window_seconds {
            Some(window) if limit.bursts_allowed => {
                (u64::from(limit.requests) * u64::from(window) / u64::from(limit.per_seconds.max(1)), window)
            }
            _ => (u64::from(limit.requests), limit.per_seconds),
        };
        let requests = Literal::u32_unsuffixed(u32::try_from(requests).unwrap_or(u32::MAX));
        let doc = format!(
            "The documented rate limit, as at most {requests} requests in any {window} s. Not applied unless \
             passed to [`ClientBuilder::rate_limit`]. Source: {}.",
            ctx.source_text(&limit.source)
        );
        let window = Literal::u32_unsuffixed(window);
        quote! {
            #[doc = #doc]
            pub const DOCUMENTED_RATE_LIMIT: RateLimit = RateLimit { max_requests: #requests, window: Duration::from_secs(#window) };
        }
    });
    // Emitted when some list operation can be walked page by page.
    let pages =
        ctx.spec.operations.iter().any(|op| op.is_resolved() && super::operations::list_items(ctx, op).is_some());
    let paging_const = api.pagination.as_ref().filter(|_| pages).map(|paging| {
        let (doc, value) = match paging {
            Pagination::PageNumber { page_param, per_page_param, first_page, default_per_page, total_pages, source } => {
                let per_page = Literal::u32_unsuffixed(default_per_page.unwrap_or(DEFAULT_PAGE_SIZE));
                let first_page = Literal::u32_unsuffixed(*first_page);
                let total_pages = option_str(total_pages.as_deref());
                (
                    source,
                    quote! {
                        Paging::PageNumber {
                            page_param: #page_param,
                            per_page_param: #per_page_param,
                            first_page: #first_page,
                            per_page: #per_page,
                            total_pages: #total_pages,
                        }
                    },
                )
            }
            Pagination::Offset { offset_param, limit_param, default_limit, total, source } => {
                let limit = Literal::u32_unsuffixed(default_limit.unwrap_or(DEFAULT_PAGE_SIZE));
                let total = option_str(total.as_deref());
                (
                    source,
                    quote! {
                        Paging::Offset { offset_param: #offset_param, limit_param: #limit_param, limit: #limit, total: #total }
                    },
                )
            }
        };
        let doc = format!("How list operations page. Source: {}.", ctx.source_text(doc));
        quote!(#[doc = #doc] pub(crate) const PAGING: Paging = #value;)
    });
    let has_api_key = variants.iter().any(|v| v.header.is_some());
    let header_import = has_api_key.then(|| {
        quote!(
            use reqwest::header::{HeaderName, HeaderValue};
        )
    });
    let header_fn = has_api_key.then(|| {
        quote! {
            /// A fixed header, marked sensitive.
            fn header(name: HeaderName, secret: &str) -> Result<Credentials, CoreError> {
                let mut value = HeaderValue::from_str(secret)
                    .map_err(|_| CoreError::InvalidRequest("the credential holds characters a header cannot carry".into()))?;
                value.set_sensitive(true);
                Ok(Credentials::Header(name, value))
            }
        }
    });
    let arc_import = oauth.map(|_| {
        quote!(
            use std::sync::Arc;
        )
    });
    let mut runtime_imports = Vec::new();
    if oauth.is_some() {
        runtime_imports.push(quote!(OAuthSession));
    }
    if paging_const.is_some() {
        runtime_imports.push(quote!(Paging));
    }
    runtime_imports.push(quote!(Secret));
    let auth_doc = doc_attrs(Some("How requests authenticate. Secrets never appear in `Debug` output."), "");
    let client_doc = format!("A client of the {}.", api.title);
    quote! {
        //! The client: base URL, HTTP client, credentials, timeout, retries, rate limit and the
        //! bounds of a response and a list walk.
        #arc_import
        use std::time::Duration;

        #header_import
        use serde::de::DeserializeOwned;

        use crate::runtime::{Core, CoreError, Credentials, #(#runtime_imports,)* RateLimit, RawRequest, RetryPolicy, Settings};
        use crate::Error;

        #auth_doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum Auth {
            #(#decls)*
            #oauth_variant
        }

        impl Auth {
            fn credentials(self) -> Result<Credentials, CoreError> {
                match self {
                    #(#header_arms)*
                    #oauth_arm
                }
            }
        }

        #header_fn

        #paging_const

        #[doc = #client_doc]
        ///
        /// Cheap to clone: clones share one connection pool (and rate limiter).
        #[derive(Debug, Clone)]
        pub struct Client {
            core: Core,
        }

        impl Client {
            #base_url_const

            /// The default timeout of each attempt.
            pub const DEFAULT_TIMEOUT: Duration = crate::runtime::DEFAULT_TIMEOUT;

            /// The default limit of a response body, in bytes (32 MiB).
            pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = crate::runtime::DEFAULT_MAX_RESPONSE_BYTES;

            /// The default limit of pages a list walk (`.stream()`, `.all()`) fetches.
            pub const DEFAULT_MAX_PAGES: u64 = crate::runtime::DEFAULT_MAX_PAGES;

            /// The most redirects followed in a row; one more is `Error::Redirect`.
            pub const MAX_REDIRECTS: usize = crate::runtime::MAX_REDIRECTS;

            #rate_limit_const

            #oauth_items

            /// A client with the documented base URL and default settings.
            pub fn new(#(#var_args,)* auth: Auth) -> Result<Self, Error> {
                Self::builder(#(#var_idents,)* auth).build()
            }

            /// A builder to change the base URL, HTTP client, timeout, retries, rate limit
            /// or limits.
            pub fn builder(#(#var_args,)* auth: Auth) -> ClientBuilder {
                ClientBuilder { auth, settings: Settings::new(#base_url_init) }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            /// A request to any path (one the documentation does not give), with this
            /// client's credentials, timeout, retries and rate limit; the response is decoded
            /// into `T` (a model of [`crate::models`], or `serde_json::Value`). `path` starts
            /// with `/`, its segments percent-encoded ([`crate::path_segment`]).
            pub fn request<T: DeserializeOwned>(&self, method: reqwest::Method, path: impl Into<String>) -> RawRequest<'_, T> {
                RawRequest::new(&self.core, method, path)
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
            settings: Settings,
        }

        impl ClientBuilder {
            /// Sends requests to `url` instead (a test server, a proxy). It must be an
            /// `http://` or `https://` URL with a host and no query or fragment;
            /// credentials are sent to its origin only.
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.settings.base_url = self.settings.base_url.and(Ok(url.into()));
                self
            }

            /// Uses an HTTP client with these settings (proxy, TLS, pool). Its redirect
            /// policy is replaced: the client follows redirects itself, so that
            /// credentials never leave the API's origin.
            pub fn http_client(mut self, http: reqwest::ClientBuilder) -> Self {
                self.settings.http = Some(http);
                self
            }

            /// Sets the timeout of each attempt (`None`: no timeout). It also bounds an
            /// OAuth token refresh; [`RetryPolicy`] says what bounds a whole call.
            pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
                self.settings.timeout = timeout;
                self
            }

            /// When failed calls are sent again ([`RetryPolicy::none`]: never).
            pub fn retry(mut self, policy: RetryPolicy) -> Self {
                self.settings.retry = policy;
                self
            }

            /// Holds calls back so that no more than the limit are sent (`None`: no limit,
            /// the default).
            pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
                self.settings.rate_limit = limit;
                self
            }

            /// The largest response body read, in bytes (default
            /// [`Client::DEFAULT_MAX_RESPONSE_BYTES`]); a larger one is
            /// `Error::ResponseTooLarge`, found from `Content-Length` or while reading.
            pub fn max_response_bytes(mut self, limit: u64) -> Self {
                self.settings.max_response_bytes = limit;
                self
            }

            /// The most pages a list walk fetches (default [`Client::DEFAULT_MAX_PAGES`],
            /// at least 1); a walk with more pages ends with `Error::TooManyPages`.
            pub fn max_pages(mut self, limit: u64) -> Self {
                self.settings.max_pages = limit;
                self
            }

            /// Follows redirects to another origin (scheme, host and port), without the
            /// credentials, which never leave the API's origin (a 307 or 308 sends the body
            /// again). Off by default: such a redirect is `Error::Redirect`.
            pub fn follow_cross_origin_redirects(mut self, follow: bool) -> Self {
                self.settings.cross_origin_redirects = follow;
                self
            }

            /// The client.
            pub fn build(self) -> Result<Client, Error> {
                // Building reads no response, so its errors have no body to decode.
                self.auth
                    .credentials()
                    .and_then(|credentials| Core::new(self.settings, credentials))
                    .map(|core| Client { core })
                    .map_err(CoreError::without_body)
            }
        }
    }
}

/// Page size asked for when the document gives no default.
const DEFAULT_PAGE_SIZE: u32 = 25;

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(Some(#text)),
        None => quote!(None),
    }
}

/// The documented OAuth 2 endpoints and scopes, and `Client::oauth_app`.
fn oauth_items(ctx: &Context, scheme: &AuthScheme) -> TokenStream {
    let AuthScheme::OAuth2 { authorize_url, token_url, scopes, token_request_content_type, source, .. } = scheme else {
        return quote!();
    };
    let source = ctx.source_text(source);
    let form_encoded = token_request_content_type.as_deref() == Some("application/x-www-form-urlencoded");
    let scope_names = scopes.iter().map(|s| &s.name);
    let authorize_doc = format!("Where users authorize an application (OAuth 2). Source: {source}.");
    let token_doc = format!("Where codes and refresh tokens are exchanged (OAuth 2). Source: {source}.");
    let scope_list: Vec<String> = scopes
        .iter()
        .map(|s| format!("- `{}`: {}", s.name, s.description.as_deref().unwrap_or("undocumented")))
        .collect();
    let scopes_doc = format!("The documented OAuth 2 scopes.\n\n{}", scope_list.join("\n"));
    let scopes_doc: Vec<String> = scopes_doc.lines().map(|l| format!(" {l}")).collect();
    let encoding = if form_encoded { "form-encoded" } else { "JSON" };
    let app_doc = format!(
        "The OAuth 2 application registered as `client_id`: builds the authorize URL, exchanges \
         codes and refreshes tokens ({encoding}, as documented). Pass \
         `Auth::OAuth(app.session(store))` to a client. Source: {source}."
    );
    quote! {
        #[doc = #authorize_doc]
        pub const OAUTH_AUTHORIZE_URL: &'static str = #authorize_url;
        #[doc = #token_doc]
        pub const OAUTH_TOKEN_URL: &'static str = #token_url;
        #(#[doc = #scopes_doc])*
        pub const OAUTH_SCOPES: &'static [&'static str] = &[#(#scope_names),*];

        #[doc = #app_doc]
        pub fn oauth_app(
            client_id: impl Into<String>,
            client_secret: impl Into<Secret>,
            redirect_uri: impl Into<String>,
        ) -> crate::runtime::OAuthApp {
            crate::runtime::OAuthApp::new(
                Self::OAUTH_AUTHORIZE_URL,
                Self::OAUTH_TOKEN_URL,
                #form_encoded,
                client_id,
                client_secret,
                redirect_uri,
            )
        }
    }
}

/// `runtime.rs`: the shared runtime crate (`crm-runtime`) seen from a client crate: its
/// types given the API's two facts (the crate root's `ApiErrorBody` and
/// `DATETIME_FORMATS`), under the names the generated code and the users know
/// (`crate::Error`, `crate::Timestamp`), and its items for the generated code. The same
/// file for every API.
pub fn runtime_rs() -> TokenStream {
    quote! {
        //! The shared runtime (the `crm-runtime` crate, `generated/runtime/`) as this crate
        //! uses it: its types given this API's error body ([`crate::ApiErrorBody`]) and
        //! timestamp formats ([`crate::DATETIME_FORMATS`]). The generated code reaches the
        //! runtime through this module.

        pub use crm_runtime::{path_segment, Date, MemoryTokenStore, OAuthSession, RateLimit, Response, RetryPolicy, Secret, Token, TokenStore};
        #[allow(unused_imports, reason = "the same list in every crate; a crate without OAuth 2, paging or a base URL with placeholders does not use all of it")]
        pub(crate) use crm_runtime::{
            bearer, decode_object, fill_base_url, json_body, paginate, push_header, Core, CoreError, Credentials, Object, Paging, Query, Request,
            RequestOptions, Settings, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, MAX_REDIRECTS,
        };

        /// Everything that can go wrong with a call; an API error's body is decoded as
        /// [`crate::ApiErrorBody`].
        pub type Error = crm_runtime::Error<crate::ApiErrorBody>;

        /// A timestamp, read and written in the documented formats ([`crate::DATETIME_FORMATS`])
        /// or ISO 8601.
        pub type Timestamp = crm_runtime::Timestamp<DocumentedFormats>;

        /// The items of every page of a list, fetched as they are read.
        pub type Items<T> = crm_runtime::Items<T, crate::ApiErrorBody>;

        /// A request on its way, giving the decoded body.
        pub type Pending<'a, T> = crm_runtime::Pending<'a, T, crate::ApiErrorBody>;

        /// A request on its way, giving the response with its status and headers.
        pub type PendingResponse<'a, T> = crm_runtime::PendingResponse<'a, T, crate::ApiErrorBody>;

        /// A request to any path (see [`crate::Client::request`]).
        pub type RawRequest<'a, T> = crm_runtime::RawRequest<'a, T, crate::ApiErrorBody>;

        /// A registered OAuth 2 application (see [`crate::Client::oauth_app`]).
        pub type OAuthApp = crm_runtime::OAuthApp<crate::ApiErrorBody>;

        /// The documentation's timestamp formats ([`crate::DATETIME_FORMATS`]), for [`Timestamp`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct DocumentedFormats;

        impl crm_runtime::DatetimeFormats for DocumentedFormats {
            fn formats() -> &'static crm_runtime::FormatList {
                static FORMATS: crm_runtime::FormatList = crm_runtime::FormatList::new(crate::DATETIME_FORMATS);
                &FORMATS
            }
        }

        /// Decodes a body as the client does (the error names the JSON path).
        pub fn decode<T: serde::de::DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, Error> {
            crm_runtime::decode(status, bytes).map_err(Error::from)
        }
    }
}

/// The dependencies both the runtime crate and the client crates name (a client reaches
/// chrono and tokio only through the runtime).
const SHARED_DEPENDENCIES: &str = r#"futures-util = { version = "0.3", default-features = false }
reqwest = { version = "0.12", default-features = false, features = ["json", "rustls-tls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
"#;

/// The runtime crate's `Cargo.toml`.
pub fn runtime_cargo_toml(command: &str) -> String {
    format!(
        r#"# @generated by `{command}` from `codegen/templates/runtime.rs`. Do not edit by hand.
[package]
name = "crm-runtime"
version = "0.1.0"
edition = "2021"
description = "The runtime every generated CRM client uses: requests, retries, OAuth 2, bounds, paging, errors, timestamps"
publish = false

[dependencies]
chrono = {{ version = "0.4", default-features = false, features = ["std", "serde"] }}
{SHARED_DEPENDENCIES}tokio = {{ version = "1", default-features = false, features = ["sync", "time"] }}
"#
    )
}

/// The client crate's `Cargo.toml`: the runtime crate beside it, by path, and the crates
/// the generated code names itself.
pub fn cargo_toml(spec: &Spec, command: &str, spec_path: &str) -> String {
    format!(
        r#"# @generated by `{command}` from `{spec_path}` (read from `{snapshot}`). Do not edit by hand.
[package]
name = "{name}"
version = "0.1.0"
edition = "2021"
description = "Typed client for the {title}, generated from its documentation"
publish = false

[dependencies]
crm-runtime = {{ path = "../runtime" }}
{SHARED_DEPENDENCIES}
[features]
# `Serialize` on the response models too (the client only decodes them).
{serialize} = []
# `Deserialize` on the request-body models too (the client only encodes them).
{deserialize} = []
"#,
        serialize = super::models::SERIALIZE_FEATURE,
        deserialize = super::models::DESERIALIZE_FEATURE,
        name = spec.api.name,
        title = spec.api.title,
        snapshot = spec.api.snapshot,
    )
}
