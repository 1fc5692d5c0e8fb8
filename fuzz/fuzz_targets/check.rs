//! P1 for the whole check on a generated tree of spec files, checked with the embedded rule
//! set and rendered in both languages. Never panics; every finding span is sound.
//!
//! The first byte picks the mode: even → the rest is raw text split into up to four files at
//! `\0`; odd → the rest drives a generator of declarations of the basic-plan kinds with
//! references between a few IDs (so the model and the rules see well-formed, tangled graphs:
//! cycles, wrong kinds, duplicates, waivers).

#![no_main]

use align::diag::Lang;
use align::engine::check_loaded;
use align::report::Input;
use align::report::human::{render, HumanOptions};
use align::rules::RuleSet;
use align::source::SourceSet;
use align::syntax::ast::Date;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

const KINDS: &[&str] = &[
    "plan", "policy", "goal", "item", "field", "challenge", "program", "kpi", "kgi", "project",
];
const KEYS: &[&str] = &[
    "plan", "policy", "goal", "parent", "covers", "measures", "measured-in", "fields", "answers",
    "topics", "scope", "method", "category", "en", "number", "period", "agency", "unit",
    "target", "series", "allow", "program",
];
const IDS: &[&str] = &["P", "V1", "G1", "G1.1", "I1", "I1.1", "I1.1.a", "F1", "C1", "p.a", "K1", "X"];
const VALUES: &[&str] = &[
    "P", "V1", "G1", "I1", "I1.1", "F1", "[I1, I1.1]", "[G1,]", "direct", "priority", "\"t\"",
    "27.4%", "2027-03-31", "FY2022..FY2026", "[hub, x]", "no-kpi \"r\" until 2026-01-01",
    "ALN101 \"r\" until 2027-01-01", "{ FY2022 1 }", "true", "p.a", "K1", "C1",
];

fn generate(data: &[u8]) -> Vec<String> {
    let mut files = vec![String::new()];
    let mut bytes = data.iter().copied();
    let mut next = move || bytes.next();
    while let (Some(k), Some(i)) = (next(), next()) {
        if k == 0xFF && files.len() < 4 {
            files.push(String::new());
            continue;
        }
        let out = files.last_mut().unwrap_or_else(|| unreachable!());
        let kind = KINDS[usize::from(k) % KINDS.len()];
        let id = IDS[usize::from(i) % IDS.len()];
        let _ = write!(out, "{kind} {id} \"t{i}\" {{");
        let n = next().unwrap_or(0) % 5;
        for _ in 0..n {
            let (Some(key), Some(v)) = (next(), next()) else { break };
            let key = KEYS[usize::from(key) % KEYS.len()];
            let value = VALUES[usize::from(v) % VALUES.len()];
            let _ = write!(out, "\n  {key} {value}");
        }
        out.push_str("\n}\n");
    }
    files
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let files: Vec<String> = if mode % 2 == 0 {
        let Ok(text) = std::str::from_utf8(rest) else {
            return;
        };
        text.split('\0').take(4).map(str::to_owned).collect()
    } else {
        generate(rest)
    };
    let mut sources = SourceSet::new();
    for (i, text) in files.iter().enumerate() {
        sources.add_spec(&format!("f{i}.align"), text);
    }
    let Ok(rules) = RuleSet::embedded(&mut sources) else {
        panic!("the embedded rule set loads");
    };
    let run = check_loaded(sources.into(), rules, Date { year: 2026, month: 11, day: 24 });
    for f in &run.findings {
        let spans = std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
        for s in spans {
            let file = run.sources.get(s.file);
            assert!(s.start <= s.end && s.end <= file.text.len(), "{f:?}");
            assert!(file.text.is_char_boundary(s.start) && file.text.is_char_boundary(s.end));
        }
    }
    for lang in [Lang::En, Lang::Ja] {
        let mut out = Vec::new();
        let opts = HumanOptions::default();
        let mut input = Input::from(&run);
        input.lang = lang;
        render(&input, opts, &mut out)
            .unwrap_or_else(|e| panic!("rendering to memory fails: {e}"));
    }
});
