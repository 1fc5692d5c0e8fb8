//! IDs under the cursor, go to definition, find references, and rename (with prepareRename,
//! refusing a name that is not an ID or is already declared).

use super::analysis::Analysis;
use super::diagnostics::range;
use super::uri;
use crate::diag::{Lang, Span};
use crate::model::{AttrValue, Node};
use crate::source::FileId;
use lsp_server::ErrorCode;
use lsp_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, PrepareRenameResponse, ReferenceParams,
    RenameParams, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;

/// The file and byte offset of a position in a checked document.
pub(crate) fn locate(a: &Analysis, pos: &TextDocumentPositionParams) -> Option<(FileId, usize)> {
    let path = uri::to_path(&pos.text_document.uri)?;
    let spec = a.spec(&path)?;
    Some((spec.id, spec.lines.offset(a.text(spec.id), pos.position)))
}

/// What an ID token under the cursor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Declaration,
    Reference,
}

/// The ID token at `offset` (a declaration's ID or a reference), with its span.
pub(crate) fn id_at(a: &Analysis, file: FileId, offset: usize) -> Option<(&str, Span, Role)> {
    let spec = a.spec_by_id(file)?;
    let inside = |s: &Span| s.start() <= offset && offset <= s.end();
    let node = spec.nodes.iter().find(|n| inside(&n.span))?;
    if inside(&node.id_span) {
        return Some((node.id.as_str(), node.id_span, Role::Declaration));
    }
    refs(node)
        .find(|(_, s)| inside(s))
        .map(|(id, s)| (id, s, Role::Reference))
}

/// The references a node makes, with their spans.
fn refs(node: &Node) -> impl Iterator<Item = (&str, Span)> {
    node.attrs
        .iter()
        .filter_map(|attr| match &attr.value {
            AttrValue::Refs(refs) => Some(refs),
            _ => None,
        })
        .flat_map(|refs| refs.iter(node.span.file))
}

/// Every declaration of `id` (a duplicate too), in file order.
fn declarations<'a>(a: &'a Analysis, id: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
    a.specs
        .iter()
        .flat_map(|s| s.nodes.iter())
        .filter(move |n| n.id == id)
}

/// Every reference to `id`, in file order.
fn references_to<'a>(a: &'a Analysis, id: &'a str) -> impl Iterator<Item = Span> + 'a {
    a.specs
        .iter()
        .flat_map(|s| s.nodes.iter())
        .flat_map(refs)
        .filter(move |(r, _)| *r == id)
        .map(|(_, s)| s)
}

fn location(a: &Analysis, span: Span) -> Option<Location> {
    Some(Location::new(
        uri::from_path(a.path(span.file)?)?,
        range(a, span)?,
    ))
}

pub(crate) fn definition(a: &Analysis, p: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (file, offset) = locate(a, &p.text_document_position_params)?;
    let (id, _, _) = id_at(a, file, offset)?;
    let found: Vec<Location> = declarations(a, id)
        .filter_map(|n| location(a, n.id_span))
        .collect();
    (!found.is_empty()).then_some(GotoDefinitionResponse::Array(found))
}

pub(crate) fn references(a: &Analysis, p: &ReferenceParams) -> Option<Vec<Location>> {
    let (file, offset) = locate(a, &p.text_document_position)?;
    let (id, _, _) = id_at(a, file, offset)?;
    let mut spans: Vec<Span> = Vec::new();
    if p.context.include_declaration {
        spans.extend(declarations(a, id).map(|n| n.id_span));
    }
    spans.extend(references_to(a, id));
    Some(spans.into_iter().filter_map(|s| location(a, s)).collect())
}

pub(crate) fn prepare_rename(
    a: &Analysis,
    p: &TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let (file, offset) = locate(a, p)?;
    let (id, span, _) = id_at(a, file, offset)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: range(a, span)?,
        placeholder: id.to_owned(),
    })
}

/// Renames an ID at its declarations and every reference, in every file.
pub(crate) fn rename(
    a: &Analysis,
    p: &RenameParams,
    lang: Lang,
) -> Result<Option<WorkspaceEdit>, (i32, String)> {
    let Some((file, offset)) = locate(a, &p.text_document_position) else {
        return Ok(None);
    };
    let Some((id, _, _)) = id_at(a, file, offset) else {
        return Ok(None);
    };
    let new = p.new_name.trim();
    let refuse = |en: String, ja: String| {
        Err((
            ErrorCode::InvalidParams as i32,
            if lang == Lang::Ja { ja } else { en },
        ))
    };
    if !is_id(new) {
        return refuse(
            format!("`{new}` is not an ID (letters, digits, `_`, `-`, parts joined by `.`)"),
            format!("`{new}` は ID として使えません（英数字・`_`・`-`、区切りは `.`）"),
        );
    }
    if new == id {
        return Ok(None);
    }
    if let Some(taken) = declarations(a, new).next() {
        let at = a
            .file(taken.id_span.file)
            .map(|f| {
                let (line, col) = f.line_col(taken.id_span.start());
                format!("{}:{line}:{col}", f.name)
            })
            .unwrap_or_default();
        return refuse(
            format!("`{new}` is already declared ({at})"),
            format!("`{new}` は既に宣言されています（{at}）"),
        );
    }
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for span in declarations(a, id)
        .map(|n| n.id_span)
        .chain(references_to(a, id))
    {
        if let Some(loc) = location(a, span) {
            changes
                .entry(loc.uri)
                .or_default()
                .push(TextEdit::new(loc.range, new.to_owned()));
        }
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}

/// `IDENT_PATH`: `[A-Za-z_][A-Za-z0-9_-]*` then any number of `.` + `[A-Za-z0-9_-]+`.
pub(crate) fn is_id(s: &str) -> bool {
    let mut parts = s.split('.');
    let word = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    let Some(first) = parts.next() else {
        return false;
    };
    word(first)
        && first
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && parts.all(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_ident_path() {
        for ok in [
            "V1",
            "G1.3",
            "amed.hub",
            "_x",
            "international-joint-trial",
            "I1.6.2",
        ] {
            assert!(is_id(ok), "{ok}");
        }
        for bad in ["", "1G", "G1.", ".G1", "G1..3", "a b", "目標", "-x"] {
            assert!(!is_id(bad), "{bad}");
        }
    }
}
