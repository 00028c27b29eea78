//! cargo-fuzz target `solver`: see `salesproc_gen::fuzz::solver` for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salesproc_gen::fuzz::solver(data));
