//! Lays out the release binary's code with the functions a session runs first and together.
//!
//! A stdio server's resident memory is mostly code pages, and the kernel maps the file pages
//! around each one a process touches, so a call that runs 1 MB of functions spread over 7 MB
//! of text keeps most of the 7 MB resident. `build/hot-functions.txt` lists the functions
//! representative sessions run (written by `scripts/hot-functions.sh` from a callgrind run of
//! the release build), and the linker places them first, in that order; the rest follows as
//! before. The list names symbols of one compiler, dependency set and profile: a function it
//! no longer matches is simply laid out as it would have been, so a stale list costs memory,
//! never correctness. `scripts/hot-functions.sh` reports how much of the list matches.
//!
//! Only for the release profile on x86_64 Linux, where rustc links with LLD by default since
//! Rust 1.90 (the option is LLD's), and not when the build names a linker of its own (a
//! `-C linker…` or `-fuse-ld` in the flags). `LADDER_NO_SYMBOL_ORDER=1` turns it off too.

#![allow(clippy::print_stdout, reason = "a build script speaks to cargo on its stdout")]

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build/hot-functions.txt");
    println!("cargo:rerun-if-env-changed=LADDER_NO_SYMBOL_ORDER");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    let target = std::env::var("TARGET").unwrap_or_default();
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let off = std::env::var_os("LADDER_NO_SYMBOL_ORDER").is_some_and(|v| v != "0");
    // The flags cargo passes to rustc, separated by 0x1f; a linker chosen there may not be LLD.
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let own_linker = flags.contains("linker") || flags.contains("fuse-ld");
    let configured =
        std::env::vars().any(|(k, _)| k.starts_with("CARGO_TARGET_") && k.ends_with("_LINKER"));
    if target != "x86_64-unknown-linux-gnu"
        || profile != "release"
        || off
        || own_linker
        || configured
    {
        return;
    }
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let list = Path::new(&manifest).join("build").join("hot-functions.txt");
    if list.is_file() {
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", list.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
