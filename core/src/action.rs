//! What the visitor can do, and where the dialog and focus are: the words
//! the session, the views and the consent log's events share.

use crate::category::Category;
use crate::consent::Consent;
use crate::lang::Lang;

/// Which part of the dialog is showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// No dialog; the reopen control shows if there is a decision.
    Hidden,
    /// The first layer: short text and accept all, reject all, settings.
    Banner,
    /// The settings layer, a modal dialog. `over_banner` says whether closing
    /// it goes back to the first layer (no decision yet) or hides the dialog.
    Settings {
        /// Opened from the first layer, before any decision.
        over_banner: bool,
    },
}

/// Something the visitor (or a script through the JavaScript API) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Accept all.
    AcceptAll,
    /// Reject all.
    RejectAll,
    /// Save the switches of the settings layer.
    Save,
    /// `diffoConsent.set({...})`: decide exactly this.
    Set(Consent),
    /// `diffoConsent.withdraw()`: take back every optional category.
    Withdraw,
    /// Open the settings layer (settings button, reopen control,
    /// `data-consent-open`, `diffoConsent.show()`).
    OpenSettings,
    /// Close the settings layer (close button, Escape). Never a decision.
    Close,
    /// A category switch changed: the category and all of its services.
    Toggle(Category, bool),
    /// A service's switch changed (the service's index in the config).
    ToggleService(usize, bool),
    /// The visitor picked a language.
    SwitchLang(Lang),
    /// "Always allow" on the placeholder of an embed of no known service:
    /// allow its category too.
    Allow(Category),
    /// "Always allow" on a service's placeholder: allow that service too.
    AllowService(usize),
}

/// Where keyboard focus should go after the edge re-renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// Leave it where it is.
    Keep,
    /// The open layer's dialog element, so its label is announced.
    Dialog,
    /// The language button for this language (after switching language).
    LangButton(Lang),
    /// If focus is inside the dialog that just closed: back to the page
    /// element that had focus before it opened, or the reopen control if
    /// there is none. If focus is elsewhere (a script called the API while
    /// the visitor typed in the page), it stays there.
    Restore,
}
