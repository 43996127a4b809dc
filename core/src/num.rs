//! Whole numbers as decimal text, without `core::fmt`.
//!
//! `format!` and `to_string()` on integers pull Rust's formatting machinery
//! into the wasm, kilobytes for the handful of numbers the banner writes (a
//! record's times, a config error's limits). The wasm paths use these
//! instead; host-only code and tests may format as they like.

use crate::prelude::*;
/// Appends `n` in decimal, left-padded with zeros to at least `width` digits.
///
/// ```
/// let mut s = String::new();
/// diffo_consent_core::num::push_padded(&mut s, 7, 3);
/// diffo_consent_core::num::push_padded(&mut s, 12345, 2);
/// assert_eq!(s, "00712345");
/// ```
pub fn push_padded(out: &mut String, mut n: u64, width: usize) {
    // The digits, least significant first. (No indexing: a bounds check
    // would bring panic formatting into the wasm.)
    let mut digits = [0u8; 20];
    let mut len = 0;
    for slot in digits.iter_mut() {
        *slot = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for &d in digits.iter().take(len).rev() {
        out.push(char::from(d));
    }
}

/// `n` in decimal.
///
/// ```
/// assert_eq!(diffo_consent_core::num::decimal(-9_223_372_036_854_775_808), "-9223372036854775808");
/// ```
pub fn decimal(n: i64) -> String {
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    push_padded(&mut out, n.unsigned_abs(), 1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_standard_formatter() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            12_345,
            -1,
            -10,
            i64::MAX,
            i64::MIN,
            1_795_420_800_123,
        ] {
            assert_eq!(decimal(n), n.to_string());
        }
        let mut s = String::new();
        push_padded(&mut s, 0, 4);
        assert_eq!(s, "0000");
    }
}
