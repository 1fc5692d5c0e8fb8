//! The gap report's view model: one pure function from a run's [`Input`] to the sections of
//! `align report`, which the HTML and Markdown renderers only lay out.
//!
//! Nothing here knows a kind or a relation by name. The rows of the coverage table are the
//! kind of the rule set's first `coverage` rule; its columns are the coverage rules on that
//! kind; the groups (policy → goal in the basic plan) are the kinds reached from it through the
//! schema's `hierarchy`; the figures are those of `align stats` ([`super::stats::gather`]).
//! Every piece of spec text passes through [`super::sanitize`] here, once; the renderers
//! escape it for their format.

use super::docs::Entry;
use super::location::Location;
use super::sanitize::line as sanitized;
use super::stats::{self, GateSection, SeriesRow};
use super::Input;
use crate::analysis::format_number;
use crate::base::{with_article, Lang, Text};
use crate::diag::Code;
use crate::diag::{code, Finding, Severity};
use crate::model::{AttrValue, KindId, Model, NodeIx};
use crate::rules::{Coverage, Rule, RuleType};
use crate::syntax::ast::{Value, ValueKind};
use std::collections::{HashMap, HashSet};

/// From this many rows on, covered rows of the coverage table are shown compactly (ID and
/// counts) and the plan tree stops above the rows; gaps are always shown in full.
pub const COMPACT_FROM: usize = 2000;
/// The goals × programs grid is shown up to this many columns and rows.
pub const GRID_MAX_COLS: usize = 40;
pub const GRID_MAX_ROWS: usize = 300;
/// Conclusions on the first screen; the rest are counted.
pub const MAX_CONCLUSIONS: usize = 6;
/// Nodes listed per incoming relation of an entity; the rest are counted.
const MAX_INCOMING: usize = 12;
/// Spec files named in the header; the rest are counted.
const MAX_FILES: usize = 20;

/// The whole report, in one language.
#[derive(Debug)]
pub struct Gap {
    pub lang: Lang,
    pub header: Header,
    /// The first screen: the alignment gaps, one sentence each (message and its details).
    pub conclusions: Vec<Conclusion>,
    /// Conclusions not shown.
    pub more_conclusions: usize,
    /// Sentences of counts, one per rule with findings.
    pub sentences: Vec<String>,
    /// What the coverage table's rows are (`取り組むべき事項`), if the rule set has a
    /// coverage rule.
    pub rows_label: Option<String>,
    /// The coverage rules on the rows' kind: the columns of the table and of the shares.
    pub measures: Vec<Measure>,
    /// The levels of grouping, top down (`基本方針`, `ゴール`).
    pub levels: Vec<String>,
    /// Per group node, the share of rows covered per measure.
    pub shares: Vec<Share>,
    /// Errors then warnings, grouped by the nodes' groups.
    pub gaps: Vec<Group<GapEntry>>,
    pub coverage: Vec<Group<Row>>,
    /// Covered rows are shown compactly (many rows).
    pub compact: bool,
    pub grid: GridView,
    /// The kinds that cover or measure the rows (programs, KPIs), each with its nodes.
    pub entities: Vec<EntitySection>,
    /// The stage-gate figures of `align stats`, if the rule set has a stage-gate rule.
    pub gates: Option<GateSection>,
    pub gates_kind: Option<String>,
    pub waivers: Vec<WaiverRow>,
    /// The plan's structure in pre-order.
    pub tree: Vec<TreeLine>,
    /// The tree stops above the rows (many rows).
    pub tree_truncated: bool,
    pub findings: Vec<FindingRow>,
}

#[derive(Debug, Clone)]
pub struct Header {
    /// The plan's title (or the rule set's description when there is no plan node).
    pub title: String,
    pub plan_id: Option<String>,
    /// The plan's own values (period, as-of, decided …) as `(key, value)`.
    pub facts: Vec<(String, String)>,
    /// The date the report was made (the date waivers were judged against).
    pub date: String,
    pub version: &'static str,
    pub rule_set: String,
    pub files: Vec<String>,
    pub more_files: usize,
    /// `error: 1 error, 6 warnings …`.
    pub summary_line: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// A node as shown: ID, title, and the index of its kind (for colours and anchors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRef {
    pub id: String,
    pub title: String,
    pub kind: usize,
}

#[derive(Debug, Clone)]
pub struct Conclusion {
    pub severity: Severity,
    pub code: Code,
    pub node: String,
    pub text: String,
    /// The finding's secondary labels: where the other end is, what it lacks.
    pub details: Vec<String>,
    /// Where in the plan: the node's nearest group (`ゴール G2.1「…」`).
    pub context: Option<String>,
}

/// One coverage rule on the rows' kind: a column.
#[derive(Debug, Clone)]
pub struct Measure {
    pub code: Code,
    pub slug: String,
    /// The kind that covers (`事業`, `KPI`).
    pub source: String,
    pub source_kind: usize,
}

#[derive(Debug, Clone)]
pub struct Share {
    /// 0 for the top level.
    pub depth: usize,
    pub node: NodeRef,
    /// `(covered, checked)` per measure.
    pub counts: Vec<(usize, usize)>,
}

/// Entries under a group path (top down); an empty path is "elsewhere".
#[derive(Debug, Clone)]
pub struct Group<T> {
    pub path: Vec<NodeRef>,
    pub entries: Vec<T>,
}

#[derive(Debug, Clone)]
pub struct GapEntry {
    pub severity: Severity,
    pub code: Code,
    pub slug: String,
    pub nodes: Vec<String>,
    pub message: String,
    /// The finding's own label: what is missing here.
    pub missing: Option<String>,
    pub details: Vec<String>,
    pub notes: Vec<String>,
    /// The rule's `why`.
    pub why: String,
    /// `specs/plan.align:145`.
    pub location: String,
    pub help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Covered,
    Gap,
    Waived,
}

impl Status {
    pub fn word(self, lang: Lang) -> &'static str {
        match self {
            Status::Covered => lang.pick("covered", "対応済み"),
            Status::Gap => lang.pick("gap", "乖離"),
            Status::Waived => lang.pick("waived", "例外"),
        }
    }

    /// A class name and the mark of the tree.
    pub fn class(self) -> &'static str {
        match self {
            Status::Covered => "ok",
            Status::Gap => "gap",
            Status::Waived => "wv",
        }
    }
}

/// A source linked to a row, directly or through an ancestor (`via`).
#[derive(Debug, Clone)]
pub struct Link {
    pub id: String,
    pub via: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub node: NodeRef,
    /// Per measure: the linked sources and the status (`None`: the rule does not check it).
    pub cells: Vec<(Vec<Link>, Option<Status>)>,
    pub status: Status,
}

#[derive(Debug, Clone)]
pub enum GridView {
    /// No groups or no coverage rule.
    None,
    /// Too many rows or columns to draw.
    TooLarge {
        rows: usize,
        cols: usize,
    },
    Shown(Grid),
}

/// Groups (goals) × sources (programs): how many rows of each group each source is linked to.
#[derive(Debug, Clone)]
pub struct Grid {
    pub rows: Vec<NodeRef>,
    pub cols: Vec<NodeRef>,
    pub cells: Vec<Vec<usize>>,
    /// Rows of each group that are gaps.
    pub gaps: Vec<usize>,
}

#[derive(Debug)]
pub struct EntitySection {
    pub kind: usize,
    pub label: String,
    pub entries: Vec<Entity>,
}

#[derive(Debug)]
pub struct Entity {
    pub node: NodeRef,
    pub attrs: Vec<(String, String)>,
    /// `(kind label, relation, IDs, more)`: nodes that point at this one.
    pub incoming: Vec<Incoming>,
    /// The figures of `align stats` for a node with a series.
    pub series: Option<SeriesRow>,
    pub findings: usize,
}

#[derive(Debug, Clone)]
pub struct Incoming {
    pub kind: String,
    pub relation: String,
    pub ids: Vec<String>,
    pub more: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverStatus {
    Active,
    Expired,
    Unused,
}

impl WaiverStatus {
    pub fn word(self, lang: Lang) -> &'static str {
        match self {
            WaiverStatus::Active => lang.pick("active", "有効"),
            WaiverStatus::Expired => lang.pick("expired", "期限切れ"),
            WaiverStatus::Unused => lang.pick("unused", "未使用"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WaiverRow {
    pub node: String,
    pub rule: String,
    pub reason: String,
    pub until: String,
    pub status: WaiverStatus,
}

/// One line of the plan tree.
#[derive(Debug, Clone)]
pub struct TreeLine {
    pub depth: usize,
    pub node: NodeRef,
    /// The row's status, for a row.
    pub status: Option<Status>,
    /// `(gaps, rows)` under a group node.
    pub counts: Option<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub struct FindingRow {
    pub severity: Severity,
    pub code: Code,
    pub slug: String,
    pub nodes: Vec<String>,
    pub message: String,
    pub location: String,
}

/// Severity as a word in the report's language.
pub fn severity_word(s: Severity, lang: Lang) -> &'static str {
    match s {
        Severity::Error => lang.pick("error", "エラー"),
        Severity::Warning => lang.pick("warning", "警告"),
        Severity::Info => lang.pick("info", "情報"),
    }
}

fn clean(s: &str) -> String {
    sanitized(s).into_owned()
}

/// Builds the report of one run.
pub fn build(input: &Input<'_>) -> Gap {
    let lang = input.lang;
    let model = input.model;
    let ctx = Ctx::new(input);
    let by_node = findings_by_node(input.findings, model);
    let measures: Vec<&Rule> = ctx.measures.iter().map(|(r, _)| *r).collect();
    let rows = ctx.rows(&by_node);
    let groups_of_rows: Vec<Vec<NodeIx>> = rows.iter().map(|r| ctx.group_of(r.0)).collect();

    let gaps = ctx.gaps();
    let coverage = group_rows(&ctx, &rows, &groups_of_rows);
    let shares = ctx.shares(&rows, &groups_of_rows);
    let grid = ctx.grid(&rows, &groups_of_rows);
    let stats = stats::gather(model, input.rules);
    let entities = ctx.entities(stats.series, &by_node);
    let (gates_kind, gates) = match stats.stage_gates {
        Some(g) => (
            model
                .schema
                .kind_id(&g.kind)
                .map(|k| model.schema.label(k).get(lang).to_owned()),
            Some(g),
        ),
        None => (None, None),
    };
    let status_of: HashMap<NodeIx, Status> = rows.iter().map(|r| (r.0, r.2)).collect();
    let (tree, tree_truncated) = ctx.tree(&status_of, rows.len() >= COMPACT_FROM);
    let (conclusions, more_conclusions) = ctx.conclusions();
    Gap {
        lang,
        header: ctx.header(&rows),
        conclusions,
        more_conclusions,
        sentences: ctx.sentences(),
        rows_label: ctx.row_kind.map(|k| label(model, k, lang)),
        measures: measures
            .iter()
            .map(|r| {
                let source = coverage_of(r).map_or(0, |c| usize::from(c.source.0));
                Measure {
                    code: r.code.clone(),
                    slug: r.slug.to_string(),
                    source: model
                        .schema
                        .kinds
                        .get(source)
                        .map(|k| k.label.get(lang).to_owned())
                        .unwrap_or_default(),
                    source_kind: source,
                }
            })
            .collect(),
        levels: ctx.levels.iter().map(|&k| label(model, k, lang)).collect(),
        shares,
        gaps,
        coverage,
        compact: rows.len() >= COMPACT_FROM,
        grid,
        entities,
        gates,
        gates_kind,
        waivers: ctx.waivers(),
        tree,
        tree_truncated,
        findings: input
            .findings
            .iter()
            .map(|f| FindingRow {
                severity: f.severity,
                code: f.code.clone(),
                slug: f.slug.to_string(),
                nodes: f.nodes.iter().map(|n| clean(n)).collect(),
                message: clean(&f.message.get(lang)),
                location: ctx.location(f),
            })
            .collect(),
    }
}

fn label(model: &Model, k: KindId, lang: Lang) -> String {
    clean(model.schema.label(k).get(lang))
}

fn coverage_of(r: &Rule) -> Option<&Coverage> {
    match &r.check {
        RuleType::Coverage(c) => Some(c),
        _ => None,
    }
}

/// Findings on each node (the first node a finding names), as indices into the findings.
fn findings_by_node(findings: &[Finding], model: &Model) -> HashMap<NodeIx, Vec<usize>> {
    let mut map: HashMap<NodeIx, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let Some(n) = f.nodes.first().and_then(|id| model.get(id)) {
            map.entry(n).or_default().push(i);
        }
    }
    map
}

/// Gaps are grouped by severity (errors first), then by group path.
type GapKey = (std::cmp::Reverse<Severity>, Vec<NodeIx>);

/// A row: the node, per measure its links and status, and the row's status.
type RowData = (NodeIx, Vec<(Vec<Link>, Option<Status>)>, Status);

/// What every section derives from: the input, the parent of each node along the hierarchy,
/// the rows' kind, its coverage rules and the grouping levels.
struct Ctx<'a> {
    input: &'a Input<'a>,
    model: &'a Model,
    lang: Lang,
    /// The node each node hangs from along the schema's hierarchy.
    up: Vec<Option<NodeIx>>,
    row_kind: Option<KindId>,
    /// Coverage rules on the rows' kind, with the sources of each by tag (tag-only rules).
    measures: Vec<(&'a Rule, HashMap<&'a str, Vec<NodeIx>>)>,
    /// Kinds above the rows along the hierarchy, nearest first (goal, policy, plan).
    chain: Vec<KindId>,
    /// The grouping kinds, top down (at most two: policy, goal).
    levels: Vec<KindId>,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a Input<'a>) -> Ctx<'a> {
        let model = input.model;
        let schema = &model.schema;
        let up: Vec<Option<NodeIx>> = (0..model.nodes.len())
            .map(|n| {
                schema.hierarchy_ids().iter().find_map(|&rel| {
                    model
                        .graph
                        .outgoing(NodeIx::new(n), rel)
                        .next()
                        .map(|(m, _)| m)
                })
            })
            .collect();
        let row_kind = input
            .rules
            .rules
            .iter()
            .find_map(|r| coverage_of(r).map(|c| c.kind));
        let measures = input
            .rules
            .rules
            .iter()
            .filter(|r| coverage_of(r).is_some_and(|c| Some(c.kind) == row_kind))
            .map(|r| (r, by_tag(model, r)))
            .collect();
        // The kinds above the rows: follow the hierarchy relations of each kind's schema.
        let mut chain = Vec::new();
        let mut cur = row_kind;
        while let Some(k) = cur {
            let kind = schema.kind(k);
            cur = schema.hierarchy.iter().find_map(|rel| {
                kind.key(rel)
                    .and_then(|key| key.ty.targets().iter().find(|t| **t != k).copied())
            });
            match cur {
                Some(next) if !chain.contains(&next) && Some(next) != row_kind => chain.push(next),
                _ => break,
            }
        }
        let mut levels: Vec<KindId> = chain.iter().take(2).copied().collect();
        levels.reverse();
        Ctx {
            input,
            model,
            lang: input.lang,
            up,
            row_kind,
            measures,
            chain,
            levels,
        }
    }

    fn node_ref(&self, n: NodeIx) -> NodeRef {
        let node = self.model.node(n);
        NodeRef {
            id: clean(&node.id),
            title: clean(node.title.as_deref().unwrap_or("")),
            kind: usize::from(node.kind.0),
        }
    }

    fn location(&self, f: &Finding) -> String {
        let loc = Location::of(f.span, self.input.sources);
        format!("{}:{}", clean(loc.file), loc.start.line)
    }

    /// The group nodes of `n` (top down): its ancestors of the grouping kinds, or those of the
    /// first node it refers to that has some (a KPI is grouped under the goal it measures).
    fn group_of(&self, n: NodeIx) -> Vec<NodeIx> {
        let path = self.levels_above(n);
        if !path.is_empty() || self.levels.is_empty() {
            return path;
        }
        for attr in &self.model.node(n).attrs {
            if let AttrValue::Refs(refs) = &attr.value {
                for id in refs.texts() {
                    if let Some(m) = self.model.get(id) {
                        let p = self.levels_above(m);
                        if !p.is_empty() {
                            return p;
                        }
                    }
                }
            }
        }
        Vec::new()
    }

    /// `n` and its ancestors of the grouping kinds, top down.
    fn levels_above(&self, n: NodeIx) -> Vec<NodeIx> {
        let mut out = Vec::new();
        let mut cur = Some(n);
        let mut steps = 0;
        while let Some(c) = cur {
            if self.levels.contains(&self.model.node(c).kind) && !out.contains(&c) {
                out.push(c);
            }
            steps += 1;
            if steps > 64 {
                break;
            }
            cur = self.up[c.index()];
        }
        out.reverse();
        out
    }

    /// Whether a coverage rule checks node `n` (its filter, leaves only).
    fn checks(&self, rule: &Rule, c: &Coverage, n: NodeIx) -> bool {
        let node = self.model.node(n);
        if node.kind != c.kind || !rule.filter.as_ref().is_none_or(|f| f.accepts(node)) {
            return false;
        }
        c.leaf_relation.as_ref().is_none_or(|rel| {
            !self
                .model
                .graph
                .incoming(n, *rel)
                .any(|(m, _)| self.model.node(m).kind == c.kind)
        })
    }

    fn rows(&self, by_node: &HashMap<NodeIx, Vec<usize>>) -> Vec<RowData> {
        let Some(kind) = self.row_kind else {
            return Vec::new();
        };
        let model = self.model;
        let mut rows = Vec::new();
        for n in model.nodes_of(kind) {
            let mut cells = Vec::with_capacity(self.measures.len());
            let mut any = false;
            for (rule, tags) in &self.measures {
                let Some(c) = coverage_of(rule) else { continue };
                if !self.checks(rule, c, n) {
                    cells.push((Vec::new(), None));
                    continue;
                }
                any = true;
                let links = self.links(c, tags, n);
                let fired = by_node
                    .get(&n)
                    .is_some_and(|fs| fs.iter().any(|&i| self.input.findings[i].code == rule.code));
                let status = if fired {
                    Status::Gap
                } else if waived(model, n, rule) {
                    Status::Waived
                } else {
                    Status::Covered
                };
                cells.push((links, Some(status)));
            }
            if !any {
                continue;
            }
            let statuses = cells.iter().filter_map(|c| c.1);
            let status = statuses.fold(Status::Covered, |acc, s| match (acc, s) {
                (Status::Gap, _) | (_, Status::Gap) => Status::Gap,
                (Status::Waived, _) | (_, Status::Waived) => Status::Waived,
                _ => Status::Covered,
            });
            rows.push((n, cells, status));
        }
        rows
    }

    /// Sources linked to `n` or an ancestor through the rule's relation, or sharing a tag when
    /// the rule has no relation.
    fn links(&self, c: &Coverage, tags: &HashMap<&str, Vec<NodeIx>>, n: NodeIx) -> Vec<Link> {
        let model = self.model;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        if let Some(rel) = &c.relation {
            let mut chain = vec![n];
            chain.extend(model.graph.ancestors(n, &c.walk_up));
            for &a in &chain {
                let mut here: Vec<NodeIx> = model
                    .graph
                    .incoming(a, *rel)
                    .map(|(s, _)| s)
                    .filter(|&s| model.node(s).kind == c.source)
                    .collect();
                here.sort_unstable();
                for s in here {
                    if seen.insert(s) {
                        out.push(Link {
                            id: clean(&model.node(s).id),
                            via: (a != n).then(|| clean(&model.node(a).id)),
                        });
                    }
                }
            }
        } else if let Some((key, _)) = &c.tags {
            for t in model.node(n).tags(*key) {
                for &s in tags.get(t).into_iter().flatten() {
                    if seen.insert(s) {
                        out.push(Link {
                            id: clean(&model.node(s).id),
                            via: None,
                        });
                    }
                }
            }
        }
        out
    }

    fn header(&self, rows: &[RowData]) -> Header {
        let model = self.model;
        let input = self.input;
        // The plan: the node of the top kind that most rows hang from.
        let top = self.chain.last().copied();
        let mut reach: HashMap<NodeIx, usize> = HashMap::new();
        for (n, _, _) in rows {
            let mut cur = Some(*n);
            let mut steps = 0;
            while let (Some(c), true) = (cur, steps < 64) {
                if Some(model.node(c).kind) == top {
                    *reach.entry(c).or_default() += 1;
                    break;
                }
                cur = self.up[c.index()];
                steps += 1;
            }
        }
        let plan = reach
            .iter()
            .max_by_key(|(n, count)| (**count, std::cmp::Reverse(**n)))
            .map(|(n, _)| *n)
            .or_else(|| top.and_then(|k| model.nodes_of(k).next()));
        let files: Vec<String> = input
            .sources
            .files()
            .filter(|(_, f)| f.kind == crate::source::SourceKind::Spec)
            .map(|(_, f)| clean(&f.name))
            .collect();
        let more_files = files.len().saturating_sub(MAX_FILES);
        let c = input.summary.counts;
        Header {
            title: plan.map_or_else(
                || clean(model.schema.description.get(self.lang)),
                |p| clean(model.node(p).title_or_id()),
            ),
            plan_id: plan.map(|p| clean(&model.node(p).id)),
            facts: plan
                .map(|p| {
                    model
                        .node(p)
                        .attrs
                        .iter()
                        .filter(|a| !matches!(a.value, AttrValue::Refs(_)))
                        .map(|a| {
                            (
                                clean(model.schema.key_name(a.key)),
                                clean(&attr_text(&a.value)),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            date: input.today.to_string(),
            version: env!("CARGO_PKG_VERSION"),
            rule_set: clean(input.rule_set_name()),
            files: files.into_iter().take(MAX_FILES).collect(),
            more_files,
            summary_line: super::summary_line(input.summary, self.lang),
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
        }
    }

    /// The alignment findings (coverage, orphan, measurement scope) of warning or error,
    /// errors first: the study's conclusion.
    fn conclusions(&self) -> (Vec<Conclusion>, usize) {
        let lang = self.lang;
        let mut all: Vec<&Finding> = self
            .input
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .filter(|f| {
                self.input.rules.rule(&f.code).is_some_and(|r| {
                    matches!(
                        r.check,
                        RuleType::Coverage(_) | RuleType::Orphan(_) | RuleType::MeasurementScope(_)
                    )
                })
            })
            .collect();
        all.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let more = all.len().saturating_sub(MAX_CONCLUSIONS);
        let shown = all
            .into_iter()
            .take(MAX_CONCLUSIONS)
            .map(|f| Conclusion {
                severity: f.severity,
                code: f.code.clone(),
                node: f.nodes.first().map(|n| clean(n)).unwrap_or_default(),
                text: clean(&f.message.get(lang)),
                details: f.labels.iter().map(|l| clean(&l.text.get(lang))).collect(),
                context: f
                    .nodes
                    .first()
                    .and_then(|id| self.model.get(id))
                    .and_then(|n| self.group_of(n).last().copied())
                    .map(|g| {
                        let node = self.model.node(g);
                        let kind = label(self.model, node.kind, lang);
                        let title = clean(node.title.as_deref().unwrap_or(""));
                        lang.pick(
                            format!("{kind} {} “{title}”", clean(&node.id)),
                            format!("{kind} {}「{title}」", clean(&node.id)),
                        )
                    }),
            })
            .collect();
        (shown, more)
    }

    /// One sentence per rule with findings: counts, in the words of the rule's type.
    fn sentences(&self) -> Vec<String> {
        let lang = self.lang;
        let model = self.model;
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for f in self.input.findings {
            *counts.entry(f.code.as_str()).or_default() += 1;
        }
        let mut out = Vec::new();
        for rule in &self.input.rules.rules {
            let n = counts.get(rule.code.as_str()).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let l = |k: KindId| label(model, k, lang);
            let tag = format!("{} {}", rule.code, rule.slug);
            let s = match &rule.check {
                RuleType::Coverage(c) => {
                    let checked = model
                        .nodes_of(c.kind)
                        .filter(|&m| self.checks(rule, c, m))
                        .count();
                    Text::new(
                        format!(
                            "{} with no {}: {n} of {checked} ({tag}).",
                            upper_first(&with_article(&l(c.kind))),
                            l(c.source)
                        ),
                        format!(
                            "{} {checked} 件のうち {n} 件に{}がない（{tag}）。",
                            l(c.kind),
                            l(c.source)
                        ),
                    )
                }
                RuleType::MeasurementScope(m) => Text::new(
                    format!(
                        "{} outside the measurement scope of {} that measures what it serves: {n} ({tag}).",
                        upper_first(&with_article(&l(m.source))),
                        with_article(&l(m.kind))
                    ),
                    format!(
                        "{}の測定対象に資するが測定範囲外にある{}: {n} 件（{tag}）。",
                        l(m.kind),
                        l(m.source)
                    ),
                ),
                RuleType::Orphan(o) => Text::new(
                    format!(
                        "{} with no `{}`: {n} ({tag}).",
                        upper_first(&with_article(&l(o.kind))),
                        model.schema.key_name(o.relation)
                    ),
                    format!(
                        "`{}` のない{}: {n} 件（{tag}）。",
                        model.schema.key_name(o.relation),
                        l(o.kind)
                    ),
                ),
                // Any other rule type: the rule's own summary, which is prose.
                _ => Text::new(
                    format!("{}: {n} ({tag}).", upper_first(&rule.summary.en)),
                    format!("{}: {n} 件（{tag}）。", rule.summary.ja),
                ),
            };
            out.push(clean(s.get(lang)));
        }
        let structural: usize = self
            .input
            .findings
            .iter()
            .filter(|f| code::lookup(&f.code).is_some())
            .count();
        if structural > 0 {
            out.push(
                Text::new(
                    format!("{structural} findings of the spec's structure (ALN0xx)."),
                    format!("記述の構造に関する指摘（ALN0xx）: {structural} 件。"),
                )
                .get(lang)
                .to_owned(),
            );
        }
        out
    }

    fn shares(&self, rows: &[RowData], groups: &[Vec<NodeIx>]) -> Vec<Share> {
        let m = self.measures.len();
        let mut per: HashMap<NodeIx, Vec<(usize, usize)>> = HashMap::new();
        for (row, path) in rows.iter().zip(groups) {
            for &g in path {
                let counts = per.entry(g).or_insert_with(|| vec![(0, 0); m]);
                for (i, (_, status)) in row.1.iter().enumerate() {
                    if let Some(s) = status {
                        counts[i].1 += 1;
                        if *s == Status::Covered {
                            counts[i].0 += 1;
                        }
                    }
                }
            }
        }
        // Top level in model order, each followed by its children in model order.
        let mut keys: Vec<NodeIx> = per.keys().copied().collect();
        keys.sort_unstable();
        let depth_of = |g: NodeIx| {
            self.levels
                .iter()
                .position(|k| *k == self.model.node(g).kind)
                .unwrap_or(0)
        };
        let mut out = Vec::new();
        let mut placed = HashSet::new();
        for &top in keys.iter().filter(|&&g| depth_of(g) == 0) {
            out.push((top, 0));
            placed.insert(top);
            for &child in keys.iter().filter(|&&g| depth_of(g) > 0) {
                if !placed.contains(&child) && self.levels_above(child).first() == Some(&top) {
                    out.push((child, depth_of(child)));
                    placed.insert(child);
                }
            }
        }
        for &g in &keys {
            if !placed.contains(&g) {
                out.push((g, depth_of(g)));
            }
        }
        out.into_iter()
            .map(|(g, depth)| Share {
                depth,
                node: self.node_ref(g),
                counts: per.remove(&g).unwrap_or_default(),
            })
            .collect()
    }

    fn gaps(&self) -> Vec<Group<GapEntry>> {
        let lang = self.lang;
        let input = self.input;
        let mut picked: Vec<&Finding> = input
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        // Errors, then warnings; within each, the findings' own order (file, offset).
        picked.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let mut groups: Vec<(GapKey, Vec<GapEntry>)> = Vec::new();
        let mut index: HashMap<GapKey, usize> = HashMap::new();
        for f in picked {
            let path = f
                .nodes
                .first()
                .and_then(|id| self.model.get(id))
                .map(|n| self.group_of(n))
                .unwrap_or_default();
            let why = Entry::find(input.rules, &f.code)
                .map(|e| clean(&e.why(lang)))
                .unwrap_or_default();
            let entry = GapEntry {
                severity: f.severity,
                code: f.code.clone(),
                slug: f.slug.to_string(),
                nodes: f.nodes.iter().map(|n| clean(n)).collect(),
                message: clean(&f.message.get(lang)),
                missing: f.label.as_ref().map(|l| clean(&l.get(lang))),
                details: f.labels.iter().map(|l| clean(&l.text.get(lang))).collect(),
                notes: f.notes.iter().map(|n| clean(&n.get(lang))).collect(),
                why,
                location: self.location(f),
                help: f.help.as_ref().map(|h| clean(&h.get(lang))),
            };
            let key = (std::cmp::Reverse(f.severity), path);
            let at = *index.entry(key.clone()).or_insert_with(|| {
                groups.push((key, Vec::new()));
                groups.len() - 1
            });
            groups[at].1.push(entry);
        }
        // Errors first, then warnings; within each, groups in plan order, "elsewhere" last.
        groups.sort_by(|(a, _), (b, _)| {
            a.0.cmp(&b.0)
                .then_with(|| match (a.1.is_empty(), b.1.is_empty()) {
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ => a.1.cmp(&b.1),
                })
        });
        groups
            .into_iter()
            .map(|((_, path), entries)| Group {
                path: path.iter().map(|&g| self.node_ref(g)).collect(),
                entries,
            })
            .collect()
    }

    fn grid(&self, rows: &[RowData], groups: &[Vec<NodeIx>]) -> GridView {
        let Some((rule, _)) = self.measures.first() else {
            return GridView::None;
        };
        let Some(c) = coverage_of(rule) else {
            return GridView::None;
        };
        let Some(&level) = self.levels.last() else {
            return GridView::None;
        };
        let model = self.model;
        let group_rows: Vec<NodeIx> = model.nodes_of(level).collect();
        let cols: Vec<NodeIx> = model.nodes_of(c.source).collect();
        if group_rows.is_empty() || cols.is_empty() {
            return GridView::None;
        }
        if cols.len() > GRID_MAX_COLS || group_rows.len() > GRID_MAX_ROWS {
            return GridView::TooLarge {
                rows: group_rows.len(),
                cols: cols.len(),
            };
        }
        let row_at: HashMap<NodeIx, usize> = group_rows
            .iter()
            .enumerate()
            .map(|(i, &g)| (g, i))
            .collect();
        let col_at: HashMap<&str, usize> = cols
            .iter()
            .enumerate()
            .map(|(i, &s)| (model.node(s).id.as_str(), i))
            .collect();
        let mut cells = vec![vec![0usize; cols.len()]; group_rows.len()];
        let mut gaps = vec![0usize; group_rows.len()];
        for (row, path) in rows.iter().zip(groups) {
            let Some(r) = path.last().and_then(|g| row_at.get(g)) else {
                continue;
            };
            if row.2 == Status::Gap {
                gaps[*r] += 1;
            }
            if let Some((links, _)) = row.1.first() {
                for l in links {
                    if let Some(&col) = col_at.get(l.id.as_str()) {
                        cells[*r][col] += 1;
                    }
                }
            }
        }
        GridView::Shown(Grid {
            rows: group_rows.iter().map(|&g| self.node_ref(g)).collect(),
            cols: cols.iter().map(|&s| self.node_ref(s)).collect(),
            cells,
            gaps,
        })
    }

    fn entities(
        &self,
        series: Option<stats::SeriesSection>,
        by_node: &HashMap<NodeIx, Vec<usize>>,
    ) -> Vec<EntitySection> {
        let model = self.model;
        let mut kinds: Vec<KindId> = Vec::new();
        for (rule, _) in &self.measures {
            if let Some(c) = coverage_of(rule) {
                if !kinds.contains(&c.source) {
                    kinds.push(c.source);
                }
            }
        }
        let series_kind = series.as_ref().and_then(|s| model.schema.kind_id(&s.kind));
        let mut series_rows: HashMap<String, SeriesRow> = series
            .map(|s| s.rows.into_iter().map(|r| (r.id.clone(), r)).collect())
            .unwrap_or_default();
        kinds
            .into_iter()
            .map(|k| EntitySection {
                kind: usize::from(k.0),
                label: label(model, k, self.lang),
                entries: model
                    .nodes_of(k)
                    .map(|n| {
                        let node = model.node(n);
                        Entity {
                            node: self.node_ref(n),
                            attrs: node
                                .attrs
                                .iter()
                                .map(|a| {
                                    (
                                        clean(model.schema.key_name(a.key)),
                                        clean(&attr_text(&a.value)),
                                    )
                                })
                                .collect(),
                            incoming: self.incoming(n),
                            series: if Some(k) == series_kind {
                                series_rows.remove(node.id.as_str())
                            } else {
                                None
                            },
                            findings: by_node.get(&n).map_or(0, Vec::len),
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Nodes that point at `n`, by kind and relation.
    fn incoming(&self, n: NodeIx) -> Vec<Incoming> {
        let model = self.model;
        let mut out: Vec<Incoming> = Vec::new();
        for rel in model.schema.relations() {
            let Some(rel_id) = model.schema.key_id(rel) else {
                continue;
            };
            let mut by_kind: Vec<(KindId, Vec<NodeIx>)> = Vec::new();
            for (m, _) in model.graph.incoming(n, rel_id) {
                let k = model.node(m).kind;
                match by_kind.iter_mut().find(|(kk, _)| *kk == k) {
                    Some((_, v)) => v.push(m),
                    None => by_kind.push((k, vec![m])),
                }
            }
            for (k, mut ids) in by_kind {
                ids.sort_unstable();
                ids.dedup();
                let more = ids.len().saturating_sub(MAX_INCOMING);
                out.push(Incoming {
                    kind: label(model, k, self.lang),
                    relation: clean(rel),
                    ids: ids
                        .into_iter()
                        .take(MAX_INCOMING)
                        .map(|m| clean(&model.node(m).id))
                        .collect(),
                    more,
                });
            }
        }
        out
    }

    fn waivers(&self) -> Vec<WaiverRow> {
        let model = self.model;
        let today = self.input.today;
        let unused: Vec<&Finding> = self
            .input
            .findings
            .iter()
            .filter(|f| f.code == code::UNUSED_WAIVER.code)
            .collect();
        let mut out = Vec::new();
        for node in &model.nodes {
            for w in &node.waivers {
                let inside = |f: &&Finding| {
                    f.span.file == w.span.file
                        && f.span.start() >= w.span.start()
                        && f.span.end() <= w.span.end()
                };
                let status = if w.until < today {
                    WaiverStatus::Expired
                } else if unused.iter().any(inside) {
                    WaiverStatus::Unused
                } else {
                    WaiverStatus::Active
                };
                out.push(WaiverRow {
                    node: clean(&node.id),
                    rule: clean(&w.rule),
                    reason: clean(&w.reason),
                    until: w.until.to_string(),
                    status,
                });
            }
        }
        out
    }

    /// The plan tree in pre-order: the rows' kind and the kinds above it, from the nodes that
    /// hang from nothing. With `stop_above_rows`, rows are left out (counted on their groups).
    fn tree(
        &self,
        status_of: &HashMap<NodeIx, Status>,
        stop_above_rows: bool,
    ) -> (Vec<TreeLine>, bool) {
        let Some(row_kind) = self.row_kind else {
            return (Vec::new(), false);
        };
        let model = self.model;
        let in_tree = |n: NodeIx| {
            let k = model.node(n).kind;
            k == row_kind || self.chain.contains(&k)
        };
        let mut children: HashMap<NodeIx, Vec<NodeIx>> = HashMap::new();
        let mut roots = Vec::new();
        for n in (0..model.nodes.len())
            .map(NodeIx::new)
            .filter(|&n| in_tree(n))
        {
            match self.up[n.index()].filter(|&p| in_tree(p)) {
                Some(p) => children.entry(p).or_default().push(n),
                None => roots.push(n),
            }
        }
        // Gaps and rows under each node, summed bottom-up along `up`.
        let mut counts: HashMap<NodeIx, (usize, usize)> = HashMap::new();
        for (&n, &s) in status_of {
            let mut cur = self.up[n.index()];
            let mut steps = 0;
            while let (Some(c), true) = (cur, steps < 64) {
                let e = counts.entry(c).or_default();
                e.0 += usize::from(s == Status::Gap);
                e.1 += 1;
                cur = self.up[c.index()];
                steps += 1;
            }
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let mut stack: Vec<(NodeIx, usize)> = roots.into_iter().rev().map(|r| (r, 0)).collect();
        while let Some((n, depth)) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            let is_row = model.node(n).kind == row_kind;
            if stop_above_rows && is_row {
                continue;
            }
            out.push(TreeLine {
                depth,
                node: self.node_ref(n),
                status: status_of.get(&n).copied(),
                counts: if is_row {
                    None
                } else {
                    counts.get(&n).copied()
                },
            });
            if let Some(kids) = children.get(&n) {
                for &k in kids.iter().rev() {
                    stack.push((k, depth + 1));
                }
            }
        }
        (out, stop_above_rows)
    }
}

/// Sources of a tag-only coverage rule by tag.
fn by_tag<'a>(model: &'a Model, rule: &Rule) -> HashMap<&'a str, Vec<NodeIx>> {
    let mut map: HashMap<&str, Vec<NodeIx>> = HashMap::new();
    if let Some(c) = coverage_of(rule) {
        if let (None, Some((_, key))) = (&c.relation, &c.tags) {
            for s in model.nodes_of(c.source) {
                for t in model.node(s).tags(*key) {
                    map.entry(t).or_default().push(s);
                }
            }
        }
    }
    map
}

/// Whether node `n` carries a waiver of `rule` (by code or slug).
fn waived(model: &Model, n: NodeIx, rule: &Rule) -> bool {
    model
        .node(n)
        .waivers
        .iter()
        .any(|w| w.rule.eq_ignore_ascii_case(&rule.code) || w.rule.eq_ignore_ascii_case(&rule.slug))
}

fn group_rows(ctx: &Ctx<'_>, rows: &[RowData], groups: &[Vec<NodeIx>]) -> Vec<Group<Row>> {
    let mut out: Vec<(Vec<NodeIx>, Vec<Row>)> = Vec::new();
    let mut index: HashMap<&[NodeIx], usize> = HashMap::new();
    for (row, path) in rows.iter().zip(groups) {
        let at = *index.entry(path.as_slice()).or_insert_with(|| {
            out.push((path.clone(), Vec::new()));
            out.len() - 1
        });
        out[at].1.push(Row {
            node: ctx.node_ref(row.0),
            cells: row.1.clone(),
            status: row.2,
        });
    }
    out.sort_by(|a, b| match (a.0.is_empty(), b.0.is_empty()) {
        (true, false) => std::cmp::Ordering::Greater,
        (false, true) => std::cmp::Ordering::Less,
        _ => a.0.cmp(&b.0),
    });
    out.into_iter()
        .map(|(path, entries)| Group {
            path: path.iter().map(|&g| ctx.node_ref(g)).collect(),
            entries,
        })
        .collect()
}

/// A value as written, for tables: lists joined with `, `.
pub fn attr_text(v: &AttrValue) -> String {
    match v {
        AttrValue::Str(s) | AttrValue::Tag(s) | AttrValue::Enum(s) => s.to_string(),
        AttrValue::Number(n) => number_text(n.value, n.percent),
        AttrValue::Date(d) => d.to_string(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Range(r) => format!("{}..{}", value_text(&r.0), value_text(&r.1)),
        AttrValue::Tags(ts) | AttrValue::Refs(ts) => ts.texts().collect::<Vec<_>>().join(", "),
        AttrValue::Series(points) => points
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p.label,
                    number_text(p.value.value, p.value.percent)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn number_text(x: f64, percent: bool) -> String {
    format!("{}{}", format_number(x), if percent { "%" } else { "" })
}

fn value_text(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) | ValueKind::Ident(s) => s.to_string(),
        ValueKind::Number(n) => number_text(n.value, n.percent),
        ValueKind::Date(d) => d.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Range(a, b) => format!("{}..{}", value_text(a), value_text(b)),
        ValueKind::List(items) => format!("[{}]", items.len()),
    }
}

/// The share as a whole percent for bars: 7 of 9 → 78.
pub fn percent(covered: usize, total: usize) -> Option<u64> {
    crate::analysis::percent_tenths(covered as u64, total as u64).map(|t| (t + 5) / 10)
}

/// The text with its first letter in upper case (a rule summary at the start of a sentence).
fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
