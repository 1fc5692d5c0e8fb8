//! Stage timings for profiling: with `ALIGN_TIMINGS=1` in the environment, each timed stage of
//! a run (reading, parsing, the model, each rule, rendering; each stage of a language-server
//! check) prints its wall time to stderr as `align timing: STAGE: 12.3 ms`. Off, a timed stage
//! costs one load of a cached flag. `docs/performance.md` reads its figures from these lines.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether `ALIGN_TIMINGS` is set to something other than empty or `0`.
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ALIGN_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0"))
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
        eprintln!(
            "align timing: {stage}: {:.1} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timed_stage_returns_its_value() {
        assert_eq!(time("stage", || 41 + 1), 42);
    }
}
