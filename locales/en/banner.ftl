### The first layer and the reopen control: loaded with the banner.

## The first layer: a short notice with three equal choices.

banner-title = We use cookies
banner-text = We use necessary cookies to make this site work. With your consent, we also use cookies for analytics, marketing and social media. You can change your choice at any time.
banner-policy-link = Read our privacy policy

## Buttons. Accept and reject must stay equally short and plain.

button-accept-all = Accept all
button-reject-all = Reject all
button-settings = Settings
language-switch =
    .aria-label = Language

## The small control that stays on the page after a decision.

reopen-button = Cookie settings

## Notices on the first layer and in the settings.

notice-policy-changed = Our privacy policy has changed since you last chose. Please choose again.
notice-gpc = Your browser sends a Global Privacy Control signal. We respect it: marketing stays off unless you turn it on yourself.
