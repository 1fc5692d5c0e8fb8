//! Helpers shared by the integration tests: run the real binary, fixed and colour-free.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date waivers are judged against in every test, so snapshots do not age.
pub(crate) const TODAY: &str = "2026-11-24";

/// A plan with one coverage gap (I2: ALN101, error) and one KPI without a KGI (ALN106, info,
/// reported only when switched on: the rule is off by default).
pub(crate) const ONE_GAP: &str = r#"plan P "p" {}
policy V1 "v" { plan P }
goal G1 "g" { policy V1 }
item I1 "covered" { goal G1 }
item I2 "gap" { goal G1 }
program pr "x" { covers [I1] }
kpi K1 "k" { measures [G1]; method direct; measured-in [pr] }
"#;

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `align ARGS` run from the crate root with a fixed environment.
pub(crate) fn align(args: &[&str]) -> Output {
    align_in(&root(), args)
}

pub(crate) fn align_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1")
        .output()
        .expect("the align binary runs")
}

/// Exit code, stdout and stderr as one text for a snapshot.
pub(crate) fn transcript(out: &Output) -> String {
    let mut s = format!("exit: {}\n", out.status.code().unwrap_or(-1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !stdout.is_empty() {
        s.push_str("--- stdout\n");
        s.push_str(&stdout);
    }
    if !stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&stderr);
    }
    s
}
