"""German. Verb-second: "Der Minister sagte …" and, after a quotation, "…, sagte der Minister"."""

from tracker.enrich.languages import LanguagePack

PACK = LanguagePack(
    code="de",
    verbs=r"sagte|sagten|sagt|erklärte|erklärten|erklärt|betonte|betont|teilte\w* mit|"
    r"mitteilte|fügte\w* hinzu|warnte|warnt|behauptete|behauptet|bestätigte|bestätigt|"
    r"kündigte\w* an|beschuldigte|beschuldigt|warf\w* vor|dementierte|bekräftigte|"
    r"verkündete|meldete|meldet|hieß es|heißt es|(?:hat|haben) (?:gesagt|erklärt|betont|"
    r"mitgeteilt|bestätigt|behauptet)|in einer Erklärung|in einer Mitteilung",
    preps=r"laut|nach Angaben|nach Worten|so",
    post_preps=r"zufolge",
    anaphora=r"das Ministerium|die Armee|der Sprecher|die Sprecherin|er|sie",
    speakers=r"sprecher\w*|ministerium|ministeriums|armee|militär|regierung|polizei|"
    r"behörden?|minister\w*|präsident\w*|kommandeur\w*|büro|streitkräfte|gruppe|bewegung|"
    r"führung|chef|vertreter\w*|kreml|außenminister\w*",
    killed=r"getötet\w*|tot\w*|starben|gestorben|ums Leben|Opfer",
    wounded=r"verletzt\w*|verwundet\w*",
    damage=r"zerstört\w*|beschädigt\w*|abgeschossen|fahrzeug\w*|panzer\w*|flugzeug\w*|"
    r"infrastruktur|gebäude\w*|häuser|krankenh\w*|brücke\w*",
    numbers={
        "ein": 1,
        "eine": 1,
        "einen": 1,
        "zwei": 2,
        "drei": 3,
        "vier": 4,
        "fünf": 5,
        "sechs": 6,
        "sieben": 7,
        "acht": 8,
        "neun": 9,
        "zehn": 10,
        "hundert": 100,
    },
    months={
        "januar": 1,
        "februar": 2,
        "märz": 3,
        "april": 4,
        "mai": 5,
        "juni": 6,
        "juli": 7,
        "august": 8,
        "september": 9,
        "oktober": 10,
        "november": 11,
        "dezember": 12,
    },
    responsibility=r"bekannte\w* sich|übernahm\w* die Verantwortung",
    denial=r"dementierte|bestritt|bestreitet|wies\w* zurück",
    initiator=r"beschuldig\w*|angriff\w*|angegriffen|verantwortlich",
    means=r"rakete\w*|granate\w*|luftangriff\w*|drohne\w*|artillerie|sprengsatz\w*|"
    r"beschuss",
    clause_words=r"dass|nachdem|und|aber",
)
