"""Normal forms that identity depends on (a source's canonical URL and its text's hash), the one
text form of a time that leaves the system (utc_iso), and the lower case that keeps offsets."""

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that say how a reader arrived, not what they read.
TRACKING_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|ref_src|"
    r"_ga|_hsenc|_hsmi|mkt_tok|spm|at_medium|at_campaign|cmpid|ocid|sr_share)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str, *, base: str = "", strip_tracking: bool = True) -> str:
    """Lower-cased scheme and host (IDN as punycode, IPv6 in brackets), no default port, no
    fragment, no tracking parameters (unless STRIP_TRACKING is off: then the query is kept
    exactly). Path and remaining query are kept as given: servers may treat them
    case-sensitively. A relative URL is resolved against BASE first (an absolute one, most
    feed links, is split once, not joined and split again)."""
    parts = urlsplit(url.strip())
    if base and not (parts.scheme in _DEFAULT_PORTS and parts.netloc):
        url = urljoin(base, url)
        parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        host = _idna(host)
    except UnicodeError as exc:
        raise ValueError(f"URL host is not a valid name: {url!r}") from exc
    netloc = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"URL port is not a number: {url!r}") from exc
    if port and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    query = parts.query
    if strip_tracking and query:
        query = urlencode(
            [
                (k, v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if not TRACKING_PARAMS.match(k)
            ]
        )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


@lru_cache(maxsize=4096)
def _idna(host: str) -> str:
    """HOST as IDNA ASCII (raises UnicodeError). Cached: a feed's links share a few hosts."""
    return host.encode("idna").decode("ascii")


def fold_spaces(text: str) -> str:
    """Every run of white space (line breaks included) as one space, none at either end."""
    return " ".join(text.split())


def normalised_text(text: str) -> str:
    """NFC, whitespace folded: two retrievals of the same article hash the same."""
    return fold_spaces(unicodedata.normalize("NFC", text))


def text_sha256(text: str) -> str:
    return hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest() if text.strip() else ""


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC with `Z` and full precision, as orjson writes the API's times: no `+`
    that a query string would turn into a space, and equal times compare equal as text."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def lower_same_length(text: str) -> str:
    """text.lower() with one character out per character in, so offsets stay valid
    (Turkish İ lower-cases to two code points)."""
    if "İ" not in text:  # the one code point whose lower case is two
        return text.lower()
    return "İ".join(part.lower() for part in text.split("İ"))
