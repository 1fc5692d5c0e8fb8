//! `align stats`: snapshots of the bundled specs in every format and language, the series
//! figures, and a property test of the stage-gate rates against an independent computation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

mod common;

use common::{align, transcript};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write;

#[test]
fn bundled_specs_human() {
    insta::assert_snapshot!("specs_human_en", transcript(&align(&["stats", "specs"])));
    insta::assert_snapshot!(
        "specs_human_ja",
        transcript(&align(&["stats", "specs", "--lang", "ja"]))
    );
}

#[test]
fn bundled_specs_json() {
    let out = align(&["stats", "specs", "--format", "json"]);
    insta::assert_snapshot!("specs_json", transcript(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let overall = &v["stage_gates"]["overall"];
    assert_eq!(overall["themes"], 186);
    assert_eq!(overall["moved_up"], 51);
    assert_eq!(overall["rate"], 27.4);
    let rates: Vec<f64> = overall["by_stage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rate"].as_f64().unwrap())
        .collect();
    assert_eq!(rates, [11.8, 36.9, 43.8, 7.3]);
}

#[test]
fn bundled_specs_markdown() {
    insta::assert_snapshot!(
        "specs_md",
        transcript(&align(&["stats", "specs", "--format", "md"]))
    );
}

#[test]
fn series_figures() {
    let dir = "tests/stats_input/series";
    insta::assert_snapshot!("series_human", transcript(&align(&["stats", dir])));
    insta::assert_snapshot!(
        "series_json",
        transcript(&align(&["stats", dir, "--format", "json"]))
    );
    insta::assert_snapshot!(
        "series_md_ja",
        transcript(&align(&["stats", dir, "--format", "md", "--lang", "ja"]))
    );
}

#[test]
fn specs_with_errors_exit_1_with_the_figures() {
    let out = align(&["stats", "tests/stats_input/broken"]);
    insta::assert_snapshot!("broken", transcript(&out));
    assert_eq!(out.status.code(), Some(1));
}

/// One generated theme: program index, stage at adoption, stage now.
type Gen = (usize, Option<i64>, Option<i64>);

/// Tenths of a percent, rounded half away from zero, by quotient and remainder.
fn rate(moved: u64, themes: u64) -> Option<f64> {
    if themes == 0 {
        return None;
    }
    let q = moved * 1000 / themes;
    let r = moved * 1000 % themes;
    let t = if 2 * r >= themes { q + 1 } else { q };
    Some(f64::from(u32::try_from(t).unwrap()) / 10.0)
}

/// Independent expectation: (themes, moved up) overall, per stage and per program.
fn expected(themes: &[Gen]) -> (u64, u64, BTreeMap<i64, (u64, u64)>) {
    let mut total = (0, 0);
    let mut stages = BTreeMap::new();
    for &(_, at, now) in themes {
        let up = match (at, now) {
            (Some(a), Some(n)) => u64::from(n > a),
            _ => 0,
        };
        total.0 += 1;
        total.1 += up;
        if let Some(a) = at {
            let e = stages.entry(a).or_insert((0, 0));
            e.0 += 1;
            e.1 += up;
        }
    }
    (total.0, total.1, stages)
}

fn check_figures(json: &serde_json::Value, themes: &[Gen]) {
    let (n, up, stages) = expected(themes);
    assert_eq!(json["themes"], n);
    assert_eq!(json["moved_up"], up);
    assert_eq!(json["rate"].as_f64(), rate(up, n));
    let rows = json["by_stage"].as_array().unwrap();
    assert_eq!(rows.len(), stages.len());
    for (row, (stage, (t, m))) in rows.iter().zip(&stages) {
        assert_eq!(row["stage"], *stage);
        assert_eq!(row["themes"], *t);
        assert_eq!(row["moved_up"], *m);
        assert_eq!(row["rate"].as_f64(), rate(*m, *t));
    }
    let unrecorded = themes.iter().filter(|t| t.1.is_none()).count();
    assert_eq!(json["unrecorded"]["themes"], unrecorded);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn rates_match_an_independent_computation(
        themes in prop::collection::vec(
            (0..3usize, prop::option::weighted(0.9, 1..=4i64), prop::option::weighted(0.9, 1..=5i64)),
            0..80,
        )
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = String::new();
        for p in 0..3 {
            writeln!(spec, "program p{p} \"事業{p}\" {{ }}").unwrap();
        }
        for (i, (p, at, now)) in themes.iter().enumerate() {
            write!(spec, "project T{i} {{ program p{p}").unwrap();
            if let Some(a) = at {
                write!(spec, "; stage-at-adoption {a}").unwrap();
            }
            if let Some(n) = now {
                write!(spec, "; stage-now {n}").unwrap();
            }
            spec.push_str(" }\n");
        }
        std::fs::write(dir.path().join("projects.align"), spec).unwrap();
        let path = dir.path().to_string_lossy().into_owned();
        let out = align(&["stats", &path, "--format", "json"]);
        prop_assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let gates = &v["stage_gates"];
        check_figures(&gates["overall"], &themes);
        let programs = gates["programs"].as_array().unwrap();
        let with_themes: Vec<usize> = (0..3).filter(|p| themes.iter().any(|t| t.0 == *p)).collect();
        prop_assert_eq!(programs.len(), with_themes.len());
        for (json, p) in programs.iter().zip(with_themes) {
            let id = format!("p{p}");
            prop_assert_eq!(json["id"].as_str(), Some(id.as_str()));
            let mine: Vec<Gen> = themes.iter().copied().filter(|t| t.0 == p).collect();
            check_figures(json, &mine);
        }
    }
}
