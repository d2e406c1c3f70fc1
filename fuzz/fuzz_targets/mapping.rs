#![no_main]
//! Fuzz target `mapping`: see qbr_fuzz::mapping.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::mapping(data));
