//! Issue 15, hardening round two, through the real binary: every file align reads (`align.toml`,
//! rule sets, baselines, specs swapped or growing) and every line it prints (no injected CI
//! workflow command, no raw control character). Each test is named after the part of the
//! issue it holds (`p1_` … `p6_`); the FIFO cases run with a deadline, so a regression fails
//! instead of hanging.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{transcript, ONE_GAP, TODAY};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that align refused the run (exit code 2) and said each of `says` on stderr; `what`
/// names the case in the failure message.
fn assert_refused(out: &Output, says: &[&str], what: &str) {
    assert_eq!(out.status.code(), Some(2), "{what}: {}", transcript(out));
    for said in says {
        assert!(
            stderr(out).contains(said),
            "{what}: expected `{said}` in:\n{}",
            transcript(out)
        );
    }
}

/// Runs align in `dir` with a deadline: a read that blocks fails the test instead of hanging.
/// Its output is drained while it runs (a full pipe would block it, too).
fn run(dir: &Path, args: &[&str]) -> Output {
    use std::io::Read;
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
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            r.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let out_reader = drain(Box::new(child.stdout.take().unwrap()));
    let err_reader = drain(Box::new(child.stderr.take().unwrap()));
    let secs = 60;
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = Output {
                status,
                stdout: out_reader.join().unwrap(),
                stderr: err_reader.join().unwrap(),
            };
            assert_ne!(out.status.code(), Some(101), "panic: {}", transcript(&out));
            return out;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("align {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A specs directory with one coverage gap, in a fresh temporary folder.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("specs/plan.align"), ONE_GAP);
    let root = dir.path().to_path_buf();
    (dir, root)
}

// --- 1. No byte-index slice of user text ---------------------------------------------------

#[test]
fn p1_non_ascii_severity_keys_are_findings_not_a_panic() {
    let (_dir, root) = project();
    // `aあ`: byte 3 falls inside `あ`; `A１０１` was typed with a Japanese input method.
    write(
        &root.join("specs/align.toml"),
        "[severity]\n\"aあ\" = \"off\"\n\"A１０１\" = \"off\"\n\"ALNあ\" = \"off\"\n",
    );
    let out = run(&root, &["check", "specs", "--today", TODAY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    for name in ["aあ", "A１０１", "ALNあ"] {
        assert!(
            err.contains(&format!("unknown code or slug `{name}`")),
            "{name}: {err}"
        );
    }
}

// --- 2. Overlapping or repeated paths ------------------------------------------------------

#[test]
fn p2_overlapping_and_repeated_paths_are_read_once_and_checked_normally() {
    let (_dir, root) = project();
    write(
        &root.join("specs/sub/more.align"),
        "item I3 \"more\" { goal G1 }\n",
    );
    let alone = run(&root, &["check", "specs", "--today", TODAY]);
    assert_eq!(alone.status.code(), Some(1), "{}", transcript(&alone));
    for args in [
        ["specs", "specs"],
        ["specs", "specs/sub"],
        ["specs/sub", "specs"],
        ["specs", "specs/plan.align"],
    ] {
        let mut full = vec!["check"];
        full.extend(args);
        full.extend(["--today", TODAY]);
        let out = run(&root, &full);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", transcript(&out));
        assert!(
            !stderr(&out).contains("no `.align` files found"),
            "{args:?}: {}",
            transcript(&out)
        );
        assert!(
            stdout(&out).contains("in 2 files"),
            "{args:?}: {}",
            transcript(&out)
        );
        if args[0] == "specs" {
            assert_eq!(stdout(&out), stdout(&alone), "{args:?}");
        }
    }
    let out = run(
        &root,
        &[
            "check",
            "specs",
            "specs/sub",
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(root.join("base.json").is_file());
}

// --- 3. No read blocks ---------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn p3_a_fifo_as_config_baseline_or_rule_set_file_is_refused_without_blocking() {
    let (_dir, root) = project();
    mkfifo(&root.join("fifo"));
    let refused = |out: &Output, what: &str| assert_refused(out, &["not a regular file"], what);
    refused(
        &run(&root, &["check", "specs", "--config", "fifo"]),
        "config",
    );
    refused(
        &run(&root, &["check", "specs", "--baseline", "fifo"]),
        "baseline",
    );
    // A rule set whose schema.toml, then rules.toml, is a FIFO: named by --rules, and by
    // `rules = "…"` in a committed align.toml.
    for name in ["schema.toml", "rules.toml"] {
        let set = root.join(format!("set-{name}"));
        std::fs::create_dir_all(&set).unwrap();
        for other in ["schema.toml", "rules.toml"] {
            if other != name {
                std::fs::copy(
                    common::root().join("rules/basic-plan").join(other),
                    set.join(other),
                )
                .unwrap();
            }
        }
        mkfifo(&set.join(name));
        let set_arg = format!("set-{name}");
        refused(
            &run(&root, &["check", "specs", "--rules", &set_arg]),
            &format!("--rules with {name}"),
        );
        refused(
            &run(&root, &["rules", "--rules", &set_arg]),
            &format!("align rules with {name}"),
        );
        let specs = root.join(format!("specs-{name}"));
        write(&specs.join("plan.align"), ONE_GAP);
        write(
            &specs.join("align.toml"),
            &format!("rules = \"../set-{name}\"\n"),
        );
        refused(
            &run(&root, &["check", &format!("specs-{name}")]),
            &format!("align.toml naming a set with {name}"),
        );
    }
    // align.toml itself a FIFO: an error, not blocked on and not silently ignored.
    let specs = root.join("specs-fifo-config");
    write(&specs.join("plan.align"), ONE_GAP);
    mkfifo(&specs.join("align.toml"));
    refused(
        &run(&root, &["check", "specs-fifo-config"]),
        "a FIFO named align.toml",
    );
}

/// A spec file is swapped for a FIFO, and back, as fast as the file system allows, while align
/// walks and reads: whichever it meets, align finishes (a FIFO met at the read is refused
/// because the handle opened without blocking is not a regular file).
#[cfg(unix)]
#[test]
fn p3_a_spec_swapped_for_a_fifo_between_walk_and_read_never_blocks() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (_dir, root) = project();
    let specs = root.join("specs");
    // Many files make the walk, and so the window between walk and read, longer.
    for i in 0..200 {
        write(
            &specs.join(format!("f{i:03}.align")),
            &format!("item X{i} \"x\" {{ goal G1 }}\n"),
        );
    }
    let target = specs.join("swap.align");
    let file = root.join("swap-file");
    let fifo = root.join("swap-fifo");
    write(&file, "item S1 \"s\" { goal G1 }\n");
    mkfifo(&fifo);
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, target, file, fifo) = (stop.clone(), target.clone(), file.clone(), fifo.clone());
        std::thread::spawn(move || {
            let mut swaps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                // file → target → file; fifo → target → fifo.
                for spare in [&file, &fifo] {
                    if std::fs::rename(spare, &target).is_ok() {
                        let _ = std::fs::rename(&target, spare);
                        swaps += 1;
                    }
                }
            }
            swaps
        })
    };
    let mut refused = 0;
    for _ in 0..30 {
        let out = run(&root, &["check", "specs", "--today", TODAY]);
        if stderr(&out).contains("swap.align: cannot read: not a regular file") {
            refused += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = swapper.join().unwrap();
    assert!(swaps > 0);
    // How often the race was met at the read varies; finishing every run is the guarantee.
    eprintln!("{swaps} swaps; a FIFO met at the read in {refused} of 30 runs");
}

// --- 4. Every read is bounded --------------------------------------------------------------

#[cfg(unix)]
#[test]
fn p4_devices_are_never_read() {
    let (_dir, root) = project();
    for args in [
        vec!["check", "specs", "--baseline", "/dev/zero"],
        vec!["check", "specs", "--config", "/dev/zero"],
        vec!["check", "/dev/zero"],
    ] {
        let out = run(&root, &args);
        assert_refused(
            &out,
            &["/dev/zero: cannot read", "not a regular file"],
            &format!("{args:?}"),
        );
    }
    // A committed `schema.toml -> /dev/zero` symlink in a rule set.
    let set = root.join("set");
    std::fs::create_dir_all(&set).unwrap();
    std::fs::copy(
        common::root().join("rules/basic-plan/rules.toml"),
        set.join("rules.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("/dev/zero", set.join("schema.toml")).unwrap();
    let out = run(&root, &["check", "specs", "--rules", "set"]);
    assert_refused(&out, &["schema.toml: cannot read: not a regular file"], "");
}

/// `/proc` files report a size of 0 and then deliver bytes: the limit holds on what is read.
#[cfg(target_os = "linux")]
#[test]
fn p4_a_file_that_reports_size_zero_is_still_bounded() {
    let (_dir, root) = project();
    let out = run(
        &root,
        &["check", "/proc/self/maps", "--max-file-size", "64"],
    );
    assert_refused(
        &out,
        &[
            "/proc/self/maps: cannot read: file grew past --max-file-size 64 while being read \
             (it reported 0 bytes); not read",
        ],
        "",
    );
    // Under the limit, its bytes are read (and are no baseline).
    let out = run(
        &root,
        &["check", "specs", "--baseline", "/proc/self/status"],
    );
    assert_refused(&out, &["/proc/self/status: not a valid align baseline"], "");
}

#[test]
fn p4_an_align_toml_over_its_limit_is_an_error_naming_the_limit() {
    let (_dir, root) = project();
    let big = format!(
        "# {}\n",
        "x".repeat(usize::try_from(align::source::MAX_CONFIG_SIZE).unwrap())
    );
    write(&root.join("specs/align.toml"), &big);
    let out = run(&root, &["check", "specs"]);
    assert_refused(
        &out,
        &[&format!(
            "align.toml: cannot read: file is {} bytes, larger than the limit of {} bytes for \
             align.toml; not read",
            big.len(),
            align::source::MAX_CONFIG_SIZE
        )],
        "",
    );
}

// --- 5. Nothing injected into CI logs ------------------------------------------------------

/// The payload: on a line of its own, GitHub Actions would run it as a workflow command.
const PAYLOAD: &str = "::error::PWNED";

/// No line of the output starts with the payload (GitHub trims leading spaces first), and no
/// raw ESC or lone carriage return reaches it.
fn assert_clean(out: &Output, what: &str) {
    for (stream, text) in [("stdout", stdout(out)), ("stderr", stderr(out))] {
        for line in text.lines() {
            assert!(
                !line.trim_start().starts_with(PAYLOAD),
                "{what}: {stream} has an injected line {line:?}\n{}",
                transcript(out)
            );
        }
        assert!(
            !text.contains('\x1b') && !text.replace("\r\n", "\n").contains('\r'),
            "{what}: {stream} has a raw control character\n{}",
            transcript(out)
        );
    }
}

#[test]
fn p5_titles_in_the_plan_path_note_and_the_stats_tables_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // Titles with a newline (a `\n` escape) and a payload, in a plan path and in a program
    // with themes (the stage-gate tables of `align stats`).
    let t = format!("x\\n{PAYLOAD}\\u{{d}}\\n{PAYLOAD} \\u{{1b}}[2J \\u{{61c}}");
    write(
        &root.join("specs/plan.align"),
        &format!(
            "plan P \"{t}\" {{}}\npolicy V1 \"{t}\" {{ plan P }}\ngoal G1 \"{t}\" {{ policy V1 }}\n\
             item I1 \"{t}\" {{ goal G1 }}\nprogram pr \"{t}\" {{ covers [I9] }}\n\
             project P1 \"{t}\" {{ program pr; stage-at-adoption 1; stage-now 2 }}\n"
        ),
    );
    for lang in ["en", "ja"] {
        for format in ["human", "github", "json", "sarif"] {
            let out = run(
                root,
                &[
                    "check", "specs", "--today", TODAY, "--lang", lang, "--format", format,
                ],
            );
            assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
            assert_clean(&out, &format!("check --lang {lang} --format {format}"));
        }
        let out = run(root, &["check", "specs", "--today", TODAY, "--lang", lang]);
        assert!(
            stdout(&out).contains("note: plan path:") || stdout(&out).contains("注: 計画上の位置"),
            "{}",
            transcript(&out)
        );
        for format in ["human", "md", "json"] {
            let out = run(
                root,
                &["stats", "specs", "--lang", lang, "--format", format],
            );
            assert_clean(&out, &format!("stats --lang {lang} --format {format}"));
        }
    }
    let out = run(root, &["stats", "specs"]);
    assert!(
        stdout(&out).contains("x\\u{a}::error::PWNED"),
        "{}",
        transcript(&out)
    );
}

#[cfg(unix)]
#[test]
fn p5_file_names_with_a_newline_are_escaped_in_snippets_notes_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let bad = format!("specs/x\n{PAYLOAD}\n.align");
    write(&root.join("specs/plan.align"), ONE_GAP);
    // A syntax error in it: its name is in the snippet header.
    write(&root.join(&bad), "goal G9 \"unclosed\n");
    // A FIFO with such a name: a `note:` on stderr.
    mkfifo(&root.join(format!("specs/p\n{PAYLOAD}\n.align")));
    for format in ["human", "github", "json", "sarif"] {
        let out = run(
            root,
            &["check", "specs", "--today", TODAY, "--format", format],
        );
        assert_eq!(out.status.code(), Some(1), "{}", transcript(&out));
        assert_clean(&out, &format!("--format {format}"));
        assert!(
            stderr(&out).contains("skipped: not a regular file"),
            "{}",
            transcript(&out)
        );
    }
    let out = run(root, &["check", "specs", "--today", TODAY]);
    assert!(
        stdout(&out).contains("x\\u{a}::error::PWNED\\u{a}.align"),
        "{}",
        transcript(&out)
    );
    // `error:` lines: a missing config, a missing baseline, a missing spec, with such names.
    let name = format!("c\n{PAYLOAD}\n");
    for args in [
        vec!["check", "specs", "--config", &name],
        vec!["check", "specs", "--baseline", &name],
        vec!["check", &name, "--format", "github"],
        vec!["stats", &name],
        vec!["check", "specs", "--rules", &name],
    ] {
        let out = run(root, &args);
        assert_refused(&out, &["c\\u{a}::error::PWNED\\u{a}"], &format!("{args:?}"));
        assert_clean(&out, &format!("{args:?}"));
    }
}

/// A copy of the custom rule set (a school plan) with `edit` applied to its files.
fn custom_set(root: &Path, edit: impl Fn(&str, String) -> String) -> PathBuf {
    let from = common::root().join("tests/fixtures/config/custom-rule-set");
    let set = root.join("set");
    for name in ["schema.toml", "rules.toml"] {
        let text = std::fs::read_to_string(from.join("rules").join(name)).unwrap();
        write(&set.join(name), &edit(name, text));
    }
    std::fs::copy(from.join("main.align"), root.join("main.align")).unwrap();
    set
}

#[test]
fn p5_schema_labels_and_rule_texts_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let payload = format!("\\n{PAYLOAD}\\u001b[2J\\r");
    custom_set(root, |name, text| {
        match name {
        "schema.toml" => text.replace(
            "[kinds.objective]\n",
            &format!(
                "[kinds.objective]\nlabel = {{ en = \"objective{payload}\", ja = \"目標{payload}\" }}\n"
            ),
        ),
        _ => text
            .replace(
                "message.en = \"task",
                &format!("message.en = \"{payload} task"),
            )
            .replace(
                "message.ja = \"タスク",
                &format!("message.ja = \"{payload} タスク"),
            )
            .replace("why.en = \"", &format!("why.en = \"{payload}"))
            .replace(
                "example = \"\"\"",
                &format!("example = \"\"\"{PAYLOAD}\n\\u001b[2J\n"),
            ),
    }
    });
    for lang in ["en", "ja"] {
        for format in ["human", "github"] {
            let out = run(
                root,
                &[
                    "check",
                    "main.align",
                    "--rules",
                    "set",
                    "--today",
                    TODAY,
                    "--lang",
                    lang,
                    "--format",
                    format,
                ],
            );
            assert!(
                out.status.code() == Some(1) || out.status.code() == Some(0),
                "{}",
                transcript(&out)
            );
            assert_clean(&out, &format!("check --lang {lang} --format {format}"));
            if format == "human" {
                assert!(
                    stdout(&out).contains("\\u{a}::error::PWNED"),
                    "{}",
                    transcript(&out)
                );
            }
        }
        for args in [
            vec!["rules", "--rules", "set", "--lang", lang],
            vec!["rules", "--rules", "set", "--format", "md"],
            vec!["explain", "ALN201", "--rules", "set", "--lang", lang],
        ] {
            let out = run(root, &args);
            assert_eq!(out.status.code(), Some(0), "{args:?}: {}", transcript(&out));
            assert_clean(&out, &format!("{args:?}"));
        }
    }
}

// --- 6. Baselines, links, counts, notes, caps ----------------------------------------------

/// Names in `dir` that look like the baseline writer's temporary files.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn p6_write_baseline_keeps_the_mode_of_an_existing_file() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, root) = project();
    let base = root.join("base.json");
    std::fs::write(&base, "old").unwrap();
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&root, &["check", "specs", "--write-baseline", "base.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(std::fs::read_to_string(&base)
        .unwrap()
        .contains("align-baseline"));
    let mode = std::fs::metadata(&base).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert!(temp_files(&root).is_empty());
}

#[cfg(unix)]
#[test]
fn p6_write_baseline_refuses_a_symlink_and_leaves_both_ends_alone() {
    let (_dir, root) = project();
    std::fs::write(root.join("real.json"), "keep").unwrap();
    std::os::unix::fs::symlink("real.json", root.join("base.json")).unwrap();
    let out = run(&root, &["check", "specs", "--write-baseline", "base.json"]);
    assert_refused(
        &out,
        &["base.json: cannot write the baseline: the path is a symlink (to `real.json`)"],
        "",
    );
    assert_eq!(
        std::fs::read_to_string(root.join("real.json")).unwrap(),
        "keep"
    );
    assert!(std::fs::symlink_metadata(root.join("base.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(temp_files(&root).is_empty());
}

#[test]
fn p6_write_baseline_names_too_long_are_a_clear_error_and_long_names_work() {
    let (_dir, root) = project();
    let long = format!("{}.json", "b".repeat(300));
    let out = run(&root, &["check", "specs", "--write-baseline", &long]);
    assert_refused(
        &out,
        &["the file name is 305 bytes long; file systems allow at most 255"],
        "",
    );
    // 250 bytes: the file system takes it; the temporary file's name is cut to fit.
    let fits = format!("{}.json", "日".repeat(82));
    assert_eq!(fits.len(), 251);
    let out = run(&root, &["check", "specs", "--write-baseline", &fits]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(root.join(&fits).is_file());
    assert!(temp_files(&root).is_empty());
}

#[test]
fn p6_syntax_error_fingerprints_do_not_depend_on_how_the_path_was_spelt() {
    let (_dir, root) = project();
    write(&root.join("specs/broken.align"), "goal G9 \"unclosed\n");
    let out = run(
        &root,
        &[
            "check",
            "./specs",
            "--today",
            TODAY,
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    for spelling in ["specs", "./specs", "specs/", "specs//", "./specs/./"] {
        let out = run(
            &root,
            &[
                "check",
                spelling,
                "--today",
                TODAY,
                "--baseline",
                "base.json",
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{spelling}: {}",
            transcript(&out)
        );
        assert!(
            !stderr(&out).contains("no longer occur"),
            "{spelling}: {}",
            transcript(&out)
        );
    }
}

#[test]
fn p6_baseline_counts_do_not_wrap() {
    let (_dir, root) = project();
    let out = run(
        &root,
        &[
            "check",
            "specs",
            "--today",
            TODAY,
            "--write-baseline",
            "base.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let text = std::fs::read_to_string(root.join("base.json")).unwrap();
    let mut base: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = base["entries"].as_array_mut().unwrap();
    let max = serde_json::Value::from(u64::MAX);
    // Every entry twice with the largest count: the sums saturate.
    let mut gone = entries[0].clone();
    gone["fingerprint"] = "0000000000000000".into();
    gone["count"] = max.clone();
    for e in entries.iter_mut() {
        e["count"] = max.clone();
    }
    let doubled = entries.clone();
    entries.extend(doubled);
    entries.push(gone.clone());
    entries.push(gone);
    std::fs::write(root.join("huge.json"), base.to_string()).unwrap();
    let out = run(
        &root,
        &[
            "check",
            "specs",
            "--today",
            TODAY,
            "--baseline",
            "huge.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    assert!(
        stderr(&out).contains(&format!("{} entries no longer occur", u64::MAX)),
        "{}",
        transcript(&out)
    );
}

#[cfg(unix)]
#[test]
fn p6_a_symlink_cycle_between_two_files_is_reported_as_a_cycle() {
    let (_dir, root) = project();
    let specs = root.join("specs");
    std::os::unix::fs::symlink("b.align", specs.join("a.align")).unwrap();
    std::os::unix::fs::symlink("a.align", specs.join("b.align")).unwrap();
    std::os::unix::fs::symlink("missing.align", specs.join("c.align")).unwrap();
    let out = run(&root, &["check", "specs", "--today", TODAY]);
    let err = stderr(&out);
    for name in ["a.align", "b.align"] {
        assert!(
            err.contains(&format!(
                "note: specs/{name}: skipped: symlink loop (the links lead back to each other); \
                 not followed"
            )),
            "{name}: {err}"
        );
    }
    assert!(
        err.contains("note: specs/c.align: skipped: broken symlink"),
        "{err}"
    );
}

#[test]
fn p6_a_file_skipped_for_its_size_is_named_under_not_declared_findings() {
    let (_dir, root) = project();
    // `big.align` declares I9 and is over the limit; plan.align refers to it.
    let big = format!("# {}\nitem I9 \"i\" {{ goal G1 }}\n", "x".repeat(1000));
    write(&root.join("specs/big.align"), &big);
    write(
        &root.join("specs/uses.align"),
        "program q \"q\" { covers [I9] }\n",
    );
    let out = run(
        &root,
        &["check", "specs", "--today", TODAY, "--max-file-size", "500"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    // The file may declare I9: the unresolved reference (and the ALN103 it would cause) is
    // held back, and counted in one line (issue 9).
    let text = stdout(&out);
    assert!(
        !text.contains("`I9` is not declared"),
        "{}",
        transcript(&out)
    );
    assert!(
        text.contains("findings held back because they depend on"),
        "{}",
        transcript(&out)
    );
}

#[test]
fn p6_config_errors_are_capped_like_findings() {
    let (_dir, root) = project();
    let toml: String = std::iter::once("[severity]\n".to_owned())
        .chain((0..260).map(|i| format!("no-such-rule-{i} = \"off\"\n")))
        .collect();
    write(&root.join("specs/align.toml"), &toml);
    let out = run(&root, &["check", "specs"]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("unknown code or slug").count(), 200, "{err}");
    assert!(
        err.contains("60 more ALN090 findings in this file are not shown"),
        "{err}"
    );
}

/// Offsets in a file are 32-bit: a limit past 4 GiB is refused before anything is read, by
/// every command that reads specs.
#[test]
fn p4_a_file_size_limit_past_four_gib_is_refused() {
    let (_dir, root) = project();
    for cmd in ["check", "stats", "report"] {
        let out = run(&root, &[cmd, "specs", "--max-file-size", "4294967296"]);
        assert_refused(
            &out,
            &[
                "invalid value '4294967296' for '--max-file-size <BYTES>': 4294967296 bytes \
                 is more than align reads from one spec file: give at most 4294967295 (4 GiB \
                 less one byte)",
            ],
            cmd,
        );
    }
    let out = run(&root, &["check", "specs", "--max-file-size", "64MiB"]);
    assert_refused(&out, &["`64MiB` is not a number of bytes"], "");
    // The largest limit is accepted.
    let out = run(&root, &["check", "specs", "--max-file-size", "4294967295"]);
    assert_ne!(out.status.code(), Some(2), "{}", transcript(&out));
}
