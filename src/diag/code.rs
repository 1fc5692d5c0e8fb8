//! The registry of built-in (structural) finding codes, with their documentation.
//!
//! Rule codes (`ALN1xx`) live in the rule set's `rules.toml`; the codes here always run and
//! are part of the tool. `align explain CODE` and `docs/rules.md` are generated from this table.

use super::{Severity, StaticText};
use arcstr::ArcStr;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

/// A finding's code (`ALN101`): built-in or from the rule set, compared as a value, cheap to
/// clone (every finding of a rule shares the rule's one allocation) and one pointer wide (a
/// finding holds three: its code, slug and relation).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(ArcStr);

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        String::deserialize(d).map(|s| Code(ArcStr::from(s)))
    }
}

impl Code {
    pub fn new(code: &str) -> Code {
        Code(ArcStr::from(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The empty code, which holds no memory.
    pub(crate) fn empty() -> Code {
        Code(ArcStr::new())
    }
}

impl Deref for Code {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Code {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl From<&String> for Code {
    fn from(s: &String) -> Code {
        Code::new(s)
    }
}

impl From<&Code> for Code {
    fn from(c: &Code) -> Code {
        c.clone()
    }
}

impl From<&str> for Code {
    fn from(s: &str) -> Code {
        Code::new(s)
    }
}

/// The documentation texts of a code.
pub type Doc = StaticText;

/// One built-in code and its documentation: what it reports, why, an example, how to fix it.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    pub summary: Doc,
    pub why: Doc,
    /// A spec (or input) that triggers it.
    pub example: &'static str,
    pub fix: Doc,
}

macro_rules! codes {
    ($( $name:ident = $code:literal $slug:literal $sev:ident {
        summary: $sen:literal / $sja:literal,
        why: $wen:literal / $wja:literal,
        example: $ex:literal,
        fix: $fen:literal / $fja:literal $(,)?
    } )*) => {
        $(
            pub const $name: CodeInfo = CodeInfo {
                code: $code,
                slug: $slug,
                severity: Severity::$sev,
                summary: Doc { en: $sen, ja: $sja },
                why: Doc { en: $wen, ja: $wja },
                example: $ex,
                fix: Doc { en: $fen, ja: $fja },
            };
        )*
        /// Every built-in code, in code order.
        pub const CODES: &[&CodeInfo] = &[$(&$name),*];
    };
}

codes! {
    NOT_UTF8 = "ALN001" "not-utf8" Error {
        summary: "the file is not UTF-8" / "ファイルが UTF-8 ではない",
        why: "align reads specs as UTF-8; a Shift_JIS or UTF-16 file (a Word or Excel export) cannot be read reliably, so it is not checked at all." / "align は仕様を UTF-8 として読みます。Shift_JIS や UTF-16 のファイル（Word や Excel からの書き出し）は正しく読めないため、検査されません。",
        example: "goal G1 \"<a Shift_JIS-encoded title>\"",
        fix: "Save the file as UTF-8, or convert it: `iconv -f SHIFT_JIS -t UTF-8 in.align > out.align`." / "UTF-8 で保存し直すか、変換してください: `iconv -f SHIFT_JIS -t UTF-8 in.align > out.align`。",
    }
    SYNTAX = "ALN010" "syntax-error" Error {
        summary: "the text does not follow the spec language" / "仕様言語の文法に合っていない",
        why: "A declaration that cannot be read cannot be checked; align reports every such place and resumes at the next entry or declaration." / "読み取れない宣言は検査できません。align はそのような箇所をすべて報告し、次の項目または宣言から読み取りを再開します。",
        example: "goal G1 \"title\" { policy V1 ,}",
        fix: "Write what the message says is expected at that place; see docs/language.md for the grammar." / "メッセージが示す「期待される要素」をその位置に書いてください。文法は docs/language.md を参照してください。",
    }
    UNTERMINATED_STRING = "ALN011" "unterminated-string" Error {
        summary: "a string has no closing quote" / "文字列が閉じられていない",
        why: "Without its closing quote a string swallows the rest of the line, and the declaration cannot be read." / "閉じ引用符がないと文字列が行の残りを取り込み、宣言を読み取れません。",
        example: "goal G1 \"研究開発拠点の連携強化",
        fix: "Add the closing `\"` (or `\"\"\"` for a multi-line string)." / "閉じる `\"`（複数行の文字列なら `\"\"\"`）を追加してください。",
    }
    INVALID_ESCAPE = "ALN012" "invalid-escape" Error {
        summary: "a string contains an escape that is not allowed" / "文字列に使えないエスケープがある",
        why: "Only `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{XXXX}` (a Unicode scalar value) are defined; anything else is most likely a typo." / "使えるエスケープは `\\\"`、`\\\\`、`\\n`、`\\t`、`\\u{XXXX}`（Unicode スカラー値）だけです。それ以外はほぼ入力ミスです。",
        example: "item I1 \"C:\\path\"",
        fix: "Write `\\\\` for a backslash, or use a valid `\\u{XXXX}` escape." / "バックスラッシュは `\\\\` と書くか、正しい `\\u{XXXX}` を使ってください。",
    }
    INVALID_NUMBER = "ALN013" "invalid-number" Error {
        summary: "a number is malformed or out of range" / "数値の形式が正しくないか範囲外",
        why: "A number that cannot be represented exactly enough (such as `1e999`) or is malformed (`27.4%%`, `1__0`) would give wrong KPI figures." / "表現できない数値（`1e999` など）や形式の誤った数値（`27.4%%`、`1__0`）は KPI の数値を誤らせます。",
        example: "kpi K1 { series { FY2022 1e999 } }",
        fix: "Write the number as digits with an optional fraction, exponent or `%`: `186`, `27.4%`, `1.2e9`." / "数字、小数部、指数部、`%` で書いてください: `186`、`27.4%`、`1.2e9`。",
    }
    INVALID_DATE = "ALN014" "invalid-date" Error {
        summary: "a date is not a real calendar date" / "日付が実在しない",
        why: "Dates decide when waivers expire; an impossible date such as `2023-02-30` must not be guessed at." / "日付は例外（waiver）の期限を決めます。`2023-02-30` のような存在しない日付を推測で扱うことはできません。",
        example: "allow no-kpi \"reason\" until 2023-02-30",
        fix: "Write a real date as `YYYY-MM-DD` with two-digit month and day." / "実在する日付を `YYYY-MM-DD`（月と日は2桁）で書いてください。",
    }
    INVALID_RANGE = "ALN015" "invalid-range" Error {
        summary: "a range mixes kinds of bounds, lacks a bound or is reversed" / "範囲の両端の種類が異なる、端がない、または逆順",
        why: "A range such as a program period `FY2019..FY2024` is compared with the plan period; both ends must be of one kind and in order." / "事業期間 `FY2019..FY2024` などの範囲は計画期間と比較されます。両端は同じ種類で、順序どおりでなければなりません。",
        example: "program p { period FY2026..FY2022 }",
        fix: "Write both bounds of the same kind, the smaller first: `FY2022..FY2026`." / "両端を同じ種類で、小さい方を先に書いてください: `FY2022..FY2026`。",
    }
    NESTING_TOO_DEEP = "ALN016" "nesting-too-deep" Error {
        summary: "blocks or lists are nested too deeply" / "ブロックまたはリストの入れ子が深すぎる",
        why: "No spec needs deep nesting; a bound keeps align safe on generated or damaged input." / "深い入れ子を必要とする仕様はありません。上限を設けることで、生成された入力や壊れた入力でも align が安全に動作します。",
        example: "kpi K1 { x [[[[[[ … ]]]]]] }",
        fix: "Flatten the structure; check for brackets that were opened but never closed." / "構造を平らにしてください。開いたまま閉じていない括弧がないか確認してください。",
    }
    UNCLOSED_DELIMITER = "ALN017" "unclosed-delimiter" Error {
        summary: "a `{` or `[` is never closed" / "`{` または `[` が閉じられていない",
        why: "An unclosed block takes the following declarations into it; align reports where it was opened." / "閉じられていないブロックは後続の宣言を取り込んでしまいます。align は開いた位置を示します。",
        example: "goal G1 \"title\" { policy V1",
        fix: "Add the matching `}` or `]`." / "対応する `}` または `]` を追加してください。",
    }
    UNEXPECTED_CHARACTER = "ALN018" "unexpected-character" Error {
        summary: "a character that has no place in the spec language" / "仕様言語で使えない文字",
        why: "Invisible or look-alike characters (no-break spaces, zero-width spaces, control characters, bidirectional controls, full-width letters in IDs) make a spec mean something other than what it shows." / "見えない文字や紛らわしい文字（ノーブレークスペース、ゼロ幅スペース、制御文字、双方向制御文字、ID 中の全角英数字）は、見た目と異なる意味を仕様に与えてしまいます。",
        example: "goal Ｇ１ \"title\"",
        fix: "Delete the character, or replace it with the ASCII form the help suggests." / "その文字を削除するか、ヘルプが示す ASCII の形に置き換えてください。",
    }
    IDEOGRAPHIC_SPACE = "ALN019" "ideographic-space" Warning {
        summary: "a full-width space (U+3000) between tokens" / "トークン間に全角スペース（U+3000）がある",
        why: "A full-width space typed with a Japanese input method is accepted as a separator, but it is invisible in most editors and breaks other tools." / "日本語入力で入った全角スペースは区切りとして受け付けますが、多くのエディタでは見分けがつかず、他のツールを壊します。",
        example: "goal　G1 \"title\"",
        fix: "Replace it with an ASCII space (`align fmt` does this)." / "半角スペースに置き換えてください（`align fmt` が自動で行います）。",
    }
    BIDI_IN_STRING = "ALN020" "bidi-in-string" Warning {
        summary: "a string contains a bidirectional control character" / "文字列に双方向制御文字が含まれている",
        why: "Bidirectional controls can make a title display differently from its content (Trojan Source)." / "双方向制御文字はタイトルの表示を内容と異なって見せることがあります（Trojan Source）。",
        example: "item I1 \"\u{202e}title\"",
        fix: "Remove the control character from the string." / "文字列から制御文字を削除してください。",
    }
    TOO_MANY_ERRORS = "ALN021" "too-many-errors" Info {
        summary: "more syntax errors in the file than are shown" / "表示しきれない数の構文エラーがある",
        why: "After many errors in one file, later ones are usually consequences of the first; they are counted, not shown." / "1つのファイルに多数のエラーがある場合、後のエラーの多くは最初のエラーの結果です。件数だけを示します。",
        example: "(a file with more than 50 syntax errors)",
        fix: "Fix the errors shown and run align again." / "表示されたエラーを修正し、もう一度 align を実行してください。",
    }
    TOO_MANY_FINDINGS = "ALN022" "too-many-findings" Info {
        summary: "more findings of one code in a file than are shown" / "1つのファイルに同じコードの指摘が表示しきれないほどある",
        why: "Thousands of findings of one code in one file (a generated file, a missing declaration everything refers to) drown the rest and make the run slow to read; after 200 the rest are counted, not shown." / "1つのファイルに同じコードの指摘が数千件ある場合（生成されたファイル、すべてが参照する宣言の欠落など）、他の指摘が埋もれ、結果も読みにくくなります。200 件を超えた分は件数だけを示します。",
        example: "(a file with 201 references to an undeclared ID)",
        fix: "Fix the findings shown (often one cause behind all of them) and run align again." / "表示された指摘を修正し（多くは1つの原因によります）、もう一度 align を実行してください。",
    }
    NOTATION = "ALN023" "notation" Error {
        summary: "a number, date, fiscal year, separator or ID written in a notation align does not read" / "align が読まない書き方の数値・日付・年度・区切り・ID",
        why: "Plans and spreadsheets write 令和7年度, 120件, 1.2万, 1,200, 2024/03/29, `、` and Japanese names; in a spec each of these is a different value or none at all. align reads what was meant so that the rest of the file is checked, and asks for the form it reads." / "計画書や表計算では 令和7年度、120件、1.2万、1,200、2024/03/29、`、`、日本語の名前を使いますが、仕様ではそれぞれ別の値になるか、値として読めません。align は意図された値として読んでファイルの残りを検査し、読める書き方に直すよう求めます。",
        example: "kpi K1 \"…\" { series { 令和7年度 120件 } }",
        fix: "Write fiscal years as `FY2025`, dates as `2027-03-31`, numbers alone (`12000`, `1200` or `1_200`) with the unit in `unit \"件\"`, list items separated by `,`, a key and its value separated by a space, and IDs in ASCII (`I1`)." / "年度は `FY2025`、日付は `2027-03-31`、数値は単独で（`12000`、`1200` または `1_200`）、単位は `unit \"件\"` に書き、リストの項目は `,` で区切り、キーと値の間は空白だけにし、ID は ASCII（`I1`）で書いてください。",
    }
    UNKNOWN_KIND = "ALN050" "unknown-kind" Error {
        summary: "a declaration of a kind the schema does not define" / "スキーマにない種類の宣言",
        why: "The schema lists the kinds of the rule set (plan, policy, goal, item…); an unknown kind is usually a typo and would be ignored by every rule." / "スキーマは規則セットの種類（`plan`、`policy`、`goal`、`item` など）を定めます。未知の種類はほとんどが入力ミスで、どの規則にも検査されません。",
        example: "gaol G1 \"title\"",
        fix: "Use one of the kinds of the schema (`align rules` lists them); the help suggests the closest." / "スキーマの種類のいずれかを使ってください（`align rules` で一覧できます）。ヘルプが最も近いものを示します。",
    }
    UNKNOWN_KEY = "ALN051" "unknown-key" Error {
        summary: "a key this kind does not take" / "この種類では使えないキー",
        why: "A misspelt key (`cover` for `covers`) silently drops a relation, and with it coverage." / "綴りを誤ったキー（`covers` を `cover` と書くなど）は関係を黙って失わせ、網羅性の検査も失われます。",
        example: "program p \"title\" { cover [I1] }",
        fix: "Use a key of this kind; the help suggests the closest." / "この種類のキーを使ってください。ヘルプが最も近いものを示します。",
    }
    WRONG_TYPE = "ALN052" "wrong-value-type" Error {
        summary: "a value of the wrong type for its key" / "キーに対して値の型が違う",
        why: "Each key has a type in the schema (string, number, date, range, tag, reference…); a value of another type cannot be used by the rules." / "各キーにはスキーマで型（文字列、数値、日付、範囲、タグ、参照など）が定められています。異なる型の値は規則で使えません。",
        example: "kpi K1 \"title\" { unit 5 }",
        fix: "Write a value of the type the message names." / "メッセージが示す型の値を書いてください。",
    }
    MISSING_KEY = "ALN053" "missing-required-key" Error {
        summary: "a required key is missing" / "必須のキーがない",
        why: "Some keys carry the structure of the plan (a goal's policy, an item's goal); without them the node hangs loose." / "一部のキーは計画の構造（ゴールの基本方針、事項のゴールなど）を担います。ないとノードが宙に浮きます。",
        example: "goal G1 \"title\" { }",
        fix: "Add the key to the declaration's block." / "宣言のブロックにそのキーを追加してください。",
    }
    DUPLICATE_KEY = "ALN054" "duplicate-key" Error {
        summary: "a key is given twice in one block" / "1つのブロックで同じキーが2回ある",
        why: "Two values for one key are ambiguous; align would have to guess which one is meant." / "1つのキーに2つの値があると曖昧で、どちらを意図したか推測せざるを得ません。",
        example: "goal G1 \"t\" { policy V1; policy V2 }",
        fix: "Keep one; for several references use a list: `covers [I1, I2]`." / "1つにしてください。複数の参照はリストで書きます: `covers [I1, I2]`。",
    }
    EMPTY_TITLE = "ALN055" "empty-title" Warning {
        summary: "a title is empty" / "タイトルが空",
        why: "Titles are what reviewers read in every finding and report; an empty one hides what the node is." / "タイトルはすべての指摘とレポートで読まれます。空だとノードが何かわかりません。",
        example: "item I1 \"\" { goal G1 }",
        fix: "Write the title as the source document gives it." / "原文どおりのタイトルを書いてください。",
    }
    UNRESOLVED_REFERENCE = "ALN060" "unresolved-reference" Error {
        summary: "a reference to an ID that is not declared" / "宣言されていない ID への参照",
        why: "A dangling reference drops a relation: the program covers nothing, the KPI measures nothing." / "宙に浮いた参照は関係を失わせます。事業は何も対象とせず、KPI は何も測定しません。",
        example: "program p \"title\" { covers [I9.9] }",
        fix: "Declare the ID, or correct it; the help suggests the closest declared ID of the right kind." / "その ID を宣言するか、正しい ID に直してください。ヘルプが適切な種類で最も近い ID を示します。",
    }
    DUPLICATE_ID = "ALN061" "duplicate-id" Error {
        summary: "an ID is declared twice" / "同じ ID が2回宣言されている",
        why: "IDs are global across all files; two declarations of one ID make every reference to it ambiguous." / "ID はすべてのファイルで共通です。同じ ID が2つあると、それへの参照がすべて曖昧になります。",
        example: "item I1 \"a\" { goal G1 }\nitem I1 \"b\" { goal G1 }",
        fix: "Rename one of them, or delete the copy." / "どちらかの名前を変えるか、重複を削除してください。",
    }
    WRONG_REFERENCE_KIND = "ALN062" "wrong-reference-kind" Error {
        summary: "a reference to a node of the wrong kind" / "種類の違うノードへの参照",
        why: "Each reference key points at given kinds (`goal` at a goal); pointing elsewhere breaks the plan structure." / "参照キーごとに指す種類が決まっています（`goal` はゴールを指す）。他を指すと計画の構造が壊れます。",
        example: "item I1 \"t\" { goal I2 }",
        fix: "Point at a node of the kind the message names." / "メッセージが示す種類のノードを指してください。",
    }
    CYCLE = "ALN063" "cycle" Error {
        summary: "a cycle in a relation that must be acyclic" / "循環してはならない関係に循環がある",
        why: "A plan is a hierarchy: an item cannot be its own ancestor. Walks up the plan would never end." / "計画は階層です。事項が自分自身の祖先になることはできません。上位へたどる処理が終わらなくなります。",
        example: "item I1 \"a\" { parent I2 }\nitem I2 \"b\" { parent I1 }",
        fix: "Remove one of the references of the cycle." / "循環を構成する参照のいずれかを削除してください。",
    }
    UNKNOWN_WAIVER = "ALN070" "unknown-waiver-rule" Error {
        summary: "a waiver names a rule that does not exist" / "例外（allow）が存在しない規則を指している",
        why: "A waiver for a misspelt rule silences nothing, and the finding it was meant for still appears." / "綴りを誤った規則への例外は何も抑止せず、意図した指摘は表示されたままになります。",
        example: "item I1 \"t\" { goal G1; allow no-kpii \"reason\" until 2027-03-31 }",
        fix: "Name a rule by its code or slug (`align rules` lists them)." / "規則をコードまたはスラッグで指定してください（`align rules` で一覧できます）。",
    }
    EXPIRED_WAIVER = "ALN071" "expired-waiver" Warning {
        summary: "a waiver's expiry date has passed" / "例外（allow）の期限が過ぎている",
        why: "A waiver is a justified exception for a time; after its date the finding it silenced is reported again, and the waiver should be renewed or removed." / "例外は期限付きの正当な除外です。期限後は抑止していた指摘が再び報告されます。例外を更新するか削除してください。",
        example: "item I1 \"t\" { goal G1; allow no-kpi \"reason\" until 2020-03-31 }",
        fix: "Fix the finding, or renew the waiver with a new reason and date." / "指摘を解消するか、新しい理由と期限で例外を更新してください。",
    }
    UNUSED_WAIVER = "ALN072" "unused-waiver" Warning {
        summary: "a waiver silences nothing" / "例外（allow）が何も抑止していない",
        why: "A waiver whose finding no longer occurs is stale and hides a future regression." / "対象の指摘がもう発生しない例外は古くなっており、将来の後退を隠します。",
        example: "item I1 \"t\" { goal G1; allow item-without-program \"reason\" until 2027-03-31 }  # and a program covers I1",
        fix: "Delete the waiver." / "例外を削除してください。",
    }
    MALFORMED_WAIVER = "ALN073" "malformed-waiver" Error {
        summary: "a waiver is not written as `allow RULE \"reason\" until DATE`" / "例外（allow）が `allow 規則 \"理由\" until 日付` の形になっていない",
        why: "Every exception needs a rule, a reason a reviewer can judge and an expiry date." / "すべての例外には、規則、レビュー担当者が判断できる理由、期限が必要です。",
        example: "item I1 \"t\" { allow no-kpi }",
        fix: "Write `allow RULE \"reason\" until YYYY-MM-DD`." / "`allow 規則 \"理由\" until YYYY-MM-DD` と書いてください。",
    }
    INVALID_CONFIG = "ALN090" "invalid-rule-set" Error {
        summary: "a schema, rules or configuration file is invalid" / "スキーマ・規則・設定ファイルが不正",
        why: "A rule set that cannot be read would check nothing, or check the wrong thing, while looking fine." / "読めない規則セットは何も検査しないか、誤ったものを検査しながら正常に見えてしまいます。",
        example: "[[rule]]\ncode = \"ALN101\"\ntype = \"coverge\"",
        fix: "Correct the TOML at the place shown; the help suggests the closest valid name." / "示された位置の TOML を修正してください。ヘルプが最も近い正しい名前を示します。",
    }
}

/// The built-in code with this code or slug (case-insensitive).
///
/// Every finding asks this (is it structural, is it a rule's?), so a name shaped like a code
/// (`ALN` and three digits: a slug never is) is answered by indexing a table by its number,
/// and only other names are compared with the slugs.
pub fn lookup(name: &str) -> Option<&'static CodeInfo> {
    if let Some(number) = code_number(name) {
        return by_number()[number];
    }
    CODES
        .iter()
        .copied()
        .find(|c| c.slug.eq_ignore_ascii_case(name))
}

/// The number of a name shaped like a code (`ALN` and three digits, case-insensitive).
fn code_number(name: &str) -> Option<usize> {
    let b = name.as_bytes();
    if b.len() != 6 || !b[..3].eq_ignore_ascii_case(b"ALN") {
        return None;
    }
    b[3..].iter().try_fold(0, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + usize::from(d - b'0'))
    })
}

/// The built-in codes indexed by their number.
fn by_number() -> &'static [Option<&'static CodeInfo>; 1000] {
    static TABLE: std::sync::OnceLock<[Option<&'static CodeInfo>; 1000]> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [None; 1000];
        for &c in CODES {
            if let Some(n) = code_number(c.code) {
                table[n] = Some(c);
            }
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lookup_finds_every_code_and_slug_in_any_case_and_nothing_else() {
        for &c in CODES {
            for name in [c.code, c.slug] {
                for n in [name.to_owned(), name.to_lowercase(), name.to_uppercase()] {
                    assert_eq!(lookup(&n).map(|f| f.code), Some(c.code), "{n}");
                }
            }
        }
        for name in [
            "ALN101",
            "aln999",
            "ALN1",
            "ALN0011",
            "ALNx01",
            "",
            "no-such-slug",
        ] {
            assert!(lookup(name).is_none(), "{name}");
        }
    }

    #[test]
    fn codes_and_slugs_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(seen.insert(c.slug), "duplicate slug {}", c.slug);
            assert!(c.code.len() == 6 && c.code.starts_with("ALN"), "{}", c.code);
            assert!(
                c.code[3..].chars().all(|ch| ch.is_ascii_digit()),
                "{}",
                c.code
            );
            assert!(c
                .slug
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch.is_ascii_digit()));
            // `lookup` answers code-shaped names from the table of codes only.
            assert!(
                code_number(c.slug).is_none(),
                "{} looks like a code",
                c.slug
            );
            for d in [c.summary, c.why, c.fix] {
                assert!(
                    !d.en.is_empty() && !d.ja.is_empty(),
                    "{} lacks a text",
                    c.code
                );
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(lookup("aln061").map(|c| c.slug), Some("duplicate-id"));
        assert_eq!(lookup("Duplicate-ID").map(|c| c.code), Some("ALN061"));
        assert!(lookup("ALN9999").is_none());
        assert!(lookup("").is_none());
    }
}
