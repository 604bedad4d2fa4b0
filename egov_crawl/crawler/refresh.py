"""Meta refresh: a redirect only when the page is a door with nothing behind it.

Scrapy's MetaRefreshMiddleware follows every ``<meta http-equiv="refresh">`` with a delay under 100 s as a
redirect, and the page that carried it is never seen. Thai agencies put entry (splash) pages in front of their
sites, with links into the real site and sometimes a timed refresh: such a page is content of its own (the
Royal Thai Navy's www.navy.mi.th is one), and its refresh target is one more link (extract.py records it as
``meta_refresh_link`` and as a link, which the spider follows like any other). Only an immediate refresh
(``REDIRECT_MAX_DELAY`` seconds or less) on a near-empty page stays a redirect, like the stub of dcy.go.th (a 0 s
refresh and an empty table).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.response import get_meta_refresh

from egov_crawl.crawler.extract import page_has_content

REDIRECT_MAX_DELAY = 5.0


class SplashAwareMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's middleware, deciding per page instead of by delay alone (see the module docstring)."""

    def process_response(  # the signature of Scrapy's; Scrapy 2.19 no longer passes the spider
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not request.meta.get("dont_redirect"):
            interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            if url and (
                float(interval or 0) > REDIRECT_MAX_DELAY
                or page_has_content(response.body, url=response.url, content_type=_content_type(response))
            ):
                return response
        return super().process_response(request, response)


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None
