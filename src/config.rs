//! `align.toml`: per-project settings for `align check`.
//!
//! Found at the root of the specs being checked (the first path if it is a directory, or the
//! directory holding it if it is a file), or given with `--config FILE`. Command-line flags
//! override it. Every problem in it is an ALN090 finding with its TOML span (exit 2):
//!
//! ```toml
//! rules = "rules/basic-plan"        # rule set directory, relative to this file
//! lang = "ja"                       # ja | en
//! fail-on = "warning"               # error | warning | info | never
//! exclude = ["drafts/**"]           # globs relative to this file's directory
//! [severity]                        # per code or slug: off | info | warning | error
//! ALN106 = "off"
//! no-kpi = "error"
//! ```

use crate::diag::{code, Finding, Lang, Message, Severity, Text};
use crate::model::schema::{config_error, toml_error, unknown_name};
use crate::model::suggest::suggest;
use crate::rules::RuleSet;
use crate::source::{FileId, SourceError, SourceFile, SourceKind, SourceSet};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The configuration file's name.
pub const FILE_NAME: &str = "align.toml";

/// The keys an `align.toml` may have, in documentation order.
pub const KEYS: &[&str] = &["rules", "lang", "fail-on", "exclude", "severity"];

/// The lowest severity that makes `align check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// What a `[severity]` entry sets a code to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

/// A loaded, validated `align.toml` (severities are validated later, against the rule set).
#[derive(Debug)]
pub struct Config {
    /// The file in the source set (for spans).
    pub file: FileId,
    /// The directory holding the file: `rules` and `exclude` are relative to it.
    pub root: PathBuf,
    /// The rule set directory, already joined to `root`.
    pub rules: Option<PathBuf>,
    pub lang: Option<Lang>,
    pub fail_on: Option<FailOn>,
    exclude: GlobSet,
    severity: Vec<(Spanned<String>, Level)>,
}

/// Why a configuration cannot be used (exit 2).
#[derive(Debug)]
pub enum ConfigError {
    /// The file cannot be read.
    Io(String),
    /// ALN090 findings with spans into the registered file.
    Invalid(Vec<Finding>),
}

/// The file `align check PATHS` uses when no `--config` is given: `align.toml` at the root
/// of the first path, if there is one.
pub fn discover(paths: &[PathBuf]) -> Option<PathBuf> {
    let first = paths.first()?;
    let root = if first.is_dir() {
        first.as_path()
    } else {
        first.parent()?
    };
    let candidate = root.join(FILE_NAME);
    // Anything named align.toml is used, so that a FIFO, a directory or a broken link there is
    // an error, never silently ignored.
    candidate.symlink_metadata().is_ok().then_some(candidate)
}

impl Config {
    /// Reads `path`, registers it in `sources` and validates it.
    pub fn load(path: &Path, sources: &mut SourceSet) -> Result<Config, ConfigError> {
        let name = crate::source::display(path);
        let text = crate::source::read_text(path, crate::source::FileKind::Config)
            .map_err(|e| ConfigError::Io(format!("{name}: cannot read: {e}")))?;
        let file = sources.add(SourceFile::new(
            name,
            path.to_path_buf(),
            SourceKind::Config,
            text,
            true,
        ));
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Config::parse(file, &sources.get(file).text, root).map_err(ConfigError::Invalid)
    }

    /// Validates the text of a configuration file registered as `file`.
    pub fn parse(file: FileId, text: &str, root: PathBuf) -> Result<Config, Vec<Finding>> {
        // Unknown keys first, so each gets its own span and a did-you-mean.
        let toml_error = |e: &toml::de::Error| {
            let mut f = toml_error(file, e);
            f.help = Some(Message::from(Text::new(
                "correct the TOML at this place (see docs/ci.md for align.toml)",
                "この位置の TOML を修正してください（align.toml は docs/ci.md を参照）",
            )));
            vec![f]
        };
        let keys: IndexMap<Spanned<String>, toml::Value> =
            toml::from_str(text).map_err(|e| toml_error(&e))?;
        let unknown: Vec<Finding> = keys
            .keys()
            .filter(|k| !KEYS.contains(&k.get_ref().as_str()))
            .map(|k| unknown_name(file, k, "key", "キー", KEYS.iter().copied()))
            .collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&e))?;
        let mut errors = Vec::new();
        let lang = raw.lang.as_ref().and_then(|v| {
            choice(file, v, "lang", &["en", "ja"], &mut errors).map(|s| match s {
                "ja" => Lang::Ja,
                _ => Lang::En,
            })
        });
        let fail_on = raw.fail_on.as_ref().and_then(|v| {
            choice(
                file,
                v,
                "fail-on",
                &["error", "warning", "info", "never"],
                &mut errors,
            )
            .map(|s| match s {
                "warning" => FailOn::Warning,
                "info" => FailOn::Info,
                "never" => FailOn::Never,
                _ => FailOn::Error,
            })
        });
        let rules = raw.rules.as_ref().and_then(|v| {
            let dir = root.join(v.get_ref());
            if dir.is_dir() {
                Some(dir)
            } else {
                errors.push(config_error(
                    file,
                    v.span(),
                    Text::new(
                        format!("rule set directory `{}` does not exist", dir.display()),
                        format!("規則セットのディレクトリ `{}` がありません", dir.display()),
                    ),
                    Some(Text::new(
                        "give a directory holding schema.toml and rules.toml, relative to this file",
                        "schema.toml と rules.toml を含むディレクトリを、このファイルからの相対パスで指定してください",
                    )),
                ));
                None
            }
        });
        let mut globs = GlobSetBuilder::new();
        for pattern in &raw.exclude {
            match GlobBuilder::new(pattern.get_ref())
                .literal_separator(true)
                .build()
            {
                Ok(g) => {
                    globs.add(g);
                }
                Err(e) => {
                    let why = e.kind().to_string();
                    errors.push(config_error(
                        file,
                        pattern.span(),
                        Text::new(
                            format!("invalid glob `{}`: {why}", pattern.get_ref()),
                            format!("glob `{}` が不正です: {why}", pattern.get_ref()),
                        ),
                        Some(Text::new(
                            "`*` matches within one path segment, `**` across segments, `{a,b}` either; paths are relative to this file",
                            "`*` はパスの 1 区切り内、`**` は区切りをまたいで、`{a,b}` はどちらかに一致します。パスはこのファイルからの相対です",
                        )),
                    ));
                }
            }
        }
        let exclude = globs.build().unwrap_or_else(|_| GlobSet::empty());
        let mut severity = Vec::new();
        for (name, value) in &raw.severity {
            if let Some(level) = choice(
                file,
                value,
                "severity",
                &["off", "info", "warning", "error"],
                &mut errors,
            ) {
                let level = match level {
                    "off" => Level::Off,
                    "info" => Level::On(Severity::Info),
                    "warning" => Level::On(Severity::Warning),
                    _ => Level::On(Severity::Error),
                };
                severity.push((name.clone(), level));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Config {
            file,
            root,
            rules,
            lang,
            fail_on,
            exclude,
            severity,
        })
    }

    /// Whether a spec file is excluded: its path relative to [`Config::root`] (or, when it is
    /// not under the root, as shown) or any of its parent directories matches a glob. The walk
    /// asks before reading a file, so an excluded file is never read.
    pub fn excludes_file(&self, name: &str, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let rel = relative(path, &self.root);
        let rel = rel.as_deref().unwrap_or(Path::new(name));
        rel.ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }

    /// Whether a path named in a source error is excluded (same rule as
    /// [`Config::excludes_file`]).
    pub fn excludes_path(&self, shown: &str) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let path = Path::new(shown);
        let rel = relative(path, &self.root);
        rel.as_deref()
            .unwrap_or(path)
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }

    /// The `[severity]` table checked against the rule set's codes and slugs.
    pub fn overrides(&self, set: &RuleSet) -> Result<Overrides, Vec<Finding>> {
        let mut known: Vec<(&str, &str, Severity, bool)> = code::CODES
            .iter()
            .map(|c| (c.code, c.slug, c.severity, true))
            .collect();
        known.extend(
            set.rules
                .iter()
                .map(|r| (r.code.as_str(), r.slug.as_str(), r.severity, false)),
        );
        let names: Vec<&str> = known.iter().flat_map(|k| [k.0, k.1]).collect();
        let mut map: HashMap<String, Level> = HashMap::new();
        let mut first: HashMap<String, &Spanned<String>> = HashMap::new();
        let mut errors = Vec::new();
        for (name, level) in &self.severity {
            let n = name.get_ref();
            let Some(&(code, _, default, builtin)) = known
                .iter()
                .find(|k| k.0.eq_ignore_ascii_case(n) || k.1.eq_ignore_ascii_case(n))
            else {
                // `get`, not `[..3]`: byte 3 may fall inside a character (`aあ`, `A１０１`).
                let looks_like_code = n.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("ALN"))
                    && n.get(3..)
                        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
                errors.push(if looks_like_code {
                    // A near code number is another rule, not a typo: suggest nothing.
                    config_error(
                        self.file,
                        name.span(),
                        Text::new(
                            format!("no such code `{n}`"),
                            format!("コード `{n}` はありません"),
                        ),
                        Some(Text::new(
                            "`align rules` lists the codes and slugs of the rule set",
                            "`align rules` で規則セットのコードとスラッグを一覧できます",
                        )),
                    )
                } else {
                    unknown_name(
                        self.file,
                        name,
                        "code or slug",
                        "コードまたはスラッグ",
                        names.iter().copied(),
                    )
                });
                continue;
            };
            if builtin && default == Severity::Error && *level != Level::On(Severity::Error) {
                errors.push(config_error(
                    self.file,
                    name.span(),
                    Text::new(
                        format!(
                            "`{code}` is a structural error and its severity cannot be changed"
                        ),
                        format!("`{code}` は構造上のエラーのため重大度を変更できません"),
                    ),
                    Some(Text::new(
                        "fix the spec instead; a spec that cannot be read cannot be checked",
                        "仕様を修正してください。読み取れない仕様は検査できません",
                    )),
                ));
                continue;
            }
            if let Some(earlier) = first.get(code) {
                let mut f = config_error(
                    self.file,
                    name.span(),
                    Text::new(
                        format!("the severity of `{code}` is set twice"),
                        format!("`{code}` の重大度が二重に設定されています"),
                    ),
                    Some(Text::new(
                        "keep one entry (a code and its slug name the same rule)",
                        "1 つだけ残してください（コードとスラッグは同じ規則を指します）",
                    )),
                );
                f = f.with_secondary(
                    crate::diag::Span::new(self.file, earlier.span().start, earlier.span().end),
                    Text::new("first set here", "最初の設定"),
                );
                errors.push(f);
                continue;
            }
            first.insert(code.to_owned(), name);
            map.insert(code.to_owned(), *level);
        }
        if errors.is_empty() {
            Ok(Overrides(map))
        } else {
            Err(errors)
        }
    }
}

/// The path a source error names, as shown.
pub fn source_error_path(e: &SourceError) -> &str {
    match e {
        SourceError::NotFound { path }
        | SourceError::NoSpecs { path }
        | SourceError::Unreadable { path, .. }
        | SourceError::TooLarge { path, .. } => path,
    }
}

/// `path` relative to `root`, lexically or else through canonical paths.
fn relative(path: &Path, root: &Path) -> Option<PathBuf> {
    if let Ok(rel) = path.strip_prefix(root) {
        return Some(rel.to_path_buf());
    }
    let path = std::fs::canonicalize(path).ok()?;
    let root = std::fs::canonicalize(if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    })
    .ok()?;
    path.strip_prefix(root).ok().map(Path::to_path_buf)
}

/// One of `allowed`, or an ALN090 finding at the value.
fn choice<'a>(
    file: FileId,
    value: &Spanned<String>,
    key: &str,
    allowed: &[&'a str],
    errors: &mut Vec<Finding>,
) -> Option<&'a str> {
    let v = value.get_ref();
    if let Some(ok) = allowed.iter().find(|a| a.eq_ignore_ascii_case(v)) {
        return Some(ok);
    }
    let list = allowed.join(", ");
    let help = match suggest(v, allowed.iter().copied()) {
        Some(s) => Text::new(
            format!("did you mean `{s}`? (one of {list})"),
            format!("`{s}` の誤りではありませんか？（{list} のいずれか）"),
        ),
        None => Text::new(
            format!("use one of {list}"),
            format!("{list} のいずれかを使ってください"),
        ),
    };
    errors.push(config_error(
        file,
        value.span(),
        Text::new(
            format!("invalid `{key}` value `{v}`"),
            format!("`{key}` の値 `{v}` が不正です"),
        ),
        Some(help),
    ));
    None
}

/// Severity overrides by code, validated against a rule set.
#[derive(Debug, Default, Clone)]
pub struct Overrides(HashMap<String, Level>);

impl Overrides {
    /// The level set for a code, if any.
    pub fn get(&self, code: &str) -> Option<Level> {
        self.0.get(code).copied()
    }

    /// Sets each finding's severity and drops the findings of codes that are `off`.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        if self.0.is_empty() {
            return findings;
        }
        findings
            .into_iter()
            .filter_map(|mut f| match self.0.get(f.code.as_str()) {
                Some(Level::Off) => None,
                Some(Level::On(s)) => {
                    f.severity = *s;
                    Some(f)
                }
                None => Some(f),
            })
            .collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    rules: Option<Spanned<String>>,
    lang: Option<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    severity: IndexMap<Spanned<String>, Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Finding>> {
        Config::parse(FileId(0), text, PathBuf::from("specs"))
    }

    fn errors(text: &str) -> Vec<(String, String)> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|f| {
                (
                    text[f.span.range()].to_owned(),
                    format!(
                        "{} / {}",
                        f.message.en(),
                        f.help.map(|h| h.en().into_owned()).unwrap_or_default()
                    ),
                )
            })
            .collect()
    }

    #[test]
    fn every_key_is_read() {
        let c = parse(
            "lang = \"ja\"\nfail-on = \"warning\"\nexclude = [\"drafts/**\"]\n[severity]\nALN102 = \"off\"\n",
        )
        .unwrap();
        assert_eq!(c.lang, Some(Lang::Ja));
        assert_eq!(c.fail_on, Some(FailOn::Warning));
        assert_eq!(c.severity.len(), 1);
        let excludes = |p: &str| c.excludes_file(p, Path::new(p));
        assert!(excludes("specs/drafts/a.align"));
        assert!(excludes("specs/drafts/deep/b.align"));
        assert!(!excludes("specs/plan.align"));
        assert!(c.excludes_path("specs/drafts/c.align"));
        assert!(parse("").unwrap().rules.is_none());
    }

    #[test]
    fn bad_values_point_at_the_value() {
        assert_eq!(
            errors("lang = \"jp\"\nfail-on = \"warnings\"\n"),
            vec![
                (
                    "\"jp\"".to_owned(),
                    "invalid `lang` value `jp` / did you mean `ja`? (one of en, ja)".to_owned()
                ),
                (
                    "\"warnings\"".to_owned(),
                    "invalid `fail-on` value `warnings` / did you mean `warning`? (one of error, warning, info, never)".to_owned()
                ),
            ]
        );
        let e = errors("exclude = [\"a/{b\"]\n");
        assert_eq!(e[0].0, "\"a/{b\"");
        assert!(e[0].1.starts_with("invalid glob"), "{e:?}");
        let e = errors("rules = \"no/such/dir\"\n");
        assert_eq!(e[0].0, "\"no/such/dir\"");
    }

    #[test]
    fn unknown_keys_get_a_did_you_mean() {
        assert_eq!(
            errors("fail_on = \"error\"\n"),
            vec![(
                "fail_on".to_owned(),
                "unknown key `fail_on` / did you mean `fail-on`?".to_owned()
            )]
        );
        let e = errors("[severity]\nALN101 = 3\n");
        assert!(e[0].1.starts_with("invalid TOML"), "{e:?}");
    }

    #[test]
    fn severities_are_checked_against_the_rule_set() {
        let mut sources = SourceSet::new();
        let set = RuleSet::embedded(&mut sources).unwrap();
        let c = parse("[severity]\nitem-without-progrm = \"off\"\nALN010 = \"warning\"\nALN101 = \"info\"\nitem-without-program = \"off\"\n").unwrap();
        let errs = c.overrides(&set).unwrap_err();
        let msgs: Vec<String> = errs.iter().map(|f| f.message.en().into_owned()).collect();
        assert_eq!(
            msgs,
            vec![
                "unknown code or slug `item-without-progrm`",
                "`ALN010` is a structural error and its severity cannot be changed",
                "the severity of `ALN101` is set twice",
            ]
        );
        assert_eq!(
            errs[0].help.as_ref().unwrap().en(),
            "did you mean `item-without-program`?"
        );
        let ok = parse("[severity]\nno-kpi = \"off\"\nALN101 = \"warning\"\nALN019 = \"error\"\n")
            .unwrap()
            .overrides(&set)
            .unwrap();
        // Non-ASCII names: byte 3 falls inside a character (a panic when sliced by index).
        let c =
            parse("[severity]\n\"aあ\" = \"off\"\n\"A１０１\" = \"off\"\n\"ALNあ\" = \"off\"\n")
                .unwrap();
        let msgs: Vec<String> = c
            .overrides(&set)
            .unwrap_err()
            .into_iter()
            .map(|f| f.message.en().into_owned())
            .collect();
        assert_eq!(
            msgs,
            vec![
                "unknown code or slug `aあ`",
                "unknown code or slug `A１０１`",
                "unknown code or slug `ALNあ`",
            ]
        );
        let mut f = Finding::new(
            "ALN101",
            "item-without-program",
            Severity::Error,
            crate::diag::Span::new(FileId(0), 0, 0),
            Text::same("x"),
        );
        let mut g = f.clone();
        g.code = "ALN102".into();
        f = ok.apply(vec![f, g]).remove(0);
        assert_eq!(f.severity, Severity::Warning);
    }
}
