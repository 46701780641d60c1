//! `relationship_ladder::fuzz::card_rendering` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| relationship_ladder::fuzz::card_rendering(data));
