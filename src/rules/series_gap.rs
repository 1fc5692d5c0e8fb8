//! Rule type `series-gap`: a node's series has no value for a fiscal year inside its plan's
//! period, up to the plan's `as-of` (or up to the last value, when the plan has none).

use super::spec::plan_keys;
use super::spec::{Checker, RawRule};
use super::Ctx;
use super::RuleType;
use crate::analysis::series::{self, PlanKeys, PlanWindow};
use crate::diag::{Finding, Text};
use crate::model::{KindId, Model, Schema};

#[derive(Debug)]
pub struct SeriesGap {
    pub kind: KindId,
    /// The series key (`series`).
    pub series: String,
    pub plan: PlanKeys,
}

impl SeriesGap {
    pub(super) fn run(&self, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
        let model = ctx.model;
        for n in ctx.targets(self.kind) {
            let node = model.node(n);
            let Some(points) = series::points(node, &self.series).filter(|p| !p.is_empty()) else {
                continue;
            };
            let Some(window) = self.plan.window(model, n) else {
                continue;
            };
            let last = points.last().map_or(window.start, |p| p.year);
            let to = window.as_of.unwrap_or(last).min(window.end);
            let missing = series::missing_years(&points, window.start, to);
            if missing.is_empty() {
                continue;
            }
            let years: Vec<String> = missing.iter().map(|y| format!("FY{y}")).collect();
            let years = years.join(", ");
            let (as_of_en, as_of_ja) = as_of_texts(&window);
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("years", Text::same(&years)),
                        ("period", Text::same(window.period_text())),
                        ("as_of", Text::new(as_of_en, as_of_ja)),
                        ("plan", Text::same(&model.node(window.plan).id)),
                    ],
                )
                .with_relation(self.series.clone());
            if let Some(attr) = node.attr(&self.series) {
                f.span = attr.key_span;
                f = f.with_label(Text::new(
                    format!("no value for {years}"),
                    format!("{years} の値がない"),
                ));
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

/// `as of FY2023` / `FY2023 時点`, or the last value when the plan has no as-of.
pub(super) fn as_of_texts(w: &PlanWindow) -> (String, String) {
    match w.as_of {
        Some(y) => (format!("FY{y}"), format!("FY{y}")),
        None => ("the last value".into(), "最後の値".into()),
    }
}

/// The plan's period and as-of as secondary labels.
pub(super) fn with_window(mut f: Finding, w: &PlanWindow, model: &Model) -> Finding {
    let plan = &model.node(w.plan).id;
    f = f.with_secondary(
        w.period_span,
        Text::new(
            format!("period of plan {plan}"),
            format!("計画 {plan} の期間"),
        ),
    );
    if let (Some(span), Some(y)) = (w.as_of_span, w.as_of) {
        f = f.with_secondary(
            span,
            Text::new(
                format!("values recorded up to FY{y}"),
                format!("FY{y} までの値を記録"),
            ),
        );
    }
    f.nodes.push(plan.clone());
    f
}

/// The plan parameters for docs.
pub(super) fn plan_params(k: &PlanKeys, schema: &Schema) -> Vec<(String, String)> {
    vec![
        ("plan".into(), schema.kind(k.kind).name.clone()),
        ("walk-up".into(), k.walk_up.join(", ")),
        ("period".into(), k.period.clone()),
        ("as-of".into(), k.as_of.clone()),
    ]
}

impl SeriesGap {
    /// Reads this rule type's parameters from a `rules.toml` rule, reporting bad ones.
    pub(super) fn from_rule(kind: KindId, r: &RawRule, c: &mut Checker<'_>) -> Option<RuleType> {
        let series = c
            .need(r.series.as_ref(), r, "series")
            .and_then(|s| c.key(s));
        let plan = plan_keys(r, c);
        series
            .zip(plan)
            .map(|(series, plan)| RuleType::SeriesGap(SeriesGap { kind, series, plan }))
    }
}
