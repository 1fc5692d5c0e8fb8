//! Rule type `coverage`: every node of a kind has at least `min` sources of another kind,
//! linked to it (or to an ancestor, walking up given relations) by a relation, and/or sharing
//! a tag (item `topics` ∩ program `scope`).

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::series::key_names;
use super::spec::Checker;
use crate::base::text::concat;
use crate::diag::{message, Finding, Message, Span, StaticText, Template, Text};
use crate::model::Schema;
use crate::model::{KeyId, KindId, NodeIx};
use serde::Deserialize;
use rustc_hash::FxHashMap;
use std::sync::Arc;
use toml::Spanned;

/// Texts shared by the findings of a chunk of nodes: the rule's primary label, and the related
/// label of each (source, node it links to) pair whose tags miss, the same on every node under
/// that node.
struct Shared {
    label: Arc<Text>,
    /// [`MISS`], the first related place of a finding (over the finding's own values).
    miss: Arc<Template>,
    misses: rustc_hash::FxHashMap<(NodeIx, NodeIx), Arc<Text>>,
    /// [`MISS`] written out for a pair, split once for [`MISS_NAMES`].
    written: Template,
    written_names: message::Names,
}

/// The values of [`MISS`] written out for a pair, in this order.
const MISS_NAMES: [&str; 5] = [
    "clause.sid",
    "clause.rel",
    "clause.aid",
    "clause.skey",
    "clause.tkey",
];

#[derive(Debug)]
pub struct Coverage {
    pub kind: KindId,
    pub source: KindId,
    /// Sources point at the node through this relation (`program covers item`).
    pub relation: Option<KeyId>,
    /// A source linked to an ancestor reached through these relations counts too.
    pub walk_up: Vec<KeyId>,
    /// `(target key, source key)`: when the node has tags, a source must share one.
    pub tags: Option<(KeyId, KeyId)>,
    /// Only nodes that no node of the same kind points at through this relation (leaves).
    pub leaf_relation: Option<KeyId>,
    pub min: usize,
}

/// A source linked to the node or to one of its ancestors: (source, the node it points at,
/// the reference's span).
type Link = (NodeIx, NodeIx, Span);

/// Parameters of `coverage`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct CoverageParams {
    leaves_only: Option<bool>,
    leaf_relation: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
    relation: Option<Spanned<String>>,
    walk_up: Option<Vec<Spanned<String>>>,
    tags: Option<RawTags>,
    min: Option<Spanned<u32>>,
}

/// `tags = { target = "topics", source = "scope" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTags {
    target: Spanned<String>,
    source: Spanned<String>,
}

impl RuleKind for Coverage {
    const NAME: &'static str = "coverage";
    const PLACEHOLDERS: &'static [&'static str] = &[
        "source",
        "topics",
        "topics_clause",
        "linked_hint",
        "count",
        "min",
    ];
    const TEMPLATES: &'static [&'static StaticText] =
        &[&TOPICS_CLAUSE, &LINKED_HINT, &LINKED_THROUGH_HINT, &MISS];
    type Params = CoverageParams;

    fn build(kind: KindId, p: CoverageParams, c: &mut Checker<'_>) -> Option<Self> {
        let source = c.need(p.source.as_ref(), "source").and_then(|s| c.kind(s));
        let relation = p.relation.as_ref().and_then(|s| c.relation(s));
        let tags = p
            .tags
            .as_ref()
            .and_then(|t| Some((c.key(&t.target)?, c.key(&t.source)?)));
        if p.relation.is_none() && p.tags.is_none() {
            c.rule_error(Text::new(
                "a coverage rule needs `relation`, `tags` or both",
                "coverage 規則には `relation`、`tags` またはその両方が必要です",
            ));
        }
        let leaf_relation = p.leaf_relation.as_ref().and_then(|s| c.relation(s));
        if p.leaves_only == Some(true) && leaf_relation.is_none() && p.leaf_relation.is_none() {
            c.rule_error(Text::new(
                "`leaves-only` needs `leaf-relation`",
                "`leaves-only` には `leaf-relation` が必要です",
            ));
        }
        let walk_up = p
            .walk_up
            .as_deref()
            .map(|w| c.relations(w))
            .unwrap_or_default();
        Some(Coverage {
            kind,
            source: source?,
            relation,
            walk_up,
            tags,
            leaf_relation: if p.leaves_only == Some(true) {
                leaf_relation
            } else {
                None
            },
            min: p.min.as_ref().map_or(1, |m| *m.get_ref()) as usize,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        // Sources by tag, built once, so matching by tag stays linear in the model.
        let mut by_tag: FxHashMap<&str, Vec<NodeIx>> = FxHashMap::default();
        if let Some((_, key)) = self.tags {
            for s in model.nodes_of(self.source) {
                for t in model.node(s).tags(key) {
                    by_tag.entry(t).or_default().push(s);
                }
            }
        }
        // The primary label is the same on every finding of the rule: formatted once.
        let label = self.label(model);
        // The nodes are independent: checked in chunks in parallel (this rule is the longest
        // of a run). Large chunks: each has its own marks, one per node of the model.
        let targets = ctx.targets(self.kind);
        super::check_in_chunks(&targets, 1024, out, |nodes, found| {
            self.check(ctx, nodes, &by_tag, &label, found);
        });
    }

    /// This rule's parameters as `align explain` and docs/rules.md show them.
    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        let mut v = vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("source".into(), schema.kind(self.source).name.clone()),
        ];
        if let Some(rel) = self.relation {
            v.push(("relation".into(), schema.key_name(rel).to_owned()));
        }
        if !self.walk_up.is_empty() {
            v.push(("walk-up".into(), key_names(schema, &self.walk_up)));
        }
        if let Some((t, s)) = self.tags {
            let (t, s) = (schema.key_name(t), schema.key_name(s));
            v.push(("tags".into(), format!("{t} ∩ {s}")));
        }
        if let Some(l) = self.leaf_relation {
            v.push(("leaves-only".into(), "true".into()));
            v.push(("leaf-relation".into(), schema.key_name(l).to_owned()));
        }
        v.push(("min".into(), self.min.to_string()));
        v
    }
}

impl Coverage {
    /// Checks `nodes`, adding a finding for each one not covered.
    fn check(
        &self,
        ctx: &Ctx<'_>,
        nodes: &[NodeIx],
        by_tag: &FxHashMap<&str, Vec<NodeIx>>,
        label: &Arc<Text>,
        out: &mut Found,
    ) {
        let model = ctx.model;
        // Buffers reused from node to node: the node's tags (sorted, without repeats), its
        // chain of ancestors, and marks indexed by node (a mark is the number of the node being
        // checked, so nothing is cleared between nodes).
        let mut node_tags: Vec<&str> = Vec::new();
        let mut chain: Vec<NodeIx> = Vec::new();
        let mut linked: Vec<Link> = Vec::new();
        let mut sources: Vec<NodeIx> = Vec::new();
        let mut in_chain = vec![0u32; model.nodes.len()];
        let mut is_linked = vec![0u32; model.nodes.len()];
        let mut stamp = 0u32;
        let mut shared = Shared {
            label: Arc::clone(label),
            miss: Arc::new(Template::new(Text::new(MISS.en, MISS.ja))),
            misses: rustc_hash::FxHashMap::default(),
            written: Template::new(Text::new(MISS.en, MISS.ja)),
            written_names: MISS_NAMES.into_iter().map(Box::from).collect(),
        };
        let mut numbers = super::tags::TagNumbers::default();
        let mut node_numbers: Vec<u32> = Vec::new();
        for &n in nodes {
            if super::has_child(model, n, self.leaf_relation, self.kind) {
                continue;
            }
            stamp += 1;
            node_tags.clear();
            node_numbers.clear();
            if let Some((t, _)) = self.tags {
                node_tags.extend(model.node(n).tags(t));
                node_tags.sort_unstable();
                node_tags.dedup();
                node_numbers.extend(node_tags.iter().map(|t| numbers.number(t)));
                node_numbers.sort_unstable();
            }
            let node_tags = &node_tags;
            let node_numbers = &node_numbers;
            let mut shares_tag = |s: NodeIx| match self.tags {
                Some((_, key)) if !node_numbers.is_empty() => {
                    super::tags::share(&model.graph, node_numbers, numbers.of_source(model, s, key))
                }
                _ => true,
            };
            linked.clear();
            if let Some(rel) = self.relation {
                // Covered as soon as `min` sources share a tag: stop there, walking up no
                // further (every item under a goal measured by many KPIs would otherwise read
                // all of them, and an item covered by a program of its own, its whole chain).
                // At most `min` sources are held, so a scan of them is enough.
                sources.clear();
                let enough = self.min == 0
                    || super::walk_up_until(
                        model,
                        n,
                        &self.walk_up,
                        &mut chain,
                        &mut in_chain,
                        stamp,
                        |a| {
                            let found = model.graph.incoming(a, rel).any(|(s, _)| {
                                model.kind_of(s) == self.source
                                    && shares_tag(s)
                                    && !sources.contains(&s)
                                    && {
                                        sources.push(s);
                                        sources.len() >= self.min
                                    }
                            });
                            if found {
                                std::ops::ControlFlow::Break(())
                            } else {
                                std::ops::ControlFlow::Continue(())
                            }
                        },
                    )
                    .is_break();
                if enough {
                    continue;
                }
                for &a in &chain {
                    for (s, e) in model.graph.incoming(a, rel) {
                        if model.kind_of(s) == self.source {
                            linked.push((s, a, e.span));
                        }
                    }
                }
            }
            // Sources sharing a tag, in model order per tag; only walked as far as needed.
            let covered = if self.relation.is_some() {
                sources.clear();
                sources.extend(linked.iter().map(|l| l.0).filter(|&s| shares_tag(s)));
                sources.sort_unstable();
                sources.dedup();
                sources.len() >= self.min
            } else {
                sources.clear();
                node_tags
                    .iter()
                    .filter_map(|t| by_tag.get(t))
                    .flatten()
                    .copied()
                    .any(|s| {
                        !sources.contains(&s) && {
                            sources.push(s);
                            sources.len() >= self.min
                        }
                    })
            };
            if covered {
                continue;
            }
            // The linked sources marked, so each tag's candidates are looked up in them rather
            // than compared with the whole linked list (N topics × N links before).
            for l in &linked {
                is_linked[l.0.index()] = stamp;
            }
            let unlinked = node_tags
                .iter()
                .filter_map(|t| {
                    by_tag
                        .get(t)?
                        .iter()
                        .find(|s| is_linked[s.index()] != stamp)
                })
                .min()
                .copied();
            out.push(self.finding(ctx, n, node_tags, &linked, unlinked, &mut shared));
        }
    }

    /// `no program covers this item`: what the primary span lacks.
    fn label(&self, model: &crate::model::Model) -> Arc<Text> {
        let rel = self.relation.map_or("", |r| model.schema.key_name(r));
        let (src, this) = (
            model.schema.label(self.source),
            model.schema.label(self.kind),
        );
        Arc::new(Text::new(
            format!(
                "no {} {} this {}",
                src.en,
                if rel.is_empty() { "matches" } else { rel },
                this.en
            ),
            format!("この{}を対象とする{}がない", this.ja, src.ja),
        ))
    }

    fn finding(
        &self,
        ctx: &Ctx<'_>,
        n: NodeIx,
        node_tags: &[&str],
        linked: &[Link],
        unlinked: Option<NodeIx>,
        shared: &mut Shared,
    ) -> Finding {
        let model = ctx.model;
        let node = model.node(n);
        let source_kind = model.schema.kind(self.source).name.as_str();
        let topics = node_tags;
        let list = topics.join(", ");
        // The rule's own key and relation names, so the texts fit any rule set.
        let (tkey, skey) = self
            .tags
            .as_ref()
            .map_or(("", ""), |&(t, s)| (model.schema.key_name(t), model.schema.key_name(s)));
        let rel = self.relation.map_or("", |r| model.schema.key_name(r));
        // The clauses of the help, given only if the rule's templates show them: static
        // texts filled when shown from the values they name (two IDs and three key names,
        // not the sentences in two languages per finding).
        let topics_clause = (!topics.is_empty() && ctx.uses("topics_clause")).then_some(&TOPICS_CLAUSE);
        // The first linked source and the node it links to: named by the linked hint and by
        // the first related place.
        let (sid, aid) = linked.first().map_or(("", ""), |(s, a, _)| {
            (model.node(*s).id.as_str(), model.node(*a).id.as_str())
        });
        let mut alabel = ("", "");
        let linked_hint = match linked.first() {
            _ if !ctx.uses("linked_hint") => None,
            // Linked through a node of another kind (a program that covers the item's goal):
            // say that the link reaches the item only through a shared tag.
            Some((_, a, _)) if !topics.is_empty() => {
                if model.node(*a).kind == node.kind {
                    Some(&LINKED_HINT)
                } else {
                    let label = model.schema.label(model.node(*a).kind);
                    alabel = (label.en.as_str(), label.ja.as_str());
                    Some(&LINKED_THROUGH_HINT)
                }
            }
            _ => None,
        };
        // Borrowed, not copied into a `Text` each.
        let number = |name: &str, n: usize| {
            if ctx.uses(name) {
                n.to_string()
            } else {
                String::new()
            }
        };
        let (count, min) = (number("count", linked.len()), number("min", self.min));
        // On the stack, like the clauses (two allocations a finding as vectors): a clause the
        // help does not show is given as an empty value.
        let mut vars = [
            ("source", source_kind, source_kind),
            ("topics", list.as_str(), list.as_str()),
            ("count", count.as_str(), count.as_str()),
            ("min", min.as_str(), min.as_str()),
            ("clause.skey", skey, skey),
            ("clause.tkey", tkey, tkey),
            ("clause.rel", rel, rel),
            ("clause.sid", sid, sid),
            ("clause.aid", aid, aid),
            ("clause.alabel", alabel.0, alabel.1),
            ("", "", ""),
            ("", "", ""),
        ];
        let mut given = 10;
        let mut clauses = [("", &TOPICS_CLAUSE); 2];
        let mut shown = 0;
        for (name, clause) in [("topics_clause", topics_clause), ("linked_hint", linked_hint)] {
            if let Some(c) = clause {
                clauses[shown] = (name, c);
                shown += 1;
            } else {
                vars[given] = (name, "", "");
                given += 1;
            }
        }
        let (vars, clauses) = (&vars[..given], &clauses[..shown]);
        let mut f = ctx
            .finding_with_clauses(n, vars, clauses)
            .with_label(Arc::clone(&shared.label));
        if let Some(r) = self.relation {
            f = f.with_relation(model.schema.key_code(r));
        }
        // Sources linked to the node or an ancestor whose tags miss the node's topics.
        let first = &linked[..linked.len().min(3)];
        for (i, (s, a, span)) in first.iter().enumerate() {
            if first[..i].iter().any(|l| l.0 == *s) {
                continue;
            }
            let src = model.node(*s);
            let at = self
                .tags
                .as_ref()
                .and_then(|&(_, key)| src.attr(key))
                .map_or(*span, |attr| attr.value_span);
            // The first over the finding's values, which name its source and node; others the
            // same for every node under `a`: written once per pair.
            if let (0, Some(values)) = (i, f.values()) {
                let text = Message::Template(Arc::clone(&shared.miss), Arc::clone(values));
                f = f.with_secondary(at, text);
                continue;
            }
            let (written, names) = (&shared.written, &shared.written_names);
            let text = shared.misses.entry((*s, *a)).or_insert_with(|| {
                let aid = model.node(*a).id.as_str();
                // In the order of `MISS_NAMES`.
                let values = [src.id.as_str(), rel, aid, skey, tkey];
                Arc::new(written.written(names, &values))
            });
            f = f.with_secondary(at, Arc::clone(text));
        }
        // A source whose tags match but which is linked to no part of the chain.
        if let (Some(s), Some((_, key)), Some(_)) = (unlinked, self.tags, self.relation) {
            let src = model.node(s);
            // Each of the source's tags looked up in the node's (a scan of them for each
            // compared N² pairs for a source and a node with N tags each).
            let shared: Vec<&str> = src
                .tags(key)
                .filter(|t| super::tags::has(&model.graph, node_tags, t))
                .collect();
            let at = src.attr(key).map_or(src.header, |a| a.value_span);
            let (sid, tags, id) = (src.id.as_str(), shared.join(", "), node.id.as_str());
            f = f.with_secondary(
                at,
                Text::new(
                    concat(&[
                        sid, " has `", &tags, "` in its `", skey, "` but no `", rel,
                        "` link to ", id,
                    ]),
                    concat(&[
                        sid, " は `", skey, "` に `", &tags, "` を含むが、", id, " への `", rel,
                        "` がない",
                    ]),
                ),
            );
        }
        f
    }
}

/// `{topics_clause}`: the source's tag key must hold one of the node's tags.
static TOPICS_CLAUSE: StaticText = StaticText {
    en: " whose `{clause.skey}` includes one of its `{clause.tkey}` ({topics})",
    ja: "`{clause.tkey}`（{topics}）のいずれかを `{clause.skey}` に含む",
};

/// `{linked_hint}` for a source linked to the node or an ancestor of its own kind.
static LINKED_HINT: StaticText = StaticText {
    en: ", or add one of them to the `{clause.skey}` of {clause.sid}, which {clause.rel} {clause.aid}",
    ja: "。または `{clause.rel}` で {clause.aid} を対象とする {clause.sid} の `{clause.skey}` にそのいずれかを加えてください",
};

/// `{linked_hint}` for a source linked to an ancestor of another kind (a program that covers
/// the item's goal), which reaches the node only through a shared tag.
static LINKED_THROUGH_HINT: StaticText = StaticText {
    en: ", or add one of them to the `{clause.skey}` of {clause.sid}: it {clause.rel} {clause.alabel} {clause.aid}, which reaches {id} only through a shared tag",
    ja: "。または {clause.sid} の `{clause.skey}` にそのいずれかを加えてください（{clause.sid} は `{clause.rel}` で{clause.alabel} {clause.aid} を対象としており、共通のタグがあるときだけ {id} に届きます）",
};

/// "P1 covers G1, but its \`scope\` has none of these \`topics\`": a source linked to the node
/// (or to the node above it it links to) whose tags miss the node's. A template over the
/// finding's values for its first such source (they name it); written out for the others.
static MISS: StaticText = StaticText {
    en: "{clause.sid} {clause.rel} {clause.aid}, but its `{clause.skey}` has none of these `{clause.tkey}`",
    ja: "{clause.sid} は `{clause.rel}` で {clause.aid} を対象とするが、`{clause.skey}` にこれらの `{clause.tkey}` を含まない",
};

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, expect};

    const BY_RELATION: &str = r#"
type = "coverage"
kind = "item"
source = "program"
relation = "covers"
message = { en = "{id} {count}/{min}", ja = "m" }
"#;

    #[test]
    fn a_node_needs_min_sources() {
        let spec = r#"
item I1 "a" {}
item I2 "b" {}
program P1 "p" { covers [I1, I2] }
program P2 "q" { covers [I1] }
"#;
        assert_eq!(check(BY_RELATION, spec), expect(&[]));
        let two = format!("{BY_RELATION}min = 2");
        assert_eq!(check(&two, spec), expect(&[("I2", "I2 1/2")]));
        let three = format!("{BY_RELATION}min = 3");
        assert_eq!(
            check(&three, spec),
            expect(&[("I1", "I1 2/3"), ("I2", "I2 1/3")])
        );
    }

    #[test]
    fn a_source_of_another_kind_does_not_count() {
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item I1 "a" {}
kpi K1 "k" { measures [I1]; method direct }
"#;
        let rule = BY_RELATION.replace("\"covers\"", "\"measures\"");
        assert_eq!(check(&rule, spec), expect(&[("I1", "I1 0/1")]));
    }

    #[test]
    fn leaves_only_skips_nodes_with_children_of_their_kind() {
        let spec = r#"
item I1 "a" {}
item I1.1 "b" { parent I1 }
"#;
        assert_eq!(
            check(BY_RELATION, spec),
            expect(&[("I1", "I1 0/1"), ("I1.1", "I1.1 0/1")])
        );
        let leaves = format!("{BY_RELATION}leaves-only = true\nleaf-relation = \"parent\"");
        assert_eq!(check(&leaves, spec), expect(&[("I1.1", "I1.1 0/1")]));
    }

    #[test]
    fn a_source_of_an_ancestor_counts_when_walking_up() {
        let spec = r#"
item I1 "a" {}
item I1.1 "b" { parent I1 }
item I1.1.1 "c" { parent I1.1 }
program P1 "p" { covers [I1] }
"#;
        assert_eq!(
            check(BY_RELATION, spec),
            expect(&[("I1.1", "I1.1 0/1"), ("I1.1.1", "I1.1.1 0/1")])
        );
        let up = format!("{BY_RELATION}walk-up = [\"parent\"]");
        assert_eq!(check(&up, spec), expect(&[]));
    }

    #[test]
    fn a_source_covering_a_goal_covers_its_items_sharing_a_tag() {
        let rule = |walk: &str| {
            format!(
                "type = \"coverage\"\nkind = \"item\"\nsource = \"program\"\nrelation = \"covers\"\n\
                 walk-up = [{walk}]\ntags = {{ target = \"topics\", source = \"scope\" }}\n\
                 message = {{ en = \"{{id}} {{count}}{{linked_hint}}\", ja = \"m\" }}"
            )
        };
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item I1 "a" { goal G1; topics [hub] }
item I1.1 "b" { parent I1; topics [hta] }
item I2 "c" { goal G1; topics [hta] }
item I3 "d" { goal G1 }
program P1 "p" { covers [G1]; scope [hub] }
"#;
        // I1 shares `hub`, I3 has no topics; I1.1 and I2 are reached but share no tag, and the
        // hint names the goal P1 covers.
        let hint = |id: &str| {
            format!("{id} 1, or add one of them to the `scope` of P1: it covers goal G1, which reaches {id} only through a shared tag")
        };
        assert_eq!(
            check(&rule("\"parent\", \"goal\""), spec),
            expect(&[("I1.1", &hint("I1.1")), ("I2", &hint("I2"))])
        );
        // Without `goal` in the walk, the goal's items are not reached at all.
        assert_eq!(
            check(&rule("\"parent\""), spec),
            expect(&[("I1", "I1 0"), ("I1.1", "I1.1 0"), ("I2", "I2 0"), ("I3", "I3 0")])
        );
    }

    /// A finding's values are kept with 16-bit offsets; values longer than that are written
    /// out with the message, which must read the same (here a list of 84 KB of topics, and one
    /// just short of the limit, which stays a template).
    #[test]
    fn values_too_long_to_keep_are_written_out_the_same() {
        let rule = r#"
type = "coverage"
kind = "item"
source = "program"
tags = { target = "topics", source = "scope" }
message = { en = "{id} [{topics}] {source}", ja = "{source} {id} [{topics}]" }
"#;
        for (n, template) in [(7_000, false), (5_000, true)] {
            let topics: Vec<String> = (0..n).map(|i| format!("topic{i:05}")).collect();
            let spec = format!(
                "item I1 \"a\" {{ topics [{}] }}\nprogram P1 \"p\" {{ scope [other] }}\n",
                topics.join(", ")
            );
            let found = crate::rules::testing::run(rule, &spec);
            assert_eq!(found.len(), 1);
            let list = topics.join(", ");
            assert_eq!(found[0].message.en(), format!("I1 [{list}] program"));
            assert_eq!(
                found[0].message.get(crate::diag::Lang::Ja),
                format!("program I1 [{list}]")
            );
            assert_eq!(found[0].values().is_some(), template, "{n} topics");
        }
    }

    #[test]
    fn tags_alone_match_sources_sharing_one() {
        let rule = r#"
type = "coverage"
kind = "item"
source = "program"
tags = { target = "topics", source = "scope" }
message = { en = "{id} [{topics}]", ja = "m" }
"#;
        let spec = r#"
item I1 "a" { topics [hub, trial] }
item I2 "b" { topics [device] }
item I3 "c" {}
program P1 "p" { scope [trial] }
"#;
        // I3 has no topics: no source can share one.
        assert_eq!(
            check(rule, spec),
            expect(&[("I2", "I2 [device]"), ("I3", "I3 []")])
        );
    }

    #[test]
    fn with_relation_and_tags_a_linked_source_must_share_a_tag() {
        let rule = format!("{BY_RELATION}tags = {{ target = \"topics\", source = \"scope\" }}");
        let spec = r#"
item I1 "a" { topics [hub] }
item I2 "b" { topics [trial] }
item I3 "c" {}
program P1 "p" { covers [I1, I2, I3]; scope [hub] }
"#;
        // I2 is linked but P1's scope misses its topic; I3 has no topics, so the link suffices.
        let findings = crate::rules::testing::run(&rule, spec);
        assert_eq!(
            crate::rules::testing::messages(&findings),
            expect(&[("I2", "I2 1/1")])
        );
        let secondary: Vec<String> = findings[0]
            .labels
            .iter()
            .map(|l| l.text.en().into_owned())
            .collect();
        assert_eq!(
            secondary,
            ["P1 covers I2, but its `scope` has none of these `topics`"]
        );
    }

    /// Each linked source whose tags miss is a related place, in both languages: the first
    /// over the finding's values, the others written out, all reading alike.
    #[test]
    fn every_linked_source_that_misses_the_topics_is_named() {
        let rule = format!("{BY_RELATION}tags = {{ target = \"topics\", source = \"scope\" }}");
        let spec = r#"
item I1 "a" { topics [trial] }
program P1 "p" { covers [I1]; scope [hub] }
program P2 "q" { covers [I1]; scope [device] }
program P3 "r" { covers [I1]; scope [export] }
"#;
        let findings = crate::rules::testing::run(&rule, spec);
        let places: Vec<(String, String)> = findings
            .iter()
            .flat_map(|f| &f.labels)
            .map(|l| {
                let text = l.text.to_text();
                (text.en, text.ja)
            })
            .collect();
        let want: Vec<(String, String)> = ["P3", "P2", "P1"]
            .iter()
            .map(|p| {
                (
                    format!("{p} covers I1, but its `scope` has none of these `topics`"),
                    format!("{p} は `covers` で I1 を対象とするが、`scope` にこれらの `topics` を含まない"),
                )
            })
            .collect();
        assert_eq!(places, want);
    }
}
