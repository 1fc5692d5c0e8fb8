//! Documentation of codes and rules, from the one registry: `align explain`, `align rules`
//! and the generated `docs/rules.md`.

use crate::diag::code::{CodeInfo, CODES};
use crate::diag::{Lang, Severity};
use crate::model::Schema;
use crate::report::sanitize::{self, line};
use crate::rules::{Rule, RuleSet};
use std::fmt::Write;

/// One documented code: a built-in structural check or a rule of the rule set.
#[derive(Clone, Copy)]
pub enum Entry<'a> {
    Builtin(&'static CodeInfo),
    Rule(&'a Rule),
}

impl<'a> Entry<'a> {
    /// Every code: built-in first, then the rules, each in code order.
    pub fn all(set: &'a RuleSet) -> Vec<Entry<'a>> {
        CODES
            .iter()
            .map(|c| Entry::Builtin(c))
            .chain(set.rules.iter().map(Entry::Rule))
            .collect()
    }

    /// The entry with this code or slug (case-insensitive).
    pub fn find(set: &'a RuleSet, name: &str) -> Option<Entry<'a>> {
        let name = name.trim();
        Entry::all(set)
            .into_iter()
            .find(|e| e.code().eq_ignore_ascii_case(name) || e.slug().eq_ignore_ascii_case(name))
    }

    pub fn code(&self) -> &str {
        match self {
            Entry::Builtin(c) => c.code,
            Entry::Rule(r) => &r.code,
        }
    }

    pub fn slug(&self) -> &str {
        match self {
            Entry::Builtin(c) => c.slug,
            Entry::Rule(r) => &r.slug,
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            Entry::Builtin(c) => c.severity,
            Entry::Rule(r) => r.severity,
        }
    }

    pub fn summary(&self, lang: Lang) -> String {
        match (self, lang) {
            (Entry::Builtin(c), Lang::En) => c.summary.en.to_owned(),
            (Entry::Builtin(c), Lang::Ja) => c.summary.ja.to_owned(),
            (Entry::Rule(r), l) => r.summary.get(l).to_owned(),
        }
    }

    /// Whether the code is reported unless switched on (`enabled = false` makes a rule opt-in).
    pub fn default_on(&self) -> bool {
        match self {
            Entry::Builtin(_) => true,
            Entry::Rule(r) => r.default_on,
        }
    }

    /// Whether the code runs in this run (an opt-in rule switched on counts).
    pub fn on(&self) -> bool {
        match self {
            Entry::Builtin(_) => true,
            Entry::Rule(r) => r.on,
        }
    }

    /// How to switch on an opt-in rule, or nothing for a code that always runs.
    pub fn opt_in_note(&self, lang: Lang) -> Option<String> {
        if self.default_on() {
            return None;
        }
        let (code, sev) = (self.code(), self.severity());
        Some(match lang {
            Lang::En => format!(
                "off by default: turn it on with `{code} = \"{sev}\"` under `[severity]` in align.toml, or `--select {code}`"
            ),
            Lang::Ja => format!(
                "既定では無効です。align.toml の `[severity]` に `{code} = \"{sev}\"` と書くか、`--select {code}` で有効にします"
            ),
        })
    }

    pub fn why(&self, lang: Lang) -> String {
        match (self, lang) {
            (Entry::Builtin(c), Lang::En) => c.why.en.to_owned(),
            (Entry::Builtin(c), Lang::Ja) => c.why.ja.to_owned(),
            (Entry::Rule(r), l) => r.why.get(l).to_owned(),
        }
    }

    pub fn fix(&self, lang: Lang) -> String {
        match (self, lang) {
            (Entry::Builtin(c), Lang::En) => c.fix.en.to_owned(),
            (Entry::Builtin(c), Lang::Ja) => c.fix.ja.to_owned(),
            (Entry::Rule(r), l) => r.fix.get(l).to_owned(),
        }
    }

    pub fn example(&self) -> &str {
        match self {
            Entry::Builtin(c) => c.example,
            Entry::Rule(r) => &r.example,
        }
    }

    /// `structural check` or the rule type with its parameters.
    fn mechanism(&self, schema: &Schema, lang: Lang) -> Vec<(String, String)> {
        match self {
            Entry::Builtin(_) => vec![(
                "type".into(),
                match lang {
                    Lang::En => "structural check (always runs)",
                    Lang::Ja => "構造の検査（常に実行）",
                }
                .into(),
            )],
            Entry::Rule(r) => {
                let mut p = vec![("type".into(), r.type_name.clone())];
                p.extend(params(r, schema));
                p
            }
        }
    }
}

fn params(r: &Rule, schema: &Schema) -> Vec<(String, String)> {
    let mut p = r.check.params(schema);
    if let Some(f) = &r.filter {
        p.push((
            "filter".into(),
            format!("{} in [{}]", f.key, f.values.join(", ")),
        ));
    }
    p
}

/// The text of `align explain CODE`.
pub fn explain(e: Entry<'_>, schema: &Schema, lang: Lang) -> String {
    let mut s = String::new();
    let (what, why, example, fix, mechanism) = match lang {
        Lang::En => (
            "What it reports",
            "Why it matters",
            "Example",
            "How to fix it",
            if matches!(e, Entry::Rule(_)) {
                "Mechanism (rules.toml)"
            } else {
                "Mechanism"
            },
        ),
        Lang::Ja => (
            "検出する内容",
            "重要な理由",
            "例",
            "直し方",
            if matches!(e, Entry::Rule(_)) {
                "仕組み（rules.toml の設定）"
            } else {
                "仕組み"
            },
        ),
    };
    let _ = writeln!(
        s,
        "{} {} ({})\n",
        line(e.code()),
        line(e.slug()),
        e.severity()
    );
    let _ = writeln!(s, "{what}:\n  {}\n", line(&e.summary(lang)));
    if let Some(note) = e.opt_in_note(lang) {
        let _ = writeln!(s, "  {}\n", line(&note));
    }
    let _ = writeln!(s, "{why}:\n  {}\n", line(&e.why(lang)));
    let _ = writeln!(s, "{example}:");
    for l in sanitize::lines(e.example()) {
        let _ = writeln!(s, "  {l}");
    }
    let _ = writeln!(s, "\n{fix}:\n  {}\n", line(&e.fix(lang)));
    let _ = writeln!(s, "{mechanism}:");
    for (k, v) in e.mechanism(schema, lang) {
        let _ = writeln!(s, "  {}: {}", line(&k), line(&v));
    }
    s
}

/// The table of `align rules`.
pub fn table(set: &RuleSet, lang: Lang) -> String {
    let entries = Entry::all(set);
    let w = entries.iter().map(|e| e.slug().len()).max().unwrap_or(0);
    let mut s = String::new();
    for e in entries {
        let what = match e {
            Entry::Builtin(c) => c.summary.get(lang).to_owned(),
            Entry::Rule(r) => format!("[{}] {}", r.type_name, r.summary.get(lang)),
        };
        let what = match (e.default_on(), lang) {
            (true, _) => what,
            (false, Lang::En) => format!("{what} (off by default)"),
            (false, Lang::Ja) => format!("{what}（既定では無効）"),
        };
        let _ = writeln!(
            s,
            "{}  {:<w$}  {:<7}  {}",
            line(e.code()),
            line(e.slug()),
            e.severity().as_str(),
            line(&what)
        );
    }
    s
}

/// `docs/rules.md`, generated (`align rules --format md`) and checked for staleness by a test.
pub fn markdown(set: &RuleSet) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Rules and codes\n");
    let _ = writeln!(
        s,
        "<!-- Generated by `align rules --format md > docs/rules.md`; do not edit by hand. -->\n"
    );
    let _ = writeln!(
        s,
        "Every finding align reports has a stable code. `ALN0xx` codes are structural checks built \
         into align (they always run); `ALN1xx` codes are the rules of the `{}` rule set \
         (`rules/{}/rules.toml`), each an instance of a rule type. `align explain CODE` prints the \
         same text in the terminal (`--lang ja` for Japanese).\n",
        set.schema.name, set.schema.name
    );
    let _ = writeln!(
        s,
        "| code | slug | severity | what |\n| --- | --- | --- | --- |"
    );
    for e in Entry::all(set) {
        let mut what = line(&e.summary(Lang::En)).replace('|', "\\|");
        if !e.default_on() {
            what.push_str(" (off by default)");
        }
        let _ = writeln!(
            s,
            "| [{}](#{}) | `{}` | {} | {} |",
            e.code(),
            e.code().to_ascii_lowercase(),
            e.slug(),
            e.severity(),
            what
        );
    }
    for e in Entry::all(set) {
        let _ = writeln!(
            s,
            "\n## {}\n\n`{}` · {}\n",
            e.code(),
            e.slug(),
            e.severity()
        );
        for lang in [Lang::En, Lang::Ja] {
            let (what, why, fix) = match lang {
                Lang::En => ("What it reports", "Why it matters", "How to fix it"),
                Lang::Ja => ("検出する内容", "重要な理由", "直し方"),
            };
            let _ = writeln!(s, "**{what}.** {}\n", line(&e.summary(lang)));
            if let Some(note) = e.opt_in_note(lang) {
                let _ = writeln!(s, "{}\n", line(&note));
            }
            let _ = writeln!(s, "**{why}.** {}\n", line(&e.why(lang)));
            let _ = writeln!(s, "**{fix}.** {}\n", line(&e.fix(lang)));
        }
        let example: Vec<_> = sanitize::lines(e.example()).collect();
        let _ = writeln!(s, "Example:\n\n```\n{}\n```\n", example.join("\n"));
        let mech: Vec<String> = e
            .mechanism(&set.schema, Lang::En)
            .iter()
            .map(|(k, v)| format!("{}: {}", line(k), line(v)))
            .collect();
        let _ = writeln!(s, "Mechanism: {}.", mech.join("; "));
    }
    s
}
