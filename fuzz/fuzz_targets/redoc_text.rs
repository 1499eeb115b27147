//! Fuzz target `redoc_text`: runs `xtask::fuzz::redoc_text` (see there for what it checks) on each input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xtask::fuzz::redoc_text(data));
