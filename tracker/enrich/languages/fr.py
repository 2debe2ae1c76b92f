"""French."""

from tracker.enrich.languages import LanguagePack

PACK = LanguagePack(
    code="fr",
    verbs=r"(?:a|ont|avait|avaient|aurait)\s+(?:déclaré|affirmé|indiqué|annoncé|précisé|ajouté|"
    r"souligné|assuré|estimé|dénoncé|accusé|démenti|confirmé|reconnu|averti|expliqué|rapporté|"
    r"revendiqué|dit|fait savoir|nié|rejeté|démenti)|déclare|déclarent|affirme|affirment|"
    r"indique|indiquent|annonce|annoncent|précise|ajoute|souligne|assure|estime|dénonce|accuse|"
    r"accusent|dément|confirme|confirment|reconnaît|revendique|revendiquent|dit|disent|"
    r"a-t-(?:il|elle) (?:dit|déclaré|ajouté|précisé|affirmé|indiqué)|"
    r"dans un communiqué|dans un message|évoque|évoquent|menace|menacent|promet|affirmé|"
    r"déclaré|annoncé|assure|prévient|a prévenu|a averti|a menacé|a promis|a ajouté",
    preps=r"selon|d['’]après|de source",
    anaphora=r"le ministère|l['’]armée|le porte-parole|il|elle|le mouvement|le groupe",
    speakers=r"porte-parole|ministère|armée|gouvernement|police|autorités|responsables?|"
    r"ministre|président|bureau|militaires?|forces|services?|brigades?|mouvement|groupe|"
    r"commandement|état-major|chef|dirigeants?|premier ministre|Kremlin|branche armée",
    order="svo",
    killed=r"tu[ée]s?|morts?|décès|décédés?|péri|victimes|bilan",
    wounded=r"bless[ée]s?|blessures",
    damage=r"détrui\w*|endommag\w*|abattu\w*|véhicules?|chars?|avions?|hélicoptères?|"
    r"infrastructures?|bâtiments?|maisons|hôpita(?:l|ux)|ponts?",
    numbers={
        "un": 1,
        "une": 1,
        "deux": 2,
        "trois": 3,
        "quatre": 4,
        "cinq": 5,
        "six": 6,
        "sept": 7,
        "huit": 8,
        "neuf": 9,
        "dix": 10,
        "vingt": 20,
        "cent": 100,
    },
    months={
        "janvier": 1,
        "février": 2,
        "mars": 3,
        "avril": 4,
        "mai": 5,
        "juin": 6,
        "juillet": 7,
        "août": 8,
        "septembre": 9,
        "octobre": 10,
        "novembre": 11,
        "décembre": 12,
    },
    responsibility=r"revendiqu\w*",
    denial=r"dément|démenti|nié|nie|rejeté|rejette|conteste|contesté",
    initiator=r"accus\w*|attaques?|violé|violation|infiltrés?|responsab\w*",
    means=r"roquettes?|missiles?|obus|frappes?|bombardements?|drones?|tirs?|"
    r"explosifs?|artillerie",
    clause_words=r"que|qui|après|lors|et|mais",
)
