//! The locale compiler refuses broken texts, so that a missing or malformed
//! message is a build error and never a surprise in a visitor's browser.

#[path = "../build/locales.rs"]
#[allow(dead_code)]
mod locales;

use locales::{compile, Source, LANGS};

const GOOD: &str = "greeting = Hello { $name }\nbye = Bye\n    .aria-label = Say bye\n";

fn sources(texts: [&str; 3]) -> Vec<Source> {
    LANGS
        .iter()
        .zip(texts)
        .map(|(lang, text)| Source {
            lang,
            name: format!("locales/{lang}/test.ftl"),
            text: text.to_string(),
        })
        .collect()
}

fn refused(texts: [&str; 3], expected: &[&str]) {
    let errors = compile(&sources(texts)).expect_err("must be refused");
    assert_eq!(errors, expected);
}

#[test]
fn compiles_consistent_texts() {
    let code = compile(&sources([GOOD, GOOD, GOOD])).expect("compiles");
    assert!(code.contains("pub mod test {"), "a module per file: {code}");
    assert!(code.contains("Msg::ByeAriaLabel => \"bye.aria-label\""), "{code}");
    assert!(
        code.contains("&[Part::Text(\"Hello \"), Part::Var(super::Var::Name)]"),
        "{code}"
    );
}

#[test]
fn refuses_a_message_missing_in_one_language() {
    refused(
        [GOOD, GOOD, "greeting = Hej { $name }\n"],
        &[
            "`bye` (defined in locales/fi/test.ftl) is missing in locales/sv/",
            "`bye.aria-label` (defined in locales/fi/test.ftl) is missing in locales/sv/",
        ],
    );
}

#[test]
fn refuses_a_missing_attribute() {
    refused(
        [GOOD, "greeting = Hello { $name }\nbye = Bye\n", GOOD],
        &["`bye.aria-label` (defined in locales/fi/test.ftl) is missing in locales/en/"],
    );
}

#[test]
fn refuses_malformed_syntax_with_the_line() {
    let broken = "greeting = Hello { $name }\nbye = Bye\n    .aria-label = Say bye\nbroken = { $x\n";
    let errors = compile(&sources([GOOD, broken, GOOD])).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("locales/en/test.ftl:4: "), "{errors:?}");
}

#[test]
fn refuses_variables_that_differ_between_languages() {
    refused(
        [
            GOOD,
            "greeting = Hello { $who }\nbye = Bye\n    .aria-label = Say bye\n",
            GOOD,
        ],
        &["locales/en/test.ftl: `greeting` uses variables {\"who\"} but the fi text uses {\"name\"}"],
    );
}

#[test]
fn refuses_unsupported_fluent_features() {
    let select = "greeting = { $name ->\n    [one] One\n   *[other] Many\n}\nbye = Bye\n    .aria-label = Say bye\n";
    refused(
        [select, GOOD, GOOD],
        &[
            "locales/fi/test.ftl: message `greeting`: only text and { $variables } are supported \
             (no selectors, terms, functions or message references)",
            "locales/en/test.ftl: `greeting` uses variables {\"name\"} but the fi text uses {}",
            "locales/sv/test.ftl: `greeting` uses variables {\"name\"} but the fi text uses {}",
        ],
    );
    let term = "-brand = Diffo\ngreeting = Hello { $name }\nbye = Bye\n    .aria-label = Say bye\n";
    refused(
        [GOOD, GOOD, term],
        &["locales/sv/test.ftl: term `-brand`: terms are not supported; write the text out"],
    );
}

#[test]
fn refuses_a_message_in_differently_named_files() {
    let mut moved = sources([GOOD, GOOD, GOOD]);
    moved[2].name = "locales/sv/other.ftl".to_string();
    let errors = compile(&moved).unwrap_err();
    assert!(
        errors.contains(
            &"`bye` is in locales/sv/other.ftl but in locales/fi/test.ftl for fi; keep it in files of the same name"
                .to_string()
        ),
        "{errors:?}"
    );
}

#[test]
fn refuses_duplicates_and_empty_languages() {
    refused(
        [&format!("{GOOD}bye = Again\n"), GOOD, GOOD],
        &["locales/fi/test.ftl: message `bye`: `bye` is defined twice"],
    );
    let mut only_two = sources([GOOD, GOOD, GOOD]);
    only_two.pop();
    assert_eq!(compile(&only_two).unwrap_err()[0], "locales/sv/: no .ftl files");
}
