### Första nivån och knappen för att öppna igen: laddas med bannern.

## Första nivån: ett kort meddelande med tre likvärdiga val.

banner-title = Vi använder kakor
banner-text = Vi använder nödvändiga kakor för att webbplatsen ska fungera. Med ditt samtycke använder vi också kakor och liknande tekniker för analys, marknadsföring och sociala medier.
# $companies räknar upp företagen som får uppgifter med samtycke, till
# exempel "Google Ireland Limited och Meta Platforms Ireland Limited";
# -one-formen är för ett enda företag.
banner-recipients = Uppgifter om ditt besök går då även till { $companies }.
banner-recipients-one = Uppgifter om ditt besök går då även till { $companies }.
# När alla företagen kan föra över uppgifter till USA.
banner-transfer-all = De kan föra över uppgifterna till USA enligt ramverket för dataskydd mellan EU och USA.
banner-transfer-all-one = Företaget kan föra över uppgifterna till USA enligt ramverket för dataskydd mellan EU och USA.
# När bara några kan: $companies räknar upp dem.
banner-transfer-some = Av dem kan { $companies } föra över uppgifterna till USA enligt ramverket för dataskydd mellan EU och USA.
banner-transfer-some-one = Av dem kan { $companies } föra över uppgifterna till USA enligt ramverket för dataskydd mellan EU och USA.
# $duration är hur länge ett val gäller, till exempel "12 månader".
banner-lifetime = Ditt val gäller i { $duration }. Du kan ändra eller återkalla det när som helst under ”Kakinställningar”.
banner-policy-link = Läs vår integritetspolicy
# Binder ihop de två sista i en uppräkning: "A, B och C".
list-and = och
duration-month = 1 månad
duration-months = { $n } månader

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
notice-gpc = Din webbläsare skickar en Global Privacy Control-signal. Vi respekterar den: marknadsföring och sociala medier förblir avstängda om du inte själv slår på dem.
