//! cargo-fuzz target `fmt`: see `salesproc_gen::fuzz::fmt` for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salesproc_gen::fuzz::fmt(data));
