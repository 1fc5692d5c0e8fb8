//! Rule type `series-gap`: a node's series has no value for a fiscal year inside its plan's
//! period, up to the plan's `as-of` (or up to the last value, when the plan has none).

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::series::{as_of_texts, with_window, SeriesParams, PlanSeries};
use super::spec::Checker;
use crate::analysis::series;
use crate::diag::{Text};
use crate::model::{KindId, Schema};

/// A rule of this type: a kind, its series and its plan.
#[derive(Debug)]
pub struct SeriesGap(pub PlanSeries);

impl RuleKind for SeriesGap {
    const NAME: &'static str = "series-gap";
    const PLACEHOLDERS: &'static [&'static str] = &["years", "period", "as_of", "plan"];
    type Params = SeriesParams;

    fn build(kind: KindId, p: SeriesParams, c: &mut Checker<'_>) -> Option<Self> {
        PlanSeries::build(kind, &p, c).map(SeriesGap)
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let mut windows = self.0.plan.windows(model);
        for n in ctx.targets(self.0.kind) {
            let node = model.node(n);
            let Some(points) = series::points(node, self.0.series).filter(|p| !p.is_empty()) else {
                continue;
            };
            let Some(window) = windows.window(n) else {
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
                        ("plan", Text::same(model.node(window.plan).id.as_str())),
                    ],
                )
                .with_relation(model.schema.key_code(self.0.series));
            if let Some(attr) = node.attr(self.0.series) {
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

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        self.0.params_doc(schema)
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::series::tests::{spec, PLAN};
    use crate::rules::testing::{check, expect};

    fn rule() -> String {
        format!(
            "type = \"series-gap\"\nkind = \"kpi\"\nseries = \"series\"\n{PLAN}\
             message = {{ en = \"{{id}}: {{years}} in {{period}} to {{as_of}}\", ja = \"m\" }}"
        )
    }

    const KPIS: &str = r#"
kpi K1 "gap" { measures [G1]; method direct; series { FY2022 1; FY2024 3 } }
kpi K2 "short" { measures [G1]; method direct; series { FY2022 1 } }
kpi K3 "full" { measures [G1]; method direct; series { FY2022 1; FY2023 2; FY2024 3 } }
kpi K4 "none" { measures [G1]; method direct }
"#;

    #[test]
    fn missing_years_count_up_to_as_of() {
        assert_eq!(
            check(&rule(), &spec("FY2024", KPIS)),
            expect(&[
                ("K1", "K1: FY2023 in FY2022..FY2026 to FY2024"),
                ("K2", "K2: FY2023, FY2024 in FY2022..FY2026 to FY2024"),
            ])
        );
    }

    #[test]
    fn without_as_of_missing_years_count_up_to_the_last_value() {
        assert_eq!(
            check(&rule(), &spec("", KPIS)),
            expect(&[("K1", "K1: FY2023 in FY2022..FY2026 to the last value")])
        );
    }
}
