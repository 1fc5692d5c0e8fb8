//! `align fmt`: properties over generated specs written in messy layouts (idempotence, meaning,
//! comments, CRLF and BOM), fixtures of unformatted input with snapshots of the output, and the
//! command's exit codes, output and writes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;
mod generators;

use align::fmt::{format, Outcome};
use align::source::FileId;
use align::syntax::{parse, tokenize, TokenKind};
use common::{align_in, transcript};
use generators::{decl, print_val, quote, strip, Decl, Entry, Val};
use proptest::prelude::*;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// A messy printer: the generated tree in a random layout, with a unique marker comment wherever
// a comment may go.

struct Messy<'a> {
    choices: &'a [u8],
    next: usize,
    out: String,
    markers: Vec<String>,
}

impl Messy<'_> {
    fn pick(&mut self, n: u8) -> u8 {
        let c = self
            .choices
            .get(self.next % self.choices.len().max(1))
            .copied();
        self.next += 1;
        c.unwrap_or(0) % n
    }

    /// Space between tokens: one or more spaces, a tab, or an ideographic space (a safe fix).
    fn space(&mut self) {
        let s = match self.pick(6) {
            0 => "  ",
            1 => "\t",
            2 => " \u{3000}",
            _ => " ",
        };
        self.out.push_str(s);
    }

    fn comment(&mut self) {
        let m = format!("# m{}", self.markers.len());
        self.out.push_str(&m);
        self.markers.push(m);
    }

    /// Maybe a trailing comment, then a line break, maybe blank lines and own-line comments.
    fn line_end(&mut self, indent: bool) {
        if self.pick(3) == 0 {
            self.space();
            self.comment();
        }
        self.out.push('\n');
        for _ in 0..self.pick(3) {
            if self.pick(2) == 0 {
                self.out.push('\n');
            } else {
                if indent {
                    self.indent();
                }
                self.comment();
                self.out.push('\n');
            }
        }
    }

    /// Some indentation (never none inside a block: an entry at column 0 could read as a
    /// declaration).
    fn indent(&mut self) {
        let n = 1 + usize::from(self.pick(6));
        self.out.push_str(&" ".repeat(n));
    }

    fn decls(&mut self, decls: &[Decl]) {
        for _ in 0..self.pick(3) {
            self.line_end(false);
        }
        for d in decls {
            self.out.push_str(&d.kind);
            self.space();
            self.out.push_str(&d.id);
            if let Some(t) = &d.title {
                self.space();
                quote(t, &mut self.out);
            }
            if let Some(b) = &d.block {
                self.space();
                self.block(b);
            }
            self.line_end(false);
        }
    }

    fn block(&mut self, entries: &[Entry]) {
        self.out.push('{');
        if self.pick(3) == 0 {
            // On one line: no comments, no line breaks (lists stay on the line too).
            for (i, e) in entries.iter().enumerate() {
                if i > 0 {
                    self.out.push(';');
                }
                self.space();
                self.entry_flat(e);
            }
            self.space();
            self.out.push('}');
            return;
        }
        self.line_end(true);
        let mut first = true;
        for e in entries {
            if first || self.pick(3) > 0 {
                if !first {
                    if self.pick(4) == 0 {
                        self.out.push(';');
                    }
                    self.line_end(true);
                }
                self.indent();
            } else {
                self.out.push(';');
                self.space();
            }
            first = false;
            self.entry(e);
        }
        if !entries.is_empty() {
            self.line_end(true);
        }
        self.indent();
        self.out.push('}');
    }

    fn entry(&mut self, e: &Entry) {
        self.out.push_str(&e.key);
        for v in &e.values {
            self.space();
            self.value(v);
        }
        if let Some(b) = &e.block {
            self.space();
            self.block(b);
        }
    }

    fn entry_flat(&mut self, e: &Entry) {
        self.out.push_str(&e.key);
        for v in &e.values {
            self.space();
            print_val(v, &mut self.out);
        }
        if let Some(b) = &e.block {
            self.space();
            self.out.push('{');
            for (i, inner) in b.iter().enumerate() {
                if i > 0 {
                    self.out.push(';');
                }
                self.out.push(' ');
                self.entry_flat(inner);
            }
            self.out.push_str(" }");
        }
    }

    /// A value; a list may break lines and hold comments.
    fn value(&mut self, v: &Val) {
        let Val::List(items) = v else {
            print_val(v, &mut self.out);
            return;
        };
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            match self.pick(4) {
                0 => self.line_end(true),
                1 => self.space(),
                _ => {}
            }
            self.value(item);
        }
        if !items.is_empty() && self.pick(3) == 0 {
            self.out.push(',');
        }
        if self.pick(4) == 0 {
            self.line_end(true);
        }
        self.out.push(']');
    }
}

fn messy(decls: &[Decl], choices: &[u8]) -> (String, Vec<String>) {
    let mut m = Messy {
        choices,
        next: 0,
        out: String::new(),
        markers: Vec::new(),
    };
    m.decls(decls);
    (m.out, m.markers)
}

fn formatted(text: &str) -> String {
    match format(FileId(0), text) {
        Ok(Outcome::Unchanged) => text.to_owned(),
        Ok(Outcome::Changed { text, .. }) => text,
        Err(e) => panic!("refused: {e:?}\n{text}"),
    }
}

fn comments(text: &str) -> Vec<&str> {
    tokenize(text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Comment)
        .map(|t| t.text(text))
        .collect()
}

fn meaning(text: &str) -> Vec<Decl> {
    let (file, findings) = parse(FileId(0), text);
    assert!(
        findings
            .iter()
            .all(|f| f.severity != align::diag::Severity::Error),
        "{findings:?}\n{text}"
    );
    strip(&file)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("proptest-regressions/fmt.txt"),
        )),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// I1 and I3: formatting is a fixed point and keeps the syntax tree (spans aside).
    #[test]
    fn idempotent_and_meaning_preserving(
        decls in prop::collection::vec(decl(), 0..5),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let (text, _) = messy(&decls, &choices);
        prop_assert_eq!(meaning(&text), decls.clone(), "the messy printer is wrong:\n{}", text);
        let out = formatted(&text);
        prop_assert_eq!(format(FileId(0), &out).unwrap(), Outcome::Unchanged, "not idempotent:\n{}", out);
        prop_assert_eq!(meaning(&out), decls);
        prop_assert!(!out.contains('\u{3000}') || out.contains('"'), "U+3000 left between tokens:\n{}", out);
    }

    /// I2: every marker comment is kept, in order, with its text.
    #[test]
    fn comments_kept_in_order(
        decls in prop::collection::vec(decl(), 1..5),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let (text, markers) = messy(&decls, &choices);
        let out = formatted(&text);
        prop_assert_eq!(comments(&out), markers);
    }

    /// I6: a BOM and CRLF line endings are kept; every line break of the output is CRLF.
    #[test]
    fn bom_and_crlf_kept(
        decls in prop::collection::vec(decl(), 1..4),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let (text, _) = messy(&decls, &choices);
        let crlf = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        let out = formatted(&crlf);
        let bom = out.starts_with('\u{feff}');
        prop_assert!(bom, "BOM lost");
        prop_assert_eq!(out.matches('\n').count(), out.matches("\r\n").count(), "{:?}", out);
        prop_assert_eq!(format(FileId(0), &out).unwrap(), Outcome::Unchanged);
        prop_assert_eq!(meaning(&out), meaning(&crlf));
        // The same layout as with LF.
        prop_assert_eq!(out.trim_start_matches('\u{feff}').replace("\r\n", "\n"), formatted(&text));
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: tests/fixtures/fmt/*.align, unformatted, with the formatted text as a snapshot.

#[test]
fn layout_fixtures() {
    insta::glob!("fixtures/fmt", "*.align", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let out = formatted(&text);
        assert_eq!(formatted(&out), out, "not idempotent: {}", path.display());
        insta::assert_snapshot!(out);
    });
}

#[test]
fn bundled_specs_are_formatted() {
    let out = align_in(&common::root(), &["fmt", "--check", "specs/"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
}

// ---------------------------------------------------------------------------------------------
// The command

const MESSY: &str = "goal G1 \"g\" {policy V1 ;en \"x\"}\nitem I1 \"i\" {\ngoal G1\n}\n";
const TIDY: &str = "policy V1 \"v\" {}\n";

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn check_lists_the_files_that_would_change_and_writes_nothing() {
    let dir = dir_with(&[("a.align", MESSY), ("b.align", TIDY)]);
    let out = align_in(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(transcript(&out));
    assert_eq!(read(dir.path(), "a.align"), MESSY);
}

#[test]
fn check_passes_on_formatted_files() {
    let dir = dir_with(&[("b.align", TIDY)]);
    let out = align_in(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(transcript(&out));
}

#[test]
fn diff_shows_the_change_and_writes_nothing() {
    let dir = dir_with(&[("a.align", MESSY), ("b.align", TIDY)]);
    let out = align_in(dir.path(), &["fmt", "--diff", "."]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(transcript(&out));
    assert_eq!(read(dir.path(), "a.align"), MESSY);
}

#[test]
fn fmt_writes_the_formatted_file_atomically() {
    let dir = dir_with(&[("a.align", MESSY), ("b.align", TIDY)]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let p = std::fs::Permissions::from_mode(0o640);
        std::fs::set_permissions(dir.path().join("a.align"), p).unwrap();
    }
    let out = align_in(dir.path(), &["fmt", "."]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(transcript(&out));
    let a = read(dir.path(), "a.align");
    assert_eq!(a, formatted(MESSY));
    assert_eq!(read(dir.path(), "b.align"), TIDY);
    // No temporary file is left, and the permissions are kept.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["a.align", "b.align"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("a.align"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // A second run changes nothing.
    let again = align_in(dir.path(), &["fmt", "--check", "."]);
    assert_eq!(again.status.code(), Some(0), "{}", transcript(&again));
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_left_byte_identical() {
    let broken = "goal G1 \"g\" {\n  policy [V1\n}\n";
    let dir = dir_with(&[("a.align", MESSY), ("broken.align", broken)]);
    let out = align_in(dir.path(), &["fmt", "."]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&out));
    assert_eq!(
        std::fs::read(dir.path().join("broken.align")).unwrap(),
        broken.as_bytes()
    );
    // The other file is formatted.
    assert_eq!(read(dir.path(), "a.align"), formatted(MESSY));
}

#[test]
fn a_file_that_is_not_utf8_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = b"goal G1 \"\x93\xfa\" {}\n";
    std::fs::write(dir.path().join("sjis.align"), bytes).unwrap();
    let out = align_in(dir.path(), &["fmt", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(dir.path().join("sjis.align")).unwrap(), bytes);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sjis.align: not formatted: not UTF-8"),
        "{err}"
    );
}

#[test]
fn a_missing_path_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = align_in(dir.path(), &["fmt", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(transcript(&out));
}

#[cfg(unix)]
#[test]
fn an_unwritable_directory_leaves_the_file_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with(&[("a.align", MESSY)]);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write anyway: then there is nothing to test.
    let probe = dir.path().join("probe");
    if std::fs::write(&probe, "").is_ok() {
        std::fs::remove_file(probe).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let out = align_in(dir.path(), &["fmt", "."]);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert_eq!(read(dir.path(), "a.align"), MESSY);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a.align: cannot write"), "{err}");
}

#[test]
fn crlf_and_bom_files_keep_them_on_disk() {
    let text = "\u{feff}goal G1 \"g\" {\r\npolicy V1\r\n}\r\n";
    let dir = dir_with(&[("a.align", text)]);
    let out = align_in(dir.path(), &["fmt", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert_eq!(
        read(dir.path(), "a.align"),
        "\u{feff}goal G1 \"g\" {\r\n  policy V1\r\n}\r\n"
    );
}
