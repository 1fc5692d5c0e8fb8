//! Rule type `series-trend`: the latest value of a node's series moves against its target
//! (`increase`, `decrease`, `maintain`), compared with the value before it and with the first.
//! Two values are enough: the latest is compared with the one before (issue 9: two values are
//! the normal state of a plan's first years).

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::spec::Checker;
use crate::analysis::format_number;
use crate::analysis::series::{self, Point, Target};
use crate::diag::{Text};
use crate::model::{KeyId, KindId, Schema};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug)]
pub struct SeriesTrend {
    pub kind: KindId,
    /// The series key (`series`).
    pub series: KeyId,
    /// The enum key with the target direction (`target`).
    pub direction: KeyId,
    /// For `maintain`: the largest change, in percent of the earlier value, that still holds.
    pub tolerance: f64,
}

fn shown(p: &Point) -> String {
    let pct = if p.percent { "%" } else { "" };
    format!("{} {}{pct}", p.label, format_number(p.value))
}

/// `fell from FY2022 148 to FY2023 120` for the target, from the values as [`shown`].
fn moved(target: Target, from: &str, to: &str) -> Text {
    let (en, ja) = match target {
        Target::Increase => ("fell", "減少"),
        Target::Decrease => ("rose", "増加"),
        Target::Maintain => ("changed", "変化"),
    };
    Text::new(
        format!("{en} from {from} to {to}"),
        format!("{from} から {to} へ{ja}"),
    )
}

/// Parameters of `series-trend`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct TrendParams {
    series: Option<Spanned<String>>,
    direction: Option<Spanned<String>>,
    tolerance: Option<Spanned<f64>>,
}

impl RuleKind for SeriesTrend {
    const NAME: &'static str = "series-trend";
    const PLACEHOLDERS: &'static [&'static str] = &["target", "trend", "last", "previous", "first"];
    type Params = TrendParams;

    fn build(kind: KindId, p: TrendParams, c: &mut Checker<'_>) -> Option<Self> {
        let series = c.need(p.series.as_ref(), "series").and_then(|s| c.key(s));
        let direction = c
            .need(p.direction.as_ref(), "direction")
            .and_then(|s| c.key(s));
        let tolerance = p.tolerance.as_ref().map_or(0.0, |t| *t.get_ref());
        if let Some(t) = p
            .tolerance
            .as_ref()
            .filter(|t| t.get_ref().is_nan() || *t.get_ref() < 0.0)
        {
            c.error_at(
                t.span(),
                Text::new(
                    "`tolerance` is a percentage ≥ 0",
                    "`tolerance` は 0 以上の百分率です",
                ),
            );
        }
        Some(SeriesTrend {
            kind,
            series: series?,
            direction: direction?,
            tolerance,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        for n in ctx.targets(self.kind) {
            let node = model.node(n);
            let Some(target) = node.word(self.direction).and_then(Target::parse) else {
                continue;
            };
            let Some(points) = series::points(node, self.series) else {
                continue;
            };
            // A rate beside a count has no trend (the `series-units` rule reports it).
            if series::mixed_units(&points) {
                continue;
            }
            // Two values are enough to run against the target: the latest is compared with
            // the year before (the first); with three or more, with the first value too.
            let (Some(first), Some(last)) = (points.first(), points.last()) else {
                continue;
            };
            let Some(previous) = points.len().checked_sub(2).and_then(|i| points.get(i)) else {
                continue;
            };
            let against_previous = target.against(previous.value, last.value, self.tolerance);
            let against_first =
                points.len() > 2 && target.against(first.value, last.value, self.tolerance);
            if !against_previous && !against_first {
                continue;
            }
            // Each value written once (a number's text is most of this rule's work).
            let (first_s, previous_s, last_s) = (shown(first), shown(previous), shown(last));
            let mut parts = Vec::new();
            if against_previous {
                parts.push(moved(target, &previous_s, &last_s));
            }
            if against_first {
                parts.push(moved(target, &first_s, &last_s));
            }
            let trend = Text::new(
                parts
                    .iter()
                    .map(|t| t.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                parts
                    .iter()
                    .map(|t| t.ja.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
            );
            // A value is kept only if the rule's templates show it.
            let value = |name: &str, shown: String| {
                if ctx.uses(name) {
                    Text::same(shown)
                } else {
                    Text::default()
                }
            };
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("target", Text::same(target.as_str())),
                        ("trend", trend),
                        ("last", value("last", last_s)),
                        ("previous", value("previous", previous_s)),
                        ("first", value("first", first_s)),
                    ],
                )
                .with_relation(model.schema.key_code(self.series));
            f.span = last.span;
            let direction = model.schema.key_name(self.direction);
            f = f.with_label(Text::new(
                format!("latest value, against `{direction} {}`", target.as_str()),
                format!("最新の値が `{direction} {}` に反する", target.as_str()),
            ));
            if against_previous {
                f = f.with_secondary(previous.span, Text::new("the year before", "前年度"));
            }
            if against_first {
                f = f.with_secondary(first.span, Text::new("the first value", "最初の値"));
            }
            if let Some(attr) = node.attr(self.direction) {
                f = f.with_secondary(attr.span(), Text::new("the target", "目標の方向"));
            }
            out.push(f);
        }
    }

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("series".into(), schema.key_name(self.series).to_owned()),
            ("direction".into(), schema.key_name(self.direction).to_owned()),
            (
                "tolerance".into(),
                format!("{}%", format_number(self.tolerance)),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::series::tests::spec;
    use crate::rules::testing::{check, expect};

    const RULE: &str = r#"
type = "series-trend"
kind = "kpi"
series = "series"
direction = "target"
tolerance = 5.0
message = { en = "{id}: {target}: {trend}", ja = "m" }
"#;

    fn kpi(id: &str, target: &str, series: &str) -> String {
        format!("kpi {id} \"k\" {{ measures [G1]; method direct; target {target}; series {{ {series} }} }}\n")
    }

    #[test]
    fn the_latest_value_is_compared_with_the_one_before_and_the_first() {
        let kpis = [
            kpi("UP", "increase", "FY2022 100; FY2023 120; FY2024 130"),
            kpi("DIP", "increase", "FY2022 100; FY2023 120; FY2024 110"),
            kpi("BELOW", "increase", "FY2022 100; FY2023 120; FY2024 90"),
            kpi("DOWN", "decrease", "FY2022 100; FY2023 100; FY2024 110"),
        ]
        .concat();
        assert_eq!(
            check(RULE, &spec("", &kpis)),
            expect(&[
                ("DIP", "DIP: increase: fell from FY2023 120 to FY2024 110"),
                (
                    "BELOW",
                    "BELOW: increase: fell from FY2023 120 to FY2024 90; fell from FY2022 100 to FY2024 90"
                ),
                (
                    "DOWN",
                    "DOWN: decrease: rose from FY2023 100 to FY2024 110; rose from FY2022 100 to FY2024 110"
                ),
            ])
        );
    }

    #[test]
    fn maintain_holds_within_the_tolerance() {
        let kpis = [
            kpi("HOLDS", "maintain", "FY2022 100; FY2023 100; FY2024 104"),
            kpi("MOVES", "maintain", "FY2022 100; FY2023 100; FY2024 94"),
        ]
        .concat();
        assert_eq!(
            check(RULE, &spec("", &kpis)),
            expect(&[(
                "MOVES",
                "MOVES: maintain: changed from FY2023 100 to FY2024 94; changed from FY2022 100 to FY2024 94"
            )])
        );
        let strict = RULE.replace("tolerance = 5.0", "tolerance = 0.0");
        assert_eq!(check(&strict, &spec("", &kpis)).len(), 2);
    }

    #[test]
    fn two_values_are_judged() {
        // The normal state of a plan's first years: FY2022 148 → FY2023 120 against `increase`.
        let kpis = [
            kpi("FELL", "increase", "FY2022 148; FY2023 120"),
            kpi("ROSE", "increase", "FY2022 148; FY2023 163"),
        ]
        .concat();
        assert_eq!(
            check(RULE, &spec("", &kpis)),
            expect(&[("FELL", "FELL: increase: fell from FY2022 148 to FY2023 120")])
        );
    }

    #[test]
    fn one_value_or_no_target_is_not_judged() {
        let kpis = [
            kpi("ONE", "increase", "FY2022 100"),
            "kpi NOTARGET \"k\" { measures [G1]; method direct; series { FY2022 100; FY2023 1 } }\n"
                .to_owned(),
        ]
        .concat();
        assert_eq!(check(RULE, &spec("", &kpis)), expect(&[]));
    }

    #[test]
    fn a_series_of_two_units_has_no_trend() {
        let kpis = kpi("MIXED", "decrease", "FY2023 12%; FY2024 340");
        assert_eq!(check(RULE, &spec("", &kpis)), expect(&[]));
    }
}
