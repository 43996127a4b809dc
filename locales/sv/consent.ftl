## Första nivån: ett kort meddelande med tre likvärdiga val.

banner-title = Vi använder kakor
banner-text = Vi använder nödvändiga kakor för att webbplatsen ska fungera. Med ditt samtycke använder vi också kakor för analys, marknadsföring och sociala medier. Du kan ändra ditt val när som helst.
banner-policy-link = Läs vår integritetspolicy

## Knappar. Godkänn och avvisa ska vara lika korta och tydliga.

button-accept-all = Godkänn alla
button-reject-all = Avvisa alla
button-settings = Inställningar
button-save = Spara mina val
button-close = Stäng
    .aria-label = Stäng kakinställningar

## Inställningarna.

settings-title = Kakinställningar
settings-text = Välj vilka kakor du tillåter. Nödvändiga kakor är alltid på eftersom webbplatsen inte fungerar utan dem.
settings-always-on = Alltid på
# $services är en lista med tjänster, till exempel "Google Analytics, Meta Pixel".
settings-services = Tjänster: { $services }
language-switch =
    .aria-label = Språk

category-necessary-label = Nödvändiga
category-necessary-description = Får webbplatsen att fungera och kommer ihåg ditt val om kakor.
category-analytics-label = Analys
category-analytics-description = Visar oss hur webbplatsen används så att vi kan förbättra den.
category-marketing-label = Marknadsföring
category-marketing-description = Mäter hur våra annonser fungerar och hjälper oss att visa dig mer relevanta annonser.
category-social-label = Sociala medier
category-social-description = Visar knappar och inlägg från sociala medier. Tjänsterna kan spåra dig även på andra webbplatser.

## Den lilla knappen som finns kvar på sidan efter ett val.

reopen-button = Kakinställningar
