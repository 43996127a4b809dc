//! The view models that cross the boundary: the banner module writes them,
//! the edge passes them on (adding what only the page knows: the receipt's
//! address, an embed element's attributes) and the extra module reads them
//! and renders (see [`crate::details::details`]). Each model's writer and
//! reader are side by side, and the tests read back what is written.

use crate::config::Site;
use crate::consent::Consent;
use crate::json::{parse, ObjectWriter, Value};
use crate::lang::Lang;
use crate::prelude::*;

/// What the settings layer shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsModel {
    /// The site.
    pub site: Site,
    /// The dialog's language.
    pub lang: Lang,
    /// The switches' positions.
    pub draft: Consent,
    /// The browser sends Global Privacy Control.
    pub gpc: bool,
    /// The visitor is asked again because the policy changed.
    pub policy_changed: bool,
    /// The consent id of the decision in force, if any.
    pub id: Option<String>,
}

/// The base of an embed's model, as an `embeds` command carries it: the
/// edge adds each gated element's attributes (see [`EmbedElement`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbedModel {
    /// The site.
    pub site: Site,
    /// The placeholders' language.
    pub lang: Lang,
    /// The consent in force.
    pub consent: Consent,
}

/// What a `data-consent-declaration` element shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclarationModel {
    /// The site.
    pub site: Site,
    /// The language.
    pub lang: Lang,
    /// The decision in force, as stored, if any.
    pub record: Option<String>,
}

/// A gated embed as the edge found it in the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedElement {
    /// `frame` (an `<iframe data-consent data-src>`) or `plugin` (a
    /// `data-consent-embed` element).
    pub kind: String,
    /// Its `data-consent` (a frame) or `data-consent-embed` (a plugin).
    pub attr: String,
    /// A frame's `data-src`.
    pub src: String,
    /// Its `data-consent-service`, or empty.
    pub service: String,
    /// Its `data-consent-company`, or empty.
    pub company: String,
}

/// A view model as the extra module reads it, with what the edge added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Model {
    /// The settings layer, and the receipt's address if there is a log.
    Settings(SettingsModel, Option<String>),
    /// A declaration element, and the receipt's address.
    Declaration(DeclarationModel, Option<String>),
    /// The declaration as JSON, for `diffoConsent.declaration()`.
    Declared(Site, Lang),
    /// One gated embed.
    Embed(EmbedModel, EmbedElement),
}

impl SettingsModel {
    /// The model's JSON text.
    pub fn write(&self) -> String {
        ObjectWriter::new()
            .str("view", "settings")
            .str("site", self.site.domain())
            .str("lang", self.lang.code())
            .str("draft", &self.draft.token())
            .bool("gpc", self.gpc)
            .bool("policyChanged", self.policy_changed)
            .str("id", self.id.as_deref().unwrap_or_default())
            .finish()
    }
}

impl EmbedModel {
    /// The model's JSON text.
    pub fn write(&self) -> String {
        ObjectWriter::new()
            .str("view", "embed")
            .str("site", self.site.domain())
            .str("lang", self.lang.code())
            .str("consent", &self.consent.token())
            .finish()
    }
}

impl DeclarationModel {
    /// The model's JSON text.
    pub fn write(&self) -> String {
        let mut w = ObjectWriter::new();
        w.str("view", "declaration")
            .str("site", self.site.domain())
            .str("lang", self.lang.code());
        match &self.record {
            Some(text) => w.str("record", text),
            None => w.raw("record", "null"),
        };
        w.finish()
    }
}

impl Model {
    /// Reads a model written by one of the writers above, with the edge's
    /// additions, or says what is wrong with it.
    pub fn read(text: &str) -> Result<Model, String> {
        let value = parse(text).map_err(|e| e.message())?;
        let text = |key: &str| match value.get(key) {
            Some(Value::Str(s)) => Ok(s.as_str()),
            _ => Err(["the view model has no `", key, "`"].concat()),
        };
        let owned = |key: &str| text(key).map(String::from);
        let optional = |key: &str| text(key).ok().map(String::from);
        let consent = |key: &str| {
            text(key).and_then(|t| {
                Consent::from_token(t).ok_or_else(|| ["the view model's `", key, "` is not a consent"].concat())
            })
        };
        let flag = |key: &str| matches!(value.get(key), Some(Value::Bool(true)));
        let lang = Lang::from_code(text("lang")?).ok_or("the view model has no language")?;
        let site = Site::from_hostname(text("site")?).ok_or("the view model names no site")?;
        Ok(match text("view")? {
            "settings" => Model::Settings(
                SettingsModel {
                    site,
                    lang,
                    draft: consent("draft")?,
                    gpc: flag("gpc"),
                    policy_changed: flag("policyChanged"),
                    id: optional("id").filter(|id| !id.is_empty()),
                },
                optional("receipt"),
            ),
            "declaration" => Model::Declaration(
                DeclarationModel {
                    site,
                    lang,
                    record: optional("record"),
                },
                optional("receipt"),
            ),
            "declared" => Model::Declared(site, lang),
            "embed" => Model::Embed(
                EmbedModel {
                    site,
                    lang,
                    consent: consent("consent")?,
                },
                EmbedElement {
                    kind: owned("kind")?,
                    attr: owned("attr")?,
                    src: owned("src")?,
                    service: owned("service")?,
                    company: owned("company")?,
                },
            ),
            view => return Err(["unknown view \"", view, "\""].concat()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with the edge's additions: `"key":value` pairs inserted before
    /// the closing brace.
    fn added(text: &str, fields: &str) -> String {
        [&text[..text.len() - 1], ",", fields, "}"].concat()
    }

    #[test]
    fn each_model_reads_back_as_written() {
        let settings = SettingsModel {
            site: Site::DiffoSe,
            lang: Lang::Sv,
            draft: Consent::from_token("3.5").unwrap(),
            gpc: true,
            policy_changed: false,
            id: Some("3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60".into()),
        };
        assert_eq!(
            Model::read(&added(&settings.write(), r#""receipt":"/consent-log/receipt/""#)),
            Ok(Model::Settings(settings.clone(), Some("/consent-log/receipt/".into())))
        );
        let anonymous = SettingsModel { id: None, ..settings };
        assert_eq!(Model::read(&anonymous.write()), Ok(Model::Settings(anonymous, None)));
        let declaration = DeclarationModel {
            site: Site::DiffoFi,
            lang: Lang::Fi,
            record: Some(r#"{"version":2}"#.into()),
        };
        assert_eq!(
            Model::read(&declaration.write()),
            Ok(Model::Declaration(declaration, None))
        );
        let embed = EmbedModel {
            site: Site::DiffoSolutions,
            lang: Lang::En,
            consent: Consent::NONE,
        };
        let element = r#""kind":"frame","attr":"social","src":"https://x.example/","service":"","company":"""#;
        assert_eq!(
            Model::read(&added(&embed.write(), element)),
            Ok(Model::Embed(
                embed,
                EmbedElement {
                    kind: "frame".into(),
                    attr: "social".into(),
                    src: "https://x.example/".into(),
                    service: String::new(),
                    company: String::new(),
                }
            ))
        );
    }

    #[test]
    fn a_damaged_model_says_what_is_wrong() {
        for (text, error) in [
            ("{", "JSON"),
            (r#"{"view":"settings","site":"diffo.fi"}"#, "`lang`"),
            (r#"{"view":"settings","site":"x.org","lang":"fi"}"#, "names no site"),
            (
                r#"{"view":"settings","site":"diffo.fi","lang":"fi","draft":"zz"}"#,
                "not a consent",
            ),
            (r#"{"view":"other","site":"diffo.fi","lang":"fi"}"#, "unknown view"),
            (
                r#"{"view":"embed","site":"diffo.fi","lang":"fi","consent":"0.0"}"#,
                "`kind`",
            ),
        ] {
            let message = Model::read(text).unwrap_err();
            assert!(message.contains(error), "{text}: {message}");
        }
    }
}
