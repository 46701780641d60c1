//! `relationship-ladder`: the Customer Relationship Ladder method for AI assistants, with its
//! rules enforced in code.
//!
//! [`method`] is the engine: pure functions over plain types, specified rule by rule in
//! METHOD.md. [`skill`] holds the skill folder and prompts embedded in the binary. The MCP
//! server that exposes both is built on top of them.

pub mod fuzz;
pub mod method;
pub mod server;
pub mod skill;
pub mod store;
