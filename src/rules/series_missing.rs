//! Rule type `series-missing`: a node (a directly measured KPI, through the rule's filter) has
//! no value at all although its plan records values up to an `as-of` year inside its period.

use super::series_gap::{plan_params, with_window};
use super::spec::plan_keys;
use super::spec::{Checker, RawRule};
use super::Ctx;
use super::RuleType;
use crate::analysis::series::{self, PlanKeys};
use crate::diag::{Finding, Text};
use crate::model::{KindId, Schema};

#[derive(Debug)]
pub struct SeriesMissing {
    pub kind: KindId,
    /// The series key (`series`).
    pub series: String,
    pub plan: PlanKeys,
}

impl SeriesMissing {
    pub(super) fn run(&self, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        for n in ctx.targets(self.kind) {
            let node = model.node(n);
            if series::points(node, &self.series).is_some_and(|p| !p.is_empty()) {
                continue;
            }
            // Only once the plan says values are recorded up to a year of its period.
            let Some(window) = self.plan.window(model, n) else {
                continue;
            };
            let Some(as_of) = window.as_of.filter(|y| *y >= window.start) else {
                continue;
            };
            let label = match node.attr(&self.series) {
                Some(_) => Text::new(
                    format!("`{}` is empty", self.series),
                    format!("`{}` が空", self.series),
                ),
                None => Text::new(
                    format!("no `{}`", self.series),
                    format!("`{}` がない", self.series),
                ),
            };
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("series", Text::same(&self.series)),
                        ("as_of", Text::same(format!("FY{as_of}"))),
                        ("plan", Text::same(&model.node(window.plan).id)),
                    ],
                )
                .with_label(label)
                .with_relation(self.series.clone());
            if let Some(attr) = node.attr(&self.series) {
                f.span = attr.key_span;
            }
            f = with_window(f, &window, model);
            out.push(f);
        }
    }

    pub(crate) fn params(&self, schema: &Schema) -> Vec<(String, String)> {
        let mut p = vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("series".into(), self.series.clone()),
        ];
        p.extend(plan_params(&self.plan, schema));
        p
    }
}

impl SeriesMissing {
    /// Reads this rule type's parameters from a `rules.toml` rule, reporting bad ones.
    pub(super) fn from_rule(kind: KindId, r: &RawRule, c: &mut Checker<'_>) -> Option<RuleType> {
        let series = c
            .need(r.series.as_ref(), r, "series")
            .and_then(|s| c.key(s));
        let plan = plan_keys(r, c);
        series
            .zip(plan)
            .map(|(series, plan)| RuleType::SeriesMissing(SeriesMissing { kind, series, plan }))
    }
}
