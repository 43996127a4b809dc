### Inställningarna, förteckningen över kakor och platshållare för inbäddningar: laddas när de behövs.

## Knappar i inställningarna.

button-save = Spara mina val
button-close = Stäng
    .aria-label = Stäng kakinställningarna

## Inställningarna.

settings-title = Kakinställningar
settings-text = Välj vad du tillåter, en hel kategori eller tjänst för tjänst. Nödvändiga kakor är alltid aktiva eftersom webbplatsen inte fungerar utan dem.
settings-always-on = Alltid aktiva
category-necessary-label = Nödvändiga
category-necessary-description = Nödvändiga kakor får webbplatsen att fungera och kommer ihåg ditt val om kakor.
category-analytics-label = Analys
category-analytics-description = Analystjänsterna mäter hur webbplatsen används: vilka sidor som visas, hur länge och varifrån besökarna kommer.
category-marketing-label = Marknadsföring
category-marketing-description = Marknadsföringstjänsterna mäter våra annonser och visar dem för personer som har besökt webbplatsen. Företagen använder också uppgifterna för sin egen annonsering.
category-social-label = Sociala medier
category-social-description = Tjänsterna för sociala medier visar knappar, inlägg och videor. Företagen bakom dem får veta vilken sida du är på och kan koppla besöket till ditt konto hos dem.
# $company är företaget som får uppgifter, till exempel "Google Ireland Limited".
service-recipient = Mottagare: { $company }
service-policy = Integritetspolicy för { $company }
service-transfer = Kan föra över uppgifter till USA enligt ramverket för dataskydd mellan EU och USA.
# $id är det slumpmässiga samtyckes-id:t.
settings-consent-id = Ditt samtyckes-id är { $id }.
consent-id-note = Det är en slumpmässig kod som sparas i din webbläsare och i vår samtyckeslogg som bevis på ditt val. Inget som kan identifiera dig, till exempel din IP-adress, sparas tillsammans med den.
# En länk till kvittot i samtyckesloggen.
receipt-link = Se kvittot på dina val

## Förteckningen över kakor, i inställningarna och på sidan om integritet.

# $count är antalet kakor och lagrade uppgifter.
declaration-summary = Kakor och lagrade uppgifter ({ $count })
declaration-name = Namn
declaration-provider = Leverantör
declaration-purpose = Ändamål
declaration-lifetime = Lagringstid
declaration-type = Typ
declaration-cookie-first = Förstapartskaka
declaration-cookie-third = Tredjepartskaka
declaration-local-storage = Webbläsarens lokala lagring
declaration-local-storage-third = Lokal lagring hos tredje part
declaration-session-storage = Webbläsarens sessionslagring
declaration-session-storage-third = Sessionslagring hos tredje part
lifetime-session = Tills webbläsaren stängs
lifetime-persistent = Tills du raderar den
lifetime-minute = 1 minut
lifetime-minutes = { $n } minuter
lifetime-hour = 1 timme
lifetime-hours = { $n } timmar
lifetime-day = 1 dag
lifetime-days = { $n } dagar
lifetime-month = 1 månad
lifetime-months = { $n } månader
lifetime-year = 1 år
lifetime-years = { $n } år
declaration-title = Ditt val om kakor
declaration-none = Du har inte gjort något val ännu.
# $date är datumet för det senaste valet; $id är det slumpmässiga samtyckes-id:t.
declaration-choice = Du gjorde ditt senaste val den { $date }. Ditt samtyckes-id är { $id }.
declaration-allowed = Tillåts
declaration-refused = Tillåts inte
declaration-partly = Tillåts delvis
# En kategoris egna kakor från webbplatsen, efter tjänsternas.
declaration-own = Webbplatsens egna
declaration-change = Ändra ditt val
declaration-withdraw = Återkalla samtycket

## Platshållare för inbäddningar och tjänsters element.

# $service är tjänstens namn, till exempel "YouTube".
embed-title = Innehåll från { $service }
# $company är företaget som får uppgifter, till exempel "Google Ireland Limited".
embed-text = Innehållet kommer från { $company }. Om du laddar det får { $company } uppgifter om ditt besök och kan sätta kakor.
embed-load-once = Ladda det här en gång
embed-allow-service = Tillåt alltid { $service }
embed-allow-analytics = Tillåt alltid analys
embed-allow-marketing = Tillåt alltid marknadsföring
embed-allow-social = Tillåt alltid sociala medier
