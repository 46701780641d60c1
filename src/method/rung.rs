//! The five rungs (R1) and the closed sets the rest of the engine is written in: the four
//! diagnose dimensions (R16), the domains of the packs (R26), the trust dimensions (R29) and
//! the step-4 levers (Q12).
//!
//! Only names and fixed texts live here; no rule is applied in this module.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A rung of the ladder, 1 (Partial Fulfillment) to 5 (Driver / Pioneer) (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rung(u8);

impl Rung {
    /// Rung 1, Partial Fulfillment.
    pub const ONE: Rung = Rung(1);
    /// Rung 2, Basic Fulfillment.
    pub const TWO: Rung = Rung(2);
    /// Rung 3, Deep Understanding.
    pub const THREE: Rung = Rung(3);
    /// Rung 4, Trusted Strategic Partner.
    pub const FOUR: Rung = Rung(4);
    /// Rung 5, Driver / Pioneer.
    pub const FIVE: Rung = Rung(5);
    /// All five, bottom to top.
    pub const ALL: [Rung; 5] = [Rung(1), Rung(2), Rung(3), Rung(4), Rung(5)];

    /// The rung numbered `n`, if `n` is 1 to 5.
    pub fn new(n: u8) -> Option<Rung> {
        (1..=5).contains(&n).then_some(Rung(n))
    }

    /// The rung's number, 1 to 5.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The next rung up, or `None` at Rung 5 (R23).
    pub fn next(self) -> Option<Rung> {
        Rung::new(self.0 + 1)
    }

    /// The rung's name as the skill's table gives it.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Partial Fulfillment",
            2 => "Basic Fulfillment",
            3 => "Deep Understanding",
            4 => "Trusted Strategic Partner",
            _ => "Driver / Pioneer",
        }
    }

    /// The signal by which the rung is recognised (R1).
    pub fn signal(self) -> &'static str {
        match self.0 {
            1 => "the vendor meets only the stated need; the customer keeps alternatives warm",
            2 => "the vendor delivers reliably; the customer has stopped shopping around",
            3 => "the vendor grasps unstated needs and delivers insight proactively",
            4 => "the customer shares its roadmap; joint planning happens",
            _ => "the vendor shapes the customer's strategy; co-creation; high switching cost",
        }
    }
}

impl fmt::Display for Rung {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Rung {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for Rung {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(deserializer)?;
        u8::try_from(n).ok().and_then(Rung::new).ok_or_else(|| {
            serde::de::Error::custom(format!("rung {n} is not a rung: expected an integer 1 to 5"))
        })
    }
}

impl JsonSchema for Rung {
    fn schema_name() -> Cow<'static, str> {
        "Rung".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "integer",
            "minimum": 1,
            "maximum": 5,
            "description": "A rung: 1 Partial Fulfillment, 2 Basic Fulfillment, 3 Deep \
                            Understanding, 4 Trusted Strategic Partner, 5 Driver / Pioneer.",
        })
    }
}

/// The four dimensions on which Diagnose collects evidence (R16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// What the customer tells the vendor, and when.
    InformationFlow,
    /// How easily the customer could replace the vendor.
    VendorSubstitutability,
    /// Who defines the problems the vendor works on.
    ProblemSource,
    /// The forums in which the two sides meet (forum, not frequency: Q31).
    MeetingCadence,
}

impl Dimension {
    /// All four, in the skill's order.
    pub const ALL: [Dimension; 4] = [
        Dimension::InformationFlow,
        Dimension::VendorSubstitutability,
        Dimension::ProblemSource,
        Dimension::MeetingCadence,
    ];

    /// The dimension's name in prose.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::InformationFlow => "information flow",
            Dimension::VendorSubstitutability => "vendor substitutability",
            Dimension::ProblemSource => "problem source",
            Dimension::MeetingCadence => "meeting cadence",
        }
    }

    /// What an item on this dimension looks like at each rung (the guide table of Q16).
    pub fn guide(self, rung: Rung) -> &'static str {
        use Dimension::*;
        match (self, rung.get()) {
            (InformationFlow, 1) => "specs and stated requirements only; tickets and invoices",
            (InformationFlow, 2) => "operational data needed for delivery; public strategy",
            (InformationFlow, 3) => "inside knowledge of needs the customer did not state",
            (InformationFlow, 4) => "the customer shares roadmap or strategy before it is final",
            (InformationFlow, _) => "the vendor's input shapes the customer's strategy",
            (VendorSubstitutability, 1) => "alternatives kept warm: bids, dual sourcing, price",
            (VendorSubstitutability, 2) => "stopped shopping: renewal without tender, sole source",
            (VendorSubstitutability, 3) => "the customer relies on insight specific to it",
            (VendorSubstitutability, 4) => "switching cost from joint assets",
            (VendorSubstitutability, _) => "the customer designs around the vendor's constraints",
            (ProblemSource, 1) => "the customer specifies (RFP, ticket)",
            (ProblemSource, 2) => "the customer specifies; the vendor solves reliably",
            (ProblemSource, 3) => "the vendor surfaces problems the customer had not raised",
            (ProblemSource, 4) => "problems defined jointly, with shared stakes",
            (ProblemSource, _) => "the vendor sets the agenda; co-creation",
            (MeetingCadence, 1) => "social events",
            (MeetingCadence, 2) => "vendor-hosted reviews and QBRs, at best",
            (MeetingCadence, 3) => "invited into the customer's own planning forum",
            (MeetingCadence, 4) => "a joint planning forum with both sides' resources",
            (MeetingCadence, _) => "a seat in the customer's strategy or board forum",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The vendor's domain, which selects a domain pack (R26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// Software sold as a service.
    Saas,
    /// Consulting, agencies, advisory and other professional services.
    ProfessionalServices,
    /// Makers and suppliers of physical products.
    Manufacturing,
    /// Any other domain: no pack applies (Q23).
    #[default]
    Other,
}

impl Domain {
    /// Every domain, the packs' three first.
    pub const ALL: [Domain; 4] =
        [Domain::Saas, Domain::ProfessionalServices, Domain::Manufacturing, Domain::Other];

    /// The domain's name on the wire, as serde writes it.
    pub fn id(self) -> &'static str {
        match self {
            Domain::Saas => "saas",
            Domain::ProfessionalServices => "professional_services",
            Domain::Manufacturing => "manufacturing",
            Domain::Other => "other",
        }
    }

    /// The domain's name in prose.
    pub fn label(self) -> &'static str {
        match self {
            Domain::Saas => "SaaS",
            Domain::ProfessionalServices => "professional services",
            Domain::Manufacturing => "manufacturing",
            Domain::Other => "other",
        }
    }
}

/// A dimension of the trust audit (R29).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TrustDimension {
    /// Do they believe you can deliver?
    Competence,
    /// Do they believe you act in their interest?
    Integrity,
    /// Do they bring you bad news?
    Benevolence,
}

impl TrustDimension {
    /// The three dimensions in the card's order.
    pub const ALL: [TrustDimension; 3] =
        [TrustDimension::Competence, TrustDimension::Integrity, TrustDimension::Benevolence];

    /// The dimension's label on the card.
    pub fn label(self) -> &'static str {
        match self {
            TrustDimension::Competence => "Competence",
            TrustDimension::Integrity => "Integrity",
            TrustDimension::Benevolence => "Benevolence",
        }
    }

    /// The audit question the skill asks for the dimension (R29).
    pub fn question(self) -> &'static str {
        match self {
            TrustDimension::Competence => "Do they believe you can deliver?",
            TrustDimension::Integrity => "Do they believe you act in their interest?",
            TrustDimension::Benevolence => "Do they bring you bad news?",
        }
    }
}

/// What stops the team from being more proactive: the answer to coach step 4, and the lever
/// the rung-up move pulls (R13, Q12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lever {
    /// (a) We don't know their business: a named person learns it from the inside.
    Knowledge,
    /// (b) We are afraid to overstep: the move takes a form the customer invites and co-owns.
    Mandate,
    /// (c) They don't engage: change who and where the vendor engages.
    Access,
}

impl Lever {
    /// The letter the skill gives the answer.
    pub fn letter(self) -> char {
        match self {
            Lever::Knowledge => 'a',
            Lever::Mandate => 'b',
            Lever::Access => 'c',
        }
    }

    /// The step-4 answer the lever stands for, in the skill's words.
    pub fn answer(self) -> &'static str {
        match self {
            Lever::Knowledge => "we don't know their business",
            Lever::Mandate => "we are afraid to overstep",
            Lever::Access => "they don't engage",
        }
    }

    /// The lever that answer letter `c` selects, if it is a, b or c.
    pub fn from_letter(c: char) -> Option<Lever> {
        match c.to_ascii_lowercase() {
            'a' => Some(Lever::Knowledge),
            'b' => Some(Lever::Mandate),
            'c' => Some(Lever::Access),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_ids_are_what_serde_reads_and_writes() {
        for d in Domain::ALL {
            assert_eq!(serde_json::to_value(d).unwrap(), d.id());
        }
    }
}
