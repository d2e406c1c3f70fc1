#![no_main]
//! Fuzz target `period`: see qbr_fuzz::period.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qbr_fuzz::period(data));
