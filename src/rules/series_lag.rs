//! Rule type `series-lag`: a node declares a lag (years from a measure to its effect on the
//! values) longer than the years left of its plan's period after `as-of`, so its values cannot
//! reflect this plan's measures.

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::series::{plan_keys, plan_params, with_window};
use super::spec::Checker;
use crate::analysis::format_number;
use crate::diag::{Text};
use crate::model::{KeyId, KindId, Schema};
use toml::Spanned;

#[derive(Debug)]
pub struct SeriesLag {
    pub kind: KindId,
    /// The number key with the lag in years (`lag`).
    pub lag: KeyId,
    pub plan: crate::analysis::series::PlanKeys,
}

/// Parameters of `series-lag`: the lag key and the plan.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct LagParams {
    lag: Option<Spanned<String>>,
    plan: Option<Spanned<String>>,
    walk_up: Option<Vec<Spanned<String>>>,
    period: Option<Spanned<String>>,
    as_of: Option<Spanned<String>>,
}

impl RuleKind for SeriesLag {
    const NAME: &'static str = "series-lag";
    const PLACEHOLDERS: &'static [&'static str] = &["lag", "left", "period", "as_of", "plan"];
    type Params = LagParams;

    fn build(kind: KindId, p: LagParams, c: &mut Checker<'_>) -> Option<Self> {
        let lag = c.need(p.lag.as_ref(), "lag").and_then(|s| c.key(s));
        let plan = plan_keys(
            p.plan.as_ref(),
            p.walk_up.as_deref(),
            p.period.as_ref(),
            p.as_of.as_ref(),
            c,
        );
        Some(SeriesLag {
            kind,
            lag: lag?,
            plan: plan?,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let mut windows = self.plan.windows(model);
        for n in ctx.targets(self.kind) {
            let node = model.node(n);
            let Some(lag) = node.number(self.lag) else {
                continue;
            };
            let Some(window) = windows.window(n) else {
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
                        ("plan", Text::same(model.node(window.plan).id.as_str())),
                    ],
                )
                .with_relation(model.schema.key_code(self.lag));
            if let Some(attr) = node.attr(self.lag) {
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

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        let mut p = vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("lag".into(), schema.key_name(self.lag).to_owned()),
        ];
        p.extend(plan_params(&self.plan, schema));
        p
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::series::tests::{spec, PLAN};
    use crate::rules::testing::{check, expect};

    fn rule() -> String {
        format!(
            "type = \"series-lag\"\nkind = \"kpi\"\nlag = \"lag\"\n{PLAN}\
             message = {{ en = \"{{id}}: {{lag}} > {{left}} {{as_of}}\", ja = \"m\" }}"
        )
    }

    const KPIS: &str = r#"
kpi K1 "long" { measures [G1]; method direct; lag 5 }
kpi K2 "fits" { measures [G1]; method direct; lag 2 }
kpi K3 "none" { measures [G1]; method direct }
"#;

    #[test]
    fn a_lag_longer_than_the_years_left_is_reported() {
        // FY2022..FY2026 recorded up to FY2024: two years left.
        assert_eq!(
            check(&rule(), &spec("FY2024", KPIS)),
            expect(&[("K1", "K1: 5 > 2 after FY2024")])
        );
    }

    #[test]
    fn without_as_of_the_whole_period_is_left() {
        assert_eq!(check(&rule(), &spec("", KPIS)), expect(&[]));
        let long = "kpi K1 \"long\" { measures [G1]; method direct; lag 6 }";
        assert_eq!(
            check(&rule(), &spec("", long)),
            expect(&[("K1", "K1: 6 > 5 in its whole period")])
        );
    }
}
