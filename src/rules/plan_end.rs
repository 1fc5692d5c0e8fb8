//! Rule type `plan-end`: a node (an item of the plan) is carried out only by sources (funding
//! programs) whose periods all end before its plan's period ends, so that for the last years of
//! the plan nothing carries it out.
//!
//! ## Parameters
//! - `source`, `relation`, `walk-up`, `tags`, `leaf-relation`: which sources carry the node out,
//!   as in `coverage`: a source linked by `relation` to the node or to an ancestor reached
//!   through `walk-up`, sharing a tag when the node has tags; with `leaf-relation`, only nodes
//!   that no node of their kind points at through it are judged;
//! - `period`: the range key of fiscal years, on the sources and on the plan;
//! - `plan`, `plan-walk-up`: the kind of the plan and the relations from the node up to it.
//!
//! ## Notes
//! A node with no source is left to `coverage`. When any of its sources has no readable
//! period, its end is unknown and the node is not judged; nor is a node whose plan has none.

use crate::model::above::{First, TargetsAbove};
use super::plan_period::{plan_label, plan_span, plans_above, plans_of, PlanSpan};
use super::registry::RuleKind;
use super::series::key_names;
use super::spec::Checker;
use super::tags::{share, TagNumbers};
use super::{Ctx, Found};
use crate::analysis::series::period_years;
use crate::diag::{Text};
use crate::model::{KeyId, KindId, Model, NodeIx, Schema};
use std::ops::ControlFlow;
use toml::Spanned;

#[derive(Debug)]
pub struct PlanEnd {
    pub kind: KindId,
    pub source: KindId,
    /// Sources point at the node (or an ancestor) through this relation (`covers`).
    pub relation: KeyId,
    /// Ancestors whose sources count too (`parent`, `goal`).
    pub walk_up: Vec<KeyId>,
    /// `(node key, source key)`: when the node has tags, a source must share one.
    pub tags: Option<(KeyId, KeyId)>,
    /// Only nodes no node of their kind points at through this relation.
    pub leaf_relation: Option<KeyId>,
    /// The range key of fiscal years, on the sources and on the plan.
    pub period: KeyId,
    pub plan: KindId,
    pub plan_walk_up: Vec<KeyId>,
}

/// Parameters of `plan-end`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PlanEndParams {
    source: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    walk_up: Option<Vec<Spanned<String>>>,
    tags: Option<Tags>,
    leaf_relation: Option<Spanned<String>>,
    period: Option<Spanned<String>>,
    plan: Option<Spanned<String>>,
    plan_walk_up: Option<Vec<Spanned<String>>>,
}

/// `tags = { target = "topics", source = "scope" }`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Tags {
    target: Spanned<String>,
    source: Spanned<String>,
}

impl RuleKind for PlanEnd {
    const NAME: &'static str = "plan-end";
    const PLACEHOLDERS: &'static [&'static str] =
        &["programs", "ends", "plan", "plan_period", "plan_end"];
    type Params = PlanEndParams;

    fn build(kind: KindId, p: PlanEndParams, c: &mut Checker<'_>) -> Option<Self> {
        let source = c.need(p.source.as_ref(), "source").and_then(|s| c.kind(s));
        let relation = c
            .need(p.relation.as_ref(), "relation")
            .and_then(|s| c.relation(s));
        let walk_up = p
            .walk_up
            .as_deref()
            .map(|w| c.relations(w))
            .unwrap_or_default();
        let tags = match &p.tags {
            None => Some(None),
            Some(tags) => match (c.key(&tags.target), c.key(&tags.source)) {
                (Some(target), Some(source)) => Some(Some((target, source))),
                _ => None,
            },
        };
        let leaf_relation = match &p.leaf_relation {
            None => Some(None),
            Some(s) => c.relation(s).map(Some),
        };
        let period = c.need(p.period.as_ref(), "period").and_then(|s| c.key(s));
        let plan = c.need(p.plan.as_ref(), "plan").and_then(|s| c.kind(s));
        let plan_walk_up = c
            .need(p.plan_walk_up.as_ref(), "plan-walk-up")
            .map(|w| c.relations(w))
            .unwrap_or_default();
        Some(PlanEnd {
            kind,
            source: source?,
            relation: relation?,
            walk_up,
            tags: tags?,
            leaf_relation: leaf_relation?,
            period: period?,
            plan: plan?,
            plan_walk_up,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let mut buf = Buffers::new(model.nodes.len());
        let mut first_plans = rustc_hash::FxHashMap::default();
        let mut above = plans_above(model, self.plan, &self.plan_walk_up, self.period);
        for n in ctx.targets(self.kind) {
            if super::has_child(model, n, self.leaf_relation, self.kind) {
                continue;
            }
            let Some(plan) = self.first_plan(model, n, &mut first_plans, &mut above) else {
                continue;
            };
            // Most nodes have a source that runs to the plan's end (or whose end is unknown):
            // no judgement, known at the first such source, without listing the others.
            let runs_on = self.visit_sources(ctx, n, &mut buf, |s| {
                match period_years(model.node(s), self.period) {
                    Some((_, end, _)) if end < plan.end => ControlFlow::Continue(()),
                    _ => ControlFlow::Break(()),
                }
            });
            if runs_on.is_break() {
                continue;
            }
            let sources = self.sources(ctx, n, &mut buf);
            if sources.is_empty() {
                continue;
            }
            // Every source's period, or no judgement: one unknown end may run to the plan's.
            let Some(periods) = sources
                .iter()
                .map(|&s| period_years(model.node(s), self.period).map(|p| (s, p)))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            if periods.iter().any(|(_, (_, end, _))| *end >= plan.end) {
                continue;
            }
            let ids: Vec<String> = periods
                .iter()
                .map(|(s, (_, end, _))| format!("{} (FY{end})", model.node(*s).id))
                .collect();
            let last = periods
                .iter()
                .map(|(_, (_, end, _))| *end)
                .max()
                .unwrap_or(plan.end);
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("programs", Text::same(ids.join(", "))),
                        ("ends", Text::same(format!("FY{last}"))),
                        ("plan", Text::same(model.node(plan.plan).id.as_str())),
                        ("plan_period", Text::same(plan.text())),
                        ("plan_end", Text::same(format!("FY{}", plan.end))),
                    ],
                )
                .with_relation(model.schema.key_code(self.relation))
                .with_label(Text::new(
                    format!("no program after FY{last}"),
                    format!("FY{last} より後に実施する事業がない"),
                ));
            for (s, (_, end, span)) in &periods {
                let id = &model.node(*s).id;
                f = f.with_secondary(
                    *span,
                    Text::new(
                        format!("{id} ends in FY{end}"),
                        format!("{id} は FY{end} に終わる"),
                    ),
                );
                f.nodes.push(id.clone());
            }
            f = f.with_secondary(plan.span, plan_label(model, &plan));
            f.nodes.push(model.node(plan.plan).id.clone());
            out.push(f);
        }
    }

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        let mut v = vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("source".into(), schema.kind(self.source).name.clone()),
            ("relation".into(), schema.key_name(self.relation).to_owned()),
        ];
        if !self.walk_up.is_empty() {
            v.push(("walk-up".into(), key_names(schema, &self.walk_up)));
        }
        if let Some((t, s)) = self.tags {
            v.push((
                "tags".into(),
                format!("{} ∩ {}", schema.key_name(t), schema.key_name(s)),
            ));
        }
        if let Some(rel) = self.leaf_relation {
            v.push(("leaf-relation".into(), schema.key_name(rel).to_owned()));
        }
        v.push(("period".into(), schema.key_name(self.period).to_owned()));
        v.push(("plan".into(), schema.kind(self.plan).name.clone()));
        v.push(("plan-walk-up".into(), key_names(schema, &self.plan_walk_up)));
        v
    }
}

/// Buffers reused from node to node (nothing is cleared between nodes: a mark is the number
/// of the node being judged).
struct Buffers<'m> {
    /// The node's tags as numbers, sorted, and the numbers of every tag met.
    tag_numbers: Vec<u32>,
    numbers: TagNumbers<'m>,
    chain: Vec<NodeIx>,
    in_chain: Vec<u32>,
    found: Vec<u32>,
    stamp: u32,
}

impl Buffers<'_> {
    fn new(nodes: usize) -> Self {
        Buffers {
            tag_numbers: Vec::new(),
            numbers: TagNumbers::default(),
            chain: Vec::new(),
            in_chain: vec![0; nodes],
            found: vec![0; nodes],
            stamp: 0,
        }
    }
}

impl PlanEnd {
    /// The first of the plans above `n` (in the order of [`plans_of`]). A node that is not a
    /// plan and has one way up has the first plan of the node it leads to: looked up once for
    /// all the nodes under that one (every item under a parent walked to the plan again
    /// before).
    fn first_plan(
        &self,
        model: &Model,
        n: NodeIx,
        memo: &mut rustc_hash::FxHashMap<NodeIx, Option<PlanSpan>>,
        above: &mut TargetsAbove<'_, impl Fn(NodeIx) -> bool>,
    ) -> Option<PlanSpan> {
        // The set of plans says which is first when it holds one; walked otherwise.
        let mut first = |m: NodeIx| match above.first(m) {
            First::None => None,
            First::Only(p) => plan_span(model, p, self.period),
            First::ByWalk => plans_of(model, m, self.plan, &self.plan_walk_up, self.period)
                .first()
                .copied(),
        };
        if model.kind_of(n) == self.plan {
            return first(n);
        }
        let mut up = self
            .plan_walk_up
            .iter()
            .flat_map(|&rel| model.graph.outgoing(n, rel));
        match (up.next(), up.next()) {
            (Some((only, _)), None) => *memo.entry(only).or_insert_with(|| first(only)),
            _ => first(n),
        }
    }

    /// The sources linked to `n` or an ancestor that share a tag with it (when it has tags),
    /// in model order, each once.
    fn sources<'m>(&self, ctx: &Ctx<'m>, n: NodeIx, buf: &mut Buffers<'m>) -> Vec<NodeIx> {
        let mut found = Vec::new();
        let _ = self.visit_sources(ctx, n, buf, |s| {
            found.push(s);
            ControlFlow::<()>::Continue(())
        });
        found.sort_unstable();
        found
    }

    /// Hands `visit` the sources of [`PlanEnd::sources`], each once, in the order they are
    /// found (by ancestor, then by link), until it breaks.
    fn visit_sources<'m, B>(
        &self,
        ctx: &Ctx<'m>,
        n: NodeIx,
        buf: &mut Buffers<'m>,
        mut visit: impl FnMut(NodeIx) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        let model = ctx.model;
        buf.stamp += 1;
        let stamp = buf.stamp;
        buf.tag_numbers.clear();
        if let Some((t, _)) = self.tags {
            let Buffers {
                tag_numbers,
                numbers,
                ..
            } = &mut *buf;
            tag_numbers.extend(model.node(n).tags(t).map(|t| numbers.number(t)));
            tag_numbers.sort_unstable();
            tag_numbers.dedup();
        }
        let Buffers {
            tag_numbers,
            numbers,
            chain,
            in_chain,
            found,
            ..
        } = buf;
        // Walked up only as far as `visit` reads.
        super::walk_up_until(model, n, &self.walk_up, chain, in_chain, stamp, |a| {
            for (s, _) in model.graph.incoming(a, self.relation) {
                if model.kind_of(s) != self.source || found[s.index()] == stamp {
                    continue;
                }
                let shares = match self.tags {
                    Some((_, key)) if !tag_numbers.is_empty() => {
                        share(&model.graph, tag_numbers, numbers.of_source(model, s, key))
                    }
                    _ => true,
                };
                if shares {
                    found[s.index()] = stamp;
                    visit(s)?;
                }
            }
            ControlFlow::Continue(())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, expect, run};

    const RULE: &str = "type = \"plan-end\"\nkind = \"item\"\nsource = \"program\"\n\
        relation = \"covers\"\nwalk-up = [\"parent\", \"goal\"]\n\
        tags = { target = \"topics\", source = \"scope\" }\nleaf-relation = \"parent\"\n\
        period = \"period\"\nplan = \"plan\"\nplan-walk-up = [\"parent\", \"goal\", \"policy\", \"plan\"]\n\
        message = { en = \"{id}: {programs} end {ends}, {plan} {plan_period} ends {plan_end}\", ja = \"m\" }";

    fn spec(rest: &str) -> String {
        format!(
            "plan PL \"p\" {{ period FY2024..FY2028 }}\npolicy V1 \"v\" {{ plan PL }}\n\
             goal G1 \"g\" {{ policy V1 }}\n{rest}\n"
        )
    }

    #[test]
    fn an_item_whose_programs_all_end_early_is_reported() {
        let s = spec(
            "item I1 \"i\" { goal G1 }\n\
             program a \"a\" { covers [I1]; period FY2019..FY2025 }\n\
             program b \"b\" { covers [G1]; period FY2024..FY2026 }",
        );
        let found = run(RULE, &s);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message.en(),
            "I1: a (FY2025), b (FY2026) end FY2026, PL FY2024..FY2028 ends FY2028"
        );
        assert_eq!(found[0].nodes, ["I1", "a", "b", "PL"]);
    }

    #[test]
    fn one_program_to_the_end_or_of_unknown_end_is_enough() {
        let to_end = spec(
            "item I1 \"i\" { goal G1 }\n\
             program a \"a\" { covers [I1]; period FY2019..FY2025 }\n\
             program b \"b\" { covers [I1]; period FY2024..FY2028 }",
        );
        assert_eq!(check(RULE, &to_end), expect(&[]));
        let unknown = spec(
            "item I1 \"i\" { goal G1 }\n\
             program a \"a\" { covers [I1]; period FY2019..FY2025 }\n\
             program b \"b\" { covers [I1] }",
        );
        assert_eq!(check(RULE, &unknown), expect(&[]));
        // No program at all is coverage's finding, not this one.
        assert_eq!(check(RULE, &spec("item I1 \"i\" { goal G1 }")), expect(&[]));
    }

    #[test]
    fn only_leaves_and_programs_sharing_a_topic_count() {
        let s = spec(
            "item I1 \"i\" { goal G1 }\n\
             item I1.a \"a\" { parent I1; topics [trial] }\n\
             program a \"a\" { covers [I1]; scope [trial]; period FY2019..FY2025 }\n\
             program b \"b\" { covers [I1]; scope [hub]; period FY2024..FY2028 }",
        );
        // I1 is not a leaf; I1.a is carried out by `a` only (`b` lacks its topic).
        assert_eq!(
            check(RULE, &s),
            expect(&[(
                "I1.a",
                "I1.a: a (FY2025) end FY2025, PL FY2024..FY2028 ends FY2028"
            )])
        );
    }

    /// Items under one parent share the parent's plan (looked up once); an item with a second
    /// way up is judged against the nearest plan on any of them, as the walk up finds it.
    #[test]
    fn siblings_share_their_parents_plan_and_a_second_way_up_finds_a_nearer_one() {
        let s = "plan A \"a\" { period FY2024..FY2030 }\nplan B \"b\" { period FY2024..FY2026 }\n\
             policy VA \"v\" { plan A }\npolicy VB \"v\" { plan B }\n\
             goal GA \"g\" { policy VA }\ngoal GB \"g\" { policy VB }\n\
             item P \"p\" { goal GA }\n\
             item X1 \"x\" { parent P }\nitem X2 \"x\" { parent P }\n\
             item Y \"y\" { parent P; goal GB }\n\
             program a \"a\" { covers [P]; period FY2024..FY2026 }";
        // X1 and X2 under P reach A (to FY2030) through GA; Y reaches B (to FY2026) through
        // GB, a step nearer than A, and `a` runs to B's end.
        assert_eq!(
            check(RULE, s),
            expect(&[
                ("X1", "X1: a (FY2026) end FY2026, A FY2024..FY2030 ends FY2030"),
                ("X2", "X2: a (FY2026) end FY2026, A FY2024..FY2030 ends FY2030"),
            ])
        );
    }
}
