//! Emits the document's JSON examples as fixture files (`tests/fixtures/<api>/`) and a
//! test per fixture (`tests/tests/<api>_fixtures.rs`) that decodes it into the type of
//! its operation and checks that re-encoding loses nothing.

use quote::{format_ident, quote};

use super::{rust_type, Context, EmitError, GeneratedFile};
use crate::names::snake;
use crate::spec::{Example, TypeRef};

/// The fixture files and their test file.
pub fn fixtures(ctx: &Context, header: &str) -> Result<Vec<GeneratedFile>, EmitError> {
    let api = &ctx.spec.api.name;
    let mut files = Vec::new();
    let mut tests = Vec::new();
    for op in &ctx.spec.operations {
        let mut add = |kind: String, ty: &TypeRef, examples: &[Example]| {
            let valid: Vec<&Example> = examples.iter().filter(|e| e.valid_json).collect();
            for (i, example) in valid.iter().enumerate() {
                let suffix = if valid.len() > 1 { format!(".{}", i + 1) } else { String::new() };
                let file = format!("{}.{kind}{suffix}.json", op.id);
                files.push(GeneratedFile {
                    path: format!("tests/fixtures/{api}/{file}"),
                    contents: format!("{}\n", example.json),
                });
                let test = format_ident!("{}_{}{}", snake(&op.id), kind, suffix.replace('.', "_"));
                let include = format!("../fixtures/{api}/{file}");
                let ty = rust_type(ty).to_string().replace("crate ::", &format!("{api} ::"));
                let ty: proc_macro2::TokenStream = ty.parse().expect("a type path re-rooted at the crate name parses");
                let doc = format!("Example at {}.", ctx.source_text(&example.source));
                tests.push(quote! {
                    #[doc = #doc]
                    #[test]
                    fn #test() {
                        crm_tests::assert_decodes_losslessly::<#ty>(include_str!(#include), same_timestamp);
                    }
                });
            }
        };
        if let Some(request) = &op.request {
            add("request".into(), &request.ty, &request.examples);
        }
        for response in &op.responses {
            let ty = response.ty.clone().unwrap_or(TypeRef::Any);
            add(response.status.clone(), &ty, &response.examples);
        }
    }
    if tests.is_empty() {
        // The document shows no example: no fixture, no test file.
        return Ok(files);
    }
    let crate_ident = crate::names::ident(&snake(api));
    let tokens = quote! {
        //! Every valid JSON example of the documentation decodes into the generated type of
        //! its operation, and encodes back to the same JSON.

        /// Two strings that name the same timestamp are the same value.
        fn same_timestamp(a: &str, b: &str) -> bool {
            matches!((#crate_ident::Timestamp::parse(a), #crate_ident::Timestamp::parse(b)), (Some(x), Some(y)) if x == y)
        }

        #(#tests)*
    };
    let path = format!("tests/tests/{api}_fixtures.rs");
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| EmitError::Unparsable { path: path.clone(), reason: e.to_string() })?;
    files.push(GeneratedFile { path, contents: format!("{header}{}", prettyplease::unparse(&file)) });
    Ok(files)
}
