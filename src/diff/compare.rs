//! The comparison of two checked versions: declarations, links, coverage, findings and suspect
//! links. Generic: relations are the schema's reference keys, the place in the plan its
//! `hierarchy`, coverage the findings of the rule set's `coverage` rules.

use super::decl::{decls, Decl};
use super::matching::{self, Matching};
use super::version::Checked;
use super::{
    Change, Changed, CoverageChange, CoverageKind, DeclRef, Diff, FindingRef, Link, Moved, Place,
    Renamed, SideInfo, Suspect,
};
use crate::base::Substr;
use crate::baseline;
use crate::diag::Code;
use crate::diag::{Finding, Span};
use crate::model::Model;
use crate::rules::RuleType;
use crate::source::SourceSet;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Compares two checked versions; `old_info` and `new_info` name them (their counts are
/// filled in here).
#[expect(
    clippy::too_many_lines,
    reason = "one pass per kind of change, in the order the diff document lists them"
)]
pub fn compare(
    old: &Checked,
    new: &Checked,
    mut old_info: SideInfo,
    mut new_info: SideInfo,
) -> Diff {
    let (om, nm) = (&old.run.model, &new.run.model);
    let (os, ns) = (&old.run.sources, &new.run.sources);
    let od = decls(om);
    let nd = decls(nm);
    old_info.files = os.spec_count();
    old_info.declarations = om.nodes.len();
    new_info.files = ns.spec_count();
    new_info.declarations = nm.nodes.len();
    let m = matching::pair(&od, &nd);
    let renames: HashMap<&str, &str> = m
        .renamed
        .iter()
        .map(|&(i, j, _)| (od[i].id, nd[j].id))
        .collect();
    let to_new = |id: &str| {
        renames
            .get(id)
            .map_or_else(|| id.to_owned(), |n| (*n).to_owned())
    };

    let decl_ref = |d: &Decl<'_>, model: &Model, sources: &SourceSet| DeclRef {
        id: d.id.to_owned(),
        kind: d.kind.to_owned(),
        kind_label: model.schema.label(model.node(d.ix).kind).clone(),
        title: d.title.map(str::to_owned),
        at: place(model.node(d.ix).header, sources),
    };
    let new_ref = |j: usize| decl_ref(&nd[j], nm, ns);

    let mut diff = Diff {
        old: old_info,
        new: new_info,
        added: m.added.iter().map(|&j| new_ref(j)).collect(),
        removed: m
            .removed
            .iter()
            .map(|&i| decl_ref(&od[i], om, os))
            .collect(),
        renamed: m
            .renamed
            .iter()
            .map(|&(i, j, similarity)| Renamed {
                old_id: od[i].id.to_owned(),
                decl: new_ref(j),
                similarity,
            })
            .collect(),
        changed: Vec::new(),
        moved: Vec::new(),
        links_added: Vec::new(),
        links_removed: Vec::new(),
        coverage: Vec::new(),
        findings_new: Vec::new(),
        findings_resolved: Vec::new(),
        suspects: Vec::new(),
    };

    let pairs = paired(&m);
    let hierarchy = &nm.schema.hierarchy;
    let mut changed_targets: HashMap<&str, Vec<Change>> = HashMap::new();
    for &(i, j, renamed) in &pairs {
        let (o, n) = (&od[i], &nd[j]);
        let changes = content_changes(o, n);
        let suspect_changes: Vec<Change> = changes
            .iter()
            .filter(|c| {
                c.key == "title"
                    || n.tag_keys.contains(&c.key.as_str())
                    || o.tag_keys.contains(&c.key.as_str())
            })
            .cloned()
            .collect();
        if !suspect_changes.is_empty() {
            changed_targets.insert(n.id, suspect_changes);
        }
        if !changes.is_empty() {
            diff.changed.push(Changed {
                decl: new_ref(j),
                old_id: renamed.then(|| o.id.to_owned()),
                changes,
            });
        }
        for rel in hierarchy {
            let before: Vec<String> = o.targets(rel).iter().map(|t| to_new(t)).collect();
            let after: Vec<String> = n.targets(rel).iter().map(|t| (*t).to_owned()).collect();
            if before != after {
                diff.moved.push(Moved {
                    decl: new_ref(j),
                    relation: rel.clone(),
                    old: before,
                    new: after,
                });
            }
        }
    }

    // Links, with old IDs renamed, so a reference that follows a renamed declaration is no
    // change.
    let old_links: BTreeSet<Link> = od
        .iter()
        .flat_map(|d| {
            links(d).map(|l| Link {
                relation: l.relation,
                from: to_new(&l.from),
                to: to_new(&l.to),
            })
        })
        .collect();
    let new_links: BTreeSet<Link> = nd.iter().flat_map(links).collect();
    diff.links_added = new_links.difference(&old_links).cloned().collect();
    diff.links_removed = old_links.difference(&new_links).cloned().collect();

    // Suspect links: in both versions, not up the plan, to a declaration whose title or tags
    // changed, from a declaration found in both versions.
    let in_both: HashSet<&str> = pairs.iter().map(|&(_, j, _)| nd[j].id).collect();
    let new_index: HashMap<&str, usize> = nd.iter().enumerate().map(|(j, d)| (d.id, j)).collect();
    for l in new_links.intersection(&old_links) {
        let Some(changes) = changed_targets.get(l.to.as_str()) else {
            continue;
        };
        if hierarchy.contains(&l.relation) || !in_both.contains(l.from.as_str()) {
            continue;
        }
        let (Some(&from), Some(&to)) =
            (new_index.get(l.from.as_str()), new_index.get(l.to.as_str()))
        else {
            continue;
        };
        diff.suspects.push(Suspect {
            link: l.clone(),
            from_kind: nd[from].kind.to_owned(),
            from_label: nm.schema.label(nm.node(nd[from].ix).kind).clone(),
            target: new_ref(to),
            changes: changes.clone(),
        });
    }

    diff.coverage = coverage(old, new, &to_new, &new_index, &new_ref, &in_both);
    (diff.findings_new, diff.findings_resolved) = findings(old, new, &to_new);

    sort_by_place(&mut diff.added, |d| d);
    sort_by_place(&mut diff.removed, |d| d);
    sort_by_place(&mut diff.renamed, |r| &r.decl);
    sort_by_place(&mut diff.changed, |c| &c.decl);
    diff.moved.sort_by(|a, b| {
        key(&a.decl)
            .cmp(&key(&b.decl))
            .then(a.relation.cmp(&b.relation))
    });
    diff.suspects.sort_by(|a, b| a.link.cmp(&b.link));
    diff.coverage
        .sort_by(|a, b| key(&a.decl).cmp(&key(&b.decl)).then(a.code.cmp(&b.code)));
    diff
}

/// Old and new index of each declaration found in both versions, and whether it was renamed.
fn paired(m: &Matching) -> Vec<(usize, usize, bool)> {
    m.same
        .iter()
        .map(|&(i, j)| (i, j, false))
        .chain(m.renamed.iter().map(|&(i, j, _)| (i, j, true)))
        .collect()
}

fn key(d: &DeclRef) -> (&str, usize, &str) {
    (&d.at.file, d.at.line, &d.id)
}

fn sort_by_place<T>(v: &mut [T], decl: impl Fn(&T) -> &DeclRef) {
    v.sort_by(|a, b| key(decl(a)).cmp(&key(decl(b))));
}

fn place(span: Span, sources: &SourceSet) -> Place {
    let file = sources.get(span.file);
    Place {
        file: file.name.clone(),
        line: file.line_col(span.start()).0,
    }
}

/// The declaration's links, in the IDs of its own version.
fn links<'a>(d: &'a Decl<'a>) -> impl Iterator<Item = Link> + 'a {
    d.refs.iter().flat_map(move |(rel, targets)| {
        targets.iter().map(move |t| Link {
            relation: (*rel).to_owned(),
            from: d.id.to_owned(),
            to: (*t).to_owned(),
        })
    })
}

/// Title, kind and non-reference keys: old → new, title first, then keys in the new
/// declaration's order, then keys only the old one has.
fn content_changes(o: &Decl<'_>, n: &Decl<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    let quote = |t: Option<&str>| t.map(|t| format!("{t:?}"));
    if o.title != n.title {
        out.push(Change {
            key: "title".to_owned(),
            old: quote(o.title),
            new: quote(n.title),
        });
    }
    if o.kind != n.kind {
        out.push(Change {
            key: "kind".to_owned(),
            old: Some(o.kind.to_owned()),
            new: Some(n.kind.to_owned()),
        });
    }
    let mut keys: Vec<&str> = n.values.iter().map(|(k, _)| *k).collect();
    keys.extend(
        o.values
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| n.value(k).is_none()),
    );
    let mut seen = HashSet::new();
    for k in keys {
        if !seen.insert(k) {
            continue;
        }
        let (a, b) = (o.value(k), n.value(k));
        if a != b {
            out.push(Change {
                key: k.to_owned(),
                old: a.map(str::to_owned),
                new: b.map(str::to_owned),
            });
        }
    }
    out
}

/// Coverage changes from the findings of the rule set's `coverage` rules: a finding on a
/// declaration in one version and not in the other.
fn coverage(
    old: &Checked,
    new: &Checked,
    to_new: &dyn Fn(&str) -> String,
    new_index: &HashMap<&str, usize>,
    new_ref: &dyn Fn(usize) -> DeclRef,
    in_both: &HashSet<&str>,
) -> Vec<CoverageChange> {
    let schema = &new.run.model.schema;
    let rules: HashMap<&str, (&crate::rules::Rule, crate::model::KindId)> = new
        .run
        .rules
        .rules
        .iter()
        .filter_map(|r| match &r.check {
            RuleType::Coverage(c) => Some((r.code.as_str(), (r, c.source))),
            _ => None,
        })
        .collect();
    let keys = |fs: &[Finding], map: &dyn Fn(&str) -> String| -> BTreeSet<(Code, String)> {
        fs.iter()
            .filter(|f| rules.contains_key(f.code.as_str()))
            .filter_map(|f| Some((f.code.clone(), map(f.nodes.first()?))))
            .collect()
    };
    let before = keys(&old.run.findings, to_new);
    let after = keys(&new.run.findings, &|id: &str| id.to_owned());
    let old_ids: HashSet<String> = old.run.model.nodes.iter().map(|n| to_new(&n.id)).collect();
    let mut out = Vec::new();
    let mut push = |change, code: &str, id: &str| {
        let (Some(&(rule, source)), Some(&j)) = (rules.get(code), new_index.get(id)) else {
            return;
        };
        out.push(CoverageChange {
            change,
            decl: new_ref(j),
            code: rule.code.clone(),
            slug: rule.slug.to_string(),
            severity: rule.severity,
            source_kind: schema.kind(source).name.clone(),
            source_label: schema.label(source).clone(),
        });
    };
    for (code, id) in after.difference(&before) {
        if in_both.contains(id.as_str()) {
            push(CoverageKind::Lost, code, id);
        } else if !old_ids.contains(id) {
            push(CoverageKind::NewUncovered, code, id);
        }
    }
    for (code, id) in before.difference(&after) {
        if in_both.contains(id.as_str()) {
            push(CoverageKind::Gained, code, id);
        }
    }
    out
}

/// New and resolved findings: a multiset difference of baseline fingerprints, the old
/// findings' node IDs renamed first (a finding that follows a renamed declaration is neither).
fn findings(
    old: &Checked,
    new: &Checked,
    to_new: &dyn Fn(&str) -> String,
) -> (Vec<FindingRef>, Vec<FindingRef>) {
    let (os, ns) = (&old.run.sources, &new.run.sources);
    let old_fps: Vec<String> = old
        .run
        .findings
        .iter()
        .map(|f| {
            let mut renamed = f.clone();
            renamed.nodes = f.nodes.iter().map(|n| Substr::from(to_new(n))).collect();
            baseline::fingerprint(&renamed, os)
        })
        .collect();
    let new_fps: Vec<String> = new
        .run
        .findings
        .iter()
        .map(|f| baseline::fingerprint(f, ns))
        .collect();
    let surplus = |mine: &[String], theirs: &[String]| -> Vec<usize> {
        let mut budget: HashMap<&str, usize> = HashMap::new();
        for fp in theirs {
            *budget.entry(fp).or_insert(0) += 1;
        }
        mine.iter()
            .enumerate()
            .filter(|(_, fp)| match budget.get_mut(fp.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .map(|(i, _)| i)
            .collect()
    };
    let finding_ref = |f: &Finding, fp: &str, sources: &SourceSet| FindingRef {
        code: f.code.clone(),
        slug: f.slug.to_string(),
        severity: f.severity,
        message: f.message.to_text(),
        nodes: f.nodes.iter().map(Substr::to_string).collect(),
        fingerprint: fp.to_owned(),
        at: place(f.span, sources),
    };
    let new_only = surplus(&new_fps, &old_fps)
        .into_iter()
        .map(|i| finding_ref(&new.run.findings[i], &new_fps[i], ns))
        .collect();
    let old_only = surplus(&old_fps, &new_fps)
        .into_iter()
        .map(|i| finding_ref(&old.run.findings[i], &old_fps[i], os))
        .collect();
    (new_only, old_only)
}
