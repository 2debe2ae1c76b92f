"""English."""

from tracker.enrich.languages import LanguagePack

PACK = LanguagePack(
    code="en",
    verbs=r"said|says|say|saying|stated|states|announced|announces|announcing|added|adding|"
    r"stressed|noted|claimed|claims|claiming|has claimed|reported|reports|accused|accuses|"
    r"accusing|blamed|blames|blaming|denied|denies|denying|rejected|rejects|told|tells|warned|"
    r"warns|insisted|insists|confirmed|confirms|declared|declares|alleged|alleges|responded|"
    r"admitted|admits|acknowledged|acknowledges|explained|asserted|revealed|vowed|threatened|"
    r"urged|wrote|tweeted|posted|estimated|described|condemned|pledged|disclosed|commented|"
    r"pointed out|put forth|reaffirmed|reaffirms|reiterated|emphasi[sz]ed|emphasi[sz]es|"
    r"mentioned|underlined|underscored|highlighted|informed|briefed|outlined|recalled|"
    r"suggested|proposed|assured|argued|welcomed|called (?:for|on)|asked|requested|demanded|"
    r"promised|agreed|believes|dismissed|dismisses|vowed|threatens|announce|confirm|deny|"
    r"denounced|praised|expressed|noting|adding|warning|telling|according|"
    r"(?:issued|published|released) (?:a|an) (?:statement|communique|communiqué)|"
    r"in a statement|in a post|claim is that|took responsibility|claimed responsibility",
    preps=r"according to|reads a message from|a statement from|as quoted by|quoting|"
    r"(?:was|were|has been|had been) (?:announced|stated|reported|said|confirmed|noted|"
    r"declared|claimed) by|"
    r"a spokes(?:man|woman|person) for|statement by",
    anaphora=r"the (?:defen[cs]e )?ministry|the MoD|the department|it|he|she|they|it was|"
    r"the spokes(?:man|woman|person)|the army|the military|the group|the agency|the office",
    speakers=r"spokes(?:man|woman|person|people)|ministry|ministries|military|army|armed forces|"
    r"forces|police|government|officials?|minister|president|commander|governor|authorities|"
    r"office|agency|service|brigades?|movement|group|militants?|prime minister|PM|MoD|chief|"
    r"council|command|headquarters|embassy|kremlin|presidency|cabinet|mayor|general|"
    r"leaders?|representatives?|department|regime|administration|insurgents|rebels|"
    r"fighters|wing|guard|troops|coalition|sources?",
    order="svo",
    killed=r"kill(?:ed|ing)|dead|died|deaths?|lost their lives|casualties|fatalities|"
    r"death toll|martyr(?:ed|s)?",
    wounded=r"wound(?:ed|ing)|injur(?:ed|ing|ies)|hurt",
    damage=r"destroy(?:ed|ing)|damag(?:ed|ing|e)|demolish(?:ed|ing)|shot down|downed|"
    r"(?:military )?vehicles?|tanks?|aircraft|planes?|helicopters?|infrastructure|"
    r"buildings?|homes|houses|hospitals?|power (?:plant|station|grid)|bridges?|"
    r"(?:were|was) (?:hit|struck)",
    numbers={
        "no": 0,
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
    },
    responsibility=r"claim(?:ed|s)? responsibility|took responsibility|accepted responsibility|"
    r"responsibility (?:was|has been) claimed",
    denial=r"denied|denies|denying|rejected|rejects|dismissed|dismisses|refuted|disputed",
    initiator=r"responsible for|launched (?:an? )?(?:\w+ )?(?:attack|offensive|"
    r"assault)|carried out (?:an? )?(?:\w+ )?attack|outrages?",
    means=r"air ?strikes?|explosives?|car bombs?|suicide bomb\w*|roadside bombs?|"
    r"IEDs?|bombings?|gunfire|rifles?|airstrikes?",
    months={
        "january": 1,
        "february": 2,
        "march": 3,
        "april": 4,
        "may": 5,
        "june": 6,
        "july": 7,
        "august": 8,
        "september": 9,
        "october": 10,
        "november": 11,
        "december": 12,
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    },
    clause_words=r"that|who|which|after|when|while|and|but",
)
