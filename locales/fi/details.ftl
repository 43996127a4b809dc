### Asetukset, evästeseloste ja upotusten paikkamerkit: ladataan, kun niitä tarvitaan.

## Asetusten painikkeet.

button-save = Tallenna valinnat
button-close = Sulje
    .aria-label = Sulje evästeasetukset

## Asetukset.

settings-title = Evästeasetukset
settings-text = Valitse, mitä sallit: koko kategorian tai palvelu kerrallaan. Välttämättömät evästeet ovat aina käytössä, koska sivusto ei toimi ilman niitä.
settings-always-on = Aina käytössä
category-necessary-label = Välttämättömät
category-necessary-description = Välttämättömät evästeet pitävät sivuston toiminnassa ja muistavat evästevalintasi.
category-analytics-label = Analytiikka
category-analytics-description = Analytiikkapalvelut mittaavat sivuston käyttöä: mitä sivuja katsotaan, kuinka kauan ja mistä kävijät tulevat.
category-marketing-label = Markkinointi
category-marketing-description = Markkinointipalvelut mittaavat mainostemme tehoa ja näyttävät mainoksiamme sivustolla käyneille. Yritykset käyttävät tietoja myös omaan mainontaansa.
category-social-label = Sosiaalinen media
category-social-description = Sosiaalisen median palvelut näyttävät painikkeita, julkaisuja ja videoita. Niiden takana olevat yritykset saavat tietää, millä sivulla olet, ja voivat yhdistää käynnin tiliisi niiden palvelussa.
# $company on yritys, joka saa tietoja, esimerkiksi "Google Ireland Limited".
service-recipient = Vastaanottaja: { $company }
service-policy = Yrityksen { $company } tietosuojaseloste
service-transfer = Voi siirtää tietoja Yhdysvaltoihin EU:n ja Yhdysvaltojen välisen tietosuojakehyksen nojalla.
# $id on satunnainen suostumustunniste.
settings-consent-id = Suostumustunnisteesi on { $id }.
consent-id-note = Se on satunnainen koodi, joka säilytetään selaimessasi ja suostumuslokissamme todisteena valinnastasi. Sen yhteydessä ei tallenneta mitään, mistä sinut voisi tunnistaa, kuten IP-osoitettasi.
# Linkki suostumuslokin kuittiin.
receipt-link = Katso kuitti valinnoistasi

## Evästeseloste asetuksissa ja tietosuojasivulla.

# $count on evästeiden ja tallennettujen tietojen määrä.
declaration-summary = Evästeet ja tallennetut tiedot ({ $count })
declaration-name = Nimi
declaration-provider = Palveluntarjoaja
declaration-purpose = Tarkoitus
declaration-lifetime = Säilytysaika
declaration-type = Tyyppi
declaration-cookie-first = Ensimmäisen osapuolen eväste
declaration-cookie-third = Kolmannen osapuolen eväste
declaration-local-storage = Selaimen paikallinen tallennustila
declaration-local-storage-third = Kolmannen osapuolen paikallinen tallennustila
declaration-session-storage = Selaimen istuntokohtainen tallennustila
declaration-session-storage-third = Kolmannen osapuolen istuntokohtainen tallennustila
lifetime-session = Kunnes selain suljetaan
lifetime-persistent = Kunnes poistat sen
lifetime-minute = 1 minuutti
lifetime-minutes = { $n } minuuttia
lifetime-hour = 1 tunti
lifetime-hours = { $n } tuntia
lifetime-day = 1 päivä
lifetime-days = { $n } päivää
lifetime-month = 1 kuukausi
lifetime-months = { $n } kuukautta
lifetime-year = 1 vuosi
lifetime-years = { $n } vuotta
declaration-title = Evästevalintasi
declaration-none = Et ole vielä tehnyt valintaa.
# $date on viimeisimmän valinnan päivämäärä; $id on satunnainen suostumustunniste.
declaration-choice = Teit viimeisimmän valintasi { $date }. Suostumustunnisteesi on { $id }.
declaration-allowed = Sallittu
declaration-refused = Ei sallittu
declaration-partly = Osittain sallittu
# Kategorian sivuston omat evästeet, palvelujen evästeiden jälkeen.
declaration-own = Sivuston omat
declaration-change = Muuta valintaasi
declaration-withdraw = Peru suostumus

## Paikkamerkit upotuksille ja palvelujen elementeille.

# $service on palvelun nimi, esimerkiksi "YouTube".
embed-title = Sisältöä palvelusta { $service }
# $company on yritys, joka saa tietoja, esimerkiksi "Google Ireland Limited".
embed-text = Sisällön tarjoaa { $company }. Jos lataat sen, { $company } saa tietoja käynnistäsi ja voi asettaa evästeitä.
embed-load-once = Lataa tämä kerran
embed-allow-service = Salli { $service } aina
embed-allow-analytics = Salli analytiikka aina
embed-allow-marketing = Salli markkinointi aina
embed-allow-social = Salli sosiaalinen media aina
