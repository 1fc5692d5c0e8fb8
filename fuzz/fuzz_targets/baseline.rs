//! A baseline file: any text → `Baseline::parse`. A baseline that parses is compared with the
//! findings of a small fixed check (counts from the file can be anything: they saturate) and
//! round-trips through `to_json`. Never panics; every finding is either new or matched.

#![no_main]

use align::baseline::Baseline;
use align::engine::{check_sources, Options, Run};
use align::rules::RuleSet;
use align::source::{SourceSet, DEFAULT_MAX_FILE_SIZE};
use align::syntax::ast::Date;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const SPEC: &str = "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\n\
    item I1 \"covered\" { goal G1 }\nitem I2 \"gap\" { goal G1 }\n\
    program pr \"x\" { covers [I1, I9] }\ngoal G2 \"unclosed\n";

fn run() -> &'static Run {
    static RUN: OnceLock<Run> = OnceLock::new();
    RUN.get_or_init(|| {
        let mut sources = SourceSet::new();
        sources.add_spec("./specs/a.align", SPEC);
        let Ok(rules) = RuleSet::embedded(&mut sources) else {
            panic!("the embedded rule set loads");
        };
        let opts = Options {
            today: Date { year: 2026, month: 11, day: 24 },
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        };
        check_sources(sources, Vec::new(), Vec::new(), Vec::new(), &rules, &opts)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let run = run();
    let Ok(base) = Baseline::parse(text) else {
        return;
    };
    let cmp = base.compare(&run.findings, &run.sources);
    assert_eq!(cmp.new.len() + cmp.matched, run.findings.len());
    let again = Baseline::parse(&base.to_json())
        .unwrap_or_else(|e| panic!("a parsed baseline round-trips: {e}"));
    assert_eq!(again, base);
    // The run's own baseline holds every finding, and nothing is gone.
    let own = Baseline::of(&run.findings, &run.sources);
    let cmp = own.compare(&run.findings, &run.sources);
    assert!(cmp.new.is_empty() && cmp.gone.is_empty());
});
