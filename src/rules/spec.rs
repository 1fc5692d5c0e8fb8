//! Rules as data: `rules.toml` parsed and validated into [`Rule`]s, each an instance of one
//! rule type with its parameters.

use super::coverage::Coverage;
use super::measurement_scope::MeasurementScope;
use super::orphan::Orphan;
use super::required::Required;
use super::series_gap::SeriesGap;
use super::series_lag::SeriesLag;
use super::series_missing::SeriesMissing;
use super::series_trend::SeriesTrend;
use super::stage_gate::StageGate;
use crate::analysis::series::PlanKeys;
use crate::diag::{code, Finding, Severity, Text};
use crate::model::schema::{config_error, toml_error, unknown_name, RawText};
use crate::model::{KindId, Node, Schema};
use crate::source::FileId;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

/// One rule: identity, texts, and what it checks.
#[derive(Debug)]
pub struct Rule {
    pub code: String,
    pub slug: String,
    pub severity: Severity,
    pub message: Text,
    pub help: Text,
    pub why: Text,
    pub example: String,
    /// The rule type's name as written in `rules.toml`.
    pub type_name: String,
    pub check: RuleType,
    pub filter: Option<Filter>,
}

/// The closed set of rule types.
#[derive(Debug)]
pub enum RuleType {
    Coverage(Coverage),
    Orphan(Orphan),
    MeasurementScope(MeasurementScope),
    Required(Required),
    SeriesGap(SeriesGap),
    SeriesTrend(SeriesTrend),
    SeriesLag(SeriesLag),
    SeriesMissing(SeriesMissing),
    StageGate(StageGate),
}

impl RuleType {
    /// Runs the check on the model, adding its findings to `out`.
    pub(crate) fn run(&self, ctx: &super::Ctx<'_>, out: &mut Vec<Finding>) {
        match self {
            RuleType::Coverage(c) => c.run(ctx, out),
            RuleType::Orphan(c) => c.run(ctx, out),
            RuleType::MeasurementScope(c) => c.run(ctx, out),
            RuleType::Required(c) => c.run(ctx, out),
            RuleType::SeriesGap(c) => c.run(ctx, out),
            RuleType::SeriesTrend(c) => c.run(ctx, out),
            RuleType::SeriesLag(c) => c.run(ctx, out),
            RuleType::SeriesMissing(c) => c.run(ctx, out),
            RuleType::StageGate(c) => c.run(ctx, out),
        }
    }

    /// The rule type's parameters, as `align explain` and docs/rules.md show them.
    pub fn params(&self, schema: &Schema) -> Vec<(String, String)> {
        match self {
            RuleType::Coverage(c) => c.params(schema),
            RuleType::Orphan(c) => c.params(schema),
            RuleType::MeasurementScope(c) => c.params(schema),
            RuleType::Required(c) => c.params(schema),
            RuleType::SeriesGap(c) => c.params(schema),
            RuleType::SeriesTrend(c) => c.params(schema),
            RuleType::SeriesLag(c) => c.params(schema),
            RuleType::SeriesMissing(c) => c.params(schema),
            RuleType::StageGate(c) => c.params(schema),
        }
    }
}

/// Rule types and the placeholders each provides beyond `{id}`, `{title}`, `{kind}`.
pub const RULE_TYPES: &[(&str, &[&str])] = &[
    (
        "coverage",
        &[
            "source",
            "topics",
            "topics_clause",
            "linked_hint",
            "count",
            "min",
        ],
    ),
    ("orphan", &["target"]),
    ("measurement-scope", &["program", "program_title"]),
    ("required", &["reach"]),
    ("series-gap", &["years", "period", "as_of", "plan"]),
    (
        "series-trend",
        &["target", "trend", "last", "previous", "first"],
    ),
    ("series-lag", &["lag", "left", "period", "as_of", "plan"]),
    ("series-missing", &["series", "as_of", "plan"]),
    (
        "stage-gate",
        &["rate", "threshold", "themes", "moved_up", "stages"],
    ),
];

/// `filter = { key = "category", values = ["priority"] }`: only nodes whose `tag` or `enum`
/// key has one of the values.
#[derive(Debug, Clone)]
pub struct Filter {
    pub key: String,
    pub values: Vec<String>,
}

impl Filter {
    pub fn accepts(&self, node: &Node) -> bool {
        node.word(&self.key)
            .is_some_and(|w| self.values.iter().any(|v| v == w))
    }
}

/// Replaces `{name}` placeholders with their values.
pub(crate) fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if vars.iter().any(|(k, _)| *k == &after[..close]) => {
                let name = &after[..close];
                if let Some((_, v)) = vars.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{name}` placeholders of a template.
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRule {
    pub(crate) code: Spanned<String>,
    pub(crate) slug: Spanned<String>,
    pub(crate) severity: Spanned<String>,
    #[serde(rename = "type")]
    pub(crate) ty: Spanned<String>,
    pub(crate) message: Spanned<RawText>,
    pub(crate) help: Spanned<RawText>,
    pub(crate) why: RawText,
    pub(crate) example: String,
    pub(crate) kind: Spanned<String>,
    pub(crate) filter: Option<Spanned<RawFilter>>,
    // coverage
    pub(crate) leaves_only: Option<bool>,
    pub(crate) leaf_relation: Option<Spanned<String>>,
    pub(crate) source: Option<Spanned<String>>,
    pub(crate) relation: Option<Spanned<String>>,
    pub(crate) walk_up: Option<Vec<Spanned<String>>>,
    pub(crate) tags: Option<RawTags>,
    pub(crate) min: Option<Spanned<u32>>,
    // orphan
    pub(crate) target: Option<Vec<Spanned<String>>>,
    // measurement-scope
    pub(crate) measures: Option<Spanned<String>>,
    pub(crate) scope: Option<Spanned<String>>,
    pub(crate) walk_down: Option<Vec<Spanned<String>>>,
    // required
    pub(crate) path: Option<Vec<Spanned<String>>>,
    pub(crate) reach: Option<Spanned<String>>,
    // series-* (the plan: `plan`, `walk-up`, `period`, `as-of`)
    pub(crate) series: Option<Spanned<String>>,
    pub(crate) direction: Option<Spanned<String>>,
    pub(crate) tolerance: Option<Spanned<f64>>,
    pub(crate) lag: Option<Spanned<String>>,
    pub(crate) plan: Option<Spanned<String>>,
    pub(crate) period: Option<Spanned<String>>,
    pub(crate) as_of: Option<Spanned<String>>,
    // stage-gate
    pub(crate) project: Option<Spanned<String>>,
    pub(crate) stage_at_adoption: Option<Spanned<String>>,
    pub(crate) stage_now: Option<Spanned<String>>,
    pub(crate) threshold: Option<Spanned<f64>>,
    pub(crate) min_themes: Option<Spanned<u32>>,
    pub(crate) stages: Option<Vec<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFilter {
    pub(crate) key: String,
    pub(crate) values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTags {
    pub(crate) target: Spanned<String>,
    pub(crate) source: Spanned<String>,
}

/// Validates names against the schema, collecting ALN090 findings.
pub(crate) struct Checker<'a> {
    pub(crate) file: FileId,
    pub(crate) schema: &'a Schema,
    pub(crate) errors: Vec<Finding>,
}

impl Checker<'_> {
    pub(crate) fn kind(&mut self, name: &Spanned<String>) -> Option<KindId> {
        let id = self.schema.kind_id(name.get_ref());
        if id.is_none() {
            self.errors.push(unknown_name(
                self.file,
                name,
                "kind",
                "種類",
                self.schema.kind_names(),
            ));
        }
        id
    }

    pub(crate) fn kinds(&mut self, names: &[Spanned<String>]) -> Vec<KindId> {
        names.iter().filter_map(|n| self.kind(n)).collect()
    }

    pub(crate) fn relation(&mut self, name: &Spanned<String>) -> Option<String> {
        if self.schema.is_relation(name.get_ref()) {
            Some(name.get_ref().clone())
        } else {
            let rel = self.schema.relations();
            self.errors
                .push(unknown_name(self.file, name, "relation", "関係", rel));
            None
        }
    }

    pub(crate) fn relations(&mut self, names: &[Spanned<String>]) -> Vec<String> {
        names.iter().filter_map(|n| self.relation(n)).collect()
    }

    pub(crate) fn key(&mut self, name: &Spanned<String>) -> Option<String> {
        let keys = self.schema.all_keys();
        if keys.contains(&name.get_ref().as_str()) {
            Some(name.get_ref().clone())
        } else {
            self.errors
                .push(unknown_name(self.file, name, "key", "キー", keys));
            None
        }
    }

    /// A parameter the rule type needs but the rule lacks.
    pub(crate) fn need<'t, T>(
        &mut self,
        value: Option<&'t T>,
        rule: &RawRule,
        name: &str,
    ) -> Option<&'t T> {
        if value.is_none() {
            self.errors.push(config_error(
                self.file,
                rule.ty.span(),
                Text::new(
                    format!("rule type `{}` needs `{name}`", rule.ty.get_ref()),
                    format!("規則の型 `{}` には `{name}` が必要です", rule.ty.get_ref()),
                ),
                None,
            ));
        }
        value
    }
}

pub(super) fn load(file: FileId, text: &str, schema: &Schema) -> Result<Vec<Rule>, Vec<Finding>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| vec![toml_error(file, &e)])?;
    let mut c = Checker {
        file,
        schema,
        errors: Vec::new(),
    };
    let mut rules = Vec::new();
    let mut seen: HashMap<String, std::ops::Range<usize>> = HashMap::new();
    for r in raw.rule {
        for name in [&r.code, &r.slug] {
            let key = name.get_ref().to_ascii_lowercase();
            if seen.contains_key(&key) || code::lookup(&key).is_some() {
                c.errors.push(config_error(
                    file,
                    name.span(),
                    Text::new(
                        format!(
                            "`{}` is already used by another rule or a built-in code",
                            name.get_ref()
                        ),
                        format!(
                            "`{}` は他の規則または組み込みのコードで使われています",
                            name.get_ref()
                        ),
                    ),
                    Some(Text::new(
                        "give every rule its own code and slug",
                        "規則ごとに固有のコードとスラッグを付けてください",
                    )),
                ));
            } else {
                seen.insert(key, name.span());
            }
        }
        let code_ok = {
            let s = r.code.get_ref();
            s.len() == 6
                && s.strip_prefix("ALN")
                    .is_some_and(|d| d.chars().all(|ch| ch.is_ascii_digit()))
        };
        if !code_ok {
            c.errors.push(config_error(
                file,
                r.code.span(),
                Text::new(
                    "a rule code is `ALN` and three digits",
                    "規則のコードは `ALN` と3桁の数字です",
                ),
                None,
            ));
        }
        if !r
            .slug
            .get_ref()
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
            || r.slug.get_ref().is_empty()
        {
            c.errors.push(config_error(
                file,
                r.slug.span(),
                Text::new(
                    "a slug is kebab-case: lower-case letters, digits and `-`",
                    "スラッグは小文字・数字・`-` で書きます",
                ),
                None,
            ));
        }
        let severity = Severity::parse(r.severity.get_ref()).unwrap_or_else(|| {
            c.errors.push(unknown_name(
                file,
                &r.severity,
                "severity",
                "重大度",
                ["error", "warning", "info"],
            ));
            Severity::Error
        });
        let kind = c.kind(&r.kind);
        let filter = r.filter.as_ref().map(|f| {
            let key = Spanned::new(f.span(), f.get_ref().key.clone());
            c.key(&key);
            Filter {
                key: f.get_ref().key.clone(),
                values: f.get_ref().values.clone(),
            }
        });
        let check = match (r.ty.get_ref().as_str(), kind) {
            ("coverage", Some(kind)) => Coverage::from_rule(kind, &r, &mut c),
            ("orphan", Some(kind)) => Orphan::from_rule(kind, &r, &mut c),
            ("measurement-scope", Some(kind)) => MeasurementScope::from_rule(kind, &r, &mut c),
            ("required", Some(kind)) => Required::from_rule(kind, &r, &mut c),
            ("series-gap", Some(kind)) => SeriesGap::from_rule(kind, &r, &mut c),
            ("series-trend", Some(kind)) => SeriesTrend::from_rule(kind, &r, &mut c),
            ("series-lag", Some(kind)) => SeriesLag::from_rule(kind, &r, &mut c),
            ("series-missing", Some(kind)) => SeriesMissing::from_rule(kind, &r, &mut c),
            ("stage-gate", Some(kind)) => StageGate::from_rule(kind, &r, &mut c),
            (_, None) => None,
            (_, Some(_)) => {
                c.errors.push(unknown_name(
                    file,
                    &r.ty,
                    "rule type",
                    "規則の型",
                    RULE_TYPES.iter().map(|(t, _)| *t),
                ));
                None
            }
        };
        let provided: Vec<&str> = RULE_TYPES
            .iter()
            .find(|(t, _)| t == r.ty.get_ref())
            .map(|(_, p)| p.to_vec())
            .unwrap_or_default();
        let available = ["id", "title", "kind"]
            .iter()
            .chain(provided.iter())
            .map(|p| format!("{{{p}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        for text in [&r.message, &r.help] {
            let mut unknown: Vec<&str> = [&text.get_ref().en, &text.get_ref().ja]
                .into_iter()
                .flat_map(|t| placeholders(t))
                .filter(|p| !["id", "title", "kind"].contains(p) && !provided.contains(p))
                .collect();
            unknown.sort_unstable();
            unknown.dedup();
            {
                for p in unknown {
                    {
                        c.errors.push(config_error(
                            file,
                            text.span(),
                            Text::new(
                                format!(
                                    "placeholder `{{{p}}}` is not provided by rule type `{}`",
                                    r.ty.get_ref()
                                ),
                                format!(
                                    "プレースホルダー `{{{p}}}` は規則の型 `{}` では使えません",
                                    r.ty.get_ref()
                                ),
                            ),
                            Some(Text::new(
                                format!("available: {available}"),
                                format!("使えるもの: {available}"),
                            )),
                        ));
                    }
                }
            }
            if text.get_ref().en.trim().is_empty() || text.get_ref().ja.trim().is_empty() {
                c.errors.push(config_error(
                    file,
                    text.span(),
                    Text::new(
                        "both `en` and `ja` texts are required",
                        "`en` と `ja` の両方の文が必要です",
                    ),
                    None,
                ));
            }
        }
        if let Some(check) = check {
            rules.push(Rule {
                code: r.code.into_inner(),
                slug: r.slug.into_inner(),
                severity,
                message: r.message.into_inner().into_text(),
                help: r.help.into_inner().into_text(),
                why: r.why.into_text(),
                example: r.example.trim().to_owned(),
                type_name: r.ty.into_inner(),
                check,
                filter,
            });
        }
    }
    if c.errors.is_empty() {
        rules.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(rules)
    } else {
        Err(c.errors)
    }
}

/// The plan a series rule reads its period from: `plan`, `walk-up`, `period`, `as-of`.
pub(crate) fn plan_keys(r: &RawRule, c: &mut Checker<'_>) -> Option<PlanKeys> {
    let kind = c.need(r.plan.as_ref(), r, "plan").and_then(|s| c.kind(s));
    let period = c
        .need(r.period.as_ref(), r, "period")
        .and_then(|s| c.key(s));
    let as_of = c.need(r.as_of.as_ref(), r, "as-of").and_then(|s| c.key(s));
    let walk_up = r
        .walk_up
        .as_deref()
        .map(|w| c.relations(w))
        .unwrap_or_default();
    Some(PlanKeys {
        kind: kind?,
        walk_up,
        period: period?,
        as_of: as_of?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders_only() {
        let vars = [("id", "I1".to_owned())];
        assert_eq!(fill("item {id} {nope} {", &vars), "item I1 {nope} {");
    }

    fn load_rules(toml: &str) -> Result<Vec<Rule>, Vec<Finding>> {
        let schema = Schema::load(FileId(0), crate::rules::DEFAULT_SCHEMA)
            .unwrap_or_else(|e| panic!("{e:?}"));
        load(FileId(1), toml, &schema)
    }

    const STAGE_GATE: &str = r#"
[[rule]]
code = "ALN900"
slug = "x"
severity = "warning"
type = "stage-gate"
kind = "program"
project = "project"
relation = "program"
stage-at-adoption = "stage-at-adoption"
stage-now = "stage-now"
threshold = THRESHOLD
message = { en = "{rate} {threshold}", ja = "{rate} {threshold}" }
help = { en = "h", ja = "h" }
why = { en = "w", ja = "w" }
example = ""
"#;

    #[test]
    fn a_stage_gate_rule_loads_with_its_parameters() {
        let rules = load_rules(&STAGE_GATE.replace("THRESHOLD", "20")).unwrap();
        let RuleType::StageGate(g) = &rules[0].check else {
            panic!("{:?}", rules[0].check);
        };
        assert!((g.threshold - 20.0).abs() < f64::EPSILON);
        assert_eq!(g.min_themes, 1);
        assert!(g.stages.is_empty());
    }

    #[test]
    fn a_threshold_outside_0_to_100_is_a_config_error() {
        let errs = load_rules(&STAGE_GATE.replace("THRESHOLD", "150.0")).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.en.contains("threshold"), "{:?}", errs[0]);
    }

    #[test]
    fn a_series_rule_without_its_plan_keys_is_a_config_error() {
        let toml = r#"
[[rule]]
code = "ALN900"
slug = "x"
severity = "warning"
type = "series-gap"
kind = "kpi"
series = "series"
message = { en = "{years}", ja = "{years}" }
help = { en = "h", ja = "h" }
why = { en = "w", ja = "w" }
example = ""
"#;
        let errs = load_rules(toml).unwrap_err();
        let msgs: Vec<&str> = errs.iter().map(|e| e.message.en.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "rule type `series-gap` needs `plan`",
                "rule type `series-gap` needs `period`",
                "rule type `series-gap` needs `as-of`",
            ]
        );
    }

    #[test]
    fn a_placeholder_of_another_series_rule_type_is_a_config_error() {
        let toml = r#"
[[rule]]
code = "ALN900"
slug = "x"
severity = "warning"
type = "series-trend"
kind = "kpi"
series = "series"
direction = "target"
message = { en = "{years}", ja = "{years}" }
help = { en = "h", ja = "h" }
why = { en = "w", ja = "w" }
example = ""
"#;
        let errs = load_rules(toml).unwrap_err();
        assert!(errs[0].message.en.contains("{years}"), "{:?}", errs[0]);
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("a {id} b {x_y} {"), vec!["id", "x_y"]);
    }
}
