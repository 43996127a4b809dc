## The first layer: a short notice with three equal choices.

banner-title = We use cookies
banner-text = We use necessary cookies to make this site work. With your consent, we also use cookies for analytics, marketing and social media. You can change your choice at any time.
banner-policy-link = Read our privacy policy

## Buttons. Accept and reject must stay equally short and plain.

button-accept-all = Accept all
button-reject-all = Reject all
button-settings = Settings
button-save = Save my choices
button-close = Close
    .aria-label = Close cookie settings

## The settings layer.

settings-title = Cookie settings
settings-text = Choose which cookies you allow. Necessary cookies are always on because the site cannot work without them.
settings-always-on = Always on
# $services is a list of service names, such as "Google Analytics, Meta Pixel".
settings-services = Services: { $services }
language-switch =
    .aria-label = Language

category-necessary-label = Necessary
category-necessary-description = Make the site work and remember your cookie choice.
category-analytics-label = Analytics
category-analytics-description = Show us how the site is used so that we can improve it.
category-marketing-label = Marketing
category-marketing-description = Measure how our ads perform and help us show you more relevant ads.
category-social-label = Social media
category-social-description = Show social media buttons and posts. These services may also track you on other sites.

## The small control that stays on the page after a decision.

reopen-button = Cookie settings
