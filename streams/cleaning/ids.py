"""Stable article ids.

1. The feed's id when it gives one: trimmed; kept as is when it is at most
   :data:`MAX_ID` characters of ``[A-Za-z0-9._:/@+=~-]``, otherwise the unsafe characters
   become ``_``, it is cut short and a hash of the original is appended (``...~<16 hex>``)
   so that two different raw ids never collapse into one.
2. Else ``"u-"`` + 16 hex digits of a hash of the canonical URL (see :func:`canonical_url`).
3. Else ``"t-"`` + 16 hex digits of a hash of the clean text.

Hashes are BLAKE2b with an 8-byte digest: stable across processes and Python versions.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from streams.cleaning.normalize import fix_surrogates

MAX_ID = 200
MAX_URL = 8192

_SAFE_ID = re.compile(r"[A-Za-z0-9._:/@+=~-]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/@+=~-]+")

TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga"}
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def hash16(text: str) -> str:
    """16 hex digits of BLAKE2b-64 over the UTF-8 bytes of ``text``."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_PARAMS


def canonical_url(url: str) -> str | None:
    """A canonical form of ``url`` for identity, or ``None`` if it is empty or unusable.

    Lower-case scheme and host, default port dropped, fragment dropped, tracking
    parameters (``utm_*``, ``fbclid``, ``gclid`` ...) dropped, the remaining query
    parameters sorted, trailing slashes dropped. A URL without a scheme
    (``example.com/a``) is read as ``http://example.com/a``.
    """
    s = fix_surrogates(url).strip()
    if not s or len(s) > MAX_URL:
        return None
    try:
        parts = urlsplit(s)
        if not parts.scheme and not parts.netloc and not s.startswith("/"):
            parts = urlsplit("http://" + s)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        netloc = parts.netloc.rsplit("@", 1)[-1].lower()
        if host:
            port = parts.port
            netloc = f"[{host}]" if ":" in host else host
            if port is not None and port != _DEFAULT_PORTS.get(scheme):
                netloc += f":{port}"
        if "@" in parts.netloc:
            netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
        query = ""
        if parts.query:
            params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
            query = urlencode(sorted(params))
    except ValueError:  # a malformed port or IPv6 literal
        return s.split("#", 1)[0].rstrip("/").lower() or None
    path = parts.path.rstrip("/")
    out = f"{scheme}://{netloc}{path}" if scheme else f"//{netloc}{path}"
    return f"{out}?{query}" if query else out


def safe_id(raw_id: str) -> str | None:
    """The feed's id made safe and bounded, or ``None`` if it is blank."""
    s = raw_id.strip()
    if not s:
        return None
    if len(s) <= MAX_ID and _SAFE_ID.fullmatch(s):
        return s
    return _UNSAFE.sub("_", s)[: MAX_ID - 17] + "~" + hash16(s)


def article_id(raw_id: str | None, url: str | None, text: str, *, canonical: str | None = None) -> str:
    """The stable id of an article: the feed's id, else the URL's, else the text's.

    ``canonical`` is ``canonical_url(url)`` when the caller has already computed it.
    """
    if raw_id is not None:
        given = safe_id(raw_id)
        if given is not None:
            return given
    if canonical is None and url is not None:
        canonical = canonical_url(url)
    if canonical is not None:
        return "u-" + hash16(canonical)
    return "t-" + hash16(text)
