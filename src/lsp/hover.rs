//! Hover on an ID: its kind, title, English gloss, plan path, what reaches it (by relation and
//! kind, directly and through the nodes above it) and the findings on it.

use super::analysis::Analysis;
use super::diagnostics::range;
use super::navigate::{id_at, locate};
use crate::diag::Lang;
use crate::model::{AttrValue, Model, NodeIx};
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How many IDs a "reached by" line lists before "and N more".
const MAX_LISTED: usize = 8;

pub(crate) fn hover(a: &Analysis, p: &HoverParams) -> Option<Hover> {
    let (file, offset) = locate(a, &p.text_document_position_params)?;
    let (id, span, _) = id_at(a, file, offset)?;
    let lang = a.lang;
    let t = |en: &str, ja: &str| {
        if lang == Lang::Ja {
            ja.to_owned()
        } else {
            en.to_owned()
        }
    };
    let mut md = String::new();
    match a.model.as_ref().and_then(|m| m.get(id).map(|ix| (m, ix))) {
        None => {
            let _ = write!(
                md,
                "`{id}`: {}",
                t(
                    "not declared in the workspace",
                    "ワークスペースで宣言されていません"
                )
            );
        }
        Some((model, ix)) => describe(a, model, ix, &mut md),
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: md,
        }),
        range: range(a, span),
    })
}

fn describe(a: &Analysis, model: &Model, ix: NodeIx, md: &mut String) {
    let lang = a.lang;
    let ja = lang == Lang::Ja;
    let node = model.node(ix);
    let kind = model.schema.kind(node.kind);
    let label = kind.label.get(lang);
    if label == kind.name {
        let _ = writeln!(md, "**{}** `{}`", kind.name, node.id);
    } else {
        let _ = writeln!(md, "**{}** `{}` ({label})", kind.name, node.id);
    }
    if let Some(title) = node.title.as_deref().filter(|t| !t.is_empty()) {
        let _ = writeln!(md, "\n{}", escape(title));
    }
    let en = model.schema.key_id("en").and_then(|k| node.attr(k));
    if let Some(AttrValue::Str(en)) = en.map(|a| &a.value) {
        let _ = writeln!(md, "\n*{}*", escape(en));
    }
    let path = plan_path(model, ix);
    if path.len() > 1 {
        let ids: Vec<&str> = path.iter().map(|&i| model.node(i).id.as_str()).collect();
        let _ = writeln!(
            md,
            "\n{}: {}",
            if ja {
                "計画上の位置"
            } else {
                "plan path"
            },
            ids.join(" → ")
        );
    }
    // What points at the node (programs covering it, KPIs measuring it…), then what points
    // at the nodes above it (a KPI measuring its goal reaches it too).
    let hierarchy = model.schema.hierarchy_ids();
    let mut lines = Vec::new();
    for (depth, &at) in path.iter().rev().enumerate() {
        let mut by: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
        for (from, _, edge) in incoming(model, at) {
            if hierarchy.contains(&edge.relation) {
                continue;
            }
            let relation = model.schema.key_name(edge.relation).to_owned();
            by.entry((model.kind_name(from).to_owned(), relation))
                .or_default()
                .push(model.node(from).id.as_str());
        }
        for ((kind, relation), ids) in by {
            let via = if depth == 0 {
                String::new()
            } else if ja {
                format!("（{} 経由）", model.node(at).id)
            } else {
                format!(" (via {})", model.node(at).id)
            };
            lines.push(format!("- {kind} `{relation}`: {}{via}", list(&ids, ja)));
        }
    }
    let reached = if ja { "つながり" } else { "reached by" };
    if lines.is_empty() {
        let _ = writeln!(md, "\n{reached}: {}", if ja { "なし" } else { "nothing" });
    } else {
        let _ = writeln!(md, "\n{reached}:\n{}", lines.join("\n"));
    }
    let children = model
        .graph
        .edges()
        .filter(|(_, to, e)| *to == ix && hierarchy.contains(&e.relation))
        .count();
    if children > 0 {
        let _ = writeln!(
            md,
            "\n{}: {children}",
            if ja {
                "下位の宣言"
            } else {
                "declarations below"
            }
        );
    }
    let findings: Vec<String> = a
        .findings_on(&node.id)
        .iter()
        .map(|f| format!("- {} {}: {}", f.code, f.slug, escape(&f.message.get(lang))))
        .collect();
    if !findings.is_empty() {
        let _ = writeln!(
            md,
            "\n{}:\n{}",
            if ja { "指摘" } else { "findings" },
            findings.join("\n")
        );
    }
}

fn incoming(
    model: &Model,
    to: NodeIx,
) -> impl Iterator<Item = (NodeIx, NodeIx, &crate::model::Edge)> {
    model.graph.edges().filter(move |(_, t, _)| *t == to)
}

/// The node and the nodes above it through the schema's hierarchy, top first.
fn plan_path(model: &Model, ix: NodeIx) -> Vec<NodeIx> {
    let mut chain = vec![ix];
    let mut cur = ix;
    'up: while chain.len() < 16 {
        for &rel in model.schema.hierarchy_ids() {
            if let Some((up, _)) = model.graph.outgoing(cur, rel).next() {
                if chain.contains(&up) {
                    break 'up;
                }
                chain.push(up);
                cur = up;
                continue 'up;
            }
        }
        break;
    }
    chain.reverse();
    chain
}

fn list(ids: &[&str], ja: bool) -> String {
    let shown: Vec<String> = ids
        .iter()
        .take(MAX_LISTED)
        .map(|id| format!("`{id}`"))
        .collect();
    let mut s = shown.join(", ");
    if ids.len() > MAX_LISTED {
        let more = ids.len() - MAX_LISTED;
        let _ = if ja {
            write!(s, " ほか {more} 件")
        } else {
            write!(s, " and {more} more")
        };
    }
    s
}

/// Spec text shown as Markdown text, not markup.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
