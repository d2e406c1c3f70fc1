#![no_main]
//! Fuzz target `formula`: see qbr_fuzz::formula.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::formula(data));
