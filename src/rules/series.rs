//! What the series rule types (`series-gap`, `series-trend`, `series-lag`, `series-missing`)
//! share: the plan parameters (`plan`, `walk-up`, `period`, `as-of`), read and documented once,
//! and the plan's period and as-of shown under a finding.

use super::spec::Checker;
use crate::analysis::series::{PlanKeys, PlanWindow};
use crate::diag::{Finding, Text};
use crate::model::{Model, Schema};
use serde::Deserialize;
use toml::Spanned;

/// Parameters of a rule type that reads a node's series within its plan's window
/// (`series-gap`, `series-missing`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct SeriesParams {
    /// The series key.
    pub(super) series: Option<Spanned<String>>,
    pub(super) plan: Option<Spanned<String>>,
    pub(super) walk_up: Option<Vec<Spanned<String>>>,
    pub(super) period: Option<Spanned<String>>,
    pub(super) as_of: Option<Spanned<String>>,
}

/// The plan a series rule reads its period from: `plan`, `walk-up`, `period`, `as-of`.
pub(super) fn plan_keys(
    plan: Option<&Spanned<String>>,
    walk_up: Option<&[Spanned<String>]>,
    period: Option<&Spanned<String>>,
    as_of: Option<&Spanned<String>>,
    c: &mut Checker<'_>,
) -> Option<PlanKeys> {
    let kind = c.need(plan, "plan").and_then(|s| c.kind(s));
    let period = c.need(period, "period").and_then(|s| c.key(s));
    let as_of = c.need(as_of, "as-of").and_then(|s| c.key(s));
    let walk_up = walk_up.map(|w| c.relations(w)).unwrap_or_default();
    Some(PlanKeys {
        kind: kind?,
        walk_up,
        period: period?,
        as_of: as_of?,
    })
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
