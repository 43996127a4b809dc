### The settings layer, the cookie declaration and embed placeholders: loaded when first needed.

## Buttons of the settings layer.

button-save = Save my choices
button-close = Close
    .aria-label = Close cookie settings

## The settings layer.

settings-title = Cookie settings
settings-text = Choose which cookies you allow. Necessary cookies are always on because the site cannot work without them.
settings-always-on = Always on
# $services is a list of service names, such as "Google Analytics, Meta Pixel".
settings-services = Services: { $services }
category-necessary-label = Necessary
category-necessary-description = Make the site work and remember your cookie choice.
category-analytics-label = Analytics
category-analytics-description = Show us how the site is used so that we can improve it.
category-marketing-label = Marketing
category-marketing-description = Measure how our ads perform and help us show you more relevant ads.
category-social-label = Social media
category-social-description = Show social media buttons and posts. These services may also track you on other sites.
# $id is the anonymous consent id.
settings-consent-id = Your anonymous consent id is { $id }.
# A link to the consent log's receipt of the visitor's decisions.
receipt-link = See the receipt of your choices

## The cookie declaration, in the settings and on the privacy policy page.

# $count is the number of cookies and stored items in the category.
declaration-summary = Cookies and stored data ({ $count })
declaration-name = Name
declaration-provider = Provider
declaration-purpose = Purpose
declaration-lifetime = Lifetime
declaration-type = Type
declaration-cookie-first = Cookie, this site
declaration-cookie-third = Cookie, third party
declaration-local-storage = Local storage
declaration-session-storage = Session storage
lifetime-session = Until the browser closes
lifetime-day = 1 day
lifetime-days = { $n } days
lifetime-month = 1 month
lifetime-months = { $n } months
lifetime-year = 1 year
lifetime-years = { $n } years
declaration-title = Your cookie choice
declaration-none = You have not made a choice yet.
# $date is the date of the last choice; $id is the anonymous consent id.
declaration-choice = You last chose on { $date }. Your anonymous consent id is { $id }.
declaration-allowed = Allowed
declaration-refused = Not allowed
declaration-change = Change your choice
declaration-withdraw = Withdraw consent

## Placeholders for social media embeds and buttons.

# $service is the name of the service, such as "YouTube".
embed-title = Content from { $service }
# $company is the company that receives data, such as "Google Ireland Limited".
embed-text = This content comes from { $company }. If you load it, { $company } receives data about your visit and may set cookies.
embed-load-once = Load this once
embed-allow-analytics = Always allow analytics
embed-allow-marketing = Always allow marketing
embed-allow-social = Always allow social media
