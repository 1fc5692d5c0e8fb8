//! A unified diff of a file's text before and after formatting, for `align fmt --diff`.

use similar::TextDiff;

/// The unified diff (three lines of context) from `before` to `after`, headed by `name`.
pub fn unified(name: &str, before: &str, after: &str) -> String {
    let diff = TextDiff::from_lines(before, after);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(name, &format!("{name} (formatted)"))
        .to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_the_changed_lines() {
        let d = unified(
            "a.align",
            "goal G1 {policy V1}\n",
            "goal G1 { policy V1 }\n",
        );
        assert_eq!(
            d,
            "--- a.align\n+++ a.align (formatted)\n@@ -1 +1 @@\n-goal G1 {policy V1}\n+goal G1 { policy V1 }\n"
        );
    }

    #[test]
    fn no_change_no_diff() {
        assert_eq!(unified("a.align", "x\n", "x\n"), "");
    }
}
