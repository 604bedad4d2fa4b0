"""Site-level files read into facts: robots.txt, sitemaps, security.txt."""

from __future__ import annotations

from egov_crawl.crawler.sitefacts import parse_robots, parse_sitemap, twin_host


def test_robots_groups_rules_sitemaps_and_crawl_delay() -> None:
    facts = parse_robots(
        "# comment\nDisallow: /orphan\nUser-agent: Googlebot\nUser-agent: Bingbot\nDisallow: /tmp/\n\n"
        "User-agent: *\nAllow: /public/\nDisallow: /admin/ # staff only\nCrawl-delay: 2\n"
        "Sitemap: https://www.rd.test/sitemap.xml\nnonsense line\n"
    )
    assert facts["groups"] == [
        {"user_agents": ["googlebot", "bingbot"], "allow": [], "disallow": ["/tmp/"], "crawl_delay": None, "other": {}},
        {"user_agents": ["*"], "allow": ["/public/"], "disallow": ["/admin/"], "crawl_delay": 2.0, "other": {}},
    ]
    assert facts["sitemaps"] == ["https://www.rd.test/sitemap.xml"]
    assert facts["invalid_lines"] == 1
    assert facts["disallow_all_for_star"] is False


def test_robots_disallow_all() -> None:
    assert parse_robots("User-agent: *\nDisallow: /\n")["disallow_all_for_star"] is True
    assert parse_robots("User-agent: *\nDisallow: /\nAllow: /index.html\n")["disallow_all_for_star"] is False


def test_sitemap_urlset_counts_urls_pdfs_and_latest_lastmod() -> None:
    facts = parse_sitemap(
        b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://www.rd.test/</loc><lastmod>2024-05-01T10:00:00+07:00</lastmod></url>"
        b"<url><loc>https://www.rd.test/a.PDF</loc><lastmod>2025-01-02</lastmod></url>"
        b"<url><loc>https://www.rd.test/b</loc></url></urlset>"
    )
    assert facts["valid"] and facts["kind"] == "urlset"
    assert (facts["urls"], facts["pdfs"], facts["lastmod_latest"]) == (3, 1, "2025-01-02")


def test_sitemap_index_lists_children() -> None:
    facts = parse_sitemap(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.test/s1.xml</loc>'
        b"</sitemap><sitemap><loc>https://x.test/s2.xml</loc><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>"
    )
    assert facts["kind"] == "sitemapindex"
    assert facts["children"] == ["https://x.test/s1.xml", "https://x.test/s2.xml"]


def test_sitemap_that_is_html_is_invalid() -> None:
    assert parse_sitemap(b"<html><body>Not found</body></html>")["valid"] is False
    assert parse_sitemap(b"")["valid"] is False


def test_twin_host() -> None:
    assert twin_host("www.rd.go.th") == "rd.go.th"
    assert twin_host("rd.go.th") == "www.rd.go.th"
