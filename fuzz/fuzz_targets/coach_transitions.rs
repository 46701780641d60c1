//! `relationship_ladder::fuzz::coach_transitions` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| relationship_ladder::fuzz::coach_transitions(data));
