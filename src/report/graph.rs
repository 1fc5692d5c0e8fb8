//! `align graph`: the model as a diagram, in Graphviz DOT or Mermaid. Nodes are drawn by kind
//! (a shape and a colour from a palette indexed by the kind's place in the schema), edges are
//! labelled with their relation, nodes with an error or a warning get a red outline, and a
//! legend says so. `--focus` keeps the neighbourhood of one node.

use super::sanitize::line as sanitized;
use super::Input;
use crate::base::Lang;
use crate::base::Substr;
use crate::diag::Severity;
use crate::model::NodeIx;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write;

/// Fill colours, by kind index (repeating).
const COLOURS: &[&str] = &[
    "#dbe9f6", "#fde2c8", "#d9f0d3", "#f3d9ea", "#fff2b3", "#e2dcf2", "#cfeeee", "#f6d6d0",
    "#e6e6e6", "#d8e6c8", "#f2e1c4", "#d5dcf5",
];
/// Graphviz shapes, by kind index (repeating).
const DOT_SHAPES: &[&str] = &[
    "house",
    "box3d",
    "hexagon",
    "box",
    "octagon",
    "component",
    "ellipse",
    "parallelogram",
    "note",
    "cylinder",
    "tab",
    "trapezium",
];
/// Mermaid shapes as (open, close), by kind index (repeating).
const MERMAID_SHAPES: &[(&str, &str)] = &[
    ("[/", "\\]"),
    ("[[", "]]"),
    ("{{", "}}"),
    ("[", "]"),
    ("([", "])"),
    ("[(", ")]"),
    ("(", ")"),
    ("[/", "/]"),
    (">", "]"),
    ("((", "))"),
    ("[\\", "\\]"),
    ("[\\", "/]"),
];
/// Titles longer than this are cut in labels.
const TITLE_CHARS: usize = 28;

/// The nodes and edges to draw.
#[derive(Debug)]
pub struct Diagram {
    pub lang: Lang,
    /// Kinds that have a node in the diagram: (index, label).
    pub kinds: Vec<(usize, String)>,
    pub nodes: Vec<DNode>,
    /// (from, to, relation) as positions in `nodes`.
    pub edges: Vec<(usize, usize, String)>,
}

#[derive(Debug)]
pub struct DNode {
    pub id: String,
    pub title: String,
    pub kind: usize,
    /// An error or a warning is on this node.
    pub flagged: bool,
}

/// Why a diagram cannot be drawn.
#[derive(Debug, PartialEq, Eq)]
pub enum FocusError {
    /// The `--focus` ID names no node; with a close one.
    Unknown {
        id: String,
        suggestion: Option<String>,
    },
}

/// The diagram of a run: every node, or with `focus` the nodes within `depth` edges of it
/// (in either direction).
pub fn build(input: &Input<'_>, focus: Option<&str>, depth: usize) -> Result<Diagram, FocusError> {
    let model = input.model;
    let keep: Option<HashSet<NodeIx>> = match focus {
        None => None,
        Some(id) => {
            let Some(start) = model.get(id) else {
                return Err(FocusError::Unknown {
                    id: id.to_owned(),
                    suggestion: crate::base::suggest::suggest(
                        id,
                        model.nodes.iter().map(|n| n.id.as_str()),
                    )
                    .map(str::to_owned),
                });
            };
            Some(neighbourhood(input, start, depth))
        }
    };
    let flagged: HashSet<&str> = input
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .filter_map(|f| f.nodes.first().map(Substr::as_str))
        .collect();
    let mut pos: HashMap<NodeIx, usize> = HashMap::new();
    let mut nodes = Vec::new();
    for (ix, node) in model.nodes.iter().enumerate() {
        let ix = NodeIx::new(ix);
        if keep.as_ref().is_some_and(|k| !k.contains(&ix)) {
            continue;
        }
        pos.insert(ix, nodes.len());
        nodes.push(DNode {
            id: sanitized(&node.id).into_owned(),
            title: sanitized(node.title.as_deref().unwrap_or("")).into_owned(),
            kind: usize::from(node.kind.0),
            flagged: flagged.contains(node.id.as_str()),
        });
    }
    let mut edges: Vec<(usize, usize, String)> = model
        .graph
        .edges()
        .filter_map(|(a, b, e)| {
            Some((
                *pos.get(&a)?,
                *pos.get(&b)?,
                model.schema.key_name(e.relation).to_owned(),
            ))
        })
        .collect();
    edges.sort();
    edges.dedup();
    let mut kinds: Vec<usize> = nodes.iter().map(|n| n.kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    Ok(Diagram {
        lang: input.lang,
        kinds: kinds
            .into_iter()
            .map(|k| {
                let label = model
                    .schema
                    .kinds
                    .get(k)
                    .map(|s| s.label.get(input.lang).to_owned())
                    .unwrap_or_default();
                (k, sanitized(&label).into_owned())
            })
            .collect(),
        nodes,
        edges,
    })
}

/// Nodes within `depth` edges of `start`, following edges both ways.
fn neighbourhood(input: &Input<'_>, start: NodeIx, depth: usize) -> HashSet<NodeIx> {
    let mut adj: HashMap<NodeIx, Vec<NodeIx>> = HashMap::new();
    for (a, b, _) in input.model.graph.edges() {
        adj.entry(a).or_default().push(b);
        adj.entry(b).or_default().push(a);
    }
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([(start, 0usize)]);
    while let Some((n, d)) = queue.pop_front() {
        if d >= depth {
            continue;
        }
        for &m in adj.get(&n).into_iter().flatten() {
            if seen.insert(m) {
                queue.push_back((m, d + 1));
            }
        }
    }
    seen
}

fn short(title: &str) -> String {
    if title.chars().count() <= TITLE_CHARS {
        title.to_owned()
    } else {
        let mut s: String = title.chars().take(TITLE_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// A DOT quoted string: `"` and `\` escaped, line breaks as `\n`.
pub fn dot_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn legend_words(lang: Lang) -> (&'static str, &'static str) {
    (
        lang.pick("legend", "凡例"),
        lang.pick("has an error or a warning", "エラー・警告あり"),
    )
}

/// Graphviz DOT.
pub fn dot(d: &Diagram) -> String {
    let mut out = String::with_capacity(256 + d.nodes.len() * 80 + d.edges.len() * 40);
    out.push_str("digraph align {\n  rankdir=LR;\n  node [style=filled, fontname=\"Noto Sans CJK JP\", fontsize=10];\n  edge [fontname=\"Noto Sans CJK JP\", fontsize=8, color=\"#555555\"];\n");
    for n in &d.nodes {
        let label = if n.title.is_empty() {
            n.id.clone()
        } else {
            format!("{}\n{}", n.id, short(&n.title))
        };
        let red = if n.flagged {
            ", color=\"#d00000\", penwidth=3"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape={}, fillcolor=\"{}\"{red}];",
            dot_quote(&n.id),
            dot_quote(&label),
            DOT_SHAPES[n.kind % DOT_SHAPES.len()],
            COLOURS[n.kind % COLOURS.len()]
        );
    }
    for (a, b, rel) in &d.edges {
        let _ = writeln!(
            out,
            "  {} -> {} [label={}];",
            dot_quote(&d.nodes[*a].id),
            dot_quote(&d.nodes[*b].id),
            dot_quote(rel)
        );
    }
    let (legend, flagged) = legend_words(d.lang);
    let _ = writeln!(
        out,
        "  subgraph cluster_legend {{\n    label={};\n    fontname=\"Noto Sans CJK JP\";\n    color=\"#999999\";",
        dot_quote(legend)
    );
    for (k, label) in &d.kinds {
        let _ = writeln!(
            out,
            "    \"legend:{k}\" [label={}, shape={}, fillcolor=\"{}\"];",
            dot_quote(label),
            DOT_SHAPES[k % DOT_SHAPES.len()],
            COLOURS[k % COLOURS.len()]
        );
    }
    let _ = writeln!(
        out,
        "    \"legend:flagged\" [label={}, shape=box, fillcolor=\"#ffffff\", color=\"#d00000\", penwidth=3];\n  }}\n}}",
        dot_quote(flagged)
    );
    out
}

/// Text for a Mermaid quoted label: everything that Mermaid or HTML could read as syntax as
/// an entity code (`#34;`).
pub fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '`' | '|' | '[' | ']' | '{' | '}' | '(' | ')' | ';'
            | '\\' | '*' | '_' | '~' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Mermaid (`flowchart LR`). Node IDs are positions (`n12`), so any spec ID is safe; the ID
/// and title are in the label.
pub fn mermaid(d: &Diagram) -> String {
    let mut out = String::with_capacity(256 + d.nodes.len() * 80 + d.edges.len() * 30);
    out.push_str("flowchart LR\n");
    for (i, n) in d.nodes.iter().enumerate() {
        let (open, close) = MERMAID_SHAPES[n.kind % MERMAID_SHAPES.len()];
        let label = if n.title.is_empty() {
            mermaid_text(&n.id)
        } else {
            format!(
                "{}<br/>{}",
                mermaid_text(&n.id),
                mermaid_text(&short(&n.title))
            )
        };
        let _ = writeln!(out, "  n{i}{open}\"{label}\"{close}");
    }
    for (a, b, rel) in &d.edges {
        let _ = writeln!(out, "  n{a} -->|\"{}\"| n{b}", mermaid_text(rel));
    }
    let (legend, flagged) = legend_words(d.lang);
    let _ = writeln!(out, "  subgraph legend[\"{}\"]", mermaid_text(legend));
    for (k, label) in &d.kinds {
        let (open, close) = MERMAID_SHAPES[k % MERMAID_SHAPES.len()];
        let _ = writeln!(out, "    legend{k}{open}\"{}\"{close}", mermaid_text(label));
    }
    let _ = writeln!(
        out,
        "    legendflagged[\"{}\"]\n  end",
        mermaid_text(flagged)
    );
    for (k, _) in &d.kinds {
        let _ = writeln!(
            out,
            "  classDef k{k} fill:{},stroke:#555555",
            COLOURS[k % COLOURS.len()]
        );
        let members: Vec<String> = d
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == *k)
            .map(|(i, _)| format!("n{i}"))
            .chain(std::iter::once(format!("legend{k}")))
            .collect();
        let _ = writeln!(out, "  class {} k{k}", members.join(","));
    }
    out.push_str("  classDef flagged stroke:#d00000,stroke-width:3px\n");
    let flagged_nodes: Vec<String> = d
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.flagged)
        .map(|(i, _)| format!("n{i}"))
        .chain(std::iter::once("legendflagged".to_owned()))
        .collect();
    let _ = writeln!(out, "  class {} flagged", flagged_nodes.join(","));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_strings_escape_quotes_and_backslashes() {
        assert_eq!(dot_quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(dot_quote("x\ny"), r#""x\ny""#);
    }

    #[test]
    fn mermaid_labels_have_no_syntax() {
        let t = mermaid_text(r#"<script>"]|x`{;}"#);
        assert!(!t.contains(['<', '>', '"', ']', '|', '`', '{', '}']));
        assert!(t.starts_with("#60;script#62;"));
    }
}
