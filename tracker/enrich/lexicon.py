"""Word lists the rules share across languages: aspect cues, channels, parts of the day, vague
amounts, weekdays. Party and side names are NOT here: they live in the data
(PartyAlias; a side's words come from its parties' aliases). The grammar of each language —
reporting verbs, speaker nouns, casualty and damage words, number and month words — is in its
pack, languages/<code>.toml."""

import re

FLAGS = re.IGNORECASE | re.UNICODE

JOINT_SPEECH = r"each other|one another|друг друга|birbirini|bir-birini|միմյանց"

CHANNELS = [
    ("facebook", r"facebook|фейсбук|ֆեյսբուք"),
    ("telegram", r"telegram|телеграм"),
    ("x", r"\btwitter\b|\btweet|\bon X\b|в твиттере"),
    ("press_conference", r"press conference|briefing|пресс-конференци|брифинг|basın toplantısı"),
    (
        "news_agency",
        r"told (?:reporters|interfax|reuters|tass|sputnik|ria|afp|ap|apa)|"
        r"«?интерфакс\w*»?|тасс|риа новости|trend reports|told a news agency",
    ),
    ("website", r"website|web site|на сайте|saytında|sitesinde|կայքում|written statement"),
]

# Aspects. Each value is one regex (case-insensitive) over the statement text.
INITIATOR = (
    r"fired first|fire first|opened fire|opening fire|open fire|violat\w+ (?:the )?(?:cease-?fire|"
    r"truce)|provocation|aggression|sabotage|attacks? by|\w+['’]s attacks|accus\w+ \w+ (?:of|for)|"
    r"blam\w+|fir(?:ed|ing)\b|attack(?:ed|ing)\b|shell(?:ed|ing) |"
    r"открыл[аи]? огонь|открыв огонь|обстрел\w*|нарушил[аи]? режим|провокаци\w+|диверси\w+|"
    r"агресси\w+|"
    r"ateş aç\w*|ateş altına|ateşkesi ihlal|provokasiya|atəşkəs\w* poz\w*|atəş aç\w*|"
    r"կրակ է բաց|հրադադարի ռեժիմը խախտ\w*"
)
RETALIATION = (
    r"retaliat\w+|response measures|responded with fire|returned fire|silenced|"
    r"ответн\w+|в ответ|приняты меры|misilleme\w*|karşılık ver\w*|cavab tədbir\w*|"
    r"պատասխան\w*|ճնշվ\w*"
)
MEANS = (
    r"(?:mixed|large|small|different)[- ]caliber \w+(?: arms)?|small arms|artillery|mortars?|"
    r"drones?|UAVs?|unmanned aerial|missiles?(?: systems?)?|rockets?|tanks?|machine[- ]guns?|"
    r"snipers?|grenade launchers?|shelling|shelled|mined|mines|various types of weapons|"
    r"артиллери\w*|миномет\w*|пулемет\w*|стрелков\w+ оружи\w*|крупнокалиберн\w*|беспилотн\w*|"
    r"заминир\w*|мин[аы]\b|ракет\w*|танк\w*|гранатомет\w*|"
    r"tüfek\w*|havan\w*|topçu\w*|İHA|kalibre\w*|minaatan\w*|artilleriya\w*|PUA|dron\w*|"
    r"հրետան\w*|ականանետ\w*|անօդաչու\w*|հրաձգային զեն\w*"
)
LOCATION = [
    r"(?:north|south)?(?:east|west|north|south)(?:ern|ward)?\s+(?:area|part|section|direction|"
    r"flank|sector)s?\s+of\s+the\s+[\w\- ]*?border",
    r"\b(?:in|on) the country['’]s (?:east|west|north|south)\b",
    r"\b(?:\d+|two|three|four|five|six|several|different)\s+(?:different\s+)?(?:border\s+)?"
    r"(?:areas|regions|directions|sections|settlements|districts|villages)\b",
    r"\bin the direction of [^,.;\"“”]+",
    r"\b[A-Z][\w-]+(?:,\s+[A-Z][\w-]+)*(?:,?\s+and\s+[A-Z][\w-]+)?\s+(?:directions?|regions?|"
    r"districts?|areas?)\b",
    r"\b(?:strikes?|struck|fired|attacked|shelled|landing|hit)\s+(?:\w+\s+){0,2}?in\s+"
    r"[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?(?:(?:,|\sand)\s+[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)*",
    r"\b(?:near|outside|around) (?:the (?:village|town|city|settlement) of )?[A-Z][\w-]+"
    r"(?:[ -][A-Z][\w-]+)?",
    r"(?:по\s+)?направлени[июя]\s+[^,.;«»\"]+",
    r"на\s+[А-ЯЁ]\w+(?:,\s+[А-ЯЁ]\w+)*(?:\s+и\s+[А-ЯЁ]\w+)?\s+направлениях",
    r"(?:район\w*|город\w*|сел[ао]|поселк\w*)\s+[А-ЯЁ]\w+(?:,\s*[А-ЯЁ]\w+)*(?:\s+и\s+[А-ЯЁ]\w+)?",
    r"sınırın (?:doğu|batı|kuzey|güney)\w*",
    r"[A-ZÇŞĞÜÖİ]\w+ (?:ilinin|ilçesinin|köyünün|rayonunun|istiqamətində)",
    r"sərhədin (?:şərq|qərb|şimal|cənub)\w*",
]
# Parts of the day as local (start hour, end hour); end before start wraps to the next day.
DAYPARTS = [
    (r"around midnight|about midnight|near midnight|около полуночи|gece yarısı", (0, 0)),
    (r"(?:in )?the morning(?: hours)?|утром|sabah\w*", (6, 12)),
    (r"(?:in )?the evening(?: hours)?|вечером|akşam\w*", (18, 23)),
    (r"overnight|at night|в ночь|ночью|gece\b", (0, 6)),
]
APPROXIMATE = r"\b(?:around|about|approximately|roughly|some|около|примерно|civarında|təxminən)\b"

# Vague amounts as (min, max).
VAGUE_NUMBERS = {
    "dozens": (24, None),
    "dozens of": (24, None),
    "a dozen": (12, 12),
    "hundreds": (200, None),
    "several": (3, 9),
    "десятки": (20, None),
    "десятков": (20, None),
    "сотни": (200, None),
    "onlarca": (20, None),
    "yüzlerce": (200, None),
}
AT_LEAST = (
    r"more than|over|at least|no fewer than|не менее|более|свыше|больше|не окончательн\w+|"
    r"not (?:a )?final|en az|fazla|ən azı|çox"
)
KILLED = (
    r"kill(?:ed|ing)|dead|died|deaths?|lost their lives|losses|casualties|fatalities|погиб\w*|"
    r"гибел\w*|"
    r"убит\w*|потер[ьи]\w*|şehit\w*|hayatını kaybet\w*|can kaybı|həlak\w*|şəhid\w*|զոհ\w*"
)
WOUNDED = (
    r"wound(?:ed|ing)|injur(?:ed|ing)|hurt|ранен\w*|пострадал\w*|yaralan\w*|yaralı|yaralanıb|"
    r"վիրավոր\w*"
)
NONE_CASUALTIES = (
    r"no (?:losses|casualties|deaths|fatalities)|suffered no losses|без потерь|потерь нет|"
    r"нет потерь|"
    r"can kaybı (?:vermediğini|yok|olmadı)|itki yoxdur|կորուստներ չկան"
)

WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "в понедельник": 0,
    "во вторник": 1,
    "в среду": 2,
    "в четверг": 3,
    "в пятницу": 4,
    "в субботу": 5,
    "в воскресенье": 6,
}
HOURS_WORDS = r"hours|hour|часов|часа|час|saat|saatdır|ժամ"
TODAY = r"today|сегодня|bugün|bu gün|այսօր"


def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, FLAGS)
