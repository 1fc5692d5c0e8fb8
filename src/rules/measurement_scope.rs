//! Rule type `measurement-scope`: a source (program) that serves what a node (KPI) measures
//! must be in the node's measurement scope (`measured-in`).

use super::{Ctx, Found};
use crate::base::text::concat;
use super::registry::RuleKind;
use super::series::key_names;
use super::spec::Checker;
use crate::diag::{StaticText, Template, Text};
use std::sync::Arc;
use crate::model::Schema;
use crate::model::{KeyId, KindId, NodeIx};
use serde::Deserialize;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug)]
pub struct MeasurementScope {
    pub kind: KindId,
    /// KPI → what it measures.
    pub measures: KeyId,
    /// KPI → programs it is measured in.
    pub scope: KeyId,
    pub source: KindId,
    /// Program → what it serves.
    pub relation: KeyId,
    /// What a measured node includes: nodes pointing at it through these, transitively.
    pub walk_down: Vec<KeyId>,
}

/// Parameters of `measurement-scope`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct MeasurementScopeParams {
    measures: Option<Spanned<String>>,
    scope: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    walk_down: Option<Vec<Spanned<String>>>,
}

impl RuleKind for MeasurementScope {
    const NAME: &'static str = "measurement-scope";
    const PLACEHOLDERS: &'static [&'static str] = &["program", "program_title"];
    // (No placeholder's clauses: the related place's templates over a finding's values,
    // listed so that a finding keeps the values they name.)
    const TEMPLATES: &'static [&'static StaticText] = &[&SERVES, &SERVES_UNDER, &NOT_LISTED];
    type Params = MeasurementScopeParams;

    fn build(kind: KindId, p: MeasurementScopeParams, c: &mut Checker<'_>) -> Option<Self> {
        let measures = c
            .need(p.measures.as_ref(), "measures")
            .and_then(|s| c.relation(s));
        let scope = c.need(p.scope.as_ref(), "scope").and_then(|s| c.relation(s));
        let source = c.need(p.source.as_ref(), "source").and_then(|s| c.kind(s));
        let relation = c
            .need(p.relation.as_ref(), "relation")
            .and_then(|s| c.relation(s));
        let walk_down = p
            .walk_down
            .as_deref()
            .map(|w| c.relations(w))
            .unwrap_or_default();
        Some(MeasurementScope {
            kind,
            measures: measures?,
            scope: scope?,
            source: source?,
            relation: relation?,
            walk_down,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let targets = ctx.targets(self.kind);
        // The sources serving each measured node's region, computed once per measured node
        // (many KPIs measure one goal; the region under a goal can be the whole plan), the
        // deepest first, each depth's in parallel ([`MeasurementScope::regions`]).
        let measured: FxHashSet<NodeIx> = targets
            .iter()
            .flat_map(|&k| model.graph.outgoing(k, self.measures).map(|(m, _)| m))
            .collect();
        let regions = self.regions(model, measured);
        // The related place's two templates and the label's, shared by the rule's findings.
        let [serves, serves_under, not_listed] =
            [&SERVES, &SERVES_UNDER, &NOT_LISTED].map(|t| Arc::new(Template::new(Text::new(t.en, t.ja))));
        let templates = Templates {
            serves: [serves, serves_under],
            not_listed,
        };
        // The KPIs are independent: checked in chunks in parallel.
        super::check_in_chunks(&targets, 256, out, |kpis, found| {
            for &k in kpis {
                self.check(ctx, k, &regions, &templates, found);
            }
        });
    }

    /// This rule's parameters as `align explain` and docs/rules.md show them.
    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("measures".into(), schema.key_name(self.measures).to_owned()),
            ("scope".into(), schema.key_name(self.scope).to_owned()),
            ("source".into(), schema.kind(self.source).name.clone()),
            ("relation".into(), schema.key_name(self.relation).to_owned()),
            ("walk-down".into(), key_names(schema, &self.walk_down)),
        ]
    }
}

/// The rule's templates over its findings' values ([`RuleKind::TEMPLATES`]), made once per
/// run: the related place ([`SERVES`], [`SERVES_UNDER`]) and the label ([`NOT_LISTED`]).
struct Templates {
    serves: [Arc<Template>; 2],
    not_listed: Arc<Template>,
}

/// A source serving a measured node's region: (the source, the node it serves, the edge span).
type Serving = (NodeIx, NodeIx, crate::diag::Span);

impl MeasurementScope {
    /// The findings on KPI `k`: a program serving what it measures (`regions` holds the
    /// sources serving each measured node's region) but not in its scope.
    fn check(
        &self,
        ctx: &Ctx<'_>,
        k: NodeIx,
        regions: &FxHashMap<NodeIx, Vec<Serving>>,
        templates: &Templates,
        out: &mut Found,
    ) {
        let model = ctx.model;
        let in_scope: FxHashSet<NodeIx> = model
            .graph
            .outgoing(k, self.scope)
            .map(|(p, _)| p)
            .collect();
        // Program → (the measured node it serves through, the served node, the edge span).
        let mut outside: BTreeMap<NodeIx, (NodeIx, NodeIx, crate::diag::Span)> = BTreeMap::new();
        for (measured, _) in model.graph.outgoing(k, self.measures) {
            // A source in the KPI's scope is skipped: this loop costs the KPI's own
            // `measured-in` list plus the findings it makes.
            for &(p, served, span) in regions.get(&measured).into_iter().flatten() {
                if !in_scope.contains(&p) {
                    outside.entry(p).or_insert((measured, served, span));
                }
            }
        }
        let kpi = model.node(k);
        for (p, (measured, served, span)) in outside {
            let program = model.node(p);
            let (mid, sid) = (model.node(measured).id.as_str(), model.node(served).id.as_str());
            let (pid, title) = (program.id.as_str(), program.title_or_id());
            let mut f = ctx.finding_with(
                k,
                &[
                    ("program", pid, pid),
                    ("program_title", title, title),
                    ("clause.sid", sid, sid),
                    ("clause.mid", mid, mid),
                ],
            );
            let scope = model.schema.key_name(self.scope);
            // Labels joined without `format!`: a KPI with many programs outside its scope has
            // a finding for each.
            let (pid, kid) = (program.id.as_str(), kpi.id.as_str());
            if let Some(attr) = kpi.attr(self.scope) {
                f.span = attr.value_span;
                let label = super::over_values(&f, &templates.not_listed, &[("program", pid)]);
                f = f.with_label(label);
            } else {
                f = f.with_label(Text::new(
                    concat(&[kid, " has no `", scope, "`"]),
                    concat(&[kid, " に `", scope, "` がない"]),
                ));
            }
            // The related place over the finding's values (which name the program, the KPI and
            // the nodes).
            let serves = &templates.serves[usize::from(measured != served)];
            let text = super::over_values(&f, serves, &serving(pid, sid, mid, kid));
            f = f
                .with_secondary(span, text)
                .with_relation(model.schema.key_code(self.scope));
            f.nodes.push(program.id.clone());
            out.push(f);
        }
    }

    /// [`MeasurementScope::serving`] of every measured node, the deepest first (a node's
    /// depth: the steps up from it through the first of its `walk_down` links), each depth's
    /// nodes in parallel, so that a measured node under another is done before it.
    fn regions(
        &self,
        model: &crate::model::Model,
        measured: FxHashSet<NodeIx>,
    ) -> FxHashMap<NodeIx, Vec<Serving>> {
        let mut by_depth: BTreeMap<std::cmp::Reverse<usize>, Vec<NodeIx>> = BTreeMap::new();
        let mut depths = FxHashMap::default();
        for m in measured {
            by_depth
                .entry(std::cmp::Reverse(self.depth(model, m, &mut depths)))
                .or_default()
                .push(m);
        }
        let mut regions: FxHashMap<NodeIx, Vec<Serving>> = FxHashMap::default();
        for (_, mut nodes) in by_depth {
            nodes.sort_unstable();
            let done: Vec<(NodeIx, Vec<Serving>)> = nodes
                .into_par_iter()
                .map(|m| (m, self.serving(model, m, &regions)))
                .collect();
            regions.extend(done);
        }
        regions
    }

    /// Steps up from `n` through the first of its `walk_down` links to a node with none (or
    /// back to one already on the way: a cycle), each node's worked out once in `depths`.
    fn depth(
        &self,
        model: &crate::model::Model,
        n: NodeIx,
        depths: &mut FxHashMap<NodeIx, usize>,
    ) -> usize {
        let up = |x: NodeIx| {
            self.walk_down
                .iter()
                .find_map(|&rel| model.graph.outgoing(x, rel).next().map(|(p, _)| p))
        };
        let mut path = vec![n];
        let mut on_path: FxHashSet<NodeIx> = FxHashSet::default();
        on_path.insert(n);
        let mut base = 0;
        while let Some(&last) = path.last() {
            if let Some(&d) = depths.get(&last) {
                path.pop();
                base = d + 1;
                break;
            }
            match up(last) {
                Some(p) if on_path.insert(p) => path.push(p),
                _ => break,
            }
        }
        // Numbered from the top down: the top's depth is `base` (0 for a node with no link up,
        // or one whose link leads back onto the path).
        for (i, &x) in path.iter().rev().enumerate() {
            depths.insert(x, base + i);
        }
        depths.get(&n).copied().unwrap_or(0)
    }

    /// The sources of the rule's kind serving `measured` or a node under it (walking down),
    /// each once, at the first place found: the measured node first, then breadth first.
    ///
    /// When the walk reaches a node that is the only one left to visit and whose own list is
    /// in `done` (a measured node under this one), that list gives the rest, less the sources
    /// already met: every node reachable from the nodes visited so far has been found, so the
    /// nodes still to visit are reached only through that node, in the order a walk from it
    /// meets them (and a source already met keeps its first place). An N-deep chain with a KPI
    /// on every item was a walk of the rest of the chain from each item: N²/2 nodes.
    fn serving(
        &self,
        model: &crate::model::Model,
        measured: NodeIx,
        done: &FxHashMap<NodeIx, Vec<Serving>>,
    ) -> Vec<Serving> {
        let mut seen = FxHashSet::default();
        let mut out = Vec::new();
        let mut region = vec![measured];
        let mut visited: FxHashSet<NodeIx> = FxHashSet::default();
        visited.insert(measured);
        let mut i = 0;
        while let Some(&served) = region.get(i) {
            if i > 0 && i + 1 == region.len() {
                if let Some(rest) = done.get(&served) {
                    out.extend(rest.iter().filter(|s| seen.insert(s.0)).copied());
                    break;
                }
            }
            for (p, e) in model.graph.incoming(served, self.relation) {
                if model.kind_of(p) == self.source && seen.insert(p) {
                    out.push((p, served, e.span));
                }
            }
            for &rel in &self.walk_down {
                for (c, _) in model.graph.incoming(served, rel) {
                    if visited.insert(c) {
                        region.push(c);
                    }
                }
            }
            i += 1;
        }
        out
    }
}

/// The related place of a finding: the program serves a node (under the measured one), which
/// the KPI measures. In Japanese no space after the closing parenthesis:
/// `I2.1.1（G2.1 の下位）に資する`.
static SERVES: StaticText = StaticText {
    en: "{program} serves {clause.sid}, measured by {id}",
    ja: "{program} は {clause.sid} に資する（{id} の測定対象）",
};

/// [`SERVES`] for a node under the measured one.
static SERVES_UNDER: StaticText = StaticText {
    en: "{program} serves {clause.sid}, which is under {clause.mid}, measured by {id}",
    ja: "{program} は {clause.sid}（{clause.mid} の下位）に資する（{id} の測定対象）",
};

/// The primary label when the KPI has a scope list: the program is not in it.
static NOT_LISTED: StaticText = StaticText {
    en: "{program} is not in this list",
    ja: "{program} がこの一覧にない",
};

/// The values [`SERVES`] names, to write it out when a finding does not keep its values (past
/// 64 KiB of values).
fn serving<'a>(pid: &'a str, sid: &'a str, mid: &'a str, kid: &'a str) -> [(&'static str, &'a str); 4] {
    [("program", pid), ("clause.sid", sid), ("clause.mid", mid), ("id", kid)]
}

#[cfg(test)]
mod tests {
    use super::{serving, SERVES, SERVES_UNDER};
    use crate::diag::Text;
    use crate::diag::Lang;
    use crate::rules::testing::{check, expect};
    use std::fmt::Write as _;

    const SPEC: &str = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item I1 "a" { goal G1 }
item I1.1 "b" { parent I1 }
program IN "in scope" { covers [I1.1] }
program UNDER "serves an item under G1" { covers [I1.1] }
program DIRECT "serves G1 itself" { covers [G1] }
program ELSEWHERE "serves nothing measured" {}
kpi K1 "k" { measures [G1]; method direct; measured-in [IN] }
"#;

    fn rule(walk_down: &str) -> String {
        format!(
            "type = \"measurement-scope\"\nkind = \"kpi\"\nmeasures = \"measures\"\n\
             scope = \"measured-in\"\nsource = \"program\"\nrelation = \"covers\"\n\
             walk-down = {walk_down}\n\
             message = {{ en = \"{{program}} outside {{id}}\", ja = \"m\" }}"
        )
    }

    #[test]
    fn a_program_serving_what_is_measured_must_be_in_scope() {
        assert_eq!(
            check(&rule(r#"["goal", "parent"]"#), SPEC),
            expect(&[("K1", "UNDER outside K1"), ("K1", "DIRECT outside K1")])
        );
    }

    /// The related place names the program, what it serves (under the measured node or the
    /// measured node itself) and the KPI, in both languages; written out from the values
    /// (when they are not kept) it reads the same.
    #[test]
    fn the_related_place_names_program_served_node_and_kpi() {
        let found = crate::rules::testing::run(&rule(r#"["goal", "parent"]"#), SPEC);
        let places: Vec<(String, String)> = found
            .iter()
            .flat_map(|f| &f.labels)
            .map(|l| {
                let (en, ja) = (l.text.get(Lang::En), l.text.get(Lang::Ja));
                (en.into_owned(), ja.into_owned())
            })
            .collect();
        let want = [
            (
                "UNDER serves I1.1, which is under G1, measured by K1",
                "UNDER は I1.1（G1 の下位）に資する（K1 の測定対象）",
            ),
            (
                "DIRECT serves G1, measured by K1",
                "DIRECT は G1 に資する（K1 の測定対象）",
            ),
        ];
        assert_eq!(
            places,
            want.map(|(en, ja)| (en.to_owned(), ja.to_owned()))
        );
        for (t, (pid, sid, mid)) in [(&SERVES_UNDER, ("UNDER", "I1.1", "G1")), (&SERVES, ("DIRECT", "G1", "G1"))] {
            let i = usize::from(pid == "DIRECT");
            let written = crate::rules::written(&Text::new(t.en, t.ja), &serving(pid, sid, mid, "K1"));
            assert_eq!(written.en, want[i].0);
            assert_eq!(written.ja, want[i].1);
        }
    }

    #[test]
    fn findings_come_in_the_kpis_order_whatever_chunk_checks_them() {
        // More KPIs than one chunk holds, measuring two goals (each region computed once),
        // declared in an order that is neither their IDs' nor their measured goals'.
        let mut spec = String::from(SPEC);
        spec.push_str("goal G2 \"g2\" { policy V1 }\nprogram P2 \"serves G2\" { covers [G2] }\n");
        let n = 1500;
        let mut want = Vec::new();
        for i in 0..n {
            let k = (i * 7919) % n;
            let (goal, program) = if k % 3 == 0 { ("G2", "P2") } else { ("G1", "DIRECT") };
            let _ = writeln!(
                spec,
                "kpi KK{k} \"k\" {{ measures [{goal}]; method direct; measured-in [IN, UNDER] }}"
            );
            want.push((format!("KK{k}"), format!("{program} outside KK{k}")));
        }
        // K1 of `SPEC` first: two findings.
        assert_eq!(check(&rule(r#"["goal", "parent"]"#), &spec)[2..], want[..]);
    }

    #[test]
    fn without_walking_down_only_the_measured_node_itself_counts() {
        assert_eq!(
            check(&rule("[]"), SPEC),
            expect(&[("K1", "DIRECT outside K1")])
        );
    }

    /// On plans of every shape (items under goals and under other items, some under both,
    /// `parent` cycles, programs covering items and goals, KPIs measuring items and goals),
    /// each measured node's sources, each at its first place breadth first, are those a plain
    /// walk of its whole region finds: the lists reused from measured nodes below it change
    /// nothing.
    #[test]
    fn reused_regions_are_the_plain_walks() {
        use crate::model::{Model, Schema};
        use crate::source::FileId;
        let schema = Schema::load(FileId(0), crate::rules::DEFAULT_SCHEMA)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let key = |k: &str| schema.key_id(k).unwrap_or_else(|| panic!("{k}"));
        let kind = |k: &str| schema.kind_id(k).unwrap_or_else(|| panic!("{k}"));
        let rule = super::MeasurementScope {
            kind: kind("kpi"),
            measures: key("measures"),
            scope: key("measured-in"),
            source: kind("program"),
            relation: key("covers"),
            walk_down: vec![key("goal"), key("parent")],
        };
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0) % n.max(1)
        };
        for round in 0..60 {
            let (items, goals) = (5 + next(40), 1 + next(4));
            let mut spec = String::from("plan PL \"p\" {}\npolicy V \"v\" { plan PL }\n");
            for g in 0..goals {
                let _ = writeln!(spec, "goal G{g} \"g\" {{ policy V }}");
            }
            for i in 0..items {
                let mut keys = Vec::new();
                // A chain most of the time (the item before), a goal sometimes, both at
                // times, and now and then a later item (a cycle).
                match next(10) {
                    0..=5 if i > 0 => keys.push(format!("parent I{}", i - 1)),
                    6 => keys.push(format!("parent I{}", next(items))),
                    7 if i > 0 => keys.push(format!("parent I{}", next(i))),
                    _ => {}
                }
                if next(3) == 0 || keys.is_empty() {
                    keys.push(format!("goal G{}", next(goals)));
                }
                let _ = writeln!(spec, "item I{i} \"i\" {{ {} }}", keys.join("; "));
            }
            // Up to `most` goals and items, a goal one time in `one_in`.
            let mut nodes = |most: usize, one_in: usize| -> String {
                let ids: Vec<String> = (0..=next(most))
                    .map(|_| {
                        if next(one_in) == 0 {
                            format!("G{}", next(goals))
                        } else {
                            format!("I{}", next(items))
                        }
                    })
                    .collect();
                ids.join(", ")
            };
            let programs: Vec<String> = (0..=6).map(|_| nodes(4, 4)).collect();
            for (p, covers) in programs.iter().enumerate() {
                let _ = writeln!(spec, "program P{p} \"p\" {{ covers [{covers}] }}");
            }
            let kpis: Vec<String> = (0..items).map(|_| nodes(2, 5)).collect();
            for (k, measures) in kpis.iter().enumerate() {
                let _ = writeln!(
                    spec,
                    "kpi K{k} \"k\" {{ measures [{measures}]; method direct }}"
                );
            }
            let (ast, errors) = crate::syntax::parse(FileId(2), &spec);
            assert!(errors.is_empty(), "{errors:?}");
            let (nodes, _) = crate::model::lower(&schema, ast);
            let (model, _) = Model::assemble(schema.clone(), vec![(FileId(2), nodes)]);
            let measured: rustc_hash::FxHashSet<crate::model::NodeIx> = model
                .nodes_of(rule.kind)
                .flat_map(|k| model.graph.outgoing(k, rule.measures).map(|(m, _)| m))
                .collect();
            let regions = rule.regions(&model, measured.clone());
            for m in measured {
                // The region walked whole: the measured node, then breadth first.
                let mut region = vec![m];
                region.extend(model.graph.descendants(m, &rule.walk_down));
                let mut seen = rustc_hash::FxHashSet::default();
                let mut plain = Vec::new();
                for served in region {
                    for (p, e) in model.graph.incoming(served, rule.relation) {
                        if model.kind_of(p) == rule.source && seen.insert(p) {
                            plain.push((p, served, e.span));
                        }
                    }
                }
                assert_eq!(
                    regions.get(&m),
                    Some(&plain),
                    "round {round}, {}:\n{spec}",
                    model.node(m).id
                );
            }
        }
    }
}
