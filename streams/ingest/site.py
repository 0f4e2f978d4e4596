"""A local news site for the demo (`newswatch run --ingest`), the tests and the bench: the sample
feed's articles (streams/data/sample.jsonl, written for this project) served as HTML pages, listed
by per-language RSS feeds, a JSON Feed, a news sitemap index and a URL list, plus the hostile
pages the fetcher must survive: a 500, a hanging response, a huge page, a redirect loop, pages in
legacy encodings and with broken bytes. 127.0.0.1 only.

``python -m streams.ingest.site --port 8181`` serves it until stopped."""

from __future__ import annotations

import argparse
import asyncio
import html
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from streams.cleaning.ids import hash16
from streams.resources import sample_feed

HUGE_BYTES = 12_000_000


def _articles(feed: Path) -> list[dict[str, Any]]:
    rows = [orjson.loads(line) for line in feed.read_bytes().splitlines() if line.strip()]
    return [r for r in rows if r.get("id") and (r.get("body") or r.get("html"))]


def page(article: dict[str, Any]) -> str:
    """The article as a news page: navigation, the article, an aside and a footer around it."""
    if article.get("html"):
        return str(article["html"])
    title = html.escape(article.get("title") or "")
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in str(article["body"]).split("\n") if p.strip())
    lang = html.escape(article.get("language") or "en")
    published = html.escape(article.get("published_at") or "")
    canonical = html.escape(article.get("url") or "")
    outlet = html.escape((article.get("source") or {}).get("name") or "")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<link rel="canonical" href="{canonical}">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{outlet} staff"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<main><article><h1>{title}</h1><time datetime="{published}">{published[:10]}</time>
{paragraphs}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Weather</a></li><li><a href="/b">Sport</a></li></ul></aside></main>
<footer>© {outlet}. All rights reserved.</footer></body></html>"""


def rss(base: str, articles: list[dict[str, Any]], title: str, language: str) -> str:
    items = "\n".join(
        f"<item><title>{html.escape(a.get('title') or '')}</title><link>{base}/articles/{a['id']}.html</link>"
        f"<guid isPermaLink=\"false\">{a['id']}</guid><pubDate>{_rfc822(a.get('published_at'))}</pubDate></item>"
        for a in articles)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{html.escape(title)}</title>'
            f"<link>{base}/</link><language>{language}</language><description>sample</description>\n{items}"
            "</channel></rss>")


def _rfc822(when: str | None) -> str:
    from email.utils import format_datetime

    from streams.timestamps import parse

    parsed = parse(when) if when else None
    return format_datetime(parsed) if parsed is not None else ""


def sitemap(base: str, articles: list[dict[str, Any]]) -> str:
    urls = "\n".join(
        f"<url><loc>{base}/articles/{a['id']}.html</loc><news:news><news:publication><news:name>"
        f"{html.escape((a.get('source') or {}).get('name') or 'sample')}</news:name><news:language>"
        f"{a.get('language') or 'en'}</news:language></news:publication><news:publication_date>"
        f"{a.get('published_at') or ''}</news:publication_date><news:title>{html.escape(a.get('title') or '')}"
        "</news:title></news:news></url>" for a in articles)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}</urlset>')


def build(feed: Path | None = None) -> web.Application:
    articles = _articles(feed or sample_feed())
    by_id = {a["id"]: a for a in articles}
    languages = sorted({a.get("language") or "en" for a in articles})
    app = web.Application()
    routes = web.RouteTableDef()

    def base(request: web.Request) -> str:
        return f"{request.scheme}://{request.host}"

    @routes.get("/robots.txt")
    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    @routes.get("/articles/{id}.html")
    async def article(request: web.Request) -> web.Response:
        found = by_id.get(request.match_info["id"])
        if found is None:
            raise web.HTTPNotFound()
        return web.Response(text=page(found), content_type="text/html", charset="utf-8")

    @routes.get("/rss/{lang}.xml")
    async def feed_for(request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        chosen = [a for a in articles if (a.get("language") or "en") == lang]
        body = rss(base(request), chosen, f"Sample wire ({lang})", lang)
        etag = f'"{hash16(body)}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=body, content_type="application/rss+xml", charset="utf-8", headers={"ETag": etag})

    @routes.get("/feed.json")
    async def json_feed(request: web.Request) -> web.Response:
        items = [{"id": a["id"], "url": f"{base(request)}/articles/{a['id']}.html", "title": a.get("title"),
                  "date_published": a.get("published_at"), "language": a.get("language")} for a in articles]
        return web.json_response({"version": "https://jsonfeed.org/version/1.1", "title": "Sample", "items": items})

    @routes.get("/sitemap.xml")
    async def sitemap_index(request: web.Request) -> web.Response:
        maps = "".join(f"<sitemap><loc>{base(request)}/sitemaps/{lang}.xml</loc></sitemap>" for lang in languages)
        return web.Response(text='<?xml version="1.0" encoding="UTF-8"?><sitemapindex '
                                 f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>',
                            content_type="application/xml")

    @routes.get("/sitemaps/{lang}.xml")
    async def sitemap_for(request: web.Request) -> web.Response:
        lang = request.match_info["lang"]
        chosen = [a for a in articles if (a.get("language") or "en") == lang]
        return web.Response(text=sitemap(base(request), chosen), content_type="application/xml")

    @routes.get("/urls.txt")
    async def url_list(request: web.Request) -> web.Response:
        return web.Response(text="# sample articles\n" + "".join(
            f"{base(request)}/articles/{a['id']}.html\n" for a in articles))

    # ---- hostile pages
    @routes.get("/hostile/500")
    async def error(request: web.Request) -> web.Response:
        raise web.HTTPInternalServerError()

    @routes.get("/hostile/hang")
    async def hang(request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response(text="too late")

    @routes.get("/hostile/huge")
    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})  # no length: the reader must stop
        await response.prepare(request)
        chunk = b"<p>" + b"filler " * 9000 + b"</p>\n"
        for _ in range(HUGE_BYTES // len(chunk) + 1):
            await response.write(chunk)
        return response

    @routes.get("/hostile/loop")
    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/hostile/loop")

    @routes.get("/hostile/cp1251.html")
    async def cp1251(request: web.Request) -> web.Response:
        text = ("<html lang='ru'><head><meta charset='windows-1251'><title>Новости</title></head><body><article>"
                + "<p>Министр иностранных дел заявил журналистам, что переговоры продолжатся на следующей неделе "
                  "в Женеве, и призвал стороны к сдержанности.</p>" * 3 + "</article></body></html>")
        return web.Response(body=text.encode("cp1251"), content_type="text/html")  # no charset in the header

    @routes.get("/hostile/broken-utf8.html")
    async def broken(request: web.Request) -> web.Response:
        text = ("<html lang='fr'><head><title>Diplomatie</title></head><body><article>"
                + "<p>Le ministre a déclaré que la réunion aurait lieu à Genève la semaine prochaine et a appelé "
                  "toutes les parties à la retenue.</p>" * 3 + "</article></body></html>").encode()
        return web.Response(body=text.replace("é".encode(), b"\xe9", 2), content_type="text/html", charset="utf-8")

    @routes.get("/private/secret.html")
    async def private(request: web.Request) -> web.Response:
        return web.Response(text="robots.txt disallows this page", content_type="text/html")

    app.add_routes(routes)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="serve the sample news site on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8181)
    parser.add_argument("--feed", default=None, help="JSON Lines articles (default: the sample feed)")
    args = parser.parse_args()
    web.run_app(build(Path(args.feed) if args.feed else None), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()
