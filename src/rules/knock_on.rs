//! Knock-on findings: as rustc does, a rule finding that depends on a declaration with a
//! structural error, or on a file that could not be read, is held back, so that one mistake
//! gives one finding (the error) and a count of what was held back, not a false gap as well.
//!
//! What is tainted:
//! - a declaration with an error-level structural finding (unknown key, wrong value type,
//!   missing key, unresolved reference, malformed waiver, cycle …) or a syntax error, and
//!   every declaration below it in the plan's hierarchy (`parent`, `goal`, `policy`, `plan`);
//! - every kind with a declaration whose keys are in doubt (unknown key, wrong value type,
//!   missing key, syntax error), for the rules whose findings say "no node of that kind links
//!   here" (a program with a misspelt `scope` may be the one that covers an item);
//! - everything, when a spec file could not be read (it may declare what the others miss).
//!
//! What is held back: a rule finding (and an unused-waiver finding) on a tainted declaration,
//! or of a rule that reads a tainted kind; with an unread file, every rule finding and every
//! unresolved reference.

use super::{RuleSet, RuleType};
use crate::diag::{code, Finding, Severity};
use crate::model::{KindId, Model, NodeIx};
use std::collections::HashSet;

/// Splits `findings` into those to report and those held back (both in their given order).
/// `unread_files`: a spec file could not be read or decoded.
pub fn hold_back(
    rules: &RuleSet,
    model: &Model,
    findings: Vec<Finding>,
    unread_files: bool,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut tainted: HashSet<NodeIx> = model
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.recovered)
        .map(|(i, _)| NodeIx::new(i))
        .collect();
    tainted.extend(
        findings
            .iter()
            .filter(|f| is_structural_error(f))
            .filter_map(|f| f.nodes.first())
            .filter_map(|id| model.get(id)),
    );
    if tainted.is_empty() && !unread_files {
        return (findings, Vec::new());
    }
    // Kinds with a declaration whose own keys are in doubt (misspelt, mistyped or missing, or
    // unreadable): it may be the one that links where a rule finds nothing. An unresolved
    // reference or a cycle puts its declaration in doubt, not its whole kind.
    let mut kinds: HashSet<KindId> = model
        .nodes
        .iter()
        .filter(|n| n.recovered)
        .map(|n| n.kind)
        .collect();
    kinds.extend(
        findings
            .iter()
            .filter(|f| is_structural_error(f) && KEY_ERRORS.contains(&f.code.as_str()))
            .filter_map(|f| f.nodes.first())
            .filter_map(|id| model.get(id))
            .map(|n| model.node(n).kind),
    );
    // What lies below a tainted declaration in the hierarchy depends on it.
    let hierarchy = model.schema.hierarchy_ids();
    let below: Vec<NodeIx> = tainted
        .iter()
        .flat_map(|&n| model.graph.descendants(n, hierarchy))
        .collect();
    tainted.extend(below);
    let (mut kept, mut held) = (Vec::new(), Vec::new());
    for f in findings {
        let hold = if is_rule_finding(&f) {
            unread_files
                || f.nodes
                    .iter()
                    .any(|id| model.get(id).is_some_and(|n| tainted.contains(&n)))
                || rules
                    .rule(&f.code)
                    .is_some_and(|r| reads(&r.check).iter().any(|k| kinds.contains(k)))
        } else {
            unread_files && f.code == code::UNRESOLVED_REFERENCE.code
        };
        if hold {
            held.push(f);
        } else {
            kept.push(f);
        }
    }
    (kept, held)
}

/// Errors that put a declaration's keys in doubt: unknown key, wrong value type, missing key.
const KEY_ERRORS: [&str; 3] = [
    code::UNKNOWN_KEY.code,
    code::WRONG_TYPE.code,
    code::MISSING_KEY.code,
];

/// An error of the structure of the specs (not of a rule): it taints its declaration.
fn is_structural_error(f: &Finding) -> bool {
    f.severity == Severity::Error && code::lookup(&f.code).is_some()
}

/// A finding of a rule of the rule set, or about a waiver of one that went unused.
fn is_rule_finding(f: &Finding) -> bool {
    code::lookup(&f.code).is_none() || f.code == code::UNUSED_WAIVER.code
}

/// The kinds whose declarations a rule reads to find that something is missing: a tainted
/// declaration of one of them may be the missing thing.
fn reads(rule: &RuleType) -> Vec<KindId> {
    match rule {
        RuleType::Coverage(r) => vec![r.source],
        RuleType::MeasurementScope(r) => vec![r.source],
        RuleType::Required(r) => vec![r.reach],
        RuleType::StageGate(r) => vec![r.keys.project],
        RuleType::SeriesGap(r) => vec![r.0.plan.kind],
        RuleType::SeriesLag(r) => vec![r.plan.kind],
        RuleType::SeriesMissing(r) => vec![r.0.plan.kind],
        RuleType::SeriesPeriod(r) => vec![r.0.plan.kind],
        RuleType::PlanPeriod(r) => vec![r.plan],
        RuleType::PlanEnd(r) => vec![r.source, r.plan],
        RuleType::Orphan(_) | RuleType::SeriesTrend(_) | RuleType::SeriesUnits(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use crate::source::{FileId, SourceSet};
    use crate::syntax::ast::Date;

    /// The codes reported and held back for a spec checked with the bundled rules.
    fn split(spec: &str, unread: bool) -> (Vec<String>, Vec<String>) {
        let mut sources = SourceSet::new();
        let rules = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let (ast, mut findings) = crate::syntax::parse(FileId(9), spec);
        let (nodes, more) = crate::model::lower(&rules.schema, ast);
        findings.extend(more);
        let (model, more) = Model::assemble(rules.schema.clone(), vec![(FileId(9), nodes)]);
        findings.extend(more);
        let today = Date::new(2025, 4, 1).unwrap_or_else(|| panic!("a date"));
        findings.extend(rules.run(&model, today));
        let (kept, held) = hold_back(&rules, &model, findings, unread);
        let codes = |v: Vec<Finding>| v.into_iter().map(|f| f.code.to_string()).collect();
        (codes(kept), codes(held))
    }

    const PLAN: &str = "plan P \"p\" { period FY2022..FY2026 }\npolicy V1 \"v\" { plan P }\n\
        goal G1 \"g\" { policy V1 }\nkgi KG \"k\" { measures [P] }\n";

    #[test]
    fn a_misspelt_key_gives_its_error_and_no_false_gap() {
        let spec = format!(
            "{PLAN}item I1 \"i\" {{ goal G1; topics [hub] }}\n\
             program A \"a\" {{ covers [I1]; scopes [hub] }}\n\
             kpi K \"k\" {{ measures [G1]; method follow-up }}"
        );
        let (kept, held) = split(&spec, false);
        assert_eq!(kept, ["ALN051"]);
        assert_eq!(held, ["ALN101"]);
    }

    #[test]
    fn an_unresolved_goal_holds_back_what_depends_on_the_item_and_below() {
        let spec = format!(
            "{PLAN}item I1 \"i\" {{ goal G1.l }}\nitem I1.a \"a\" {{ parent I1 }}\n\
             program A \"a\" {{ covers [I1] }}"
        );
        let (kept, held) = split(&spec, false);
        assert_eq!(kept, ["ALN060"]);
        // I1.a is below I1: its findings depend on it too.
        assert!(
            !held.is_empty() && held.iter().all(|c| c.starts_with("ALN1")),
            "{held:?}"
        );
    }

    #[test]
    fn without_structural_errors_nothing_is_held_back() {
        let spec = format!("{PLAN}item I1 \"i\" {{ goal G1 }}");
        let (kept, held) = split(&spec, false);
        assert!(kept.contains(&"ALN101".to_owned()), "{kept:?}");
        assert!(held.is_empty());
        // An unread file holds back every rule finding.
        let (kept, held) = split(&spec, true);
        assert!(kept.is_empty(), "{kept:?}");
        assert!(held.contains(&"ALN101".to_owned()));
    }
}
