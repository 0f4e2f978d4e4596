"""A polite, bounded HTTP fetcher for `newswatch ingest` (aiohttp).

Every request: robots.txt obeyed (cached per host; its Crawl-delay slows the host down), a
per-host semaphore and minimum spacing between requests, a total timeout, redirects bounded,
the body read in chunks and refused past ``max_bytes``, conditional GET (ETag /
Last-Modified remembered per URL), and retries with exponential backoff on what may pass
(connection errors, timeouts, 429 and 5xx; Retry-After honoured up to a bound). A failure is a
:class:`FetchError` with a short ``reason`` that labels the metrics."""

from __future__ import annotations

import asyncio
import random
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

MAX_REDIRECTS = 5
RETRIES = 3  # attempts in all, per request
BACKOFF = 0.5  # seconds before the second attempt; doubled each time, with jitter
MAX_RETRY_AFTER = 30.0
ROBOTS_TTL = 3600.0
ROBOTS_MAX_BYTES = 500_000
CHUNK = 65536


class FetchError(Exception):
    """A fetch that failed; ``reason`` is one of: timeout, connect, http_4xx, http_5xx, too_large,
    redirects, robots, invalid_url."""

    def __init__(self, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    body: bytes
    content_type: str
    charset: str | None
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class _Validators:
    etag: str | None
    last_modified: str | None


class _Host:
    """One host's politeness: concurrency, spacing, robots rules."""

    def __init__(self, per_host: int, rate: float) -> None:
        self.semaphore = asyncio.Semaphore(per_host)
        self.spacing = 1.0 / rate
        self.next_at = 0.0
        self.lock = asyncio.Lock()
        self.robots: urllib.robotparser.RobotFileParser | None = None
        self.robots_at = -ROBOTS_TTL

    async def wait_turn(self) -> None:
        async with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.spacing
        if delay > 0:
            await asyncio.sleep(delay)


class Fetcher:
    def __init__(self, user_agent: str, *, retries: int = RETRIES, backoff: float = BACKOFF) -> None:
        self.user_agent = user_agent
        self.retries = retries
        self.backoff = backoff
        self._hosts: dict[str, _Host] = {}
        self._validators: dict[str, _Validators] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        # auto_decompress on: gzip/deflate/br bodies arrive decoded; max_bytes bounds the decoded size.
        self._session = aiohttp.ClientSession(headers={"User-Agent": self.user_agent},
                                              connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    def _host(self, url: str, per_host: int, rate: float) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(per_host, rate)
        return host

    async def get(self, url: str, *, timeout: float, max_bytes: int, per_host: int = 2, rate: float = 1.0,
                  conditional: bool = False) -> Response:
        """GET ``url`` politely. With ``conditional`` the last ETag / Last-Modified are sent and a
        304 comes back as ``Response(not_modified=True)``."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError("invalid_url", f"not an http(s) URL: {url[:200]}")
        host = self._host(url, per_host, rate)
        await self._check_robots(url, host, timeout)
        headers: dict[str, str] = {}
        validators = self._validators.get(url) if conditional else None
        if validators is not None:
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        response = await self._with_retries(url, host, headers, timeout, max_bytes)
        if conditional and not response.not_modified:
            if response.etag or response.last_modified:
                self._validators[url] = _Validators(response.etag, response.last_modified)
            else:
                self._validators.pop(url, None)
        return response

    async def _with_retries(self, url: str, host: _Host, headers: dict[str, str], timeout: float,
                            max_bytes: int) -> Response:
        last: FetchError | None = None
        for attempt in range(self.retries):
            if attempt:
                await asyncio.sleep(self._delay(attempt, last))
            try:
                async with host.semaphore:
                    await host.wait_turn()
                    return await self._once(url, headers, timeout, max_bytes)
            except FetchError as exc:
                last = exc
                if exc.reason not in ("timeout", "connect", "http_5xx", "http_429"):
                    raise
        assert last is not None
        raise last

    def _delay(self, attempt: int, last: FetchError | None) -> float:
        if last is not None and last.retry_after is not None:
            return min(last.retry_after, MAX_RETRY_AFTER)
        return self.backoff * (2.0 ** (attempt - 1)) * (0.5 + random.random())  # noqa: S311 (jitter, not crypto)

    async def _once(self, url: str, headers: dict[str, str], timeout: float, max_bytes: int) -> Response:
        assert self._session is not None, "use Fetcher in `async with`"
        try:
            async with self._session.get(url, headers=headers, max_redirects=MAX_REDIRECTS,
                                         timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
                if resp.status == 304:
                    return Response(str(resp.url), 304, b"", "", None, not_modified=True)
                if resp.status >= 400:
                    reason = "http_429" if resp.status == 429 else f"http_{resp.status // 100}xx"
                    after = resp.headers.get("Retry-After", "")
                    raise FetchError(reason, f"HTTP {resp.status} from {url[:200]}",
                                     float(after) if after.isdigit() else None)
                if resp.content_length is not None and resp.content_length > max_bytes:
                    raise FetchError("too_large", f"{url[:200]} is {resp.content_length} bytes, over {max_bytes}")
                body = bytearray()
                async for chunk in resp.content.iter_chunked(CHUNK):
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchError("too_large", f"{url[:200]} is over {max_bytes} bytes")
                return Response(str(resp.url), resp.status, bytes(body), resp.content_type or "", resp.charset,
                                etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"))
        except aiohttp.TooManyRedirects as exc:
            raise FetchError("redirects", f"more than {MAX_REDIRECTS} redirects from {url[:200]}") from exc
        except TimeoutError as exc:
            raise FetchError("timeout", f"no complete response from {url[:200]} within {timeout:g}s") from exc
        except aiohttp.InvalidURL as exc:
            raise FetchError("invalid_url", f"invalid URL {url[:200]}") from exc
        except aiohttp.ClientError as exc:
            raise FetchError("connect", f"{url[:200]}: {type(exc).__name__}: {str(exc)[:200]}") from exc

    async def _check_robots(self, url: str, host: _Host, timeout: float) -> None:
        now = time.monotonic()
        if host.robots is None or now - host.robots_at > ROBOTS_TTL:
            host.robots = await self._robots(url, host, timeout)
            host.robots_at = now
            delay = host.robots.crawl_delay(self.user_agent)
            if delay is not None:
                host.spacing = max(host.spacing, min(float(delay), 60.0))
        if not host.robots.can_fetch(self.user_agent, url):
            raise FetchError("robots", f"robots.txt of {urlsplit(url).netloc} disallows {url[:200]}")

    async def _robots(self, url: str, host: _Host, timeout: float) -> urllib.robotparser.RobotFileParser:
        """RFC 9309: a 4xx robots.txt allows everything; a 5xx disallows everything (for now)."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            async with host.semaphore:
                await host.wait_turn()
                response = await self._once(robots_url, {}, timeout, ROBOTS_MAX_BYTES)
        except FetchError as exc:
            if exc.reason == "http_4xx":
                parser.parse([])  # no rules: everything allowed
                return parser
            if exc.reason in ("http_5xx", "http_429"):
                parser.parse(["User-agent: *", "Disallow: /"])
                return parser
            raise
        parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser

