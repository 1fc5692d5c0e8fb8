//! The one adapter between the language server and the core: reading the workspace from disk
//! (`source`), `align.toml` (`config`), the rule set (`rules`), parsing and lowering each spec
//! file (`syntax`, `model`) and the model and rules (`engine`). Every other file of `src/lsp/`
//! reads the [`Analysis`] this builds.
//!
//! Each spec file's lowered nodes and findings are cached by content: after an edit only the
//! changed file is parsed and lowered again; the model is assembled from the cached nodes and
//! the rules run on it.

use super::position::LineIndex;
use crate::base::span::Span;
use crate::base::{timing, ArcStr};
use crate::config::{Config, Overrides};
use crate::diag::{Finding, Lang};
use crate::engine;
use crate::model::{self, Model, Node};
use crate::rules::{RuleSet, RuleSetError};
use crate::source::{self, FileId, SourceFile, SourceKind, SourceSet};
use crate::syntax::{self, ast::Date};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the server was started with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `--rules DIR`; otherwise `rules` of `align.toml`, otherwise the embedded set.
    pub rules: Option<PathBuf>,
    /// `--lang`; otherwise `lang` of `align.toml`, otherwise the client's locale.
    pub lang: Option<Lang>,
    /// The date waivers are judged against.
    pub today: Date,
    pub max_file_size: u64,
}

/// One spec file read from disk.
#[derive(Debug, Clone)]
pub(crate) struct DiskFile {
    pub(crate) path: PathBuf,
    /// A lossy copy when the file is not UTF-8 (then `valid` is false).
    pub(crate) text: ArcStr,
    pub(crate) valid: bool,
    /// The finding about its bytes (not UTF-8), with a placeholder file ID.
    pub(crate) finding: Option<Finding>,
}

/// The spec files under the workspace folders, as on disk.
#[derive(Debug, Default)]
pub(crate) struct DiskScan {
    pub(crate) files: Vec<DiskFile>,
    /// Paths that could not be read, for the log.
    pub(crate) errors: Vec<String>,
}

/// Reads every `*.align` file under `roots` with the CLI's loader (hidden directories skipped,
/// symlinks kept inside their root, size limit, invalid UTF-8 as a finding).
pub(crate) fn read_disk(roots: &[PathBuf], max_file_size: u64) -> DiskScan {
    let roots: Vec<PathBuf> = roots.iter().filter(|r| r.is_dir()).cloned().collect();
    if roots.is_empty() {
        return DiskScan::default();
    }
    let loaded = source::load(&roots, max_file_size);
    let mut findings: HashMap<FileId, Finding> = loaded
        .findings
        .into_iter()
        .map(|f| (f.span.file, f))
        .collect();
    let files = loaded
        .sources
        .files()
        .map(|(id, f)| DiskFile {
            path: f.path.clone(),
            text: f.text.clone(),
            valid: f.valid,
            finding: findings.remove(&id),
        })
        .collect();
    let errors = loaded
        .errors
        .iter()
        .filter(|e| !matches!(e, source::SourceError::NoSpecs { .. }))
        .map(ToString::to_string)
        .collect();
    DiskScan { files, errors }
}

/// Decodes a file's bytes as the loader does (for a file re-read after it was closed).
pub(crate) fn decode(path: &Path, bytes: &[u8]) -> DiskFile {
    let (file, make) = source::decode(path.display().to_string(), path.to_path_buf(), bytes);
    DiskFile {
        path: path.to_path_buf(),
        text: file.text,
        valid: file.valid,
        finding: make.map(|m| m(FileId(0))),
    }
}

/// A spec file to check: an open document or a file on disk.
pub(crate) struct SpecInput<'a> {
    pub(crate) path: &'a Path,
    /// The name shown in messages (relative to its workspace folder).
    pub(crate) name: String,
    pub(crate) text: &'a str,
    /// The same text as read from disk, shared: the check's source is this one, not a copy.
    pub(crate) shared: Option<&'a ArcStr>,
    pub(crate) valid: bool,
    pub(crate) finding: Option<&'a Finding>,
    /// Open in the editor: its findings are made first (see [`Analysis::rest`]).
    pub(crate) open: bool,
}

/// What one check needs from the workspace.
pub(crate) struct Inputs<'a> {
    pub(crate) specs: Vec<SpecInput<'a>>,
    /// `align.toml` of the first workspace folder: its path, its directory and its text.
    pub(crate) config: Option<(PathBuf, PathBuf, String)>,
    /// The language the client runs in (`initialize`'s `locale`).
    pub(crate) client_lang: Option<Lang>,
}

/// A spec file of an analysis.
#[derive(Debug, Clone)]
pub(crate) struct SpecFile {
    pub(crate) id: FileId,
    /// Every declaration of a known kind, duplicates included, in source order.
    pub(crate) nodes: Arc<Vec<Node>>,
    pub(crate) lines: Arc<LineIndex>,
}

/// The result of one check of the workspace.
#[derive(Debug)]
pub(crate) struct Analysis {
    pub(crate) sources: SourceSet,
    /// `None` when the rule set could not be loaded.
    pub(crate) model: Option<Model>,
    pub(crate) rules: Option<Arc<RuleSet>>,
    /// The rule set is the embedded one (its codes are those of the bundled docs).
    pub(crate) embedded_rules: bool,
    /// Sorted by file, offset, code, with `align.toml`'s severities applied. While `rest`
    /// is pending, those of the open files only.
    pub(crate) findings: Vec<Finding>,
    /// The check of the files not open, when it is still to be done (see [`Rest`]).
    pub(crate) rest: Option<Rest>,
    pub(crate) specs: Vec<SpecFile>,
    pub(crate) lang: Lang,
    /// Problems to log (unreadable rule set…).
    pub(crate) messages: Vec<String>,
    by_path: HashMap<PathBuf, usize>,
    lines: HashMap<FileId, Arc<LineIndex>>,
}

/// What the second half of a check needs. After an edit the rules judge first only the
/// nodes of the open files, whose findings are then complete (every rule makes its findings
/// on the node it judges, inside that node's declaration: see `RuleSet::run_scoped`); the
/// other files' findings follow from a second run on the other nodes, when no message waits.
#[derive(Debug)]
pub(crate) struct Rest {
    basis: Basis,
    /// The open files, whose findings the first half made.
    pub(crate) open: HashSet<FileId>,
    /// The nodes not in an open file (indexed by node).
    scope: Vec<bool>,
}

impl Rest {
    /// Whether a finding on `id` made before the rules is in a file not open (the first half
    /// of the check has only the rules' findings on the open files' nodes, all in those files).
    fn elsewhere(&self, id: &str) -> bool {
        self.basis
            .base
            .iter()
            .any(|f| !self.open.contains(&f.span.file) && f.nodes.first().is_some_and(|n| n == id))
    }
}

/// What the rules judge a model's nodes with, in either half of a check.
#[derive(Debug)]
struct Basis {
    /// The findings before the rules (syntax, lowering, the model's own).
    base: Vec<Finding>,
    overrides: Overrides,
    today: Date,
}

impl Basis {
    /// The rules on the nodes of `part`, with the findings made before them that it reports,
    /// with `align.toml`'s severities.
    fn judge(
        &self,
        sources: &SourceSet,
        model: &Model,
        rules: &RuleSet,
        part: engine::Part<'_>,
    ) -> Vec<Finding> {
        let found = engine::check_model(
            sources,
            model,
            &self.base,
            rules,
            &self.overrides,
            self.today,
            part,
        );
        self.overrides.apply(found)
    }
}

impl Analysis {
    /// Completes a check of which only the open files' findings are made ([`Analysis::rest`]):
    /// the findings of the other files, added in order. Returns the open files (whose
    /// findings were complete before), if the check was not complete.
    pub(crate) fn finish(&mut self) -> Option<HashSet<FileId>> {
        let rest = self.rest.take()?;
        let elsewhere = |f: &Finding| !rest.open.contains(&f.span.file);
        let mut found = self.judge(&rest, &rest.scope, &elsewhere);
        found.retain(elsewhere);
        self.findings.extend(found);
        crate::source::sort(&mut self.findings, &self.sources);
        Some(rest.open)
    }

    /// The rules on the nodes in `scope`, with the findings made before them that `report`
    /// takes, with `align.toml`'s severities (nothing without a model or a rule set).
    fn judge(
        &self,
        rest: &Rest,
        scope: &[bool],
        report: &(dyn Fn(&Finding) -> bool + Sync),
    ) -> Vec<Finding> {
        let (Some(model), Some(rules)) = (&self.model, &self.rules) else {
            return Vec::new();
        };
        let part = engine::Part {
            scope: Some(scope),
            report,
        };
        rest.basis.judge(&self.sources, model, rules, part)
    }

    /// The findings on the node `id` (those whose first node it is), in order. While the
    /// files not open are still to be checked, a node declared in one is judged alone (a run
    /// on one node gives its findings as a run on all: see `RuleSet::run_scoped`).
    pub(crate) fn findings_on(&self, id: &str) -> Vec<Cow<'_, Finding>> {
        let on = |f: &Finding| f.nodes.first().is_some_and(|n| n == id);
        let judged = (|| {
            let rest = self.rest.as_ref()?;
            let model = self.model.as_ref()?;
            let n = model.get(id)?;
            if rest.open.contains(&model.node(n).header.file) && !rest.elsewhere(id) {
                return None;
            }
            let mut scope = vec![false; model.nodes.len()];
            scope[n.index()] = true;
            Some(self.judge(rest, &scope, &on))
        })();
        match judged {
            Some(found) => found.into_iter().filter(on).map(Cow::Owned).collect(),
            None => self
                .findings
                .iter()
                .filter(|f| on(f))
                .map(Cow::Borrowed)
                .collect(),
        }
    }

    pub(crate) fn spec(&self, path: &Path) -> Option<&SpecFile> {
        self.by_path.get(path).map(|&i| &self.specs[i])
    }

    pub(crate) fn spec_by_id(&self, id: FileId) -> Option<&SpecFile> {
        self.specs.iter().find(|s| s.id == id)
    }

    pub(crate) fn file(&self, id: FileId) -> Option<&SourceFile> {
        (usize::try_from(id.0).ok()? < self.sources.len()).then(|| self.sources.get(id))
    }

    pub(crate) fn text(&self, id: FileId) -> &str {
        self.file(id).map_or("", |f| f.text.as_str())
    }

    pub(crate) fn lines(&self, id: FileId) -> Option<&LineIndex> {
        self.lines.get(&id).map(AsRef::as_ref)
    }

    /// The line index of a file, shared with later analyses while its text is unchanged.
    pub(crate) fn line_index(&self, id: FileId) -> Option<&Arc<LineIndex>> {
        self.lines.get(&id)
    }

    /// The path of a file that exists on disk (not an embedded rule-set file).
    pub(crate) fn path(&self, id: FileId) -> Option<&Path> {
        self.file(id)
            .filter(|f| !f.name.starts_with("<builtin>"))
            .map(|f| f.path.as_path())
    }
}

/// A file's lowering, kept while its text is unchanged.
struct Lowered {
    /// The schema, file ID and validity it was lowered with (hashed), and the text (compared
    /// as it is when the run's source is made, which costs less than hashing every file's text
    /// on each edit; an unchanged file's source is this very text).
    key: u64,
    /// The text the nodes are views into (the run's source of the file, shared).
    text: ArcStr,
    nodes: Arc<Vec<Node>>,
    findings: Arc<Vec<Finding>>,
    lines: Arc<LineIndex>,
}

/// A rule set loaded earlier, with the files it was loaded from.
struct LoadedRules {
    /// `None`: the embedded set.
    dir: Option<PathBuf>,
    /// The file ID its first file was registered at (its spans point there).
    base: usize,
    /// The bytes of `schema.toml` and `rules.toml` of `dir` as read.
    bytes: Vec<Vec<u8>>,
    /// The files registered for its spans.
    files: Vec<(String, PathBuf, ArcStr, bool)>,
    set: Arc<RuleSet>,
}

/// Builds analyses, keeping between them each spec file's lowering and the rule set (loaded
/// again when its files change).
#[derive(Default)]
pub(crate) struct Analyzer {
    cache: HashMap<PathBuf, Lowered>,
    rules: Option<LoadedRules>,
    memo: model::SuggestMemo,
}

const RULE_FILES: [&str; 2] = ["schema.toml", "rules.toml"];

impl Analyzer {
    /// The rule set of `dir` (else the embedded one), its files registered in `sources`: the
    /// one loaded before when its files are the same bytes and register at the same IDs.
    fn rule_set(
        &mut self,
        dir: Option<&PathBuf>,
        sources: &mut SourceSet,
    ) -> Result<Arc<RuleSet>, RuleSetError> {
        let base = sources.len();
        let bytes: Option<Vec<Vec<u8>>> = match dir {
            None => Some(Vec::new()),
            Some(d) => RULE_FILES
                .iter()
                .map(|n| std::fs::read(d.join(n)).ok())
                .collect(),
        };
        if let (Some(cached), Some(bytes)) = (&self.rules, &bytes) {
            if cached.dir.as_ref() == dir && cached.base == base && &cached.bytes == bytes {
                for (name, path, text, valid) in &cached.files {
                    sources.add(SourceFile::new(
                        name.clone(),
                        path.clone(),
                        SourceKind::Config,
                        text.clone(),
                        *valid,
                    ));
                }
                return Ok(Arc::clone(&cached.set));
            }
        }
        self.rules = None;
        let set = Arc::new(match dir {
            Some(d) => RuleSet::from_dir(d, sources)?,
            None => RuleSet::embedded(sources)?,
        });
        if let Some(bytes) = bytes {
            let files = sources
                .files()
                .skip(base)
                .map(|(_, f)| (f.name.clone(), f.path.clone(), f.text.clone(), f.valid))
                .collect();
            self.rules = Some(LoadedRules {
                dir: dir.cloned(),
                base,
                bytes,
                files,
                set: Arc::clone(&set),
            });
        }
        Ok(set)
    }

    /// The nodes of the next model, by file. A file unchanged since the previous analysis (not
    /// lowered again: the same text at the same file ID under the same schema) takes its nodes
    /// from the previous model, moved, not copied; the others copy the cached ones, files in
    /// parallel. The previous model holds a file's nodes less the duplicates of IDs declared
    /// before: only a file whose nodes are all there is taken.
    fn model_nodes(
        &self,
        specs: &[(FileId, &SpecInput<'_>)],
        lowered_now: &HashSet<PathBuf>,
        previous: Option<Model>,
    ) -> Vec<(FileId, Vec<Node>)> {
        let mut old = previous.map(|m| by_file(m.nodes)).unwrap_or_default();
        let jobs: Vec<(FileId, &Lowered, Option<Vec<Node>>)> = specs
            .iter()
            .filter(|(_, spec)| spec.valid)
            .filter_map(|(id, spec)| {
                let cached = self.cache.get(spec.path)?;
                let taken = old.remove(id).filter(|nodes| {
                    !lowered_now.contains(spec.path) && nodes.len() == cached.nodes.len()
                });
                Some((*id, cached, taken))
            })
            .collect();
        jobs.into_par_iter()
            .map(|(id, cached, taken)| (id, taken.unwrap_or_else(|| cached.nodes.to_vec())))
            .collect()
    }
}

impl Analyzer {
    #[cfg(test)]
    pub(crate) fn analyze(&mut self, inputs: &Inputs<'_>, settings: &Settings) -> Analysis {
        self.analyze_after(inputs, settings, None)
    }

    /// [`Analyzer::analyze`], taking the nodes of the files left unchanged since `previous`
    /// (the model of this analyzer's last analysis) rather than copying them from the cache.
    #[expect(
        clippy::too_many_lines,
        reason = "the stages of one check, each reusing its cache; to split with the per-edit work"
    )]
    pub(crate) fn analyze_after(
        &mut self,
        inputs: &Inputs<'_>,
        settings: &Settings,
        previous: Option<Model>,
    ) -> Analysis {
        let mut sources = SourceSet::new();
        let mut findings: Vec<Finding> = Vec::new();
        let mut messages = Vec::new();

        // align.toml: its problems are shown in it; the specs are then checked without it.
        let config = inputs.config.as_ref().and_then(|(path, root, text)| {
            let id = sources.add(SourceFile::new(
                path.display().to_string(),
                path.clone(),
                SourceKind::Config,
                text.clone(),
                true,
            ));
            Config::parse(id, text, root.clone())
                .map_err(|f| findings.extend(f))
                .ok()
        });
        let lang = settings
            .lang
            .or(config.as_ref().and_then(|c| c.lang))
            .or(inputs.client_lang)
            .unwrap_or(Lang::En);

        let rules_dir = settings
            .rules
            .clone()
            .or_else(|| config.as_ref().and_then(|c| c.rules.clone()));
        let rules = match self.rule_set(rules_dir.as_ref(), &mut sources) {
            Ok(set) => Some(set),
            Err(RuleSetError::Io(msg)) => {
                messages.push(format!("the rule set cannot be used: {msg}"));
                None
            }
            Err(RuleSetError::Invalid(f)) => {
                messages.push("the rule set is invalid; nothing was checked".to_owned());
                findings.extend(f);
                None
            }
        };
        let overrides = match (&config, &rules) {
            (Some(c), Some(set)) => c.overrides(set).unwrap_or_else(|f| {
                findings.extend(f);
                Overrides::default()
            }),
            _ => Overrides::default(),
        };
        // The schema's text is part of every file's cache key: a new schema lowers anew.
        let schema_key = {
            let mut h = DefaultHasher::new();
            for (_, f) in sources.files() {
                f.text.hash(&mut h);
            }
            h.finish()
        };

        let mut specs = Vec::new();
        for spec in &inputs.specs {
            // A file on disk is checked in the text read (shared); an open document whose text
            // has not changed keeps the text its cached nodes are views into. Either way no
            // copy, and the cache's check below is a comparison of two pointers.
            let text = match (spec.shared, self.cache.get(spec.path)) {
                (Some(shared), _) => shared.clone(),
                (None, Some(c)) if *c.text == *spec.text => c.text.clone(),
                (None, _) => ArcStr::from(spec.text),
            };
            let file = SourceFile::new_lazy(
                spec.name.clone(),
                spec.path.to_path_buf(),
                SourceKind::Spec,
                text,
                spec.valid,
            );
            if config
                .as_ref()
                .is_some_and(|c| c.excludes_file(&file.name, &file.path))
            {
                continue;
            }
            let id = sources.add(file);
            if let Some(f) = spec.finding {
                let mut f = f.clone();
                f.span.file = id;
                findings.push(f);
            }
            specs.push((id, spec));
        }

        let schema = rules.as_ref().map(|r| &r.schema);
        let keys: Vec<u64> = specs
            .iter()
            .map(|(id, spec)| {
                let mut h = DefaultHasher::new();
                (schema_key, id.0, spec.valid).hash(&mut h);
                h.finish()
            })
            .collect();
        // Lower the files whose text (or file ID, or schema) changed, in parallel.
        let lower_start = std::time::Instant::now();
        let fresh: Vec<(PathBuf, Lowered)> = specs
            .par_iter()
            .zip(keys.par_iter())
            .filter(|((id, spec), key)| {
                self.cache.get(spec.path).is_none_or(|c| {
                    c.key != **key || !ArcStr::ptr_eq(&c.text, &sources.get(*id).text)
                })
            })
            .map(|((id, spec), key)| {
                let (nodes, errs) = match schema {
                    // Offsets are 32-bit: an open document past 4 GiB is not parsed.
                    Some(schema) if spec.valid && spec.text.len() <= Span::MAX_OFFSET => {
                        let (ast, mut errs) = syntax::parse_shared(*id, &sources.get(*id).text);
                        let (nodes, more) = model::lower(schema, ast);
                        errs.extend(more);
                        (nodes, errs)
                    }
                    _ => (Vec::new(), Vec::new()),
                };
                let lowered = Lowered {
                    key: *key,
                    text: sources.get(*id).text.clone(),
                    nodes: Arc::new(nodes),
                    findings: Arc::new(errs),
                    lines: Arc::new(LineIndex::new(spec.text)),
                };
                (spec.path.to_path_buf(), lowered)
            })
            .collect();
        timing::report("parse and lower the changed files", lower_start);
        let lowered_now: HashSet<PathBuf> = fresh.iter().map(|(p, _)| p.clone()).collect();
        self.cache.extend(fresh);
        let paths: HashSet<&Path> = specs.iter().map(|(_, s)| s.path).collect();
        self.cache.retain(|path, _| paths.contains(path.as_path()));

        // The model owns its nodes: moved from the previous model where they can be.
        let files = timing::time("copy the cached nodes", || {
            self.model_nodes(&specs, &lowered_now, previous)
        });
        let mut spec_files = Vec::with_capacity(specs.len());
        let mut by_path = HashMap::with_capacity(specs.len());
        let mut lines = HashMap::with_capacity(sources.len());
        for (id, spec) in &specs {
            let Some(c) = self.cache.get(spec.path) else {
                continue;
            };
            findings.extend(c.findings.iter().cloned());
            by_path.insert(spec.path.to_path_buf(), spec_files.len());
            lines.insert(*id, Arc::clone(&c.lines));
            spec_files.push(SpecFile {
                id: *id,
                nodes: Arc::clone(&c.nodes),
                lines: Arc::clone(&c.lines),
            });
        }
        for (id, f) in sources.files() {
            if f.kind == SourceKind::Config {
                lines.insert(id, Arc::new(LineIndex::new(&f.text)));
            }
        }

        let open: HashSet<FileId> = specs
            .iter()
            .filter(|(_, spec)| spec.open)
            .map(|(id, _)| *id)
            .collect();
        let mut rest = None;
        let (model, findings) = match &rules {
            Some(set) if !specs.is_empty() => {
                let (model, base) =
                    engine::assemble_lowered(&sources, files, findings, set, Some(&mut self.memo));
                // The open files' nodes judged first, when there are others too: their
                // findings are published before the rest of the workspace is checked.
                let scope: Vec<bool> = model
                    .nodes
                    .iter()
                    .map(|n| open.contains(&n.header.file))
                    .collect();
                let split = scope.contains(&true) && scope.contains(&false);
                let in_open = |f: &Finding| !split || open.contains(&f.span.file);
                let part = engine::Part {
                    scope: split.then_some(scope.as_slice()),
                    report: &in_open,
                };
                let basis = Basis {
                    base,
                    overrides,
                    today: settings.today,
                };
                let mut found = basis.judge(&sources, &model, set, part);
                if split {
                    found.retain(|f| open.contains(&f.span.file));
                    rest = Some(Rest {
                        basis,
                        open,
                        scope: scope.iter().map(|b| !b).collect(),
                    });
                }
                (Some(model), found)
            }
            _ => {
                crate::source::sort(&mut findings, &sources);
                (None, findings)
            }
        };
        Analysis {
            sources,
            model,
            rules,
            embedded_rules: rules_dir.is_none(),
            findings,
            rest,
            specs: spec_files,
            lang,
            messages,
            by_path,
            lines,
        }
    }
}

/// A model's nodes split into the runs of each file (a model holds them in file order).
fn by_file(nodes: Vec<Node>) -> HashMap<FileId, Vec<Node>> {
    // Each file's vector made at its size: grown a node at a time, the nodes were copied
    // again at every doubling.
    let mut counts: HashMap<FileId, usize> = HashMap::new();
    for node in &nodes {
        *counts.entry(node.header.file).or_default() += 1;
    }
    let mut out: HashMap<FileId, Vec<Node>> = counts
        .into_iter()
        .map(|(file, n)| (file, Vec::with_capacity(n)))
        .collect();
    for node in nodes {
        out.entry(node.header.file).or_default().push(node);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Substr;

    fn settings() -> Settings {
        Settings {
            rules: None,
            lang: None,
            today: Date::new(2026, 11, 24).unwrap(),
            max_file_size: source::DEFAULT_MAX_FILE_SIZE,
        }
    }

    fn inputs(files: &[(PathBuf, String)]) -> Inputs<'_> {
        Inputs {
            specs: files.iter().map(|(p, t)| spec_input(p, t, None)).collect(),
            config: None,
            client_lang: None,
        }
    }

    /// A closed spec file, valid, its text shared when it was read from disk.
    fn spec_input<'a>(path: &'a Path, text: &'a str, shared: Option<&'a ArcStr>) -> SpecInput<'a> {
        SpecInput {
            path,
            name: path.display().to_string(),
            text,
            shared,
            valid: true,
            finding: None,
            open: false,
        }
    }

    #[test]
    fn an_opt_in_rule_runs_when_align_toml_switches_it_on() {
        let spec = "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\n\
                    kpi K1 \"k\" { measures [G1]; method follow-up }\n";
        let files = vec![(PathBuf::from("/ws/a.align"), spec.to_owned())];
        let codes = |config: Option<&str>| {
            let mut inputs = inputs(&files);
            inputs.config = config.map(|c| {
                (
                    PathBuf::from("/ws/align.toml"),
                    PathBuf::from("/ws"),
                    c.to_owned(),
                )
            });
            let analysis = Analyzer::default().analyze(&inputs, &settings());
            analysis
                .findings
                .iter()
                .map(|f| f.code.to_string())
                .collect::<Vec<_>>()
        };
        // kpi-without-kgi (ALN106) is off by default, as in `align check`.
        assert!(!codes(None).contains(&"ALN106".to_owned()));
        let on = codes(Some("[severity]\nkpi-without-kgi = \"warning\"\n"));
        assert!(on.contains(&"ALN106".to_owned()), "{on:?}");
    }

    #[test]
    fn same_findings_as_the_cli_engine_on_the_bundled_specs() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let scan = read_disk(std::slice::from_ref(&root), source::DEFAULT_MAX_FILE_SIZE);
        let files: Vec<(PathBuf, String)> = scan
            .files
            .iter()
            .map(|f| (f.path.clone(), f.text.to_string()))
            .collect();
        let analysis = Analyzer::default().analyze(&inputs(&files), &settings());

        let mut loaded = source::load(&[root], source::DEFAULT_MAX_FILE_SIZE);
        let set = RuleSet::embedded(&mut loaded.sources).unwrap();
        let run = engine::check_loaded(loaded, set, settings().today);
        let key = |f: &Finding, s: &SourceSet| {
            (
                s.get(f.span.file).path.clone(),
                f.span.start(),
                f.code.clone(),
                f.message.en().into_owned(),
            )
        };
        let ours: Vec<_> = analysis
            .findings
            .iter()
            .map(|f| key(f, &analysis.sources))
            .collect();
        let cli: Vec<_> = run.findings.iter().map(|f| key(f, &run.sources)).collect();
        assert!(!cli.is_empty());
        assert_eq!(ours, cli);
    }

    /// What an analysis gives the client, in a form to compare.
    fn shown(a: &Analysis) -> Vec<(PathBuf, Finding)> {
        a.findings
            .iter()
            .map(|f| (a.sources.get(f.span.file).path.clone(), f.clone()))
            .collect()
    }

    /// What a client holds for the files of `a` not in `open`, sorted by URI.
    fn not_open(
        client: &HashMap<lsp_types::Uri, Vec<lsp_types::Diagnostic>>,
        a: &Analysis,
        open: &HashSet<FileId>,
    ) -> Vec<(lsp_types::Uri, Vec<lsp_types::Diagnostic>)> {
        let open: HashSet<lsp_types::Uri> = open
            .iter()
            .filter_map(|&id| a.path(id).and_then(crate::lsp::uri::from_path))
            .collect();
        let mut held: Vec<_> = client
            .iter()
            .filter(|(u, d)| !open.contains(*u) && !d.is_empty())
            .map(|(u, d)| (u.clone(), d.clone()))
            .collect();
        held.sort_by(|a, b| a.0.cmp(&b.0));
        held
    }

    /// The findings on every fifth node of `whole`, before the rest of `split` is checked
    /// (a node in a file not open is judged alone), are `whole`'s.
    fn findings_on_nodes_equal(split: &Analysis, whole: &Analysis, step: usize) {
        let ids: Vec<&Substr> = whole
            .model
            .iter()
            .flat_map(|m| &m.nodes)
            .map(|n| &n.id)
            .collect();
        for id in ids.into_iter().step_by(5) {
            let alone: Vec<Finding> = split
                .findings_on(id)
                .into_iter()
                .map(Cow::into_owned)
                .collect();
            let all: Vec<Finding> = whole
                .findings
                .iter()
                .filter(|f| f.nodes.first() == Some(id))
                .cloned()
                .collect();
            assert_eq!(alone, all, "step {step}, {id}");
        }
    }

    /// One analyzer kept across edits gives, after each, exactly what a fresh one gives:
    /// edits that rename, add, duplicate and remove IDs (whose findings land in other files),
    /// break and mend the syntax, drop and restore a file.
    #[test]
    fn an_analyzer_kept_across_edits_equals_a_fresh_one() {
        use crate::lsp::diagnostics::Part;
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let scan = read_disk(std::slice::from_ref(&root), source::DEFAULT_MAX_FILE_SIZE);
        let original: Vec<(PathBuf, String)> = scan
            .files
            .iter()
            .map(|f| (f.path.clone(), f.text.to_string()))
            .collect();
        let edit = |file: &str, from: &str, to: &str| {
            let mut files = original.clone();
            let f = files.iter_mut().find(|(p, _)| p.ends_with(file)).unwrap();
            assert!(f.1.contains(from), "{file}: {from}");
            f.1 = f.1.replacen(from, to, 1);
            files
        };
        let steps = vec![
            original.clone(),
            // A goal renamed: items and KPIs in other files point at nothing.
            edit("plan.align", "goal G1.3 ", "goal G1.9 "),
            original.clone(),
            // A typo in a reference, then a new ID that is closer to it.
            edit("programs.align", "covers [I1.3.1,", "covers [I1.3.7,"),
            {
                let mut f = edit("programs.align", "covers [I1.3.1,", "covers [I1.3.7,");
                f[0].1.push_str("\nitem I1.3.8 \"new\" { goal G1.3 }\n");
                f
            },
            // A duplicate of another file's ID.
            {
                let mut f = original.clone();
                f[0].1.push_str("\ngoal G1.3 \"copy\" { policy V1 }\n");
                f
            },
            // A syntax error, then mended.
            edit("plan.align", "goal G1.3 ", "goal G1.3 \"unclosed "),
            original.clone(),
            // A file gone, then back.
            original[1..].to_vec(),
            original.clone(),
            // A line added in the programs without moving a byte (an indent's space becomes a
            // newline): findings elsewhere that point into it keep their byte spans, equal
            // findings, but their related information moves down a line.
            edit("programs.align", "\n  ", "\n\n "),
            original.clone(),
        ];
        let mut kept = Analyzer::default();
        // What the client holds, from the publications of a server kept across the edits.
        let mut published = crate::lsp::diagnostics::Published::default();
        let mut client: HashMap<lsp_types::Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
        let docs = crate::lsp::diagnostics::DocsUrl::default();
        // The last model, whose unchanged files' nodes the next analysis takes.
        let mut last: Option<Model> = None;
        // The same with one file open (another at each step): its findings are made first,
        // published, then the others'.
        let mut kept_open = Analyzer::default();
        let mut published_open = crate::lsp::diagnostics::Published::default();
        let mut client_open: HashMap<lsp_types::Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
        let mut last_open: Option<Model> = None;
        let publish = |published: &mut crate::lsp::diagnostics::Published,
                       client: &mut HashMap<lsp_types::Uri, Vec<lsp_types::Diagnostic>>,
                       a: &Analysis,
                       part: Part<'_>| {
            for uri in published.update(a, &docs, part) {
                let diagnostics = published.diagnostics(&uri).to_vec();
                client.insert(uri, diagnostics);
            }
        };
        for (i, files) in steps.iter().enumerate() {
            let mut with_one_open = inputs(files);
            with_one_open.specs[i % files.len()].open = true;
            let mut split = kept_open.analyze_after(&with_one_open, &settings(), last_open.take());
            let open = split
                .rest
                .as_ref()
                .map(|r| r.open.clone())
                .unwrap_or_default();
            assert_eq!(open.len(), 1, "step {i}");
            let whole = Analyzer::default().analyze(&inputs(files), &settings());
            findings_on_nodes_equal(&split, &whole, i);
            // The first half publishes the open file only: the client keeps what it holds
            // for the others until the second.
            let held = not_open(&client_open, &split, &open);
            publish(
                &mut published_open,
                &mut client_open,
                &split,
                Part::Open(&open),
            );
            assert_eq!(
                not_open(&client_open, &split, &open),
                held,
                "step {i}, first half"
            );
            assert_eq!(split.finish(), Some(open.clone()), "step {i}");
            publish(
                &mut published_open,
                &mut client_open,
                &split,
                Part::Others(&open),
            );
            client_open.retain(|_, d| !d.is_empty());
            last_open = split.model.take();

            let mut incremental = kept.analyze_after(&inputs(files), &settings(), last.take());
            let fresh = Analyzer::default().analyze(&inputs(files), &settings());
            assert_eq!(shown(&incremental), shown(&fresh), "step {i}");
            let nodes = |a: &Analysis| format!("{:?}", a.model.as_ref().map(|m| &m.nodes));
            assert_eq!(nodes(&incremental), nodes(&fresh), "step {i}");
            assert!(!fresh.findings.is_empty());
            publish(&mut published, &mut client, &incremental, Part::All);
            client.retain(|_, d| !d.is_empty());
            let mut all_at_once = crate::lsp::diagnostics::Published::default();
            let all: HashMap<_, _> = all_at_once
                .update(&fresh, &docs, Part::All)
                .into_iter()
                .map(|uri| {
                    let diagnostics = all_at_once.diagnostics(&uri).to_vec();
                    (uri, diagnostics)
                })
                .collect();
            assert_eq!(client, all, "step {i}");
            assert_eq!(client_open, all, "step {i}, one file open");
            assert_eq!(shown(&split), shown(&fresh), "step {i}, one file open");
            last = incremental.model.take();
        }
        // The shift above reaches findings of other files.
        let programs = steps[0]
            .iter()
            .position(|(p, _)| p.ends_with("programs.align"));
        let fresh = Analyzer::default().analyze(&inputs(&steps[0]), &settings());
        assert!(fresh.findings.iter().any(|f| {
            let file = |id: FileId| fresh.path(id).map(Path::to_path_buf);
            let programs = programs.map(|i| steps[0][i].0.clone());
            file(f.span.file) != programs && f.labels.iter().any(|l| file(l.span.file) == programs)
        }));
    }

    #[test]
    fn an_edit_lowers_only_the_changed_file_again() {
        let mut files = vec![
            (
                PathBuf::from("/w/a.align"),
                "goal G1 \"g\" { policy V1 }\n".to_owned(),
            ),
            (PathBuf::from("/w/b.align"), "policy V1 \"p\"\n".to_owned()),
        ];
        let mut analyzer = Analyzer::default();
        let first = analyzer.analyze(&inputs(&files), &settings());
        let b_nodes = Arc::clone(&first.spec(&files[1].0).unwrap().nodes);
        files[0].1 = "goal G1 \"g\" { policy V2 }\n".to_owned();
        let second = analyzer.analyze(&inputs(&files), &settings());
        assert!(Arc::ptr_eq(
            &b_nodes,
            &second.spec(&files[1].0).unwrap().nodes
        ));
        assert!(second
            .findings
            .iter()
            .any(|f| f.code == "ALN060" && f.message.en().contains("V2")));
        assert!(!first.findings.iter().any(|f| f.code == "ALN060"));
    }

    fn disk_inputs(files: &[(PathBuf, ArcStr)]) -> Inputs<'_> {
        Inputs {
            specs: files
                .iter()
                .map(|(p, t)| spec_input(p, t, Some(t)))
                .collect(),
            ..inputs(&[])
        }
    }

    /// Files as read from disk are checked in their shared text: a file read again (a new
    /// text) is lowered again, one whose text is the one read before is not.
    #[test]
    fn a_file_on_disk_is_lowered_again_only_when_read_again() {
        let mut files = [
            (
                PathBuf::from("/w/a.align"),
                ArcStr::from("goal G1 \"g\" { policy V1 }\n"),
            ),
            (
                PathBuf::from("/w/b.align"),
                ArcStr::from("policy V1 \"p\"\n"),
            ),
        ];
        let mut analyzer = Analyzer::default();
        let first = analyzer.analyze(&disk_inputs(&files), &settings());
        let paths = [files[0].0.clone(), files[1].0.clone()];
        let nodes = |a: &Analysis, i: usize| Arc::clone(&a.spec(&paths[i]).unwrap().nodes);
        let (a_nodes, b_nodes) = (nodes(&first, 0), nodes(&first, 1));
        files[0].1 = ArcStr::from("goal G1 \"g\" { policy V2 }\n");
        let second = analyzer.analyze(&disk_inputs(&files), &settings());
        assert!(Arc::ptr_eq(&b_nodes, &nodes(&second, 1)));
        assert!(!Arc::ptr_eq(&a_nodes, &nodes(&second, 0)));
        assert!(second
            .findings
            .iter()
            .any(|f| f.code == "ALN060" && f.message.en().contains("V2")));
    }
}
