//! KPI series: values by fiscal year, the plan period they fall in, and the mean annual change
//! from which `align stats` suggests a relative target for the next plan.
//!
//! Method (docs/stats.md): with the values sorted by fiscal year, first value `a` in year `s`
//! and last value `b` in year `e`,
//! - mean annual change = (b − a) / (e − s), in the KPI's unit per year (the mean of the
//!   year-on-year changes when no year is missing);
//! - mean annual % change = ((b / a)^(1 / (e − s)) − 1) × 100, the constant yearly rate that
//!   takes `a` to `b` (defined when a > 0 and b ≥ 0);
//! - suggested relative target for each year of the next plan = the mean annual % change when
//!   it goes the way of the KPI's target (or the KPI has none), otherwise 0% (hold the latest
//!   value: a decline is not carried forward as a target).

use crate::diag::Span;
use crate::model::above::{First, TargetsAbove};
use crate::model::{AttrValue, KeyId, KindId, Model, Node, NodeIx};
use crate::syntax::ast::{Value, ValueKind};

/// The direction a KPI's values should move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Increase,
    Decrease,
    Maintain,
}

impl Target {
    pub fn parse(word: &str) -> Option<Target> {
        match word {
            "increase" => Some(Target::Increase),
            "decrease" => Some(Target::Decrease),
            "maintain" => Some(Target::Maintain),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Increase => "increase",
            Target::Decrease => "decrease",
            Target::Maintain => "maintain",
        }
    }

    /// Whether going from `earlier` to `later` runs against the target. For `maintain`, a
    /// change of more than `tolerance` percent of `earlier` does (any change when it is 0).
    pub fn against(self, earlier: f64, later: f64, tolerance: f64) -> bool {
        match self {
            Target::Increase => later < earlier,
            Target::Decrease => later > earlier,
            Target::Maintain => {
                if earlier == 0.0 {
                    later != 0.0
                } else {
                    ((later - earlier) / earlier).abs() * 100.0 > tolerance
                }
            }
        }
    }
}

/// One value of a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub label: String,
    pub year: i32,
    pub value: f64,
    pub percent: bool,
    /// The entry `FY2022 148`.
    pub span: Span,
}

/// The values of a node's series key, sorted by fiscal year; `None` when the node has none.
pub fn points(node: &Node, key: KeyId) -> Option<Vec<Point>> {
    let Some(AttrValue::Series(pts)) = node.attr(key).map(|a| &a.value) else {
        return None;
    };
    let mut out: Vec<Point> = pts
        .iter()
        .filter_map(|p| {
            Some(Point {
                label: p.label.to_string(),
                year: p.year?,
                value: p.value.value,
                percent: p.value.percent,
                span: p.span,
            })
        })
        .collect();
    out.sort_by_key(|p| p.year);
    Some(out)
}

/// `FY2022` → 2022.
pub fn fiscal_year(label: &str) -> Option<i32> {
    label
        .strip_prefix("FY")
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse().ok())
}

/// The fiscal year of a range bound or an `as-of` value: `FY2022`, a plain year `2022`, or a
/// date (Japanese fiscal years start on 1 April: 2023-03-31 is in FY2022).
fn value_year(v: &Value) -> Option<i32> {
    match &v.kind {
        ValueKind::Ident(s) => fiscal_year(s),
        ValueKind::Number(n) if !n.percent && n.value.fract() == 0.0 => {
            let y = n.value;
            (1000.0..=9999.0).contains(&y).then_some(y as i32)
        }
        ValueKind::Date(d) => Some(i32::from(d.year) - i32::from(d.month < 4)),
        _ => None,
    }
}

/// The mean annual change `(last − first) / (years between them)`; `None` with fewer than two
/// values or all values in one year.
pub fn mean_annual_change(points: &[Point]) -> Option<f64> {
    let (first, last) = (points.first()?, points.last()?);
    let years = last.year - first.year;
    (years > 0).then(|| (last.value - first.value) / f64::from(years))
}

/// The mean annual % change: the constant yearly rate from the first value to the last, in
/// percent. `None` when it is undefined (fewer than two years, first value ≤ 0, last < 0).
pub fn mean_annual_percent(points: &[Point]) -> Option<f64> {
    let (first, last) = (points.first()?, points.last()?);
    let years = last.year - first.year;
    if years <= 0 || first.value <= 0.0 || last.value < 0.0 {
        return None;
    }
    let rate = ((last.value / first.value).powf(1.0 / f64::from(years)) - 1.0) * 100.0;
    rate.is_finite().then_some(rate)
}

/// The suggested relative target (% per year) for the next plan from the observed mean annual
/// % change: carried forward when it goes the way of the target, otherwise 0 (hold the level).
pub fn suggested_percent(mean_percent: f64, target: Option<Target>) -> f64 {
    match target {
        None => mean_percent,
        Some(Target::Increase) if mean_percent > 0.0 => mean_percent,
        Some(Target::Decrease) if mean_percent < 0.0 => mean_percent,
        Some(_) => 0.0,
    }
}

/// Fiscal years from `from` to `to` (inclusive) with no value.
pub fn missing_years(points: &[Point], from: i32, to: i32) -> Vec<i32> {
    (from..=to)
        .filter(|y| !points.iter().any(|p| p.year == *y))
        .collect()
}

/// Whether a series mixes percentages and plain numbers (`FY2023 12%` beside `FY2024 340`):
/// its change and rate are then meaningless.
pub fn mixed_units(points: &[Point]) -> bool {
    points.iter().any(|p| p.percent) && points.iter().any(|p| !p.percent)
}

/// The fiscal years of a node's range key (`period FY2019..FY2024`) and the range's span;
/// `None` when it has none, or its bounds are not fiscal years, years or dates, or reversed.
pub fn period_years(node: &Node, key: KeyId) -> Option<(i32, i32, Span)> {
    let attr = node.attr(key)?;
    let AttrValue::Range(range) = &attr.value else {
        return None;
    };
    let (start, end) = (value_year(&range.0)?, value_year(&range.1)?);
    (start <= end).then_some((start, end, attr.value_span))
}

/// Where to find the plan a node belongs to and its period: parameters of a rule.
#[derive(Clone, Debug)]
pub struct PlanKeys {
    /// The kind of the plan.
    pub kind: KindId,
    /// Relations followed up from the node to reach the plan (`measures`, `goal`, `policy`…).
    pub walk_up: Vec<KeyId>,
    /// The plan's range key of fiscal years (`period FY2022..FY2026`).
    pub period: KeyId,
    /// The plan's key saying how far the model's values go (`as-of FY2023`).
    pub as_of: KeyId,
}

/// A plan's period in fiscal years and how far it has run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanWindow {
    pub plan: NodeIx,
    pub start: i32,
    pub end: i32,
    pub as_of: Option<i32>,
    /// The period value.
    pub period_span: Span,
    /// The as-of value.
    pub as_of_span: Option<Span>,
}

impl PlanWindow {
    /// Years of the period left after `as-of` (the whole period without one; none before it).
    pub fn years_left(&self) -> i32 {
        let from = self.as_of.unwrap_or(self.start - 1).max(self.start - 1);
        (self.end - from).max(0)
    }

    /// `FY2022..FY2026`
    pub fn period_text(&self) -> String {
        format!("FY{}..FY{}", self.start, self.end)
    }
}

impl PlanKeys {
    /// The first plan (breadth first along `walk_up`) with a readable period.
    pub fn window(&self, model: &Model, n: NodeIx) -> Option<PlanWindow> {
        let mut candidates = vec![n];
        candidates.extend(model.graph.ancestors(n, &self.walk_up));
        candidates
            .into_iter()
            .filter(|&p| model.node(p).kind == self.kind)
            .find_map(|p| self.window_of(model, p))
    }

    /// [`PlanKeys::window`] for the nodes of one rule run: the plans above each node are worked
    /// out once per node ([`TargetsAbove`]), and walked for only when there are several.
    pub(crate) fn windows<'m>(
        &'m self,
        model: &'m Model,
    ) -> Windows<'m, impl Fn(NodeIx) -> bool + 'm> {
        Windows {
            keys: self,
            model,
            above: TargetsAbove::new(model, &self.walk_up, move |p| {
                model.node(p).kind == self.kind && self.window_of(model, p).is_some()
            }),
        }
    }

    fn window_of(&self, model: &Model, p: NodeIx) -> Option<PlanWindow> {
        let node = model.node(p);
        let attr = node.attr(self.period)?;
        let AttrValue::Range(range) = &attr.value else {
            return None;
        };
        let (start, end) = (value_year(&range.0)?, value_year(&range.1)?);
        if end < start {
            return None;
        }
        let as_of_attr = node.attr(self.as_of);
        let as_of = as_of_attr.and_then(|a| match &a.value {
            AttrValue::Tag(t) | AttrValue::Enum(t) => fiscal_year(t),
            AttrValue::Date(d) => Some(i32::from(d.year) - i32::from(d.month < 4)),
            AttrValue::Number(n) if n.value.fract() == 0.0 => Some(n.value as i32),
            _ => None,
        });
        Some(PlanWindow {
            plan: p,
            start,
            end,
            as_of,
            period_span: attr.value_span,
            as_of_span: as_of.and(as_of_attr.map(|a| a.value_span)),
        })
    }
}

/// The series figures of one node, for `align stats`.
#[derive(Clone, Debug)]
pub struct SeriesStats {
    pub node: NodeIx,
    pub points: Vec<Point>,
    pub target: Option<Target>,
    pub mean_annual_change: f64,
    pub mean_annual_percent: Option<f64>,
    pub suggested_percent: Option<f64>,
    /// The values mix percentages and plain numbers: no change or rate is meaningful, and
    /// `mean_annual_percent` and `suggested_percent` are `None`.
    pub mixed_units: bool,
}

/// For every node of `kind` with values in two or more fiscal years: its series figures, in
/// declaration order.
pub fn stats(model: &Model, kind: KindId, series: KeyId, target: KeyId) -> Vec<SeriesStats> {
    model
        .nodes_of(kind)
        .filter_map(|n| {
            let node = model.node(n);
            let points = points(node, series)?;
            let change = mean_annual_change(&points)?;
            let target = node.word(target).and_then(Target::parse);
            let mixed = mixed_units(&points);
            let percent = mean_annual_percent(&points).filter(|_| !mixed);
            Some(SeriesStats {
                node: n,
                target,
                mean_annual_change: change,
                mean_annual_percent: percent,
                suggested_percent: percent.map(|p| suggested_percent(p, target)),
                mixed_units: mixed,
                points,
            })
        })
        .collect()
}

/// The plan windows of many nodes, for one rule run (see [`PlanKeys::windows`]).
pub(crate) struct Windows<'m, F> {
    keys: &'m PlanKeys,
    model: &'m Model,
    above: TargetsAbove<'m, F>,
}

impl<F: Fn(NodeIx) -> bool> Windows<'_, F> {
    /// [`PlanKeys::window`] of `n`.
    pub(crate) fn window(&mut self, n: NodeIx) -> Option<PlanWindow> {
        match self.above.first(n) {
            First::None => None,
            First::Only(p) => self.keys.window_of(self.model, p),
            First::ByWalk => self.keys.window(self.model, n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pts(values: &[(i32, f64)]) -> Vec<Point> {
        values
            .iter()
            .map(|&(year, value)| Point {
                label: format!("FY{year}"),
                year,
                value,
                percent: false,
                span: Span::new(crate::source::FileId::default(), 0, 0),
            })
            .collect()
    }

    #[test]
    fn mean_annual_change_spans_missing_years() {
        assert_eq!(
            mean_annual_change(&pts(&[(2022, 148.0), (2023, 163.0)])),
            Some(15.0)
        );
        // 100 → 130 over three years (FY2023 missing) is 10 a year.
        assert_eq!(
            mean_annual_change(&pts(&[(2021, 100.0), (2022, 110.0), (2024, 130.0)])),
            Some(10.0)
        );
        assert_eq!(mean_annual_change(&pts(&[(2022, 1.0)])), None);
        assert_eq!(mean_annual_change(&[]), None);
    }

    #[test]
    fn mean_annual_percent_is_the_constant_yearly_rate() {
        let two = mean_annual_percent(&pts(&[(2022, 148.0), (2023, 163.0)])).unwrap();
        assert!((two - 10.135_135).abs() < 1e-5, "{two}");
        let r = mean_annual_percent(&pts(&[(2020, 100.0), (2022, 121.0)])).unwrap();
        assert!((r - 10.0).abs() < 1e-9, "{r}");
        assert_eq!(mean_annual_percent(&pts(&[(2022, 0.0), (2023, 5.0)])), None);
        assert_eq!(
            mean_annual_percent(&pts(&[(2022, 5.0), (2023, -1.0)])),
            None
        );
        let down = mean_annual_percent(&pts(&[(2022, 5.0), (2023, 0.0)])).unwrap();
        assert!((down + 100.0).abs() < 1e-9);
    }

    #[test]
    #[allow(clippy::float_cmp)] // the values pass through unchanged: exact comparison is meant
    fn a_decline_is_not_suggested_as_a_target_to_increase() {
        assert_eq!(suggested_percent(10.0, Some(Target::Increase)), 10.0);
        assert_eq!(suggested_percent(-4.0, Some(Target::Increase)), 0.0);
        assert_eq!(suggested_percent(-4.0, Some(Target::Decrease)), -4.0);
        assert_eq!(suggested_percent(4.0, Some(Target::Decrease)), 0.0);
        assert_eq!(suggested_percent(4.0, Some(Target::Maintain)), 0.0);
        assert_eq!(suggested_percent(-4.0, None), -4.0);
    }

    #[test]
    fn against_the_target() {
        assert!(Target::Increase.against(148.0, 120.0, 0.0));
        assert!(!Target::Increase.against(148.0, 148.0, 0.0));
        assert!(Target::Decrease.against(10.0, 11.0, 0.0));
        assert!(!Target::Maintain.against(100.0, 104.0, 5.0));
        assert!(Target::Maintain.against(100.0, 106.0, 5.0));
        assert!(Target::Maintain.against(0.0, 1.0, 5.0));
        assert!(!Target::Maintain.against(0.0, 0.0, 5.0));
    }

    #[test]
    fn missing_years_inside_a_window() {
        let p = pts(&[(2022, 1.0), (2024, 2.0)]);
        assert_eq!(missing_years(&p, 2022, 2025), vec![2023, 2025]);
        assert_eq!(missing_years(&p, 2022, 2022), Vec::<i32>::new());
        assert_eq!(missing_years(&p, 2023, 2022), Vec::<i32>::new());
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(fiscal_year("FY2022"), Some(2022));
        assert_eq!(fiscal_year("FY22"), None);
        assert_eq!(fiscal_year("fy2022"), None);
        assert_eq!(fiscal_year("FY+022"), None);
    }

    #[test]
    fn years_left_after_as_of() {
        let w = |as_of| PlanWindow {
            plan: crate::model::NodeIx::new(0),
            start: 2022,
            end: 2026,
            as_of,
            period_span: Span::new(crate::source::FileId::default(), 0, 0),
            as_of_span: None,
        };
        assert_eq!(w(Some(2023)).years_left(), 3);
        assert_eq!(w(None).years_left(), 5);
        assert_eq!(w(Some(2019)).years_left(), 5);
        assert_eq!(w(Some(2026)).years_left(), 0);
        assert_eq!(w(Some(2030)).years_left(), 0);
    }
}
