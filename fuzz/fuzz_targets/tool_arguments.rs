//! `relationship_ladder::fuzz::tool_arguments` under libFuzzer.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| relationship_ladder::fuzz::tool_arguments(data));
