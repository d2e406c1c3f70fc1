#![no_main]
//! Fuzz target `xlsx`: see qbr_fuzz::xlsx.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::xlsx(data));
