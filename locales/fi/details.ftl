### Asetukset, evästeseloste ja upotusten paikkamerkit: ladataan, kun niitä tarvitaan.

## Asetusten painikkeet.

button-save = Tallenna valinnat
button-close = Sulje
    .aria-label = Sulje evästeasetukset

## Asetukset.

settings-title = Evästeasetukset
settings-text = Valitse, mitkä evästeet sallit. Välttämättömät evästeet ovat aina käytössä, koska sivusto ei toimi ilman niitä.
settings-always-on = Aina käytössä
# $services on luettelo palveluiden nimistä, esimerkiksi "Google Analytics, Meta Pixel".
settings-services = Palvelut: { $services }
category-necessary-label = Välttämättömät
category-necessary-description = Pitävät sivuston toiminnassa ja muistavat evästevalintasi.
category-analytics-label = Analytiikka
category-analytics-description = Kertovat meille, miten sivustoa käytetään, jotta voimme parantaa sitä.
category-marketing-label = Markkinointi
category-marketing-description = Mittaavat mainontamme tuloksia ja auttavat näyttämään sinulle kiinnostavampia mainoksia.
category-social-label = Sosiaalinen media
category-social-description = Näyttävät sosiaalisen median painikkeet ja julkaisut. Palvelut voivat seurata sinua myös muilla sivustoilla.
# $id on anonyymi suostumustunniste.
settings-consent-id = Anonyymi suostumustunnisteesi on { $id }.
# Linkki suostumuslokin kuittiin.
receipt-link = Katso kuitti valinnoistasi

## Evästeseloste asetuksissa ja tietosuojasivulla.

# $count on kategorian evästeiden ja tallenteiden määrä.
declaration-summary = Evästeet ja tallennetut tiedot ({ $count })
declaration-name = Nimi
declaration-provider = Palveluntarjoaja
declaration-purpose = Tarkoitus
declaration-lifetime = Säilytysaika
declaration-type = Tyyppi
declaration-cookie-first = Eväste, tämä sivusto
declaration-cookie-third = Eväste, kolmas osapuoli
declaration-local-storage = Selaimen paikallinen tallennustila
declaration-session-storage = Selaimen istuntokohtainen tallennustila
lifetime-session = Kunnes selain suljetaan
lifetime-day = 1 päivä
lifetime-days = { $n } päivää
lifetime-month = 1 kuukausi
lifetime-months = { $n } kuukautta
lifetime-year = 1 vuosi
lifetime-years = { $n } vuotta
declaration-title = Evästevalintasi
declaration-none = Et ole vielä tehnyt valintaa.
# $date on viimeisimmän valinnan päivämäärä; $id on anonyymi suostumustunniste.
declaration-choice = Teit viimeisimmän valintasi { $date }. Anonyymi suostumustunnisteesi on { $id }.
declaration-allowed = Sallittu
declaration-refused = Ei sallittu
declaration-change = Muuta valintaasi
declaration-withdraw = Peru suostumus

## Paikkamerkit sosiaalisen median upotuksille ja painikkeille.

# $service on palvelun nimi, esimerkiksi "YouTube".
embed-title = { $service }-sisältö
# $company on yritys, joka saa tietoja, esimerkiksi "Google Ireland Limited".
embed-text = Sisällön tarjoaa { $company }. Jos lataat sen, { $company } saa tietoja käynnistäsi ja voi asettaa evästeitä.
embed-load-once = Lataa tämä kerran
embed-allow-analytics = Salli analytiikka aina
embed-allow-marketing = Salli markkinointi aina
embed-allow-social = Salli sosiaalinen media aina
