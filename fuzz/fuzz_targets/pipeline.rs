//! Fuzz target `pipeline`: runs `xtask::fuzz::pipeline` (see there for what it checks) on each input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xtask::fuzz::pipeline(data));
