//! AST + schema → typed nodes: unknown kinds and keys, wrong value types, missing required
//! keys, duplicate keys and IDs, waivers.

use super::suggest::suggest;
use super::{
    Attr, AttrValue, KeySchema, KeyType, KindSchema, Node, Schema, SeriesPoint, Waiver, Words,
};
use crate::diag::{code, Finding, Span, Text, ThinVec};
use crate::syntax::ast::{self, ValueKind};

/// The key every kind takes for waivers.
pub(crate) const ALLOW: &str = "allow";

/// Lowers one file's declarations to typed nodes. Needs no other file, so files are lowered
/// in parallel; [`index`] then joins them. The syntax tree is consumed: the IDs, titles and
/// values the nodes keep are moved out of it, not copied.
pub(super) fn lower(schema: &Schema, file: ast::File) -> (Vec<Node>, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut nodes = Vec::with_capacity(file.decls.len());
    for mut decl in file.decls {
        match schema.kind_id(&decl.kind.text) {
            Some(kind_id) => nodes.push(node(schema, kind_id, &mut decl, &mut findings)),
            None => findings.push(unknown_kind(schema, &decl)),
        }
    }
    (nodes, findings)
}

/// Joins the lowered files in order into one node list and ID index; a second declaration of
/// an ID is reported and left out, so references resolve to the first.
pub(super) fn index(
    files: Vec<Vec<Node>>,
    findings: &mut Vec<Finding>,
) -> (Vec<Node>, super::IdIndex) {
    // Moved on all cores (each file's vector appended in turn was a stage on one core).
    let mut nodes: Vec<Node> = crate::base::join_parts(files, Node::blank);
    let (index, repeated) = super::IdIndex::build(&nodes);
    if repeated.is_empty() {
        return (nodes, index);
    }
    let mut left_out = vec![false; nodes.len()];
    for &(dup, first) in &repeated {
        left_out[dup.index()] = true;
        let (node, first) = (&nodes[dup.index()], &nodes[first.index()]);
        // A declaration read only in part (syntax error) may have a wrong ID: its
        // duplicate is a consequence of that error, not a second finding.
        if !node.recovered && !first.recovered {
            findings.push(duplicate_id(node, first));
        }
    }
    let mut at = 0;
    nodes.retain(|_| {
        at += 1;
        !left_out[at - 1]
    });
    // Indexed again at their new places: no ID is repeated now.
    let (index, _) = super::IdIndex::build(&nodes);
    (nodes, index)
}

#[expect(
    clippy::too_many_lines,
    reason = "every check of one declaration's header, keys and waivers"
)]
fn node(
    schema: &Schema,
    kind_id: super::KindId,
    decl: &mut ast::Decl,
    findings: &mut Vec<Finding>,
) -> Node {
    let kind = schema.kind(kind_id);
    let header_end = decl
        .title
        .as_ref()
        .map_or(decl.id.span.end(), |t| t.span.end());
    let header = Span::new(decl.kind.span.file, decl.kind.span.start(), header_end);
    match &decl.title {
        None if kind.title_required && !decl.recovered => findings.push(
            Finding::builtin(
                &code::MISSING_KEY,
                header,
                Text::new(
                    format!("{} {} has no title", kind.name, decl.id.text),
                    format!("{} {} にタイトルがありません", kind.label.ja, decl.id.text),
                ),
            )
            .with_help(Text::new(
                format!(
                    "write the title after the ID: `{} {} \"title\"`",
                    kind.name, decl.id.text
                ),
                format!(
                    "ID の後にタイトルを書いてください: `{} {} \"タイトル\"`",
                    kind.name, decl.id.text
                ),
            ))
            .with_node(&decl.id.text),
        ),
        // A title with a bad escape is read as empty: that is the escape's error, not this.
        Some(t) if t.value.trim().is_empty() && !decl.recovered => findings.push(
            Finding::builtin(
                &code::EMPTY_TITLE,
                t.span,
                Text::new(
                    format!("{} {} has an empty title", kind.name, decl.id.text),
                    format!("{} {} のタイトルが空です", kind.label.ja, decl.id.text),
                ),
            )
            .with_help(Text::new(
                "write the title as the source document gives it",
                "原文どおりのタイトルを書いてください",
            ))
            .with_node(&decl.id.text),
        ),
        _ => {}
    }
    let entries = decl
        .block
        .as_mut()
        .map_or(&mut [][..], |b| &mut b.entries[..]);
    // Sized once for every entry (a node lives as long as the run: no growth slack).
    let mut attrs: ThinVec<Attr> = ThinVec::with_capacity(entries.len());
    let mut waivers = ThinVec::new();
    for entry in entries.iter_mut() {
        if entry.recovered {
            // Its values were read only in part; the syntax error is reported already.
            continue;
        }
        if entry.key.text == ALLOW {
            match waiver(entry) {
                Ok(w) => waivers.push(w),
                Err(f) => findings.push((*f).with_node(&decl.id.text)),
            }
            continue;
        }
        let Some(key) = kind.key(&entry.key.text) else {
            findings.push(unknown_key(kind, &entry.key).with_node(&decl.id.text));
            continue;
        };
        if let Some(first) = attrs.iter().find(|a| a.key == key.id) {
            findings.push(
                Finding::builtin(
                    &code::DUPLICATE_KEY,
                    entry.key.span,
                    Text::new(
                        format!(
                            "`{}` is given twice in {} {}",
                            key.name, kind.name, decl.id.text
                        ),
                        format!(
                            "{} {} で `{}` が2回指定されています",
                            kind.label.ja, decl.id.text, key.name
                        ),
                    ),
                )
                .with_label(Text::new("given again here", "ここで再び指定"))
                .with_secondary(first.key_span, Text::new("first given here", "最初の指定"))
                .with_help(Text::new(
                    "keep one; for several values write a list: `key [a, b]`",
                    "1つにしてください。複数の値はリストで書きます: `key [a, b]`",
                ))
                .with_node(&decl.id.text),
            );
            continue;
        }
        match typed(schema, key, entry) {
            Ok((value, value_span)) => {
                debug_assert_eq!(entry.span.end(), value_span.end());
                attrs.push(Attr {
                    key: key.id,
                    key_span: entry.key.span,
                    value_span,
                    value,
                });
            }
            Err(errs) => {
                findings.extend(errs.into_iter().map(|f| f.with_node(&decl.id.text)));
                // A series keeps its valid entries (the node is reported, so rules hold back).
                if let (KeyType::Series, [], Some(block)) =
                    (&key.ty, &entry.values[..], &entry.block)
                {
                    let (points, _) = series_parts(key, block);
                    if !points.is_empty() {
                        debug_assert_eq!(entry.span.end(), block.span.end());
                        attrs.push(Attr {
                            key: key.id,
                            key_span: entry.key.span,
                            value_span: block.span,
                            value: AttrValue::Series(points),
                        });
                    }
                }
            }
        }
    }
    for key in kind.keys.iter().filter(|k| k.required && !decl.recovered) {
        // A misspelt key (`mesures`) is reported as unknown with `did you mean`: the key it
        // stands for is not reported missing as well.
        let misspelt = || {
            entries.iter().any(|e| {
                kind.key(&e.key.text).is_none()
                    && suggest(&e.key.text, kind.keys.iter().map(|k| k.name.as_str()))
                        .is_some_and(|s| s == key.name)
            })
        };
        if !attrs.iter().any(|a| a.key == key.id)
            && !entries.iter().any(|e| e.key.text == key.name)
            && !misspelt()
        {
            findings.push(
                Finding::builtin(
                    &code::MISSING_KEY,
                    header,
                    Text::new(
                        format!(
                            "{} {} lacks the required key `{}`",
                            kind.name, decl.id.text, key.name
                        ),
                        format!(
                            "{} {} に必須のキー `{}` がありません",
                            kind.label.ja, decl.id.text, key.name
                        ),
                    ),
                )
                .with_help(Text::new(
                    format!("add `{} {}` to its block", key.name, placeholder(&key.ty)),
                    format!(
                        "ブロックに `{} {}` を追加してください",
                        key.name,
                        placeholder(&key.ty)
                    ),
                ))
                .with_node(&decl.id.text),
            );
        }
    }
    Node {
        id: std::mem::take(&mut decl.id.text),
        kind: kind_id,
        title: decl.title.as_mut().map(|t| std::mem::take(&mut t.value)),
        span: decl.span,
        id_span: decl.id.span,
        header,
        attrs,
        waivers,
        recovered: decl.recovered,
    }
}

fn placeholder(ty: &KeyType) -> &'static str {
    match ty {
        KeyType::String => "\"…\"",
        KeyType::Number => "1",
        KeyType::Date => "YYYY-MM-DD",
        KeyType::Bool => "true",
        KeyType::Range => "A..B",
        KeyType::Tag | KeyType::Enum(_) | KeyType::Ref(_) => "…",
        KeyType::Tags | KeyType::Refs(_) => "[…]",
        KeyType::Series => "{ FY2022 … }",
    }
}

/// What a key type expects, for messages.
fn expected(ty: &KeyType, schema: &Schema) -> (String, String) {
    let kinds: Vec<&str> = ty
        .targets()
        .iter()
        .map(|k| schema.kind(*k).name.as_str())
        .collect();
    let kinds = crate::diag::or_list(&kinds);
    match ty {
        KeyType::String => ("a string".into(), "文字列".into()),
        KeyType::Number => ("a number".into(), "数値".into()),
        KeyType::Date => ("a date (YYYY-MM-DD)".into(), "日付（YYYY-MM-DD）".into()),
        KeyType::Bool => ("`true` or `false`".into(), "`true` または `false`".into()),
        KeyType::Range => ("a range (`A..B`)".into(), "範囲（`A..B`）".into()),
        KeyType::Tag => ("an identifier".into(), "識別子".into()),
        KeyType::Tags => ("a list of identifiers".into(), "識別子のリスト".into()),
        KeyType::Enum(v) => (
            format!("one of {}", v.join(", ")),
            format!("{} のいずれか", v.join(", ")),
        ),
        KeyType::Ref(_) => (format!("the ID of a {kinds}"), format!("{kinds} の ID")),
        KeyType::Refs(_) => (
            format!("IDs of {kinds}"),
            format!("{kinds} の ID（複数可）"),
        ),
        KeyType::Series => (
            "a series block `{ FY2022 148 }`".into(),
            "系列ブロック `{ FY2022 148 }`".into(),
        ),
    }
}

type Typed = Result<(AttrValue, Span), Vec<Finding>>;

fn typed(schema: &Schema, key: &KeySchema, entry: &mut ast::Entry) -> Typed {
    let wrong = |span: Span, found: &str, detail: Option<(&str, &str)>| -> Finding {
        let (en, ja) = expected(&key.ty, schema);
        let (en, ja) = match detail {
            Some((den, dja)) => (den.to_owned(), dja.to_owned()),
            None => (en, ja),
        };
        Finding::builtin(
            &code::WRONG_TYPE,
            span,
            Text::new(
                format!("`{}` expects {en}, found {found}", key.name),
                format!(
                    "`{}` には{ja}を指定します（{found} が指定されています）",
                    key.name
                ),
            ),
        )
        .with_help(Text::new(
            format!("write `{} {}`", key.name, placeholder(&key.ty)),
            format!(
                "`{} {}` の形で書いてください",
                key.name,
                placeholder(&key.ty)
            ),
        ))
    };
    if key.ty == KeyType::Series {
        if let Some(v) = entry.values.first() {
            return Err(vec![wrong(v.span, v.kind.describe(), None)]);
        }
        let Some(block) = &entry.block else {
            return Err(vec![wrong(entry.key.span, "nothing", None)]);
        };
        return series(key, block).map(|pts| (AttrValue::Series(pts), block.span));
    }
    if let Some(block) = &entry.block {
        return Err(vec![wrong(block.span, "a block", None)]);
    }
    if entry.values.is_empty() {
        return Err(vec![wrong(entry.key.span, "nothing", None)]);
    }
    if let Some(second) = entry.values.get(1) {
        return Err(vec![wrong(
            second.span,
            "a second value",
            Some((
                "one value (for several write a list `[a, b]`)",
                "値1つ（複数ならリスト `[a, b]`）",
            )),
        )]);
    }
    let first = &mut entry.values[0];
    let span = first.span;
    // The value is moved out of the syntax tree (it is dropped after lowering).
    let value = match (&key.ty, &mut first.kind) {
        (KeyType::String, ValueKind::Str(s)) => AttrValue::Str(std::mem::take(s)),
        (KeyType::Number, ValueKind::Number(n)) => AttrValue::Number(n.clone()),
        (KeyType::Date, ValueKind::Date(d)) => AttrValue::Date(*d),
        (KeyType::Bool, ValueKind::Bool(b)) => AttrValue::Bool(*b),
        (KeyType::Range, ValueKind::Range(a, b)) => {
            AttrValue::Range(Box::new(((**a).clone(), (**b).clone())))
        }
        (KeyType::Tag, ValueKind::Ident(t)) => AttrValue::Tag(std::mem::take(t)),
        (KeyType::Tags, ValueKind::Ident(t)) => {
            AttrValue::Tags(Words::new([(&*t, span)].into_iter()))
        }
        (KeyType::Refs(_) | KeyType::Ref(_), ValueKind::Ident(t)) => {
            AttrValue::Refs(Words::new([(&*t, span)].into_iter()))
        }
        (KeyType::Tags | KeyType::Refs(_), ValueKind::List(items)) => {
            let mut errs = Vec::new();
            for item in items.iter() {
                let other = &item.kind;
                if !matches!(other, ValueKind::Ident(_)) {
                    let mut f = wrong(
                        item.span,
                        other.describe(),
                        Some(("identifiers in the list", "リストの要素として識別子")),
                    );
                    if let Some(help) = written_otherwise(key, other) {
                        f = f.with_help(help);
                    }
                    errs.push(f);
                }
            }
            if !errs.is_empty() {
                return Err(errs);
            }
            // Every item is an identifier: views into the file's text, held once for the list
            // (allocated at its length: a node lives as long as the run).
            let out = Words::new(items.iter().filter_map(|item| match &item.kind {
                ValueKind::Ident(t) => Some((t, item.span)),
                _ => None,
            }));
            if matches!(key.ty, KeyType::Tags) {
                AttrValue::Tags(out)
            } else {
                AttrValue::Refs(out)
            }
        }
        (KeyType::Enum(values), ValueKind::Ident(t)) => {
            if values.iter().any(|v| v == t.as_str()) {
                AttrValue::Enum(std::mem::take(t))
            } else {
                let mut f = wrong(span, &format!("`{t}`"), None);
                if let Some(s) = suggest(t, values.iter().map(String::as_str)) {
                    f = f.with_help(Text::did_you_mean(s));
                }
                return Err(vec![f]);
            }
        }
        (_, other) => {
            let mut f = wrong(span, other.describe(), None);
            if let Some(help) = written_otherwise(key, other) {
                f = f.with_help(help);
            }
            return Err(vec![f]);
        }
    };
    Ok((value, span))
}

/// The help for a value written in a form the schema lists as an alias of an accepted one
/// (`ministry "経済産業省"` → `METI`).
fn written_otherwise(key: &KeySchema, value: &ValueKind) -> Option<Text> {
    let ValueKind::Str(s) = value else {
        return None;
    };
    let accepted = key.accepted_form(s)?;
    let name = &key.name;
    let written = s.trim();
    Some(Text::new(
        format!("write `{name} {accepted}` ({written} is written `{accepted}`)"),
        format!("`{name} {accepted}` と書いてください（{written}は `{accepted}` と書きます）"),
    ))
}

fn series(key: &KeySchema, block: &ast::Block) -> Result<ThinVec<SeriesPoint>, Vec<Finding>> {
    let (points, errs) = series_parts(key, block);
    if errs.is_empty() {
        Ok(points)
    } else {
        Err(errs)
    }
}

/// The valid entries of a series block, and the errors of the others: one bad entry does not
/// drop the values beside it (issue 9).
fn series_parts(key: &KeySchema, block: &ast::Block) -> (ThinVec<SeriesPoint>, Vec<Finding>) {
    let mut points: ThinVec<SeriesPoint> = ThinVec::new();
    let mut errs = Vec::new();
    for e in &block.entries {
        let number = match (e.values.as_slice(), &e.block) {
            ([v], None) => match &v.kind {
                ValueKind::Number(n) => Some(n.clone()),
                _ => None,
            },
            _ => None,
        };
        let Some(value) = number else {
            errs.push(
                Finding::builtin(
                    &code::WRONG_TYPE,
                    e.span,
                    Text::new(
                        format!(
                            "each entry of `{}` is a fiscal year and one number",
                            key.name
                        ),
                        format!("`{}` の各項目は年度と数値1つです", key.name),
                    ),
                )
                .with_help(Text::new(
                    "write `FY2022 148`",
                    "`FY2022 148` の形で書いてください",
                )),
            );
            continue;
        };
        let year = e
            .key
            .text
            .strip_prefix("FY")
            .filter(|y| y.len() == 4)
            .and_then(|y| y.parse::<i32>().ok());
        if year.is_none() {
            errs.push(
                Finding::builtin(
                    &code::WRONG_TYPE,
                    e.key.span,
                    Text::new(
                        format!("`{}` is not a fiscal year such as `FY2022`", e.key.text),
                        format!("`{}` は `FY2022` のような年度ではありません", e.key.text),
                    ),
                )
                .with_help(Text::new(
                    "label each value with its fiscal year: `FY2022`",
                    "各値に年度を付けてください: `FY2022`",
                )),
            );
            continue;
        }
        if let Some(first) = points.iter().find(|p| p.label == e.key.text) {
            errs.push(
                Finding::builtin(
                    &code::DUPLICATE_KEY,
                    e.key.span,
                    Text::new(
                        format!("{} has two values in `{}`", e.key.text, key.name),
                        format!("`{}` に {} の値が2つあります", key.name, e.key.text),
                    ),
                )
                .with_secondary(first.span, Text::new("first value", "最初の値"))
                .with_help(Text::new(
                    "keep one value per fiscal year",
                    "年度ごとに値は1つにしてください",
                )),
            );
            continue;
        }
        points.push(SeriesPoint {
            label: e.key.text.clone(),
            year,
            value,
            span: e.span,
        });
    }
    (points, errs)
}

fn waiver(entry: &ast::Entry) -> Result<Waiver, Box<Finding>> {
    if let ([rule, reason, until_kw, until], None) = (entry.values.as_slice(), &entry.block) {
        if let (
            ValueKind::Ident(r),
            ValueKind::Str(why),
            ValueKind::Ident(kw),
            ValueKind::Date(d),
        ) = (&rule.kind, &reason.kind, &until_kw.kind, &until.kind)
        {
            if kw == "until" && !why.trim().is_empty() {
                return Ok(Waiver {
                    rule: r.clone(),
                    rule_span: rule.span,
                    reason: why.clone(),
                    until: *d,
                    span: entry.span,
                });
            }
        }
    }
    Err(Box::new(
        Finding::builtin(
            &code::MALFORMED_WAIVER,
            entry.span,
            Text::new(
                "a waiver is written `allow RULE \"reason\" until YYYY-MM-DD`",
                "例外は `allow 規則 \"理由\" until YYYY-MM-DD` の形で書きます",
            ),
        )
        .with_help(Text::new(
            "name the rule (code or slug), give a non-empty reason and an expiry date",
            "規則（コードまたはスラッグ）、空でない理由、期限を指定してください",
        )),
    ))
}

fn unknown_kind(schema: &Schema, decl: &ast::Decl) -> Finding {
    let mut names: Vec<&str> = schema.kind_names().collect();
    names.sort_unstable();
    let help = suggest(&decl.kind.text, names.iter().copied()).map_or_else(
        || {
            let all = super::error::all_kinds(schema);
            Text::new(
                format!("the kinds of this rule set are: {}", all.en),
                format!("この規則セットの種類: {}", all.ja),
            )
        },
        Text::did_you_mean,
    );
    Finding::builtin(
        &code::UNKNOWN_KIND,
        decl.kind.span,
        Text::new(
            format!("unknown kind `{}`", decl.kind.text),
            format!("未知の種類 `{}`", decl.kind.text),
        ),
    )
    .with_help(help)
    .with_node(&decl.id.text)
}

fn unknown_key(kind: &KindSchema, key: &ast::Ident) -> Finding {
    let mut names: Vec<&str> = kind.keys.iter().map(|k| k.name.as_str()).collect();
    names.push(ALLOW);
    names.sort_unstable();
    let help = match suggest(&key.text, names.iter().copied()) {
        Some(s) => Text::did_you_mean(s),
        None => Text::new(
            format!("{} takes: {}", kind.name, names.join(", ")),
            format!("{}で使えるキー: {}", kind.label.ja, names.join(", ")),
        ),
    };
    Finding::builtin(
        &code::UNKNOWN_KEY,
        key.span,
        Text::new(
            format!("{} takes no key `{}`", kind.name, key.text),
            format!("{}にはキー `{}` がありません", kind.label.ja, key.text),
        ),
    )
    .with_help(help)
}

fn duplicate_id(dup: &Node, first: &Node) -> Finding {
    Finding::builtin(
        &code::DUPLICATE_ID,
        dup.id_span,
        Text::new(
            format!("`{}` is declared twice", dup.id),
            format!("`{}` が2回宣言されています", dup.id),
        ),
    )
    .with_label(Text::new("declared again here", "ここで再び宣言"))
    .with_secondary(
        first.id_span,
        Text::new("first declared here", "最初の宣言"),
    )
    .with_help(Text::new(
        "IDs are shared by all files: rename one of the two, or delete the copy",
        "ID はすべてのファイルで共通です。どちらかの名前を変えるか、重複を削除してください",
    ))
    .with_node(&dup.id)
}
