//! The locale compiler used by `build.rs` (and by `tests/locales.rs`, which
//! feeds it broken inputs to prove the build refuses them).
//!
//! It parses every file with `fluent-syntax` and turns each message into a
//! list of text and variable parts. It refuses, naming file and line, a file
//! that does not parse, a message missing from a language, languages that
//! disagree on a message's variables, and Fluent features the compiled form
//! does not support (selectors, terms, functions).

use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The languages, in the order of the generated tables.
pub const LANGS: [&str; 3] = ["fi", "en", "sv"];

/// One source file: its language, its name for messages, its text.
pub struct Source {
    pub lang: &'static str,
    pub name: String,
    pub text: String,
}

type Messages = BTreeMap<String, (Vec<Part>, String)>;

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Var(String),
}

/// Compiles the sources into the Rust code of `texts.rs`, or returns every
/// problem found.
pub fn compile(sources: &[Source]) -> Result<String, Vec<String>> {
    let mut errors = Vec::new();
    let by_lang: Vec<Messages> = LANGS
        .iter()
        .map(|lang| {
            let files: Vec<&Source> = sources.iter().filter(|s| s.lang == *lang).collect();
            if files.is_empty() {
                errors.push(format!("locales/{lang}/: no .ftl files"));
            }
            read_language(&files, &mut errors)
        })
        .collect();
    check_consistency(&by_lang, &mut errors);
    if errors.is_empty() {
        Ok(generate(&by_lang))
    } else {
        Err(errors)
    }
}

fn read_language(files: &[&Source], errors: &mut Vec<String>) -> Messages {
    let mut messages = Messages::new();
    for file in files {
        let name = &file.name;
        let source = file.text.as_str();
        let line_of = |offset: usize| source[..offset.min(source.len())].matches('\n').count() + 1;
        // On errors, keep the entries that did parse so that only the broken
        // one is reported, not every message after it as missing too.
        let resource = fluent_syntax::parser::parse(source).unwrap_or_else(|(partial, errs)| {
            for e in errs {
                let at = e.slice.as_ref().map_or(e.pos.start, |s| s.start);
                errors.push(format!("{name}:{}: {}", line_of(at), e.kind));
            }
            partial
        });
        for entry in &resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let id = m.id.name;
                    let location = format!("{name}: message `{id}`");
                    let mut add = |key: String, pattern: &ast::Pattern<&str>| {
                        let parts = compile_pattern(pattern, &location, errors);
                        if messages.insert(key.clone(), (parts, name.clone())).is_some() {
                            errors.push(format!("{location}: `{key}` is defined twice"));
                        }
                    };
                    if let Some(value) = &m.value {
                        add(id.to_string(), value);
                    }
                    for attr in &m.attributes {
                        add(format!("{id}.{}", attr.id.name), &attr.value);
                    }
                }
                ast::Entry::Term(t) => errors.push(format!(
                    "{name}: term `-{}`: terms are not supported; write the text out",
                    t.id.name
                )),
                _ => {}
            }
        }
    }
    messages
}

fn compile_pattern(pattern: &ast::Pattern<&str>, location: &str, errors: &mut Vec<String>) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let push_text = |parts: &mut Vec<Part>, text: &str| match parts.last_mut() {
        Some(Part::Text(t)) => t.push_str(text),
        _ => parts.push(Part::Text(text.to_string())),
    };
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => push_text(&mut parts, value),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Inline(ast::InlineExpression::VariableReference { id }) => parts.push(Part::Var(id.name.to_string())),
                ast::Expression::Inline(ast::InlineExpression::StringLiteral { value }) => {
                    push_text(&mut parts, &fluent_syntax::unicode::unescape_unicode_to_string(value))
                }
                _ => errors.push(format!(
                    "{location}: only text and {{ $variables }} are supported (no selectors, terms, functions or message references)"
                )),
            },
        }
    }
    parts
}

fn vars(parts: &[Part]) -> BTreeSet<&str> {
    parts
        .iter()
        .filter_map(|p| match p {
            Part::Var(v) => Some(v.as_str()),
            Part::Text(_) => None,
        })
        .collect()
}

fn check_consistency(by_lang: &[Messages], errors: &mut Vec<String>) {
    let all_ids: BTreeSet<&String> = by_lang.iter().flat_map(|m| m.keys()).collect();
    for id in all_ids {
        let present: Vec<(&str, &(Vec<Part>, String))> = LANGS
            .iter()
            .zip(by_lang)
            .filter_map(|(l, m)| m.get(id).map(|x| (*l, x)))
            .collect();
        for (lang, messages) in LANGS.iter().zip(by_lang) {
            if !messages.contains_key(id) {
                let (_, (_, file)) = present[0];
                errors.push(format!("`{id}` (defined in {file}) is missing in locales/{lang}/"));
            }
        }
        let (first_lang, (first_parts, first_file)) = present[0];
        for (_, (_, file)) in &present[1..] {
            if group_of(file) != group_of(first_file) {
                errors.push(format!(
                    "`{id}` is in {file} but in {first_file} for {first_lang}; keep it in files of the same name"
                ));
            }
        }
        for (_, (parts, file)) in &present[1..] {
            if vars(parts) != vars(first_parts) {
                errors.push(format!(
                    "{file}: `{id}` uses variables {:?} but the {first_lang} text uses {:?}",
                    vars(parts),
                    vars(first_parts),
                ));
            }
        }
    }
}

fn camel(id: &str) -> String {
    id.split(['-', '.', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The group of a message: the stem of its file (`banner` for
/// `locales/fi/banner.ftl`). Each group becomes a module with its own `Msg`
/// enum and tables, so that code which uses only one group carries only
/// that group's texts.
fn group_of(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".ftl").unwrap_or(name)
}

fn generate(by_lang: &[Messages]) -> String {
    let all_vars: BTreeSet<&str> = by_lang
        .iter()
        .flat_map(|m| m.values())
        .flat_map(|(p, _)| vars(p))
        .collect();
    let mut out = String::from("// Generated by core/build.rs from locales/*/*.ftl. Do not edit.\n\n");
    out.push_str("/// A variable that messages refer to as `{ $name }`.\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\npub enum Var {\n");
    for v in &all_vars {
        writeln!(out, "    /// `${v}`\n    {},", camel(v)).unwrap();
    }
    out.push_str("}\n\nimpl Var {\n    /// Every variable.\n");
    writeln!(
        out,
        "    pub const ALL: [Var; {}] = [{}];",
        all_vars.len(),
        all_vars
            .iter()
            .map(|v| format!("Var::{}", camel(v)))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    out.push_str("    /// The variable's name in the `.ftl` files.\n    pub fn name(self) -> &'static str {\n        match self {\n");
    for v in &all_vars {
        writeln!(out, "            Var::{} => {v:?},", camel(v)).unwrap();
    }
    out.push_str("        }\n    }\n}\n\n");

    let groups: BTreeSet<&str> = by_lang[0].values().map(|(_, file)| group_of(file)).collect();
    for group in groups {
        let ids: Vec<&String> = by_lang[0]
            .iter()
            .filter(|(_, (_, f))| group_of(f) == group)
            .map(|(id, _)| id)
            .collect();
        writeln!(
            out,
            "/// The messages of `locales/*/{group}.ftl`.\npub mod {} {{",
            group.replace('-', "_")
        )
        .unwrap();
        out.push_str("    use super::{Lang, Message, Part};\n\n");
        out.push_str("    /// A message (or message attribute) of this file.\n");
        out.push_str("    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n    pub enum Msg {\n");
        for id in &ids {
            writeln!(out, "        /// `{id}`\n        {},", camel(id)).unwrap();
        }
        out.push_str("    }\n\n    impl Msg {\n        /// Every message, in id order.\n");
        writeln!(
            out,
            "        pub const ALL: [Msg; {}] = [{}];",
            ids.len(),
            ids.iter()
                .map(|i| format!("Msg::{}", camel(i)))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
        out.push_str(
            "    }\n\n    impl Message for Msg {\n        fn id(self) -> &'static str {\n            match self {\n",
        );
        for id in &ids {
            writeln!(out, "                Msg::{} => {id:?},", camel(id)).unwrap();
        }
        out.push_str("            }\n        }\n\n        fn parts(self, lang: Lang) -> &'static [Part] {\n");
        out.push_str("            let table = match lang {\n                Lang::Fi => &FI,\n                Lang::En => &EN,\n                Lang::Sv => &SV,\n            };\n            table[self as usize]\n        }\n    }\n\n");
        for (lang, messages) in LANGS.iter().zip(by_lang) {
            writeln!(out, "    static {}: [&[Part]; {}] = [", lang.to_uppercase(), ids.len()).unwrap();
            for id in &ids {
                let parts: Vec<String> = messages[*id]
                    .0
                    .iter()
                    .map(|p| match p {
                        Part::Text(t) => format!("Part::Text({t:?})"),
                        Part::Var(v) => format!("Part::Var(super::Var::{})", camel(v)),
                    })
                    .collect();
                writeln!(out, "        &[{}],", parts.join(", ")).unwrap();
            }
            out.push_str("    ];\n\n");
        }
        out.push_str("}\n\n");
    }
    out
}
