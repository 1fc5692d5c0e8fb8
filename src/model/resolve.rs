//! References → graph edges (unresolved and wrong-kind references with did-you-mean), and
//! cycles in relations the schema marks acyclic.

use super::suggest::{suggest_scan, Index, MAX_CANDIDATES, MAX_TOTAL_CANDIDATES};
use super::{graph, AttrValue, Edge, Graph, KeyId, Model, Node, NodeIx, Schema};
use crate::base::Substr;
use crate::diag::{code, with_article, Finding, Text};
use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

pub(super) fn edges<'a>(
    schema: &'a Schema,
    nodes: &'a [Node],
    index: &super::IdIndex,
    findings: &mut Vec<Finding>,
) -> (Graph, Vec<Miss<'a>>) {
    // The nodes are resolved in chunks in parallel (each lookup is independent), then the
    // chunks' edges, findings and misses are joined in node order: the same graph and findings
    // as one pass in order. Sixteen chunks a core: nodes of one kind are declared together and
    // hold very different numbers of references (a program covers ten items, an item names
    // one parent), so with four a core the chunk holding the programs ran alone at the end
    // (at 100k items, this stage 15.9 -> 12.8 ms; at 1M, 236-404 -> 198-237 ms).
    let chunk = crate::base::chunk_len(nodes.len(), 16, 1024);
    let parts: Vec<Part<'_>> = nodes
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, chunk_nodes)| {
            let mut part = Part::default();
            for (i, node) in chunk_nodes.iter().enumerate() {
                resolve_node(
                    schema,
                    nodes,
                    index,
                    NodeIx::new(c * chunk + i),
                    node,
                    &mut part,
                );
            }
            part
        })
        .collect();
    // The chunks' edges joined in one allocation, on all cores ([`Graph::joined`]; sized from
    // the chunks: a pass over every node's attributes to count the references first was a
    // stage of its own, on one core).
    let mut lists = Vec::with_capacity(parts.len());
    let mut misses: Vec<Miss<'_>> = Vec::new();
    for mut part in parts {
        lists.push(std::mem::take(&mut part.edges));
        let base = findings.len();
        misses.extend(part.misses.into_iter().map(|m| Miss {
            finding: base + m.finding,
            ..m
        }));
        findings.extend(part.findings);
    }
    (Graph::joined(nodes.len(), lists), misses)
}

/// What resolving a chunk of nodes found: edges, findings, and the unresolved references
/// (their `finding` counted within the chunk).
#[derive(Default)]
struct Part<'a> {
    edges: graph::Edges,
    findings: Vec<Finding>,
    misses: Vec<Miss<'a>>,
}

/// Resolves the references of one node.
fn resolve_node<'a>(
    schema: &'a Schema,
    nodes: &'a [Node],
    index: &super::IdIndex,
    from: NodeIx,
    node: &'a Node,
    part: &mut Part<'a>,
) {
    let kind = schema.kind(node.kind);
    for attr in &node.attrs {
        let AttrValue::Refs(refs) = &attr.value else {
            continue;
        };
        let Some(key) = kind.key_by_id(attr.key) else {
            continue;
        };
        let key_name = key.name.as_str();
        let targets = key.ty.targets();
        // Kind names for messages, only computed when a reference fails.
        let names = || super::error::a_kind_list(schema, targets);
        let relation = attr.key;
        for (target, span) in refs.iter(node.span.file) {
            match index.get_kind(nodes, target) {
                Some((to, kind)) if targets.contains(&kind) => {
                    part.edges.push(from, to, Edge { relation, span });
                }
                Some((to, _)) => {
                    let names = names();
                    let other = &nodes[to.index()];
                    let is = super::error::kind_word(schema, other.kind);
                    part.findings.push(
                        Finding::builtin(
                            &code::WRONG_REFERENCE_KIND,
                            span,
                            Text::new(
                                format!(
                                    "`{key_name}` expects {}, but {target} is {}",
                                    names.en,
                                    with_article(&is.en)
                                ),
                                format!(
                                    "`{key_name}` には{}を指定しますが、{target} は{}です",
                                    names.ja, is.ja
                                ),
                            ),
                        )
                        .with_label(Text::new(with_article(&is.en), is.ja.clone()))
                        .with_secondary(
                            other.header,
                            Text::new(
                                format!("{target} is declared as {} here", with_article(&is.en)),
                                format!("{target} はここで{}として宣言", is.ja),
                            ),
                        )
                        .with_help(Text::new(
                            format!("point `{key_name}` at {}", names.en),
                            format!("`{key_name}` には{}の ID を指定してください", names.ja),
                        ))
                        .with_node(&node.id)
                        .with_relation(key_name),
                    );
                }
                None => {
                    let names = names();
                    // The did-you-mean is filled in below, for all misses at once.
                    part.misses.push(Miss {
                        finding: part.findings.len(),
                        target,
                        targets,
                        names: names.clone(),
                    });
                    part.findings.push(
                        Finding::builtin(
                            &code::UNRESOLVED_REFERENCE,
                            span,
                            Text::new(
                                format!("`{target}` is not declared"),
                                format!("`{target}` は宣言されていません"),
                            ),
                        )
                        .with_label(Text::new(
                            format!(
                                "no {} with this ID",
                                super::error::kind_list(schema, targets).en
                            ),
                            format!("この ID の{}はありません", names.ja),
                        ))
                        .with_node(&node.id)
                        .with_relation(key_name),
                    );
                }
            }
        }
    }
}

/// An unresolved reference awaiting its did-you-mean.
pub(super) struct Miss<'a> {
    /// Index of its finding.
    finding: usize,
    target: &'a str,
    targets: &'a [super::KindId],
    /// The kinds it may name, with the English article.
    names: Text,
}

/// The IDs of the nodes of `targets`' kinds, in node order: the candidates of a did-you-mean.
fn candidates<'n>(
    nodes: &'n [Node],
    targets: &'n [super::KindId],
) -> impl Iterator<Item = &'n str> + 'n {
    nodes
        .iter()
        .filter(|n| targets.contains(&n.kind))
        .map(|n| n.id.as_str())
}

/// Most lookups in one set of target kinds that each scan the set rather than share an index
/// (sorting a set into an index costs about as much as this many scans of it).
const SCAN_LOOKUPS: usize = 16;

/// Fills the help of every unresolved reference of `misses` (from [`edges`]): one suggestion
/// index per set of target kinds (or, for a few lookups, a scan of the set), lookups in
/// parallel (each is independent; the budget bounds the total work). Answers in `memo` are
/// reused, and the new ones kept there.
pub(super) fn suggest_all(
    nodes: &[Node],
    misses: &[Miss<'_>],
    findings: &mut [Finding],
    mut memo: Option<&mut SuggestMemo>,
) {
    let budget = MAX_CANDIDATES.min(MAX_TOTAL_CANDIDATES / misses.len().max(1));
    let known: Vec<Recalled> = match memo.as_deref_mut() {
        Some(memo) => memo.recall(nodes, misses, budget),
        None => misses.iter().map(|_| Recalled::Unknown).collect(),
    };
    // Per set of target kinds, an index when it has many lookups; a few lookups each scan the
    // set instead (the same answers, without sorting the whole set and holding it twice).
    let mut lookups: HashMap<&[super::KindId], usize> = HashMap::new();
    for (m, _) in misses
        .iter()
        .zip(&known)
        .filter(|(_, k)| matches!(k, Recalled::Unknown))
    {
        *lookups.entry(m.targets).or_default() += 1;
    }
    let indexes: HashMap<&[super::KindId], Index<'_>> = lookups
        .into_iter()
        .filter(|&(_, count)| count > SCAN_LOOKUPS)
        .map(|(targets, _)| (targets, Index::new(candidates(nodes, targets))))
        .collect();
    let suggestions: Vec<Option<String>> = misses
        .par_iter()
        .zip(known)
        .map(|(m, known)| match known {
            Recalled::Known(answer) => answer,
            Recalled::Unknown => match indexes.get(m.targets) {
                Some(index) => index.suggest_within(m.target, budget),
                None => suggest_scan(m.target, candidates(nodes, m.targets), budget),
            }
            .map(str::to_owned),
        })
        .collect();
    if let Some(memo) = memo {
        memo.keep(misses, &suggestions);
    }
    for (m, s) in misses.iter().zip(suggestions) {
        let (target, names) = (m.target, &m.names);
        let help = match s.as_deref() {
            Some(s) => Text::did_you_mean(s),
            None => Text::new(
                format!("declare {} `{target}`, or correct the ID", names.en),
                format!(
                    "{} `{target}` を宣言するか、ID を修正してください",
                    names.ja
                ),
            ),
        };
        if let Some(f) = findings.get_mut(m.finding) {
            f.help = Some(help.into());
        }
    }
}

/// Did-you-mean answers of unresolved references kept from one assembly to the next (the
/// language server assembles the model again after each edit). An answer depends only on the
/// missing ID, the IDs of the kinds the reference allows, and the lookup budget (which
/// depends on the number of misses): it is reused while all three are the same.
#[derive(Debug, Default)]
pub struct SuggestMemo {
    sets: HashMap<Vec<super::KindId>, MemoSet>,
}

/// A did-you-mean answer kept from an earlier assembly (`None` inside: nothing was close), or
/// none kept.
enum Recalled {
    Known(Option<String>),
    Unknown,
}

#[derive(Debug, Default)]
struct MemoSet {
    /// The candidate IDs, in node order, that the answers were looked up among.
    candidates: Vec<String>,
    budget: usize,
    answers: HashMap<String, Option<String>>,
}

impl SuggestMemo {
    /// The answers known for `misses`. Forgets the answers of the sets
    /// of kinds whose candidates or budget changed.
    fn recall(&mut self, nodes: &[Node], misses: &[Miss<'_>], budget: usize) -> Vec<Recalled> {
        let wanted: HashSet<&[super::KindId]> = misses.iter().map(|m| m.targets).collect();
        self.sets.retain(|k, _| wanted.contains(k.as_slice()));
        for targets in wanted {
            let candidates = || candidates(nodes, targets);
            let same = self.sets.get(targets).is_some_and(|s| {
                s.budget == budget && s.candidates.iter().map(String::as_str).eq(candidates())
            });
            if !same {
                self.sets.insert(
                    targets.to_vec(),
                    MemoSet {
                        candidates: candidates().map(str::to_owned).collect(),
                        budget,
                        answers: HashMap::new(),
                    },
                );
            }
        }
        misses
            .iter()
            .map(|m| {
                match self
                    .sets
                    .get(m.targets)
                    .and_then(|s| s.answers.get(m.target))
                {
                    Some(answer) => Recalled::Known(answer.clone()),
                    None => Recalled::Unknown,
                }
            })
            .collect()
    }

    /// Keeps the answers of this assembly's misses (and only those).
    fn keep(&mut self, misses: &[Miss<'_>], answers: &[Option<String>]) {
        for set in self.sets.values_mut() {
            set.answers.clear();
        }
        for (m, a) in misses.iter().zip(answers) {
            if let Some(set) = self.sets.get_mut(m.targets) {
                set.answers.insert(m.target.to_owned(), a.clone());
            }
        }
    }
}

/// One finding per cycle through the relations the schema marks acyclic, named from its
/// smallest ID (`I1 -> I2 -> I1`). Iterative throughout: a 100,000-long cycle is fine.
pub(super) fn cycles(model: &Model, findings: &mut Vec<Finding>) {
    // A handful of relations: a scan of a short list is cheaper than hashing per edge.
    let mut acyclic: Vec<KeyId> = model
        .schema
        .kinds
        .iter()
        .flat_map(|k| k.keys.iter())
        .filter(|k| k.acyclic)
        .map(|k| k.id)
        .collect();
    acyclic.sort_unstable();
    acyclic.dedup();
    if acyclic.is_empty() || !has_cycle(model, &acyclic) {
        return;
    }
    let mut sub: DiGraph<(), (), u32> = DiGraph::with_capacity(model.nodes.len(), 0);
    for _ in 0..model.nodes.len() {
        sub.add_node(());
    }
    // Nodes with an edge to themselves: a cycle of one.
    let mut self_loops: HashSet<usize> = HashSet::new();
    let mut any = false;
    for (from, to, e) in model.graph.edges() {
        if acyclic.contains(&e.relation) {
            sub.add_edge(NodeIndex::new(from.index()), NodeIndex::new(to.index()), ());
            if from == to {
                self_loops.insert(from.index());
            }
            any = true;
        }
    }
    if !any {
        return;
    }
    // Kosaraju with petgraph's iterative DFS: `tarjan_scc` recurses once per node of a path
    // and overflowed the stack on a 100,000-long cycle. Most components are single nodes with
    // no loop: only the nodes of a cycle get a set, and only their edges are looked up.
    let cyclic: Vec<Vec<NodeIndex<u32>>> = kosaraju_scc(&sub)
        .into_iter()
        .filter(|scc| scc.len() > 1 || self_loops.contains(&scc[0].index()))
        .collect();
    if cyclic.is_empty() {
        return;
    }
    let mut in_cycle = vec![false; model.nodes.len()];
    for n in cyclic.iter().flatten() {
        in_cycle[n.index()] = true;
    }
    // The first edge between two nodes of a cycle, in the order the references were read.
    let mut edge_span = HashMap::new();
    for (from, to, e) in model.graph.edges() {
        let (from, to) = (from.index(), to.index());
        if in_cycle[from] && in_cycle[to] && acyclic.contains(&e.relation) {
            edge_span.entry((from, to)).or_insert(e);
        }
    }
    for scc in cyclic {
        let members: HashSet<usize> = scc.iter().map(|n| n.index()).collect();
        let Some(&start) = members
            .iter()
            .min_by(|a, b| model.nodes[**a].id.cmp(&model.nodes[**b].id))
        else {
            continue;
        };
        let path = cycle_path(&sub, &members, start);
        let names: Vec<&str> = path.iter().map(|&n| model.nodes[n].id.as_str()).collect();
        let shown = if names.len() > 12 {
            format!(
                "{} -> … ({} nodes) … -> {}",
                names[..6].join(" -> "),
                names.len() - 1,
                names[names.len() - 6..].join(" -> ")
            )
        } else {
            names.join(" -> ")
        };
        let Some(first_edge) = path.get(1).and_then(|&next| edge_span.get(&(start, next))) else {
            continue;
        };
        let relation = model.schema.key_name(first_edge.relation);
        let mut f = Finding::builtin(
            &code::CYCLE,
            first_edge.span,
            Text::new(
                format!("cycle through `{relation}`: {shown}"),
                format!("`{relation}` が循環しています: {shown}"),
            ),
        )
        .with_label(Text::new("the cycle starts here", "循環の始まり"))
        .with_help(Text::new(
            "a plan is a hierarchy: remove one reference of the cycle",
            "計画は階層構造です。循環を構成する参照のいずれかを削除してください",
        ))
        .with_relation(relation);
        for w in path.windows(2).skip(1).take(4) {
            if let Some(e) = edge_span.get(&(w[0], w[1])) {
                f = f.with_secondary(
                    e.span,
                    Text::new(
                        format!("{} -> {}", model.nodes[w[0]].id, model.nodes[w[1]].id),
                        format!("{} -> {}", model.nodes[w[0]].id, model.nodes[w[1]].id),
                    ),
                );
            }
        }
        let mut ids: crate::diag::ThinVec<Substr> =
            path.iter().map(|&n| model.nodes[n].id.clone()).collect();
        ids.pop();
        f.nodes = ids;
        findings.push(f);
    }
}

/// Whether the edges of `acyclic` relations close a cycle: the nodes no such edge reaches are
/// taken away, then those only they reached, and so on (Kahn's order); a cycle is what is
/// left. A plan normally has none, and then the components are not computed at all.
fn has_cycle(model: &Model, acyclic: &[KeyId]) -> bool {
    let mut into = vec![0u32; model.nodes.len()];
    for (_, to, e) in model.graph.edges() {
        if acyclic.contains(&e.relation) {
            into[to.index()] += 1;
        }
    }
    let mut free: Vec<NodeIx> = (0..into.len())
        .filter(|&i| into[i] == 0)
        .map(NodeIx::new)
        .collect();
    let mut taken = 0;
    while let Some(n) = free.pop() {
        taken += 1;
        for &rel in acyclic {
            for (m, _) in model.graph.outgoing(n, rel) {
                let left = &mut into[m.index()];
                *left -= 1;
                if *left == 0 {
                    free.push(m);
                }
            }
        }
    }
    taken < into.len()
}

/// A cycle from `start` back to it inside one strongly connected component (breadth first,
/// so the shortest), as node indices with `start` at both ends.
fn cycle_path(g: &DiGraph<(), (), u32>, members: &HashSet<usize>, start: usize) -> Vec<usize> {
    let mut prev: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    let mut seen = HashSet::from([start]);
    while let Some(n) = queue.pop_front() {
        let mut nexts: Vec<usize> = g
            .neighbors(NodeIndex::new(n))
            .map(NodeIndex::index)
            .collect();
        nexts.sort_unstable();
        for m in nexts {
            if !members.contains(&m) {
                continue;
            }
            if m == start {
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    cur = prev[&cur];
                    path.push(cur);
                }
                path.reverse();
                path.push(start);
                return path;
            }
            if seen.insert(m) {
                prev.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    vec![start, start]
}
