//! Property tests P1–P8 of docs/reliability.md, run by `cargo test` with modest case counts.
//!
//! P1 no panic on any input · P2 sound spans (also over every fixture and spec file) ·
//! P3 lossless lexing · P4 print–parse round trip · P5 determinism under file order and
//! thread count · P6 an injected error is reported · P7 metamorphic rule checks ·
//! P8 coverage, orphan and acyclic against a naive reference written here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::cast_sign_loss)] // test code: a panic is a failure; numbers are checked non-negative first

use align::diag::{Finding, Severity};
use align::engine::{check_loaded, Checked as Run};
use align::report::human::{render, HumanOptions};
use align::report::Input;
use align::rules::RuleSet;
use align::source::{decode, FileId, SourceSet};
use align::syntax::ast::{self, Date, ValueKind};
use proptest::prelude::*;
use proptest::sample::Index;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

mod generators;
use generators::{decl, print_val, quote, strip, Decl, Entry};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 24,
};

fn config(cases: u32) -> ProptestConfig {
    // Failures are kept in proptest-regressions/ (committed) and replayed first.
    // (`SourceParallel`, the default, cannot find the crate root from an integration test.)
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/properties.txt",
            ),
        )),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Checkers

/// P2 for one file: every finding span (primary and labels) in bounds and on char boundaries;
/// every AST span too, children inside parents, siblings increasing.
fn assert_sound(text: &str, file: &ast::File, findings: &[Finding]) {
    let ok = |s: align::diag::Span| {
        s.start() <= s.end()
            && s.end() <= text.len()
            && text.is_char_boundary(s.start())
            && text.is_char_boundary(s.end())
    };
    for f in findings {
        assert!(ok(f.span), "finding span unsound: {f:?}");
        for l in &f.labels {
            if l.span.file == f.span.file {
                assert!(ok(l.span), "label span unsound: {f:?}");
            }
        }
    }
    let inside = |outer: align::diag::Span, inner: align::diag::Span, what: &str| {
        assert!(ok(inner), "{what} span unsound: {inner:?}");
        assert!(
            outer.start() <= inner.start() && inner.end() <= outer.end(),
            "{what} {inner:?} not inside its parent {outer:?} in {text:?}"
        );
    };
    let mut prev_end = 0;
    for d in &file.decls {
        assert!(ok(d.span), "decl span unsound: {:?}", d.span);
        assert!(
            d.span.start() >= prev_end,
            "declarations overlap at {:?}",
            d.span
        );
        prev_end = d.span.end();
        inside(d.span, d.kind.span, "kind");
        inside(d.span, d.id.span, "id");
        if let Some(t) = &d.title {
            inside(d.span, t.span, "title");
        }
        if let Some(b) = &d.block {
            inside(d.span, b.span, "block");
            block_sound(b, &inside);
        }
    }
}

fn block_sound(b: &ast::Block, inside: &dyn Fn(align::diag::Span, align::diag::Span, &str)) {
    let mut prev_end = b.span.start();
    for e in &b.entries {
        inside(b.span, e.span, "entry");
        assert!(
            e.span.start() >= prev_end,
            "entries overlap at {:?}",
            e.span
        );
        prev_end = e.span.end();
        inside(e.span, e.key.span, "key");
        let mut prev = e.key.span.end();
        for v in &e.values {
            inside(e.span, v.span, "value");
            assert!(v.span.start() >= prev, "values overlap at {:?}", v.span);
            prev = v.span.end();
            value_sound(v, inside);
        }
        if let Some(inner) = &e.block {
            inside(e.span, inner.span, "nested block");
            block_sound(inner, inside);
        }
    }
}

fn value_sound(v: &ast::Value, inside: &dyn Fn(align::diag::Span, align::diag::Span, &str)) {
    match &v.kind {
        ValueKind::List(items) => {
            let mut prev = v.span.start();
            for i in items {
                inside(v.span, i.span, "list item");
                assert!(i.span.start() >= prev, "list items overlap at {:?}", i.span);
                prev = i.span.end();
                value_sound(i, inside);
            }
        }
        ValueKind::Range(a, b) => {
            inside(v.span, a.span, "range start");
            inside(v.span, b.span, "range end");
        }
        _ => {}
    }
}

/// P3: token texts concatenate to the input, contiguously.
fn assert_lossless(text: &str) {
    let mut joined = String::with_capacity(text.len());
    let mut end = 0;
    for t in align::syntax::tokenize(text) {
        assert_eq!(t.start, end, "tokens are not contiguous");
        assert!(t.end > t.start, "empty token at {end}");
        joined.push_str(t.text(text));
        end = t.end;
    }
    assert_eq!(joined, text);
}

fn parse_checked(text: &str) -> (ast::File, Vec<Finding>) {
    let (file, findings) = align::syntax::parse(FileId(0), text);
    assert_sound(text, &file, &findings);
    (file, findings)
}

fn check(files: &[(String, String)]) -> Run {
    let mut sources = SourceSet::new();
    for (name, text) in files {
        sources.add_spec(name, text);
    }
    let rules = RuleSet::embedded(&mut sources).expect("the embedded rule set loads");
    check_loaded(sources.into(), rules, TODAY)
}

fn rendered(run: &Run) -> String {
    let mut out = Vec::new();
    let opts = HumanOptions::default();
    render(&Input::from(run), opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn count(run: &Run, code: &str) -> usize {
    run.findings.iter().filter(|f| f.code == code).count()
}

// ---------------------------------------------------------------------------------------------
// A pretty-printer for the syntax-level AST generator of tests/generators (P4, P6)

fn print_block(entries: &[Entry], indent: usize, out: &mut String) {
    out.push_str("{\n");
    for e in entries {
        out.push_str(&"  ".repeat(indent + 1));
        out.push_str(&e.key);
        for v in &e.values {
            out.push(' ');
            print_val(v, out);
        }
        if let Some(b) = &e.block {
            out.push(' ');
            print_block(b, indent + 1, out);
        }
        out.push('\n');
    }
    out.push_str(&"  ".repeat(indent));
    out.push('}');
}

fn pretty(decls: &[Decl]) -> String {
    let mut out = String::new();
    for d in decls {
        let _ = write!(out, "{} {}", d.kind, d.id);
        if let Some(t) = &d.title {
            out.push(' ');
            quote(t, &mut out);
        }
        if let Some(b) = &d.block {
            out.push(' ');
            print_block(b, 0, &mut out);
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// A schema-valid plan generator (P5, P7, P8)

/// A small plan: items under goals or under other items (possibly in cycles), programs that
/// cover some items or goals, KPIs that measure some goals.
#[derive(Clone, Debug)]
struct Plan {
    goals: usize,
    /// Per item: `Ok(goal)` or `Err(parent item)`.
    items: Vec<Result<usize, usize>>,
    /// Per program: the items it covers, and the goals it covers.
    programs: Vec<(Vec<usize>, Vec<usize>)>,
    kpis: Vec<usize>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (1usize..4, 1usize..10).prop_flat_map(|(goals, n_items)| {
        let item = prop_oneof![
            (0..goals).prop_map(Ok::<usize, usize>),
            (0..n_items).prop_map(Err::<usize, usize>),
        ];
        (
            Just(goals),
            prop::collection::vec(item, n_items),
            prop::collection::vec(
                (
                    prop::collection::vec(0..n_items, 0..3),
                    prop::collection::vec(0..goals, 0..2),
                ),
                0..4,
            ),
            prop::collection::vec(0..goals, 0..3),
        )
            .prop_map(|(goals, items, programs, kpis)| Plan {
                goals,
                items,
                programs,
                kpis,
            })
    })
}

/// The IDs a plan uses; `rename` maps one to another everywhere.
struct Names {
    item: Vec<String>,
}

impl Plan {
    fn names(&self) -> Names {
        Names {
            item: (0..self.items.len()).map(|i| format!("I{i}")).collect(),
        }
    }

    fn files(&self, names: &Names) -> Vec<(String, String)> {
        let mut plan = String::from("plan P \"計画\" {}\npolicy V1 \"方針\" { plan P }\n");
        for g in 0..self.goals {
            let _ = writeln!(plan, "goal G{g} \"ゴール{g}\" {{ policy V1 }}");
        }
        let mut items = String::new();
        for (i, up) in self.items.iter().enumerate() {
            let up = match up {
                Ok(g) => format!("goal G{g}"),
                Err(p) => format!("parent {}", names.item[*p]),
            };
            let _ = writeln!(items, "item {} \"事項{i}\" {{ {up} }}", names.item[i]);
        }
        let mut programs = String::new();
        for (p, (its, gs)) in self.programs.iter().enumerate() {
            let covers: Vec<String> = its
                .iter()
                .map(|&i| names.item[i].clone())
                .chain(gs.iter().map(|g| format!("G{g}")))
                .collect();
            if covers.is_empty() {
                let _ = writeln!(programs, "program p{p} \"事業{p}\" {{ agency \"AMED\" }}");
            } else {
                let _ = writeln!(
                    programs,
                    "program p{p} \"事業{p}\" {{ covers [{}] }}",
                    covers.join(", ")
                );
            }
        }
        for (k, g) in self.kpis.iter().enumerate() {
            let _ = writeln!(
                programs,
                "kpi K{k} \"指標{k}\" {{ measures [G{g}]; method direct }}"
            );
        }
        vec![
            ("plan.align".to_owned(), plan),
            ("items.align".to_owned(), items),
            ("programs.align".to_owned(), programs),
        ]
    }

    // The naive reference (P8): nested loops over the plan, no graph library.

    /// ALN101: leaf items (no item names them as parent) such that no program covers the item,
    /// an item above it through `parent`, or the goal of one of those (items have no topics
    /// here, so a link is enough).
    fn naive_uncovered(&self) -> usize {
        let n = self.items.len();
        let mut count = 0;
        for i in 0..n {
            let is_parent = (0..n).any(|j| self.items[j] == Err(i));
            if is_parent {
                continue;
            }
            let mut chain = vec![i];
            let mut cur = i;
            let mut reaches_cycle = false;
            while let Err(p) = self.items[cur] {
                if chain.contains(&p) {
                    reaches_cycle = true;
                    break;
                }
                chain.push(p);
                cur = p;
            }
            // An item on or below a cycle: its ALN101 is held back as the cycle's consequence.
            if reaches_cycle {
                continue;
            }
            let goals: Vec<usize> = chain.iter().filter_map(|&c| self.items[c].ok()).collect();
            let covered = self.programs.iter().any(|(its, gs)| {
                chain.iter().any(|c| its.contains(c)) || goals.iter().any(|g| gs.contains(g))
            });
            if !covered {
                count += 1;
            }
        }
        count
    }

    /// ALN103: programs that cover nothing.
    fn naive_orphans(&self) -> usize {
        self.programs
            .iter()
            .filter(|(its, gs)| its.is_empty() && gs.is_empty())
            .count()
    }

    /// ALN063: the number of distinct `parent` cycles.
    fn naive_cycles(&self) -> usize {
        let n = self.items.len();
        let mut cycles: BTreeSet<Vec<usize>> = BTreeSet::new();
        for start in 0..n {
            // Walk n steps: if `start` comes back to itself, it lies on a cycle.
            let mut cur = start;
            let mut members = vec![start];
            let mut on_cycle = false;
            for _ in 0..n {
                match self.items[cur] {
                    Err(p) if p == start => {
                        on_cycle = true;
                        break;
                    }
                    Err(p) => {
                        members.push(p);
                        cur = p;
                    }
                    Ok(_) => break,
                }
            }
            if on_cycle {
                members.sort_unstable();
                cycles.insert(members);
            }
        }
        cycles.len()
    }
}

// ---------------------------------------------------------------------------------------------
// The properties

proptest! {
    #![proptest_config(config(256))]

    /// P1 + P2 + P3 on any string, and on any bytes through the decoder.
    #[test]
    fn p1_p2_p3_any_text_parses_soundly(text in any::<String>()) {
        assert_lossless(&text);
        parse_checked(&text);
    }

    #[test]
    fn p1_p2_p3_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let (file, _) = decode("a.align".into(), "a.align".into(), &bytes);
        assert_lossless(&file.text);
        parse_checked(&file.text);
    }

    /// P1 + P3 on text built from the language's own pieces, which reaches deeper than noise.
    #[test]
    fn p1_p3_token_soup(parts in prop::collection::vec(prop_oneof![
        Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(";"), Just("\n"),
        Just("\r\n"), Just("\r"), Just("\""), Just("\"\"\""), Just("\\"), Just(".."), Just("."),
        Just("item"), Just("I1.2"), Just("goal"), Just("G1"), Just("FY2022"), Just("27.4%"),
        Just("1e999"), Just("2023-02-30"), Just("\\u{"), Just("\\u{D800}"), Just("#"),
        Just(" "), Just("\t"), Just("\u{3000}"), Just("\u{feff}"), Just("\u{202e}"),
        Just("Ｇ１"), Just("｛"), Just("日本"), Just("\0"), Just("-"), Just("allow"),
        Just("until"), Just("true"),
    ], 0..60)) {
        let text: String = parts.concat();
        assert_lossless(&text);
        parse_checked(&text);
        // and the whole check, with every finding span sound in its own file
        let run = check(&[("a.align".to_owned(), text.clone())]);
        for f in &run.findings {
            let file = run.sources.get(f.span.file);
            prop_assert!(f.span.end() <= file.text.len() && file.text.is_char_boundary(f.span.start())
                && file.text.is_char_boundary(f.span.end()), "{f:?}");
        }
        rendered(&run);
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// P4: parse(pretty(ast)) == ast, modulo spans, with no finding.
    #[test]
    fn p4_print_parse_round_trip(decls in prop::collection::vec(decl(), 0..5)) {
        let text = pretty(&decls);
        let (file, findings) = parse_checked(&text);
        prop_assert!(findings.is_empty(), "{text}\n{findings:#?}");
        prop_assert_eq!(strip(&file), decls, "{}", text);
    }

    /// P6: delete one `}` or one string quote from a valid spec: an error is reported, exit
    /// would be ≠ 0, and some error's spans reach the line of the edit.
    #[test]
    fn p6_an_injected_error_is_reported(
        decls in prop::collection::vec(decl(), 1..4),
        pick in any::<Index>(),
    ) {
        let text = pretty(&decls);
        // Structural `}` and string quotes only: a `}` or `"` inside a string's text is data.
        let spots: Vec<usize> = align::syntax::tokenize(&text)
            .into_iter()
            .flat_map(|t| match t.kind {
                align::syntax::TokenKind::RBrace => vec![t.start],
                // Without its opening quote, a title holding `#` can read as an ID and a
                // comment, which is valid: only its closing quote is deleted then.
                align::syntax::TokenKind::Str if text[t.start..t.end].contains('#') => {
                    vec![t.end - 1]
                }
                align::syntax::TokenKind::Str => vec![t.start, t.end - 1],
                _ => Vec::new(),
            })
            .collect();
        prop_assume!(!spots.is_empty());
        let at = spots[pick.index(spots.len())];
        let mut broken = text.clone();
        broken.remove(at);
        let (file, findings) = parse_checked(&broken);
        let errors: Vec<&Finding> =
            findings.iter().filter(|f| f.severity == Severity::Error).collect();
        prop_assert!(!errors.is_empty(), "no error after deleting byte {at}:\n{broken}");
        let line_start = broken[..at].rfind('\n').map_or(0, |i| i + 1);
        let line_end = broken[at..].find('\n').map_or(broken.len(), |i| at + i);
        let touches = errors.iter().any(|f| {
            let spans = std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span));
            let lo = spans.clone().map(|s| s.start()).min().unwrap_or(0);
            let hi = spans.map(|s| s.end()).max().unwrap_or(0);
            lo <= line_end && hi >= line_start
        });
        prop_assert!(touches, "no error reaches the edit at {at}:\n{broken}\n{errors:#?}");
        drop(file);
    }

    /// P5: byte-identical output whatever the order the files are added in and the number of
    /// threads that parse them.
    #[test]
    fn p5_deterministic_under_file_order_and_threads(p in plan(), seed in any::<u64>()) {
        let files = p.files(&p.names());
        let expected = rendered(&check(&files));
        let mut shuffled = files.clone();
        let n = shuffled.len();
        for i in (1..n).rev() {
            let j = (seed as usize).wrapping_mul(i + 7) % (i + 1);
            shuffled.swap(i, j);
        }
        prop_assert_eq!(&rendered(&check(&shuffled)), &expected);
        for threads in [1, 3] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let out = pool.install(|| rendered(&check(&shuffled)));
            prop_assert_eq!(&out, &expected);
        }
    }

    /// P7: covering one more item never adds an ALN101 finding; renaming an item everywhere
    /// leaves every count unchanged.
    #[test]
    fn p7_metamorphic(p in plan(), which in any::<Index>(), rename in any::<Index>()) {
        let names = p.names();
        let before = check(&p.files(&names));
        let mut more = p.clone();
        let item = which.index(p.items.len());
        more.programs.push((vec![item], Vec::new()));
        let after = check(&more.files(&names));
        prop_assert!(count(&after, "ALN101") <= count(&before, "ALN101"));

        let mut renamed = p.names();
        let r = rename.index(p.items.len());
        renamed.item[r] = format!("zz.renamed-{r}");
        let run = check(&p.files(&renamed));
        let codes = |run: &Run| {
            let mut m: BTreeMap<String, usize> = BTreeMap::new();
            for f in &run.findings {
                *m.entry(f.code.to_string()).or_default() += 1;
            }
            m
        };
        prop_assert_eq!(codes(&run), codes(&before));
    }

    /// P8: coverage (ALN101), orphan (ALN103) and acyclic (ALN063) agree with the naive
    /// reference.
    #[test]
    fn p8_differential_against_a_naive_reference(p in plan()) {
        let run = check(&p.files(&p.names()));
        prop_assert_eq!(count(&run, "ALN101"), p.naive_uncovered(), "{:?}", p);
        prop_assert_eq!(count(&run, "ALN103"), p.naive_orphans(), "{:?}", p);
        prop_assert_eq!(count(&run, "ALN063"), p.naive_cycles(), "{:?}", p);
    }
}

/// P2 over every fixture and spec file in the repository (ruff runs its span checks on every
/// fixture): decoded as align decodes them, tokenized losslessly, parsed with sound spans, and
/// checked with every finding span sound.
#[test]
fn p2_spans_are_sound_on_every_fixture_and_spec() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![root.join("tests/fixtures"), root.join("specs")];
    let mut seen = 0;
    let mut visited = HashSet::new();
    while let Some(dir) = stack.pop() {
        if !visited.insert(dir.clone()) {
            continue;
        }
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "align") {
                let bytes = std::fs::read(&path).unwrap();
                let name = path.to_string_lossy().into_owned();
                let (file, _) = decode(name.clone(), path.clone(), &bytes);
                assert_lossless(&file.text);
                parse_checked(&file.text);
                let run = check(&[(name, file.text.to_string())]);
                for f in &run.findings {
                    let src = run.sources.get(f.span.file);
                    assert!(
                        f.span.end() <= src.text.len()
                            && src.text.is_char_boundary(f.span.start())
                            && src.text.is_char_boundary(f.span.end()),
                        "{}: {f:?}",
                        path.display()
                    );
                }
                seen += 1;
            }
        }
    }
    assert!(seen > 50, "only {seen} fixture files found");
}
