"""Language packs: one sentence per language, written for these tests, each with a party of a
conflict configured as data (the import_conflict shape), no code per conflict."""

import pytest

from tracker.enrich.languages import PACK_CODES, pack
from tracker.enrich.parties import PartyMatcher, entries_from_conflicts
from tracker.enrich.pipeline import enrich_document
from tracker.enrich.sentences import sentences
from tracker.enrich.statements import find_statements

CONFLICT = [
    {
        "name": "Lakes war",
        "slug": "lakes",
        "sides": [
            {
                "name": "Norland",
                "parties": [
                    {
                        "name": "Norland Army",
                        "kind": "army",
                        "country": "NO",
                        "aliases": [
                            {"text": text, "language": lang}
                            for lang, text in [
                                ("en", "Norland Army"), ("fr", "armée norlandaise"),
                                ("es", "ejército de Norlandia"), ("de", "norländische Armee"),
                                ("ar", "جيش نورلاند"), ("ru", "армия Норландии"),
                                ("uk", "армія Норландії"), ("he", "צבא נורלנד"),
                                ("fa", "ارتش نورلند"), ("tr", "Norland ordusu"),
                                ("az", "Norland ordusu"), ("hy", "Նորլանդի բանակը"),
                                ("el", "στρατός της Νόρλαντ"), ("hi", "नॉरलैंड सेना"),
                            ]
                        ],
                    }
                ],
            },
            {
                "name": "Southern Front",
                "parties": [
                    {"name": "Southern Front", "kind": "armed group", "country": None,
                     "aliases": [{"text": "Southern Front", "language": "en"}]}
                ],
            },
        ],
    }
]  # fmt: skip
MATCHER = PartyMatcher(entries_from_conflicts(CONFLICT))
SENTENCES = {
    "en": "The Norland Army said the border was quiet.",
    "fr": "L'armée norlandaise a déclaré que la frontière était calme.",
    "es": "El ejército de Norlandia afirmó que la frontera estaba en calma.",
    "de": "Die norländische Armee erklärte, die Grenze sei ruhig.",
    "ar": "وقال جيش نورلاند إن الحدود هادئة.",
    "ru": "Армия Норландии сообщало, что на границе спокойно.",
    "uk": "Армія Норландії заявила, що на кордоні спокійно.",
    "he": "צבא נורלנד מסר כי הגבול שקט.",
    "fa": "ارتش نورلند اعلام کرد که مرز آرام است.",
    "tr": "Norland ordusu sınırın sakin olduğunu açıkladı.",
    "az": "Norland ordusu sərhədin sakit olduğunu bildirib.",
    "hy": "Նորլանդի բանակը հայտնել է, որ սահմանը հանգիստ է։",
    "el": "Ο στρατός της Νόρλαντ δήλωσε ότι τα σύνορα είναι ήσυχα.",
    "hi": "नॉरलैंड सेना ने कहा कि सीमा शांत है।",
}


def test_every_pack_has_a_sentence_here():
    assert set(SENTENCES) == set(PACK_CODES)


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_pack_attributes_the_statement(code):
    text = SENTENCES[code]
    mentions = MATCHER.find(text)
    found = find_statements(text, sentences(text), mentions, code)
    assert [(s.party.name, s.party.side.name) for s in found] == [("Norland Army", "Norland")]
    assert pack(code) is not None


def test_language_without_a_pack_still_reads_a_headline_colon():
    text = "Southern Front: ئێمە هێرشمان نەکرد"  # Kurdish (Sorani) has no pack
    found = find_statements(text, sentences(text), MATCHER.find(text), "ckb")
    assert [(s.party.name, s.cue) for s in found] == [("Southern Front", "headline colon")]


def test_speaker_no_party_covers_is_a_new_party_proposal_with_its_span():
    text = (
        "The Norland Army said it had repelled an attack. "
        "The Southern Front's military council said the attack never happened."
    )
    result = enrich_document(text, matcher=MATCHER)
    assert [s.party.name for s in result.statements] == ["Norland Army", "Southern Front"]
    text = "The Southern Front shelled Tarn. Norland's health ministry said four were killed."
    result = enrich_document(text, matcher=MATCHER)
    (statement,) = result.statements
    assert statement.to_dict()["party"] is None
    assert statement.to_dict()["speaker"] == "Norland's health ministry"
    assert statement.to_dict()["side"] == "Norland"
    start, end = statement.to_dict()["speaker_span"]
    assert text[start:end] == "Norland's health ministry"


def test_unclosed_quotation_continues_across_paragraphs():
    text = (
        'The Norland Army said: "We were attacked at dawn.\n\n'
        "The attackers came from the south and were repelled.\n\n"
        'Our losses are two wounded."\n\n'
        "Markets opened as usual."
    )
    result = enrich_document(text, matcher=MATCHER)
    (statement,) = result.statements
    assert text[statement.start : statement.end].endswith('two wounded."')
    casualties = next(c for c in result.claims if c.aspect == "casualties")
    assert casualties.values["wounded_min"] == 2
