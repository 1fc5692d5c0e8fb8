//! A declaration as the diff compares it: the model's node reduced to canonical text, so that
//! layout, comments, list order of tags and number spelling (`1_000` and `1000`) are no change.

use crate::model::{AttrValue, Model, NodeIx};
use crate::syntax::ast::{self, ValueKind};
use std::fmt::Write;

/// One declaration of a version.
#[derive(Debug, Clone)]
pub struct Decl<'a> {
    pub ix: NodeIx,
    pub id: &'a str,
    /// The kind's name in the schema (`item`).
    pub kind: &'a str,
    pub title: Option<&'a str>,
    /// Keys that are not references, as `(key, canonical text)`, in the order written, then the
    /// waivers as one `allow` entry.
    pub values: Vec<(&'a str, String)>,
    /// Whether the key of `values[i]` holds tags (`topics`): a change there may leave a link
    /// made for the old tags behind (a suspect link).
    pub tag_keys: Vec<&'a str>,
    /// References per relation, in the order written: `(relation, target IDs as written)`.
    pub refs: Vec<(&'a str, Vec<&'a str>)>,
}

impl Decl<'_> {
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn targets(&self, relation: &str) -> &[&str] {
        self.refs
            .iter()
            .find(|(r, _)| *r == relation)
            .map_or(&[], |(_, t)| t.as_slice())
    }
}

/// The declarations of a model, in declaration order. Of a duplicated ID only the declaration
/// the ID index holds is taken (the duplicate is a finding of its own).
pub fn decls(model: &Model) -> Vec<Decl<'_>> {
    model
        .nodes
        .iter()
        .enumerate()
        .map(|(ix, n)| (NodeIx::new(ix), n))
        .filter(|(ix, n)| model.get(&n.id) == Some(*ix))
        .map(|(ix, n)| {
            let key = |k| model.schema.key_name(k);
            let mut values = Vec::new();
            let mut tag_keys = Vec::new();
            let mut refs = Vec::new();
            for a in &n.attrs {
                match &a.value {
                    AttrValue::Refs(targets) => {
                        refs.push((key(a.key), targets.texts().collect()));
                    }
                    v => {
                        if matches!(v, AttrValue::Tag(_) | AttrValue::Tags(_)) {
                            tag_keys.push(key(a.key));
                        }
                        values.push((key(a.key), value_text(v)));
                    }
                }
            }
            if !n.waivers.is_empty() {
                let mut w: Vec<String> = n
                    .waivers
                    .iter()
                    .map(|w| format!("{} {:?} until {}", w.rule, w.reason, w.until))
                    .collect();
                w.sort();
                values.push(("allow", w.join("; ")));
            }
            Decl {
                ix,
                id: &n.id,
                kind: model.kind_name(ix),
                title: n.title.as_deref(),
                values,
                tag_keys,
                refs,
            }
        })
        .collect()
}

/// A value as canonical text: strings quoted with escapes, numbers in shortest form, tags
/// sorted (a tag list is a set), series as `FY2022 148, FY2023 163`.
pub fn value_text(v: &AttrValue) -> String {
    match v {
        AttrValue::Str(s) => format!("{s:?}"),
        AttrValue::Number(n) => number_text(n),
        AttrValue::Date(d) => d.to_string(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Range(r) => format!("{}..{}", ast_value_text(&r.0), ast_value_text(&r.1)),
        AttrValue::Tag(t) | AttrValue::Enum(t) => t.to_string(),
        AttrValue::Tags(ts) => {
            let mut ts: Vec<&str> = ts.texts().collect();
            ts.sort_unstable();
            ts.dedup();
            format!("[{}]", ts.join(", "))
        }
        AttrValue::Refs(rs) => {
            let rs: Vec<&str> = rs.texts().collect();
            format!("[{}]", rs.join(", "))
        }
        AttrValue::Series(points) => {
            let mut s = String::new();
            for (i, p) in points.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "{} {}", p.label, number_text(&p.value));
            }
            format!("{{{s}}}")
        }
    }
}

fn number_text(n: &ast::Number) -> String {
    let pct = if n.percent { "%" } else { "" };
    // f64's Display is the shortest text that reads back to the same value: 148, 27.4, 1200000000.
    format!("{}{pct}", n.value)
}

fn ast_value_text(v: &ast::Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => format!("{s:?}"),
        ValueKind::Number(n) => number_text(n),
        ValueKind::Date(d) => d.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Ident(t) => t.to_string(),
        ValueKind::Range(a, b) => format!("{}..{}", ast_value_text(a), ast_value_text(b)),
        ValueKind::List(items) => {
            let items: Vec<String> = items.iter().map(ast_value_text).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceSet;

    fn model(text: &str) -> Model {
        let mut sources = SourceSet::new();
        let id = sources.add_spec("a.align", text);
        let mut rs = SourceSet::new();
        let rules = crate::rules::RuleSet::embedded(&mut rs).unwrap();
        let (ast, _) = crate::syntax::parse(id, text);
        let (nodes, _) = crate::model::lower(&rules.schema, ast);
        Model::assemble(rules.schema, vec![(id, nodes)]).0
    }

    #[test]
    fn layout_number_spelling_and_tag_order_are_no_change() {
        let a = model("kpi K1 \"k\" { unit \"件\"; series { FY2022 1_000 } }\nitem I1 \"i\" { topics [b, a] }\n");
        let b = model("kpi K1 \"k\" {\n  unit \"件\"\n  series {\n    FY2022 1000\n  }\n}\nitem I1 \"i\" {\n  topics [a, b]\n}\n");
        let (da, db) = (decls(&a), decls(&b));
        for (x, y) in da.iter().zip(&db) {
            assert_eq!(x.values, y.values);
        }
        assert_eq!(da[0].value("series"), Some("{FY2022 1000}"));
        assert_eq!(da[1].value("topics"), Some("[a, b]"));
        assert_eq!(da[1].tag_keys, ["topics"]);
    }

    #[test]
    fn references_are_kept_apart_from_values() {
        let m = model("goal G1 \"g\" {}\nitem I1 \"i\" { goal G1; en \"x\" }\n");
        let d = decls(&m);
        assert_eq!(d[1].targets("goal"), ["G1"]);
        assert_eq!(d[1].value("en"), Some("\"x\""));
        assert!(d[1].value("goal").is_none());
    }
}
