//! The targets above a node (the plans a program serves, the plan a KPI reports to), worked out
//! once per node for a whole rule run.
//!
//! A rule that asked for a node's plans walked all of the node's ancestors (every item a program
//! covers, their parents, goals and policies) for every node it judged: nodes under one goal
//! walked the same ancestors again and again (the walks were 5% of a check at 100,000 items).
//! Here each node's set of targets is the union of its parents' sets, found by one depth-first
//! walk that remembers every node it finishes, so a rule run costs one visit per node and edge
//! it reaches.
//!
//! The sets say which targets there are, not in what order a breadth-first walk meets them: a
//! rule that needs the order (the first plan, or the plans named in a finding) asks only when
//! the set has more than one target, and then walks as before. A node on a cycle, or that
//! reaches one, has no set (the walk cannot finish it exactly), nor has any node once more than
//! 64 targets are met: the rule walks for them as before, so the answers never change.

use super::{KeyId, Model, NodeIx};

/// What is known of a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unseen,
    /// On the walk's stack now.
    Open,
    /// Its set is known.
    Done,
    /// It is on a cycle or reaches one: no set.
    Cyclic,
}

/// The targets reachable from each node (itself included) through `relations`, as sets of at
/// most 64 targets.
pub(crate) struct TargetsAbove<'m, F> {
    model: &'m Model,
    relations: &'m [KeyId],
    is_target: F,
    state: Vec<State>,
    sets: Vec<u64>,
    /// The targets met, by bit.
    targets: Vec<NodeIx>,
    /// More than 64 targets were met: no set is given.
    full: bool,
    /// The walk's stack: a node, its set so far, whether it reaches a cycle, and which of its
    /// edges is read next.
    stack: Vec<Frame>,
}

struct Frame {
    node: NodeIx,
    set: u64,
    cyclic: bool,
    edge: usize,
}

impl<'m, F: Fn(NodeIx) -> bool> TargetsAbove<'m, F> {
    pub(crate) fn new(model: &'m Model, relations: &'m [KeyId], is_target: F) -> Self {
        TargetsAbove {
            model,
            relations,
            is_target,
            state: vec![State::Unseen; model.nodes.len()],
            sets: vec![0; model.nodes.len()],
            targets: Vec::new(),
            full: false,
            stack: Vec::new(),
        }
    }

    /// The targets reachable from `n` (itself included), `None` when not known here (see the
    /// module's notes): the caller then walks.
    pub(crate) fn of(&mut self, n: NodeIx) -> Option<Targets<'_>> {
        if self.full {
            return None;
        }
        if self.state.get(n.index()) == Some(&State::Unseen) {
            self.walk(n);
        }
        if self.full || self.state.get(n.index()) != Some(&State::Done) {
            return None;
        }
        Some(Targets {
            set: self.sets.get(n.index()).copied().unwrap_or(0),
            targets: &self.targets,
        })
    }

    /// The first target a breadth-first walk from `n` meets, as far as the set says (see
    /// [`First`]).
    pub(crate) fn first(&mut self, n: NodeIx) -> First {
        match self.of(n) {
            Some(t) if t.is_empty() => First::None,
            Some(t) => t.only().map_or(First::ByWalk, First::Only),
            None => First::ByWalk,
        }
    }

    /// Finishes `start` and every node it reaches that is not finished yet.
    fn walk(&mut self, start: NodeIx) {
        self.open(start);
        while !self.full {
            let Some(top) = self.stack.last_mut() else {
                break;
            };
            // The next edge of the node on top through one of the relations.
            let mut next = None;
            while let Some((rel, m)) = self.model.graph.outgoing_nth(top.node, top.edge) {
                top.edge += 1;
                if self.relations.contains(&rel) {
                    next = Some(m);
                    break;
                }
            }
            match next.map(|m| (m, self.state.get(m.index()).copied())) {
                Some((m, Some(State::Unseen))) => self.open(m),
                Some((m, Some(State::Done))) => {
                    let set = self.sets.get(m.index()).copied().unwrap_or(0);
                    if let Some(top) = self.stack.last_mut() {
                        top.set |= set;
                    }
                }
                // On the stack (a cycle), reaching a cycle, or out of the model.
                Some(_) => {
                    if let Some(top) = self.stack.last_mut() {
                        top.cyclic = true;
                    }
                }
                None => self.close(),
            }
        }
        self.stack.clear();
    }

    /// Finishes the node on top of the stack, its set given to the node below.
    fn close(&mut self) {
        let Some(done) = self.stack.pop() else { return };
        let i = done.node.index();
        if let (Some(state), Some(set)) = (self.state.get_mut(i), self.sets.get_mut(i)) {
            *state = if done.cyclic {
                State::Cyclic
            } else {
                State::Done
            };
            *set = done.set;
        }
        if let Some(below) = self.stack.last_mut() {
            below.set |= done.set;
            below.cyclic |= done.cyclic;
        }
    }

    fn open(&mut self, n: NodeIx) {
        let mut set = 0;
        if (self.is_target)(n) {
            if self.targets.len() == 64 {
                self.full = true;
                return;
            }
            set = 1 << self.targets.len();
            self.targets.push(n);
        }
        if let Some(state) = self.state.get_mut(n.index()) {
            *state = State::Open;
        }
        self.stack.push(Frame {
            node: n,
            set,
            cyclic: false,
            edge: 0,
        });
    }
}

/// The first target above a node, from its set: none, the only one, or one that only a
/// breadth-first walk can tell (several targets, or no set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum First {
    None,
    Only(NodeIx),
    ByWalk,
}

/// A set of targets of [`TargetsAbove`].
#[derive(Clone, Copy)]
pub(crate) struct Targets<'a> {
    set: u64,
    targets: &'a [NodeIx],
}

impl<'a> Targets<'a> {
    pub(crate) fn is_empty(self) -> bool {
        self.set == 0
    }

    /// The one target, when there is exactly one.
    pub(crate) fn only(self) -> Option<NodeIx> {
        if self.set.is_power_of_two() {
            self.targets
                .get(self.set.trailing_zeros() as usize)
                .copied()
        } else {
            None
        }
    }

    /// The targets, in the order they were met (not a breadth-first order).
    pub(crate) fn iter(self) -> impl Iterator<Item = NodeIx> + 'a {
        let targets = self.targets;
        (0..64)
            .filter(move |&b| self.set & (1 << b) != 0)
            .filter_map(move |b| targets.get(b).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::FileId;
    use crate::model::Schema;
    use std::fmt::Write;

    fn model(text: &str) -> Model {
        let schema = Schema::load(
            FileId(0),
            include_str!("../../rules/basic-plan/schema.toml"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let (ast, _) = crate::syntax::parse(FileId(1), text);
        let (nodes, _) = crate::model::lower(&schema, ast);
        Model::assemble(schema, vec![(FileId(1), nodes)]).0
    }

    fn ix(model: &Model, id: &str) -> NodeIx {
        model.get(id).unwrap_or_else(|| panic!("no {id}"))
    }

    fn relations(model: &Model) -> Vec<KeyId> {
        ["covers", "parent", "goal", "policy", "plan"]
            .iter()
            .filter_map(|k| model.schema.key_id(k))
            .collect()
    }

    const PLANS: &str = r#"
plan P1 "p" {}
plan P2 "p" {}
policy V1 "v" { plan P1 }
policy V2 "v" { plan P2 }
goal G1 "g" { policy V1 }
goal G2 "g" { policy V2 }
item I1 "i" { goal G1 }
item I2 "i" { parent I1 }
program X "x" { covers [G1, G2, I2] }
item C1 "c" { parent C2; goal G1 }
item C2 "c" { parent C1 }
item D "d" { parent C1 }
"#;

    /// Every set given is the set of targets a breadth-first walk from the node meets (the node
    /// included); nodes on a cycle or reaching one get none, whatever order they are asked in.
    #[test]
    fn sets_are_the_targets_a_walk_meets_and_cycles_have_none() {
        let model = model(PLANS);
        let rels = relations(&model);
        assert_eq!(rels.len(), 5);
        let plan = model
            .schema
            .kind_id("plan")
            .unwrap_or_else(|| panic!("plan"));
        let is_plan = |p: NodeIx| model.kind_of(p) == plan;
        let mut above = TargetsAbove::new(&model, &rels, is_plan);
        // The cycle first, then the rest.
        for id in ["D", "C1", "C2"] {
            assert!(above.of(ix(&model, id)).is_none(), "{id}");
        }
        let mut given = 0;
        for n in (0..model.nodes.len()).map(NodeIx::new) {
            let Some(set) = above.of(n) else { continue };
            given += 1;
            let mut got: Vec<NodeIx> = set.iter().collect();
            got.sort_unstable();
            let mut walked: Vec<NodeIx> = std::iter::once(n)
                .chain(model.graph.ancestors(n, &rels))
                .filter(|&p| is_plan(p))
                .collect();
            walked.sort_unstable();
            assert_eq!(got, walked, "{}", model.node(n).id);
            assert_eq!(set.is_empty(), walked.is_empty());
            assert_eq!(set.only(), (walked.len() == 1).then(|| walked[0]));
        }
        for n in (0..model.nodes.len()).map(NodeIx::new) {
            let walked: Vec<NodeIx> = std::iter::once(n)
                .chain(model.graph.ancestors(n, &rels))
                .filter(|&p| is_plan(p))
                .collect();
            let want = match walked.as_slice() {
                _ if above.of(n).is_none() => First::ByWalk,
                [] => First::None,
                [one] => First::Only(*one),
                _ => First::ByWalk,
            };
            assert_eq!(above.first(n), want, "{}", model.node(n).id);
        }
        // All but the three on or below the cycle.
        assert_eq!(given, model.nodes.len() - 3);
        let x = above.of(ix(&model, "X")).unwrap_or_else(|| panic!("X"));
        assert_eq!(x.iter().count(), 2);
        assert_eq!(x.only(), None);
        let p1 = ix(&model, "P1");
        assert_eq!(above.of(ix(&model, "I2")).and_then(Targets::only), Some(p1));
        assert_eq!(above.of(p1).and_then(Targets::only), Some(p1));
    }

    /// Past 64 targets no set is given (the rule walks instead), even for a node whose set was
    /// known before.
    #[test]
    fn past_64_targets_no_set_is_given() {
        let mut text = String::from("item I1 \"i\" { goal G0 }\n");
        let mut covers = Vec::new();
        for i in 0..65 {
            let _ = writeln!(
                text,
                "plan P{i} \"p\" {{}}\npolicy V{i} \"v\" {{ plan P{i} }}\ngoal G{i} \"g\" {{ policy V{i} }}"
            );
            covers.push(format!("G{i}"));
        }
        let _ = writeln!(text, "program X \"x\" {{ covers [{}] }}", covers.join(", "));
        let model = model(&text);
        let rels = relations(&model);
        let plan = model
            .schema
            .kind_id("plan")
            .unwrap_or_else(|| panic!("plan"));
        let mut above = TargetsAbove::new(&model, &rels, |p| model.kind_of(p) == plan);
        let i1 = ix(&model, "I1");
        assert!(above.of(i1).and_then(Targets::only).is_some());
        assert!(above.of(ix(&model, "X")).is_none());
        assert!(above.of(i1).is_none());
        assert!(above.of(ix(&model, "G3")).is_none());
    }
}
