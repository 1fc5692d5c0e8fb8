//! The rules' work grows linearly in every shape of plan: counted, not timed.
//!
//! Each shape is checked at N and 2N declarations; the rules are run again with the graph
//! counting the edges its queries hand out (`Graph::count_work`), and doubling N may at most
//! double that count (plus a little). A rule that scans a node's every edge for each of its
//! neighbours, or rebuilds a region per KPI, makes the count grow as N² and fails here. The
//! timings of the same shapes at 10k–100k are in `bench/shapes.sh` and docs/performance.md.

use align::base::Date;
use align::engine::check_loaded;
use align::rules::RuleSet;
use align::source::SourceSet;
use std::fmt::Write as _;

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 24,
};

/// The plan above every shape: a plan, a policy and the goal `G`.
const TOP: &str = "plan PL \"plan\" { period FY2022..FY2026 }\n\
                   policy V \"policy\" { plan PL }\n\
                   goal G \"goal\" { policy V }\n";

/// `prefix` followed by each number of `numbers`, joined by commas: the identifiers of a list.
fn list(prefix: &str, numbers: impl Iterator<Item = usize>) -> String {
    let ids: Vec<String> = numbers.map(|i| format!("{prefix}{i}")).collect();
    ids.join(", ")
}

/// Edges handed out to the rules checking `spec`, and the number of findings.
fn work(spec: &str) -> (usize, usize) {
    let mut sources = SourceSet::new();
    sources.add_spec("shape.align", spec);
    let Ok(rules) = RuleSet::embedded(&mut sources) else {
        panic!("the embedded rule set does not load");
    };
    let mut checked = check_loaded(sources.into(), rules, TODAY);
    checked.model.graph.count_work();
    let findings = checked.rules.run(&checked.model, TODAY);
    (checked.model.graph.work(), findings.len())
}

/// Runs `shape` at `n` and `2n` and fails if the work more than doubles.
fn assert_linear(name: &str, n: usize, shape: fn(usize) -> String) {
    let (small, small_findings) = work(&shape(n));
    let (large, large_findings) = work(&shape(2 * n));
    assert!(
        small >= n,
        "{name}: the rules visited {small} edges for {n} declarations; the shape does not \
         exercise them"
    );
    assert!(
        small_findings > 0 && large_findings > 0,
        "{name}: no findings"
    );
    // Exactly linear work doubles; 10% leaves room for the constant part (the plan above).
    assert!(
        large * 10 <= small * 22,
        "{name}: {small} edges visited at N = {n}, {large} at N = {}: more than double",
        2 * n
    );
}

/// One goal with N items, a few programs covering some and a KPI measuring the goal: each
/// item's coverage by KPIs walks up to the goal, which has N `goal` edges and one `measures`.
fn goal_with_n_items(n: usize) -> String {
    let mut s = TOP.to_owned();
    s.push_str("kpi K \"kpi\" { measures [G]; method direct }\n");
    for i in 0..n {
        writeln!(
            s,
            "item I{i} \"item {i}\" {{ goal G; topics [t{}] }}",
            i % 7
        )
        .ok();
    }
    for p in 0..4 {
        let covers = list("I", p * 10..p * 10 + 10);
        writeln!(
            s,
            "program P{p} \"p\" {{ covers [{covers}]; scope [t{p}] }}"
        )
        .ok();
    }
    s
}

/// One item with N sub-items: each sub-item looks for programs covering its parent.
fn parent_with_n_children(n: usize) -> String {
    let mut s = TOP.to_owned();
    s.push_str("item I \"parent\" { goal G }\nprogram P \"p\" { covers [I] }\n");
    for i in 0..n {
        writeln!(
            s,
            "item I.{i} \"sub-item {i}\" {{ parent I; topics [t{}] }}",
            i % 5
        )
        .ok();
    }
    s
}

/// N/10 KPIs measuring one goal with N items under it (three programs cover some of them):
/// the region under the goal is the same for every KPI, so it is walked once.
fn kpis_measuring_one_goal(n: usize) -> String {
    let mut s = TOP.to_owned();
    for i in 0..n {
        writeln!(s, "item I{i} \"item {i}\" {{ goal G }}").ok();
    }
    for p in 0..3 {
        let covers = list("I", p * 10..p * 10 + 10);
        writeln!(s, "program P{p} \"p\" {{ covers [{covers}] }}").ok();
    }
    // Every KPI leaves P0 out of its measurement scope: one finding each.
    for k in 0..n / 10 {
        writeln!(
            s,
            "kpi K{k} \"kpi\" {{ measures [G]; method direct; measured-in [P1, P2] }}"
        )
        .ok();
    }
    s
}

/// An N-deep `parent` chain under the goal; the deepest item is the only leaf.
fn deep_parent_chain(n: usize) -> String {
    let mut s = TOP.to_owned();
    s.push_str("item I0 \"item\" { goal G }\n");
    for i in 1..n {
        writeln!(s, "item I{i} \"item {i}\" {{ parent I{} }}", i - 1).ok();
    }
    s.push_str("program P \"p\" { covers [I3] }\n");
    s
}

/// One program covering N items of one goal.
fn program_covering_n_items(n: usize) -> String {
    let mut s = TOP.to_owned();
    let covers = list("I", 0..n);
    writeln!(s, "program P \"p\" {{ covers [{covers}]; scope [a] }}").ok();
    for i in 0..n {
        writeln!(s, "item I{i} \"item {i}\" {{ goal G; topics [b] }}").ok();
    }
    s
}

/// One item with N topics and N programs linked to it, each with a scope of its own (none
/// shared): each program's tags are compared with the item's N topics.
fn item_with_n_topics(n: usize) -> String {
    let mut s = TOP.to_owned();
    let topics = list("t", 0..n);
    writeln!(s, "item I \"item\" {{ goal G; topics [{topics}] }}").ok();
    for i in 0..n {
        writeln!(s, "program P{i} \"p\" {{ covers [I]; scope [s{i}] }}").ok();
    }
    s
}

/// One program with N/2 scopes covering N items with a topic each: each item's topic is
/// looked for among the program's scopes (every topic is numbered first, by the first item,
/// which has them all, so a topic's number lies among the scopes').
fn program_with_n_scopes(n: usize) -> String {
    let mut s = TOP.to_owned();
    let all = list("t", 0..n);
    writeln!(s, "item I0 \"item\" {{ goal G; topics [{all}] }}").ok();
    for i in 1..n {
        writeln!(s, "item I{i} \"item {i}\" {{ goal G; topics [t{i}] }}").ok();
    }
    let (covers, scopes) = (list("I", 0..n), list("t", (0..n).step_by(2)));
    writeln!(
        s,
        "program P \"p\" {{ covers [{covers}]; scope [{scopes}] }}"
    )
    .ok();
    s
}

/// One item with N topics, and a program with the same N topics in its scope that is linked
/// to another item: the item's finding names the tags the two share.
fn unlinked_program_sharing_n_topics(n: usize) -> String {
    let mut s = TOP.to_owned();
    let topics = list("t", 0..n);
    writeln!(s, "item I \"item\" {{ goal G; topics [{topics}] }}").ok();
    writeln!(s, "item J \"other\" {{ goal G }}").ok();
    writeln!(s, "program P \"p\" {{ covers [J]; scope [{topics}] }}").ok();
    s
}

/// An N-deep `parent` chain with a program outside the plan's period covering each item: each
/// program's finding names the plans above what it covers.
fn deep_chain_with_programs_outside_the_period(n: usize) -> String {
    let mut s = deep_parent_chain(n);
    for i in 0..n {
        writeln!(
            s,
            "program Q{i} \"q\" {{ covers [I{i}]; period FY2010..FY2012 }}"
        )
        .ok();
    }
    s
}

#[test]
fn one_goal_with_n_items() {
    assert_linear("one goal with N items", 1000, goal_with_n_items);
}

#[test]
fn one_parent_with_n_children() {
    assert_linear("one parent with N children", 1000, parent_with_n_children);
}

#[test]
fn n_kpis_measuring_one_goal() {
    assert_linear(
        "N/10 KPIs measuring one goal",
        1000,
        kpis_measuring_one_goal,
    );
}

#[test]
fn an_n_deep_parent_chain() {
    assert_linear("an N-deep parent chain", 1000, deep_parent_chain);
}

#[test]
fn one_program_covering_n_items() {
    assert_linear(
        "one program covering N items",
        1000,
        program_covering_n_items,
    );
}

#[test]
fn one_item_with_n_topics() {
    assert_linear("one item with N topics", 1000, item_with_n_topics);
}

#[test]
fn one_program_with_n_scopes() {
    assert_linear("one program with N scopes", 1000, program_with_n_scopes);
}

#[test]
fn an_unlinked_program_sharing_n_topics() {
    assert_linear(
        "an unlinked program sharing N topics",
        1000,
        unlinked_program_sharing_n_topics,
    );
}

#[test]
fn a_deep_chain_with_programs_outside_the_period() {
    assert_linear(
        "an N-deep chain with a program outside the period on each item",
        1000,
        deep_chain_with_programs_outside_the_period,
    );
}

/// An N-deep `parent` chain with a KPI measuring every item and one program at the bottom,
/// outside every KPI's measurement scope: each item's region is the rest of the chain, so
/// walking each one from its top was N²/2 nodes; each KPI has one finding.
fn deep_chain_with_a_kpi_on_every_item(n: usize) -> String {
    let mut s = deep_parent_chain(n);
    writeln!(s, "program Q \"q\" {{ covers [I{}] }}", n - 1).ok();
    for i in 0..n {
        writeln!(
            s,
            "kpi K{i} \"kpi\" {{ measures [I{i}]; method direct; measured-in [P] }}"
        )
        .ok();
    }
    s
}

#[test]
fn a_deep_chain_with_a_kpi_on_every_item() {
    assert_linear(
        "an N-deep chain with a KPI measuring each item",
        1000,
        deep_chain_with_a_kpi_on_every_item,
    );
}
