#![no_main]
//! Fuzz target `values`: see qbr_fuzz::values.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::values(data));
