//! Analysis: KPI series and stage-gate rates as pure functions of the model.
//!
//! Rules (`series-*`, `stage-gate`) and `align stats` read these; this module knows nothing of
//! rules, findings or output. Which kinds and keys hold the data is a parameter everywhere:
//! the rule set says it, not the code.

pub mod series;
pub mod stage_gate;

/// `part / whole` as a percentage in tenths of a percent, rounded half away from zero, computed
/// exactly in integers: 21/48 = 43.75% → 438. `None` when `whole` is 0.
pub fn percent_tenths(part: u64, whole: u64) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    // round(1000·part / whole) for non-negative numbers: ⌊(2000·part + whole) / (2·whole)⌋.
    let part = u128::from(part);
    let whole = u128::from(whole);
    u64::try_from((2000 * part + whole) / (2 * whole)).ok()
}

/// A real number in tenths, rounded half away from zero: 6.25 → 63, -0.05 → -1.
/// `None` for a value that is not finite or does not fit.
pub fn tenths(x: f64) -> Option<i64> {
    let t = (x * 10.0).round();
    if t.is_finite() && t.abs() < 9.0e15 {
        // In range and integral: the cast is exact.
        Some(t as i64)
    } else {
        None
    }
}

/// Tenths as a decimal with one digit: 438 → `43.8`, -5 → `-0.5`.
pub fn format_tenths(t: i64) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let a = t.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

/// A number as written in a spec: integers without a decimal point, others as given.
pub fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1.0e15 {
        format!("{x:.0}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_study_figures_round_half_away_from_zero() {
        // 186 themes, 51 moved up; 2/17, 24/65, 21/48, 4/55 (see specs/projects.align).
        assert_eq!(percent_tenths(51, 186), Some(274));
        assert_eq!(percent_tenths(2, 17), Some(118));
        assert_eq!(percent_tenths(24, 65), Some(369));
        assert_eq!(percent_tenths(21, 48), Some(438)); // 43.75: a tie, rounded up
        assert_eq!(percent_tenths(4, 55), Some(73));
    }

    #[test]
    fn exact_ties_round_up_and_near_ties_do_not() {
        assert_eq!(percent_tenths(1, 16), Some(63)); // 6.25
        assert_eq!(percent_tenths(3, 16), Some(188)); // 18.75
        assert_eq!(percent_tenths(1, 80), Some(13)); // 1.25
        assert_eq!(percent_tenths(1, 400), Some(3)); // 0.25
        assert_eq!(percent_tenths(1, 8), Some(125)); // 12.5 exactly
        assert_eq!(percent_tenths(1, 3), Some(333)); // 33.33…
        assert_eq!(percent_tenths(2, 3), Some(667)); // 66.66…
        assert_eq!(percent_tenths(1, 2001), Some(0)); // 0.049975
        assert_eq!(percent_tenths(1, 1999), Some(1)); // 0.050025
    }

    #[test]
    fn edge_counts() {
        assert_eq!(percent_tenths(0, 0), None);
        assert_eq!(percent_tenths(0, 7), Some(0));
        assert_eq!(percent_tenths(7, 7), Some(1000));
        assert_eq!(percent_tenths(u64::MAX, u64::MAX), Some(1000));
    }

    #[test]
    fn tenths_of_reals_round_half_away_from_zero() {
        assert_eq!(tenths(6.25), Some(63));
        assert_eq!(tenths(-6.25), Some(-63));
        assert_eq!(tenths(-0.04), Some(0));
        assert_eq!(tenths(f64::NAN), None);
        assert_eq!(tenths(f64::INFINITY), None);
    }

    #[test]
    fn tenths_are_formatted_with_their_sign() {
        assert_eq!(format_tenths(274), "27.4");
        assert_eq!(format_tenths(3), "0.3");
        assert_eq!(format_tenths(-5), "-0.5");
        assert_eq!(format_tenths(0), "0.0");
        assert_eq!(format_tenths(-1000), "-100.0");
    }

    #[test]
    fn numbers_keep_their_written_form() {
        assert_eq!(format_number(148.0), "148");
        assert_eq!(format_number(27.4), "27.4");
        assert_eq!(format_number(-3.0), "-3");
    }
}
