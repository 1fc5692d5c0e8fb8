//! `docs/language.md` §7 (the kinds of the `basic-plan` set) agrees with
//! `rules/basic-plan/schema.toml`: every kind has a section, every key a row, and each row's
//! type, targets or values, acyclic mark and bold (required) mark are the schema's.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure

use align::model::schema::{KeyType, Schema};
use align::source::FileId;
use std::collections::BTreeMap;

/// A key row of the document: type column, to/values column, bold.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    ty: String,
    to: String,
    required: bool,
}

/// Kind → (title required, key → row), read from §7 of docs/language.md.
fn documented(doc: &str) -> BTreeMap<String, (bool, BTreeMap<String, Row>)> {
    let section = doc
        .split("\n## 7.")
        .nth(1)
        .and_then(|s| s.split("\n## 8.").next())
        .expect("§7 in docs/language.md");
    let mut kinds = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        if let Some(head) = line.strip_prefix("### `") {
            let (name, rest) = head.split_once('`').unwrap();
            let title_required = rest.contains("Title required.");
            current = Some(name.to_owned());
            kinds.insert(name.to_owned(), (title_required, BTreeMap::new()));
            continue;
        }
        if line.starts_with("### ") {
            current = None;
            continue;
        }
        let Some(kind) = &current else { continue };
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | key | type | to / values | meaning |
        if cells.len() < 5 || !cells[1].contains('`') {
            continue;
        }
        let required = cells[1].starts_with("**");
        let key = cells[1].trim_matches('*').trim_matches('`').to_owned();
        let row = Row {
            ty: cells[2].to_owned(),
            to: cells[3].replace('`', ""),
            required,
        };
        kinds.get_mut(kind).unwrap().1.insert(key, row);
    }
    kinds
}

fn schema_rows(schema: &Schema) -> BTreeMap<String, (bool, BTreeMap<String, Row>)> {
    let name = |id: &align::model::KindId| schema.kind(*id).name.clone();
    schema
        .kinds
        .iter()
        .map(|k| {
            let rows = k
                .keys
                .iter()
                .map(|key| {
                    let (ty, to) = match &key.ty {
                        KeyType::String => ("string", String::new()),
                        KeyType::Number => ("number", String::new()),
                        KeyType::Date => ("date", String::new()),
                        KeyType::Bool => ("bool", String::new()),
                        KeyType::Range => ("range", String::new()),
                        KeyType::Tag => ("tag", String::new()),
                        KeyType::Tags => ("tags", String::new()),
                        KeyType::Series => ("series", String::new()),
                        KeyType::Enum(values) => ("enum", values.join(", ")),
                        KeyType::Ref(to) => {
                            ("ref", to.iter().map(name).collect::<Vec<_>>().join(", "))
                        }
                        KeyType::Refs(to) => {
                            ("refs", to.iter().map(name).collect::<Vec<_>>().join(", "))
                        }
                    };
                    let ty = if key.acyclic {
                        format!("{ty} (acyclic)")
                    } else {
                        ty.to_owned()
                    };
                    (
                        key.name.clone(),
                        Row {
                            ty,
                            to,
                            required: key.required,
                        },
                    )
                })
                .collect();
            (k.name.clone(), (k.title_required, rows))
        })
        .collect()
}

#[test]
fn the_kind_tables_of_the_language_doc_match_the_schema() {
    let root = env!("CARGO_MANIFEST_DIR");
    let doc = std::fs::read_to_string(format!("{root}/docs/language.md")).unwrap();
    let text = std::fs::read_to_string(format!("{root}/rules/basic-plan/schema.toml")).unwrap();
    let schema = Schema::load(FileId(0), &text).unwrap();
    let documented = documented(&doc);
    let expected = schema_rows(&schema);
    let kinds = |m: &BTreeMap<String, _>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        kinds(&documented),
        kinds(&expected),
        "kinds in §7 vs the schema"
    );
    for (kind, (title, rows)) in &expected {
        let (doc_title, doc_rows) = &documented[kind];
        assert_eq!(
            doc_title, title,
            "`{kind}`: \"Title required.\" in the heading"
        );
        for (key, row) in rows {
            let doc_row = doc_rows
                .get(key)
                .unwrap_or_else(|| panic!("`{kind}`: no row for key `{key}` in docs/language.md"));
            assert_eq!(
                doc_row, row,
                "`{kind}`.`{key}`: docs/language.md vs the schema"
            );
        }
        for key in doc_rows.keys() {
            assert!(
                rows.contains_key(key),
                "`{kind}`: docs/language.md lists `{key}`, which the schema lacks"
            );
        }
    }
}
