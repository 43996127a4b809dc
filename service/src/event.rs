//! The banner's events: the wire format (versions 1 and 2) and its strict reader.
//!
//! The format is the contract with the banner and a version never changes; a change
//! means a new `version`, read beside the old ones. One event is one JSON object.
//! Version 1:
//!
//! ```json
//! {"version":1,"event":"shown","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef"}
//! {"version":1,"event":"accept_all","id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","site":"diffo.fi","lang":"fi",
//!  "revision":1,"texts":"0123456789abcdef","layer":"first","categories":{"analytics":true,"marketing":true,"social":true}}
//! ```
//!
//! Version 2 is version 1 with `"version":2` and, in every decision (never in `shown`),
//! `services`: each service the decision names, by id, granted (`true`) or refused
//! (`false`); at most [`MAX_SERVICES`], `{}` for a site without services:
//!
//! ```json
//! {"version":2,"event":"custom","id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","site":"diffo.fi","lang":"fi",
//!  "revision":1,"texts":"0123456789abcdef","layer":"settings","categories":{"analytics":true,"marketing":false,"social":false},
//!  "services":{"google-analytics":true,"linkedin-insight":false}}
//! ```
//!
//! [`parse`] accepts exactly that: any unknown field (`services` in version 1 too),
//! wrong type, missing or superfluous field, unknown site or bad value is an error that
//! names the problem, and nothing of the event is kept.

use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::lang::Lang;

/// The versions of the event format this service reads.
pub const FORMAT_VERSIONS: [u32; 2] = [1, 2];

/// The largest body accepted, in bytes.
///
/// The largest real event is a version 2 decision naming [`MAX_SERVICES`] services with
/// ids of [`MAX_SERVICE_ID`] characters, all refused, on a site whose name is as long as
/// a config allows (100 characters): 3,481 bytes (`the_largest_event_fits` builds it). A
/// typical event is about 250 bytes, 400 with a handful of services. 4 KiB leaves room
/// for a writer that adds whitespace, and still refuses anything far larger at once.
pub const MAX_BODY: usize = 4096;

/// One event, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The banner was shown (counted only: it carries no id).
    Shown(Context),
    /// A visitor decided.
    Decision(Decision),
}

impl Event {
    /// What every event says about where it happened.
    pub fn context(&self) -> &Context {
        match self {
            Event::Shown(context) => context,
            Event::Decision(decision) => &decision.context,
        }
    }
}

/// Where and with which texts an event happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The site's name, as configured.
    pub site: Arc<str>,
    /// The language the banner was shown in.
    pub lang: Lang,
    /// The site's consent revision (1..=65535).
    pub revision: u16,
    /// A hash of the texts and config the visitor saw.
    pub texts: Texts,
}

/// A visitor's decision: the proof of consent that is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The consent id that the banner stores with the visitor's record.
    pub id: ConsentId,
    /// What the visitor did.
    pub kind: DecisionKind,
    /// Where and with which texts.
    pub context: Context,
    /// Which control the decision came from.
    pub layer: Layer,
    /// The optional categories as decided (necessary is always granted).
    pub categories: Categories,
    /// Each service as decided (format version 2), or `None` for a version 1 event,
    /// which has no choice per service.
    pub services: Option<Services>,
}

impl Decision {
    /// The format version the decision came in: 2 when it names services (even none),
    /// else 1.
    pub fn version(&self) -> u32 {
        if self.services.is_some() {
            2
        } else {
            1
        }
    }
}

/// What a visitor did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionKind {
    /// Accepted every category.
    AcceptAll,
    /// Refused every optional category.
    RejectAll,
    /// Saved a choice of their own.
    Custom,
    /// Withdrew consent.
    Withdraw,
}

impl DecisionKind {
    /// Every kind, in the order the dashboard lists them.
    pub const ALL: [DecisionKind; 4] = [
        DecisionKind::AcceptAll,
        DecisionKind::RejectAll,
        DecisionKind::Custom,
        DecisionKind::Withdraw,
    ];

    /// The name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::AcceptAll => "accept_all",
            DecisionKind::RejectAll => "reject_all",
            DecisionKind::Custom => "custom",
            DecisionKind::Withdraw => "withdraw",
        }
    }

    /// The kind named `name`, as [`as_str`](Self::as_str) writes it.
    pub fn from_name(name: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// The control a decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The first layer's buttons.
    First,
    /// The settings layer.
    Settings,
    /// An embed placeholder's "always allow".
    Embed,
    /// The buttons in the cookie declaration on the privacy-policy page.
    Declaration,
    /// The page's JavaScript API.
    Api,
}

impl Layer {
    /// Every layer.
    pub const ALL: [Layer; 5] = [
        Layer::First,
        Layer::Settings,
        Layer::Embed,
        Layer::Declaration,
        Layer::Api,
    ];

    /// The name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::First => "first",
            Layer::Settings => "settings",
            Layer::Embed => "embed",
            Layer::Declaration => "declaration",
            Layer::Api => "api",
        }
    }

    /// The layer named `name`.
    pub fn from_name(name: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|layer| layer.as_str() == name)
    }
}

/// The three optional categories as decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Categories {
    /// Analytics granted.
    pub analytics: bool,
    /// Marketing granted.
    pub marketing: bool,
    /// Social media granted.
    pub social: bool,
}

impl<'de> Deserialize<'de> for Categories {
    /// Exactly an object of the three booleans. (A derived reader would also take an
    /// array, and its messages would speak of fields, not categories.)
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Categories, D::Error> {
        struct Object;

        impl<'de> Visitor<'de> for Object {
            type Value = Categories;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with the booleans analytics, marketing and social")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Categories, A::Error> {
                let mut granted: [Option<bool>; 3] = [None; 3];
                while let Some(name) = map.next_key::<String>()? {
                    let Some(i) = CATEGORY_NAMES.iter().position(|c| *c == name) else {
                        return Err(A::Error::custom(format!(
                            "unknown category `{name}`, expected analytics, marketing or social"
                        )));
                    };
                    if granted[i].is_some() {
                        return Err(A::Error::custom(format!("duplicate category `{name}`")));
                    }
                    granted[i] = Some(map.next_value()?);
                }
                let get = |i: usize| {
                    granted[i].ok_or_else(|| A::Error::custom(format!("missing category `{}`", CATEGORY_NAMES[i])))
                };
                Ok(Categories {
                    analytics: get(0)?,
                    marketing: get(1)?,
                    social: get(2)?,
                })
            }
        }

        deserializer.deserialize_map(Object)
    }
}

/// The optional categories' names on the wire, in the order of [`Categories`]' fields.
pub const CATEGORY_NAMES: [&str; 3] = ["analytics", "marketing", "social"];

/// A service's id as a site's config names it (`google-analytics`): 1 to
/// [`MAX_SERVICE_ID`] lowercase ASCII letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(Arc<str>);

/// The longest service id, in characters.
pub const MAX_SERVICE_ID: usize = 40;

/// The most services one decision may name.
pub const MAX_SERVICES: usize = 64;

impl ServiceId {
    /// Reads an id strictly, or `None`.
    pub fn parse(text: &str) -> Option<ServiceId> {
        let ok = (1..=MAX_SERVICE_ID).contains(&text.len())
            && text
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
        ok.then(|| ServiceId(Arc::from(text)))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The services a decision names, each granted or refused: at most [`MAX_SERVICES`],
/// each once, in the order of their ids (so that receipts and counts list them the same
/// way whatever order the banner wrote).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Services(Vec<(ServiceId, bool)>);

impl Services {
    /// The services of `pairs`, or what is wrong with them: more than [`MAX_SERVICES`],
    /// or an id twice.
    pub fn new(mut pairs: Vec<(ServiceId, bool)>) -> Result<Services, String> {
        if pairs.len() > MAX_SERVICES {
            return Err(format!("more than {MAX_SERVICES} services"));
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(twice) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(format!("duplicate service `{}`", twice[0].0));
        }
        Ok(Services(pairs))
    }

    /// Each service and whether it was granted, in the order of their ids.
    pub fn iter(&self) -> impl Iterator<Item = (&ServiceId, bool)> {
        self.0.iter().map(|(id, granted)| (id, *granted))
    }

    /// The services granted.
    pub fn granted(&self) -> impl Iterator<Item = &ServiceId> {
        self.iter().filter(|(_, granted)| *granted).map(|(id, _)| id)
    }

    /// The services refused.
    pub fn refused(&self) -> impl Iterator<Item = &ServiceId> {
        self.iter().filter(|(_, granted)| !*granted).map(|(id, _)| id)
    }

    /// How many services.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no service is named (a site without services).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Services {
    /// Exactly an object of service ids to booleans, at most [`MAX_SERVICES`] of them,
    /// each id once. (A derived map reader would keep the last of two equal keys without
    /// a word.)
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Services, D::Error> {
        struct Object;

        impl<'de> Visitor<'de> for Object {
            type Value = Services;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of service ids to true or false")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Services, A::Error> {
                let mut pairs = Vec::new();
                while let Some(name) = map.next_key::<String>()? {
                    let Some(id) = ServiceId::parse(&name) else {
                        return Err(A::Error::custom(format!(
                            "service id {name:?} is not 1 to {MAX_SERVICE_ID} lowercase letters, digits or hyphens"
                        )));
                    };
                    // Stop at once rather than collect whatever the body holds.
                    if pairs.len() == MAX_SERVICES {
                        return Err(A::Error::custom(format!("more than {MAX_SERVICES} services")));
                    }
                    let granted = map.next_value_seed(Granted(&name))?;
                    pairs.push((id, granted));
                }
                Services::new(pairs).map_err(A::Error::custom)
            }
        }

        deserializer.deserialize_map(Object)
    }
}

/// Reads whether the service named `.0` was granted: a boolean, and an error that names
/// the service otherwise.
struct Granted<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for Granted<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_bool(self)
    }
}

impl<'de> Visitor<'de> for Granted<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "true or false for service `{}`", self.0)
    }

    fn visit_bool<E: serde::de::Error>(self, granted: bool) -> Result<bool, E> {
        Ok(granted)
    }
}

/// A consent id: a UUID version 4, lowercase and hyphenated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConsentId([u8; 36]);

impl ConsentId {
    /// Reads an id strictly: 36 characters, hyphens at 8, 13, 18 and 23, lowercase hex
    /// elsewhere, version nibble 4 and variant 8, 9, a or b.
    pub fn parse(text: &str) -> Option<ConsentId> {
        let b = text.as_bytes();
        if b.len() != 36 {
            return None;
        }
        for (i, &c) in b.iter().enumerate() {
            let ok = match i {
                8 | 13 | 18 | 23 => c == b'-',
                14 => c == b'4',
                19 => matches!(c, b'8' | b'9' | b'a' | b'b'),
                _ => is_lower_hex(c),
            };
            if !ok {
                return None;
            }
        }
        let mut id = [0; 36];
        id.copy_from_slice(b);
        Some(ConsentId(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever accepted by `parse`.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for ConsentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The hash of the texts shown: exactly 16 lowercase hex characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Texts([u8; 16]);

impl Texts {
    /// Reads 16 lowercase hex characters, or `None`.
    pub fn parse(text: &str) -> Option<Texts> {
        let b = text.as_bytes();
        if b.len() != 16 || !b.iter().all(|&c| is_lower_hex(c)) {
            return None;
        }
        let mut texts = [0; 16];
        texts.copy_from_slice(b);
        Some(Texts(texts))
    }

    /// The hash as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

fn is_lower_hex(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
}

/// The sites events may come from: their names as configured.
pub trait Sites {
    /// The configured name equal to `name`, shared, or `None` for an unknown site.
    fn site(&self, name: &str) -> Option<Arc<str>>;
}

/// Only the version, read first: it says which of the structs below to read the event
/// with.
#[derive(Deserialize)]
struct WireVersion {
    version: u32,
}

/// A version 1 event on the wire. Optional fields reject `null`: absent is the only way
/// to leave one out.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireV1 {
    version: u32,
    event: WireKind,
    #[serde(default, deserialize_with = "present")]
    id: Option<String>,
    site: String,
    #[serde(deserialize_with = "crate::lang::deserialize")]
    lang: Lang,
    revision: u16,
    texts: String,
    #[serde(default, deserialize_with = "present")]
    layer: Option<Layer>,
    #[serde(default, deserialize_with = "present")]
    categories: Option<Categories>,
}

/// A version 2 event on the wire: version 1's fields and `services`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireV2 {
    version: u32,
    event: WireKind,
    #[serde(default, deserialize_with = "present")]
    id: Option<String>,
    site: String,
    #[serde(deserialize_with = "crate::lang::deserialize")]
    lang: Lang,
    revision: u16,
    texts: String,
    #[serde(default, deserialize_with = "present")]
    layer: Option<Layer>,
    #[serde(default, deserialize_with = "present")]
    categories: Option<Categories>,
    #[serde(default, deserialize_with = "present")]
    services: Option<Services>,
}

impl From<WireV1> for WireV2 {
    fn from(v1: WireV1) -> WireV2 {
        WireV2 {
            version: v1.version,
            event: v1.event,
            id: v1.id,
            site: v1.site,
            lang: v1.lang,
            revision: v1.revision,
            texts: v1.texts,
            layer: v1.layer,
            categories: v1.categories,
            services: None,
        }
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum WireKind {
    Shown,
    AcceptAll,
    RejectAll,
    Custom,
    Withdraw,
}

fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Reads one event from a request body, checked against the configured sites.
///
/// The error is a message for the sender that names the field and the problem.
pub fn parse(body: &[u8], sites: &dyn Sites) -> Result<Event, String> {
    if body.len() > MAX_BODY {
        return Err(format!("the event is larger than {MAX_BODY} bytes"));
    }
    // A derived reader would also take an array of the fields in order.
    if body.iter().find(|c| !c.is_ascii_whitespace()) != Some(&b'{') {
        return Err("invalid event: expected one JSON object".to_string());
    }
    let invalid = |e: serde_json::Error| format!("invalid event: {e}");
    // Each version is read by a struct of exactly its fields, so that a version 1 event
    // with `services` is refused like any other unknown field.
    let wire: WireV2 = match serde_json::from_slice::<WireVersion>(body).map_err(invalid)?.version {
        1 => serde_json::from_slice::<WireV1>(body).map_err(invalid)?.into(),
        2 => serde_json::from_slice::<WireV2>(body).map_err(invalid)?,
        other => {
            return Err(format!(
                "unsupported version {other} (this service reads versions {} and {})",
                FORMAT_VERSIONS[0], FORMAT_VERSIONS[1]
            ))
        }
    };
    let site = sites
        .site(&wire.site)
        .ok_or_else(|| format!("unknown site {:?}", wire.site))?;
    if wire.revision == 0 {
        return Err("revision must be between 1 and 65535".to_string());
    }
    let texts = Texts::parse(&wire.texts).ok_or("texts must be exactly 16 lowercase hex characters")?;
    let context = Context {
        site,
        lang: wire.lang,
        revision: wire.revision,
        texts,
    };
    let kind = match wire.event {
        WireKind::Shown => {
            for (field, given) in [
                ("id", wire.id.is_some()),
                ("layer", wire.layer.is_some()),
                ("categories", wire.categories.is_some()),
                ("services", wire.services.is_some()),
            ] {
                if given {
                    return Err(format!("a \"shown\" event has no {field}"));
                }
            }
            return Ok(Event::Shown(context));
        }
        WireKind::AcceptAll => DecisionKind::AcceptAll,
        WireKind::RejectAll => DecisionKind::RejectAll,
        WireKind::Custom => DecisionKind::Custom,
        WireKind::Withdraw => DecisionKind::Withdraw,
    };
    let name = kind.as_str();
    let id = wire
        .id
        .ok_or_else(|| format!("missing field `id` (required for \"{name}\")"))?;
    let id = ConsentId::parse(&id).ok_or("id must be a lowercase hyphenated UUID version 4")?;
    let layer = wire
        .layer
        .ok_or_else(|| format!("missing field `layer` (required for \"{name}\")"))?;
    let categories = wire
        .categories
        .ok_or_else(|| format!("missing field `categories` (required for \"{name}\")"))?;
    let services = match wire.version {
        1 => None,
        _ => Some(
            wire.services
                .ok_or_else(|| format!("missing field `services` (required for \"{name}\" in version 2)"))?,
        ),
    };
    Ok(Event::Decision(Decision {
        id,
        kind,
        context,
        layer,
        categories,
        services,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Three;

    impl Sites for Three {
        fn site(&self, name: &str) -> Option<Arc<str>> {
            ["diffo.fi", "diffosolutions.com", "diffo.se"]
                .contains(&name)
                .then(|| Arc::from(name))
        }
    }

    const SHOWN: &str =
        r#"{"version":1,"event":"shown","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef"}"#;
    const ACCEPT: &str = r#"{"version":1,"event":"accept_all","id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef","layer":"first","categories":{"analytics":true,"marketing":true,"social":true}}"#;

    /// The banner's own payloads (the fixtures of `diffo-consent-core`, which
    /// its tests compare with what it writes) are accepted as they are.
    #[test]
    fn the_banners_fixtures_are_accepted() {
        let hash = "00112233445566ff";
        for fixture in [
            include_str!("../../core/tests/fixtures/event-v1-shown.json"),
            include_str!("../../core/tests/fixtures/event-v1-decision.json"),
            include_str!("../../core/tests/fixtures/event-v2-shown.json"),
            include_str!("../../core/tests/fixtures/event-v2-decision.json"),
        ] {
            let body = fixture.trim().replace("HASH", hash);
            assert!(parse(body.as_bytes(), &Three).is_ok(), "{body}");
        }
        let v2 = include_str!("../../core/tests/fixtures/event-v2-decision.json")
            .trim()
            .replace("HASH", hash);
        check(
            &v2,
            Ok(
                "custom 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 settings 100 \
                services google-analytics:1 linkedin-insight:0",
            ),
        );
        let v2 = include_str!("../../core/tests/fixtures/event-v2-shown.json")
            .trim()
            .replace("HASH", hash);
        check(&v2, Ok("shown diffo.fi fi 1 00112233445566ff"));
    }

    /// A short description of an event: `shown site lang revision texts`, or `kind id
    /// site lang revision layer categories` and, for version 2, `services id:1 id:0 …`.
    fn describe(event: Event) -> String {
        match event {
            Event::Shown(c) => format!("shown {} {} {} {}", c.site, c.lang.code(), c.revision, c.texts.as_str()),
            Event::Decision(d) => {
                let mut text = format!(
                    "{} {} {} {} {} {} {}{}{}",
                    d.kind.as_str(),
                    d.id,
                    d.context.site,
                    d.context.lang.code(),
                    d.context.revision,
                    d.layer.as_str(),
                    u8::from(d.categories.analytics),
                    u8::from(d.categories.marketing),
                    u8::from(d.categories.social)
                );
                if let Some(services) = &d.services {
                    text.push_str(" services");
                    for (id, granted) in services.iter() {
                        text.push_str(&format!(" {id}:{}", u8::from(granted)));
                    }
                }
                text
            }
        }
    }

    /// Parses `body` and compares: `Ok(...)` is [`describe`] of the event, and an error
    /// must contain the expected text.
    #[track_caller]
    fn check(body: &str, expected: Result<&str, &str>) {
        let got = parse(body.as_bytes(), &Three).map(describe);
        match (&got, expected) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{body}"),
            (Err(got), Err(want)) => assert!(got.contains(want), "{body}\n  error: {got}\n  wanted: {want}"),
            _ => panic!("{body}\n  got {got:?}\n  wanted {expected:?}"),
        }
    }

    /// `ACCEPT` (or `base`) with `from` replaced by `to`.
    fn edit(base: &str, from: &str, to: &str) -> String {
        assert!(base.contains(from), "{from}");
        base.replacen(from, to, 1)
    }

    #[test]
    fn well_formed_events_are_read() {
        check(SHOWN, Ok("shown diffo.fi fi 1 0123456789abcdef"));
        check(
            ACCEPT,
            Ok("accept_all 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 first 111"),
        );
        check(
            &format!(" \n{ACCEPT}\n"),
            Ok("accept_all 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 first 111"),
        );
        let reject = edit(
            &edit(ACCEPT, "accept_all", "reject_all"),
            r#""analytics":true,"marketing":true,"social":true"#,
            r#""analytics":false,"marketing":false,"social":false"#,
        );
        check(
            &reject,
            Ok("reject_all 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 first 000"),
        );
        let custom = edit(
            &edit(ACCEPT, "accept_all", "custom"),
            r#""marketing":true"#,
            r#""marketing":false"#,
        );
        check(
            &edit(&custom, "first", "settings"),
            Ok("custom 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 settings 101"),
        );
        check(
            &edit(&edit(ACCEPT, "accept_all", "withdraw"), "first", "declaration"),
            Ok("withdraw 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 declaration 111"),
        );
        check(
            &edit(ACCEPT, "first", "embed"),
            Ok("accept_all 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 embed 111"),
        );
        check(
            &edit(ACCEPT, "first", "api"),
            Ok("accept_all 3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60 diffo.fi fi 1 api 111"),
        );
        check(
            &edit(&edit(SHOWN, "diffo.fi", "diffo.se"), "\"fi\"", "\"sv\""),
            Ok("shown diffo.se sv 1 0123456789abcdef"),
        );
        check(
            &edit(&edit(SHOWN, "diffo.fi", "diffosolutions.com"), "\"fi\"", "\"en\""),
            Ok("shown diffosolutions.com en 1 0123456789abcdef"),
        );
        check(
            &edit(SHOWN, "\"revision\":1", "\"revision\":65535"),
            Ok("shown diffo.fi fi 65535 0123456789abcdef"),
        );
        // Field order does not matter.
        check(
            r#"{"texts":"0123456789abcdef","revision":2,"lang":"en","site":"diffo.fi","event":"shown","version":1}"#,
            Ok("shown diffo.fi en 2 0123456789abcdef"),
        );
    }

    #[test]
    fn every_required_field_is_required() {
        for field in [
            r#""version":1,"#,
            r#""event":"shown","#,
            r#""site":"diffo.fi","#,
            r#""lang":"fi","#,
            r#""revision":1,"#,
        ] {
            let name = field.split('"').nth(1).unwrap();
            check(&edit(SHOWN, field, ""), Err(&format!("missing field `{name}`")));
        }
        check(
            &edit(SHOWN, r#","texts":"0123456789abcdef""#, ""),
            Err("missing field `texts`"),
        );
        check(
            &edit(ACCEPT, r#""id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","#, ""),
            Err("missing field `id` (required for \"accept_all\")"),
        );
        check(&edit(ACCEPT, r#""layer":"first","#, ""), Err("missing field `layer`"));
        check(
            &edit(
                ACCEPT,
                r#","categories":{"analytics":true,"marketing":true,"social":true}"#,
                "",
            ),
            Err("missing field `categories`"),
        );
        check(
            &edit(ACCEPT, r#""analytics":true,"#, ""),
            Err("missing category `analytics`"),
        );
        check(&edit(ACCEPT, r#","social":true"#, ""), Err("missing category `social`"));
    }

    #[test]
    fn wrong_types_are_refused() {
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":"1""#),
            Err("invalid type: string \"1\""),
        );
        check(
            &edit(SHOWN, r#""revision":1"#, r#""revision":1.0"#),
            Err("invalid type: floating point"),
        );
        check(
            &edit(SHOWN, r#""revision":1"#, r#""revision":"1""#),
            Err("invalid type: string"),
        );
        check(
            &edit(SHOWN, r#""site":"diffo.fi""#, r#""site":["diffo.fi"]"#),
            Err("invalid type: sequence"),
        );
        check(
            &edit(SHOWN, r#""texts":"0123456789abcdef""#, r#""texts":123"#),
            Err("invalid type: integer"),
        );
        check(
            &edit(ACCEPT, r#""analytics":true"#, r#""analytics":1"#),
            Err("invalid type: integer `1`, expected a boolean"),
        );
        check(
            &edit(ACCEPT, r#""analytics":true"#, r#""analytics":"true""#),
            Err("expected a boolean"),
        );
        check(
            &edit(
                ACCEPT,
                r#"{"analytics":true,"marketing":true,"social":true}"#,
                "[true,true,true]",
            ),
            Err("invalid type: sequence"),
        );
        check(
            &edit(ACCEPT, r#""id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60""#, r#""id":null"#),
            Err("invalid type: null"),
        );
        check(
            &edit(ACCEPT, r#""layer":"first""#, r#""layer":null"#),
            Err("expected value"),
        );
        check("[]", Err("expected one JSON object"));
        check(
            r#"[1,"shown","diffo.fi","fi",1,"0123456789abcdef"]"#,
            Err("expected one JSON object"),
        );
        check("", Err("expected one JSON object"));
        check("not json", Err("expected one JSON object"));
        check(r#"{"version":1"#, Err("EOF"));
        check(&format!("{SHOWN}{SHOWN}"), Err("trailing characters"));
    }

    #[test]
    fn unknown_and_superfluous_fields_are_refused() {
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":1,"ip":"192.0.2.1""#),
            Err("unknown field `ip`"),
        );
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":1,"time":1700000000000"#),
            Err("unknown field `time`"),
        );
        check(
            &edit(ACCEPT, r#""social":true"#, r#""social":true,"necessary":true"#),
            Err("unknown category `necessary`"),
        );
        check(
            &edit(ACCEPT, r#""social":true"#, r#""social":true,"ads":true"#),
            Err("unknown category `ads`"),
        );
        check(
            &edit(ACCEPT, r#""social":true"#, r#""social":true,"social":false"#),
            Err("duplicate category `social`"),
        );
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":1,"version":1"#),
            Err("duplicate field `version`"),
        );
        check(
            &edit(
                SHOWN,
                "\"texts\"",
                r#""id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","texts""#,
            ),
            Err("a \"shown\" event has no id"),
        );
        check(
            &edit(SHOWN, "\"texts\"", r#""layer":"first","texts""#),
            Err("a \"shown\" event has no layer"),
        );
        check(
            &edit(
                SHOWN,
                "\"texts\"",
                r#""categories":{"analytics":true,"marketing":true,"social":true},"texts""#,
            ),
            Err("a \"shown\" event has no categories"),
        );
    }

    #[test]
    fn bad_values_are_refused() {
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":3"#),
            Err("unsupported version 3 (this service reads versions 1 and 2)"),
        );
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":0"#),
            Err("unsupported version 0"),
        );
        check(&edit(SHOWN, "shown", "accepted"), Err("unknown variant `accepted`"));
        check(
            &edit(SHOWN, "diffo.fi", "example.com"),
            Err("unknown site \"example.com\""),
        );
        check(&edit(SHOWN, "diffo.fi", "DIFFO.FI"), Err("unknown site"));
        check(&edit(SHOWN, "\"fi\"", "\"de\""), Err("unknown variant `de`"));
        check(&edit(SHOWN, "\"fi\"", "\"FI\""), Err("unknown variant `FI`"));
        check(
            &edit(SHOWN, r#""revision":1"#, r#""revision":0"#),
            Err("revision must be between 1 and 65535"),
        );
        check(
            &edit(SHOWN, r#""revision":1"#, r#""revision":65536"#),
            Err("expected u16"),
        );
        check(&edit(SHOWN, r#""revision":1"#, r#""revision":-1"#), Err("expected u16"));
        check(&edit(ACCEPT, "first", "banner"), Err("unknown variant `banner`"));
        for texts in [
            "0123456789ABCDEF",
            "0123456789abcde",
            "0123456789abcdef0",
            "0123456789abcdeg",
            "",
        ] {
            check(
                &edit(SHOWN, "0123456789abcdef", texts),
                Err("texts must be exactly 16 lowercase hex characters"),
            );
        }
        for id in [
            "3F1C2A9E-8B7D-4C6E-9F0A-1B2C3D4E5F60",  // upper case
            "3f1c2a9e-8b7d-1c6e-9f0a-1b2c3d4e5f60",  // version 1
            "3f1c2a9e-8b7d-4c6e-cf0a-1b2c3d4e5f60",  // variant c
            "3f1c2a9e-8b7d-4c6e-7f0a-1b2c3d4e5f60",  // variant 7
            "3f1c2a9e8b7d4c6e9f0a1b2c3d4e5f60",      // no hyphens
            "{3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f6}", // braces
            "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f6",   // short
            "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f600", // long
            "3f1c2a9e_8b7d-4c6e-9f0a-1b2c3d4e5f60",  // wrong separator
            "",
        ] {
            check(
                &edit(ACCEPT, "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60", id),
                Err("id must be a lowercase hyphenated UUID version 4"),
            );
        }
    }

    #[test]
    fn oversized_bodies_are_refused() {
        let padded = format!("{SHOWN}{}", " ".repeat(MAX_BODY - SHOWN.len()));
        check(&padded, Ok("shown diffo.fi fi 1 0123456789abcdef"));
        check(&format!("{padded} "), Err("the event is larger than 4096 bytes"));
    }

    /// A site that accepts any name, for events on sites with long names.
    struct Any;

    impl Sites for Any {
        fn site(&self, name: &str) -> Option<Arc<str>> {
            Some(Arc::from(name))
        }
    }

    /// The largest event the banner can write fits in [`MAX_BODY`], with the size its doc
    /// comment gives.
    #[test]
    fn the_largest_event_fits() {
        let services: Vec<String> = (0..MAX_SERVICES)
            .map(|i| format!("\"{i:02}{}\":false", "x".repeat(MAX_SERVICE_ID - 2)))
            .collect();
        let body = format!(
            r#"{{"version":2,"event":"reject_all","id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","site":"{}","lang":"fi","revision":65535,"texts":"0123456789abcdef","layer":"declaration","categories":{{"analytics":false,"marketing":false,"social":false}},"services":{{{}}}}}"#,
            "d".repeat(100),
            services.join(",")
        );
        assert_eq!(body.len(), 3481);
        assert!(body.len() <= MAX_BODY);
        let Ok(Event::Decision(d)) = parse(body.as_bytes(), &Any) else {
            panic!("refused: {:?}", parse(body.as_bytes(), &Any));
        };
        assert_eq!(d.services.map(|s| s.refused().count()), Some(MAX_SERVICES));
    }

    /// `V2` is the fixture's decision with a real hash.
    const V2: &str = r#"{"version":2,"event":"custom","id":"3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60","site":"diffo.fi","lang":"fi","revision":1,"texts":"0123456789abcdef","layer":"settings","categories":{"analytics":true,"marketing":false,"social":false},"services":{"google-analytics":true,"linkedin-insight":false}}"#;
    const V2_SERVICES: &str = r#"{"google-analytics":true,"linkedin-insight":false}"#;

    #[test]
    fn version_2_events_are_read() {
        let id = "3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60";
        check(
            V2,
            Ok(&format!(
                "custom {id} diffo.fi fi 1 settings 100 services google-analytics:1 linkedin-insight:0"
            )),
        );
        check(
            &edit(SHOWN, r#""version":1"#, r#""version":2"#),
            Ok("shown diffo.fi fi 1 0123456789abcdef"),
        );
        // A site without services.
        check(
            &edit(V2, V2_SERVICES, "{}"),
            Ok(&format!("custom {id} diffo.fi fi 1 settings 100 services")),
        );
        // Services are listed by id whatever the order on the wire.
        check(
            &edit(V2, V2_SERVICES, r#"{"youtube":true,"a-1":false,"0":true}"#),
            Ok(&format!(
                "custom {id} diffo.fi fi 1 settings 100 services 0:1 a-1:0 youtube:1"
            )),
        );
        for kind in ["accept_all", "reject_all", "withdraw"] {
            let body = edit(V2, "custom", kind);
            check(
                &body,
                Ok(&format!(
                    "{kind} {id} diffo.fi fi 1 settings 100 services google-analytics:1 linkedin-insight:0"
                )),
            );
        }
        let forty = "a".repeat(MAX_SERVICE_ID);
        check(
            &edit(V2, V2_SERVICES, &format!(r#"{{"{forty}":true}}"#)),
            Ok(&format!("custom {id} diffo.fi fi 1 settings 100 services {forty}:1")),
        );
        let most: Vec<String> = (0..MAX_SERVICES).map(|i| format!("\"s{i:02}\":true")).collect();
        let body = edit(V2, V2_SERVICES, &format!("{{{}}}", most.join(",")));
        let Ok(Event::Decision(d)) = parse(body.as_bytes(), &Three) else {
            panic!("{body}");
        };
        assert_eq!(d.services.as_ref().map(Services::len), Some(MAX_SERVICES));
        assert_eq!(d.version(), 2);
        // Version 1 stays as it was: no services.
        let Ok(Event::Decision(d)) = parse(ACCEPT.as_bytes(), &Three) else {
            panic!();
        };
        assert_eq!((d.version(), d.services), (1, None));
    }

    /// Bad version 2 events and the exact message of each (without serde's position,
    /// " at line 1 column N").
    #[test]
    fn bad_version_2_events_are_refused_with_a_message_naming_the_problem() {
        let too_many: Vec<String> = (0..=MAX_SERVICES).map(|i| format!("\"s{i:02}\":true")).collect();
        let too_many = format!("{{{}}}", too_many.join(","));
        let long = format!(r#"{{"{}":true}}"#, "a".repeat(MAX_SERVICE_ID + 1));
        let cases: Vec<(String, &str)> = vec![
            (
                edit(V2, &format!(r#","services":{V2_SERVICES}"#), ""),
                "missing field `services` (required for \"custom\" in version 2)",
            ),
            (
                edit(V2, V2_SERVICES, "null"),
                "invalid event: invalid type: null, expected an object of service ids to true or false",
            ),
            (
                edit(V2, V2_SERVICES, r#"["google-analytics"]"#),
                "invalid event: invalid type: sequence, expected an object of service ids to true or false",
            ),
            (
                edit(V2, V2_SERVICES, r#""google-analytics""#),
                "invalid event: invalid type: string \"google-analytics\", expected an object of service ids to true or false",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"google-analytics":true,"google-analytics":false}"#),
                "invalid event: duplicate service `google-analytics`",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"youtube":1}"#),
                "invalid event: invalid type: integer `1`, expected true or false for service `youtube`",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"youtube":"true"}"#),
                "invalid event: invalid type: string \"true\", expected true or false for service `youtube`",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"youtube":null}"#),
                "invalid event: invalid type: null, expected true or false for service `youtube`",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"youtube":{"on":true}}"#),
                "invalid event: invalid type: map, expected true or false for service `youtube`",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"Google-Analytics":true}"#),
                "invalid event: service id \"Google-Analytics\" is not 1 to 40 lowercase letters, digits or hyphens",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"google analytics":true}"#),
                "invalid event: service id \"google analytics\" is not 1 to 40 lowercase letters, digits or hyphens",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"google_analytics":true}"#),
                "invalid event: service id \"google_analytics\" is not 1 to 40 lowercase letters, digits or hyphens",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"":true}"#),
                "invalid event: service id \"\" is not 1 to 40 lowercase letters, digits or hyphens",
            ),
            (
                edit(V2, V2_SERVICES, r#"{"yoütube":true}"#),
                "invalid event: service id \"yoütube\" is not 1 to 40 lowercase letters, digits or hyphens",
            ),
            (
                edit(V2, V2_SERVICES, &long),
                "invalid event: service id \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not 1 to 40 lowercase letters, digits or hyphens",
            ),
            (edit(V2, V2_SERVICES, &too_many), "invalid event: more than 64 services"),
            (
                edit(SHOWN, r#""version":1"#, r#""version":2,"services":{}"#),
                "a \"shown\" event has no services",
            ),
            (
                edit(&edit(SHOWN, r#""version":1"#, r#""version":2"#), "\"texts\"", r#""layer":"first","texts""#),
                "a \"shown\" event has no layer",
            ),
            (
                edit(V2, r#""version":2"#, r#""version":2,"ip":"192.0.2.1""#),
                "invalid event: unknown field `ip`, expected one of `version`, `event`, `id`, `site`, `lang`, \
                 `revision`, `texts`, `layer`, `categories`, `services`",
            ),
            // Version 1 has no services: the field is unknown there.
            (
                edit(V2, r#""version":2"#, r#""version":1"#),
                "invalid event: unknown field `services`, expected one of `version`, `event`, `id`, `site`, \
                 `lang`, `revision`, `texts`, `layer`, `categories`",
            ),
            (
                edit(V2, "\"settings\"", "\"popup\""),
                "invalid event: unknown variant `popup`, expected one of `first`, `settings`, `embed`, \
                 `declaration`, `api`",
            ),
            (edit(V2, "diffo.fi", "example.com"), "unknown site \"example.com\""),
            (
                edit(V2, r#""analytics":true,"#, ""),
                "invalid event: missing category `analytics`",
            ),
        ];
        for (body, want) in &cases {
            let got = parse(body.as_bytes(), &Three).map(describe);
            let Err(got) = got else {
                panic!("{body}\n  accepted: {got:?}\n  wanted: {want}");
            };
            let message = got.split(" at line ").next().unwrap_or_default();
            assert_eq!(message, *want, "{body}");
        }
    }

    #[test]
    fn service_ids_and_lists_are_checked() {
        for good in ["a", "0", "-", "google-analytics", "meta-pixel-2", &"z".repeat(40)] {
            assert_eq!(ServiceId::parse(good).map(|id| id.to_string()).as_deref(), Some(good));
        }
        for bad in ["", "A", "a b", "a_b", "a.b", "ä", "a/b", &"z".repeat(41)] {
            assert_eq!(ServiceId::parse(bad), None, "{bad:?}");
        }
        let id = |text: &str| ServiceId::parse(text).unwrap();
        let services = Services::new(vec![(id("youtube"), false), (id("google-analytics"), true)]).unwrap();
        assert_eq!(
            services.iter().map(|(id, g)| format!("{id}:{g}")).collect::<Vec<_>>(),
            ["google-analytics:true", "youtube:false"]
        );
        assert_eq!(
            services.granted().map(ServiceId::as_str).collect::<Vec<_>>(),
            ["google-analytics"]
        );
        assert_eq!(
            services.refused().map(ServiceId::as_str).collect::<Vec<_>>(),
            ["youtube"]
        );
        assert_eq!(
            Services::new(vec![(id("a"), true), (id("b"), true), (id("a"), false)]),
            Err("duplicate service `a`".to_string())
        );
        let most: Vec<(ServiceId, bool)> = (0..=MAX_SERVICES).map(|i| (id(&format!("s{i}")), true)).collect();
        assert!(Services::new(most[..MAX_SERVICES].to_vec()).is_ok());
        assert_eq!(Services::new(most), Err("more than 64 services".to_string()));
    }

    #[test]
    fn ids_and_texts_round_trip() {
        let id = ConsentId::parse("3f1c2a9e-8b7d-4c6e-bf0a-1b2c3d4e5f60").unwrap();
        assert_eq!(id.as_str(), "3f1c2a9e-8b7d-4c6e-bf0a-1b2c3d4e5f60");
        assert_eq!(Texts::parse("ffffffffffffffff").unwrap().as_str(), "ffffffffffffffff");
        for kind in DecisionKind::ALL {
            assert_eq!(DecisionKind::from_name(kind.as_str()), Some(kind));
        }
        for layer in Layer::ALL {
            assert_eq!(Layer::from_name(layer.as_str()), Some(layer));
        }
    }
}
