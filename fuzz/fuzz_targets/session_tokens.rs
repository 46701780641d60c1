//! `relationship_ladder::fuzz::session_tokens` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| relationship_ladder::fuzz::session_tokens(data));
