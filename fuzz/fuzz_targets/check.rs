//! cargo-fuzz target `check`: see `salesproc_gen::fuzz::check` for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salesproc_gen::fuzz::check(data));
