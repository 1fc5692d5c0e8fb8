//! P1/P2/P3 with coverage guidance: any bytes → decode → tokenize and parse.
//! Never panics; tokens concatenate to the input; every span is in bounds and on char
//! boundaries.

#![no_main]

use align::source::{decode, FileId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (file, _) = decode("fuzz.align".into(), "fuzz.align".into(), data.to_vec());
    let text = file.text.as_str();
    let tokens = align::syntax::tokenize(text);
    let mut joined = String::with_capacity(text.len());
    let mut end = 0;
    for t in &tokens {
        assert_eq!(t.start, end, "tokens are contiguous");
        joined.push_str(t.text(text));
        end = t.end;
    }
    assert_eq!(joined, text, "token texts concatenate to the input");
    let (ast, findings) = align::syntax::parse(FileId(0), text);
    for f in &findings {
        let s = f.span;
        assert!(s.start <= s.end && s.end <= text.len(), "finding span in bounds: {f:?}");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "{f:?}");
    }
    for d in &ast.decls {
        let s = d.span;
        assert!(s.start <= s.end && s.end <= text.len(), "decl span in bounds");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
    }
});
