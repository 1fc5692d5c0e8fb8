//! Waivers: `allow RULE "reason" until DATE` silences one rule's finding on its node until the
//! date; an unknown rule, an expired waiver and an unused waiver are findings themselves.

use super::RuleSet;
use crate::diag::{code, Finding, Substr, Text};
use crate::model::suggest::suggest;
use crate::model::{Model, NodeIx};
use crate::syntax::ast::Date;
use std::collections::{HashMap, HashSet};

/// Applies the waivers to the findings of `findings` from index `from` on (the rules'), and
/// appends the waivers' own findings.
pub(super) fn apply(
    set: &RuleSet,
    model: &Model,
    mut findings: Vec<Finding>,
    from: usize,
    today: Date,
    scope: Option<&[bool]>,
) -> Vec<Finding> {
    let mut used: HashSet<(NodeIx, usize)> = HashSet::new();
    // The declarations that carry waivers (most carry none), in order. Only those are looked
    // up: a finding on any other declaration is kept without a lookup, and kept in place.
    let with_waivers = model.nodes_where(|n| !n.waivers.is_empty());
    let waivable: HashMap<&str, NodeIx> = with_waivers
        .iter()
        .map(|&i| (model.node(i).id.as_str(), i))
        // With duplicate IDs, the one the ID index answers (as `model.get` would).
        .filter(|&(id, i)| model.get(id) == Some(i))
        .collect();
    if !waivable.is_empty() {
        // The findings before `from` are not the rules': kept as they are.
        super::retain_from(&mut findings, from, |f| {
            let waived = f
                .nodes
                .first()
                .and_then(|id| waivable.get(id.as_str()))
                .and_then(|&n| {
                    model
                        .node(n)
                        .waivers
                        .iter()
                        .position(|w| {
                            w.until >= today
                                && (w.rule.eq_ignore_ascii_case(&f.code)
                                    || w.rule.eq_ignore_ascii_case(&f.slug))
                        })
                        .map(|w| (n, w))
                });
            match waived {
                Some(key) => {
                    used.insert(key);
                    false
                }
                None => true,
            }
        });
    }
    let mut out = findings;
    for &n in &with_waivers {
        let node = model.node(n);
        // A waiver of an unknown rule is an error that holds back the findings below its
        // node, whichever nodes this run judges: it depends on no finding, and every run
        // makes it (as the model's own findings are in every run).
        let judged = scope.is_none_or(|s| s.get(n.index()).copied().unwrap_or(false));
        for (wi, w) in node.waivers.iter().enumerate() {
            if set.rule(&w.rule).is_none() {
                out.push(unknown(set, w, &node.id));
                continue;
            }
            if !judged {
                continue;
            }
            if w.until < today {
                out.push(
                    Finding::builtin(
                        &code::EXPIRED_WAIVER,
                        w.span,
                        Text::new(
                            format!(
                                "waiver of `{}` on {} expired on {}",
                                w.rule, node.id, w.until
                            ),
                            format!(
                                "{} の `{}` の例外は {} に期限切れになりました",
                                node.id, w.rule, w.until
                            ),
                        ),
                    )
                    .with_label(Text::new(
                        format!("expired; today is {today}"),
                        format!("期限切れ（本日 {today}）"),
                    ))
                    .with_help(Text::new(
                        "fix the finding, or renew the waiver with a new reason and date",
                        "指摘を解消するか、新しい理由と期限で例外を更新してください",
                    ))
                    .with_node(&node.id),
                );
            } else if !used.contains(&(n, wi)) {
                out.push(
                    Finding::builtin(
                        &code::UNUSED_WAIVER,
                        w.span,
                        Text::new(
                            format!("waiver of `{}` on {} silences nothing", w.rule, node.id),
                            format!("{} の `{}` の例外は何も抑止していません", node.id, w.rule),
                        ),
                    )
                    .with_label(Text::new("no such finding here", "該当する指摘がない"))
                    .with_help(Text::new("delete the waiver", "例外を削除してください"))
                    .with_node(&node.id),
                );
            }
        }
    }
    out
}

fn unknown(set: &RuleSet, w: &crate::model::Waiver, id: &Substr) -> Finding {
    let builtin = code::lookup(&w.rule);
    let names: Vec<&str> = set
        .rules
        .iter()
        .flat_map(|r| [r.code.as_str(), r.slug.as_str()])
        .collect();
    let help = if let Some(b) = builtin {
        Text::new(
            format!(
                "{} ({}) is a structural check and cannot be waived: fix it instead",
                b.code, b.slug
            ),
            format!(
                "{}（{}）は構造の検査のため例外にできません。修正してください",
                b.code, b.slug
            ),
        )
    } else if let Some(s) = suggest(&w.rule, names.iter().copied()) {
        Text::did_you_mean(s)
    } else {
        Text::new(
            "`align rules` lists the rules",
            "`align rules` で規則を一覧できます",
        )
    };
    Finding::builtin(
        &code::UNKNOWN_WAIVER,
        w.rule_span,
        Text::new(
            format!("waiver names no rule of this rule set: `{}`", w.rule),
            format!("例外が規則セットにない規則を指しています: `{}`", w.rule),
        ),
    )
    .with_help(help)
    .with_node(id)
}
