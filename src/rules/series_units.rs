//! Rule type `series-units`: a node's series mixes percentages and plain numbers
//! (`FY2023 12%` beside `FY2024 340`), so its change and rate mean nothing; `align stats`
//! computes none for it.
//!
//! ## Parameters
//! - `series`: the series key.

use super::registry::RuleKind;
use super::spec::Checker;
use super::{Ctx, Found};
use crate::analysis::series;
use crate::diag::{Text};
use crate::model::{KeyId, KindId, Schema};
use toml::Spanned;

#[derive(Debug)]
pub struct SeriesUnits {
    pub kind: KindId,
    /// The series key (`series`).
    pub series: KeyId,
}

/// Parameters of `series-units`: the series key.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct UnitsParams {
    series: Option<Spanned<String>>,
}

/// "a percentage" or "a plain number", for labels.
fn unit(percent: bool) -> Text {
    if percent {
        Text::new("a percentage", "百分率")
    } else {
        Text::new("a plain number", "% のない数値")
    }
}

impl RuleKind for SeriesUnits {
    const NAME: &'static str = "series-units";
    const PLACEHOLDERS: &'static [&'static str] = &["series", "first", "other"];
    type Params = UnitsParams;

    fn build(kind: KindId, p: UnitsParams, c: &mut Checker<'_>) -> Option<Self> {
        let series = c.need(p.series.as_ref(), "series").and_then(|s| c.key(s));
        Some(SeriesUnits {
            kind,
            series: series?,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        for n in ctx.targets(self.kind) {
            let Some(points) = series::points(model.node(n), self.series) else {
                continue;
            };
            if !series::mixed_units(&points) {
                continue;
            }
            // At the first value whose unit differs from the first value's.
            let first = &points[0];
            let Some(other) = points.iter().find(|p| p.percent != first.percent) else {
                continue;
            };
            let name = model.schema.key_name(self.series);
            let mut f = ctx
                .finding(
                    n,
                    &[
                        ("series", Text::same(name)),
                        ("first", Text::same(&first.label)),
                        ("other", Text::same(&other.label)),
                    ],
                )
                .with_relation(name)
                .with_label(unit(other.percent))
                .with_secondary(first.span, unit(first.percent));
            f.span = other.span;
            out.push(f);
        }
    }

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("series".into(), schema.key_name(self.series).to_owned()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::series::tests::spec;
    use crate::rules::testing::{check, expect, run};

    const RULE: &str = "type = \"series-units\"\nkind = \"kpi\"\nseries = \"series\"\n\
        message = { en = \"{id}: {first} / {other}\", ja = \"m\" }";

    #[test]
    fn a_series_of_percentages_and_plain_numbers_is_reported() {
        let kpi = "kpi K1 \"k\" { measures [G1]; method direct; series { FY2024 340; FY2023 12% } }";
        let found = run(RULE, &spec("", kpi));
        assert_eq!(found.len(), 1);
        // Sorted by year: FY2023 (a percentage) is first, FY2024 is the odd one.
        assert_eq!(found[0].message.en(), "K1: FY2023 / FY2024");
        assert_eq!(
            found[0].label.as_ref().map(|l| l.en().into_owned()).as_deref(),
            Some("a plain number")
        );
    }

    #[test]
    fn one_unit_throughout_is_accepted() {
        let kpis = "kpi K1 \"k\" { measures [G1]; method direct; series { FY2023 12%; FY2024 14% } }\n\
                    kpi K2 \"k\" { measures [G1]; method direct; series { FY2023 12; FY2024 14 } }\n\
                    kpi K3 \"k\" { measures [G1]; method direct }";
        assert_eq!(check(RULE, &spec("", kpis)), expect(&[]));
    }
}
