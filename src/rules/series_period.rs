//! Rule type `series-period`: a node's series has values for fiscal years after the end of its
//! plan's period (`FY2030` in a plan of FY2024..FY2028): a typo in the year, or values of
//! another plan.
//!
//! ## Notes
//! Values before the plan's start are baselines (the Third Plan carries the values of the
//! Second) and are accepted. A node whose plan has no readable period is not judged.

use super::registry::RuleKind;
use super::series::{with_window, SeriesParams, PlanSeries};
use super::spec::Checker;
use super::{Ctx, Found};
use crate::analysis::series;
use crate::diag::{Text};
use crate::model::{KindId, Schema};

/// A rule of this type: a kind, its series and its plan.
#[derive(Debug)]
pub struct SeriesPeriod(pub PlanSeries);

impl RuleKind for SeriesPeriod {
    const NAME: &'static str = "series-period";
    const PLACEHOLDERS: &'static [&'static str] = &["series", "years", "period", "plan"];
    type Params = SeriesParams;

    fn build(kind: KindId, p: SeriesParams, c: &mut Checker<'_>) -> Option<Self> {
        PlanSeries::build(kind, &p, c).map(SeriesPeriod)
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let mut windows = self.0.plan.windows(model);
        for n in ctx.targets(self.0.kind) {
            let Some(points) = series::points(model.node(n), self.0.series) else {
                continue;
            };
            let Some(window) = windows.window(n) else {
                continue;
            };
            let after: Vec<&series::Point> =
                points.iter().filter(|p| p.year > window.end).collect();
            let Some(first) = after.first() else {
                continue;
            };
            let years: Vec<&str> = after.iter().map(|p| p.label.as_str()).collect();
            let name = model.schema.key_name(self.0.series);
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("series", Text::same(name)),
                        ("years", Text::same(years.join(", "))),
                        ("period", Text::same(window.period_text())),
                        ("plan", Text::same(model.node(window.plan).id.as_str())),
                    ],
                )
                .with_relation(name)
                .with_label(Text::new(
                    format!("{} is after FY{}", first.label, window.end),
                    format!("{} は FY{} より後", first.label, window.end),
                ));
            f.span = first.span;
            for p in after.iter().skip(1) {
                f = f.with_secondary(
                    p.span,
                    Text::new(
                        format!("{} is after FY{}", p.label, window.end),
                        format!("{} は FY{} より後", p.label, window.end),
                    ),
                );
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
    use crate::rules::testing::{check, expect, run};

    fn rule() -> String {
        format!(
            "type = \"series-period\"\nkind = \"kpi\"\nseries = \"series\"\n{PLAN}\
             message = {{ en = \"{{id}}: {{years}} after {{plan}} {{period}}\", ja = \"m\" }}"
        )
    }

    #[test]
    fn values_after_the_plan_are_reported_once_per_node() {
        // The plan runs FY2022..FY2026.
        let kpis = "kpi K1 \"k\" { measures [G1]; method direct; series { FY2025 1; FY2030 2; FY2027 3 } }";
        let found = run(&rule(), &spec("FY2024", kpis));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message.en(), "K1: FY2027, FY2030 after PL FY2022..FY2026");
        // At the first of them, the others as labels, then the plan's period and as-of.
        assert_eq!(found[0].labels.len(), 3);
    }

    #[test]
    fn baselines_before_the_plan_and_values_inside_it_are_accepted() {
        let kpis = "kpi K1 \"k\" { measures [G1]; method direct; series { FY2019 1; FY2026 2 } }\n\
                    kpi K2 \"k\" { measures [G1]; method direct }";
        assert_eq!(check(&rule(), &spec("", kpis)), expect(&[]));
        // Without a plan nothing is judged.
        let alone = "kpi K1 \"k\" { measures [G1]; method direct; series { FY2099 1 } }";
        assert_eq!(
            check(&rule(), &format!("policy V1 \"v\"\ngoal G1 \"g\" {{ policy V1 }}\n{alone}")),
            expect(&[])
        );
    }
}
