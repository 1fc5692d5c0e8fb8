//! Rules as data: `rules.toml` parsed and validated into [`Rule`]s, each an instance of one
//! rule type with its parameters.

use super::registry::struct_fields;
use super::{RuleType, RULE_TYPES};
use crate::diag::{code, Code, Finding, Severity, Text};
use crate::model::schema::{config_error, toml_error, unknown_name};
use crate::model::{KeyId, KindId, Node, Schema};
use crate::source::FileId;
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// One rule: identity, texts, and what it checks.
#[derive(Debug)]
pub struct Rule {
    pub code: Code,
    pub slug: Code,
    pub severity: Severity,
    /// The finding's message and help: templates with placeholders, filled per finding.
    pub message: Text,
    pub help: Text,
    /// What the rule reports and how to fix it, in general: prose without placeholders, for
    /// `align explain`, `align rules`, docs/rules.md and SARIF's rule descriptions.
    pub summary: Text,
    pub fix: Text,
    pub why: Text,
    pub example: String,
    /// Whether the rule runs unless `align.toml` or `--select` names it (`enabled = false` in
    /// rules.toml makes a rule opt-in).
    pub default_on: bool,
    /// Whether it runs in this run: `default_on`, or switched on by the configuration or the
    /// command line (`engine`).
    pub on: bool,
    /// The rule type's name as written in `rules.toml`.
    pub type_name: String,
    pub check: RuleType,
    pub filter: Option<Filter>,
}

/// `filter = { key = "category", values = ["priority"] }`: only nodes whose `tag` or `enum`
/// key has one of the values.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The key's name, as written.
    pub key: String,
    pub key_id: KeyId,
    pub values: Vec<String>,
}

impl Filter {
    pub fn accepts(&self, node: &Node) -> bool {
        node.word(self.key_id)
            .is_some_and(|w| self.values.iter().any(|v| v == w))
    }
}

/// Replaces `{name}` placeholders with their values (see [`crate::diag::message::fill`]).
pub(crate) fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    crate::diag::message::fill(template, |name| {
        vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    })
}

/// The `{name}` placeholders of a template: the names filling looks up that are identifiers.
fn placeholders(template: &str) -> Vec<&str> {
    crate::diag::message::names(template)
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect()
}

/// A template as rule-level prose, for a rule set that gives no `summary` or `fix`: each
/// placeholder becomes `…`.
fn without_placeholders(template: &Text) -> Text {
    let strip = |t: &str| {
        let mut out = t.to_owned();
        for p in placeholders(t) {
            out = out.replace(&format!("{{{p}}}"), "…");
        }
        out
    };
    Text::new(strip(&template.en), strip(&template.ja))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

/// The keys every rule has, whatever its type; every other key is a parameter of its type.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRule {
    pub(crate) code: Spanned<String>,
    pub(crate) slug: Spanned<String>,
    pub(crate) severity: Spanned<String>,
    #[serde(rename = "type")]
    pub(crate) ty: Spanned<String>,
    pub(crate) message: Spanned<Text>,
    pub(crate) help: Spanned<Text>,
    pub(crate) summary: Option<Spanned<Text>>,
    pub(crate) fix: Option<Spanned<Text>>,
    pub(crate) why: Text,
    pub(crate) example: String,
    pub(crate) enabled: Option<bool>,
    pub(crate) kind: Spanned<String>,
    pub(crate) filter: Option<Spanned<RawFilter>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFilter {
    pub(crate) key: String,
    pub(crate) values: Vec<String>,
}

/// Validates names against the schema, collecting ALN090 findings.
pub(crate) struct Checker<'a> {
    pub(crate) file: FileId,
    pub(crate) schema: &'a Schema,
    pub(crate) errors: Vec<Finding>,
    /// The type of the rule being read, and the span of its name.
    rule_type: String,
    type_span: Range<usize>,
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

    pub(crate) fn relation(&mut self, name: &Spanned<String>) -> Option<KeyId> {
        if self.schema.is_relation(name.get_ref()) {
            self.schema.key_id(name.get_ref())
        } else {
            let rel = self.schema.relations();
            self.errors
                .push(unknown_name(self.file, name, "relation", "関係", rel));
            None
        }
    }

    pub(crate) fn relations(&mut self, names: &[Spanned<String>]) -> Vec<KeyId> {
        names.iter().filter_map(|n| self.relation(n)).collect()
    }

    pub(crate) fn key(&mut self, name: &Spanned<String>) -> Option<KeyId> {
        let id = self.schema.key_id(name.get_ref());
        if id.is_none() {
            let keys = self.schema.all_keys();
            self.errors
                .push(unknown_name(self.file, name, "key", "キー", keys));
        }
        id
    }

    /// A parameter the rule type needs but the rule lacks.
    pub(crate) fn need<'t, T>(&mut self, value: Option<&'t T>, name: &str) -> Option<&'t T> {
        if value.is_none() {
            let ty = &self.rule_type;
            let f = config_error(
                self.file,
                self.type_span.clone(),
                Text::new(
                    format!("rule type `{ty}` needs `{name}`"),
                    format!("規則の型 `{ty}` には `{name}` が必要です"),
                ),
                None,
            );
            self.errors.push(f);
        }
        value
    }

    /// An error about the rule as a whole, at its `type`.
    pub(crate) fn rule_error(&mut self, message: Text) {
        let f = config_error(self.file, self.type_span.clone(), message, None);
        self.errors.push(f);
    }

    /// An error at one parameter's value.
    pub(crate) fn error_at(&mut self, span: Range<usize>, message: Text) {
        self.errors
            .push(config_error(self.file, span, message, None));
    }
}

/// Splits each `[[rule]]` table into the keys common to every rule (left in place) and the
/// parameters of its type (returned, one table per rule in order), so that the common keys keep
/// their own errors and each rule type judges its own parameters.
fn split_params<'i>(root: &mut DeTable<'i>) -> Vec<Spanned<DeTable<'i>>> {
    let common = struct_fields::<RawRule>();
    let mut params = Vec::new();
    let Some(DeValue::Array(rules)) = root.get_mut("rule").map(Spanned::get_mut) else {
        return params;
    };
    for rule in rules.iter_mut() {
        let span = rule.span();
        let mut own = DeTable::new();
        if let DeValue::Table(table) = rule.get_mut() {
            let keys: Vec<_> = table
                .keys()
                .filter(|k| !common.contains(&k.get_ref().as_ref()))
                .cloned()
                .collect();
            for k in keys {
                if let Some((k, v)) = table.remove_entry(k.get_ref().as_ref()) {
                    own.insert(k, v);
                }
            }
        }
        params.push(Spanned::new(span, own));
    }
    params
}

#[expect(
    clippy::too_many_lines,
    reason = "every check of a rule's common keys, each with its own finding"
)]
pub(super) fn load(file: FileId, text: &str, schema: &Schema) -> Result<Vec<Rule>, Vec<Finding>> {
    let mut root = DeTable::parse(text).map_err(|e| vec![toml_error(file, &e)])?;
    let params = split_params(root.get_mut());
    let raw = RawFile::deserialize(toml::de::Deserializer::from(root))
        .map_err(|e| vec![toml_error(file, &e)])?;
    let mut c = Checker {
        file,
        schema,
        errors: Vec::new(),
        rule_type: String::new(),
        type_span: 0..0,
    };
    let mut rules = Vec::new();
    let mut seen: HashMap<String, std::ops::Range<usize>> = HashMap::new();
    for (r, params) in raw.rule.into_iter().zip(params) {
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
        // An unknown key is an error, which fails the whole rule set.
        let filter = r.filter.as_ref().and_then(|f| {
            let key = Spanned::new(f.span(), f.get_ref().key.clone());
            Some(Filter {
                key_id: c.key(&key)?,
                key: f.get_ref().key.clone(),
                values: f.get_ref().values.clone(),
            })
        });
        c.rule_type.clone_from(r.ty.get_ref());
        c.type_span = r.ty.span();
        let check = kind.and_then(|kind| {
            RuleType::build(r.ty.get_ref(), kind, params, &mut c).unwrap_or_else(|| {
                c.errors.push(unknown_name(
                    file,
                    &r.ty,
                    "rule type",
                    "規則の型",
                    RULE_TYPES.iter().map(|t| t.name),
                ));
                None
            })
        });
        let provided: &[&str] = RULE_TYPES
            .iter()
            .find(|t| t.name == r.ty.get_ref())
            .map_or(&[], |t| t.placeholders);
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
        for text in [&r.summary, &r.fix].into_iter().flatten() {
            let mut found: Vec<&str> = [&text.get_ref().en, &text.get_ref().ja]
                .into_iter()
                .flat_map(|t| placeholders(t))
                .collect();
            found.dedup();
            if let Some(p) = found.first() {
                c.errors.push(config_error(
                    file,
                    text.span(),
                    Text::new(
                        format!("placeholder `{{{p}}}` in a rule-level text"),
                        format!("規則全体の文にプレースホルダー `{{{p}}}` があります"),
                    ),
                    Some(Text::new(
                        "`summary` and `fix` describe the rule without a finding: write them as prose, without placeholders",
                        "`summary` と `fix` は個々の指摘なしに規則を説明する文です。プレースホルダーを使わずに書いてください",
                    )),
                ));
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
            let message = r.message.into_inner();
            let help = r.help.into_inner();
            let default_on = r.enabled.unwrap_or(true);
            rules.push(Rule {
                code: Code::new(r.code.get_ref()),
                slug: Code::new(r.slug.get_ref()),
                severity,
                summary: r
                    .summary
                    .map_or_else(|| without_placeholders(&message), Spanned::into_inner),
                fix: r
                    .fix
                    .map_or_else(|| without_placeholders(&help), Spanned::into_inner),
                message,
                help,
                why: r.why,
                default_on,
                on: default_on,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_placeholders_only() {
        let vars = [("id", "I1")];
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
        assert!(errs[0].message.en().contains("threshold"), "{:?}", errs[0]);
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
        let msgs: Vec<String> = errs.iter().map(|e| e.message.en().into_owned()).collect();
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
        assert!(errs[0].message.en().contains("{years}"), "{:?}", errs[0]);
    }

    const COVERAGE: &str = r#"
[[rule]]
code = "ALN900"
slug = "x"
severity = "warning"
type = "coverage"
kind = "item"
source = "program"
relation = "covers"
EXTRA
message = { en = "m", ja = "m" }
help = { en = "h", ja = "h" }
why = { en = "w", ja = "w" }
example = ""
"#;

    #[test]
    fn a_parameter_of_another_rule_type_is_a_config_error_at_its_key() {
        let toml = COVERAGE.replace("EXTRA", "threshold = 50.0");
        let errs = load_rules(&toml).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert_eq!(&toml[e.span.range()], "threshold");
        assert_eq!(
            e.message.en(),
            "rule type `coverage` has no parameter `threshold`"
        );
        let help = &e.help.as_ref().unwrap().en();
        assert!(
            help.starts_with("`threshold` is a parameter of `stage-gate`;"),
            "{help}"
        );
    }

    #[test]
    fn a_misspelt_parameter_gets_a_did_you_mean_over_its_own_type() {
        let toml = COVERAGE.replace("EXTRA", "walk-upp = [\"parent\"]");
        let errs = load_rules(&toml).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(&toml[errs[0].span.range()], "walk-upp");
        assert_eq!(
            errs[0].help.as_ref().unwrap().en(),
            "did you mean `walk-up`?"
        );
    }

    #[test]
    fn rule_level_texts_are_prose_and_fall_back_to_the_templates() {
        let toml = COVERAGE.replace("EXTRA", "").replace(
            "{ en = \"m\", ja = \"m\" }",
            "{ en = \"item {id} is bare\", ja = \"{id} がない\" }",
        );
        let rules = load_rules(&toml).unwrap();
        assert_eq!(rules[0].summary, Text::new("item … is bare", "… がない"));
        assert_eq!(rules[0].fix, Text::new("h", "h"));
        assert!(rules[0].default_on && rules[0].on);
        let given = COVERAGE.replace(
            "EXTRA",
            "summary = { en = \"an item\", ja = \"事項\" }\nfix = { en = \"Cover it.\", ja = \"対象に。\" }\nenabled = false",
        );
        let rules = load_rules(&given).unwrap();
        assert_eq!(rules[0].summary, Text::new("an item", "事項"));
        assert_eq!(rules[0].fix, Text::new("Cover it.", "対象に。"));
        assert!(!rules[0].default_on && !rules[0].on);
    }

    #[test]
    fn a_placeholder_in_a_rule_level_text_is_a_config_error_at_it() {
        let toml = COVERAGE.replace("EXTRA", "summary = { en = \"item {id}\", ja = \"事項\" }");
        let errs = load_rules(&toml).unwrap_err();
        assert_eq!(errs.len(), 1);
        let e = &errs[0];
        assert_eq!(
            &toml[e.span.range()],
            "{ en = \"item {id}\", ja = \"事項\" }"
        );
        assert_eq!(e.message.en(), "placeholder `{id}` in a rule-level text");
    }

    #[test]
    fn a_parameter_of_the_wrong_shape_is_a_config_error_at_its_value() {
        let toml = COVERAGE.replace("EXTRA", "min = \"two\"");
        let errs = load_rules(&toml).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(&toml[errs[0].span.range()], "\"two\"");
    }

    #[test]
    fn every_registered_type_has_a_unique_name_and_its_parameters() {
        let mut names: Vec<&str> = RULE_TYPES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULE_TYPES.len());
        for t in RULE_TYPES {
            assert!(!t.params().is_empty(), "{}", t.name);
            // Parameters never shadow the keys every rule has.
            let common = struct_fields::<RawRule>();
            assert!(t.params().iter().all(|p| !common.contains(p)), "{}", t.name);
        }
        let coverage = RULE_TYPES.iter().find(|t| t.name == "coverage").unwrap();
        assert!(coverage.params().contains(&"leaves-only"));
    }

    #[test]
    fn placeholders_are_found() {
        assert_eq!(placeholders("a {id} b {x_y} {"), vec!["id", "x_y"]);
    }
}
