//! A compact binary form of checked config settings.
//!
//! Checking a JSON config (`config::parse_settings`) takes more code than the
//! rest of the banner, and a page needs it only when its script tag names a
//! `data-config`. So the checking happens elsewhere: at build time for the
//! built-in site configs, and in the lazily loaded extra module (`consent-extra.wasm`)
//! that the edge loads only for a `data-config`. Both hand the banner the
//! settings in this form, which it reads with a few hundred bytes of code.
//!
//! The form is internal to one build (the banner and its checker are always
//! built together), so it has a version byte but no compatibility promise.
//! Reading is still careful: any malformed input is `None`, never a panic.

use crate::category::Category;
use crate::config::Setting;
use crate::declaration::{Entry, Kind, Lifetime, Party};
use crate::lang::Lang;
use crate::prelude::*;
use crate::service::{Integration, Service, Transfer};

const VERSION: u8 = 2;

/// Encodes settings.
pub fn encode(settings: &[Setting]) -> Vec<u8> {
    let mut w = Writer(vec![VERSION]);
    for s in settings {
        match s {
            Setting::Revision(n) => w.tag(1).u32(*n),
            Setting::DefaultLanguage(l) => w.tag(2).lang(*l),
            Setting::PrivacyPolicy(urls) => {
                w.tag(3);
                for url in urls {
                    w.opt_str(url.as_deref());
                }
                &mut w
            }
            Setting::GoogleAnalytics(id) => w.tag(4).opt_str(id.as_deref()),
            Setting::MetaPixel(id) => w.tag(5).opt_str(id.as_deref()),
            Setting::Services(services) => {
                w.tag(6).u32(services.len() as u32);
                for service in services {
                    w.service(service);
                }
                &mut w
            }
            Setting::RemoveServices(ids) => w.tag(11).strs(ids),
            Setting::ConsentLifetimeMonths(n) => w.tag(7).u32(*n),
            Setting::ReloadOnWithdraw(b) => w.tag(8).u8(u8::from(*b)),
            Setting::MetaAutomaticMatching(b) => w.tag(9).u8(u8::from(*b)),
            Setting::Cookies(entries) => w.tag(10).entries(entries),
        };
    }
    w.0
}

struct Writer(Vec<u8>);

impl Writer {
    fn tag(&mut self, t: u8) -> &mut Self {
        self.u8(t)
    }
    fn u8(&mut self, b: u8) -> &mut Self {
        self.0.push(b);
        self
    }
    fn u32(&mut self, n: u32) -> &mut Self {
        self.0.extend_from_slice(&n.to_le_bytes());
        self
    }
    fn lang(&mut self, l: Lang) -> &mut Self {
        self.u8(l.index() as u8)
    }
    fn str(&mut self, s: &str) -> &mut Self {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
        self
    }
    fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.u8(1).str(s),
            None => self.u8(0),
        }
    }
    fn strs(&mut self, items: &[String]) -> &mut Self {
        self.u32(items.len() as u32);
        for item in items {
            self.str(item);
        }
        self
    }
    fn category(&mut self, c: Category) -> &mut Self {
        self.u8(Category::ALL.iter().position(|x| *x == c).unwrap_or(0) as u8)
    }
    fn entries(&mut self, entries: &[Entry]) -> &mut Self {
        self.u32(entries.len() as u32);
        for e in entries {
            self.category(e.category);
            self.u8(match e.kind {
                Kind::Cookie => 0,
                Kind::LocalStorage => 1,
                Kind::SessionStorage => 2,
            });
            self.u8(u8::from(e.party == Party::Third));
            let (unit, n) = match e.lifetime {
                Lifetime::Session => (0, 0),
                Lifetime::Days(n) => (1, n),
                Lifetime::Months(n) => (2, n),
                Lifetime::Years(n) => (3, n),
                Lifetime::Persistent => (4, 0),
                Lifetime::Minutes(n) => (5, n),
                Lifetime::Hours(n) => (6, n),
            };
            self.u8(unit).u32(n).str(&e.name).str(&e.provider);
            for p in &e.purpose {
                self.str(p);
            }
        }
        self
    }
    fn service(&mut self, s: &Service) -> &mut Self {
        self.str(&s.id).str(&s.name).str(&s.company).category(s.category);
        for p in &s.purpose {
            self.str(p);
        }
        self.str(&s.privacy_policy);
        self.u8(match s.transfer {
            None => 0,
            Some(Transfer::UsDpf) => 1,
        });
        self.entries(&s.cookies).strs(&s.scripts).strs(&s.hosts);
        self.u8(match s.integration {
            None => 0,
            Some(Integration::GoogleTag) => 1,
            Some(Integration::MetaPixel) => 2,
        })
    }
}

/// Decodes settings written by [`encode`] of the same build.
pub fn decode(bytes: &[u8]) -> Option<Vec<Setting>> {
    let mut r = Reader { bytes, pos: 0 };
    if r.u8()? != VERSION {
        return None;
    }
    let mut out = Vec::new();
    while r.pos < bytes.len() {
        let setting = match r.u8()? {
            1 => Setting::Revision(r.u32()?),
            2 => Setting::DefaultLanguage(r.lang()?),
            3 => Setting::PrivacyPolicy([r.opt_str()?, r.opt_str()?, r.opt_str()?]),
            4 => Setting::GoogleAnalytics(r.opt_str()?),
            5 => Setting::MetaPixel(r.opt_str()?),
            6 => {
                let count = r.u32()?;
                let mut services = Vec::new();
                for _ in 0..count {
                    services.push(r.service()?);
                }
                Setting::Services(services)
            }
            7 => Setting::ConsentLifetimeMonths(r.u32()?),
            8 => Setting::ReloadOnWithdraw(r.u8()? != 0),
            9 => Setting::MetaAutomaticMatching(r.u8()? != 0),
            10 => Setting::Cookies(r.entries()?),
            11 => Setting::RemoveServices(r.strs()?),
            _ => return None,
        };
        out.push(setting);
    }
    Some(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_le_bytes([*b.first()?, *b.get(1)?, *b.get(2)?, *b.get(3)?]))
    }
    fn lang(&mut self) -> Option<Lang> {
        Lang::ALL.get(usize::from(self.u8()?)).copied()
    }
    fn str(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
    fn opt_str(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
            _ => None,
        }
    }
    fn strs(&mut self) -> Option<Vec<String>> {
        let count = self.u32()?;
        let mut out = Vec::new();
        for _ in 0..count {
            out.push(self.str()?);
        }
        Some(out)
    }
    fn category(&mut self) -> Option<Category> {
        Category::ALL.get(usize::from(self.u8()?)).copied()
    }
    fn entries(&mut self) -> Option<Vec<Entry>> {
        let count = self.u32()?;
        let mut out = Vec::new();
        for _ in 0..count {
            out.push(self.entry()?);
        }
        Some(out)
    }
    fn entry(&mut self) -> Option<Entry> {
        let category = self.category()?;
        let kind = match self.u8()? {
            0 => Kind::Cookie,
            1 => Kind::LocalStorage,
            2 => Kind::SessionStorage,
            _ => return None,
        };
        let party = if self.u8()? != 0 { Party::Third } else { Party::First };
        let unit = self.u8()?;
        let n = self.u32()?;
        let lifetime = match unit {
            0 => Lifetime::Session,
            1 => Lifetime::Days(n),
            2 => Lifetime::Months(n),
            3 => Lifetime::Years(n),
            4 => Lifetime::Persistent,
            5 => Lifetime::Minutes(n),
            6 => Lifetime::Hours(n),
            _ => return None,
        };
        Some(Entry {
            category,
            kind,
            party,
            lifetime,
            name: self.str()?,
            provider: self.str()?,
            purpose: [self.str()?, self.str()?, self.str()?],
        })
    }
    fn service(&mut self) -> Option<Service> {
        Some(Service {
            id: self.str()?,
            name: self.str()?,
            company: self.str()?,
            category: self.category()?,
            purpose: [self.str()?, self.str()?, self.str()?],
            privacy_policy: self.str()?,
            transfer: match self.u8()? {
                0 => None,
                1 => Some(Transfer::UsDpf),
                _ => return None,
            },
            cookies: self.entries()?,
            scripts: self.strs()?,
            hosts: self.strs()?,
            integration: match self.u8()? {
                0 => None,
                1 => Some(Integration::GoogleTag),
                2 => Some(Integration::MetaPixel),
                _ => return None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_settings, Site, SiteConfig};

    #[test]
    fn every_builtin_config_round_trips() {
        for site in Site::ALL {
            let config = SiteConfig::builtin(site).unwrap();
            let settings = decode(&encode(&config.settings())).expect("decodes");
            let mut rebuilt = SiteConfig::bare(site);
            for s in settings {
                rebuilt.apply(s);
            }
            assert_eq!(rebuilt, config, "{site:?}");
        }
    }

    #[test]
    fn overrides_round_trip() {
        let settings = parse_settings(
            r#"{"metaPixel": null, "privacyPolicy": {"sv": "/p"}, "removeServices": ["instagram", "youtube"]}"#,
        )
        .unwrap();
        assert_eq!(decode(&encode(&settings)), Some(settings));
        assert_eq!(decode(&encode(&[])), Some(vec![]));
    }

    #[test]
    fn malformed_input_is_refused_without_panicking() {
        let good = encode(&SiteConfig::builtin(Site::DiffoSe).unwrap().settings());
        assert_eq!(decode(&[]), None);
        assert_eq!(decode(&[9]), None, "another version");
        assert_eq!(decode(&[VERSION, 99]), None, "an unknown tag");
        // Every truncation, and every single-byte corruption, is either refused
        // or read as some other well-formed settings: never a panic.
        for len in 0..good.len() {
            let _ = decode(&good[..len]);
        }
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xA5;
            let _ = decode(&bad);
        }
        assert!(decode(&good[..good.len() - 1]).is_none());
    }
}
