//! The catalogue of docs/reliability.md through the real binary: file-system cases built in a
//! temporary folder at test time (D1–D6, A13), the command line (G1–G4), determinism under
//! thread count and locale, and deep input through the whole check (C1, E3) on small stacks.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, align_in, transcript, TODAY};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PLAN: &str = "plan P \"p\" {}\npolicy V1 \"v\" { plan P }\ngoal G1 \"g\" { policy V1 }\n";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs align with a deadline: a FIFO or a walk that never ends fails the test, not hangs it.
fn align_with_deadline(dir: &Path, args: &[&str], secs: u64) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("align {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// --- D1 ------------------------------------------------------------------------------------

#[test]
fn d1_empty_directory_and_no_specs_exit_two_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    write(&dir.path().join("txt/notes.txt"), "x");
    for root in ["empty", "txt", "missing"] {
        let out = align_in(dir.path(), &["check", root, "--today", TODAY]);
        assert_eq!(out.status.code(), Some(2), "{root}: {}", transcript(&out));
        assert!(out.stdout.is_empty(), "{root}: stdout must be empty");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{root}: {err}");
        assert!(
            err.contains(root),
            "{root}: the message names the path: {err}"
        );
    }
}

// --- D2 ------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn d2_unreadable_file_is_an_io_error_and_the_rest_is_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("specs/a.align"), PLAN);
    let secret = dir.path().join("specs/b.align");
    write(&secret, "item I1 \"i\" { goal G1 }\n");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reads (see the ELOOP test below).
        eprintln!("skipped: running as root, chmod 000 does not make a file unreadable");
        return;
    }
    let out = align_in(dir.path(), &["check", "specs", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(stderr(&out).contains("specs/b.align: cannot read: Permission denied"));
    assert!(stdout(&out).contains("in 1 file"), "{}", transcript(&out));
}

/// The I/O error path even as root: a path that cannot be read (a symlink to itself, ELOOP),
/// given next to a good file. The good file is still checked and reported; the exit code is 2.
#[cfg(unix)]
#[test]
fn d2_a_path_that_cannot_be_read_names_the_os_reason_and_others_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("good.align"),
        &format!("{PLAN}item I1 \"i\" {{ goal G9 }}\n"),
    );
    std::os::unix::fs::symlink("self.align", dir.path().join("self.align")).unwrap();
    let out = align_in(
        dir.path(),
        &["check", "good.align", "self.align", "--today", TODAY],
    );
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let err = stderr(&out);
    assert!(
        err.contains("self.align: cannot read: Too many levels of symbolic links"),
        "{err}"
    );
    // What the unread path declares is unknown: the unresolved `G9` is held back (issue 9).
    let out_text = stdout(&out);
    assert!(!out_text.contains("`G9` is not declared"), "{out_text}");
    assert!(out_text.contains("held back"), "{out_text}");
    assert!(out_text.contains("in 1 file"), "{out_text}");
}

// --- D3 ------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn d3_symlink_loops_and_links_out_of_the_root() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    write(&specs.join("a.align"), PLAN);
    write(&specs.join("sub/b.align"), "item I1 \"i\" { goal G1 }\n");
    symlink("..", specs.join("sub/loop")).unwrap(); // back to specs: a loop
    symlink("../..", specs.join("sub/up")).unwrap(); // out of the root
    symlink("/", specs.join("root")).unwrap(); // the whole file system
    write(&dir.path().join("outside/x.align"), "gaol broken\n");
    symlink("../outside", specs.join("out")).unwrap();
    let out = align_with_deadline(dir.path(), &["check", "specs", "--today", TODAY], 60);
    let err = stderr(&out);
    assert_eq!(
        err.matches("symlink loop").count(),
        1,
        "the loop is reported once: {err}"
    );
    assert!(
        err.contains("note: specs/sub/loop: skipped: symlink loop: leads back to `specs`"),
        "{err}"
    );
    for link in ["specs/root", "specs/out", "specs/sub/up"] {
        assert!(
            err.contains(&format!(
                "note: {link}: skipped: symlink leads out of the root; not followed"
            )),
            "{link}: {err}"
        );
    }
    let text = stdout(&out);
    assert!(text.contains("in 2 files"), "{text}");
    assert!(
        !text.contains("gaol"),
        "a file outside the root was read: {text}"
    );
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
}

// --- D4 ------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn d4_the_same_file_reached_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("specs/a.align"), PLAN);
    std::os::unix::fs::symlink("a.align", dir.path().join("specs/b.align")).unwrap();
    let out = align_in(
        dir.path(),
        &[
            "check",
            "specs",
            "specs/a.align",
            "./specs/a.align",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let text = stdout(&out);
    assert!(text.contains("in 1 file"), "{text}");
    assert!(!text.contains("ALN061"), "{text}");
}

// --- D5 ------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn d5_fifo_socket_and_directory_named_align_are_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    write(&specs.join("a.align"), PLAN);
    let status = Command::new("mkfifo")
        .arg(specs.join("pipe.align"))
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo");
    let _socket = std::os::unix::net::UnixListener::bind(specs.join("sock.align")).unwrap();
    write(
        &specs.join("dir.align/inner.align"),
        "item I1 \"i\" { goal G1 }\n",
    );
    let out = align_with_deadline(dir.path(), &["check", "specs", "--today", TODAY], 60);
    let err = stderr(&out);
    for name in ["pipe.align", "sock.align"] {
        assert!(
            err.contains(&format!("note: specs/{name}: skipped: not a regular file")),
            "{name}: {err}"
        );
    }
    // A directory named `*.align` is a directory: walked, its specs read.
    assert!(stdout(&out).contains("in 2 files"), "{}", transcript(&out));
    // A FIFO named on the command line is never opened (it would block): an error, exit 2,
    // and the other file is still checked.
    let out = align_with_deadline(
        dir.path(),
        &[
            "check",
            "specs/pipe.align",
            "specs/a.align",
            "--today",
            TODAY,
        ],
        60,
    );
    assert!(
        stderr(&out).contains("error: specs/pipe.align: cannot read: not a regular file"),
        "{}",
        transcript(&out)
    );
    assert!(stdout(&out).contains("in 1 file"), "{}", transcript(&out));
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    // Alone, it is a usage error with nothing on stdout.
    let out = align_with_deadline(dir.path(), &["check", "specs/pipe.align"], 60);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    assert!(out.stdout.is_empty(), "{}", transcript(&out));
}

// --- D6 ------------------------------------------------------------------------------------

#[test]
fn d6_only_align_files_and_no_hidden_directories() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    write(&specs.join("a.align"), PLAN);
    for leftover in [
        ".#a.align",
        "a.align~",
        "a.align.bak",
        ".git/x.align",
        ".cache/y.align",
    ] {
        write(&specs.join(leftover), "gaol broken\n");
    }
    let out = align_in(dir.path(), &["check", "specs", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(stdout(&out).contains("in 1 file"));
}

// --- A13 -----------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a13_non_utf8_file_and_directory_names_are_shown_lossily_and_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let sub = dir
        .path()
        .join("specs")
        .join(std::ffi::OsStr::from_bytes(b"d\xff"));
    let file = sub.join(std::ffi::OsStr::from_bytes(b"\x82\xa0.align"));
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(&file, format!("{PLAN}item I1 \"i\" {{ goal G9 }}\n")).unwrap();
    let out = align_in(dir.path(), &["check", "specs", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
    let text = stdout(&out);
    assert!(
        text.contains("specs/d\u{fffd}/\u{fffd}\u{fffd}.align"),
        "{text}"
    );
    assert!(text.contains("`G9` is not declared"), "{text}");
}

/// H3 for paths: a file name with an escape sequence is shown escaped.
#[cfg(unix)]
#[test]
fn h3_control_characters_in_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(
        &dir.path().join("specs/a\x1b[2Jb.align"),
        &format!("{PLAN}item I1 \"i\" {{ goal G9 }}\n"),
    );
    let out = align_in(dir.path(), &["check", "specs", "--today", TODAY]);
    assert!(!out.stdout.contains(&0x1b), "{}", transcript(&out));
    assert!(stdout(&out).contains("specs/a\\u{1b}[2Jb.align"));
}

// --- G1 ------------------------------------------------------------------------------------

#[test]
fn g1_explain_edge_cases() {
    for (arg, code, expect) in [
        ("ALN9999", 2, "no such code"),
        ("", 2, "no such code"),
        ("aln101", 0, "ALN101"),
        ("Item-Without-Program", 0, "ALN101"),
        (
            "item-without-progrm",
            2,
            "did you mean `item-without-program`",
        ),
        ("\u{1b}[2J", 2, "no such code"),
        ("ALN", 2, "no such code"),
    ] {
        let out = align(&["explain", arg]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{arg:?}: {}",
            transcript(&out)
        );
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(all.contains(expect), "{arg:?}: {all}");
        assert!(!all.contains("panicked"), "{arg:?}: {all}");
        assert!(!out.stderr.contains(&0x1b), "{arg:?}: raw escape echoed");
    }
}

// --- G2 ------------------------------------------------------------------------------------

/// `align check specs | head -1`: the reader goes away after one line; align ends quietly.
#[test]
fn g2_closed_stdout_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(PLAN);
    for i in 0..400 {
        let _ = writeln!(text, "item I{i} \"事項{i}\" {{ goal G9 }}");
    }
    write(&dir.path().join("specs/a.align"), &text);
    let mut child = Command::new(env!("CARGO_BIN_EXE_align"))
        .args(["check", "specs", "--today", TODAY])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe's read end is closed here: every later write gets EPIPE.
    let out = child.wait_with_output().unwrap();
    assert_eq!(first.trim(), "ALN060 unresolved-reference");
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "nothing on stderr: {err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

// --- G3 and P5 through the binary ------------------------------------------------------------

#[test]
fn g3_p5_output_is_identical_whatever_colour_locale_width_and_threads() {
    let run = |envs: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_align"));
        cmd.args(["check", "specs", "--today", TODAY])
            .args(extra)
            .current_dir(common::root())
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("NO_COLOR")
            .env_remove("COLUMNS")
            .env_remove("RAYON_NUM_THREADS");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let reference = run(&[("NO_COLOR", "1")], &[]);
    assert!(!reference.stdout.is_empty());
    assert!(!reference.stdout.contains(&0x1b), "colour with NO_COLOR");
    let variants: Vec<(&str, std::process::Output)> = vec![
        ("--color never (not a TTY)", run(&[], &["--color", "never"])),
        ("--color auto on a pipe", run(&[], &[])),
        (
            "LANG=garbage",
            run(&[("NO_COLOR", "1"), ("LANG", "garbage!!")], &[]),
        ),
        ("LANG=C", run(&[("NO_COLOR", "1"), ("LANG", "C")], &[])),
        (
            "LC_ALL empty",
            run(&[("NO_COLOR", "1"), ("LC_ALL", "")], &[]),
        ),
        (
            "COLUMNS=20",
            run(&[("NO_COLOR", "1"), ("COLUMNS", "20")], &[]),
        ),
        (
            "1 thread",
            run(&[("NO_COLOR", "1"), ("RAYON_NUM_THREADS", "1")], &[]),
        ),
        (
            "4 threads",
            run(&[("NO_COLOR", "1"), ("RAYON_NUM_THREADS", "4")], &[]),
        ),
    ];
    for (what, out) in variants {
        assert_eq!(out.status.code(), reference.status.code(), "{what}");
        assert!(
            out.stdout == reference.stdout,
            "{what}: output differs from the reference"
        );
    }
    // A Japanese locale switches the language (documented), deterministically too.
    let ja1 = run(&[("NO_COLOR", "1"), ("LANG", "ja_JP.UTF-8")], &[]);
    let ja2 = run(
        &[
            ("NO_COLOR", "1"),
            ("LANG", "ja_JP.UTF-8"),
            ("RAYON_NUM_THREADS", "1"),
        ],
        &[],
    );
    assert_eq!(ja1.stdout, ja2.stdout);
    assert!(stdout(&ja1).contains("計画上の位置"));
}

// --- G4 ------------------------------------------------------------------------------------

#[test]
fn g4_rules_dir_missing_or_empty_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    write(&dir.path().join("specs/a.align"), PLAN);
    for rules in ["missing", "empty"] {
        let out = align_in(
            dir.path(),
            &["check", "specs", "--rules", rules, "--today", TODAY],
        );
        assert_eq!(out.status.code(), Some(2), "{rules}: {}", transcript(&out));
        assert!(out.stdout.is_empty(), "{rules}: no findings printed");
        assert!(
            stderr(&out).contains(rules),
            "{rules}: {}",
            transcript(&out)
        );
    }
}

// --- C1 / E3: deep input through the whole check, on small stacks ---------------------------

const DEEP: usize = 100_000;

fn check_text(text: &str) -> align::engine::Checked {
    use align::engine::check_loaded;
    use align::rules::RuleSet;
    use align::source::SourceSet;
    let mut sources = SourceSet::new();
    sources.add_spec("deep.align", text);
    let rules = RuleSet::embedded(&mut sources).unwrap();
    let today = align::syntax::ast::Date {
        year: 2026,
        month: 11,
        day: 24,
    };
    check_loaded(sources.into(), rules, today)
}

/// `n` items in one `parent` chain under G1, covered and measured at the top only.
fn chain(n: usize) -> String {
    let mut text = String::from(PLAN);
    text.push_str(
        "program p \"p\" { covers [I0] }\nkpi K \"k\" { measures [G1]; method direct }\n",
    );
    text.push_str("item I0 \"i\" { goal G1 }\n");
    for i in 1..n {
        let _ = writeln!(text, "item I{i} \"i\" {{ parent I{} }}", i - 1);
    }
    text
}

/// `n` items in one `parent` cycle, with nothing above them.
fn cycle(n: usize) -> String {
    let mut text = String::from(PLAN);
    for i in 0..n {
        let _ = writeln!(text, "item I{i} \"i\" {{ parent I{} }}", (i + 1) % n);
    }
    text
}

/// 100,000 nested brackets through the whole check (the parser's own tests do it too).
fn brackets(n: usize) -> String {
    format!(
        "{PLAN}kpi K \"k\" {{ measures [G1]; method direct; unit {}{} }}\n",
        "[".repeat(n),
        "]".repeat(n)
    )
}

fn deep_chain() {
    let run = check_text(&chain(DEEP));
    assert!(
        run.findings
            .iter()
            .all(|f| f.code != "ALN107" && f.code != "ALN101"),
        "{:?}",
        &run.findings[..run.findings.len().min(3)]
    );
    render_all(&run);
}

fn deep_cycle() {
    let run = check_text(&cycle(DEEP));
    let cycles: Vec<_> = run.findings.iter().filter(|f| f.code == "ALN063").collect();
    assert_eq!(cycles.len(), 1, "one finding for the one cycle");
    assert!(
        cycles[0].message.en().contains(&format!("({DEEP} nodes)")),
        "{}",
        cycles[0].message.en()
    );
    // Every item of the cycle belongs to no goal because of the cycle: those ALN107 are held
    // back as its consequences (issue 9), counted in the summary, not reported.
    assert_eq!(
        run.findings.iter().filter(|f| f.code == "ALN107").count(),
        0
    );
    assert_eq!(run.summary.counts.errors, 1);
    assert!(run.summary.held_back >= DEEP, "{}", run.summary.held_back);
    render_all(&run);
}

fn deep_brackets() {
    let run = check_text(&brackets(DEEP));
    assert_eq!(
        run.findings
            .iter()
            .filter(|f| f.severity == align::diag::Severity::Error)
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>(),
        ["ALN016"]
    );
    render_all(&run);
}

fn render_all(run: &align::engine::Checked) {
    let mut out = Vec::new();
    // As `align check` renders: capped per file and code.
    align::report::human::render(
        &align::report::Input::from(run),
        align::report::human::HumanOptions::default(),
        &mut out,
    )
    .unwrap();
}

fn on_small_stack(f: fn()) {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn e3_parent_chain_100k_on_the_test_thread() {
    deep_chain();
}

#[test]
fn e3_parent_chain_100k_on_a_512_kib_stack() {
    on_small_stack(deep_chain);
}

#[test]
fn e3_parent_cycle_100k_on_the_test_thread() {
    deep_cycle();
}

#[test]
fn e3_parent_cycle_100k_on_a_512_kib_stack() {
    on_small_stack(deep_cycle);
}

#[test]
fn c1_brackets_100k_through_the_whole_check_on_the_test_thread() {
    deep_brackets();
}

#[test]
fn c1_brackets_100k_through_the_whole_check_on_a_512_kib_stack() {
    on_small_stack(deep_brackets);
}

/// Not a wall-clock assertion (timings vary with the machine): prints the time of the whole
/// check at n and 4n for the long chain and cycle, for docs/reliability.md. Run with
/// `cargo test --release --test reliability linear -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn linear_time_measurement() {
    for (what, make) in [
        ("chain", chain as fn(usize) -> String),
        ("cycle", cycle),
        ("brackets", brackets),
    ] {
        let mut times = Vec::new();
        for n in [25_000, 50_000, 100_000] {
            let text = make(n);
            let t = Instant::now();
            let run = check_text(&text);
            times.push((n, t.elapsed()));
            drop(run);
        }
        for (n, d) in &times {
            println!("{what:9} n={n:7}: {:8.1} ms", d.as_secs_f64() * 1e3);
        }
    }
}

/// C3: rendering k findings spread over one file of 10·k lines costs about O(n + k) (the
/// windowed source never rescans the file). Not a wall-clock assertion; prints the times.
#[test]
#[ignore = "a measurement, not a check"]
fn render_time_measurement() {
    use align::diag::{code, Finding, Span, Text};
    use align::source::{FileId, SourceSet};
    for k in [2_000, 4_000, 8_000] {
        let mut text = String::new();
        for i in 0..10 * k {
            let _ = writeln!(text, "item I{i} \"事項 {i}\" {{ goal G1 }}");
        }
        let mut sources = SourceSet::new();
        sources.add_spec("big.align", &text);
        let starts: Vec<usize> = text.match_indices("goal").map(|(i, _)| i).collect();
        let findings: Vec<Finding> = (0..k)
            .map(|j| {
                let at = starts[j * 10];
                Finding::builtin(
                    &code::UNRESOLVED_REFERENCE,
                    Span::new(FileId(0), at, at + 4),
                    Text::same("m"),
                )
            })
            .collect();
        let mut out = Vec::new();
        let t = Instant::now();
        align::report::human::render_findings(
            &findings,
            &sources,
            align::diag::Lang::En,
            align::report::human::HumanOptions::default(),
            &mut out,
        )
        .unwrap();
        println!(
            "render k={k:5} findings, n={:6} lines: {:8.1} ms",
            10 * k,
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}
