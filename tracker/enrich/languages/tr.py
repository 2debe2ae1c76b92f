"""Turkish. Verb-final; "X'e göre" puts the speaker before the cue."""

from tracker.enrich.languages import LanguagePack

PACK = LanguagePack(
    code="tr",
    verbs=r"açıklamada|açıklamasında|açıkladı|belirtti|belirtildi|ekledi|kaydetti|"
    r"kaydedildi|reddetti|suçladı|iddia etti|bildirdi|bildirildi|duyurdu|dedi|söyledi|"
    r"ifade etti|vurguladı|açıklama yaptı|öne sürdü|uyardı|doğruladı|yalanladı|"
    r"konuştu|konuşan",
    post_preps=r"göre",
    anaphora=r"bakanlık|açıklamada|sözcü",
    speakers=r"sözcü\w*|bakanlığ\w*|bakanlık\w*|ordu\w*|hükümet\w*|polis\w*|yetkili\w*|"
    r"bakan\w*|cumhurbaşkan\w*|komutan\w*|ofis\w*|kuvvet\w*|grup\w*|hareket\w*|lider\w*|"
    r"başbakan\w*|kaynak\w*",
    order="sov",
    killed=r"şehit\w*|hayatını kaybet\w*|can kaybı|öldü\w*|öldürül\w*|ölü\w*",
    wounded=r"yaralan\w*|yaralı\w*",
    damage=r"imha\w*|tahrip\w*|hasar\w*|düşürül\w*|araç\w*|tank\w*|uçak\w*|helikopter\w*|"
    r"altyapı\w*|bina\w*|hastane\w*|köprü\w*",
    numbers={
        "bir": 1,
        "iki": 2,
        "üç": 3,
        "dört": 4,
        "beş": 5,
        "altı": 6,
        "yedi": 7,
        "sekiz": 8,
        "dokuz": 9,
        "on": 10,
        "yüz": 100,
    },
    responsibility=r"üstlendi|üstlenen",
    denial=r"yalanladı|reddetti",
    months={
        "ocak": 1,
        "şubat": 2,
        "mart": 3,
        "nisan": 4,
        "mayıs": 5,
        "haziran": 6,
        "temmuz": 7,
        "ağustos": 8,
        "eylül": 9,
        "ekim": 10,
        "kasım": 11,
        "aralık": 12,
    },
    clause_words=r"ki|ve|ancak",
)
