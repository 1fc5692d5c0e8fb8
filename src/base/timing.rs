//! Stage timings for profiling: with `ALIGN_TIMINGS=1` in the environment, each timed stage of
//! a run (reading, parsing, the model, each rule, rendering; each stage of a language-server
//! check) prints its wall time to stderr as `align timing: STAGE: 12.3 ms (resident 80 MB, at
//! 95 ms)`, with the process's resident memory at the end of the stage where the system reports
//! it and the time since timings were first asked about (the start of the process, in effect),
//! which shows the gaps between stages. Off, a timed stage costs one load of a cached flag.
//! `docs/performance.md` reads its figures from these lines.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether `ALIGN_TIMINGS` is set to something other than empty or `0`.
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        since_start();
        std::env::var_os("ALIGN_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
    })
}

/// Milliseconds since this was first called (by [`enabled`], early in `main`).
fn since_start() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// Runs `f`, printing how long it took when timings are on.
pub fn time<T>(stage: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    report(stage, start);
    out
}

/// Prints the time since `start` for `stage` (when timings are on).
pub fn report(stage: &str, start: Instant) {
    if enabled() {
        let ms = start.elapsed().as_secs_f64() * 1e3;
        let at = since_start();
        match resident_mb() {
            Some(mb) => {
                eprintln!("align timing: {stage}: {ms:.1} ms (resident {mb} MB, at {at:.0} ms)");
            }
            None => eprintln!("align timing: {stage}: {ms:.1} ms (at {at:.0} ms)"),
        }
    }
}

/// The process's resident memory in MB, where the system says it (`/proc/self/statm` on
/// Linux, in pages of 4 KiB): where memory grows by stage.
fn resident_mb() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timed_stage_returns_its_value() {
        assert_eq!(time("stage", || 41 + 1), 42);
    }
}
