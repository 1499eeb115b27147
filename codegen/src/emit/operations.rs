//! Emits one file per resource: `client.contacts()` gives the resource's handle, whose
//! methods (one per Rust name: operations of one endpoint named alike are one method)
//! take the required inputs positionally and return a request builder holding the
//! optional ones. Builders are sent with `.send()` (or awaited directly), or
//! `.send_with_response()` for the status and headers.
//!
//! A builder's sending methods (`request`, `send`, `send_with_response`, `into_future`,
//! `stream`) are `#[inline]`: like generic code, an operation's request building, body
//! encoding and response decoding are compiled in the program that calls it, so a
//! crate's release build does not compile the operations no program calls (measured on
//! Wealthbox with `cargo llvm-lines --release`: a third of the crate's LLVM IR). The
//! runtime they call is compiled once, in the crate.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{doc_attrs, rust_type, source_note, Context};
use crate::names::{camel, ident, snake};
use crate::path::{Part, PathTemplate};
use crate::spec::{Operation, ParamLocation, Parameter, TypeKind, TypeRef};

/// Tokens of one resource file.
pub fn resource(ctx: &Context, resource: &str, operations: &[&Operation]) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let methods: Vec<&Operation> =
        operations.iter().copied().filter(|op| op.is_resolved() && seen.insert(op.rust_name.as_str())).collect();
    let handle = ident(&camel(resource));
    let accessor = ident(&snake(resource));
    let (calls, builders): (Vec<TokenStream>, Vec<TokenStream>) =
        methods.iter().map(|op| operation(ctx, &handle, op)).unzip();
    let doc = super::comment_safe(&format!("Operations on the `{resource}` resource: `client.{accessor}()`."));
    let handle_doc = super::comment_safe(&format!("The `{resource}` resource's operations (from [`Client::{accessor}`])."));
    let accessor_doc = super::comment_safe(&format!("The `{resource}` resource's operations."));
    quote! {
        #![doc = #doc]
        use crate::{Client, Error};

        #[doc = #handle_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #handle<'a> {
            client: &'a Client,
        }

        impl Client {
            #[doc = #accessor_doc]
            pub fn #accessor(&self) -> #handle<'_> {
                #handle { client: self }
            }
        }

        impl<'a> #handle<'a> {
            #(#calls)*
        }

        #(#builders)*
    }
}

/// The handle's method of an operation, and its request builder.
fn operation(ctx: &Context, handle: &proc_macro2::Ident, op: &Operation) -> (TokenStream, TokenStream) {
    let method_name = ident(&op.rust_name);
    let builder = format_ident!("{}", camel(&op.rust_name));
    let method = op.method.expect("only resolved operations are emitted");
    let path = op.path.as_ref().expect("only resolved operations are emitted");
    let http_method = ident(method.as_str());

    let required: Vec<&Parameter> =
        op.parameters.iter().filter(|p| p.required || p.location == ParamLocation::Path).collect();
    let optional: Vec<&Parameter> =
        op.parameters.iter().filter(|p| !(p.required || p.location == ParamLocation::Path)).collect();

    let field = |p: &Parameter| ident(&snake(&p.name));
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut members = Vec::new();
    for p in &required {
        let (name, ty) = (field(p), rust_type(&p.ty));
        args.push(quote!(#name: #ty));
        inits.push(quote!(#name));
        members.push(quote!(#name: #ty,));
    }
    for p in &optional {
        let (name, ty) = (field(p), rust_type(&p.ty));
        inits.push(quote!(#name: None));
        members.push(quote!(#name: Option<#ty>,));
    }
    let body_ty = op.request.as_ref().map(|r| rust_type(&r.ty));
    if let Some(ty) = &body_ty {
        args.push(quote!(body: #ty));
        inits.push(quote!(body));
        members.push(quote!(body: #ty,));
    }

    let setters = optional.iter().map(|p| setter(ctx, p));
    let path_expr = path_expression(path, op);
    let has_query = op.parameters.iter().any(|p| p.location == ParamLocation::Query);
    let query_decl = if has_query {
        quote!(let mut query = crate::runtime::Query::new();)
    } else {
        quote!(let query = crate::runtime::Query::new();)
    };
    let query_pushes = op.parameters.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let name = field(p);
        let wire = &p.name;
        let push = match &p.ty {
            TypeRef::Array(_) => quote!(query.push_each(#wire, value)),
            _ => quote!(query.push(#wire, value)),
        };
        if required.contains(&p) {
            quote! { { let value = &self.#name; #push; } }
        } else {
            quote! { if let Some(value) = &self.#name { #push; } }
        }
    });
    let header_params: Vec<&Parameter> = op.parameters.iter().filter(|p| p.location == ParamLocation::Header).collect();
    let (headers_decl, headers_field) = if header_params.is_empty() {
        (quote!(), quote!(headers: reqwest::header::HeaderMap::new(),))
    } else {
        (quote!(let mut headers = reqwest::header::HeaderMap::new();), quote!(headers,))
    };
    let header_pushes = header_params.iter().map(|p| {
        let name = field(p);
        let wire = &p.name;
        // A list is sent as one header, its values separated by commas (RFC 9110, 5.6.1).
        let push = match &p.ty {
            TypeRef::Array(_) => quote! {
                let value = value.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                crate::runtime::push_header(&mut headers, #wire, value)?;
            },
            _ => quote!(crate::runtime::push_header(&mut headers, #wire, value)?;),
        };
        if required.contains(p) {
            quote! { { let value = &self.#name; #push } }
        } else {
            quote! { if let Some(value) = &self.#name { #push } }
        }
    });
    let body_expr = if body_ty.is_some() { quote!(Some(crate::runtime::json_body(&self.body)?)) } else { quote!(None) };

    // A success the document shows no body for is returned as the JSON received.
    let output = match op.success().and_then(|r| r.ty.as_ref()) {
        Some(ty) => rust_type(ty),
        None => quote!(serde_json::Value),
    };
    let paging = list_items(ctx, op).map(|item| {
        let items = &op.pagination.as_ref().expect("list_items needs pagination").items;
        quote! {
            /// The most pages `.stream()` and `.all()` fetch (at least 1), instead of the
            /// client's limit ([`crate::ClientBuilder::max_pages`]).
            pub fn max_pages(mut self, limit: u64) -> Self {
                self.options.max_pages = Some(limit);
                self
            }

            /// Every item of every page, fetching the pages as the stream is read
            /// (from the page set on this builder, else the first).
            ///
            /// An item that does not decode is yielded as `Err(Error::Decode)` naming its
            /// place, and the stream goes on with the next item. Any other error ends the
            /// stream: a failed request, `Error::RepeatedPage` (a page holding the items of
            /// a page walked before) or `Error::TooManyPages` (see [`Self::max_pages`]).
            ///
            /// `while let Some(item) = items.next().await { .. }` reads it: no pinning,
            /// no trait to import (it is also an `Unpin` `futures_util::Stream`).
            #[inline]
            pub fn stream(self) -> crate::Items<#item> {
                crate::runtime::paginate(self.client.core().clone(), self.request(), crate::client::PAGING, #items)
            }

            /// Every item of every page, fetched one page after the other; the first error
            /// (an item that does not decode included) fails it: read `.stream()` to keep
            /// the other items.
            pub async fn all(self) -> Result<Vec<#item>, Error> {
                self.stream().all().await
            }
        }
    });

    let mut note = format!("`{} {}`. {}", method.as_str(), path, source_note(ctx, &op.source));
    if let Some(p) = &op.pagination {
        note.push_str(&format!(
            " A list operation: the page's items are in `{}`; the builder's `.stream()` and `.all()` walk every page.",
            p.items
        ));
    }
    let mut text = op.summary.clone().unwrap_or_default();
    if let Some(d) = &op.description {
        text = format!("{text}\n\n{d}");
    }
    note.push_str("\n\n");
    note.push_str(&example(ctx, op, &required));
    let method_docs = doc_attrs(Some(&text), &note);
    let builder_doc = format!(
        "Request builder for [`{handle}::{}`]: set optional inputs, then `.send().await` (or `.await`).",
        op.rust_name
    );
    let too_many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));

    let call = quote! {
        #method_docs
        #too_many
        pub fn #method_name(&self, #(#args),*) -> #builder<'a> {
            #builder { client: self.client, #(#inits,)* options: crate::runtime::RequestOptions::default() }
        }
    };
    let builder_tokens = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#members)*
            options: crate::runtime::RequestOptions,
        }

        impl<'a> #builder<'a> {
            #(#setters)*

            /// This timeout instead of the client's, for this request.
            pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                self.options.timeout = Some(Some(timeout));
                self
            }

            /// This retry policy instead of the client's, for this request.
            pub fn retry(mut self, policy: crate::RetryPolicy) -> Self {
                self.options.retry = Some(policy);
                self
            }

            #[inline]
            fn request(&self) -> Result<crate::runtime::Request, crate::runtime::CoreError> {
                #query_decl
                #(#query_pushes)*
                #headers_decl
                #(#header_pushes)*
                Ok(crate::runtime::Request {
                    method: reqwest::Method::#http_method,
                    path: #path_expr,
                    query,
                    #headers_field
                    body: #body_expr,
                    options: self.options.clone(),
                })
            }

            /// Sends the request (when awaited) and decodes the response body.
            #[inline]
            pub fn send(self) -> crate::Pending<'a, #output> {
                self.client.core().call(self.request()).body()
            }

            /// Sends the request (when awaited); the response keeps its status and headers.
            #[inline]
            pub fn send_with_response(self) -> crate::PendingResponse<'a, #output> {
                self.client.core().call(self.request())
            }

            #paging
        }

        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<#output, Error>;
            type IntoFuture = crate::Pending<'a, #output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
    (call, builder_tokens)
}

/// A call of the operation's method, as a doc test that is compiled, not run: integer
/// arguments are `42`, the others (and the body) parameters of the hidden function.
fn example(ctx: &Context, op: &Operation, required: &[&Parameter]) -> String {
    let krate = &ctx.spec.api.name;
    let mut hidden = vec![format!("client: {krate}::Client")];
    let mut args = Vec::new();
    for p in required {
        let name = snake(&p.name);
        match &p.ty {
            TypeRef::Integer => args.push("42".to_string()),
            ty => {
                let ty = rust_type(ty).to_string().replace(' ', "").replace("crate::", &format!("{krate}::"));
                hidden.push(format!("{name}: {ty}"));
                args.push(name);
            }
        }
    }
    if let Some(body) = &op.request {
        let ty = rust_type(&body.ty).to_string().replace(' ', "").replace("crate::", &format!("{krate}::"));
        hidden.push(format!("body: {ty}"));
        args.push("body".into());
    }
    let call = format!("client.{}().{}({})", snake(&op.resource), op.rust_name, args.join(", "));
    let line = if list_items(ctx, op).is_some() {
        format!("let items = {call}.all().await?;")
    } else if op.method == Some(crate::spec::Method::Delete) {
        format!("{call}.await?;")
    } else {
        format!("let response = {call}.await?;")
    };
    format!(
        "# Example\n\n```no_run\n# async fn example({}) -> Result<(), {krate}::Error> {{\n{line}\n# Ok(())\n# }}\n```",
        hidden.join(", ")
    )
}

/// The Rust type of a list operation's items, when the API pages: the element type of
/// the response type's items array, or any JSON when the document shows no response.
pub(crate) fn list_items(ctx: &Context, op: &Operation) -> Option<TokenStream> {
    ctx.spec.api.pagination.as_ref()?;
    let items = &op.pagination.as_ref()?.items;
    let Some(response) = op.success()?.ty.as_ref() else { return Some(quote!(serde_json::Value)) };
    let Some(TypeKind::Object { fields }) = ctx.spec.type_def(response.named()?).map(|t| &t.kind) else { return None };
    match &fields.iter().find(|f| &f.name == items)?.ty {
        TypeRef::Array(item) => Some(rust_type(item)),
        _ => None,
    }
}

/// Builder methods and fields every operation has (and `clone`, derived); a parameter
/// must not take their names.
pub const BUILDER_METHODS: &[&str] =
    &["all", "client", "clone", "max_pages", "options", "request", "retry", "send", "send_with_response", "stream", "timeout"];

/// Names a resource file uses without a path (its imports and prelude items): no
/// request builder may take them.
pub(crate) const RESOURCE_SCOPE: &[&str] = &[
    "Box",
    "Client",
    "Duration",
    "Error",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Option",
    "Query",
    "Request",
    "RequestOptions",
    "Response",
    "Result",
    "RetryPolicy",
    "Send",
    "String",
    "Vec",
];

fn setter(ctx: &Context, p: &Parameter) -> TokenStream {
    let name = ident(&snake(&p.name));
    let place = match p.location {
        ParamLocation::Header => "Header",
        _ => "Query parameter",
    };
    let mut note = format!("{place} `{}`. {}", p.name, source_note(ctx, &p.source));
    if let Some(d) = &p.default {
        note = format!("Default: `{d}`. {note}");
    }
    if p.deprecated {
        note = format!("Deprecated. {note}");
    }
    let docs = doc_attrs(p.description.as_deref(), &note);
    match &p.ty {
        TypeRef::String => quote! {
            #docs
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        },
        TypeRef::Array(inner) => {
            let item = rust_type(inner);
            quote! {
                #docs
                pub fn #name(mut self, values: impl IntoIterator<Item = impl Into<#item>>) -> Self {
                    self.#name = Some(values.into_iter().map(Into::into).collect());
                    self
                }
            }
        }
        TypeRef::Named(_) => {
            let ty = rust_type(&p.ty);
            quote! {
                #docs
                pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                    self.#name = Some(value.into());
                    self
                }
            }
        }
        other => {
            let ty = rust_type(other);
            quote! {
                #docs
                pub fn #name(mut self, value: #ty) -> Self {
                    self.#name = Some(value);
                    self
                }
            }
        }
    }
}

/// `["/v1/contacts/", &path_segment(&self.id)].concat()`, or a plain string.
fn path_expression(path: &PathTemplate, op: &Operation) -> TokenStream {
    let text = path.as_str();
    if path.placeholders().next().is_none() {
        return quote!(#text.to_string());
    }
    let parts = path.parts().iter().map(|part| match part {
        Part::Literal(literal) => quote!(#literal),
        Part::Placeholder(name) => {
            let param = op.parameters.iter().find(|p| &p.name == name && p.location == ParamLocation::Path);
            let field = ident(&snake(param.map(|p| p.name.as_str()).unwrap_or(name)));
            quote!(&crate::runtime::path_segment(&self.#field))
        }
    });
    quote!([#(#parts),*].concat())
}
