//! `align.toml`: any text → `Config::parse`, then its `[severity]` table against the embedded
//! rule set, `exclude` on a few paths, and its findings rendered in both languages.
//! Never panics (issue 15: a non-ASCII `[severity]` key did); every span is sound; the
//! rendered text puts no raw control character or line break of the input on a line.

#![no_main]

use align::config::Config;
use align::diag::{Finding, Lang};
use align::report::human::{render_findings, HumanOptions};
use align::rules::RuleSet;
use align::source::{SourceFile, SourceKind, SourceSet};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceSet::new();
    let file = sources.add(SourceFile::new(
        "align.toml".into(),
        PathBuf::from("align.toml"),
        SourceKind::Config,
        text.to_owned(),
        true,
    ));
    let Ok(rules) = RuleSet::embedded(&mut sources) else {
        panic!("the embedded rule set loads");
    };
    let findings: Vec<Finding> = match Config::parse(file, text, PathBuf::from("specs")) {
        Ok(config) => {
            for p in ["specs/a.align", "specs/drafts/b.align", "other/c.align", "日本/語.align"] {
                let _ = config.excludes_path(p);
            }
            match config.overrides(&rules) {
                Ok(o) => {
                    let _ = o.get("ALN101");
                    Vec::new()
                }
                Err(f) => f,
            }
        }
        Err(f) => f,
    };
    for f in &findings {
        let spans = std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
        for s in spans {
            let file = sources.get(s.file);
            assert!(s.start <= s.end && s.end <= file.text.len(), "{f:?}");
            assert!(file.text.is_char_boundary(s.start) && file.text.is_char_boundary(s.end));
        }
    }
    for lang in [Lang::En, Lang::Ja] {
        let mut out = Vec::new();
        let opts = HumanOptions { lang, color: false, width: 100 };
        render_findings(&findings, &sources, opts, &mut out)
            .unwrap_or_else(|e| panic!("rendering to memory fails: {e}"));
        let out = String::from_utf8(out).unwrap_or_else(|e| panic!("rendered UTF-8: {e}"));
        assert!(!out.contains('\x1b'), "no raw ESC: {out}");
    }
});
