//! Consent categories and a visitor's choice across them.

/// A purpose a visitor can allow or refuse. `Necessary` is always allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// What the site needs to work, including the consent record itself.
    Necessary,
    /// Measuring how the site is used (Google Analytics).
    Analytics,
    /// Advertising and its measurement (Meta Pixel).
    Marketing,
    /// Social media plugins and embeds (Facebook, Instagram, LinkedIn).
    Social,
}

impl Category {
    /// Every category, in the order the dialog lists them.
    pub const ALL: [Category; 4] = [
        Category::Necessary,
        Category::Analytics,
        Category::Marketing,
        Category::Social,
    ];

    /// The categories a visitor may turn on or off.
    pub const OPTIONAL: [Category; 3] = [Category::Analytics, Category::Marketing, Category::Social];

    /// The key used in storage, markup (`data-category`, `data-consent`) and
    /// the JavaScript API.
    pub fn key(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
            Category::Social => "social",
        }
    }

    /// The category with this key, if any. Keys are exact and lowercase.
    pub fn from_key(key: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Which optional categories a visitor allows. The default allows nothing,
/// which is also what a visitor who has not decided gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Choices {
    /// Analytics allowed.
    pub analytics: bool,
    /// Marketing allowed.
    pub marketing: bool,
    /// Social media allowed.
    pub social: bool,
}

impl Choices {
    /// Nothing optional allowed.
    pub const NONE: Choices = Choices {
        analytics: false,
        marketing: false,
        social: false,
    };

    /// Everything allowed.
    pub const ALL: Choices = Choices {
        analytics: true,
        marketing: true,
        social: true,
    };

    /// Whether `category` is allowed. `Necessary` always is.
    pub fn allows(self, category: Category) -> bool {
        match category {
            Category::Necessary => true,
            Category::Analytics => self.analytics,
            Category::Marketing => self.marketing,
            Category::Social => self.social,
        }
    }

    /// A copy with `category` set to `allowed`. Setting `Necessary` changes
    /// nothing: it cannot be refused.
    pub fn with(mut self, category: Category, allowed: bool) -> Choices {
        match category {
            Category::Necessary => {}
            Category::Analytics => self.analytics = allowed,
            Category::Marketing => self.marketing = allowed,
            Category::Social => self.social = allowed,
        }
        self
    }

    /// The categories allowed here but not in `other`.
    pub fn added_since(self, other: Choices) -> impl Iterator<Item = Category> {
        Category::OPTIONAL
            .into_iter()
            .filter(move |&c| self.allows(c) && !other.allows(c))
    }

    /// Both allowed here and in `other`.
    pub fn union(self, other: Choices) -> Choices {
        Choices {
            analytics: self.analytics || other.analytics,
            marketing: self.marketing || other.marketing,
            social: self.social || other.social,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn keys_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_key(c.key()), Some(c));
        }
        for bad in ["", "Analytics", "ads", "necessary "] {
            assert_eq!(Category::from_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn necessary_cannot_be_refused() {
        assert!(Choices::NONE.allows(Category::Necessary));
        assert_eq!(Choices::NONE.with(Category::Necessary, false), Choices::NONE);
        assert_eq!(Choices::default(), Choices::NONE);
    }

    #[test]
    fn added_since_lists_new_grants_only() {
        let before = Choices::NONE.with(Category::Analytics, true);
        let after = Choices::ALL.with(Category::Social, false);
        assert_eq!(after.added_since(before).collect::<Vec<_>>(), vec![Category::Marketing]);
        assert_eq!(before.added_since(after).count(), 0);
        assert_eq!(before.union(after), after);
    }
}
