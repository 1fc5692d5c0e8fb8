//! One run, from options to findings: configuration, sources (exclusions applied while
//! walking), rule set, parse (in parallel), model, rules, severity overrides and the
//! command line's selection of codes, baseline, and the summary, counted once.
//!
//! The CLI calls [`run`] and renders the [`Checked`] it returns; tests, benchmarks and the
//! other commands call it too.

use crate::base::{timing, Date, Lang, Text};
use crate::baseline::{Baseline, Entry};
use crate::config::{self, Config, ConfigError, FailOn, Level, Overrides};
use crate::diag::{self, code, Finding, KindCount, Summary};
use crate::model::{self, Model, Schema};
use crate::rules::{RuleSet, RuleSetError};
use crate::select::{self, Selection};
use crate::source::{self, SkipNote, SourceError, SourceKind, SourceSet};
use crate::syntax;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Everything a run needs: what the command line says.
#[derive(Debug, Clone)]
pub struct Options {
    /// Files or directories to check.
    pub paths: Vec<PathBuf>,
    /// `--config FILE`; without it, `align.toml` at the root of the first path, if any.
    pub config: Option<PathBuf>,
    /// `--rules DIR`; without it, the configuration's `rules`, else the embedded set.
    pub rules: Option<PathBuf>,
    /// `--lang`; without it, the configuration's `lang`, else [`Options::fallback_lang`].
    pub lang: Option<Lang>,
    /// The language of the environment (`LC_ALL`, `LANG` …).
    pub fallback_lang: Lang,
    /// `--fail-on`; without it, the configuration's `fail-on`, else `error`.
    pub fail_on: Option<FailOn>,
    /// `--baseline FILE`: report only the findings it does not hold.
    pub baseline: Option<PathBuf>,
    /// Run the rules (`check`, `report`), or build the model only (`stats`).
    pub run_rules: bool,
    /// The date waivers are judged against.
    pub today: Date,
    pub max_file_size: u64,
    /// `--select` / `--ignore`: the codes to report (checked against the rule set).
    pub select: select::Request,
    /// The files' texts live until the process exits (a command that checks once and
    /// exits: `check`, `report`, `stats`, `graph`). The syntax tree, the model and the
    /// findings hold hundreds of thousands of views into the texts; each copy and drop of one
    /// otherwise writes the count of its file's text, an atomic write that waits for the
    /// core's pending stores (a tenth of the parser's time, docs/performance.md). Off by
    /// default: a program that checks again and again (the language server, tests) would
    /// keep every text it ever read.
    pub texts_live_to_exit: bool,
}

impl Options {
    /// Options for `paths` with every choice left to the configuration and the defaults.
    pub fn new(paths: Vec<PathBuf>) -> Options {
        Options {
            paths,
            config: None,
            rules: None,
            lang: None,
            fallback_lang: Lang::En,
            fail_on: None,
            baseline: None,
            run_rules: true,
            today: Date::today_utc(),
            max_file_size: source::DEFAULT_MAX_FILE_SIZE,
            select: select::Request::default(),
            texts_live_to_exit: false,
        }
    }
}

/// A baseline comparison: what the baseline held and what no longer occurs.
#[derive(Debug)]
pub struct BaselineOutcome {
    /// The baseline file as given.
    pub file: String,
    /// Findings the baseline holds (not reported).
    pub matched: usize,
    /// Entries that no longer occur.
    pub gone: Vec<Entry>,
}

/// The result of a run: every renderer reads it (through `report::Input`).
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceSet,
    pub model: Model,
    pub rules: RuleSet,
    /// The findings to report, sorted by file, offset, code: after severity overrides and
    /// waivers, and without those a baseline holds.
    pub findings: Vec<Finding>,
    /// Counts of `findings`, files and nodes per kind.
    pub summary: Summary,
    pub baseline: Option<BaselineOutcome>,
    /// Paths that could not be read (exit 2 after the output).
    pub errors: Vec<SourceError>,
    pub skipped: Vec<SkipNote>,
    /// The severity overrides of the configuration (SARIF shows them on its rules).
    pub overrides: Overrides,
    /// The codes the command line selected (all by default).
    pub selection: Selection,
    pub lang: Lang,
    pub fail_on: FailOn,
    pub today: Date,
}

impl Checked {
    /// Whether the findings reach the `fail-on` threshold (exit 1).
    pub fn failing(&self) -> bool {
        self.fail_on
            .threshold()
            .is_some_and(|t| self.findings.iter().any(|f| f.severity >= t))
    }
}

/// Why a run stopped before checking anything (exit 2).
#[derive(Debug)]
pub enum Stop {
    /// `align.toml` is invalid: ALN090 findings with spans into `sources`.
    Config {
        findings: Vec<Finding>,
        sources: SourceSet,
        lang: Lang,
    },
    /// The rule set is invalid: ALN090 findings with spans into `sources`.
    RuleSet {
        findings: Vec<Finding>,
        sources: SourceSet,
        lang: Lang,
    },
    /// A usage or I/O problem, said in one line.
    Usage(Text),
}

/// Runs align on `opts.paths`: the one entry point of `check`, `report` and `stats`.
pub fn run(opts: &Options) -> Result<Checked, Stop> {
    let mut sources = SourceSet::new();
    // align.toml first: its `exclude` applies while the specs are walked.
    let config_path = opts
        .config
        .clone()
        .or_else(|| config::discover(&opts.paths));
    let config = match config_path {
        None => None,
        Some(path) => match Config::load(&path, &mut sources) {
            Ok(c) => Some(c),
            Err(ConfigError::Io(msg)) => return Err(Stop::Usage(Text::same(msg))),
            Err(ConfigError::Invalid(findings)) => {
                return Err(Stop::Config {
                    findings,
                    sources,
                    lang: opts.lang.unwrap_or(opts.fallback_lang),
                })
            }
        },
    };
    let lang = opts
        .lang
        .or_else(|| config.as_ref().and_then(|c| c.lang))
        .unwrap_or(opts.fallback_lang);
    let excluded =
        |name: &str, path: &Path| config.as_ref().is_some_and(|c| c.excludes_file(name, path));
    let mut loaded = timing::time("read", || {
        source::load_into(sources, &opts.paths, opts.max_file_size, &excluded)
    });
    if opts.texts_live_to_exit {
        for (_, file) in loaded.sources.files() {
            // Leaked on purpose: freed by the process's exit (see the option).
            let _ = file.text.leak();
        }
    }
    if let Some(c) = &config {
        loaded
            .errors
            .retain(|e| !c.excludes_path(config::source_error_path(e)));
        if loaded.excluded > 0 && loaded.sources.spec_count() == 0 && loaded.errors.is_empty() {
            return Err(Stop::Usage(Text::new(
                "every spec file is excluded by the configuration's `exclude`; nothing to check",
                "すべての仕様ファイルが設定の `exclude` で除外されているため、検査するものがありません",
            )));
        }
    }

    let rules_dir = opts
        .rules
        .clone()
        .or_else(|| config.as_ref().and_then(|c| c.rules.clone()));
    let rules = match rules_dir {
        Some(dir) => RuleSet::from_dir(&dir, &mut loaded.sources),
        None => RuleSet::embedded(&mut loaded.sources),
    };
    let rules = match rules {
        Ok(set) => set,
        Err(RuleSetError::Io(msg)) => return Err(Stop::Usage(Text::same(msg))),
        Err(RuleSetError::Invalid(findings)) => {
            return Err(Stop::RuleSet {
                findings,
                sources: loaded.sources,
                lang,
            })
        }
    };
    let overrides = match config.as_ref().map(|c| c.overrides(&rules)) {
        None => Overrides::default(),
        Some(Ok(o)) => o,
        Some(Err(findings)) => {
            return Err(Stop::Config {
                findings,
                sources: loaded.sources,
                lang,
            })
        }
    };

    let selection =
        Selection::resolve(&opts.select, &rules).map_err(|e| Stop::Usage(Text::same(e)))?;

    if loaded.sources.spec_count() == 0 && !loaded.errors.is_empty() {
        // One line per path; the CLI prints each as its own error.
        let line = |t: &str| crate::base::sanitize::line(t).into_owned();
        let texts: Vec<Text> = loaded.errors.iter().map(SourceError::text).collect();
        let join = |pick: fn(&Text) -> &String| {
            texts
                .iter()
                .map(|t| line(pick(t)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        return Err(Stop::Usage(Text::new(join(|t| &t.en), join(|t| &t.ja))));
    }
    let baseline = match &opts.baseline {
        None => None,
        Some(path) => Some((
            path.display().to_string(),
            Baseline::read(path).map_err(|e| Stop::Usage(Text::same(e.to_string())))?,
        )),
    };
    let fail_on = opts
        .fail_on
        .or_else(|| config.as_ref().and_then(|c| c.fail_on))
        .unwrap_or(FailOn::Error);
    let settings = Settings {
        overrides,
        selection,
        baseline,
        lang,
        fail_on,
        today: opts.today,
        run_rules: opts.run_rules,
    };
    Ok(check(loaded, rules, settings))
}

/// Checks sources already loaded (in memory: tests, fuzzing, the language server) with a rule
/// set, as `align check` does with no configuration and no baseline.
pub fn check_loaded(loaded: source::Loaded, rules: RuleSet, today: Date) -> Checked {
    let settings = Settings {
        overrides: Overrides::default(),
        selection: Selection::all(),
        baseline: None,
        lang: Lang::En,
        fail_on: FailOn::Error,
        today,
        run_rules: true,
    };
    check(loaded, rules, settings)
}

/// What a run decided before checking.
struct Settings {
    overrides: Overrides,
    selection: Selection,
    baseline: Option<(String, Baseline)>,
    lang: Lang,
    fail_on: FailOn,
    today: Date,
    run_rules: bool,
}

/// Switches on the opt-in rules (`enabled = false` in rules.toml) that `align.toml`'s
/// `[severity]` gives a level or that `--select` names exactly; every other rule runs as its
/// rule set says.
pub fn switch_on(rules: &mut RuleSet, overrides: &Overrides, selection: &Selection) {
    for r in &mut rules.rules {
        r.on = runs(r, overrides, selection);
    }
}

/// Whether a rule runs under these overrides and this selection.
fn runs(rule: &crate::rules::Rule, overrides: &Overrides, selection: &Selection) -> bool {
    match overrides.get(&rule.code) {
        Some(Level::Off) => false,
        Some(Level::On(_)) => true,
        None => rule.default_on || selection.names(&rule.code),
    }
}

/// Model, rules, overrides and selection, order, baseline and summary, in that order.
fn check(loaded: source::Loaded, mut rules: RuleSet, settings: Settings) -> Checked {
    switch_on(&mut rules, &settings.overrides, &settings.selection);
    let source::Loaded {
        sources,
        mut findings,
        errors,
        skipped,
        ..
    } = loaded;
    let model = build_model(&sources, &errors, &rules.schema, &mut findings);
    if settings.run_rules {
        findings = timing::time("rules", || {
            rules.run_after(&model, settings.today, findings)
        });
    }
    // Findings that follow from a structural error or an unread file are held back.
    let (findings, held) = timing::time("hold back", || {
        crate::rules::hold_back(&rules, &model, findings, unread(&sources, &errors))
    });
    // `[severity]` first, then the command line narrows what is left (docs/ci.md).
    let mut findings = settings.selection.apply(settings.overrides.apply(findings));
    let mut held = settings.selection.apply(settings.overrides.apply(held));
    timing::time("sort", || {
        source::sort(&mut findings, &sources);
        source::sort(&mut held, &sources);
    });
    let baseline = settings.baseline.map(|(file, base)| {
        let comparison = base.compare(&findings, &sources);
        // A held-back finding still occurs: its baseline entry is not gone.
        let mut all = findings.clone();
        all.extend(held.iter().cloned());
        source::sort(&mut all, &sources);
        let still = base.compare(&all, &sources);
        // `new` is in the findings' order: keep exactly those.
        let mut next = comparison.new.iter().peekable();
        let keep: Vec<bool> = findings
            .iter()
            .map(|f| {
                let is_new = next.peek().is_some_and(|n| std::ptr::eq(**n, f));
                if is_new {
                    next.next();
                }
                is_new
            })
            .collect();
        // An entry of a code not selected is not looked at, so it is not gone.
        let mut gone = still.gone;
        gone.retain(|e| settings.selection.allows(&e.code));
        let outcome = BaselineOutcome {
            file,
            matched: comparison.matched,
            gone,
        };
        let mut keep = keep.into_iter();
        findings.retain(|_| keep.next().unwrap_or(false));
        outcome
    });
    let summary = Summary {
        counts: diag::Counts::of(&findings),
        files: sources.spec_count(),
        kinds: kind_counts(&model),
        held_back: held.len(),
    };
    Checked {
        sources,
        model,
        rules,
        findings,
        summary,
        baseline,
        errors,
        skipped,
        overrides: settings.overrides,
        selection: settings.selection,
        lang: settings.lang,
        fail_on: settings.fail_on,
        today: settings.today,
    }
}

/// Whether a spec file could not be read or decoded: what it declares is unknown.
fn unread(sources: &SourceSet, errors: &[SourceError]) -> bool {
    !errors.is_empty()
        || sources
            .files()
            .any(|(_, f)| f.kind == SourceKind::Spec && !f.valid)
}

/// Nodes per kind, in schema order, kinds with no node left out (the model lists each kind's).
fn kind_counts(model: &Model) -> Vec<KindCount> {
    model
        .schema
        .kinds
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            let count = model
                .nodes_of(crate::model::KindId(u16::try_from(i).ok()?))
                .len();
            (count > 0).then(|| KindCount {
                name: k.name.clone(),
                label: k.label.clone(),
                count,
            })
        })
        .collect()
}

/// Parses the valid spec files (in parallel) and builds the model, adding the syntax and
/// structural findings to `findings`.
fn build_model(
    sources: &SourceSet,
    errors: &[SourceError],
    schema: &Schema,
    findings: &mut Vec<Finding>,
) -> Model {
    let specs: Vec<_> = sources
        .files()
        .filter(|(_, f)| f.kind == SourceKind::Spec && f.valid)
        .map(|(id, f)| (id, &f.text))
        .collect();
    // Parse and lower each file in parallel; its syntax tree is dropped as soon as it is lowered.
    let lowered: Vec<_> = timing::time("parse and lower", || {
        specs
            .par_iter()
            .map(|(id, text)| {
                let (ast, mut errs) = syntax::parse_shared(*id, text);
                let (nodes, more) = model::lower(schema, ast);
                errs.extend(more);
                (*id, nodes, errs)
            })
            .collect()
    });
    let mut files = Vec::with_capacity(lowered.len());
    for (id, nodes, errs) in lowered {
        findings.extend(errs);
        files.push((id, nodes));
    }
    let (model, mut model_findings) = timing::time("assemble the model", || {
        Model::assemble(schema.clone(), files)
    });
    note_unread_files(sources, errors, &mut model_findings);
    findings.extend(model_findings);
    model
}

/// A spec file that was not modelled (not UTF-8, larger than `--max-file-size`, or unreadable):
/// an ID it declares is reported as not declared elsewhere. Say so under each such finding,
/// naming the files, so the drafter fixes them first rather than chase the references.
fn note_unread_files(sources: &SourceSet, errors: &[SourceError], findings: &mut [Finding]) {
    let not_utf8: Vec<&str> = sources
        .files()
        .filter(|(_, f)| f.kind == SourceKind::Spec && !f.valid)
        .map(|(_, f)| f.name.as_str())
        .collect();
    let mut too_large = Vec::new();
    let mut unreadable = Vec::new();
    for e in errors {
        match e {
            SourceError::TooLarge { path, size, limit } => {
                too_large.push((format!("{path} ({size} bytes)"), *limit));
            }
            SourceError::Unreadable { path, .. } => unreadable.push(path.as_str()),
            SourceError::NotFound { .. } | SourceError::NoSpecs { .. } => {}
        }
    }
    let mut notes = Vec::new();
    if !not_utf8.is_empty() {
        let list = not_utf8.join(", ");
        notes.push(Text::new(
            format!("not checked because not UTF-8: {list}; the ID may be declared there"),
            format!("UTF-8 でないため検査していないファイル: {list}。ID はそこで宣言されている可能性があります"),
        ));
    }
    if let Some(&(_, limit)) = too_large.first() {
        let list = too_large
            .iter()
            .map(|(f, _)| f.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        notes.push(Text::new(
            format!("not checked because larger than --max-file-size {limit}: {list}; the ID may be declared there"),
            format!("--max-file-size {limit} を超えるため検査していないファイル: {list}。ID はそこで宣言されている可能性があります"),
        ));
    }
    if !unreadable.is_empty() {
        let list = unreadable.join(", ");
        notes.push(Text::new(
            format!("not checked because it could not be read: {list}; the ID may be declared there"),
            format!("読み込めないため検査していないファイル: {list}。ID はそこで宣言されている可能性があります"),
        ));
    }
    if notes.is_empty() {
        return;
    }
    for f in findings
        .iter_mut()
        .filter(|f| f.code == code::UNRESOLVED_REFERENCE.code)
    {
        f.notes.extend(notes.iter().cloned().map(Into::into));
    }
}

/// Assembles the model from spec files already parsed and lowered with [`model::lower`]
/// (`files` in file order, each file's syntax and lowering findings already in `findings`)
/// and runs the rules: the findings [`check_loaded`] gives for the same sources, sorted. The
/// language server keeps each file's lowered nodes and lowers again only what changed, and
/// the did-you-mean answers in `memo`.
pub fn check_lowered(
    sources: &SourceSet,
    files: Vec<(source::FileId, Vec<model::Node>)>,
    findings: Vec<Finding>,
    rules: &RuleSet,
    overrides: &Overrides,
    today: Date,
    memo: Option<&mut model::SuggestMemo>,
) -> (Model, Vec<Finding>) {
    let (model, base) = assemble_lowered(sources, files, findings, rules, memo);
    let findings = check_model(sources, &model, &base, rules, overrides, today, Part::all());
    (model, findings)
}

/// The first half of [`check_lowered`]: the model, and `findings` with the model's own
/// (duplicate IDs, unresolved references, cycles).
pub fn assemble_lowered(
    sources: &SourceSet,
    files: Vec<(source::FileId, Vec<model::Node>)>,
    mut findings: Vec<Finding>,
    rules: &RuleSet,
    memo: Option<&mut model::SuggestMemo>,
) -> (Model, Vec<Finding>) {
    let (model, mut model_findings) = timing::time("assemble the model", || {
        Model::assemble_with(rules.schema.clone(), files, memo)
    });
    note_unread_files(sources, &[], &mut model_findings);
    findings.extend(model_findings);
    (model, findings)
}

/// What [`check_model`] judges and reports.
#[derive(Clone, Copy)]
pub struct Part<'a> {
    /// The nodes the rules judge (indexed by node); `None`: all (see [`RuleSet::run_scoped`]).
    pub scope: Option<&'a [bool]>,
    /// Which findings made before the rules are reported.
    pub report: &'a (dyn Fn(&Finding) -> bool + Sync),
}

impl Part<'_> {
    /// Every node judged, every finding reported.
    pub fn all() -> Part<'static> {
        fn every(_: &Finding) -> bool {
            true
        }
        Part {
            scope: None,
            report: &every,
        }
    }
}

/// The second half of [`check_lowered`]: the rules on the nodes of `part.scope` with those of
/// `base` (the findings [`assemble_lowered`] gave) that `part.report` takes, findings that follow from a structural error held back, sorted.
/// Every structural error of `base` counts for holding back, reported or not. Runs on the
/// parts of a partition of the nodes give each file the findings of one run on all: the
/// rules' in the files of their nodes, the others' in every run.
pub fn check_model(
    sources: &SourceSet,
    model: &Model,
    base: &[Finding],
    rules: &RuleSet,
    overrides: &Overrides,
    today: Date,
    part: Part<'_>,
) -> Vec<Finding> {
    let Part { scope, report } = part;
    let all = Selection::all();
    let found = timing::time("rules", || {
        rules.run_scoped(model, today, &|r| runs(r, overrides, &all), scope)
    });
    // In an editor a file that cannot be decoded has its own diagnostic; the others keep
    // theirs (only structural errors hold findings back here: the model's, and a waiver of an
    // unknown rule among the rules' findings).
    let mut findings = timing::time("hold back", || {
        let taint =
            crate::rules::Taint::from_findings(rules, model, base.iter().chain(&found), false);
        let mut kept: Vec<Finding> = base
            .iter()
            .filter(|f| report(f) && !taint.holds(f))
            .cloned()
            .collect();
        kept.extend(taint.split(found).0);
        kept
    });
    timing::time("sort", || source::sort(&mut findings, sources));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// Every directory of `.align` files under `dir` (a fixture is one).
    fn spec_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "align"))
        {
            out.push(dir.to_path_buf());
        }
        for e in entries.iter().filter(|p| p.is_dir()) {
            spec_dirs(e, out);
        }
    }

    /// A multiset of findings, comparable.
    fn bag<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<String> {
        let mut v: Vec<String> = findings.into_iter().map(|f| format!("{f:?}")).collect();
        v.sort();
        v
    }

    /// Texts kept to the process's exit are the one-shot commands' choice only, and change no
    /// finding: the bundled specs and a fixture with syntax errors give the same findings,
    /// in the same order, either way.
    #[test]
    fn texts_kept_to_the_exit_change_no_finding_and_are_off_by_default() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["specs", "tests/fixtures/syntax"] {
            let mut opts = Options::new(vec![root.join(dir)]);
            opts.today = Date::new(2026, 11, 24).unwrap();
            assert!(!opts.texts_live_to_exit);
            let Ok(counted) = run(&opts) else {
                panic!("{dir}: the run stopped")
            };
            assert!(counted
                .sources
                .files()
                .all(|(_, f)| !arcstr::ArcStr::is_static(&f.text)));
            opts.texts_live_to_exit = true;
            let Ok(kept) = run(&opts) else {
                panic!("{dir}: the run stopped")
            };
            assert!(kept
                .sources
                .files()
                .filter(|(_, f)| f.kind == SourceKind::Spec)
                .all(|(_, f)| arcstr::ArcStr::is_static(&f.text)));
            let debug = |c: &Checked| -> Vec<String> {
                c.findings.iter().map(|f| format!("{f:?}")).collect()
            };
            assert!(!counted.findings.is_empty(), "{dir}");
            assert_eq!(debug(&counted), debug(&kept), "{dir}");
        }
    }

    #[test]
    fn a_partition_of_the_nodes_gives_together_the_findings_of_one_run_on_all() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = Vec::new();
        for d in ["tests/fixtures", "specs", "examples"] {
            spec_dirs(&root.join(d), &mut dirs);
        }
        assert!(dirs.len() > 100, "{}", dirs.len());
        let today = Date::new(2026, 11, 24).unwrap();
        let mut judged = 0;
        let mut split_by_file = 0;
        for dir in &dirs {
            let loaded = source::load(std::slice::from_ref(dir), source::DEFAULT_MAX_FILE_SIZE);
            let mut sources = loaded.sources;
            // The fixture's own rule set when it has a valid one, else the bundled one.
            let rules = RuleSet::from_dir(&dir.join("rules"), &mut sources)
                .or_else(|_| RuleSet::embedded(&mut sources));
            let Ok(rules) = rules else { continue };
            let overrides = std::fs::read_to_string(dir.join("align.toml"))
                .ok()
                .and_then(|text| Config::parse(FileId(u32::MAX), &text, dir.clone()).ok())
                .and_then(|c| c.overrides(&rules).ok())
                .unwrap_or_default();
            // The syntax and lowering findings too: their errors hold findings back.
            let mut files: Vec<(FileId, Vec<model::Node>)> = Vec::new();
            let mut errors = loaded.findings;
            for (id, f) in sources.files() {
                if f.kind == SourceKind::Spec && f.valid {
                    let (ast, errs) = syntax::parse_shared(id, &f.text);
                    let (nodes, more) = model::lower(&rules.schema, ast);
                    errors.extend(errs.into_iter().chain(more));
                    files.push((id, nodes));
                }
            }
            let (model, base) = assemble_lowered(&sources, files, errors, &rules, None);
            let n = model.nodes.len();
            let run = |scope: Option<&[bool]>| {
                let part = Part {
                    scope,
                    ..Part::all()
                };
                check_model(&sources, &model, &base, &rules, &overrides, today, part)
            };
            let all = run(None);
            // A rule's finding, or a judgement of a waiver by the findings on its node, is the
            // run's that judges its node; the others are in every run.
            let scoped = |f: &Finding| {
                code::lookup(&f.code).is_none()
                    || f.code == code::UNUSED_WAIVER.code
                    || f.code == code::EXPIRED_WAIVER.code
            };
            let node_of = |f: &Finding| f.nodes.first().and_then(|id| model.get(id));
            let partitions: Vec<Vec<bool>> = vec![
                vec![false; n],
                (0..n).map(|i| i % 2 == 0).collect(),
                (0..n).map(|i| i < n / 2).collect(),
                (0..n).map(|i| i % 3 == 1).collect(),
            ];
            for part in &partitions {
                let expected = all
                    .iter()
                    .filter(|f| !scoped(f) || node_of(f).is_some_and(|n| part[n.index()]));
                assert_eq!(bag(&run(Some(part))), bag(expected), "{}", dir.display());
            }
            // As the language server splits them: the nodes of each file, then the others,
            // each run reporting the earlier findings of its own files only (an error in
            // the other files still holds back what depends on it), its findings taken in
            // its own files.
            for file in model.files.iter().copied() {
                let part: Vec<bool> = model.nodes.iter().map(|n| n.header.file == file).collect();
                if !part.contains(&false) {
                    continue;
                }
                split_by_file += 1;
                let rest: Vec<bool> = part.iter().map(|b| !b).collect();
                let (mine, others) = (
                    |f: &Finding| f.span.file == file,
                    |f: &Finding| f.span.file != file,
                );
                let judge = |scope: &[bool], report: &(dyn Fn(&Finding) -> bool + Sync)| {
                    let part = Part {
                        scope: Some(scope),
                        report,
                    };
                    check_model(&sources, &model, &base, &rules, &overrides, today, part)
                };
                let (a, b) = (judge(&part, &mine), judge(&rest, &others));
                let joined = a
                    .iter()
                    .filter(|f| mine(f))
                    .chain(b.iter().filter(|f| others(f)));
                assert_eq!(bag(joined), bag(&all), "{}", dir.display());
            }
            judged += usize::from(!all.is_empty());
        }
        assert!(judged > 60, "{judged}");
        assert!(split_by_file > 5, "{split_by_file}");
    }
}
