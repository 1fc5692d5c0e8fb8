//! The rule engine: a rule set (`schema.toml` + `rules.toml`, embedded or from `--rules DIR`),
//! the closed set of rule types (one file each), the runner and waivers.
//!
//! Fourth stage of the pipeline: reads the model, produces findings.

mod knock_on;
mod registry;
mod series;
mod spec;
#[cfg(test)]
mod testing;
mod waiver;

pub use knock_on::hold_back;
pub use registry::RuleTypeInfo;
pub use required::Step;
pub use spec::{Filter, Rule};

/// Declares every rule type once: its module (one file per type, implementing
/// [`registry::RuleKind`]), its variant of [`RuleType`], and its entry in [`RULE_TYPES`].
macro_rules! rule_types {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        $(mod $module; pub use $module::$ty;)*

        /// The closed set of rule types: one variant per registered type.
        #[derive(Debug)]
        pub enum RuleType {
            $($ty($ty)),*
        }

        impl RuleType {
            /// Runs the check on the model, adding its findings to `out`.
            pub(crate) fn run(&self, ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
                match self {
                    $(RuleType::$ty(r) => registry::RuleKind::run(r, ctx, out)),*
                }
            }

            /// The rule's parameters, as `align explain` and docs/rules.md show them.
            pub fn params(&self, schema: &Schema) -> Vec<(String, String)> {
                match self {
                    $(RuleType::$ty(r) => registry::RuleKind::params_doc(r, schema)),*
                }
            }

            /// Builds a rule of the type named `name` from its parameters; `None` when no
            /// type has that name, `Some(None)` when the parameters are invalid.
            pub(crate) fn build(
                name: &str,
                kind: crate::model::KindId,
                params: toml::Spanned<toml::de::DeTable<'_>>,
                c: &mut spec::Checker<'_>,
            ) -> Option<Option<RuleType>> {
                $(
                    if name == <$ty as registry::RuleKind>::NAME {
                        return Some(registry::build::<$ty>(kind, params, c).map(RuleType::$ty));
                    }
                )*
                None
            }
        }

        /// Every rule type: its name, its placeholders and its parameters.
        pub const RULE_TYPES: &[RuleTypeInfo] = &[$(RuleTypeInfo::of::<$ty>()),*];
    };
}

// The registry. A new rule type: its file, one line here, its rules in rules.toml, a fixture.
rule_types! {
    coverage::Coverage,
    orphan::Orphan,
    measurement_scope::MeasurementScope,
    required::Required,
    series_gap::SeriesGap,
    series_trend::SeriesTrend,
    series_lag::SeriesLag,
    series_missing::SeriesMissing,
    stage_gate::StageGate,
    plan_period::PlanPeriod,
    plan_end::PlanEnd,
    series_period::SeriesPeriod,
    series_units::SeriesUnits,
}

use crate::base::timing;
use crate::diag::{Finding, Text};
use crate::model::{Model, NodeIx, Schema};
use crate::source::{self, FileId, SourceFile, SourceKind, SourceSet};
use crate::syntax::ast::Date;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The default rule set, embedded in the binary.
pub const DEFAULT_SCHEMA: &str = include_str!("../../rules/basic-plan/schema.toml");
pub const DEFAULT_RULES: &str = include_str!("../../rules/basic-plan/rules.toml");
const DEFAULT_DIR: &str = "<builtin>/rules/basic-plan";

/// A loaded rule set: its schema and its rules.
#[derive(Debug)]
pub struct RuleSet {
    pub schema: Schema,
    pub rules: Vec<Rule>,
}

/// Why a rule set could not be loaded.
#[derive(Debug)]
pub enum RuleSetError {
    /// The directory or a file in it cannot be read (exit 2, no findings).
    Io(String),
    /// The TOML is invalid: ALN090 findings with spans into the registered config sources.
    Invalid(Vec<Finding>),
}

impl RuleSet {
    /// Loads the embedded default set, registering its files in `sources` for spans.
    pub fn embedded(sources: &mut SourceSet) -> Result<RuleSet, RuleSetError> {
        RuleSet::from_texts(DEFAULT_DIR, DEFAULT_SCHEMA, DEFAULT_RULES, sources)
    }

    /// Loads a rule set from the texts of its `schema.toml` and `rules.toml`, registered in
    /// `sources` as `DIR/schema.toml` and `DIR/rules.toml` (the embedded set; fuzzing).
    pub fn from_texts(
        dir: &str,
        schema: &str,
        rules: &str,
        sources: &mut SourceSet,
    ) -> Result<RuleSet, RuleSetError> {
        let s = config(sources, &format!("{dir}/schema.toml"), schema);
        let r = config(sources, &format!("{dir}/rules.toml"), rules);
        RuleSet::from_sources(sources, s, r)
    }

    /// Loads `DIR/schema.toml` and `DIR/rules.toml`.
    pub fn from_dir(dir: &Path, sources: &mut SourceSet) -> Result<RuleSet, RuleSetError> {
        if !dir.is_dir() {
            return Err(RuleSetError::Io(format!(
                "{}: not a rule set directory (expected schema.toml and rules.toml in it)",
                source::display(dir)
            )));
        }
        let read = |name: &str| -> Result<(String, PathBuf), RuleSetError> {
            let path = dir.join(name);
            source::read_text(&path, source::FileKind::RuleSet)
                .map(|t| (t, path.clone()))
                .map_err(|e| {
                    RuleSetError::Io(format!("{}: cannot read: {e}", source::display(&path)))
                })
        };
        let (schema_text, schema_path) = read("schema.toml")?;
        let (rules_text, rules_path) = read("rules.toml")?;
        let s = config(sources, &source::display(&schema_path), &schema_text);
        let r = config(sources, &source::display(&rules_path), &rules_text);
        RuleSet::from_sources(sources, s, r)
    }

    fn from_sources(
        sources: &SourceSet,
        schema: FileId,
        rules: FileId,
    ) -> Result<RuleSet, RuleSetError> {
        let schema =
            Schema::load(schema, &sources.get(schema).text).map_err(RuleSetError::Invalid)?;
        let rules =
            spec::load(rules, &sources.get(rules).text, &schema).map_err(RuleSetError::Invalid)?;
        Ok(RuleSet { schema, rules })
    }

    /// The rule with this code or slug (case-insensitive).
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(name) || r.slug.eq_ignore_ascii_case(name))
    }

    /// Runs every rule on the model, then applies waivers judged against `today`.
    pub fn run(&self, model: &Model, today: Date) -> Vec<Finding> {
        self.run_selected(model, today, &|rule| rule.on)
    }

    /// Runs the rules for which `on` holds (a caller that shares one rule set between runs
    /// with different configurations decides here instead of through `Rule::on`).
    pub fn run_selected(
        &self,
        model: &Model,
        today: Date,
        on: &(dyn Fn(&Rule) -> bool + Sync),
    ) -> Vec<Finding> {
        // Rules are independent: run them in parallel, keeping their order in the result.
        let paths = PathMemo::new(model);
        let per_rule: Vec<Vec<Finding>> = self
            .rules
            .par_iter()
            .filter(|rule| on(rule))
            .map(|rule| {
                let ctx = Ctx {
                    model,
                    rule,
                    paths: &paths,
                };
                let mut out = Vec::new();
                timing::time(&rule.code, || rule.check.run(&ctx, &mut out));
                out
            })
            .collect();
        let mut findings = timing::time("waivers", || {
            let mut all = Vec::with_capacity(per_rule.iter().map(Vec::len).sum());
            for rule in per_rule {
                all.extend(rule);
            }
            waiver::apply(self, model, all, today)
        });
        // A rule finding on a declaration with a syntax error is a consequence of that error
        // (each finding's node is looked up only when some declaration has one).
        if model.nodes.iter().any(|n| n.recovered) {
            findings.retain(|f| {
                let recovered = f
                    .nodes
                    .first()
                    .and_then(|id| model.get(id))
                    .is_some_and(|n| model.node(n).recovered);
                !recovered
                    || (crate::diag::code::lookup(&f.code).is_some()
                        && f.code != crate::diag::code::UNUSED_WAIVER.code)
            });
        }
        findings
    }
}

fn config(sources: &mut SourceSet, name: &str, text: &str) -> FileId {
    sources.add(SourceFile::new(
        name.to_owned(),
        PathBuf::from(name),
        SourceKind::Config,
        text.to_owned(),
        true,
    ))
}

/// `n` and its ancestors through `relations`, breadth first (the order of
/// `Graph::ancestors`, with `n` first), into `chain`, reusing the caller's buffers: a node is
/// in the chain when its mark is `stamp` (a number the caller changes for each node it walks
/// from, so the marks are never cleared).
pub(crate) fn walk_up(
    model: &Model,
    n: NodeIx,
    relations: &[crate::model::KeyId],
    chain: &mut Vec<NodeIx>,
    marks: &mut [u32],
    stamp: u32,
) {
    chain.clear();
    chain.push(n);
    marks[n.index()] = stamp;
    let mut i = 0;
    while i < chain.len() {
        let cur = chain[i];
        i += 1;
        for &rel in relations {
            for (up, _) in model.graph.outgoing(cur, rel) {
                if marks[up.index()] != stamp {
                    marks[up.index()] = stamp;
                    chain.push(up);
                }
            }
        }
    }
}

/// Whether a node of `kind` points at `n` through `relation`: with a rule's `leaf-relation`,
/// such an `n` is not a leaf and is not judged (`None`: every node is a leaf).
pub(crate) fn has_child(
    model: &Model,
    n: NodeIx,
    relation: Option<crate::model::KeyId>,
    kind: crate::model::KindId,
) -> bool {
    relation.is_some_and(|rel| {
        model
            .graph
            .incoming(n, rel)
            .any(|(m, _)| model.node(m).kind == kind)
    })
}

/// What a rule type sees while it runs.
pub(crate) struct Ctx<'a> {
    pub(crate) model: &'a Model,
    pub(crate) rule: &'a Rule,
    /// The plan-path notes of the run, shared by every rule.
    paths: &'a PathMemo,
}

/// The plan-path note of each node, walked at most once per node in a run (rules run in
/// parallel and a node often has findings from several rules) and cloned into each finding.
struct PathMemo {
    notes: Vec<OnceLock<Option<Arc<Text>>>>,
    /// How many times the path walk ran (the work-counting test reads it).
    #[cfg(test)]
    walks: std::sync::atomic::AtomicUsize,
}

impl PathMemo {
    fn new(model: &Model) -> Self {
        PathMemo {
            notes: model.nodes.iter().map(|_| OnceLock::new()).collect(),
            #[cfg(test)]
            walks: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn note(&self, model: &Model, n: NodeIx) -> Option<&Arc<Text>> {
        self.notes[n.index()]
            .get_or_init(|| {
                #[cfg(test)]
                self.walks
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                plan_path(model, n).map(Arc::new)
            })
            .as_ref()
    }
}

impl Ctx<'_> {
    /// Nodes of the rule's kind that pass its filter.
    pub(crate) fn targets(&self, kind: crate::model::KindId) -> Vec<NodeIx> {
        self.model
            .nodes_of(kind)
            .filter(|&n| {
                self.rule
                    .filter
                    .as_ref()
                    .is_none_or(|f| f.accepts(self.model.node(n)))
            })
            .collect()
    }

    /// A finding of this rule on node `n`, at its declaration header, with the message and help
    /// filled from `vars` (plus `id`, `title`, `kind`) and the plan path as a note.
    pub(crate) fn finding(&self, n: NodeIx, vars: &[(&str, Text)]) -> Finding {
        let vars: Vec<(&str, &str, &str)> = vars
            .iter()
            .map(|(k, v)| (*k, v.en.as_str(), v.ja.as_str()))
            .collect();
        self.finding_with(n, &vars)
    }

    /// [`Ctx::finding`] with borrowed values: `(name, English, Japanese)`.
    pub(crate) fn finding_with(&self, n: NodeIx, vars: &[(&str, &str, &str)]) -> Finding {
        let node = self.model.node(n);
        let label = self.model.schema.label(node.kind);
        // The values are borrowed: only the filled message and help are allocated.
        let builtin = [
            ("id", node.id.as_str(), node.id.as_str()),
            ("title", node.title_or_id(), node.title_or_id()),
            ("kind", label.en.as_str(), label.ja.as_str()),
        ];
        let mut en: Vec<(&str, &str)> = Vec::with_capacity(builtin.len() + vars.len());
        let mut ja: Vec<(&str, &str)> = Vec::with_capacity(builtin.len() + vars.len());
        for &(k, e, j) in builtin.iter().chain(vars) {
            en.push((k, e));
            ja.push((k, j));
        }
        let fill = |t: &Text| Text::new(spec::fill(&t.en, &en), spec::fill(&t.ja, &ja));
        let mut f = Finding::new(
            &self.rule.code,
            &self.rule.slug,
            self.rule.severity,
            node.header,
            fill(&self.rule.message),
        )
        .with_help(fill(&self.rule.help))
        .with_node(node.id.as_str());
        if let Some(path) = self.paths.note(self.model, n) {
            f = f.with_note(Arc::clone(path));
        }
        f
    }
}

/// `plan path: V1 “…” → G1.3 “…” → I1.3.2 “…” → I1.3.2.a` following the schema's hierarchy.
fn plan_path(model: &Model, n: NodeIx) -> Option<Text> {
    let hierarchy = model.schema.hierarchy_ids();
    if hierarchy.is_empty() {
        return None;
    }
    let mut chain = vec![n];
    let mut cur = n;
    // Each step takes the first hierarchy relation the node has; a node seen before ends a
    // cycle (the chain is at most 16 long: a scan of it is cheaper than a hash set).
    'up: while chain.len() < 16 {
        for &rel in hierarchy {
            if let Some((up, _)) = model.graph.outgoing(cur, rel).next() {
                if chain.contains(&up) {
                    break 'up;
                }
                chain.push(up);
                cur = up;
                continue 'up;
            }
        }
        break;
    }
    if chain.len() < 2 {
        return None;
    }
    chain.reverse();
    // Titles in the language's quotes: “…” in English, 「…」 in Japanese.
    let part = |i: NodeIx, open: &str, close: &str| {
        let node = model.node(i);
        match &node.title {
            Some(t) if i != n && i != chain[0] && !t.is_empty() => {
                format!("{} {open}{t}{close}", node.id)
            }
            _ => node.id.clone(),
        }
    };
    let en: Vec<String> = chain.iter().map(|&i| part(i, "“", "”")).collect();
    let ja: Vec<String> = chain.iter().map(|&i| part(i, "「", "」")).collect();
    Some(Text::new(
        format!("plan path: {}", en.join(" → ")),
        format!("計画上の位置: {}", ja.join(" → ")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_rule_set_loads() {
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(set.rule("aln101").is_some());
        assert!(set.rule("Item-Without-Program").is_some());
        assert_eq!(sources.len(), 2);
    }

    #[test]
    fn the_plan_path_is_walked_once_per_node_however_many_findings_it_has() {
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
goal G2 "h" { policy V1 }
"#;
        let (ast, errors) = crate::syntax::parse(FileId(9), spec);
        assert!(errors.is_empty(), "{errors:?}");
        let (nodes, errors) = crate::model::lower(&set.schema, ast);
        assert!(errors.is_empty(), "{errors:?}");
        let (model, errors) = Model::assemble(set.schema.clone(), vec![(FileId(9), nodes)]);
        assert!(errors.is_empty(), "{errors:?}");
        let paths = PathMemo::new(&model);
        let all: Vec<NodeIx> = (0..model.nodes.len())
            .filter_map(|i| model.get(&model.nodes[i].id))
            .collect();
        assert_eq!(all.len(), 4);
        // Three rules, three findings each on every node: twelve walks without the memo.
        for rule in set.rules.iter().take(3) {
            let ctx = Ctx {
                model: &model,
                rule,
                paths: &paths,
            };
            for &n in &all {
                for _ in 0..3 {
                    let f = ctx.finding(n, &[]);
                    assert_eq!(
                        f.notes,
                        plan_path(&model, n)
                            .map(Arc::new)
                            .into_iter()
                            .collect::<Vec<_>>()
                    );
                }
            }
        }
        assert_eq!(paths.walks.load(std::sync::atomic::Ordering::Relaxed), 4);
        let g1 = model.get("G1").unwrap_or_else(|| panic!("G1"));
        let note = paths.note(&model, g1).map(|t| t.en.as_str());
        assert_eq!(note, Some("plan path: PL → V1 “v” → G1"));
    }
}
