//! Bytes tested eight at a time, in one `u64` ("SIMD within a register"): the classic tests
//! for a zero byte and for a byte below a bound, applied to every byte of a word at once. The
//! JSON writer's escaping and the lexer's plain strings pass over the words that hold none of
//! the bytes they look for, then look byte by byte from the first word that may.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Not zero exactly when a byte of `word` is `b` (the high bit of that byte is set, and
/// maybe of bytes after it: only whether it is zero tells anything). Tests are joined with
/// `|` and compared with zero once.
#[inline]
pub fn byte(word: u64, b: u8) -> u64 {
    let v = word ^ (ONES * u64::from(b));
    v.wrapping_sub(ONES) & !v & HIGH
}

/// Not zero exactly when a byte of `word` is below `bound` (at most 128: the test is exact
/// up to there), as [`byte`].
#[inline]
pub fn byte_below(word: u64, bound: u8) -> u64 {
    debug_assert!(bound <= 128);
    word.wrapping_sub(ONES * u64::from(bound)) & !word & HIGH
}

/// A chunk of eight bytes (from `chunks_exact(8)`) as one little-endian word; a shorter
/// chunk is read as if padded with zeros.
#[inline]
pub fn load(w: &[u8]) -> u64 {
    if let Ok(word) = <[u8; 8]>::try_from(w) {
        return u64::from_le_bytes(word);
    }
    let mut word = [0u8; 8];
    let n = w.len().min(8);
    word[..n].copy_from_slice(&w[..n]);
    u64::from_le_bytes(word)
}

/// How many bytes at the start of `bytes` lie in whole words of eight for which `stops` is
/// false: the bytes before the first word that may hold one the caller looks for (a multiple
/// of eight; the caller looks at the rest byte by byte).
#[inline]
pub fn clear_words(bytes: &[u8], stops: impl Fn(u64) -> bool) -> usize {
    bytes
        .chunks_exact(8)
        .take_while(|w| !stops(load(w)))
        .count()
        * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each test answers "is there such a byte in the word" exactly, for every byte value at
    /// every place among bytes that are not one (and higher bytes above a low one).
    #[test]
    fn a_chunk_is_loaded_little_endian_and_a_short_one_padded() {
        assert_eq!(
            load(b"\x01\x02\x03\x04\x05\x06\x07\x08"),
            0x0807_0605_0403_0201
        );
        assert_eq!(load(b"\x01\x02"), 0x0201);
        assert_eq!(load(b""), 0);
    }

    #[test]
    fn every_byte_is_found_at_every_place_and_no_other() {
        for b in 0u8..=0xff {
            for at in 0..8 {
                let mut word = [if b == b'a' { b'b' } else { b'a' }; 8];
                word[at] = b;
                let w = u64::from_le_bytes(word);
                for probe in [0u8, 0x1f, b'"', b'\\', b'a', 0x7f, 0xc2, 0xe2, 0xff] {
                    assert_eq!(
                        byte(w, probe) != 0,
                        word.contains(&probe),
                        "{b:#x} {probe:#x} at {at}"
                    );
                }
                for bound in [1u8, 0x20, 0x80] {
                    let expect = word.iter().any(|&x| x < bound);
                    assert_eq!(
                        byte_below(w, bound) != 0,
                        expect,
                        "{b:#x} < {bound:#x} at {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn clear_words_stop_at_the_first_word_that_may_hold_one() {
        let text = b"0123456789abcdef\"23456789";
        assert_eq!(clear_words(text, |w| byte(w, b'"') != 0), 16);
        assert_eq!(clear_words(b"0123456", |w| byte(w, b'"') != 0), 0);
        assert_eq!(clear_words(b"01234567", |w| byte(w, b'"') != 0), 8);
        assert_eq!(clear_words(b"", |_| false), 0);
    }
}
