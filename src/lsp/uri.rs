//! `file://` URIs ↔ paths (RFC 8089 as editors send them: percent-encoded UTF-8 bytes).

use lsp_types::Uri;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The path of a `file:` URI, or `None` for another scheme or a malformed escape.
pub(crate) fn to_path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s
        .strip_prefix("file://")
        .or_else(|| s.strip_prefix("FILE://"))?;
    // An authority of `localhost` or none; the path starts at the next `/`.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if rest[..i].eq_ignore_ascii_case("localhost") => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = decode(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
    }
    #[cfg(not(unix))]
    {
        // `/C:/x` → `C:/x`.
        let s = String::from_utf8(bytes).ok()?;
        let s = match s.as_bytes() {
            [b'/', _, b':', ..] => s[1..].to_owned(),
            _ => s,
        };
        Some(PathBuf::from(s))
    }
}

/// The `file:` URI of an absolute path.
pub(crate) fn from_path(path: &Path) -> Option<Uri> {
    let mut out = String::from("file://");
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = {
        let s = path.to_string_lossy().replace('\\', "/");
        if s.starts_with('/') {
            s.into_bytes()
        } else {
            format!("/{s}").into_bytes()
        }
    };
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) || (cfg!(windows) && b == b':') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    Uri::from_str(&out).ok()
}

fn decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn round_trips_japanese_and_spaces() {
        let p = Path::new("/tmp/計画 案/plan.align");
        let uri = from_path(p).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///tmp/%E8%A8%88%E7%94%BB%20%E6%A1%88/plan.align"
        );
        assert_eq!(to_path(&uri).unwrap(), p);
    }

    #[test]
    fn other_schemes_and_bad_escapes_are_not_paths() {
        assert!(to_path(&Uri::from_str("untitled:Untitled-1").unwrap()).is_none());
        assert!(to_path(&Uri::from_str("file://host/x").unwrap()).is_none());
        assert_eq!(
            to_path(&Uri::from_str("file://localhost/a%20b").unwrap()),
            Some(PathBuf::from("/a b"))
        );
    }
}
