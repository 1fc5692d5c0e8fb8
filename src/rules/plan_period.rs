//! Rule type `plan-period`: a node with a period (a funding program) serves plans, reached by
//! walking up given relations, whose periods its own period does not overlap at all: it was
//! designed for another time.
//!
//! ## Parameters
//! - `period`: the range key of fiscal years, on the node and on the plan (`period`);
//! - `plan`: the kind of a plan; `walk-up`: the relations from the node to its plans
//!   (`covers`, `parent`, `goal`, `policy`, `plan`).
//!
//! ## Notes
//! A node without a readable period, or whose plans have none, is not judged. A node that
//! serves several plans is reported only when it overlaps none of them.

use super::registry::RuleKind;
use super::series::key_names;
use super::spec::Checker;
use super::{Ctx, Found};
use crate::analysis::series::period_years;
use crate::diag::{Span, Text};
use crate::model::above::{First, TargetsAbove};
use crate::model::{KeyId, KindId, Model, NodeIx, Schema};
use toml::Spanned;

#[derive(Debug)]
pub struct PlanPeriod {
    pub kind: KindId,
    /// The range key of fiscal years (`period`), on the node and on its plans.
    pub period: KeyId,
    /// The kind of a plan.
    pub plan: KindId,
    /// Relations followed from the node to its plans.
    pub walk_up: Vec<KeyId>,
}

/// Parameters of `plan-period` and `plan-end`: the period key and the way to the plan.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct PlanPeriodParams {
    period: Option<Spanned<String>>,
    plan: Option<Spanned<String>>,
    walk_up: Option<Vec<Spanned<String>>>,
}

/// A plan a node serves, with its period in fiscal years.
#[derive(Clone, Copy)]
pub(super) struct PlanSpan {
    pub(super) plan: NodeIx,
    pub(super) start: i32,
    pub(super) end: i32,
    pub(super) span: Span,
}

impl PlanSpan {
    pub(super) fn text(&self) -> String {
        format!("FY{}..FY{}", self.start, self.end)
    }
}

/// The plans of kind `plan` reached from `n` along `walk_up` (breadth first) that have a
/// readable period.
pub(super) fn plans_of(
    model: &Model,
    n: NodeIx,
    plan: KindId,
    walk_up: &[KeyId],
    period: KeyId,
) -> Vec<PlanSpan> {
    let mut candidates = vec![n];
    candidates.extend(model.graph.ancestors(n, walk_up));
    candidates
        .into_iter()
        .filter(|&p| model.kind_of(p) == plan)
        .filter_map(|p| plan_span(model, p, period))
        .collect()
}

/// Node `p` as a plan with its period, if the period is readable.
pub(super) fn plan_span(model: &Model, p: NodeIx, period: KeyId) -> Option<PlanSpan> {
    let (start, end, span) = period_years(model.node(p), period)?;
    Some(PlanSpan {
        plan: p,
        start,
        end,
        span,
    })
}

/// The plans of [`plans_of`] as a set, worked out once per node for a rule run (see
/// [`TargetsAbove`]).
pub(super) fn plans_above<'m>(
    model: &'m Model,
    plan: KindId,
    walk_up: &'m [KeyId],
    period: KeyId,
) -> TargetsAbove<'m, impl Fn(NodeIx) -> bool + 'm> {
    TargetsAbove::new(model, walk_up, move |p| {
        model.node(p).kind == plan && period_years(model.node(p), period).is_some()
    })
}

/// The plan label under a finding: "period of plan P".
pub(super) fn plan_label(model: &Model, p: &PlanSpan) -> Text {
    let id = &model.node(p.plan).id;
    Text::new(
        format!("period of plan {id}"),
        format!("計画 {id} の期間"),
    )
}

impl RuleKind for PlanPeriod {
    const NAME: &'static str = "plan-period";
    const PLACEHOLDERS: &'static [&'static str] = &["period", "plan", "plan_period"];
    type Params = PlanPeriodParams;

    fn build(kind: KindId, p: PlanPeriodParams, c: &mut Checker<'_>) -> Option<Self> {
        let period = c.need(p.period.as_ref(), "period").and_then(|s| c.key(s));
        let plan = c.need(p.plan.as_ref(), "plan").and_then(|s| c.kind(s));
        let walk_up = c
            .need(p.walk_up.as_ref(), "walk-up")
            .map(|w| c.relations(w))
            .unwrap_or_default();
        Some(PlanPeriod {
            kind,
            period: period?,
            plan: plan?,
            walk_up,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let mut above = plans_above(model, self.plan, &self.walk_up, self.period);
        let overlaps = |p: &PlanSpan, start: i32, end: i32| start <= p.end && p.start <= end;
        for n in ctx.targets(self.kind) {
            let Some((start, end, span)) = period_years(model.node(n), self.period) else {
                continue;
            };
            // Judged on the set of its plans; walked for their order only for a finding.
            if let Some(plans) = above.of(n) {
                let judged = plans.is_empty()
                    || plans
                        .iter()
                        .filter_map(|p| plan_span(model, p, self.period))
                        .any(|p| overlaps(&p, start, end));
                if judged {
                    continue;
                }
            }
            // A node under one plan has it as its first (and only) plan: a walk is needed for
            // the order of several. (Walked for every finding, a chain N deep with a program
            // outside the period on each of its items was N².)
            let plans = match above.first(n) {
                First::Only(p) => plan_span(model, p, self.period).into_iter().collect(),
                First::None => Vec::new(),
                First::ByWalk => plans_of(model, n, self.plan, &self.walk_up, self.period),
            };
            if plans.is_empty() || plans.iter().any(|p| overlaps(p, start, end)) {
                continue;
            }
            let first = &plans[0];
            let own = format!("FY{start}..FY{end}");
            let (en, ja) = if end < first.start {
                (
                    format!("ends {} years before the plan starts", first.start - end),
                    format!("計画の開始の {} 年前に終わる", first.start - end),
                )
            } else {
                (
                    format!("starts {} years after the plan ends", start - first.end),
                    format!("計画の終了の {} 年後に始まる", start - first.end),
                )
            };
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("period", Text::same(&own)),
                        ("plan", Text::same(model.node(first.plan).id.as_str())),
                        ("plan_period", Text::same(first.text())),
                    ],
                )
                .with_relation(model.schema.key_code(self.period))
                .with_label(Text::new(en, ja));
            f.span = span;
            for p in &plans {
                f = f.with_secondary(p.span, plan_label(model, p));
                f.nodes.push(model.node(p.plan).id.clone());
            }
            out.push(f);
        }
    }

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("period".into(), schema.key_name(self.period).to_owned()),
            ("plan".into(), schema.kind(self.plan).name.clone()),
            ("walk-up".into(), key_names(schema, &self.walk_up)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, expect, run};

    const RULE: &str = "type = \"plan-period\"\nkind = \"program\"\nperiod = \"period\"\n\
        plan = \"plan\"\nwalk-up = [\"covers\", \"parent\", \"goal\", \"policy\", \"plan\"]\n\
        message = { en = \"{id}: {period} / {plan} {plan_period}\", ja = \"m\" }";

    fn spec(programs: &str) -> String {
        format!(
            "plan PL \"p\" {{ period FY2024..FY2028 }}\npolicy V1 \"v\" {{ plan PL }}\n\
             goal G1 \"g\" {{ policy V1 }}\nitem I1 \"i\" {{ goal G1 }}\n{programs}\n"
        )
    }

    #[test]
    fn a_program_of_another_time_is_reported_at_its_period() {
        let found = run(
            RULE,
            &spec("program old \"o\" { covers [I1]; period FY2015..FY2018 }"),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message.en(), "old: FY2015..FY2018 / PL FY2024..FY2028");
        assert_eq!(
            found[0].label.as_ref().map(|l| l.en().into_owned()).as_deref(),
            Some("ends 6 years before the plan starts")
        );
        assert_eq!(found[0].nodes, ["old", "PL"]);
        let later = check(
            RULE,
            &spec("program new \"n\" { covers [I1]; period FY2030..FY2031 }"),
        );
        assert_eq!(later, expect(&[("new", "new: FY2030..FY2031 / PL FY2024..FY2028")]));
    }

    #[test]
    fn an_overlap_of_one_year_or_no_period_is_not_reported() {
        let programs = "program a \"a\" { covers [I1]; period FY2019..FY2024 }\n\
                        program b \"b\" { covers [I1]; period FY2028..FY2032 }\n\
                        program c \"c\" { covers [I1] }\n\
                        program d \"d\" { period FY2010..FY2011 }";
        assert_eq!(check(RULE, &spec(programs)), expect(&[]));
        // A plan without a period judges nothing.
        let plain = "plan PL \"p\"\npolicy V1 \"v\" { plan PL }\ngoal G1 \"g\" { policy V1 }\n\
                     program old \"o\" { covers [G1]; period FY2015..FY2018 }";
        assert_eq!(check(RULE, plain), expect(&[]));
    }

    #[test]
    fn a_program_of_two_plans_is_judged_against_both() {
        let two = "plan P2 \"p\" { period FY2022..FY2026 }\nplan P3 \"p\" { period FY2027..FY2031 }\n\
                   policy V2 \"v\" { plan P2 }\npolicy V3 \"v\" { plan P3 }\n\
                   goal G2 \"g\" { policy V2 }\ngoal G3 \"g\" { policy V3 }\n\
                   program p \"p\" { covers [G2, G3]; period FY2029..FY2030 }";
        assert_eq!(check(RULE, two), expect(&[]));
    }
}
