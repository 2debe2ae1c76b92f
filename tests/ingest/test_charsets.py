"""Feeds and article pages in legacy encodings served with no declaration at all (no HTTP
charset, no prolog, no <meta>), and UTF-8 whose declaration lies: read as their authors wrote
them, through feed_fetch and source_fetch_page against the real server."""

import pytest

from tracker.models import Source
from tracker.services.feeds import feed_create, feed_fetch
from tracker.services.intake import source_fetch_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_article_pages")]

# One short news paragraph per language (the running example's facts), long enough for a
# detector's verdict and no longer than a feed item's description usually is.
RU = (
    "В ночь на пятницу министерство обороны сообщило, что подразделения противника открыли "
    "огонь по позициям на восточном участке границы. По данным ведомства, один "
    "военнослужащий получил ранение. Представитель министерства заявил, что огонь был "
    "подавлен ответными действиями, а ситуация на границе остаётся напряжённой."
)
JA = (
    "国防省は金曜日、敵の部隊が未明に国境東部の陣地に向けて発砲したと発表した。同省によると、"
    "兵士一人が負傷した。報道官は、砲撃は反撃によって制圧されたと述べ、国境の情勢は依然として"
    "緊張していると語った。先週の衝突では二百人以上の兵士が死亡した。"
)
SAMPLES = {
    "koi8-r": RU,
    "windows-1251": RU,
    "windows-1255": (
        "משרד הביטחון הודיע הלילה כי כוחות האויב פתחו באש לעבר עמדות בגזרה המזרחית של הגבול. "
        "לדברי המשרד, חייל אחד נפצע באורח קל. דובר המשרד אמר כי האש הושתקה בפעולות תגובה, "
        "וכי המצב בגבול נותר מתוח. בשבוע שעבר נהרגו בהתלקחות יותר ממאתיים חיילים."
    ),
    "big5": (
        "國防部週五表示，敵方部隊於凌晨向邊境東段的陣地開火。據該部稱，一名士兵受傷。"
        "發言人說，火力已被還擊壓制，邊境局勢仍然緊張。上週的衝突造成兩百多名士兵死亡，"
        "集體安全條約組織秘書長前一天曾訪問邊境地區。"
    ),
    "gb18030": (
        "国防部周五表示，敌方部队于凌晨向边境东段的阵地开火。据该部称，一名士兵受伤。"
        "发言人说，火力已被还击压制，边境局势仍然紧张。上周的冲突造成两百多名士兵死亡，"
        "集体安全条约组织秘书长前一天曾访问边境地区。"
    ),
    "shift_jis": JA,
    "euc-jp": JA,
    "tis-620": (
        "กระทรวงกลาโหมแถลงเมื่อวันศุกร์ว่า กองกำลังฝ่ายตรงข้ามได้เปิดฉากยิงใส่ที่มั่นทางด้าน"
        "ตะวันออกของชายแดนในช่วงเช้ามืด ทหารหนึ่งนายได้รับบาดเจ็บ โฆษกกล่าวว่าการยิงถูกระงับ"
        "ด้วยการตอบโต้ และสถานการณ์บริเวณชายแดนยังคงตึงเครียด"
    ),
}


def _feed(server, body: bytes):  # type: ignore[no-untyped-def]
    server.overrides["/legacy.rss"] = (body, "application/rss+xml")
    return feed_create(url=server.url("legacy.rss"))[0]


def _rss(title: str, text: str, link: str, prolog: str = "") -> str:
    return (
        f'{prolog}<rss version="2.0"><channel><title>T</title><item><title>{title}</title>'
        f"<link>{link}</link><description>{text}</description></item></channel></rss>"
    )


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_undeclared_legacy_feed_is_read_correctly(server, encoding):
    text = SAMPLES[encoding]
    feed = _feed(server, _rss(text[:30], text, "https://example.org/1").encode(encoding))
    log = feed_fetch(feed=feed).log
    source = Source.objects.get()
    assert (log.parser, source.title, source.text) == ("lxml", text[:30], text)


def test_utf8_feed_whose_prolog_lies_is_read_as_utf8(server):
    body = _rss(
        "Café Müller, Kraków",
        "Ünïcödé",
        "https://example.org/1",
        prolog='<?xml version="1.0" encoding="iso-8859-1"?>',
    )
    log = feed_fetch(feed=_feed(server, body.encode("utf-8"))).log
    assert Source.objects.get().title == "Café Müller, Kraków"
    assert "declared encoding 'iso-8859-1' is wrong; read as utf-8" in log.error


def _page(text: str, meta: str = "") -> str:
    paragraphs = "".join(f"<p>{text}</p>" for _ in range(3))
    return (
        f"<html><head>{meta}<title>{text[:20]}</title></head><body><nav>Menu</nav>"
        f"<article><h1>{text[:20]}</h1>{paragraphs}</article></body></html>"
    )


def _extracted(server, html: bytes) -> str:  # type: ignore[no-untyped-def]
    """The text source_fetch_page extracts from HTML, served as text/html with no charset."""
    server.overrides["/page"] = (html, "text/html")
    feed_fetch(feed=_feed(server, _rss("t", "teaser", server.url("page")).encode()))
    return source_fetch_page(source=Source.objects.get()).text


@pytest.mark.parametrize("encoding", sorted(SAMPLES))
def test_undeclared_legacy_article_page_is_extracted_correctly(server, encoding):
    text = SAMPLES[encoding]
    assert text[:40] in _extracted(server, _page(text).encode(encoding))


def test_utf8_page_whose_meta_lies_is_extracted_as_utf8(server):
    text = "Zürich, São Paulo and Kraków reported calm; " * 20
    html = _page(text, meta='<meta charset="iso-8859-1">').encode("utf-8")
    assert "Zürich, São Paulo and Kraków" in _extracted(server, html)
