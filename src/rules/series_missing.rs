//! Rule type `series-missing`: a node (a directly measured KPI, through the rule's filter) has
//! no value at all although its plan records values up to an `as-of` year inside its period.

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::series::{with_window, SeriesParams, PlanSeries};
use super::spec::Checker;
use crate::analysis::series;
use crate::diag::{Text};
use crate::model::{KindId, Schema};

/// A rule of this type: a kind, its series and its plan.
#[derive(Debug)]
pub struct SeriesMissing(pub PlanSeries);

impl RuleKind for SeriesMissing {
    const NAME: &'static str = "series-missing";
    const PLACEHOLDERS: &'static [&'static str] = &["series", "as_of", "plan"];
    type Params = SeriesParams;

    fn build(kind: KindId, p: SeriesParams, c: &mut Checker<'_>) -> Option<Self> {
        PlanSeries::build(kind, &p, c).map(SeriesMissing)
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let mut windows = self.0.plan.windows(model);
        for n in ctx.targets(self.0.kind) {
            let node = model.node(n);
            if series::points(node, self.0.series).is_some_and(|p| !p.is_empty()) {
                continue;
            }
            // Only once the plan says values are recorded up to a year of its period.
            let Some(window) = windows.window(n) else {
                continue;
            };
            let Some(as_of) = window.as_of.filter(|y| *y >= window.start) else {
                continue;
            };
            let name = model.schema.key_name(self.0.series);
            let label = match node.attr(self.0.series) {
                Some(_) => Text::new(format!("`{name}` is empty"), format!("`{name}` が空")),
                None => Text::new(format!("no `{name}`"), format!("`{name}` がない")),
            };
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("series", Text::same(name)),
                        ("as_of", Text::same(format!("FY{as_of}"))),
                        ("plan", Text::same(model.node(window.plan).id.as_str())),
                    ],
                )
                .with_label(label)
                .with_relation(model.schema.key_code(self.0.series));
            if let Some(attr) = node.attr(self.0.series) {
                f.span = attr.key_span;
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
            "type = \"series-missing\"\nkind = \"kpi\"\nseries = \"series\"\n{PLAN}\
             message = {{ en = \"{{id}}: no {{series}} up to {{as_of}} of {{plan}}\", ja = \"m\" }}"
        )
    }

    const KPIS: &str = r#"
kpi K1 "none" { measures [G1]; method direct }
kpi K2 "some" { measures [G1]; method direct; series { FY2022 1 } }
"#;

    #[test]
    fn a_node_without_values_is_reported_once_the_plan_records_values() {
        assert_eq!(
            check(&rule(), &spec("FY2023", KPIS)),
            expect(&[("K1", "K1: no series up to FY2023 of PL")])
        );
    }

    #[test]
    fn nothing_is_expected_before_the_plan_records_values() {
        assert_eq!(check(&rule(), &spec("", KPIS)), expect(&[]));
        // An as-of before the period: no year of the plan is recorded yet.
        assert_eq!(check(&rule(), &spec("FY2021", KPIS)), expect(&[]));
    }
}
