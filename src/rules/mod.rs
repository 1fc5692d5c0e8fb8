//! The rule engine: a rule set (`schema.toml` + `rules.toml`, embedded or from `--rules DIR`),
//! the closed set of rule types (one file each), the runner and waivers.
//!
//! Fourth stage of the pipeline: reads the model, produces findings.

mod knock_on;
mod registry;
mod series;
mod spec;
mod tags;
#[cfg(test)]
mod testing;
mod waiver;

pub use knock_on::{hold_back, Taint};
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
            pub(crate) fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
                match self {
                    $(RuleType::$ty(r) => registry::RuleKind::run(r, ctx, out)),*
                }
            }

            /// The static templates the rule fills from its findings' values.
            fn templates(&self) -> &'static [&'static crate::base::StaticText] {
                match self {
                    $(RuleType::$ty(_) => <$ty as registry::RuleKind>::TEMPLATES),*
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
use crate::diag::{message, Finding, Message, Note, PathStep, Template, Text};
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

    /// [`RuleSet::run`], its findings after `first` (findings made before the rules, which
    /// waivers do not touch) in one vector: the rules' findings are moved once, not again
    /// to join them.
    pub fn run_after(&self, model: &Model, today: Date, first: Vec<Finding>) -> Vec<Finding> {
        self.run_into(first, model, today, &|rule| rule.on, None)
    }

    /// Runs the rules for which `on` holds (a caller that shares one rule set between runs
    /// with different configurations decides here instead of through `Rule::on`).
    pub fn run_selected(
        &self,
        model: &Model,
        today: Date,
        on: &(dyn Fn(&Rule) -> bool + Sync),
    ) -> Vec<Finding> {
        self.run_scoped(model, today, on, None)
    }

    /// [`RuleSet::run_selected`] on the nodes in `scope` (indexed by node) only: the findings
    /// on those nodes, and the waiver findings of their waivers, exactly as a run on every
    /// node gives them. Every rule type visits the nodes of its kind one at a time and makes
    /// each finding on the node it visits, at a span inside that node's declaration
    /// ([`Ctx::targets`], [`Ctx::finding`]): runs on the parts of a partition of the nodes
    /// give, together, the findings of one run on all (`a_partition_of_the_nodes_…` tests
    /// it on every fixture). A waiver is judged by the findings on its own node (a model
    /// holds one node per ID), which are all in the run that judges the node.
    pub fn run_scoped(
        &self,
        model: &Model,
        today: Date,
        on: &(dyn Fn(&Rule) -> bool + Sync),
        scope: Option<&[bool]>,
    ) -> Vec<Finding> {
        self.run_into(Vec::new(), model, today, on, scope)
    }

    /// [`RuleSet::run_scoped`], its findings appended to `first`, which are left as they are.
    fn run_into(
        &self,
        first: Vec<Finding>,
        model: &Model,
        today: Date,
        on: &(dyn Fn(&Rule) -> bool + Sync),
        scope: Option<&[bool]>,
    ) -> Vec<Finding> {
        // Rules are independent: run them in parallel, keeping their order in the result.
        let paths = PathMemo::new(model);
        let per_rule: Vec<Found> = self
            .rules
            .par_iter()
            .filter(|rule| on(rule))
            .map(|rule| {
                let mut ctx = Ctx::new(model, rule, &paths);
                ctx.scope = scope;
                let mut out = Found::default();
                timing::time(&rule.code, || rule.check.run(&ctx, &mut out));
                out
            })
            .collect();
        let from = first.len();
        let mut findings = timing::time("waivers", || {
            // Joined on all cores (moved in turn into fresh memory, on one core, they were most
            // of this stage).
            let parts = std::iter::once(first)
                .chain(per_rule.into_iter().flat_map(|rule| rule.parts))
                .collect();
            let all = crate::base::join_parts(parts, Finding::blank);
            waiver::apply(self, model, all, from, today, scope)
        });
        // A rule finding on a declaration with a syntax error is a consequence of that error
        // (each finding's node is looked up only when some declaration has one).
        if model.nodes.iter().any(|n| n.recovered) {
            retain_from(&mut findings, from, |f| {
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

/// Keeps the findings from index `from` on for which `keep` holds, in order; those before
/// `from` (made before the rules) are kept as they are.
fn retain_from(findings: &mut Vec<Finding>, from: usize, mut keep: impl FnMut(&Finding) -> bool) {
    let mut at = 0;
    findings.retain(|f| {
        at += 1;
        at <= from || keep(f)
    });
}

fn config(sources: &mut SourceSet, name: &str, text: &str) -> FileId {
    sources.add(SourceFile::new(
        name.to_owned(),
        PathBuf::from(name),
        SourceKind::Config,
        text,
        true,
    ))
}

/// A rule's findings, in the lists its run made them in: blocks of at most [`Found::BLOCK`]
/// findings, the first ones smaller (one list per rule grown by doubling copied every finding
/// so far at each doubling). The run joins every rule's blocks into one list, so each finding
/// is moved once.
#[derive(Debug, Default)]
pub(crate) struct Found {
    parts: Vec<Vec<Finding>>,
}

impl Found {
    /// The most findings a block holds (a block is 32 KiB: findings are 128 bytes).
    const BLOCK: usize = 256;
    /// The room of a rule's first block (most rules find a few things or none).
    const FIRST: usize = 8;

    pub(crate) fn push(&mut self, finding: Finding) {
        let cap = match self.parts.last_mut() {
            Some(last) if last.len() < last.capacity() => return last.push(finding),
            Some(last) => last.capacity(),
            None => 0,
        };
        // Each block twice the last, up to `BLOCK`: the room left over is at most that of
        // one block.
        let mut block = Vec::with_capacity((cap * 2).clamp(Found::FIRST, Found::BLOCK));
        block.push(finding);
        self.parts.push(block);
    }
}

/// `check` run over `nodes` in chunks (at least `min_chunk` nodes each) on all cores, its
/// findings added to `out` in the nodes' order: a rule that is the last of a run to finish
/// would otherwise hold the other cores idle.
pub(crate) fn check_in_chunks(
    nodes: &[NodeIx],
    min_chunk: usize,
    out: &mut Found,
    check: impl Fn(&[NodeIx], &mut Found) + Sync,
) {
    let chunk = crate::base::chunk_len(nodes.len(), 4, min_chunk);
    let parts: Vec<Found> = nodes
        .par_chunks(chunk)
        .map(|part| {
            let mut found = Found::default();
            check(part, &mut found);
            found
        })
        .collect();
    // (A block is made with its first finding: none is empty.)
    out.parts.extend(parts.into_iter().flat_map(|p| p.parts));
}

/// `n` and its ancestors through `relations`, breadth first (the order of
/// `Graph::ancestors`, with `n` first), into `chain`, reusing the caller's buffers: a node is
/// in the chain when its mark is `stamp` (a number the caller changes for each node it walks
/// from, so the marks are never cleared).
///
/// Each node of the chain is handed to `visit` in the chain's order before the edges up from
/// it are read, and the walk stops when `visit` breaks: a rule answered by the first nodes
/// (an item covered by a program of its own) does not walk its whole chain. On `Continue`,
/// `chain` is the whole chain.
pub(crate) fn walk_up_until<B>(
    model: &Model,
    n: NodeIx,
    relations: &[crate::model::KeyId],
    chain: &mut Vec<NodeIx>,
    marks: &mut [u32],
    stamp: u32,
    mut visit: impl FnMut(NodeIx) -> std::ops::ControlFlow<B>,
) -> std::ops::ControlFlow<B> {
    chain.clear();
    chain.push(n);
    marks[n.index()] = stamp;
    let mut i = 0;
    while i < chain.len() {
        let cur = chain[i];
        i += 1;
        visit(cur)?;
        for &rel in relations {
            for (up, _) in model.graph.outgoing(cur, rel) {
                if marks[up.index()] != stamp {
                    marks[up.index()] = stamp;
                    chain.push(up);
                }
            }
        }
    }
    std::ops::ControlFlow::Continue(())
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
            .any(|(m, _)| model.kind_of(m) == kind)
    })
}

/// What a rule type sees while it runs.
pub(crate) struct Ctx<'a> {
    pub(crate) model: &'a Model,
    pub(crate) rule: &'a Rule,
    /// The plan-path notes of the run, shared by every rule.
    paths: &'a PathMemo,
    /// The rule's message and help templates, shared by its findings.
    message: Arc<Template>,
    help: Arc<Template>,
    /// Every name a placeholder of the templates can have (the text between a `{` and the
    /// next `}`): a finding keeps only the values of these.
    names: Vec<&'a str>,
    /// The same names, shared by the values of the rule's findings.
    shared_names: crate::diag::message::Names,
    /// Where each name takes its value from, for the first list of value and clause names a
    /// finding of this rule was made with (each by its address and length: the same literals
    /// at one place of a rule's code); a finding made with other names works it out anew.
    slots: OnceLock<KnownSlots>,
    /// The nodes this run judges (indexed by node); `None`: all.
    scope: Option<&'a [bool]>,
}

/// The names a finding's values were given with (address and length of each) and the places
/// of the rule's names among them ([`crate::diag::Values::slots`]).
type KnownSlots = (Vec<(usize, usize)>, Vec<crate::diag::message::Slot>);

/// The plan-path notes of a run's findings. A note is the path down to the node's parent,
/// one step per ancestor built once per ancestor and shared by every note through it, and the
/// node's ID (see [`Note`]). The walk up is done per finding (a few steps of the graph): a
/// memo of whole notes per node took 32 bytes for every node of the model, most of which
/// have no finding.
struct PathMemo {
    /// Per node, the last step of the path from the top down to it with its title: the head
    /// of its children's notes.
    heads: Vec<OnceLock<Arc<PathStep>>>,
    /// How many steps were built (the work-counting test reads it).
    #[cfg(test)]
    steps: std::sync::atomic::AtomicUsize,
}

impl PathMemo {
    fn new(model: &Model) -> Self {
        PathMemo {
            heads: model.nodes.iter().map(|_| OnceLock::new()).collect(),
            #[cfg(test)]
            steps: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn note(&self, model: &Model, n: NodeIx) -> Option<Note> {
        let (chain, whole) = path_up(model, n);
        match chain.as_slice() {
            [] | [_] => None,
            [up @ .., _] if whole => {
                Some(Note::joined(self.head(model, up), model.node(n).id.clone()))
            }
            // Cut short by a cycle or the depth limit: the path of an ancestor would not be a
            // prefix of this one.
            _ => unshared_note(model, &chain),
        }
    }

    /// The path `chain` (top first, walked to its top) with the title of its last node: its
    /// last step, after the (shared) steps above it.
    fn head(&self, model: &Model, chain: &[NodeIx]) -> Arc<PathStep> {
        let Some((&last, up)) = chain.split_last() else {
            return PathStep::new(None, Text::default());
        };
        Arc::clone(self.heads[last.index()].get_or_init(|| {
            #[cfg(test)]
            self.steps
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let node = model.node(last);
            if up.is_empty() {
                return PathStep::top(node.id.clone());
            }
            PathStep::titled(self.head(model, up), node.id.clone(), node.title.clone())
        }))
    }
}

impl<'a> Ctx<'a> {
    fn new(model: &'a Model, rule: &'a Rule, paths: &'a PathMemo) -> Self {
        let mut names = Vec::new();
        let templates = rule.check.templates().iter().map(|c| (c.en, c.ja));
        let texts = [&rule.message, &rule.help]
            .into_iter()
            .map(|t| (t.en.as_str(), t.ja.as_str()))
            .chain(templates);
        for (en, ja) in texts {
            for name in message::names(en).chain(message::names(ja)) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        Ctx {
            model,
            rule,
            paths,
            message: Arc::new(Template::new(rule.message.clone())),
            help: Arc::new(Template::new(rule.help.clone())),
            shared_names: names.iter().map(|&n| Box::from(n)).collect(),
            slots: OnceLock::new(),
            names,
            scope: None,
        }
    }

    /// Whether the rule's message or help has a placeholder `name` (a value no template shows
    /// need not be written).
    pub(crate) fn uses(&self, name: &str) -> bool {
        self.names.contains(&name)
    }

    /// Nodes of the rule's kind that pass its filter.
    pub(crate) fn targets(&self, kind: crate::model::KindId) -> Vec<NodeIx> {
        self.model
            .nodes_of(kind)
            .filter(|&n| {
                self.scope
                    .is_none_or(|s| s.get(n.index()).copied().unwrap_or(false))
                    && self
                        .rule
                        .filter
                        .as_ref()
                        .is_none_or(|f| f.accepts(self.model.node(n)))
            })
            .collect()
    }

    /// A finding of this rule on node `n`, at its declaration header, with the rule's message
    /// and help and the values of their placeholders from `vars` (plus `id`, `title`, `kind`),
    /// and the plan path as a note.
    pub(crate) fn finding(&self, n: NodeIx, vars: &[(&'static str, Text)]) -> Finding {
        let vars: smallvec::SmallVec<[(&'static str, &str, &str); 8]> = vars
            .iter()
            .map(|(k, v)| (*k, v.en.as_str(), v.ja.as_str()))
            .collect();
        self.finding_with(n, &vars)
    }

    /// [`Ctx::finding`] with borrowed values: `(name, English, Japanese)`. The message and
    /// help keep the templates and the values they use, and are filled when shown.
    pub(crate) fn finding_with(&self, n: NodeIx, vars: &[(&'static str, &str, &str)]) -> Finding {
        self.finding_with_clauses(n, vars, &[])
    }

    /// [`Ctx::finding_with`] with values that are clauses: static templates of the rule type
    /// ([`registry::RuleKind::TEMPLATES`]) filled from the same values when shown.
    pub(crate) fn finding_with_clauses(
        &self,
        n: NodeIx,
        vars: &[(&'static str, &str, &str)],
        clauses: &[(&'static str, &'static crate::base::StaticText)],
    ) -> Finding {
        let node = self.model.node(n);
        let label = self.model.schema.label(node.kind);
        let builtin = [
            ("id", node.id.as_str(), node.id.as_str()),
            ("title", node.title_or_id(), node.title_or_id()),
            ("kind", label.en.as_str(), label.ja.as_str()),
        ];
        // On the stack for the values of every bundled rule (a vector was an allocation a
        // finding).
        let mut all: smallvec::SmallVec<[(&'static str, &str, &str); 16]> =
            smallvec::SmallVec::new();
        all.extend_from_slice(&builtin);
        all.extend_from_slice(vars);
        // Only the values the templates name are kept, placed as worked out for the first
        // finding made with these names. The key: the values' names, then a mark no name has
        // (a name given as a clause is not the same list as that name given as a value), then
        // the clauses' names.
        let name = |n: &str| (n.as_ptr() as usize, n.len());
        let mut key: smallvec::SmallVec<[(usize, usize); 20]> = smallvec::SmallVec::new();
        key.extend(all.iter().map(|v| name(v.0)));
        key.push((0, 0));
        key.extend(clauses.iter().map(|c| name(c.0)));
        let (known, slots) = self.slots.get_or_init(|| {
            let slots = crate::diag::Values::slots(&self.shared_names, &all, clauses);
            (key.to_vec(), slots)
        });
        let same = known[..] == key[..];
        let values = if same {
            crate::diag::Values::from_slots(&self.shared_names, slots, &all, clauses)
        } else {
            crate::diag::Values::with_clauses(&self.shared_names, &all, clauses)
        };
        let (message, help) = if let Some(values) = values {
            let values = Arc::new(values);
            (
                Message::Template(Arc::clone(&self.message), Arc::clone(&values)),
                Message::Template(Arc::clone(&self.help), values),
            )
        } else {
            // Values past 64 KiB: written out now (the clauses filled first, from the values).
            let (en, ja) = (
                pairs(&all, crate::diag::Lang::En),
                pairs(&all, crate::diag::Lang::Ja),
            );
            let filled: Vec<(&'static str, String, String)> = clauses
                .iter()
                .map(|&(k, c)| (k, spec::fill(c.en, &en), spec::fill(c.ja, &ja)))
                .collect();
            let all: Vec<(&str, &str, &str)> = all
                .iter()
                .copied()
                .chain(filled.iter().map(|(k, e, j)| (*k, e.as_str(), j.as_str())))
                .collect();
            let en = pairs(&all, crate::diag::Lang::En);
            let ja = pairs(&all, crate::diag::Lang::Ja);
            let fill =
                |t: &Text| Message::from(Text::new(spec::fill(&t.en, &en), spec::fill(&t.ja, &ja)));
            (fill(&self.rule.message), fill(&self.rule.help))
        };
        let mut f = Finding::new(
            &self.rule.code,
            &self.rule.slug,
            self.rule.severity,
            node.header,
            message,
        )
        .with_help(help)
        .with_node(&node.id);
        if let Some(path) = self.paths.note(self.model, n) {
            f = f.with_note(path);
        }
        f
    }
}

/// `template` written out in both languages with the values `vars` (`(name, value)`, the same
/// in both): a related place's template over values its finding does not keep.
pub(crate) fn written(template: &Text, vars: &[(&str, &str)]) -> Text {
    Text::new(
        spec::fill(&template.en, vars),
        spec::fill(&template.ja, vars),
    )
}

/// `template` over the values of `f` when it keeps them (the rule's templates list it, so
/// they hold what it names: see [`registry::RuleKind::TEMPLATES`]), else written out with
/// `vars`: a related place or label that names what the finding names, with no text of its own.
pub(crate) fn over_values(f: &Finding, template: &Arc<Template>, vars: &[(&str, &str)]) -> Message {
    match f.values() {
        Some(values) => Message::Template(Arc::clone(template), Arc::clone(values)),
        None => Message::from(written(template, vars)),
    }
}

/// `(name, value in lang)` of each `(name, English, Japanese)`.
fn pairs<'v>(
    vars: &[(&'static str, &'v str, &'v str)],
    lang: crate::diag::Lang,
) -> Vec<(&'static str, &'v str)> {
    vars.iter().map(|&(k, e, j)| (k, lang.pick(e, j))).collect()
}

/// The nodes above `n` in the schema's hierarchy, top first and `n` last, and whether the walk
/// reached the top (rather than stopping at a cycle or at the depth limit of 16).
fn path_up(model: &Model, n: NodeIx) -> (Vec<NodeIx>, bool) {
    let hierarchy = model.schema.hierarchy_ids();
    // Room for a typical depth, so the walk does not grow the vector step by step.
    let mut chain = Vec::with_capacity(8);
    chain.push(n);
    if hierarchy.is_empty() {
        return (chain, true);
    }
    let mut cur = n;
    // Each step takes the first hierarchy relation the node has; a node seen before ends a
    // cycle (the chain is at most 16 long: a scan of it is cheaper than a hash set).
    let whole = loop {
        if chain.len() >= 16 {
            break false;
        }
        let Some(up) = model.graph.first_outgoing(cur, hierarchy) else {
            break true;
        };
        if chain.contains(&up) {
            break false;
        }
        chain.push(up);
        cur = up;
    };
    chain.reverse();
    (chain, whole)
}

/// The note of a path cut short by a cycle or the depth limit (`chain`, top first, the node
/// last): steps of its own, shared with no other path (an ancestor's path is not a prefix of
/// it), read as a whole path reads. `None` for a node with nothing above it.
fn unshared_note(model: &Model, chain: &[NodeIx]) -> Option<Note> {
    let (&last, up) = chain.split_last()?;
    let (&top, middle) = up.split_first()?;
    let head = middle
        .iter()
        .fold(PathStep::top(model.node(top).id.clone()), |up, &x| {
            let node = model.node(x);
            PathStep::titled(up, node.id.clone(), node.title.clone())
        });
    Some(Note::joined(head, model.node(last).id.clone()))
}

/// The plan path of `n` following the schema's hierarchy, if it has anything above it, made
/// without the memo.
#[cfg(test)]
fn plan_path(model: &Model, n: NodeIx) -> Option<Note> {
    let (chain, _) = path_up(model, n);
    unshared_note(model, &chain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Lang;

    #[test]
    fn the_default_rule_set_loads() {
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(set.rule("aln101").is_some());
        assert!(set.rule("Item-Without-Program").is_some());
        assert_eq!(sources.len(), 2);
    }

    /// The walk up hands out the nodes of the whole chain in breadth-first order (that of
    /// `Graph::ancestors`, the node first), and stops reading edges where `visit` breaks.
    #[test]
    fn the_walk_up_visits_the_chain_in_order_and_stops_where_asked() {
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let spec = "plan PL \"p\" { period FY2024..FY2028 }\npolicy V1 \"v\" { plan PL }\n\
                    goal G1 \"g\" { policy V1 }\ngoal G2 \"g\" { policy V1 }\n\
                    item I1 \"i\" { goal G1 }\nitem I1.1 \"i\" { parent I1; goal G2 }\n";
        let (ast, errors) = crate::syntax::parse(FileId(9), spec);
        assert!(errors.is_empty(), "{errors:?}");
        let (nodes, _) = crate::model::lower(&set.schema, ast);
        let (mut model, _) = Model::assemble(set.schema.clone(), vec![(FileId(9), nodes)]);
        model.graph.count_work();
        let key = |k: &str| model.schema.key_id(k).unwrap_or_else(|| panic!("{k}"));
        let up = [key("parent"), key("goal"), key("policy")];
        let id = |n: NodeIx| model.node(n).id.to_string();
        let n = model.get("I1.1").unwrap_or_else(|| panic!("I1.1"));
        let (mut chain, mut marks) = (Vec::new(), vec![0; model.nodes.len()]);
        let mut seen = Vec::new();
        let all = walk_up_until(&model, n, &up, &mut chain, &mut marks, 1, |a| {
            seen.push(id(a));
            std::ops::ControlFlow::<()>::Continue(())
        });
        assert!(all.is_continue());
        let whole: Vec<String> = std::iter::once(n)
            .chain(model.graph.ancestors(n, &up))
            .map(id)
            .collect();
        assert_eq!(seen, ["I1.1", "I1", "G2", "G1", "V1"]);
        assert_eq!(chain.iter().map(|&a| id(a)).collect::<Vec<_>>(), whole);
        assert_eq!(seen, whole);
        // Stopped at the node itself: its edges up are not read.
        let before = model.graph.work();
        let stopped = walk_up_until(&model, n, &up, &mut chain, &mut marks, 2, |a| {
            std::ops::ControlFlow::Break(id(a))
        });
        assert_eq!(stopped, std::ops::ControlFlow::Break("I1.1".to_owned()));
        assert_eq!(model.graph.work(), before);
        assert_eq!(chain.len(), 1);
    }

    /// The notes of `ids` in a model of `spec`, in English then Japanese.
    fn path_notes(spec: &str, ids: &[&str]) -> Vec<(String, String)> {
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let (ast, errors) = crate::syntax::parse(FileId(9), spec);
        assert!(errors.is_empty(), "{errors:?}");
        let (nodes, _) = crate::model::lower(&set.schema, ast);
        let (model, _) = Model::assemble(set.schema.clone(), vec![(FileId(9), nodes)]);
        let paths = PathMemo::new(&model);
        ids.iter()
            .map(|id| {
                let n = model.get(id).unwrap_or_else(|| panic!("{id}"));
                let note = paths
                    .note(&model, n)
                    .unwrap_or_else(|| panic!("no note on {id}"));
                (
                    note.get(Lang::En).into_owned(),
                    note.get(Lang::Ja).into_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn findings_made_before_the_rules_pass_through_waivers_and_recovery_untouched() {
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item I1 "waived" { goal G1; topics [ip]; allow item-without-program "later" until 2099-03-31 }
item I2 "uncovered" { goal G1; topics [ip] }
item I3 "broken" { goal G1; topics [ip, }
program P "p" { covers [G1]; scope [sme] }
"#;
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let (ast, errors) = crate::syntax::parse(FileId(9), spec);
        assert!(!errors.is_empty(), "I3 is meant to hold a syntax error");
        let (nodes, _) = crate::model::lower(&set.schema, ast);
        let (model, _) = Model::assemble(set.schema.clone(), vec![(FileId(9), nodes)]);
        assert!(model.get("I3").is_some_and(|n| model.node(n).recovered));
        let today = Date::new(2026, 11, 24).unwrap_or_else(|| panic!("a date"));
        let ruled = set.run(&model, today);
        let uncovered = ruled
            .iter()
            .find(|f| f.code.as_ref() == "ALN101" && f.nodes.first().is_some_and(|n| n == "I2"))
            .unwrap_or_else(|| panic!("no ALN101 on I2: {ruled:?}"));
        let on_node = |f: &Finding, id: &str| f.nodes.first().is_some_and(|n| n == id);
        assert!(
            !ruled
                .iter()
                .any(|f| (f.code.as_ref() == "ALN101" && on_node(f, "I1")) || on_node(f, "I3")),
            "the waiver silences I1's ALN101, the syntax error I3's findings: {ruled:?}"
        );
        // Findings made before the rules, with the code of the waived rule on the waived and on
        // the recovered declaration: a run after them leaves them as they are.
        let on = |id: &str| {
            let mut f = uncovered.clone();
            f.nodes[0] = crate::base::Substr::from(id);
            f
        };
        let first = vec![on("I1"), on("I3"), on("I2")];
        let mut expected = first.clone();
        expected.extend(ruled.iter().cloned());
        assert_eq!(set.run_after(&model, today, first), expected);
    }

    #[test]
    fn a_plan_path_shows_the_titles_between_the_top_and_the_node() {
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item I1 "i" { goal G1 }
item I2 "" { parent I1 }
item I3 "k" { parent I2 }
"#;
        // Asked leaf first, then its ancestors, then the leaf again: the shared heads give
        // the same text in any order.
        let notes = path_notes(spec, &["I3", "I1", "G1", "I3"]);
        assert_eq!(
            notes[0].0,
            "plan path: PL → V1 “v” → G1 “g” → I1 “i” → I2 → I3"
        );
        assert_eq!(
            notes[0].1,
            "計画上の位置: PL → V1 「v」 → G1 「g」 → I1 「i」 → I2 → I3"
        );
        assert_eq!(notes[1].0, "plan path: PL → V1 “v” → G1 “g” → I1");
        assert_eq!(notes[2].0, "plan path: PL → V1 “v” → G1");
        assert_eq!(notes[3], notes[0]);
    }

    #[test]
    fn a_plan_path_cut_by_a_cycle_or_the_depth_limit_starts_where_the_walk_stopped() {
        // A cycle of parents: each path stops before the node it started from.
        let spec = r#"
item A "a" { parent B }
item B "b" { parent C }
item C "c" { parent A }
"#;
        let notes = path_notes(spec, &["B", "A"]);
        assert_eq!(notes[0].0, "plan path: A → C “c” → B");
        assert_eq!(notes[1].0, "plan path: C → B “b” → A");
        // A chain of 20 items: a path holds at most 16 nodes, the top one without its title.
        let spec: String = std::iter::once("item N0 \"t0\" {}\n".to_owned())
            .chain((1..20).map(|i| format!("item N{i} \"t{i}\" {{ parent N{} }}\n", i - 1)))
            .collect();
        let notes = path_notes(&spec, &["N19", "N15", "N14"]);
        let middle: Vec<String> = (5..19).map(|i| format!("N{i} “t{i}”")).collect();
        assert_eq!(
            notes[0].0,
            format!("plan path: N4 → {} → N19", middle.join(" → "))
        );
        let middle: Vec<String> = (1..15).map(|i| format!("N{i} “t{i}”")).collect();
        assert_eq!(
            notes[1].0,
            format!("plan path: N0 → {} → N15", middle.join(" → "))
        );
        let middle: Vec<String> = (1..14).map(|i| format!("N{i} “t{i}”")).collect();
        assert_eq!(
            notes[2].0,
            format!("plan path: N0 → {} → N14", middle.join(" → "))
        );
    }

    #[test]
    fn a_finding_keeps_only_the_values_its_templates_name_and_fills_them_when_shown() {
        static CLAUSE: crate::base::StaticText = crate::base::StaticText {
            en: " (clause of {id})",
            ja: "（{id} の節）",
        };
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap_or_else(|e| panic!("{e:?}"));
        let spec = "item I1 \"Trials\" {}\n";
        let (ast, _) = crate::syntax::parse(FileId(9), spec);
        let (nodes, _) = crate::model::lower(&set.schema, ast);
        let (model, _) = Model::assemble(set.schema.clone(), vec![(FileId(9), nodes)]);
        let paths = PathMemo::new(&model);
        let n = model.get("I1").unwrap();
        // ALN101: `{id}` and `{title}` in the message, `{topics_clause}` and `{linked_hint}`
        // in the help; not `{count}`.
        let rule = set.rules.iter().find(|r| r.code == "ALN101").unwrap();
        let ctx = Ctx::new(&model, rule, &paths);
        let f = ctx.finding_with(
            n,
            &[
                ("count", "7", "7"),
                ("topics_clause", " (en clause)", "（ja 節）"),
                ("linked_hint", "", ""),
            ],
        );
        let Message::Template(_, values) = &f.message else {
            panic!("{:?}", f.message)
        };
        assert_eq!(values.get("count", Lang::En), None);
        assert_eq!(values.get("kind", Lang::Ja), None);
        assert_eq!(values.get("title", Lang::Ja), Some("Trials"));
        assert_eq!(values.get("topics_clause", Lang::Ja), Some("（ja 節）"));
        assert_eq!(
            f.message.en(),
            "item I1 “Trials” is in the scope of no program"
        );
        let help = f.help.as_ref().unwrap();
        assert_eq!(help.en(), "add I1 to the `covers` of a program (en clause)");
        assert!(help
            .get(Lang::Ja)
            .starts_with("（ja 節）事業の `covers` に I1 を加えて"));
        // Other values in another order (their places worked out anew, not those kept from
        // the first finding), then each list again.
        let other: &[(&'static str, &str, &str)] = &[
            ("linked_hint", ", or link it", "、または結ぶ"),
            ("topics_clause", " (x)", "（x）"),
        ];
        let first: &[(&'static str, &str, &str)] = &[
            ("count", "7", "7"),
            ("topics_clause", " (en clause)", "（ja 節）"),
            ("linked_hint", "", ""),
        ];
        for _ in 0..2 {
            for (vars, en) in [
                (other, "add I1 to the `covers` of a program (x), or link it"),
                (first, "add I1 to the `covers` of a program (en clause)"),
            ] {
                let f = ctx.finding_with(n, vars);
                assert_eq!(
                    f.help.as_ref().map(|h| h.en().into_owned()).as_deref(),
                    Some(en)
                );
            }
        }
        // The same names given as clauses first, then as values: not the same places.
        let ctx = Ctx::new(&model, rule, &paths);
        let f = ctx.finding_with_clauses(
            n,
            &first[..1],
            &[("topics_clause", &CLAUSE), ("linked_hint", &CLAUSE)],
        );
        let help = f.help.as_ref().map(|h| h.en().into_owned());
        assert_eq!(
            help.as_deref(),
            Some("add I1 to the `covers` of a program (clause of I1) (clause of I1)")
        );
        let f = ctx.finding_with(n, first);
        let help = f.help.as_ref().map(|h| h.en().into_owned());
        assert_eq!(
            help.as_deref(),
            Some("add I1 to the `covers` of a program (en clause)")
        );
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
        // Three rules, three findings each on every node: each ancestor's step built once
        // (without the memo, once per finding below it: 45).
        for rule in set.rules.iter().take(3) {
            let ctx = Ctx::new(&model, rule, &paths);
            for &n in &all {
                for _ in 0..3 {
                    let f = ctx.finding(n, &[]);
                    let notes: Vec<String> =
                        f.notes.iter().map(|t| t.get(Lang::En).into()).collect();
                    let path = plan_path(&model, n);
                    let text = |lang| {
                        path.iter()
                            .map(|t| t.get(lang).into())
                            .collect::<Vec<String>>()
                    };
                    assert_eq!(notes, text(Lang::En));
                    let notes: Vec<String> =
                        f.notes.iter().map(|t| t.get(Lang::Ja).into()).collect();
                    assert_eq!(notes, text(Lang::Ja));
                }
            }
        }
        // PL, V1 and G1/G2's parent V1: the steps of PL and V1 (the heads of the others'
        // notes); G1 and G2 are no node's parent.
        assert_eq!(paths.steps.load(std::sync::atomic::Ordering::Relaxed), 2);
        let g1 = model.get("G1").unwrap_or_else(|| panic!("G1"));
        let note = paths.note(&model, g1).map(|t| t.get(Lang::En).into_owned());
        assert_eq!(note.as_deref(), Some("plan path: PL → V1 “v” → G1"));
    }
}
