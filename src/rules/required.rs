//! Rule type `required`: from every node of a kind, a path of relations must reach a node
//! of another kind (an item reaches a goal through `parent* goal`; a KPI reaches a KGI).
//!
//! A path is a sequence of steps: `rel` (follow once), `rel*` (zero or more times), `rel?`
//! (at most once), `<rel` (against the edge), `a|b` (either relation).

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::spec::Checker;
use crate::diag::{Text};
use crate::model::Schema;
use crate::model::{KeyId, KindId, Model, NodeIx};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug)]
pub struct Required {
    pub kind: KindId,
    pub steps: Vec<Step>,
    pub reach: KindId,
}

/// One step of a path.
#[derive(Debug, Clone)]
pub struct Step {
    pub relations: Vec<KeyId>,
    pub incoming: bool,
    pub repeat: bool,
    pub optional: bool,
}

impl Step {
    /// The step as written in `rules.toml`: `<measures`, `parent|goal*`.
    pub fn show(&self, schema: &Schema) -> String {
        let suffix = if self.repeat {
            "*"
        } else if self.optional {
            "?"
        } else {
            ""
        };
        let arrow = if self.incoming { "<" } else { "" };
        let names: Vec<&str> = self.relations.iter().map(|&r| schema.key_name(r)).collect();
        format!("{arrow}{}{suffix}", names.join("|"))
    }

    pub(crate) fn parse(s: &Spanned<String>, c: &mut Checker<'_>) -> Option<Step> {
        let mut text = s.get_ref().as_str();
        let incoming = text.starts_with('<');
        text = text.trim_start_matches('<');
        let repeat = text.ends_with('*');
        let optional = text.ends_with('?');
        text = text.trim_end_matches(['*', '?']);
        let mut relations = Vec::new();
        for name in text.split('|') {
            relations.push(c.relation(&Spanned::new(s.span(), name.to_owned()))?);
        }
        Some(Step {
            relations,
            incoming,
            repeat,
            optional,
        })
    }
}

/// Parameters of `required`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RequiredParams {
    path: Option<Vec<Spanned<String>>>,
    reach: Option<Spanned<String>>,
}

impl RuleKind for Required {
    const NAME: &'static str = "required";
    const PLACEHOLDERS: &'static [&'static str] = &["reach"];
    type Params = RequiredParams;

    fn build(kind: KindId, p: RequiredParams, c: &mut Checker<'_>) -> Option<Self> {
        let reach = c.need(p.reach.as_ref(), "reach").and_then(|s| c.kind(s));
        let steps = c.need(p.path.as_ref(), "path").map(|p| {
            p.iter()
                .filter_map(|s| Step::parse(s, c))
                .collect::<Vec<_>>()
        });
        Some(Required {
            kind,
            steps: steps?,
            reach: reach?,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        // Memo of states (node, step) known to reach or not: keeps long chains linear.
        let mut memo = Memo::new(model.nodes.len(), self.steps.len());
        let mut search = Search::default();
        let reach = model.schema.kind(self.reach).name.clone();
        let label = model.schema.label(self.reach);
        for n in ctx.targets(self.kind) {
            if self.reaches(model, n, &mut memo, &mut search) {
                continue;
            }
            out.push(
                ctx.finding(n, &[("reach", Text::same(&reach))])
                    .with_label(Text::new(
                        format!("leads to no {}", label.en),
                        format!("{}につながらない", label.ja),
                    )),
            );
        }
    }

    /// This rule's parameters as `align explain` and docs/rules.md show them.
    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        let steps: Vec<String> = self.steps.iter().map(|s| s.show(schema)).collect();
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("path".into(), steps.join(" ")),
            ("reach".into(), schema.kind(self.reach).name.clone()),
        ]
    }
}

/// The buffers of one search, reused from target to target (a search allocated its own
/// queue, maps and step lists for every node before).
#[derive(Default)]
struct Search {
    /// The states found, in the order found (the breadth-first queue, read from its head),
    /// each with the place in this list of the state it was reached from.
    states: Vec<(State, usize)>,
    /// Per state (indexed as [`Memo`] indexes them), the number of the last search that found
    /// it: nothing is cleared between searches (a hash set and a hash map of the states, with
    /// five insertions a target, were a third of this rule's time).
    seen: Vec<u32>,
    /// The number of the current search (from 1).
    number: u32,
    next: Vec<State>,
}

/// Marks the start of a chain of [`Search::states`].
const NO_STATE: usize = usize::MAX;

/// A node and the number of path steps taken to reach it.
type State = (NodeIx, usize);

/// What is known of each state: one byte per node and number of steps taken, indexed
/// directly (a hash map of the states visited missed the cache on nearly every lookup at a
/// million items, most of this rule's time).
struct Memo {
    known: Vec<Known>,
    /// States per node: the number of steps, plus one for the end of the path.
    per_node: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Unknown,
    Reaches,
    Fails,
}

impl Memo {
    fn new(nodes: usize, steps: usize) -> Memo {
        let per_node = steps + 1;
        Memo {
            known: vec![Known::Unknown; nodes.saturating_mul(per_node)],
            per_node,
        }
    }

    fn index(&self, (node, i): State) -> usize {
        node.index() * self.per_node + i
    }

    fn get(&self, state: State) -> Known {
        self.known
            .get(self.index(state))
            .copied()
            .unwrap_or(Known::Unknown)
    }

    fn set(&mut self, state: State, known: Known) {
        let i = self.index(state);
        if let Some(k) = self.known.get_mut(i) {
            *k = known;
        }
    }
}

impl Required {
    fn reaches(
        &self,
        model: &Model,
        start: NodeIx,
        memo: &mut Memo,
        search: &mut Search,
    ) -> bool {
        let end = self.steps.len();
        let Search {
            states,
            seen,
            number,
            next,
        } = search;
        if seen.len() != memo.known.len() {
            *seen = vec![0; memo.known.len()];
        }
        *number += 1;
        let number = *number;
        // Whether a state is found for the first time in this search. Every state is in the
        // memo's range (a node of the model and at most `end` steps).
        let mut first_time = |s: State| match seen.get_mut(memo.index(s)) {
            Some(mark) if *mark == number => false,
            Some(mark) => {
                *mark = number;
                true
            }
            None => true,
        };
        states.clear();
        first_time((start, 0));
        states.push(((start, 0), NO_STATE));
        let mut head = 0;
        let mut found = None;
        'search: while let Some(&(state, _)) = states.get(head) {
            let at = head;
            head += 1;
            let (node, i) = state;
            match memo.get(state) {
                Known::Reaches => {
                    found = Some(at);
                    break;
                }
                Known::Fails => continue,
                Known::Unknown => {}
            }
            if i == end {
                if model.kind_of(node) == self.reach && (node != start || !self.steps.is_empty())
                {
                    found = Some(at);
                    break 'search;
                }
                continue;
            }
            let step = &self.steps[i];
            next.clear();
            if step.repeat || step.optional {
                next.push((node, i + 1));
            }
            let to = if step.repeat { i } else { i + 1 };
            for &rel in &step.relations {
                if step.incoming {
                    next.extend(model.graph.incoming(node, rel).map(|(m, _)| (m, to)));
                } else {
                    next.extend(model.graph.outgoing(node, rel).map(|(m, _)| (m, to)));
                }
            }
            for &s in next.iter() {
                if first_time(s) {
                    states.push((s, at));
                }
            }
        }
        if let Some(mut at) = found {
            // The found state and every state on the way to it from the start.
            while let Some(&(s, from)) = states.get(at) {
                memo.set(s, Known::Reaches);
                at = from;
            }
            true
        } else {
            for &(s, _) in states.iter() {
                memo.set(s, Known::Fails);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, expect};

    fn rule(path: &str, kind: &str, reach: &str) -> String {
        format!(
            "type = \"required\"\nkind = \"{kind}\"\npath = {path}\nreach = \"{reach}\"\n\
             message = {{ en = \"{{id}} reaches no {{reach}}\", ja = \"m\" }}"
        )
    }

    const CHAIN: &str = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item A "direct" { goal G1 }
item B "one up" { parent A }
item C "two up" { parent B }
item D "alone" {}
"#;

    #[test]
    fn an_optional_step_is_taken_at_most_once() {
        let r = rule(r#"["parent?", "goal"]"#, "item", "goal");
        assert_eq!(
            check(&r, CHAIN),
            expect(&[("C", "C reaches no goal"), ("D", "D reaches no goal")])
        );
    }

    #[test]
    fn a_repeated_step_is_taken_any_number_of_times() {
        let r = rule(r#"["parent*", "goal"]"#, "item", "goal");
        assert_eq!(check(&r, CHAIN), expect(&[("D", "D reaches no goal")]));
    }

    #[test]
    fn a_plain_step_is_taken_exactly_once() {
        let r = rule(r#"["goal"]"#, "item", "goal");
        assert_eq!(
            check(&r, CHAIN),
            expect(&[
                ("B", "B reaches no goal"),
                ("C", "C reaches no goal"),
                ("D", "D reaches no goal")
            ])
        );
    }

    #[test]
    fn a_step_against_the_edge_and_alternatives() {
        // From a KPI: what it measures, up through goal or policy, then back down to a KGI.
        let r = rule(
            r#"["measures", "goal|policy*", "<measures"]"#,
            "kpi",
            "kgi",
        );
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
policy V2 "w" { plan PL }
goal G1 "g" { policy V1 }
goal G2 "h" { policy V2 }
kgi KG "r" { measures [V1] }
kpi K1 "through G1" { measures [G1]; method direct }
kpi K2 "through G2" { measures [G2]; method direct }
"#;
        assert_eq!(check(&r, spec), expect(&[("K2", "K2 reaches no kgi")]));
    }

    #[test]
    fn a_step_against_the_edge_follows_it_backwards() {
        // A goal must have an item pointing at it, directly or through sub-items.
        let r = rule(r#"["<goal", "<parent*"]"#, "goal", "item");
        let spec = format!("{CHAIN}goal G2 \"empty\" {{ policy V1 }}\n");
        assert_eq!(check(&r, &spec), expect(&[("G2", "G2 reaches no item")]));
    }

    #[test]
    fn steps_print_as_written() {
        let schema = crate::model::Schema::load(
            crate::source::FileId(0),
            crate::rules::DEFAULT_SCHEMA,
        )
        .unwrap();
        let id = |k: &str| schema.key_id(k).unwrap();
        let step = super::Step {
            relations: vec![id("parent"), id("goal")],
            incoming: true,
            repeat: true,
            optional: false,
        };
        assert_eq!(step.show(&schema), "<parent|goal*");
    }
}
