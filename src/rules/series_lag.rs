//! Rule type `series-lag`: a node declares a lag (years from a measure to its effect on the
//! values) longer than the years left of its plan's period after `as-of`, so its values cannot
//! reflect this plan's measures.

use super::series_gap::{plan_params, with_window};
use super::spec::plan_keys;
use super::spec::{Checker, RawRule};
use super::Ctx;
use super::RuleType;
use crate::analysis::format_number;
use crate::diag::{Finding, Text};
use crate::model::{KindId, Schema};

#[derive(Debug)]
pub struct SeriesLag {
    pub kind: KindId,
    /// The number key with the lag in years (`lag`).
    pub lag: String,
    pub plan: crate::analysis::series::PlanKeys,
}

impl SeriesLag {
    pub(super) fn run(&self, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        for n in ctx.targets(self.kind) {
            let node = model.node(n);
            let Some(lag) = node.number(&self.lag) else {
                continue;
            };
            let Some(window) = self.plan.window(model, n) else {
                continue;
            };
            let left = window.years_left();
            if lag <= f64::from(left) {
                continue;
            }
            let (after_en, after_ja) = match window.as_of {
                Some(y) => (format!("after FY{y}"), format!("FY{y} 以降")),
                None => ("in its whole period".to_owned(), "期間全体で".to_owned()),
            };
            let lag_text = format_number(lag);
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("lag", Text::same(&lag_text)),
                        ("left", Text::same(left.to_string())),
                        ("period", Text::same(window.period_text())),
                        ("as_of", Text::new(after_en, after_ja)),
                        ("plan", Text::same(&model.node(window.plan).id)),
                    ],
                )
                .with_relation(self.lag.clone());
            if let Some(attr) = node.attr(&self.lag) {
                f.span = attr.value_span;
                f = f.with_label(Text::new(
                    format!("{lag_text} years from measure to effect; {left} left in the plan"),
                    format!("施策から効果まで {lag_text} 年。計画の残りは {left} 年"),
                ));
            }
            f = with_window(f, &window, model);
            out.push(f);
        }
    }

    pub(crate) fn params(&self, schema: &Schema) -> Vec<(String, String)> {
        let mut p = vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("lag".into(), self.lag.clone()),
        ];
        p.extend(plan_params(&self.plan, schema));
        p
    }
}

impl SeriesLag {
    /// Reads this rule type's parameters from a `rules.toml` rule, reporting bad ones.
    pub(super) fn from_rule(kind: KindId, r: &RawRule, c: &mut Checker<'_>) -> Option<RuleType> {
        let lag = c.need(r.lag.as_ref(), r, "lag").and_then(|s| c.key(s));
        let plan = plan_keys(r, c);
        lag.zip(plan)
            .map(|(lag, plan)| RuleType::SeriesLag(SeriesLag { kind, lag, plan }))
    }
}
