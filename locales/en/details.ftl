### The settings layer, the cookie declaration and embed placeholders: loaded when first needed.

## Buttons of the settings layer.

button-save = Save my choices
button-close = Close
    .aria-label = Close cookie settings

## The settings layer.

settings-title = Cookie settings
settings-text = Choose what you allow, a whole category or service by service. Necessary cookies are always on because the site cannot work without them.
settings-always-on = Always on
category-necessary-label = Necessary
category-necessary-description = Necessary cookies make the site work and remember your cookie choice.
category-analytics-label = Analytics
category-analytics-description = Analytics services measure how the site is used: which pages are viewed, for how long, and where visitors come from.
category-marketing-label = Marketing
category-marketing-description = Marketing services measure our ads and show them to people who have visited the site. The companies also use the data for their own advertising.
category-social-label = Social media
category-social-description = Social media services show buttons, posts and videos. The companies behind them learn which page you are on and can link the visit to your account with them.
# $company is the company that receives data, such as "Google Ireland Limited".
service-recipient = Recipient: { $company }
service-policy = Privacy policy of { $company }
service-transfer = May transfer data to the United States under the EU–US Data Privacy Framework.
# $id is the random consent ID.
settings-consent-id = Your consent ID is { $id }.
consent-id-note = It is a random code, kept in your browser and in our consent log as proof of your choice. Nothing that identifies you, such as your IP address, is stored with it.
# A link to the consent log's receipt of the visitor's decisions.
receipt-link = See the receipt of your choices

## The cookie declaration, in the settings and on the privacy policy page.

# $count is the number of cookies and stored items.
declaration-summary = Cookies and stored data ({ $count })
declaration-name = Name
declaration-provider = Provider
declaration-purpose = Purpose
declaration-lifetime = Lifetime
declaration-type = Type
declaration-cookie-first = First-party cookie
declaration-cookie-third = Third-party cookie
declaration-local-storage = Local storage
declaration-local-storage-third = Local storage, third party
declaration-session-storage = Session storage
declaration-session-storage-third = Session storage, third party
lifetime-session = Until the browser closes
lifetime-persistent = Until you delete it
lifetime-minute = 1 minute
lifetime-minutes = { $n } minutes
lifetime-hour = 1 hour
lifetime-hours = { $n } hours
lifetime-day = 1 day
lifetime-days = { $n } days
lifetime-month = 1 month
lifetime-months = { $n } months
lifetime-year = 1 year
lifetime-years = { $n } years
declaration-title = Your cookie choice
declaration-none = You have not made a choice yet.
# $date is the date of the last choice; $id is the random consent ID.
declaration-choice = You made your last choice on { $date }. Your consent ID is { $id }.
declaration-allowed = Allowed
declaration-refused = Not allowed
declaration-partly = Partly allowed
# The site's own cookies of a category, after those of its services.
declaration-own = This site's own
declaration-change = Change your choice
declaration-withdraw = Withdraw consent

## Placeholders for embeds and the elements of services.

# $service is the name of the service, such as "YouTube".
embed-title = Content from { $service }
# $company is the company that receives data, such as "Google Ireland Limited".
embed-text = This content comes from { $company }. If you load it, { $company } receives data about your visit and may set cookies.
embed-load-once = Load this once
embed-allow-service = Always allow { $service }
embed-allow-analytics = Always allow analytics
embed-allow-marketing = Always allow marketing
embed-allow-social = Always allow social media
