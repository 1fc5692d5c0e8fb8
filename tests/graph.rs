//! `align graph`: snapshots of the DOT and Mermaid diagrams of the bundled specs, `--focus`
//! and `--depth`, an unknown focus, escaping, and Graphviz accepting the DOT output.
//!
//! Without Graphviz's `dot` the rendering test fails when `CI` is set (`.ci/run` installs it)
//! and otherwise prints a note and passes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, transcript, TODAY};
use std::io::Write;
use std::process::{Command, Stdio};

fn graph(args: &[&str]) -> std::process::Output {
    let mut all = vec!["graph", "--today", TODAY];
    all.extend_from_slice(args);
    align(&all)
}

#[test]
fn diagrams_of_the_bundled_specs() {
    insta::assert_snapshot!(
        "specs_dot",
        transcript(&graph(&["specs", "--format", "dot", "--lang", "ja"]))
    );
    insta::assert_snapshot!(
        "specs_mermaid",
        transcript(&graph(&["specs", "--format", "mermaid", "--lang", "en"]))
    );
}

#[test]
fn focus_keeps_the_neighbourhood() {
    let out = graph(&["specs", "--format", "mermaid", "--focus", "I1.3.2.a"]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("focus_depth_1", transcript(&out));
    let one = String::from_utf8(out.stdout).unwrap();
    assert!(one.contains("I1.3.2.a") && one.contains("I1.3.2<br/>"));
    assert!(!one.contains("G1.3<br/>"), "two edges away");
    let two = graph(&["specs", "--focus", "I1.3.2.a", "--depth", "2"]);
    let two = String::from_utf8(two.stdout).unwrap();
    // I1.3.2.a → I1.3.2 → G1.3, and amed.hub covers I1.3.2.
    assert!(two.contains("\"G1.3\" [") && two.contains("\"amed.hub\" ["));
    assert!(!two.contains("\"V1\" ["), "three edges away");
}

#[test]
fn an_unknown_focus_is_a_usage_error_with_a_suggestion() {
    let out = graph(&["specs", "--focus", "I1.3.2.b"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    insta::assert_snapshot!("unknown_focus", transcript(&out));
}

#[test]
fn spec_text_cannot_break_out_of_a_diagram() {
    let dir = "tests/fixtures/report/injection";
    let dot = String::from_utf8(graph(&[dir, "--format", "dot"]).stdout).unwrap();
    // Every line is a statement of ours: a quote in a title is escaped.
    assert!(dot.contains(r#"\"><img src=x onerror=\""#));
    let mermaid = String::from_utf8(graph(&[dir, "--format", "mermaid"]).stdout).unwrap();
    for bad in ["<script", "<img", "<svg", "\"><", "](javascript"] {
        assert!(!mermaid.contains(bad), "`{bad}` in the Mermaid diagram");
    }
    render_with_graphviz(&dot);
}

#[test]
fn graphviz_renders_the_dot_output() {
    let out = graph(&["specs", "--format", "dot"]);
    render_with_graphviz(&String::from_utf8(out.stdout).unwrap());
}

/// Runs `dot -Tsvg` on the text and asserts it succeeds with an SVG and no warning.
fn render_with_graphviz(text: &str) {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "Graphviz `dot` is missing ({e}); CI must install it (apt-get install graphviz)"
            );
            eprintln!("note: Graphviz `dot` is missing; the rendering test did not run");
            return;
        }
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "dot failed: {stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    assert!(!stderr.contains("Error"), "{stderr}");
}
