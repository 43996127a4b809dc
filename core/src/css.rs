//! Stylesheets made small at build time: comments go, runs of whitespace
//! shrink, and whitespace around punctuation disappears. Used by `cargo
//! xtask build` for `www/consent.css` and by `build.rs` for
//! `www/consent-extra.css`; nothing of it ships.

use crate::prelude::*;

/// Strips comments and needless whitespace from a stylesheet. It keeps a
/// space wherever one could matter (between words, before a `:` that may
/// start a pseudo-class), so the rules mean exactly what they meant.
pub fn minify(css: &str) -> String {
    let mut without_comments = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        without_comments.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => rest = "",
        }
    }
    without_comments.push_str(rest);
    let mut out = String::with_capacity(without_comments.len());
    let mut pending_space = false;
    for c in without_comments.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !"{};,>".contains(c) && !out.ends_with(['{', '}', ';', ',', '>', ':']) {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out.replace(";}", "}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_minifier_keeps_meaning() {
        let css = "/* c */\n:host {\n  all: initial;\n  font: 400 16px/1.5 system-ui, sans-serif;\n}\n\
                   .a :focus-visible, .b > .c { width: calc(100vw - 24px); }\n@media (max-width: 520px) { .x { y: z; } }\n";
        assert_eq!(
            minify(css),
            ":host{all:initial;font:400 16px/1.5 system-ui,sans-serif}.a :focus-visible,.b>.c{width:calc(100vw - 24px)}\
             @media (max-width:520px){.x{y:z}}"
        );
    }
}
