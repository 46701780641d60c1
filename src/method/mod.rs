//! The Customer Relationship Ladder as a deterministic engine: every rule of METHOD.md applied
//! to plain typed values.
//!
//! The calling assistant supplies meaning (it classifies each evidence item against the
//! [`catalogue`]); the engine enforces the method: it checks the words against its own
//! [`lexicon`], applies caps, counts evidence, refuses to skip steps, and names the rule id
//! behind every verdict. Nothing here does I/O, reads a clock, or knows about a protocol, so
//! the same input always gives the same answer.
//!
//! | module | owns |
//! | --- | --- |
//! | [`rules`] | the ids of METHOD.md |
//! | [`rung`] | rungs, dimensions, domains, trust dimensions, levers |
//! | [`activation`] | activate, decline or ask (R3–R8, Q1–Q6) |
//! | [`coach`] | the novice step machine (R9–R14, Q7–Q13) |
//! | [`catalogue`] | the observation and trust catalogues (Q16, Q26) |
//! | [`evidence`] | Diagnose: pool, caps, current rung (R16–R22) |
//! | [`design`] | target, requirement, packs, plan checks (R23–R28) |
//! | [`trust`] | the trust audit (R29–R31) |
//! | [`process`] | the whole Process and the checklist (R15, R33–R35) |
//! | [`card`] | the Diagnostic Card and its renderings (R33, Q30) |

pub mod activation;
pub mod card;
pub mod catalogue;
pub mod coach;
pub mod date;
pub mod design;
pub mod evidence;
pub mod input;
pub mod lexicon;
pub mod process;
pub mod report;
pub mod rules;
pub mod rung;
pub mod svg;
pub mod text;
pub mod trust;

pub use activation::{Activation, ActivationFacts, activate};
pub use card::{Card, CardFormat};
pub use catalogue::{Observation, TrustSignal};
pub use input::{InputError, InputErrors, Limits};
pub use process::{DiagnoseInput, Diagnosis, diagnose};
pub use rules::Rule;
pub use rung::{Dimension, Domain, Lever, Rung, TrustDimension};
