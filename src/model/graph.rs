//! The relation graph: one vertex per node, one typed edge per resolved reference.
//!
//! Edges are kept in the order they were added; an adjacency index, built once after the last
//! edge, groups each node's outgoing and incoming edges by relation, so a query for one
//! relation visits only the edges of that relation (a goal with 100,000 items under it answers
//! "which programs cover this goal" without reading its 100,000 `goal` edges).

use super::{KeyId, NodeIx};
use crate::diag::Span;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// A resolved reference: `from` declares `relation` pointing at `to`.
#[derive(Clone, Debug)]
pub struct Edge {
    /// The key that made it (`covers`, `parent`…).
    pub relation: KeyId,
    /// The reference token in the declaring node.
    pub span: Span,
}

/// One stored edge.
#[derive(Debug)]
struct Stored {
    from: u32,
    to: u32,
    edge: Edge,
}

impl Stored {
    /// An edge of nothing: a place to move an edge into ([`crate::base::join_parts`]).
    fn blank() -> Self {
        Stored {
            from: 0,
            to: 0,
            edge: Edge {
                relation: KeyId(0),
                span: Span::new(crate::base::FileId(0), 0, 0),
            },
        }
    }

    fn new(from: NodeIx, to: NodeIx, edge: Edge) -> Self {
        Stored {
            from: from.index() as u32,
            to: to.index() as u32,
            edge,
        }
    }
}

/// Edges gathered apart from a graph (references resolved chunk by chunk on all cores), then
/// joined in order by [`Graph::joined`].
#[derive(Debug, Default)]
pub struct Edges {
    list: Vec<Stored>,
    /// One more than the highest node index an edge names.
    nodes: usize,
}

impl Edges {
    /// How many edges are gathered.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn push(&mut self, from: NodeIx, to: NodeIx, edge: Edge) {
        self.list.push(Stored::new(from, to, edge));
        self.nodes = self.nodes.max(from.index() + 1).max(to.index() + 1);
    }
}

/// Edges between node indices. Vertex `i` is `Model::nodes[i]`.
#[derive(Debug, Default)]
pub struct Graph {
    nodes: usize,
    edges: Vec<Stored>,
    index: OnceLock<Adjacency>,
    /// Edges handed out by queries, when [`Graph::count_work`] asked for it.
    work: Option<AtomicUsize>,
}

/// Each node's edges grouped by relation: `edges[start[n]..start[n + 1]]` are the edge numbers
/// of node `n`, sorted by relation and, within a relation, newest first (the order the
/// petgraph adjacency lists this replaced gave, which rules and output depend on).
#[derive(Debug, Default)]
struct Side {
    start: Vec<u32>,
    slots: Vec<Slot>,
}

/// One edge as a node sees it: the node at its other end, its relation and its number. A
/// query reads a node's slots, one after the other, and nothing else unless it asks for the
/// edge's span (the edge records, 24 bytes each in the order the edges were added, cost a
/// cache miss per edge read in a large plan: the relation of each edge a binary search
/// probed, the other end of each edge handed out).
#[derive(Debug, Clone, Copy)]
struct Slot {
    other: u32,
    relation: KeyId,
    edge: u32,
}

#[derive(Debug, Default)]
struct Adjacency {
    outgoing: Side,
    incoming: Side,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Outgoing,
    Incoming,
}

impl Graph {
    pub fn with_nodes(n: usize) -> Self {
        Graph {
            nodes: n,
            ..Graph::default()
        }
    }

    /// A graph of `n` nodes and the edges of `lists`, in order (joined on all cores: each list
    /// appended in turn was a stage on one core).
    pub fn joined(n: usize, lists: Vec<Edges>) -> Self {
        let nodes = lists.iter().map(|l| l.nodes).fold(n, usize::max);
        let lists = lists.into_iter().map(|l| l.list).collect();
        Graph {
            nodes,
            edges: crate::base::join_parts(lists, Stored::blank),
            ..Graph::default()
        }
    }

    /// Adds one edge (tests build small graphs edge by edge; the model joins its edges from
    /// lists, [`Graph::joined`]).
    #[cfg(test)]
    pub fn add_edge(&mut self, from: NodeIx, to: NodeIx, edge: Edge) {
        let mut one = Edges::default();
        one.push(from, to, edge);
        self.edges.append(&mut one.list);
        self.nodes = self.nodes.max(one.nodes);
        // The index, if any was built, no longer holds every edge.
        self.index = OnceLock::new();
    }

    /// Builds the adjacency index now (it is otherwise built by the first query).
    pub fn index(&self) {
        self.adjacency();
    }

    /// Counts from now on the edges queries hand out (see [`Graph::work`]): tests pin the work
    /// of the rules with it. Off by default (then it costs one test per edge).
    pub fn count_work(&mut self) {
        self.work = Some(AtomicUsize::new(0));
    }

    /// Edges handed out by queries since [`Graph::count_work`] (0 if not counting).
    pub fn work(&self) -> usize {
        self.work.as_ref().map_or(0, |w| w.load(Ordering::Relaxed))
    }

    #[inline]
    fn adjacency(&self) -> &Adjacency {
        self.index.get_or_init(|| {
            // The two sides are independent: built at once on two cores (on a large plan this
            // is a sequential stage of its own, between resolving references and the rules).
            let (outgoing, incoming) = rayon::join(
                || self.side(|s| s.from, |s| s.to),
                || self.side(|s| s.to, |s| s.from),
            );
            Adjacency { outgoing, incoming }
        })
    }

    /// A counting sort of the edges by node (newest first), then each node's edges sorted by
    /// relation (a stable sort keeps newest first within a relation): O(edges + nodes), plus
    /// O(d log d) for a node of degree d.
    fn side(&self, node_of: impl Fn(&Stored) -> u32, other_of: impl Fn(&Stored) -> u32) -> Side {
        let mut start = vec![0u32; self.nodes + 1];
        for s in &self.edges {
            start[node_of(s) as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next: Vec<u32> = start.clone();
        let empty = Slot {
            other: 0,
            relation: KeyId(0),
            edge: 0,
        };
        let mut slots = vec![empty; self.edges.len()];
        for (i, s) in self.edges.iter().enumerate().rev() {
            let slot = &mut next[node_of(s) as usize];
            slots[*slot as usize] = Slot {
                other: other_of(s),
                relation: s.edge.relation,
                edge: i as u32,
            };
            *slot += 1;
        }
        for w in start.windows(2) {
            let group = &mut slots[w[0] as usize..w[1] as usize];
            if group.len() > 1 {
                group.sort_by_key(|slot| slot.relation);
            }
        }
        Side { start, slots }
    }

    /// Nodes `from` points at through `relation`, with the edge.
    #[inline]
    pub fn outgoing(
        &self,
        from: NodeIx,
        relation: KeyId,
    ) -> impl Iterator<Item = (NodeIx, &Edge)> + '_ {
        self.dir(from, relation, Direction::Outgoing)
    }

    /// The `i`-th edge out of `from` through any relation, as its relation and the node it
    /// points at (ordered by relation): for a walk over several relations that stops at a
    /// node and comes back to it later, reading the node's edges once rather than looking up
    /// each relation.
    #[inline]
    pub fn outgoing_nth(&self, from: NodeIx, i: usize) -> Option<(KeyId, NodeIx)> {
        let slot = self.slots(from, Direction::Outgoing).get(i)?;
        self.add_work(1);
        Some((slot.relation, NodeIx::new(slot.other as usize)))
    }

    /// The first node `from` points at through the first of `relations` (in their order) that
    /// it has an edge through: what `outgoing(from, r).next()` gives for the first such `r`,
    /// found in one read of the node's edges rather than one lookup per relation.
    pub fn first_outgoing(&self, from: NodeIx, relations: &[KeyId]) -> Option<NodeIx> {
        let mut best: Option<(usize, u32)> = None;
        for slot in self.slots(from, Direction::Outgoing) {
            let Some(rank) = relations.iter().position(|&r| r == slot.relation) else {
                continue;
            };
            // A relation's slots are together, the first of them first.
            if best.is_none_or(|(b, _)| rank < b) {
                best = Some((rank, slot.other));
            }
        }
        let (_, other) = best?;
        self.add_work(1);
        Some(NodeIx::new(other as usize))
    }

    /// Nodes that point at `to` through `relation`, with the edge.
    #[inline]
    pub fn incoming(
        &self,
        to: NodeIx,
        relation: KeyId,
    ) -> impl Iterator<Item = (NodeIx, &Edge)> + '_ {
        self.dir(to, relation, Direction::Incoming)
    }

    /// The slots of `node` through `relation` on one side: two binary searches in the node's
    /// slots, which are sorted by relation and hold it (one read of a few contiguous slots).
    #[inline]
    fn group(&self, node: NodeIx, relation: KeyId, dir: Direction) -> &[Slot] {
        let all = self.slots(node, dir);
        let lo = all.partition_point(|s| s.relation < relation);
        let hi = lo + all[lo..].partition_point(|s| s.relation <= relation);
        &all[lo..hi]
    }

    /// All the slots of `node` on one side, sorted by relation.
    #[inline]
    fn slots(&self, node: NodeIx, dir: Direction) -> &[Slot] {
        let adjacency = self.adjacency();
        let side = match dir {
            Direction::Outgoing => &adjacency.outgoing,
            Direction::Incoming => &adjacency.incoming,
        };
        let (Some(&a), Some(&b)) = (
            side.start.get(node.index()),
            side.start.get(node.index() + 1),
        ) else {
            return &[];
        };
        side.slots.get(a as usize..b as usize).unwrap_or_default()
    }

    /// Adds `n` to the work count, when counting: edges handed out, or the steps of other work
    /// a rule does per edge (comparing tags).
    #[inline]
    pub(crate) fn add_work(&self, n: usize) {
        if let Some(w) = &self.work {
            w.fetch_add(n, Ordering::Relaxed);
        }
    }

    #[inline]
    fn dir(
        &self,
        node: NodeIx,
        relation: KeyId,
        dir: Direction,
    ) -> impl Iterator<Item = (NodeIx, &Edge)> + '_ {
        self.group(node, relation, dir).iter().map(move |slot| {
            self.add_work(1);
            (
                NodeIx::new(slot.other as usize),
                &self.edges[slot.edge as usize].edge,
            )
        })
    }

    /// All edges as `(from, to, edge)`, in the order they were added.
    pub fn edges(&self) -> impl Iterator<Item = (NodeIx, NodeIx, &Edge)> + '_ {
        self.edges.iter().map(|s| {
            (
                NodeIx::new(s.from as usize),
                NodeIx::new(s.to as usize),
                &s.edge,
            )
        })
    }

    /// Nodes reachable from `start` (excluded) by following any of `relations` outward,
    /// breadth first, each once. Ends on cycles.
    pub fn ancestors(&self, start: NodeIx, relations: &[KeyId]) -> Vec<NodeIx> {
        self.closure(start, relations, Direction::Outgoing)
    }

    /// Nodes that reach `start` (excluded) through any of `relations`, breadth first.
    pub fn descendants(&self, start: NodeIx, relations: &[KeyId]) -> Vec<NodeIx> {
        self.closure(start, relations, Direction::Incoming)
    }

    fn closure(&self, start: NodeIx, relations: &[KeyId], dir: Direction) -> Vec<NodeIx> {
        // Most closures are a short chain up (an item's parents, goal, policy and plan): the
        // nodes met are looked up in `out` itself until it holds `SMALL`, then in a hash set
        // (Fx: the keys are node numbers), so a large closure stays linear.
        const SMALL: usize = 32;
        let mut seen: Option<rustc_hash::FxHashSet<NodeIx>> = None;
        let mut out = Vec::new();
        let mut i = 0;
        let mut next = start;
        loop {
            for &rel in relations {
                for (m, _) in self.dir(next, rel, dir) {
                    let new = match &mut seen {
                        Some(set) => set.insert(m),
                        None => m != start && !out.contains(&m),
                    };
                    if new {
                        out.push(m);
                        if seen.is_none() && out.len() >= SMALL {
                            seen = Some(out.iter().copied().chain([start]).collect());
                        }
                    }
                }
            }
            let Some(&n) = out.get(i) else { break };
            next = n;
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::FileId;

    fn edge(relation: u32, at: usize) -> Edge {
        Edge {
            relation: KeyId(relation),
            span: Span::new(FileId(0), at, at + 1),
        }
    }

    fn ids<'a>(it: impl Iterator<Item = (NodeIx, &'a Edge)>) -> Vec<(usize, usize)> {
        it.map(|(n, e)| (n.index(), e.span.start())).collect()
    }

    #[test]
    fn queries_give_one_relation_newest_first() {
        let mut graph = Graph::with_nodes(4);
        let (a, b, c, d) = (
            NodeIx::new(0),
            NodeIx::new(1),
            NodeIx::new(2),
            NodeIx::new(3),
        );
        graph.add_edge(b, a, edge(1, 10));
        graph.add_edge(c, a, edge(2, 20));
        graph.add_edge(d, a, edge(1, 30));
        graph.add_edge(b, c, edge(1, 40));
        assert_eq!(ids(graph.incoming(a, KeyId(1))), [(3, 30), (1, 10)]);
        assert_eq!(ids(graph.incoming(a, KeyId(2))), [(2, 20)]);
        assert_eq!(ids(graph.incoming(a, KeyId(3))), []);
        assert_eq!(ids(graph.outgoing(b, KeyId(1))), [(2, 40), (0, 10)]);
        // An edge added after a query is seen by the next one.
        graph.add_edge(c, a, edge(1, 50));
        assert_eq!(
            ids(graph.incoming(a, KeyId(1))),
            [(2, 50), (3, 30), (1, 10)]
        );
        let all: Vec<usize> = graph.edges().map(|(_, _, e)| e.span.start()).collect();
        assert_eq!(all, [10, 20, 30, 40, 50]);
    }

    #[test]
    fn a_query_visits_only_the_edges_of_its_relation() {
        let n = 1000;
        let mut g = Graph::with_nodes(n + 2);
        let (hub, program) = (NodeIx::new(0), NodeIx::new(n + 1));
        for i in 1..=n {
            g.add_edge(NodeIx::new(i), hub, edge(1, i));
        }
        g.add_edge(program, hub, edge(2, 0));
        g.count_work();
        assert_eq!(g.incoming(hub, KeyId(2)).count(), 1);
        assert_eq!(g.work(), 1);
        assert_eq!(g.ancestors(NodeIx::new(5), &[KeyId(1)]), [hub]);
        assert_eq!(g.work(), 2);
        // Only the edges taken are counted.
        assert!(g.incoming(hub, KeyId(1)).nth(2).is_some());
        assert_eq!(g.work(), 5);
    }

    /// Each edge costs a 24-byte record and a 12-byte slot on each side (memory per
    /// declaration: the peers' 100k corpus draws 265,816 edges).
    #[test]
    fn an_edge_is_a_24_byte_record_and_two_12_byte_slots() {
        assert!(std::mem::size_of::<Stored>() <= 24);
        assert!(std::mem::size_of::<Slot>() <= 12);
    }

    /// A node's edges of one relation are those of the whole list, newest first, at any
    /// degree: 0 to 40 over three relations, against a filter of every edge.
    #[test]
    fn a_nodes_edges_of_one_relation_are_found_at_any_degree() {
        let nodes = 41;
        let mut g = Graph::with_nodes(nodes);
        let mut at = 0;
        for from in 1..nodes {
            for k in 0..from {
                // Relations 1, 2 and 4 mixed in an order that is not sorted.
                let rel = [4, 1, 2, 1, 4][(k * 7 + from) % 5];
                g.add_edge(NodeIx::new(from), NodeIx::new(k % 3), edge(rel, at));
                at += 1;
            }
        }
        for n in 0..nodes {
            for rel in 0..6 {
                let (node, key) = (NodeIx::new(n), KeyId(rel));
                let mut out: Vec<(usize, usize)> = g
                    .edges()
                    .filter(|(f, _, e)| *f == node && e.relation == key)
                    .map(|(_, t, e)| (t.index(), e.span.start()))
                    .collect();
                let mut inc: Vec<(usize, usize)> = g
                    .edges()
                    .filter(|(_, t, e)| *t == node && e.relation == key)
                    .map(|(f, _, e)| (f.index(), e.span.start()))
                    .collect();
                out.reverse();
                inc.reverse();
                assert_eq!(ids(g.outgoing(node, key)), out, "out {n} {rel}");
                assert_eq!(ids(g.incoming(node, key)), inc, "in {n} {rel}");
            }
        }
    }

    /// `first_outgoing` and `outgoing_nth` read a node's edges whole and give what the
    /// per-relation queries give: the first edge of the first relation listed that the node
    /// has, and every edge once, with its relation.
    #[test]
    fn reads_of_a_nodes_whole_edges_agree_with_the_queries() {
        let nodes = 23;
        let mut g = Graph::with_nodes(nodes);
        let mut at = 0;
        for from in 1..nodes {
            for k in 0..from % 6 {
                let rel = [4, 1, 2, 1, 4, 3][(k * 5 + from) % 6];
                g.add_edge(
                    NodeIx::new(from),
                    NodeIx::new((k + from) % 7),
                    edge(rel, at),
                );
                at += 1;
            }
        }
        let orders: [&[u32]; 4] = [&[1, 2, 4], &[4, 2, 1], &[3], &[2, 5, 4]];
        for n in (0..nodes).map(NodeIx::new) {
            for order in orders {
                let rels: Vec<KeyId> = order.iter().map(|&r| KeyId(r)).collect();
                let want = rels
                    .iter()
                    .find_map(|&r| g.outgoing(n, r).next().map(|(m, _)| m));
                assert_eq!(g.first_outgoing(n, &rels), want, "{} {order:?}", n.index());
            }
            let mut whole: Vec<(u32, usize)> = (0..)
                .map_while(|i| g.outgoing_nth(n, i))
                .map(|(r, m)| (r.0, m.index()))
                .collect();
            let mut each: Vec<(u32, usize)> = (0..6)
                .flat_map(|r| g.outgoing(n, KeyId(r)).map(move |(m, _)| (r, m.index())))
                .collect();
            whole.sort_unstable();
            each.sort_unstable();
            assert_eq!(whole, each, "{}", n.index());
        }
    }

    /// Breadth first with a hash set from the start: what `closure` must equal.
    fn naive(g: &Graph, start: NodeIx, relations: &[KeyId], dir: Direction) -> Vec<NodeIx> {
        let mut seen = std::collections::HashSet::from([start]);
        let (mut out, mut frontier) = (Vec::new(), std::collections::VecDeque::from([start]));
        while let Some(n) = frontier.pop_front() {
            for &rel in relations {
                for (m, _) in g.dir(n, rel, dir) {
                    if seen.insert(m) {
                        out.push(m);
                        frontier.push_back(m);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn a_closure_small_or_large_is_the_breadth_first_walk_without_repeats() {
        // A tree of fan-out 3 (120 nodes, past the size at which the walk switches from a scan
        // of its output to a hash set), every node also pointing back at the root and at its
        // sibling through a second relation: cycles and nodes met twice.
        let n = 120;
        let mut g = Graph::with_nodes(n);
        for i in 1..n {
            g.add_edge(NodeIx::new(i), NodeIx::new((i - 1) / 3), edge(1, i));
            g.add_edge(NodeIx::new((i - 1) / 3), NodeIx::new(i), edge(2, i));
            g.add_edge(NodeIx::new(i), NodeIx::new(0), edge(2, n + i));
            g.add_edge(NodeIx::new(i), NodeIx::new(i ^ 1), edge(2, 2 * n + i));
        }
        let all = [KeyId(1), KeyId(2)];
        for start in [0, 1, 7, 40, 119] {
            let s = NodeIx::new(start);
            for rels in [&all[..1], &all[1..], &all[..]] {
                assert_eq!(
                    g.ancestors(s, rels),
                    naive(&g, s, rels, Direction::Outgoing)
                );
                assert_eq!(
                    g.descendants(s, rels),
                    naive(&g, s, rels, Direction::Incoming)
                );
            }
        }
        assert_eq!(g.descendants(NodeIx::new(0), &all[..1]).len(), n - 1);
    }
}
