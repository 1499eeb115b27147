//! Emits the document's JSON examples as fixture files (`tests/fixtures/<api>/`) and a
//! test per fixture (`tests/tests/<api>_fixtures.rs`) that decodes it into the type of
//! its operation and checks that re-encoding loses nothing.

use quote::{format_ident, quote};

use super::{rust_type, Context, EmitError, GeneratedFile};
use crate::names::{module, snake, snake_words};
use crate::spec::{Example, Operation, Spec, TypeRef};

/// One valid example of an operation's body, with the names it is emitted under.
pub(crate) struct Fixture<'a> {
    pub op: &'a Operation,
    /// The type it decodes into.
    pub ty: TypeRef,
    pub example: &'a Example,
    /// File name under `tests/fixtures/<api>/`: `<operation>.<status or request>[.N].json`.
    pub file: String,
    /// Name of its test function.
    pub test: String,
}

/// Every fixture of the spec, in operation order.
pub(crate) fn fixtures_of(spec: &Spec) -> Vec<Fixture<'_>> {
    let mut out = Vec::new();
    for op in &spec.operations {
        let request = op.request.iter().map(|r| ("request", r.ty.clone(), &r.examples));
        let responses =
            op.responses.iter().map(|r| (r.status.as_str(), r.ty.clone().unwrap_or(TypeRef::Any), &r.examples));
        for (kind, ty, examples) in request.chain(responses) {
            let kind = snake_words(kind);
            let valid: Vec<&Example> = examples.iter().filter(|e| e.valid_json).collect();
            for (i, example) in valid.iter().enumerate() {
                let suffix = if valid.len() > 1 { format!(".{}", i + 1) } else { String::new() };
                out.push(Fixture {
                    op,
                    ty: ty.clone(),
                    example,
                    file: format!("{}.{kind}{suffix}.json", module(&op.id)),
                    test: format!("{}_{kind}{}", snake(&op.id), suffix.replace('.', "_")),
                });
            }
        }
    }
    out
}

/// The fixture files and their test file.
pub fn fixtures(ctx: &Context, header: &str) -> Result<Vec<GeneratedFile>, EmitError> {
    let api = &ctx.spec.api.name;
    let mut files = Vec::new();
    let mut tests = Vec::new();
    for fixture in fixtures_of(ctx.spec) {
        let Fixture { ty, example, file, test, .. } = fixture;
        files.push(GeneratedFile { path: format!("tests/fixtures/{api}/{file}"), contents: format!("{}\n", example.json) });
        let test = format_ident!("{}", test);
        let include = format!("../fixtures/{api}/{file}");
        let ty = rust_type(&ty).to_string().replace("crate ::", &format!("{api} ::"));
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
