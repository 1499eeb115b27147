//! Compile tests of the generated Wealthbox client: programs that must build (the API is
//! usable as documented) and programs that must not (a forgotten required input is a
//! compile error, not a runtime surprise). The expected compiler output of each failing
//! program is in `ui/fail/*.stderr`; regenerate it with `TRYBUILD=overwrite`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
