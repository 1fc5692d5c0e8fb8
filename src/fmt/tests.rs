//! Layout examples: input → canonical output.

use super::*;

fn fmt(text: &str) -> String {
    match format(FileId(0), text) {
        Ok(Outcome::Unchanged) => text.to_owned(),
        Ok(Outcome::Changed { text, .. }) => text,
        Err(e) => panic!("{e:?}\n{text}"),
    }
}

macro_rules! layouts {
    ($($name:ident: $input:expr => $output:expr;)*) => {$(
        #[test]
        fn $name() {
            let out = fmt($input);
            assert_eq!(out, $output, "\n--- got\n{out}--- want\n{}", $output);
            assert_eq!(fmt(&out), out, "not idempotent");
        }
    )*};
}

layouts! {
    empty: "" => "";
    spacing: "goal   G1\t\"t\"{policy   V1}" => "goal G1 \"t\" { policy V1 }\n";
    indentation: "goal G1 \"t\" {\npolicy V1\n      en \"x\"\n    }" => "goal G1 \"t\" {\n  policy V1\n  en \"x\"\n}\n";
    one_liner_kept: "project T1 { program p;stage-now 1 ; }\n" => "project T1 { program p; stage-now 1 }\n";
    empty_blocks: "goal G1 {  }\ngoal G2 {\n}\n" => "goal G1 {}\n\ngoal G2 {\n}\n";
    rows_kept: "field F1 \"t\" {\n  plan second;category priority\n}\n" => "field F1 \"t\" {\n  plan second; category priority\n}\n";
    trailing_semicolons_dropped: "goal G1 \"t\" {\n  policy V1;\n  en \"x\";;\n}\n" => "goal G1 \"t\" {\n  policy V1\n  en \"x\"\n}\n";
    blank_lines_collapse: "\n\n# head\n\n\n\ngoal G1 {\n\n\n  policy V1\n\n\n  en \"x\"\n\n}\n\n\n" => "# head\n\ngoal G1 {\n  policy V1\n\n  en \"x\"\n}\n";
    blank_line_between_multiline_decls: "goal G1 {\n  policy V1\n}\n# about G2\ngoal G2 {\n  policy V1\n}\n" => "goal G1 {\n  policy V1\n}\n\n# about G2\ngoal G2 {\n  policy V1\n}\n";
    one_liners_may_group: "project T1 { program p }\n# next\nproject T2 { program p }\nproject T3\n" => "project T1 { program p }\n# next\nproject T2 { program p }\nproject T3\n";
    decls_on_one_line_split: "goal A {} goal B {}" => "goal A {}\ngoal B {}\n";
    trailing_comments: "goal G1 \"t\" { # about\n  policy V1 # why\n  en \"x\"\t# en\n} # end\n" => "goal G1 \"t\" {   # about\n  policy V1   # why\n  en \"x\"   # en\n}   # end\n";
    comments_indented: "goal G1 {\n# a\n      # b\npolicy V1\n        # c\n}\n" => "goal G1 {\n  # a\n  # b\n  policy V1\n  # c\n}\n";
    lists: "item I1 \"t\" {\n  topics [ a ,b,c, ]\n  fields []\n}\n" => "item I1 \"t\" {\n  topics [a, b, c]\n  fields []\n}\n";
    list_joined: "item I1 \"t\" {\n  topics [\n    a,\n    b\n  ]\n}\n" => "item I1 \"t\" {\n  topics [a, b]\n}\n";
    long_list_fills: "program p \"t\" {\n  scope [alpha-one, alpha-two, alpha-three, alpha-four, alpha-five, alpha-six, alpha-seven, alpha-eight, alpha-nine, alpha-ten, alpha-eleven, alpha-twelve]\n}\n"
        => "program p \"t\" {\n  scope [\n    alpha-one, alpha-two, alpha-three, alpha-four, alpha-five, alpha-six, alpha-seven, alpha-eight, alpha-nine,\n    alpha-ten, alpha-eleven, alpha-twelve,\n  ]\n}\n";
    commented_list_vertical: "item I1 \"t\" {\n  topics [a, # first\n   b,\n   # before c\n   c]\n}\n"
        => "item I1 \"t\" {\n  topics [\n    a,   # first\n    b,\n    # before c\n    c,\n  ]\n}\n";
    nested_block: "kpi K1 \"t\" {\n  series {\nFY2022 1\n     FY2023 2.5%\n  }\n}\n" => "kpi K1 \"t\" {\n  series {\n    FY2022 1\n    FY2023 2.5%\n  }\n}\n";
    long_one_liner_kept: "item I2.4 \"...\" { goal G2.1; allow no-kpi \"followed up by the implementing body of the program\" until 2027-03-31 }\n"
        => "item I2.4 \"...\" { goal G2.1; allow no-kpi \"followed up by the implementing body of the program\" until 2027-03-31 }\n";
    long_row_kept: "goal G1 \"t\" {\n  en \"a rather long English title for this goal\";en \"and another long one, far too long for one line\"\n}\n"
        => "goal G1 \"t\" {\n  en \"a rather long English title for this goal\"; en \"and another long one, far too long for one line\"\n}\n";
    row_with_multiline_entry_splits: "goal G1 \"t\" {\n  policy V1; topics [a, # c\n b]; en \"x\"\n}\n"
        => "goal G1 \"t\" {\n  policy V1\n  topics [\n    a,   # c\n    b,\n  ]\n  en \"x\"\n}\n";
    long_list_in_one_liner_stays_flat: "p P { scope [alpha-one, alpha-two, alpha-three, alpha-four, alpha-five, alpha-six, alpha-seven, alpha-eight] }\n"
        => "p P { scope [alpha-one, alpha-two, alpha-three, alpha-four, alpha-five, alpha-six, alpha-seven, alpha-eight] }\n";
    values_verbatim: "k K { v 1_000 27.4% 1.2e9 2027-03-31 FY2022..FY2026 \"\\u{3000}\\\"\" true }" => "k K { v 1_000 27.4% 1.2e9 2027-03-31 FY2022..FY2026 \"\\u{3000}\\\"\" true }\n";
    text_block: "goal G1 \"t\" { en \"\"\"line 1\n  line 2\"\"\" }" => "goal G1 \"t\" {\n  en \"\"\"line 1\n  line 2\"\"\"\n}\n";
    crlf_kept: "goal G1 \"t\" {\r\npolicy V1\r\n}" => "goal G1 \"t\" {\r\n  policy V1\r\n}\r\n";
    bom_kept: "\u{feff}goal G1 {policy V1}" => "\u{feff}goal G1 { policy V1 }\n";
    ideographic_space_fixed: "goal\u{3000}G1 \"全角\u{3000}空白\" { policy V1 }\n" => "goal G1 \"全角\u{3000}空白\" { policy V1 }\n";
    full_width_fixed: "goal Ｇ１ \"t\" ｛ policy V1 ｝\n" => "goal G1 \"t\" { policy V1 }\n";
    only_comments: "\n# a\n\n\n# b\n\n" => "# a\n\n# b\n";
    // Each string is 28 columns wide (a CJK character takes two): three fit in a line of 120
    // columns, where a count of characters would keep all five on one line.
    japanese_width: "k K {\n  names [\"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\"]\n}\n"
        => "k K {\n  names [\n    \"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\",\n    \"研究開発拠点と開発支援拠点\", \"研究開発拠点と開発支援拠点\",\n  ]\n}\n";
}

#[test]
fn syntax_errors_are_refused() {
    let Err(Refusal::Syntax(findings)) = format(FileId(0), "goal G1 \"t\" {\n  policy [V1\n}\n")
    else {
        panic!("not refused")
    };
    assert!(findings
        .first()
        .is_some_and(|f| f.severity == Severity::Error));
}

#[test]
fn an_unfixable_full_width_run_is_refused() {
    assert!(matches!(
        format(FileId(0), "goal G1 { ａ＝ｂ }\n"),
        Err(Refusal::Syntax(_))
    ));
}

#[test]
fn a_fix_that_would_join_tokens_is_refused() {
    // `G１` reads as `G` then `1`: fixing it to `G1` would change what the file says.
    assert!(matches!(
        format(FileId(0), "goal G１ \"t\"\n"),
        Err(Refusal::Syntax(_))
    ));
}

#[test]
fn canonical_text_is_unchanged() {
    let text = "# c\ngoal G1 \"t\" {\n  policy V1   # p\n}\n";
    assert_eq!(format(FileId(0), text).unwrap(), Outcome::Unchanged);
}
