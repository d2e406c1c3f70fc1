#![no_main]
//! Fuzz target `delimited`: see qbr_fuzz::delimited.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::delimited(data));
