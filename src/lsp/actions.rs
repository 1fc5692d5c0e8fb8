//! Code actions on the findings under the cursor: apply a did-you-mean, and add a waiver
//! (`allow SLUG "…" until DATE`, a year from today) to the declaration a rule reports on.

use super::analysis::Analysis;
use super::diagnostics::range;
use super::uri;
use crate::diag::{code, Finding, Lang};
use crate::syntax::ast::Date;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic, NumberOrString,
    Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

pub(crate) fn code_actions(
    a: &Analysis,
    p: &CodeActionParams,
    today: Date,
) -> Option<Vec<CodeActionOrCommand>> {
    let path = uri::to_path(&p.text_document.uri)?;
    let spec = a.spec(&path)?;
    let lines = &spec.lines;
    let text = a.text(spec.id);
    let from = lines.offset(text, p.range.start);
    let to = lines.offset(text, p.range.end);
    let mut out = Vec::new();
    for f in &a.findings {
        if f.span.file != spec.id || f.span.start() > to || f.span.end() < from {
            continue;
        }
        let diagnostic = p
            .context
            .diagnostics
            .iter()
            .find(|d| {
                Some(d.range) == range(a, f.span)
                    && d.code == Some(NumberOrString::String(f.code.to_string()))
            })
            .cloned();
        if let Some(action) = did_you_mean(a, f, &p.text_document.uri, diagnostic.clone()) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
        if let Some(action) = waiver(a, f, today, diagnostic) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    Some(out)
}

/// The suggestion of a `did you mean `X`?` help, replacing the finding's span.
fn did_you_mean(
    a: &Analysis,
    f: &Finding,
    uri: &Uri,
    diagnostic: Option<Diagnostic>,
) -> Option<CodeAction> {
    let help = f.help.as_ref()?.get(crate::base::Lang::En);
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let suggestion = &rest[..rest.find("`?")?];
    let old = a.text(f.span.file).get(f.span.range())?;
    if suggestion.is_empty() || old.is_empty() || old.contains('\n') {
        return None;
    }
    let title = if a.lang == Lang::Ja {
        format!("`{suggestion}` に置き換える")
    } else {
        format!("Replace `{old}` with `{suggestion}`")
    };
    let edit = TextEdit::new(range(a, f.span)?, suggestion.to_owned());
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit::new(HashMap::from([(
            uri.clone(),
            vec![edit],
        )]))),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// `allow SLUG "…" until DATE` in the block of the declaration a rule's finding is about.
fn waiver(
    a: &Analysis,
    f: &Finding,
    today: Date,
    diagnostic: Option<Diagnostic>,
) -> Option<CodeAction> {
    // Waivers silence rule findings; structural findings are fixed, not waived.
    if code::lookup(&f.code).is_some() {
        return None;
    }
    let model = a.model.as_ref()?;
    let node = model.node(model.get(f.nodes.first()?)?);
    let file = node.span.file;
    let text = a.text(file);
    let until = a_year_after(today);
    let waiver = format!("allow {} \"…\" until {until}", f.slug);
    let decl = text.get(node.span.range())?;
    let (at, insert) = if decl.ends_with('}') {
        let close = node.span.end() - 1;
        let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..close];
        if before.trim().is_empty() {
            // `}` on its own line: a new entry line above it, indented one step more.
            (line_start, format!("{before}  {waiver}\n"))
        } else {
            // A one-line block: `{ goal G1 }` → `{ goal G1; allow … }`.
            let end = text[..close].trim_end().len();
            let sep = if text[..end].ends_with(['{', ';']) {
                " "
            } else {
                "; "
            };
            (end, format!("{sep}{waiver}"))
        }
    } else {
        (node.span.end(), format!(" {{\n  {waiver}\n}}"))
    };
    let lines = a.lines(file)?;
    let pos = lines.position(text, at);
    let title = if a.lang == Lang::Ja {
        format!("{} に例外を追加（allow {}）", node.id, f.slug)
    } else {
        format!("Add a waiver to {} (allow {})", node.id, f.slug)
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit::new(HashMap::from([(
            uri::from_path(a.path(file)?)?,
            vec![TextEdit::new(Range::new(pos, pos), insert)],
        )]))),
        ..CodeAction::default()
    })
}

/// The same day a year later (28 February for 29 February).
fn a_year_after(d: Date) -> Date {
    let year = d.year.saturating_add(1);
    Date::new(year, d.month, d.day)
        .or_else(|| Date::new(year, d.month, 28))
        .unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_after_a_leap_day_is_the_28th() {
        let d = Date::new(2028, 2, 29).unwrap();
        assert_eq!(a_year_after(d).to_string(), "2029-02-28");
        assert_eq!(
            a_year_after(Date::new(2026, 11, 24).unwrap()).to_string(),
            "2027-11-24"
        );
    }
}
