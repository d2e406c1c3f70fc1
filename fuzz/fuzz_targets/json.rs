#![no_main]
//! Fuzz target `json`: see qbr_fuzz::json.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::json(data));
