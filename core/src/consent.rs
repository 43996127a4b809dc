//! What a visitor allows: each service of the site, and each category as a
//! whole.
//!
//! [`Consent`] is the decision as the gate uses it, against one site's
//! services (a bit per service, in the config's order). A category is
//! allowed as a whole when the visitor turned it on, or turned on every one
//! of its services; that is what the page's own scripts tagged with a
//! category (`data-consent="analytics"`), embeds of no known service and the
//! site's own declared cookies need. A service needs its own bit.
//!
//! Every change goes through [`Consent::with_category`] and
//! [`Consent::with_service`], which keep the two in step: turning a category
//! on or off turns all of its services with it, and a category stays on only
//! while all of its services are.

use crate::category::{Category, Choices};
use crate::prelude::*;
use crate::service::{Service, MAX_SERVICES};

/// A decision against one site's services.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Consent {
    /// The categories allowed as a whole.
    pub categories: Choices,
    /// Bit `i`: the config's `i`-th service is allowed.
    pub services: u64,
}

/// How a category's switch shows a consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// The category is allowed (all of its services are).
    On,
    /// Nothing of it is allowed.
    Off,
    /// Some of its services are allowed, not all.
    Mixed,
}

fn bit(i: usize) -> u64 {
    if i < MAX_SERVICES {
        1 << i
    } else {
        0
    }
}

/// The services of `category`, as a mask.
fn mask_of(services: &[Service], category: Category) -> u64 {
    services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.category == category)
        .fold(0, |m, (i, _)| m | bit(i))
}

impl Consent {
    /// Nothing optional allowed: what a visitor who has not decided gets.
    pub const NONE: Consent = Consent {
        categories: Choices::NONE,
        services: 0,
    };

    /// Every service of `services` and every category.
    pub fn all(services: &[Service]) -> Consent {
        Consent::of_categories(services, Choices::ALL)
    }

    /// The categories of `choices`, each with all of its services: what a
    /// version-1 record (which knew categories only) means.
    pub fn of_categories(services: &[Service], choices: Choices) -> Consent {
        Category::OPTIONAL.into_iter().fold(Consent::NONE, |c, category| {
            c.with_category(services, category, choices.allows(category))
        })
    }

    /// A stored decision against today's services: the categories as
    /// stored, and each service as the record lists it. A service the
    /// record does not list (the site added it since) is refused; one the
    /// site no longer has is ignored. A version-1 record (`listed` is
    /// `None`) means every service of an allowed category.
    pub fn of_record(categories: Choices, listed: Option<&[(String, bool)]>, services: &[Service]) -> Consent {
        let Some(listed) = listed else {
            return Consent::of_categories(services, categories);
        };
        let allowed = |id: &str| listed.iter().any(|(l, on)| *on && l == id);
        Consent {
            categories,
            services: services
                .iter()
                .enumerate()
                .filter(|(_, s)| allowed(&s.id))
                .fold(0, |m, (i, _)| m | bit(i)),
        }
    }

    /// Each of `services` by id, and whether this consent allows it: what a
    /// record stores.
    pub fn listed(self, services: &[Service]) -> Vec<(String, bool)> {
        services
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), self.allows_service(i)))
            .collect()
    }

    /// Whether `category` is allowed as a whole. `Necessary` always is.
    pub fn allows(self, category: Category) -> bool {
        self.categories.allows(category)
    }

    /// Whether the `i`-th service is allowed.
    pub fn allows_service(self, i: usize) -> bool {
        self.services & bit(i) != 0
    }

    /// This consent with `category` and every one of its services set to
    /// `on`. Setting `Necessary` changes nothing.
    pub fn with_category(self, services: &[Service], category: Category, on: bool) -> Consent {
        if category == Category::Necessary {
            return self;
        }
        let mask = mask_of(services, category);
        Consent {
            categories: self.categories.with(category, on),
            services: if on {
                self.services | mask
            } else {
                self.services & !mask
            },
        }
    }

    /// This consent with the `i`-th service set to `on`; its category is
    /// then allowed as a whole exactly when all of its services are.
    pub fn with_service(self, services: &[Service], i: usize, on: bool) -> Consent {
        let Some(service) = services.get(i) else {
            return self;
        };
        let updated = if on {
            self.services | bit(i)
        } else {
            self.services & !bit(i)
        };
        let mask = mask_of(services, service.category);
        Consent {
            categories: self.categories.with(service.category, updated & mask == mask),
            services: updated,
        }
    }

    /// How the switch of `category` shows this consent.
    pub fn switch(self, services: &[Service], category: Category) -> Switch {
        let mask = mask_of(services, category);
        let on = self.services & mask;
        if self.allows(category) && on == mask {
            Switch::On
        } else if on == 0 && !self.allows(category) {
            Switch::Off
        } else {
            Switch::Mixed
        }
    }

    /// What is allowed here and not in `other`.
    pub fn added_since(self, other: Consent) -> Consent {
        let categories = self
            .categories
            .added_since(other.categories)
            .fold(Choices::NONE, |c, category| c.with(category, true));
        Consent {
            categories,
            services: self.services & !other.services,
        }
    }

    /// Whether nothing optional is allowed.
    pub fn is_none(self) -> bool {
        self == Consent::NONE
    }

    /// What is allowed here or in `other`.
    pub fn union(self, other: Consent) -> Consent {
        Consent {
            categories: self.categories.union(other.categories),
            services: self.services | other.services,
        }
    }

    /// The indices of the allowed services.
    pub fn service_indices(self, services: &[Service]) -> impl Iterator<Item = usize> + '_ {
        (0..services.len()).filter(move |&i| self.allows_service(i))
    }

    /// The compact text the edge carries for this consent in a command and
    /// hands back (`judge`, `forget`): the category mask in decimal
    /// (analytics 1, marketing 2, social 4), a dot, the service mask in hex.
    pub fn token(self) -> String {
        let c = self.categories;
        let mask = u8::from(c.analytics) | u8::from(c.marketing) << 1 | u8::from(c.social) << 2;
        let mut out = String::with_capacity(18);
        out.push(char::from(b'0' + mask));
        out.push('.');
        let digits = b"0123456789abcdef";
        let mut started = false;
        for shift in (0..16).rev() {
            let d = (self.services >> (shift * 4)) & 15;
            if d != 0 || started || shift == 0 {
                started = true;
                out.push(char::from(digits[d as usize]));
            }
        }
        out
    }

    /// Reads [`Consent::token`]'s text; `None` for anything else.
    pub fn from_token(token: &str) -> Option<Consent> {
        let (mask, hex) = token.split_once('.')?;
        let mask = match mask.as_bytes() {
            [d @ b'0'..=b'7'] => d - b'0',
            _ => return None,
        };
        if hex.is_empty() || hex.len() > 16 {
            return None;
        }
        let mut services = 0u64;
        for b in hex.bytes() {
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                _ => return None,
            };
            services = services << 4 | u64::from(d);
        }
        Some(Consent {
            categories: Choices {
                analytics: mask & 1 != 0,
                marketing: mask & 2 != 0,
                social: mask & 4 != 0,
            },
            services,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Site, SiteConfig};
    use Category::*;

    fn services() -> Vec<Service> {
        SiteConfig::builtin(Site::DiffoFi).unwrap().services
    }

    fn index(services: &[Service], id: &str) -> usize {
        services.iter().position(|s| s.id == id).unwrap()
    }

    #[test]
    fn a_category_switch_sets_all_of_its_services() {
        let s = services();
        let c = Consent::NONE.with_category(&s, Social, true);
        assert!(c.allows(Social) && !c.allows(Analytics));
        for (i, service) in s.iter().enumerate() {
            assert_eq!(c.allows_service(i), service.category == Social, "{}", service.id);
        }
        assert_eq!(c.switch(&s, Social), Switch::On);
        assert_eq!(c.with_category(&s, Social, false), Consent::NONE);
        assert_eq!(Consent::NONE.with_category(&s, Necessary, false), Consent::NONE);
    }

    #[test]
    fn services_one_by_one_and_the_mixed_state() {
        let s = services();
        let youtube = index(&s, "youtube");
        let one = Consent::NONE.with_service(&s, youtube, true);
        assert!(one.allows_service(youtube) && !one.allows(Social));
        assert_eq!(one.switch(&s, Social), Switch::Mixed);
        assert_eq!(one.switch(&s, Analytics), Switch::Off);
        // Every social service on, one by one: the category is on.
        let all = s
            .iter()
            .enumerate()
            .filter(|(_, x)| x.category == Social)
            .fold(Consent::NONE, |c, (i, _)| c.with_service(&s, i, true));
        assert!(all.allows(Social));
        assert_eq!(all, Consent::NONE.with_category(&s, Social, true));
        // One off again: the category is no longer allowed as a whole.
        let less = all.with_service(&s, youtube, false);
        assert!(!less.allows(Social));
        assert_eq!(less.switch(&s, Social), Switch::Mixed);
        // An index that is no service changes nothing.
        assert_eq!(one.with_service(&s, 63, true), one);
    }

    #[test]
    fn a_category_without_services_is_its_own_switch() {
        let c = Consent::NONE.with_category(&[], Analytics, true);
        assert!(c.allows(Analytics));
        assert_eq!(c.switch(&[], Analytics), Switch::On);
        assert_eq!(c.switch(&[], Marketing), Switch::Off);
    }

    #[test]
    fn version_one_categories_grant_their_services() {
        let s = services();
        let c = Consent::of_categories(&s, Choices::NONE.with(Analytics, true));
        assert!(c.allows_service(index(&s, "google-analytics")));
        assert!(!c.allows_service(index(&s, "meta-pixel")));
        assert_eq!(Consent::all(&s).switch(&s, Marketing), Switch::On);
    }

    #[test]
    fn a_stored_record_against_todays_services() {
        let s = services();
        let social = Choices::NONE.with(Social, true);
        let listed = vec![
            ("youtube".to_string(), true),
            ("facebook".to_string(), false),
            ("gone-since".to_string(), true),
        ];
        let c = Consent::of_record(social, Some(&listed), &s);
        assert!(c.allows(Social), "the category as stored");
        assert_eq!(
            c.service_indices(&s).map(|i| s[i].id.as_str()).collect::<Vec<_>>(),
            ["youtube"],
            "unlisted services (instagram, linkedin) are refused, unknown ones ignored"
        );
        assert_eq!(c.switch(&s, Social), Switch::Mixed);
        // Version 1: the categories with all their services.
        assert_eq!(
            Consent::of_record(social, None, &s),
            Consent::NONE.with_category(&s, Social, true)
        );
        // What a record stores lists every service of the site.
        let listed = c.listed(&s);
        assert_eq!(listed.len(), s.len());
        assert_eq!(Consent::of_record(social, Some(&listed), &s), c);
    }

    #[test]
    fn tokens_round_trip_and_refuse_anything_else() {
        let s = services();
        for c in [
            Consent::NONE,
            Consent::all(&s),
            Consent::NONE.with_service(&s, 3, true),
            Consent {
                categories: Choices::ALL,
                services: u64::MAX,
            },
        ] {
            assert_eq!(Consent::from_token(&c.token()), Some(c), "{}", c.token());
        }
        assert_eq!(Consent::NONE.token(), "0.0");
        assert_eq!(Consent::NONE.with_category(&[], Social, true).token(), "4.0");
        for bad in [
            "",
            "0",
            "8.0",
            "1.",
            "1.g",
            "1.00000000000000000",
            "a.1",
            "01.1",
            "1.1.1",
        ] {
            assert_eq!(Consent::from_token(bad), None, "{bad:?}");
        }
    }
}
