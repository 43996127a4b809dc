### Inställningarna, förteckningen över kakor och platshållare för inbäddningar: laddas när de behövs.

## Knappar i inställningarna.

button-save = Spara mina val
button-close = Stäng
    .aria-label = Stäng kakinställningar

## Inställningarna.

settings-title = Kakinställningar
settings-text = Välj vilka kakor du tillåter. Nödvändiga kakor är alltid på eftersom webbplatsen inte fungerar utan dem.
settings-always-on = Alltid på
# $services är en lista med tjänster, till exempel "Google Analytics, Meta Pixel".
settings-services = Tjänster: { $services }
category-necessary-label = Nödvändiga
category-necessary-description = Får webbplatsen att fungera och kommer ihåg ditt val om kakor.
category-analytics-label = Analys
category-analytics-description = Visar oss hur webbplatsen används så att vi kan förbättra den.
category-marketing-label = Marknadsföring
category-marketing-description = Mäter hur våra annonser fungerar och hjälper oss att visa dig mer relevanta annonser.
category-social-label = Sociala medier
category-social-description = Visar knappar och inlägg från sociala medier. Tjänsterna kan spåra dig även på andra webbplatser.
# $id är det anonyma samtyckes-id:t.
settings-consent-id = Ditt anonyma samtyckes-id är { $id }.
# En länk till kvittot i samtyckesloggen.
receipt-link = Se kvittot på dina val

## Förteckningen över kakor, i inställningarna och på sidan om integritet.

# $count är antalet kakor och lagrade uppgifter i kategorin.
declaration-summary = Kakor och lagrade uppgifter ({ $count })
declaration-name = Namn
declaration-provider = Leverantör
declaration-purpose = Ändamål
declaration-lifetime = Lagringstid
declaration-type = Typ
declaration-cookie-first = Kaka, den här webbplatsen
declaration-cookie-third = Kaka, tredje part
declaration-local-storage = Webbläsarens lokala lagring
declaration-session-storage = Webbläsarens sessionslagring
lifetime-session = Tills webbläsaren stängs
lifetime-day = 1 dag
lifetime-days = { $n } dagar
lifetime-month = 1 månad
lifetime-months = { $n } månader
lifetime-year = 1 år
lifetime-years = { $n } år
declaration-title = Ditt val om kakor
declaration-none = Du har inte gjort något val ännu.
# $date är datumet för det senaste valet; $id är det anonyma samtyckes-id:t.
declaration-choice = Du gjorde ditt senaste val { $date }. Ditt anonyma samtyckes-id är { $id }.
declaration-allowed = Tillåten
declaration-refused = Inte tillåten
declaration-change = Ändra ditt val
declaration-withdraw = Återkalla samtycket

## Platshållare för inbäddningar och knappar från sociala medier.

# $service är tjänstens namn, till exempel "YouTube".
embed-title = Innehåll från { $service }
# $company är företaget som får uppgifter, till exempel "Google Ireland Limited".
embed-text = Innehållet kommer från { $company }. Om du laddar det får { $company } uppgifter om ditt besök och kan sätta kakor.
embed-load-once = Ladda det här en gång
embed-allow-analytics = Tillåt alltid analys
embed-allow-marketing = Tillåt alltid marknadsföring
embed-allow-social = Tillåt alltid sociala medier
