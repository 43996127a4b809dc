### Ensimmäinen taso ja evästeasetusten painike: ladataan bannerin mukana.

## Ensimmäinen taso: lyhyt ilmoitus ja kolme samanarvoista valintaa.

banner-title = Käytämme evästeitä
banner-text = Käytämme välttämättömiä evästeitä, jotta sivusto toimii. Luvallasi käytämme myös analytiikan, markkinoinnin ja sosiaalisen median evästeitä. Voit muuttaa valintaasi milloin tahansa.
banner-policy-link = Lue tietosuojaseloste

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
notice-gpc = Selaimesi lähettää Global Privacy Control -signaalin. Noudatamme sitä: markkinointi pysyy pois päältä, ellet itse kytke sitä päälle.
