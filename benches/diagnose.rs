//! How long `diagnose` takes on a full account, and how its cost grows with the number of
//! evidence items. Run with `cargo bench --bench diagnose`.
//!
//! The figures are medians of many timed batches, in one process, so they can be compared with
//! each other even on a noisy machine: the table prints the time per call, the time per item,
//! and each size's cost relative to the 10-item account (linear growth means the ratio tracks
//! the item count). A plain harness is used rather than a framework because the report that
//! matters here is those ratios, which no framework prints.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use relationship_ladder::method::activation::Money;
use relationship_ladder::method::design::{MoveKind, PlanInput};
use relationship_ladder::method::evidence::{
    AssetKind, EvidenceItem, OwnerRole, ProprietaryAsset, RelationshipOwner, StopRuleAnswer,
};
use relationship_ladder::method::process::{AccountInput, DiagnoseInput};
use relationship_ladder::method::trust::TrustObservation;
use relationship_ladder::method::{
    Domain, Limits, Observation, Rung, TrustDimension, TrustSignal, diagnose,
};

const TEXTS: &[&str] = &[
    "Priya saw their dispatchers re-keying delivery exceptions by hand, a problem they never \
     raised, and built an exception export that went live in November.",
    "Northwind renewed in July for two years without going to tender; the order form is signed.",
    "Their CFO walked us through the 2027 expansion plan three weeks before their investor day.",
    "We sent them our proactive industry trends report on last-mile costs.",
    "Marcus invited Priya to the monthly operations-planning meeting for the first time.",
    "The QBR rated us 9/10 and they said they couldn't imagine switching.",
];

fn account(items: usize) -> DiagnoseInput {
    account_with(items, 20)
}

/// An account with `items` evidence items and `per_dimension` trust observations per dimension.
fn account_with(items: usize, per_dimension: usize) -> DiagnoseInput {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a valid date");
    let evidence = (0..items)
        .map(|i| EvidenceItem {
            id: Some(format!("item-{i}").into()),
            observation: Observation::ALL[i % (Observation::ALL.len() - 1)],
            text: TEXTS[i % TEXTS.len()].to_owned(),
            who: Some("Marcus Lee, Director of Operations".to_owned()),
            what: Some("recorded in the shared account plan and the CRM".to_owned()),
            when: Some(format!("2026-{:02}-{:02}", 1 + i % 11, 1 + i % 27).parse().expect("date")),
            source: Some("CRM note".to_owned()),
        })
        .collect();
    let trust = TrustDimension::ALL
        .iter()
        .flat_map(|d| {
            let signals: Vec<_> =
                TrustSignal::ALL.iter().filter(|s| s.spec().dimension == *d).collect();
            (0..per_dimension).map(move |i| *signals[i % signals.len()])
        })
        .enumerate()
        .map(|(i, signal)| TrustObservation {
            signal,
            text: "They told us about the budget cut before it reached their board.".to_owned(),
            who: Some("Northwind CFO".to_owned()),
            what: Some("budget cut disclosed early in a call".to_owned()),
            when: Some(format!("2026-{:02}-15", 9 + i % 3).parse().expect("date")),
        })
        .collect();
    DiagnoseInput {
        account: AccountInput {
            name: "Northwind Logistics".to_owned(),
            domain: Domain::Saas,
            owner: "Dana Whitfield".to_owned(),
            relationship_owner: Some(RelationshipOwner {
                role: OwnerRole::Other,
                title: Some("Director of Operations".to_owned()),
            }),
            claimed_rung: Rung::new(4),
            acv: Some(Money {
                amount: 84_000.0,
                currency: "USD".to_owned(),
                period: Default::default(),
            }),
            customer_count: Some(140),
            arms_length: Default::default(),
            category_level_problem: false,
        },
        date: day("2026-12-03"),
        evidence,
        stop_rule: Some(StopRuleAnswer {
            text: "Dispatchers were re-keying exceptions by hand; we built the export.".to_owned(),
            need: Some("re-keying delivery exceptions by hand".to_owned()),
            action_taken: Some("built and shipped an exception export".to_owned()),
            when: Some("2026-11-12".parse().expect("date")),
            same_as: None,
        }),
        proprietary_asset: Some(ProprietaryAsset {
            name: "anonymised dispatch benchmark of 1,900 regional carriers".to_owned(),
            kind: AssetKind::Data,
            why_unique: "no other vendor sees dispatch data from that many carriers".to_owned(),
        }),
        trust,
        overall_trust_score: Some("8/10".to_owned()),
        barrier: None,
        plan: Some(PlanInput {
            target_rung: Rung::new(4),
            action: "Assign Priya Nair to the monthly ops planning and build an exception-cost \
                     analysis from their dispatch data"
                .to_owned(),
            owner: "Priya Nair".to_owned(),
            due: day("2027-03-31"),
            success_evidence: "Their director puts our analysis on the Q2 planning agenda"
                .to_owned(),
            trust_dependency: vec![TrustDimension::Competence, TrustDimension::Benevolence],
            move_kind: MoveKind::Operational,
        }),
        rationalizations: Vec::new(),
    }
}

/// The time of one call: the median and the fastest of `samples` batches of calls, each batch
/// sized to take about 5 ms. On a shared machine noise only ever adds time, so the fastest batch
/// is the closest to the code's own cost and the median says what a caller typically sees.
fn time_call(input: &DiagnoseInput, samples: usize) -> (Duration, Duration) {
    let limits = Limits::default();
    let once = || black_box(diagnose(black_box(input), limits).expect("the account is valid"));
    let start = Instant::now();
    let mut calibration = 0u32;
    while start.elapsed() < Duration::from_millis(5) {
        once();
        calibration += 1;
    }
    let batch = calibration.max(1);
    let mut times: Vec<Duration> = (0..samples)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                once();
            }
            t.elapsed() / batch
        })
        .collect();
    times.sort();
    (times[times.len() / 2], times[0])
}

/// The least-squares line through `(x, y)`: intercept, slope, and the largest distance of a
/// point from it relative to the point, which is small when the cost is linear.
fn fit(points: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = points.len() as f64;
    let (sx, sy) = points.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let worst =
        points.iter().map(|(x, y)| ((intercept + slope * x) - y).abs() / y).fold(0.0, f64::max);
    (intercept, slope, worst)
}

#[allow(clippy::print_stdout, reason = "a benchmark's report is its output")]
fn main() {
    // `LADDER_BENCH_CALLS=N` runs exactly N calls on the 50-item account and nothing else, for
    // counting instructions under `valgrind --tool=callgrind`, which is repeatable where wall
    // time on a shared two-core machine is not.
    if let Some(calls) = std::env::var("LADDER_BENCH_CALLS").ok().and_then(|n| n.parse().ok()) {
        let input = account(50);
        // Build the lexicon automata first, so a profile restricted to `diagnose` (callgrind's
        // `--toggle-collect`) counts only the calls.
        relationship_ladder::method::text::matcher_memory();
        for _ in 0..calls {
            black_box(diagnose(black_box(&input), Limits::default()).expect("valid"));
        }
        return;
    }
    let sizes = [5usize, 10, 20, 30, 40, 50];
    let inputs: Vec<_> = sizes.iter().map(|&n| account(n)).collect();
    // One warm-up round so lazily built tables (the lexicon automata) are not timed.
    for input in &inputs {
        time_call(input, 3);
    }
    let times: Vec<(Duration, Duration)> = inputs.iter().map(|i| time_call(i, 31)).collect();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("diagnose on a full account (60 trust observations, plan, stop-rule, asset)");
    println!("{:>6} {:>14} {:>14}", "items", "median µs", "fastest µs");
    for (n, (median, best)) in sizes.iter().zip(&times) {
        println!("{:>6} {:>14.1} {:>14.1}", n, us(*median), us(*best));
    }
    let points: Vec<(f64, f64)> =
        sizes.iter().zip(&times).map(|(&n, (_, best))| (n as f64, us(*best))).collect();
    let (intercept, slope, worst) = fit(&points);
    println!(
        "cost ≈ {intercept:.1} µs + {slope:.2} µs per item (fastest batches; every size within \
         {:.0}% of the line)",
        worst * 100.0
    );
    let quarter = us(time_call(&account_with(50, 4), 31).0);
    let bare = us(time_call(&account_with(50, 0), 31).0);
    println!("50 items with 12 trust observations (a typical quarter): {quarter:.1} µs median");
    println!("50 items with no trust observations: {bare:.1} µs median");
    let (median, best) = times[sizes.len() - 1];
    let verdict = |d: Duration| if us(d) < 50.0 { "under" } else { "OVER" };
    println!(
        "50 items: {:.1} µs median ({} the 50 µs target), {:.1} µs fastest ({})",
        us(median),
        verdict(median),
        us(best),
        verdict(best)
    );
    let kib = relationship_ladder::method::text::matcher_memory() / 1024;
    println!("lexicon automata: {kib} KiB");
}
