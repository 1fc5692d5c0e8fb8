//! What the series rule types (`series-gap`, `series-trend`, `series-lag`, `series-missing`,
//! `series-period`) share: the plan parameters (`plan`, `walk-up`, `period`, `as-of`), read and documented once,
//! and the plan's period and as-of shown under a finding.

use super::spec::Checker;
use crate::analysis::series::{PlanKeys, PlanWindow};
use crate::diag::{Finding, Text};
use crate::model::{KeyId, KindId, Model, Schema};
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

/// What the per-plan series rule types (`series-gap`, `series-missing`, `series-period`) read:
/// the kind judged, its series key, and how to reach its plan. Built and documented once.
#[derive(Debug)]
pub struct PlanSeries {
    pub kind: KindId,
    /// The series key (`series`).
    pub series: KeyId,
    pub plan: PlanKeys,
}

impl PlanSeries {
    pub(super) fn build(kind: KindId, p: &SeriesParams, c: &mut Checker<'_>) -> Option<Self> {
        let series = c.need(p.series.as_ref(), "series").and_then(|s| c.key(s));
        let plan = plan_keys(
            p.plan.as_ref(),
            p.walk_up.as_deref(),
            p.period.as_ref(),
            p.as_of.as_ref(),
            c,
        );
        Some(PlanSeries {
            kind,
            series: series?,
            plan: plan?,
        })
    }

    /// The parameters as `align explain` and docs/rules.md show them.
    pub(super) fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        let mut p = vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("series".into(), schema.key_name(self.series).to_owned()),
        ];
        p.extend(plan_params(&self.plan, schema));
        p
    }
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
        ("walk-up".into(), key_names(schema, &k.walk_up)),
        ("period".into(), schema.key_name(k.period).to_owned()),
        ("as-of".into(), schema.key_name(k.as_of).to_owned()),
    ]
}

/// Key names joined by `, `, as docs show a list of relations.
pub(super) fn key_names(schema: &Schema, keys: &[KeyId]) -> String {
    keys.iter()
        .map(|&k| schema.key_name(k))
        .collect::<Vec<_>>()
        .join(", ")
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

#[cfg(test)]
pub(super) mod tests {
    /// A plan of FY2022..FY2026 with values up to `as_of` (none when empty), a goal under it,
    /// and `kpis` measuring the goal.
    pub(crate) fn spec(as_of: &str, kpis: &str) -> String {
        let as_of = if as_of.is_empty() {
            String::new()
        } else {
            format!("; as-of {as_of}")
        };
        format!(
            "plan PL \"p\" {{ period FY2022..FY2026{as_of} }}\npolicy V1 \"v\" {{ plan PL }}\n\
             goal G1 \"g\" {{ policy V1 }}\n{kpis}\n"
        )
    }

    /// The plan parameters of a series rule.
    pub(crate) const PLAN: &str =
        "plan = \"plan\"\nwalk-up = [\"measures\", \"goal\", \"policy\", \
                                   \"plan\"]\nperiod = \"period\"\nas-of = \"as-of\"\n";

    #[test]
    fn the_window_is_found_by_walking_up() {
        let rule = format!(
            "type = \"series-missing\"\nkind = \"kpi\"\nseries = \"series\"\n{PLAN}\
             message = {{ en = \"{{id}} {{plan}}\", ja = \"m\" }}"
        );
        let spec = spec("FY2024", "kpi K1 \"k\" { measures [G1]; method direct }");
        let found = crate::rules::testing::run(&rule, &spec);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message.en(), "K1 PL");
        // The plan is a node of the finding, and its period and as-of are shown.
        assert_eq!(found[0].nodes, ["K1", "PL"]);
        let labels: Vec<String> = found[0]
            .labels
            .iter()
            .map(|l| l.text.en().into_owned())
            .collect();
        assert_eq!(
            labels,
            ["period of plan PL", "values recorded up to FY2024"]
        );
    }
}
