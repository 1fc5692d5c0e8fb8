//! `align fmt [--check] [--diff] PATHS…`: lay spec files out canonically (docs/language.md),
//! or report which would change. Exit 0 done or nothing to change, 1 files would change
//! (`--check`, `--diff`), 2 a file was refused (syntax errors) or an I/O error.

use super::{
    error_prefix, print_source_errors, rule_set_failure, use_color, ColorArg, Failure, RuleSetArgs,
};
use crate::diag::Lang;
use crate::fmt::{self, Outcome, Refusal};
use crate::report::human::{self, HumanOptions};
use crate::report::sanitize::line;
use crate::source::{self, FileId, SourceKind, SourceSet};
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct FmtArgs {
    /// Files or directories to format (directories are searched for *.align recursively).
    #[arg(required = true, value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Write nothing: list the files not in canonical layout, and exit 1 if there are any.
    #[arg(long)]
    check: bool,
    /// Write nothing: print a unified diff of what would change, and exit 1 if anything would.
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    pub(super) rule_set: RuleSetArgs,
    /// Colour the diagnostics of refused files.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorArg,
}

/// What formatting every spec gave: the files to change (text and safe fixes), how many were
/// already formatted, how many were refused (reasons already on stderr).
struct Formatted {
    changed: Vec<(FileId, String, usize)>,
    unchanged: usize,
    refused: usize,
}

/// Formats every spec file, in parallel (each is independent), reported in walk order.
fn format_specs(
    loaded: &source::Loaded,
    lang: Lang,
    opts: HumanOptions,
    err: &mut dyn Write,
) -> io::Result<Formatted> {
    let sources = &loaded.sources;
    let error = error_prefix(lang);
    let mut done = Formatted {
        changed: Vec::new(),
        unchanged: 0,
        refused: 0,
    };
    let specs: Vec<_> = sources
        .files()
        .filter(|(_, f)| f.kind == SourceKind::Spec)
        .collect();
    let results: Vec<_> = specs
        .par_iter()
        .map(|(id, f)| f.valid.then(|| fmt::format(*id, &f.text)))
        .collect();
    for ((id, file), result) in specs.into_iter().zip(results) {
        let name = line(&file.name);
        let Some(result) = result else {
            let mine: Vec<_> = loaded
                .findings
                .iter()
                .filter(|f| f.span.file == id)
                .cloned()
                .collect();
            human::render_findings(&mine, sources, lang, opts, err)?;
            let why = lang.pick(
                "not formatted: not UTF-8",
                "整形していません: UTF-8 ではありません",
            );
            writeln!(err, "{error} {name}: {why}")?;
            done.refused += 1;
            continue;
        };
        match result {
            Ok(Outcome::Unchanged) => done.unchanged += 1,
            Ok(Outcome::Changed { text, fixes }) => done.changed.push((id, text, fixes)),
            Err(Refusal::Syntax(findings)) => {
                human::render_findings(&findings, sources, lang, opts, err)?;
                let why = lang.pick(
                    "not formatted: it has syntax errors; fix them and run `align fmt` again",
                    "整形していません: 構文エラーがあります。直してから `align fmt` を再実行してください",
                );
                writeln!(err, "{error} {name}: {why}")?;
                done.refused += 1;
            }
            Err(Refusal::Unsafe(why)) => {
                writeln!(
                    err,
                    "{error} {name}: not formatted: {} (a bug in `align fmt`; the file is left as it is)",
                    line(&why)
                )?;
                done.refused += 1;
            }
        }
    }
    Ok(done)
}

/// Shows (`--diff`), lists (`--check`) or writes the changed files; returns how many could not
/// be written.
fn apply(
    args: &FmtArgs,
    sources: &SourceSet,
    changed: &[(FileId, String, usize)],
    lang: Lang,
    err: &mut dyn Write,
    out: &mut dyn Write,
) -> io::Result<usize> {
    let dry = args.check || args.diff;
    let mut failed = 0;
    for (id, text, fixes) in changed {
        let file = sources.get(*id);
        if args.diff {
            write!(out, "{}", fmt::diff::unified(&file.name, &file.text, text))?;
        }
        if args.check {
            writeln!(out, "would reformat: {}", line(&file.name))?;
        }
        if !dry {
            if let Err(e) = write_keeping_permissions(&file.path, text) {
                writeln!(
                    err,
                    "{} {}: {} {}",
                    error_prefix(lang),
                    line(&file.name),
                    lang.pick("cannot write:", "書き込めません:"),
                    line(&e.to_string())
                )?;
                failed += 1;
                continue;
            }
            let fixed = match fixes {
                0 => String::new(),
                1 => " (1 safe fix)".to_owned(),
                n => format!(" ({n} safe fixes)"),
            };
            writeln!(out, "reformatted: {}{fixed}", line(&file.name))?;
        }
    }
    Ok(failed)
}

pub(super) fn run(args: &FmtArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let lang = args.rule_set.lang();
    let color = use_color(args.color);
    let loaded = source::load(&args.paths, source::DEFAULT_MAX_FILE_SIZE);
    let sources = &loaded.sources;
    let mut err = io::stderr().lock();
    print_source_errors(&loaded.errors, lang, &mut err)?;
    if sources.spec_count() == 0 && !loaded.errors.is_empty() {
        return Ok(2);
    }
    let opts = HumanOptions {
        color,
        ..HumanOptions::default()
    };
    let Formatted {
        changed,
        unchanged,
        refused,
    } = format_specs(&loaded, lang, opts, &mut err)?;
    let mut refused = refused + loaded.errors.len();

    // The formatted set must check to the same findings as the original one.
    if !changed.is_empty() {
        match same_findings(args, sources, &changed) {
            Ok(None) => {}
            Ok(Some(why)) => {
                writeln!(
                    err,
                    "{} not formatted: the formatted files would check differently ({why}); a bug in `align fmt`, nothing was written",
                    error_prefix(lang)
                )?;
                return Ok(2);
            }
            Err(e) => return rule_set_failure(e, sources, lang, color),
        }
    }

    let dry = args.check || args.diff;
    refused += apply(args, sources, &changed, lang, &mut err, out)?;
    let n = changed.len();
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    let summary = if dry {
        format!(
            "{n} {} would be reformatted, {unchanged} already formatted",
            files(n)
        )
    } else {
        format!("{n} {} reformatted, {unchanged} unchanged", files(n))
    };
    let summary = if refused > 0 {
        format!("{summary}, {refused} not formatted")
    } else {
        summary
    };
    writeln!(err, "{summary}")?;
    Ok(if refused > 0 {
        2
    } else {
        u8::from(dry && n > 0)
    })
}

/// Whether the specs check to the same findings before and after formatting.
fn same_findings(
    args: &FmtArgs,
    sources: &SourceSet,
    changed: &[(FileId, String, usize)],
) -> Result<Option<String>, crate::rules::RuleSetError> {
    let specs = || {
        sources
            .files()
            .filter(|(_, f)| f.kind == SourceKind::Spec && f.valid)
    };
    let before: Vec<(String, String)> = specs()
        .map(|(_, f)| (f.name.clone(), f.text.to_string()))
        .collect();
    let after: Vec<(String, String)> = specs()
        .map(|(id, f)| {
            let text = changed
                .iter()
                .find(|(c, _, _)| *c == id)
                .map_or_else(|| f.text.to_string(), |(_, t, _)| t.clone());
            (f.name.clone(), text)
        })
        .collect();
    fmt::set::compare(&before, &after, &|s| args.rule_set.load(s))
}

/// Writes `text` over `path` atomically (temporary file + rename), keeping the file's
/// permissions.
fn write_keeping_permissions(path: &std::path::Path, text: &str) -> io::Result<()> {
    let permissions = std::fs::metadata(path).map(|m| m.permissions());
    crate::baseline::write_atomic(path, text.as_bytes())?;
    if let Ok(p) = permissions {
        std::fs::set_permissions(path, p)?;
    }
    Ok(())
}
