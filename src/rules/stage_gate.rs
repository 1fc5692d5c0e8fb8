//! Rule type `stage-gate`: a program whose themes moved up a stage at a rate below a threshold
//! (in percent, compared with the rate as printed, to one decimal), counting only themes
//! adopted at the given stages, and only when it has at least `min-themes` of them.

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::spec::Checker;
use crate::analysis::stage_gate::{self, GateKeys, Theme};
use crate::analysis::{format_number, format_tenths};
use crate::diag::{Text};
use crate::model::{KindId, NodeIx, Schema};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

#[derive(Debug)]
pub struct StageGate {
    /// The kind of a program.
    pub kind: KindId,
    pub keys: GateKeys,
    /// Percent.
    pub threshold: f64,
    pub min_themes: u64,
    /// Stages at adoption that count; all themes when empty.
    pub stages: Vec<i64>,
}

/// Parameters of `stage-gate`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct StageGateParams {
    project: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    stage_at_adoption: Option<Spanned<String>>,
    stage_now: Option<Spanned<String>>,
    threshold: Option<Spanned<f64>>,
    min_themes: Option<Spanned<u32>>,
    stages: Option<Vec<i64>>,
}

impl RuleKind for StageGate {
    const NAME: &'static str = "stage-gate";
    const PLACEHOLDERS: &'static [&'static str] = &["rate", "threshold", "themes", "moved_up", "stages"];
    type Params = StageGateParams;

    fn build(kind: KindId, p: StageGateParams, c: &mut Checker<'_>) -> Option<Self> {
        let project = c.need(p.project.as_ref(), "project").and_then(|s| c.kind(s));
        let relation = c
            .need(p.relation.as_ref(), "relation")
            .and_then(|s| c.relation(s));
        let at_adoption = c
            .need(p.stage_at_adoption.as_ref(), "stage-at-adoption")
            .and_then(|s| c.key(s));
        let now = c.need(p.stage_now.as_ref(), "stage-now").and_then(|s| c.key(s));
        let threshold = c
            .need(p.threshold.as_ref(), "threshold")
            .map(|t| *t.get_ref());
        if let Some(t) = p
            .threshold
            .as_ref()
            .filter(|t| !(0.0..=100.0).contains(t.get_ref()))
        {
            c.error_at(
                t.span(),
                Text::new(
                    "`threshold` is a percentage from 0 to 100",
                    "`threshold` は 0 から 100 までの百分率です",
                ),
            );
        }
        Some(StageGate {
            kind,
            keys: GateKeys {
                project: project?,
                relation: relation?,
                at_adoption: at_adoption?,
                now: now?,
            },
            threshold: threshold?,
            min_themes: p.min_themes.as_ref().map_or(1, |m| *m.get_ref()).into(),
            stages: p.stages.unwrap_or_default(),
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        // Themes that count, by program: one pass over the themes.
        let mut by_program: HashMap<NodeIx, Vec<Theme>> = HashMap::new();
        for t in stage_gate::themes(model, &self.keys) {
            if let Some(p) = t.program.filter(|_| self.counts(&t)) {
                by_program.entry(p).or_default().push(t);
            }
        }
        for n in ctx.targets(self.kind) {
            let Some(mine) = by_program.get(&n) else {
                continue;
            };
            let tally = stage_gate::tally(mine).total;
            if tally.themes < self.min_themes.max(1) {
                continue;
            }
            let Some(rate) = tally.rate_tenths() else {
                continue;
            };
            // A rate is at most 1000 tenths.
            let rate = u32::try_from(rate).unwrap_or(u32::MAX);
            if f64::from(rate) >= self.threshold * 10.0 {
                continue;
            }
            let rate = format!("{}%", format_tenths(i64::from(rate)));
            let threshold = format!("{}%", format_number(self.threshold));
            let f = ctx
                .finding(
                    n,
                    &[
                        ("rate", Text::same(&rate)),
                        ("threshold", Text::same(&threshold)),
                        ("themes", Text::same(tally.themes.to_string())),
                        ("moved_up", Text::same(tally.moved_up.to_string())),
                        ("stages", self.stages_text()),
                    ],
                )
                .with_label(Text::new(
                    format!(
                        "{} of {} themes moved up ({rate}); threshold {threshold}",
                        tally.moved_up, tally.themes
                    ),
                    format!(
                        "{} テーマ中 {} がステージアップ（{rate}）。閾値 {threshold}",
                        tally.themes, tally.moved_up
                    ),
                ))
                .with_relation(model.schema.key_code(self.keys.relation));
            out.push(f);
        }
    }

    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            (
                "project".into(),
                schema.kind(self.keys.project).name.clone(),
            ),
            ("relation".into(), schema.key_name(self.keys.relation).to_owned()),
            ("stage-at-adoption".into(), schema.key_name(self.keys.at_adoption).to_owned()),
            ("stage-now".into(), schema.key_name(self.keys.now).to_owned()),
            (
                "threshold".into(),
                format!("{}%", format_number(self.threshold)),
            ),
            ("min-themes".into(), self.min_themes.to_string()),
            ("stages".into(), self.stages_text().en),
        ]
    }
}

impl StageGate {
    fn counts(&self, t: &Theme) -> bool {
        self.stages.is_empty() || t.at_adoption.is_some_and(|s| self.stages.contains(&s))
    }

    fn stages_text(&self) -> Text {
        if self.stages.is_empty() {
            Text::new("any stage", "すべてのステージ")
        } else {
            let list: Vec<String> = self.stages.iter().map(ToString::to_string).collect();
            Text::new(
                format!("stage {}", crate::diag::or_list(&list)),
                format!("ステージ {}", list.join("・")),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, expect};
    use std::fmt::Write as _;

    const RULE: &str = r#"
type = "stage-gate"
kind = "program"
project = "project"
relation = "program"
stage-at-adoption = "stage-at-adoption"
stage-now = "stage-now"
threshold = 50.0
min-themes = 2
stages = [2, 3]
message = { en = "{id}: {moved_up}/{themes} = {rate} < {threshold} ({stages})", ja = "m" }
"#;

    /// Programs with themes given as (stage at adoption, stage now).
    fn spec(programs: &[(&str, &[(u8, u8)])]) -> String {
        let mut s = String::new();
        for (p, themes) in programs {
            let _ = writeln!(s, "program {p} \"p\" {{}}");
            for (i, (at, now)) in themes.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "project {p}.{i} {{ program {p}; stage-at-adoption {at}; stage-now {now} }}"
                );
            }
        }
        s
    }

    #[test]
    fn a_rate_below_the_threshold_is_reported_and_one_at_it_is_not() {
        let spec = spec(&[
            ("LOW", &[(2, 3), (2, 2), (3, 3), (3, 3)]),
            ("AT", &[(2, 3), (2, 2)]),
            ("HIGH", &[(2, 3), (3, 4)]),
        ]);
        assert_eq!(
            check(RULE, &spec),
            expect(&[("LOW", "LOW: 1/4 = 25.0% < 50% (stage 2 or 3)")])
        );
    }

    #[test]
    fn only_themes_adopted_at_the_given_stages_count_and_at_least_min_themes() {
        // Stage 1 and 4 themes do not count: FEW has one counting theme, below min-themes.
        let spec = spec(&[
            ("FEW", &[(2, 2), (1, 1), (4, 4)]),
            ("MIXED", &[(1, 2), (1, 2), (2, 2), (3, 3)]),
        ]);
        assert_eq!(
            check(RULE, &spec),
            expect(&[("MIXED", "MIXED: 0/2 = 0.0% < 50% (stage 2 or 3)")])
        );
        // Counting every stage, MIXED moved 2 of 4 up: 50%, at the threshold.
        let all = RULE.replace("stages = [2, 3]\n", "");
        assert_eq!(
            check(&all, &spec),
            expect(&[("FEW", "FEW: 0/3 = 0.0% < 50% (any stage)")])
        );
    }
}
