//! The fuzz targets of `src/fuzz.rs`, run as property tests where `cargo fuzz` cannot run (it
//! needs a nightly compiler): each target gets inputs from a seeded generator for a time
//! budget, `LADDER_FUZZ_SECONDS` per target (1 s by default; `.ci/run` gives each a minute).
//! A failure prints the seed and the input, so it can be replayed with `LADDER_FUZZ_SEED`.
//!
//! Inputs are the byte recipes the targets read: random bytes, and the bytes of earlier
//! inputs with a few bytes changed, so that a recipe that reached deep is explored around.

#![allow(clippy::print_stderr, reason = "the executions printed are the run's report")]

use std::time::{Duration, Instant};

use relationship_ladder::fuzz;

/// xorshift64*: a small, fast, seedable generator, good enough to pick bytes.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

fn budget() -> Duration {
    let seconds = std::env::var("LADDER_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok());
    Duration::from_secs_f64(seconds.unwrap_or(1.0))
}

/// Runs `target` until the budget is spent; returns the number of executions.
fn run(name: &str, target: fn(&[u8])) -> u64 {
    let seed = std::env::var("LADDER_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0000_0000_0001_u64 ^ name.len() as u64);
    let mut generator = Generator(seed);
    let mut pool: Vec<Vec<u8>> = vec![Vec::new(), vec![0; 64], vec![0xff; 64]];
    let deadline = Instant::now() + budget();
    let mut executions = 0u64;
    while Instant::now() < deadline {
        let input = if generator.below(3) == 0 || pool.is_empty() {
            let len = generator.below(256);
            generator.bytes(len)
        } else {
            let mut input = pool[generator.below(pool.len())].clone();
            for _ in 0..=generator.below(4) {
                match generator.below(3) {
                    0 if !input.is_empty() => {
                        let i = generator.below(input.len());
                        input[i] = generator.next() as u8;
                    }
                    1 => input.push(generator.next() as u8),
                    _ => input.truncate(generator.below(input.len() + 1)),
                }
            }
            input
        };
        let outcome = std::panic::catch_unwind(|| target(&input));
        if outcome.is_err() {
            panic!(
                "{name}: an invariant broke (seed {seed}, execution {executions}) on input \
                 {input:?}"
            );
        }
        executions += 1;
        if pool.len() < 512 {
            pool.push(input);
        } else {
            let i = generator.below(pool.len());
            pool[i] = input;
        }
    }
    eprintln!("fuzz {name}: {executions} executions, 0 failures, seed {seed}");
    executions
}

#[test]
fn fuzz_tool_arguments() {
    assert!(run("tool_arguments", fuzz::tool_arguments) > 0);
}

#[test]
fn fuzz_coach_transitions() {
    assert!(run("coach_transitions", fuzz::coach_transitions) > 0);
}

#[test]
fn fuzz_session_tokens() {
    assert!(run("session_tokens", fuzz::session_tokens) > 0);
}

#[test]
fn fuzz_card_rendering() {
    assert!(run("card_rendering", fuzz::card_rendering) > 0);
}
