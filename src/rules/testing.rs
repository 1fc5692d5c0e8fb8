//! Test support: run one rule of the bundled schema on a spec written inline.

use super::{spec, RuleSet, DEFAULT_SCHEMA};
use crate::diag::Finding;
use crate::model::{Model, Schema};
use crate::source::FileId;
use crate::syntax::ast::Date;

/// The findings of one rule on a spec. `rule` holds the rule's `type`, `kind`, parameters and
/// `message` (usually its placeholders); the other keys every rule needs are added here. The
/// spec must be free of syntax and structural errors, so that a test sees only its rule.
pub(super) fn run(rule: &str, spec_text: &str) -> Vec<Finding> {
    let schema = Schema::load(FileId(0), DEFAULT_SCHEMA).unwrap_or_else(|e| panic!("{e:?}"));
    let toml = format!(
        "[[rule]]\ncode = \"ALN900\"\nslug = \"under-test\"\nseverity = \"warning\"\n\
         help = {{ en = \"h\", ja = \"h\" }}\nwhy = {{ en = \"w\", ja = \"w\" }}\nexample = \"\"\n{rule}\n"
    );
    let rules = spec::load(FileId(1), &toml, &schema).unwrap_or_else(|e| panic!("{e:?}"));
    let (ast, errors) = crate::syntax::parse(FileId(2), spec_text);
    assert!(errors.is_empty(), "{errors:?}");
    let (nodes, errors) = crate::model::lower(&schema, ast);
    assert!(errors.is_empty(), "{errors:?}");
    let (model, errors) = Model::assemble(schema.clone(), vec![(FileId(2), nodes)]);
    assert!(errors.is_empty(), "{errors:?}");
    let set = RuleSet { schema, rules };
    set.run(
        &model,
        Date::new(2025, 4, 1).unwrap_or_else(|| panic!("a date")),
    )
}

/// `(node, English message)` of each finding, in order.
pub(super) fn messages(findings: &[Finding]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.nodes.first().map(ToString::to_string).unwrap_or_default(),
                f.message.en().into_owned(),
            )
        })
        .collect()
}

/// `(node, English message)` of the findings of one rule on a spec.
pub(super) fn check(rule: &str, spec_text: &str) -> Vec<(String, String)> {
    messages(&run(rule, spec_text))
}

/// `(node, message)` pairs, for comparing with [`check`].
pub(super) fn expect(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, m)| ((*n).to_owned(), (*m).to_owned()))
        .collect()
}
