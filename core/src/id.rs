//! The anonymous consent id: a random UUID version 4.
//!
//! The id links a visitor's decisions to each other (and, later, to the
//! consent log) without saying anything about the visitor. The 16 random
//! bytes come from the browser's `crypto.getRandomValues`, read by the edge (`www/edge/`).

use crate::prelude::*;
use core::fmt;

/// A UUID v4 in its canonical lowercase text form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConsentId(String);

impl ConsentId {
    /// Makes a version 4 UUID from 16 random bytes, setting the version and
    /// variant bits as RFC 9562 requires.
    ///
    /// ```
    /// use diffo_consent_core::id::ConsentId;
    /// let id = ConsentId::from_random([0xff; 16]);
    /// assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    /// ```
    pub fn from_random(bytes: [u8; 16]) -> ConsentId {
        let text = Self::text_of(bytes);
        // `encode_lower` writes ASCII only.
        ConsentId(String::from(core::str::from_utf8(&text).unwrap_or_default()))
    }

    /// The text of [`ConsentId::from_random`] without allocating, for the
    /// first-visit module, which has no allocator.
    pub fn text_of(bytes: [u8; 16]) -> [u8; 36] {
        let mut out = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .encode_lower(&mut out);
        out
    }

    /// Accepts only a canonical lowercase UUID v4, so a tampered id is
    /// noticed instead of carried on.
    pub fn parse(text: &str) -> Option<ConsentId> {
        let b = text.as_bytes();
        let shape_ok = b.len() == 36
            && b.iter().enumerate().all(|(i, &c)| match i {
                8 | 13 | 18 | 23 => c == b'-',
                _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
            });
        (shape_ok && b[14] == b'4' && matches!(b[19], b'8' | b'9' | b'a' | b'b')).then(|| ConsentId(text.to_string()))
    }

    /// The canonical text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_version_and_variant_bits() {
        let id = ConsentId::from_random([0; 16]);
        assert_eq!(id.as_str(), "00000000-0000-4000-8000-000000000000");
        let id = ConsentId::from_random(*b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef");
        assert_eq!(id.as_str(), "01234567-89ab-4def-8123-456789abcdef");
        assert_eq!(ConsentId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn parses_only_canonical_v4() {
        for (text, ok) in [
            ("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60", true),
            ("3f1c2a9e-8b7d-4c6e-af0a-1b2c3d4e5f60", true),
            ("3F1C2A9E-8B7D-4C6E-9F0A-1B2C3D4E5F60", false),
            ("3f1c2a9e-8b7d-1c6e-9f0a-1b2c3d4e5f60", false),
            ("3f1c2a9e-8b7d-4c6e-cf0a-1b2c3d4e5f60", false),
            ("3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60", false),
            ("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f6", false),
            ("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f6g", false),
            ("", false),
        ] {
            assert_eq!(ConsentId::parse(text).is_some(), ok, "{text}");
        }
    }
}
