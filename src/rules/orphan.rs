//! Rule type `orphan`: every node of a kind links out through a relation to at least one
//! node of the target kinds.

use super::{Ctx, Found};
use super::registry::RuleKind;
use super::spec::Checker;
use crate::diag::{with_article, Text};
use crate::model::KindId;
use crate::model::{Attr, KeyId, Schema};
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug)]
pub struct Orphan {
    pub kind: KindId,
    pub relation: KeyId,
    pub target: Vec<KindId>,
}

/// Parameters of `orphan`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct OrphanParams {
    relation: Option<Spanned<String>>,
    target: Option<Vec<Spanned<String>>>,
}

impl RuleKind for Orphan {
    const NAME: &'static str = "orphan";
    const PLACEHOLDERS: &'static [&'static str] = &["target"];
    type Params = OrphanParams;

    fn build(kind: KindId, p: OrphanParams, c: &mut Checker<'_>) -> Option<Self> {
        let relation = c
            .need(p.relation.as_ref(), "relation")
            .and_then(|s| c.relation(s));
        let target = c.need(p.target.as_ref(), "target").map(|t| c.kinds(t));
        Some(Orphan {
            kind,
            relation: relation?,
            target: target?,
        })
    }

    fn run(&self, ctx: &Ctx<'_>, out: &mut Found) {
        let model = ctx.model;
        let names: Vec<&str> = self
            .target
            .iter()
            .map(|k| model.schema.kind(*k).name.as_str())
            .collect();
        let names = crate::diag::or_list(&names);
        let labels_en: Vec<&str> = self
            .target
            .iter()
            .map(|k| model.schema.label(*k).en.as_str())
            .collect();
        let labels_ja: Vec<&str> = self
            .target
            .iter()
            .map(|k| model.schema.label(*k).ja.as_str())
            .collect();
        let (labels_en, labels_ja) = (crate::diag::or_list(&labels_en), labels_ja.join("・"));
        for n in ctx.targets(self.kind) {
            let linked = model
                .graph
                .outgoing(n, self.relation)
                .any(|(m, _)| self.target.contains(&model.kind_of(m)));
            if linked {
                continue;
            }
            let at = model.node(n).attr(self.relation).map(Attr::span);
            let mut f = ctx
                .finding(n, &[("target", Text::same(&names))])
                .with_label(Text::new(
                    format!("links to no {labels_en}"),
                    format!("{labels_ja}への関係がない"),
                ))
                .with_relation(model.schema.key_code(self.relation));
            if let Some(span) = at {
                let relation = model.schema.key_name(self.relation);
                f = f.with_secondary(
                    span,
                    Text::new(
                        format!(
                            "`{relation}` names nothing that resolves to {}",
                            with_article(&names)
                        ),
                        format!("`{relation}` に{labels_ja}として解決できるものがない"),
                    ),
                );
            }
            out.push(f);
        }
    }

    /// This rule's parameters as `align explain` and docs/rules.md show them.
    fn params_doc(&self, schema: &Schema) -> Vec<(String, String)> {
        let targets: Vec<&str> = self
            .target
            .iter()
            .map(|k| schema.kind(*k).name.as_str())
            .collect();
        vec![
            ("kind".into(), schema.kind(self.kind).name.clone()),
            ("relation".into(), schema.key_name(self.relation).to_owned()),
            ("target".into(), targets.join(", ")),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{check, expect};

    const RULE: &str = r#"
type = "orphan"
kind = "program"
relation = "covers"
target = ["item", "field"]
message = { en = "{id} -> {target}", ja = "m" }
"#;

    #[test]
    fn a_node_must_link_to_a_target_kind_through_the_relation() {
        let spec = r#"
plan PL "p" {}
policy V1 "v" { plan PL }
goal G1 "g" { policy V1 }
item I1 "a" {}
field F1 "f" { category priority }
program P1 "to an item" { covers [I1] }
program P2 "to a field" { covers [F1] }
program P3 "to a goal only" { covers [G1] }
program P4 "to nothing" {}
"#;
        assert_eq!(
            check(RULE, spec),
            expect(&[
                ("P3", "P3 -> item or field"),
                ("P4", "P4 -> item or field")
            ])
        );
    }

    #[test]
    fn a_link_by_another_relation_does_not_count() {
        let spec = r#"
plan PL "p" {}
program P1 "p" {}
kpi K1 "k" { measures [I1]; method direct; measured-in [P1] }
item I1 "a" {}
"#;
        let rule = RULE.replace("kind = \"program\"", "kind = \"kpi\"");
        let rule = rule.replace("[\"item\", \"field\"]", "[\"program\"]");
        assert_eq!(check(&rule, spec), expect(&[("K1", "K1 -> program")]));
    }
}
