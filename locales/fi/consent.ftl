## Ensimmäinen taso: lyhyt ilmoitus ja kolme samanarvoista valintaa.

banner-title = Käytämme evästeitä
banner-text = Käytämme välttämättömiä evästeitä, jotta sivusto toimii. Luvallasi käytämme myös analytiikan, markkinoinnin ja sosiaalisen median evästeitä. Voit muuttaa valintaasi milloin tahansa.
banner-policy-link = Lue tietosuojaseloste

## Painikkeet. Hyväksy ja hylkää ovat yhtä lyhyet ja selkeät.

button-accept-all = Hyväksy kaikki
button-reject-all = Hylkää kaikki
button-settings = Asetukset
button-save = Tallenna valinnat
button-close = Sulje
    .aria-label = Sulje evästeasetukset

## Asetukset.

settings-title = Evästeasetukset
settings-text = Valitse, mitkä evästeet sallit. Välttämättömät evästeet ovat aina käytössä, koska sivusto ei toimi ilman niitä.
settings-always-on = Aina käytössä
# $services on luettelo palveluiden nimistä, esimerkiksi "Google Analytics, Meta Pixel".
settings-services = Palvelut: { $services }
language-switch =
    .aria-label = Kieli

category-necessary-label = Välttämättömät
category-necessary-description = Pitävät sivuston toiminnassa ja muistavat evästevalintasi.
category-analytics-label = Analytiikka
category-analytics-description = Kertovat meille, miten sivustoa käytetään, jotta voimme parantaa sitä.
category-marketing-label = Markkinointi
category-marketing-description = Mittaavat mainontamme tuloksia ja auttavat näyttämään sinulle kiinnostavampia mainoksia.
category-social-label = Sosiaalinen media
category-social-description = Näyttävät sosiaalisen median painikkeet ja julkaisut. Palvelut voivat seurata sinua myös muilla sivustoilla.

## Pieni painike, joka jää sivulle valinnan jälkeen.

reopen-button = Evästeasetukset
