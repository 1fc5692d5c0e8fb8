//! A rule set: any text split at the first NUL into `schema.toml` and `rules.toml` →
//! `RuleSet::from_texts`. A set that loads checks a small fixed spec (its kinds may not
//! exist: unknown-kind findings then) and `align rules`/`explain` text is built for every
//! rule; a set that does not load has ALN090 findings. Never panics; every span is sound;
//! rendered rule-set text has no raw ESC.

#![no_main]

use align::diag::{Finding, Lang};
use align::engine::{check_sources, Options};
use align::report::docs;
use align::report::human::{render_findings, HumanOptions};
use align::rules::{RuleSet, RuleSetError};
use align::source::{SourceSet, DEFAULT_MAX_FILE_SIZE};
use align::syntax::ast::Date;
use libfuzzer_sys::fuzz_target;

const SPEC: &str = "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\n\
    item I1 \"i\" { goal G1; topics [a] }\nprogram p \"x\" { covers [I1]; scope [b] }\n\
    kpi K1 \"k\" { measures [G1]; method direct; series { FY2022 1\n FY2023 2 } }\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (schema, rules) = text.split_once('\0').unwrap_or((text, ""));
    let mut sources = SourceSet::new();
    sources.add_spec("f.align", SPEC);
    let findings: Vec<Finding>;
    let mut shown = String::new();
    let run_sources;
    match RuleSet::from_texts("fuzz", schema, rules, &mut sources) {
        Ok(set) => {
            shown.push_str(&docs::table(&set, Lang::En));
            shown.push_str(&docs::table(&set, Lang::Ja));
            shown.push_str(&docs::markdown(&set));
            for e in docs::Entry::all(&set) {
                shown.push_str(&docs::explain(e, &set.schema, Lang::En));
            }
            let opts = Options {
                today: Date { year: 2026, month: 11, day: 24 },
                max_file_size: DEFAULT_MAX_FILE_SIZE,
            };
            let run = check_sources(sources, Vec::new(), Vec::new(), Vec::new(), &set, &opts);
            findings = run.findings;
            run_sources = run.sources;
        }
        Err(RuleSetError::Invalid(f)) => {
            findings = f;
            run_sources = sources;
        }
        Err(RuleSetError::Io(e)) => panic!("no I/O for texts: {e}"),
    }
    for f in &findings {
        let spans = std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
        for s in spans {
            let file = run_sources.get(s.file);
            assert!(s.start <= s.end && s.end <= file.text.len(), "{f:?}");
            assert!(file.text.is_char_boundary(s.start) && file.text.is_char_boundary(s.end));
        }
    }
    for lang in [Lang::En, Lang::Ja] {
        let mut out = Vec::new();
        let opts = HumanOptions { lang, color: false, width: 100 };
        render_findings(&findings, &run_sources, opts, &mut out)
            .unwrap_or_else(|e| panic!("rendering to memory fails: {e}"));
        shown.push_str(&String::from_utf8_lossy(&out));
    }
    assert!(!shown.contains('\x1b'), "no raw ESC reaches the output");
});
