### Första nivån och knappen för att öppna igen: laddas med bannern.

## Första nivån: ett kort meddelande med tre likvärdiga val.

banner-title = Vi använder kakor
banner-text = Vi använder nödvändiga kakor för att webbplatsen ska fungera. Med ditt samtycke använder vi också kakor för analys, marknadsföring och sociala medier. Du kan ändra ditt val när som helst.
banner-policy-link = Läs vår integritetspolicy

## Knappar. Godkänn och avvisa ska vara lika korta och tydliga.

button-accept-all = Godkänn alla
button-reject-all = Avvisa alla
button-settings = Inställningar
language-switch =
    .aria-label = Språk

## Den lilla knappen som finns kvar på sidan efter ett val.

reopen-button = Kakinställningar

## Meddelanden på första nivån och i inställningarna.

notice-policy-changed = Vår integritetspolicy har ändrats sedan du senast valde. Välj igen.
notice-gpc = Din webbläsare skickar en Global Privacy Control-signal. Vi respekterar den: marknadsföring förblir avstängd om du inte själv slår på den.
