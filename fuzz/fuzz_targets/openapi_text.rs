//! Fuzz target `openapi_text`: runs `xtask::fuzz::openapi_text` (see there for what it checks) on each input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xtask::fuzz::openapi_text(data));
