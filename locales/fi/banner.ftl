### Ensimmäinen taso ja evästeasetusten painike: ladataan bannerin mukana.

## Ensimmäinen taso: lyhyt ilmoitus ja kolme samanarvoista valintaa.

banner-title = Käytämme evästeitä
banner-text = Käytämme välttämättömiä evästeitä, jotta sivusto toimii. Suostumuksellasi käytämme myös evästeitä ja vastaavia tekniikoita analytiikkaan, markkinointiin ja sosiaaliseen mediaan.
# $companies luettelee yritykset, jotka saavat tietoja suostumuksella,
# esimerkiksi "Google Ireland Limited ja Meta Platforms Ireland Limited";
# -one-muoto on yhdelle yritykselle.
banner-recipients = Tällöin tietoja käynnistäsi saavat myös { $companies }.
banner-recipients-one = Tällöin tietoja käynnistäsi saa myös { $companies }.
# Kun kaikki mainitut yritykset voivat siirtää tietoja Yhdysvaltoihin.
banner-transfer-all = Ne voivat siirtää tietoja Yhdysvaltoihin EU:n ja Yhdysvaltojen välisen tietosuojakehyksen nojalla.
banner-transfer-all-one = Se voi siirtää tietoja Yhdysvaltoihin EU:n ja Yhdysvaltojen välisen tietosuojakehyksen nojalla.
# Kun vain osa voi: $companies luettelee ne.
banner-transfer-some = Niistä { $companies } voivat siirtää tietoja Yhdysvaltoihin EU:n ja Yhdysvaltojen välisen tietosuojakehyksen nojalla.
banner-transfer-some-one = Niistä { $companies } voi siirtää tietoja Yhdysvaltoihin EU:n ja Yhdysvaltojen välisen tietosuojakehyksen nojalla.
# $duration on valinnan voimassaoloaika, esimerkiksi "12 kuukautta".
banner-lifetime = Valintasi on voimassa { $duration }. Voit muuttaa tai perua sen milloin tahansa kohdasta ”Evästeasetukset”.
banner-policy-link = Lue tietosuojaseloste
# Yhdistää luettelon kaksi viimeistä: "A, B ja C".
list-and = ja
duration-month = 1 kuukauden
duration-months = { $n } kuukautta

## Painikkeet. Hyväksy ja hylkää ovat yhtä lyhyet ja selkeät.

button-accept-all = Hyväksy kaikki
button-reject-all = Hylkää kaikki
button-settings = Asetukset
language-switch =
    .aria-label = Kieli

## Pieni painike, joka jää sivulle valinnan jälkeen.

reopen-button = Evästeasetukset

## Ilmoitukset ensimmäisellä tasolla ja asetuksissa.

notice-policy-changed = Tietosuojaselosteemme on muuttunut edellisen valintasi jälkeen. Valitse uudelleen.
notice-gpc = Selaimesi lähettää Global Privacy Control -signaalin. Noudatamme sitä: markkinointi ja sosiaalinen media pysyvät pois päältä, ellet itse kytke niitä päälle.
