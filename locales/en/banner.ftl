### The first layer and the reopen control: loaded with the banner.

## The first layer: a short notice with three equal choices.

banner-title = We use cookies
banner-text = We use necessary cookies to make this site work. With your consent, we also use cookies and similar technologies for analytics, marketing and social media.
# $companies lists the companies that receive data with consent, such as
# "Google Ireland Limited and Meta Platforms Ireland Limited"; the -one form
# is for a single company.
banner-recipients = Data about your visit then also goes to { $companies }.
banner-recipients-one = Data about your visit then also goes to { $companies }.
# When every company named may transfer data to the United States.
banner-transfer-all = They may transfer the data to the United States under the EU–US Data Privacy Framework.
banner-transfer-all-one = It may transfer the data to the United States under the EU–US Data Privacy Framework.
# When only some may: $companies lists those.
banner-transfer-some = Of them, { $companies } may transfer the data to the United States under the EU–US Data Privacy Framework.
banner-transfer-some-one = Of them, { $companies } may transfer the data to the United States under the EU–US Data Privacy Framework.
# $duration is how long a choice holds, such as "12 months".
banner-lifetime = Your choice holds for { $duration }. You can change or withdraw it at any time under “Cookie settings”.
banner-policy-link = Read our privacy policy
# Joins the last two items of a list: "A, B and C".
list-and = and
duration-month = 1 month
duration-months = { $n } months

## Buttons. Accept and reject must stay equally short and plain.

button-accept-all = Accept all
button-reject-all = Reject all
button-settings = Settings
language-switch =
    .aria-label = Language

## The small control that stays on the page after a decision.

reopen-button = Cookie settings

## Notices on the first layer and in the settings.

notice-policy-changed = Our privacy policy has changed since your last choice. Please choose again.
notice-gpc = Your browser sends a Global Privacy Control signal. We respect it: marketing and social media stay off unless you turn them on yourself.
