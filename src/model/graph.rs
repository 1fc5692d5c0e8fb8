//! The relation graph: one vertex per node, one typed edge per resolved reference.

use super::{KeyId, NodeIx};
use crate::diag::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

/// A resolved reference: `from` declares `relation` pointing at `to`.
#[derive(Clone, Debug)]
pub struct Edge {
    /// The key that made it (`covers`, `parent`…).
    pub relation: KeyId,
    /// The reference token in the declaring node.
    pub span: Span,
}

/// Edges between node indices. Vertex `i` is `Model::nodes[i]`.
#[derive(Debug, Default)]
pub struct Graph {
    inner: DiGraph<(), Edge, u32>,
}

impl Graph {
    pub fn with_nodes(n: usize) -> Self {
        let mut inner = DiGraph::with_capacity(n, n);
        for _ in 0..n {
            inner.add_node(());
        }
        Graph { inner }
    }

    pub fn add_edge(&mut self, from: NodeIx, to: NodeIx, edge: Edge) {
        self.inner.add_edge(
            NodeIndex::new(from.index()),
            NodeIndex::new(to.index()),
            edge,
        );
    }

    /// Nodes `from` points at through `relation`, with the edge.
    pub fn outgoing(
        &self,
        from: NodeIx,
        relation: KeyId,
    ) -> impl Iterator<Item = (NodeIx, &Edge)> + '_ {
        self.dir(from, relation, Direction::Outgoing)
    }

    /// Nodes that point at `to` through `relation`, with the edge.
    pub fn incoming(
        &self,
        to: NodeIx,
        relation: KeyId,
    ) -> impl Iterator<Item = (NodeIx, &Edge)> + '_ {
        self.dir(to, relation, Direction::Incoming)
    }

    fn dir(
        &self,
        node: NodeIx,
        relation: KeyId,
        dir: Direction,
    ) -> impl Iterator<Item = (NodeIx, &Edge)> + '_ {
        self.inner
            .edges_directed(NodeIndex::new(node.index()), dir)
            .filter(move |e| e.weight().relation == relation)
            .map(move |e| {
                let other = if dir == Direction::Outgoing {
                    e.target()
                } else {
                    e.source()
                };
                (NodeIx::new(other.index()), e.weight())
            })
    }

    /// All edges as `(from, to, edge)`.
    pub fn edges(&self) -> impl Iterator<Item = (NodeIx, NodeIx, &Edge)> + '_ {
        self.inner.edge_references().map(|e| {
            (
                NodeIx::new(e.source().index()),
                NodeIx::new(e.target().index()),
                e.weight(),
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
        let mut seen = std::collections::HashSet::new();
        seen.insert(start);
        let mut out = Vec::new();
        let mut i = 0;
        let mut frontier = vec![start];
        while i < frontier.len() {
            let n = frontier[i];
            i += 1;
            for &rel in relations {
                for (m, _) in self.dir(n, rel, dir) {
                    if seen.insert(m) {
                        out.push(m);
                        frontier.push(m);
                    }
                }
            }
        }
        out
    }
}
