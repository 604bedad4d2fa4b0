"""CMS identification from response headers and the meta generator (egov_crawl/crawler/cms.py)."""

from __future__ import annotations

from egov_crawl.crawler.cms import detect_cms, parse_generator


def test_drupal_7_from_its_headers() -> None:
    # Exactly what data.gov.uk sent in March 2014 (British Library WARC, ../shared/realweb).
    headers = {
        "x-drupal-cache": "MISS",
        "expires": "Sun, 19 Nov 1978 05:00:00 GMT",
        "x-generator": "Drupal 7 (http://drupal.org)",
    }
    cms = detect_cms(headers, None)
    assert cms is not None
    assert (cms["name"], cms["version"]) == ("Drupal", "7")
    assert cms["evidence"] == [
        "header X-Generator: Drupal 7 (http://drupal.org)",
        "header X-Drupal-Cache: MISS",
        "header Expires: Sun, 19 Nov 1978 05:00:00 GMT",
    ]


def test_drupal_without_a_generator_has_no_version_unless_the_dynamic_cache_says_8_or_later() -> None:
    assert detect_cms({"expires": "Sun, 19 Nov 1978 05:00:00 GMT"}, None) == {
        "name": "Drupal",
        "version": None,
        "evidence": ["header Expires: Sun, 19 Nov 1978 05:00:00 GMT"],
    }
    assert detect_cms({"x-drupal-dynamic-cache": "HIT"}, None)["version"] == "8+"  # type: ignore[index]


def test_meta_generator_names_other_systems() -> None:
    assert detect_cms({}, "WordPress 6.4.2") == {
        "name": "WordPress",
        "version": "6.4.2",
        "evidence": ["meta generator: WordPress 6.4.2"],
    }
    assert parse_generator("Joomla! - Open Source Content Management") == ("Joomla", None)
    assert parse_generator("TYPO3 CMS") == ("TYPO3", None)


def test_nothing_named_means_no_cms() -> None:
    assert detect_cms({"server": "nginx", "expires": "Thu, 01 Jan 2026 00:00:00 GMT"}, None) is None
