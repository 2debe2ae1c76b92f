"""Azerbaijani. Verb-final, like Turkish."""

from tracker.enrich.languages import LanguagePack

PACK = LanguagePack(
    code="az",
    verbs=r"bildirib|bildirdi|açıqlamasında|məlumat verib|qeyd edib|qeyd etdi|bəyan edib|"
    r"bəyan etdi|ittiham edib|deyib|dedi|söyləyib|söylədi|vurğulayıb|vurğuladı|əlavə edib|"
    r"əlavə etdi|rədd edib|təkzib edib|iddia edib|açıqlayıb|xəbərdarlıq edib",
    post_preps=r"görə|məlumatına görə",
    anaphora=r"nazirlik|nazirlikdən|sözçü",
    speakers=r"sözçü\w*|mətbuat xidmət\w*|nazirliy\w*|nazirlik\w*|ordu\w*|hökumət\w*|"
    r"polis\w*|rəsmi\w*|nazir\w*|prezident\w*|komandan\w*|qüvvə\w*|qrup\w*|başçı\w*",
    order="sov",
    killed=r"həlak\w*|şəhid\w*|öldürül\w*|ölü\w*|itki\w*",
    wounded=r"yaralan\w*|yaralı\w*",
    damage=r"məhv\w*|dağıd\w*|zərər\w*|vurul\w*|texnika\w*|tank\w*|təyyarə\w*|"
    r"infrastruktur\w*|bina\w*|xəstəxana\w*",
    numbers={
        "bir": 1,
        "iki": 2,
        "üç": 3,
        "dörd": 4,
        "beş": 5,
        "altı": 6,
        "yeddi": 7,
        "səkkiz": 8,
        "doqquz": 9,
        "on": 10,
    },
    months={
        "yanvar": 1,
        "fevral": 2,
        "mart": 3,
        "aprel": 4,
        "may": 5,
        "iyun": 6,
        "iyul": 7,
        "avqust": 8,
        "sentyabr": 9,
        "oktyabr": 10,
        "noyabr": 11,
        "dekabr": 12,
    },
    responsibility=r"öz üzərinə götür\w*",
    denial=r"təkzib\w*|rədd\w*",
    clause_words=r"ki|və|lakin",
)
