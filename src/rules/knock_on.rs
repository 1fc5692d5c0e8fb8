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
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::collections::HashSet;

/// Splits `findings` into those to report and those held back (both in their given order).
/// `unread_files`: a spec file could not be read or decoded.
pub fn hold_back(
    rules: &RuleSet,
    model: &Model,
    findings: Vec<Finding>,
    unread_files: bool,
) -> (Vec<Finding>, Vec<Finding>) {
    let taint = Taint::new(rules, model, &findings, unread_files);
    taint.split(findings)
}

/// What is in doubt, from the structural errors among some findings: a finding is held back
/// when [`Taint::holds`] says so.
pub struct Taint<'a> {
    model: &'a Model,
    rules: &'a RuleSet,
    unread_files: bool,
    /// `None`: nothing is in doubt and no file was unread (nothing is held back).
    tainted: Option<Vec<bool>>,
    /// The IDs of the tainted declarations, when they are few: a finding's node is looked up
    /// in this small set rather than in the model's ID index (one cache miss or more a
    /// finding in a large plan). The model's IDs are unique (a repeated ID is left out), so
    /// both answer alike.
    tainted_ids: Option<FxHashSet<&'a str>>,
    reads_doubt: Vec<(&'a str, bool)>,
}

impl<'a> Taint<'a> {
    /// The doubt that the structural errors among `findings` cast (the model's own, the
    /// syntax's and the lowering's, and a waiver of an unknown rule).
    pub fn new(
        rules: &'a RuleSet,
        model: &'a Model,
        findings: &[Finding],
        unread_files: bool,
    ) -> Self {
        Taint::from_findings(rules, model, findings.iter(), unread_files)
    }

    /// [`Taint::new`] from findings in several places.
    pub fn from_findings<'f>(
        rules: &'a RuleSet,
        model: &'a Model,
        findings: impl Iterator<Item = &'f Finding>,
        unread_files: bool,
    ) -> Self {
        let (tainted, reads_doubt) = doubt(rules, model, findings, unread_files);
        let tainted_ids = tainted.as_deref().and_then(|t| few_ids(model, t));
        Taint {
            model,
            rules,
            unread_files,
            tainted,
            tainted_ids,
            reads_doubt,
        }
    }

    /// Whether the declaration with this ID (if the model has one) is tainted.
    fn is_tainted(&self, id: &str) -> bool {
        match (&self.tainted_ids, &self.tainted) {
            (Some(ids), _) => ids.contains(id),
            (None, Some(tainted)) => self.model.get(id).is_some_and(|n| tainted[n.index()]),
            (None, None) => false,
        }
    }

    /// Whether `f` is held back.
    pub fn holds(&self, f: &Finding) -> bool {
        if self.tainted.is_none() {
            return false;
        }
        let builtin = code::lookup(&f.code);
        if builtin.is_none() || f.code == code::UNUSED_WAIVER.code {
            self.unread_files
                || f.nodes.iter().any(|id| self.is_tainted(id))
                || (builtin.is_none() && reads_doubt_of(self.rules, &self.reads_doubt, &f.code))
        } else {
            self.unread_files && f.code == code::UNRESOLVED_REFERENCE.code
        }
    }

    /// `findings` split into those to report and those held back (both in their given order).
    pub fn split(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
        if self.tainted.is_none() {
            return (findings, Vec::new());
        }
        // Each finding's decision is independent (a few lookups): on all cores.
        let hold: Vec<bool> = findings.par_iter().map(|f| self.holds(f)).collect();
        let held_count = hold.iter().filter(|&&h| h).count();
        if held_count == 0 {
            return (findings, Vec::new());
        }
        // The kept ones stay in place (only the held ones are moved, into a vector of their
        // own), both in their order.
        let mut kept = findings;
        let mut hold = hold.into_iter();
        let held: Vec<Finding> = kept
            .extract_if(.., |_| hold.next().unwrap_or(false))
            .collect();
        debug_assert_eq!(held.len(), held_count);
        (kept, held)
    }
}

/// The declarations in doubt (indexed by node; `None` when nothing is and no file was unread)
/// and, per rule, whether it reads a kind in doubt.
fn doubt<'a, 'f>(
    rules: &'a RuleSet,
    model: &Model,
    findings: impl Iterator<Item = &'f Finding>,
    unread_files: bool,
) -> (Option<Vec<bool>>, Vec<(&'a str, bool)>) {
    // The declarations read only in part (a syntax error).
    let recovered = model.nodes_where(|n| n.recovered);
    let mut tainted = vec![false; model.nodes.len()];
    let mut any = !recovered.is_empty();
    for n in &recovered {
        tainted[n.index()] = true;
    }
    // Kinds with a declaration whose own keys are in doubt (misspelt, mistyped or missing, or
    // unreadable): it may be the one that links where a rule finds nothing. An unresolved
    // reference or a cycle puts its declaration in doubt, not its whole kind.
    let mut kinds: HashSet<KindId> = recovered.iter().map(|&n| model.node(n).kind).collect();
    for f in findings.filter(|f| is_structural_error(f)) {
        if let Some(n) = f.nodes.first().and_then(|id| model.get(id)) {
            tainted[n.index()] = true;
            any = true;
            if KEY_ERRORS.contains(&f.code.as_str()) {
                kinds.insert(model.node(n).kind);
            }
        }
    }
    if !any && !unread_files {
        return (None, Vec::new());
    }
    // What lies below a tainted declaration in the hierarchy depends on it: one walk down from
    // all of them at once, so each declaration is visited once however many tainted ancestors
    // it has.
    let hierarchy = model.schema.hierarchy_ids();
    let mut frontier: Vec<NodeIx> = (0..tainted.len())
        .filter(|&i| tainted[i])
        .map(NodeIx::new)
        .collect();
    while let Some(n) = frontier.pop() {
        for &rel in hierarchy {
            for (m, _) in model.graph.incoming(n, rel) {
                if !tainted[m.index()] {
                    tainted[m.index()] = true;
                    frontier.push(m);
                }
            }
        }
    }
    // Whether a rule reads a kind in doubt, decided once per rule, not once per finding.
    let reads_doubt: Vec<(&str, bool)> = rules
        .rules
        .iter()
        .map(|r| {
            (
                r.code.as_str(),
                reads(&r.check).iter().any(|k| kinds.contains(k)),
            )
        })
        .collect();
    (Some(tainted), reads_doubt)
}

/// The IDs of the tainted declarations, if at most a quarter of them are (a set of more would
/// cost more to build than the lookups it saves).
fn few_ids<'a>(model: &'a Model, tainted: &[bool]) -> Option<FxHashSet<&'a str>> {
    let count = tainted.iter().filter(|&&t| t).count();
    if count > tainted.len() / 4 {
        return None;
    }
    // Only the tainted nodes are read (the flags are compact; the nodes are not).
    let mut ids = FxHashSet::with_capacity_and_hasher(count, rustc_hash::FxBuildHasher);
    ids.extend(
        tainted
            .iter()
            .enumerate()
            .filter(|&(_, &t)| t)
            .map(|(i, _)| model.node(NodeIx::new(i)).id.as_str()),
    );
    Some(ids)
}

/// Whether the rule with this code (or slug) reads a kind in doubt: `rules.rule(code)`, with
/// the usual exact code answered from the per-rule list.
fn reads_doubt_of(rules: &RuleSet, reads_doubt: &[(&str, bool)], code: &str) -> bool {
    match reads_doubt.iter().find(|(c, _)| *c == code) {
        Some(&(_, doubt)) => doubt,
        None => rules
            .rule(code)
            .is_some_and(|r| reads_doubt.iter().any(|(c, d)| *d && *c == r.code.as_str())),
    }
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
    fn the_set_of_tainted_ids_answers_as_the_id_index_does() {
        // Tainted declarations (an unresolved reference, one below it, a repeated ID whose
        // first declaration is tainted and one whose first is not), untainted ones, and IDs
        // no declaration has.
        let spec = format!(
            "{PLAN}item I1 \"i\" {{ goal G1.l }}\nitem I1.a \"a\" {{ parent I1 }}\n\
             item I1 \"again\" {{ goal G1 }}\nitem I2 \"i\" {{ goal G1 }}\n\
             item I2 \"again\" {{ goal G1.x }}\nitem I3 \"i\" {{ goal G1 }}\n\
             item I4 \"i\" {{ goal G1 }}\nitem I5 \"i\" {{ goal G1 }}\nitem I6 \"i\" {{ goal G1 }}\n\
             item I7 \"i\" {{ goal G1 }}\nitem I8 \"i\" {{ goal G1 }}\n"
        );
        let mut sources = SourceSet::new();
        let rules = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let (ast, mut findings) = crate::syntax::parse(FileId(9), &spec);
        let (nodes, more) = crate::model::lower(&rules.schema, ast);
        findings.extend(more);
        let (model, more) = Model::assemble(rules.schema.clone(), vec![(FileId(9), nodes)]);
        findings.extend(more);
        let mut taint = Taint::new(&rules, &model, &findings, false);
        assert!(taint.tainted.is_some(), "something is tainted");
        assert!(taint.tainted_ids.is_some(), "few are tainted here");
        let ids = [
            "I1", "I1.a", "I2", "I3", "G1", "V1", "P", "KG", "G1.l", "I9", "",
        ];
        let with_set: Vec<bool> = ids.iter().map(|id| taint.is_tainted(id)).collect();
        taint.tainted_ids = None;
        let with_index: Vec<bool> = ids.iter().map(|id| taint.is_tainted(id)).collect();
        assert_eq!(with_set, with_index);
        // I2's repeated declaration holds the unresolved `G1.x`: its error names I2.
        assert_eq!(
            with_set,
            [true, true, true, false, false, false, false, false, false, false, false]
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
