"""The served testbed answers exactly what its manifest says, seen through real HTTP(S) clients.

Every request goes through the host map (production-looking URLs, loopback ports) and, for HTTPS, a client
that trusts only the testbed CA — so certificate faults show up as real verification errors.
"""

from __future__ import annotations

import html
import json
import re
import ssl
from typing import Any
from urllib.parse import quote

import pytest

from egov_crawl.testbed.client import MappedClient
from egov_crawl.testbed.process import TestbedHandle

Site = dict[str, Any]


def normal_sites(testbed: TestbedHandle) -> list[Site]:
    return list(testbed.manifest["sites"])


def assert_headers(response_headers: list[tuple[str, str]], expected: dict[str, str]) -> None:
    got = {k.lower(): v for k, v in response_headers}
    for name, value in expected.items():
        assert got.get(name.lower()) == value, (name, got.get(name.lower()))


def test_every_home_page_over_http_and_https_matches_the_manifest(testbed: TestbedHandle) -> None:
    """Acceptance 1: status, redirect and headers of each normal site's home page, both schemes."""
    with testbed.client() as verified, testbed.client(verify=False) as unverified:
        for site in normal_sites(testbed):
            host = site["hosts"][0]
            redirect = next((r for r in site["redirects"] if r["url"] == f"http://{host}/"), None)
            plain = verified.fetch(f"http://{host}/")
            assert_headers(plain.headers, site["headers"]["http"])
            if redirect is not None:
                assert (plain.status, plain.header("Location")) == (redirect["status"], redirect["location"])
            else:
                assert plain.status == 200 and "<title>" in plain.text
            if site["tls"] is None:
                with pytest.raises(ConnectionRefusedError):
                    verified.fetch(f"https://{host}/")
                continue
            if site["tls"]["verifies_with_testbed_ca"]:
                secure = verified.fetch(f"https://{host}/")
            else:
                with pytest.raises(ssl.SSLCertVerificationError):
                    MappedClient(testbed.hostmap, testbed.ca_pem).fetch(f"https://{host}/")
                secure = unverified.fetch(f"https://{host}/")
            assert secure.status == 200, site["slug"]
            assert_headers(secure.headers, site["headers"]["https"])
            home = next(p for p in site["pages"] if p["path"] == "/")
            assert f"<title>{home['title']}</title>" in secure.text
            assert secure.header_all("Set-Cookie") == site["cookies"]


def test_certificate_errors_are_the_designed_ones(testbed: TestbedHandle) -> None:
    messages = {"expired": "certificate has expired", "self-signed": "self-signed certificate",
                "wrong-host": "Hostname mismatch"}  # fmt: skip
    for site in normal_sites(testbed):
        kind = (site["tls"] or {}).get("kind")
        if kind in messages:
            with pytest.raises(ssl.SSLCertVerificationError, match=messages[kind]):
                MappedClient(testbed.hostmap, testbed.ca_pem).fetch(site["homepage"])


def test_every_page_and_document_is_served_with_its_manifest_status_and_title(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            for page in site["pages"]:
                got = client.fetch(page["url"])
                assert got.status == page["status"], page["url"]
                if not page["content_in_static_html"]:
                    continue
                title = re.search(r"<title>(.*?)</title>", got.text)
                assert title and html.unescape(title.group(1)) == page["title"], page["url"]
                assert f'<html lang="{page["lang"]}"' in got.text
            for doc in site["documents"][:6]:
                got = client.fetch(doc["url"])
                assert (got.status, got.header("Content-Type"), len(got.body)) == (
                    200,
                    doc["content_type"],
                    doc["size"],
                )


def test_links_marked_broken_are_broken_and_the_others_are_not(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for slug in ("doa", "revenue", "oae"):
            site = testbed.site(slug)
            seen: dict[str, int] = {}
            for page in site["pages"][:40]:
                for link in page["links"]:
                    if not link["external"] and link["url"] not in seen:
                        seen[link["url"]] = client.fetch(link["url"]).status
                        assert seen[link["url"]] == link["status"], link
            assert any(status >= 400 for status in seen.values()) == site["quality"]["broken_links"]


def test_redirects_apex_to_www_and_in_site_moves(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            for redirect in site["redirects"]:
                got = client.fetch(redirect["url"])
                assert (got.status, got.header("Location")) == (redirect["status"], redirect["location"]), redirect


def test_unknown_paths_are_real_404s_except_on_the_soft_404_site(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            got = client.fetch(site["homepage"] + "no-such-page-5f3a/")
            assert got.status == site["not_found_status"], site["slug"]
            assert "ไม่พบหน้าที่ต้องการ" in got.text
    assert [s["slug"] for s in normal_sites(testbed) if s["not_found_status"] == 200] == ["dopa"]
    with testbed.client() as client:
        slashless = client.fetch("https://www.revenue.test/about?x=1")
        assert (slashless.status, slashless.header("Location")) == (301, "/about/?x=1")


def test_robots_sitemap_security_txt_and_rss_equal_the_manifest(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            base = site["homepage"].rstrip("/")
            robots = client.fetch(base + "/robots.txt")
            missing = site["not_found_status"]  # 200 on the soft-404 site
            if site["robots"] is None:
                assert robots.status == missing
            else:
                assert (robots.status, robots.text) == (200, site["robots"]["text"])
            security = client.fetch(base + "/.well-known/security.txt")
            if site["security_txt"] is None:
                assert security.status == missing
            else:
                assert security.text == site["security_txt"]["text"]
                assert {"Contact", "Expires"} <= set(site["security_txt"]["fields"])
            sitemap = client.fetch(base + "/sitemap.xml")
            if site["sitemap"] is None:
                assert sitemap.status == missing
                continue
            locs = re.findall(r"<loc>(.*?)</loc>", sitemap.text)
            if site["sitemap"]["index"]:
                assert "<sitemapindex" in sitemap.text and locs == site["sitemap"]["files"]
                locs = [loc for file in locs for loc in re.findall(r"<loc>(.*?)</loc>", client.fetch(file).text)]
            assert len(locs) == site["sitemap"]["url_count"]
            listed = {p["url"] for p in site["pages"] if p["in_sitemap"]}
            assert set(locs) == listed
            rss = client.fetch(site["rss"])
            assert rss.status == 200 and "<rss" in rss.text
    assert testbed.site("revenue")["sitemap"]["index"]


def test_site_search_really_searches_the_sites_pages(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            for example in site["search"]["examples"]:
                got = client.fetch(f"{site['homepage']}search?q={quote(example['q'])}")
                assert got.status == 200
                if example["results"]:
                    assert f"พบ {example['results']} รายการ" in got.text, (site["slug"], example)
                else:
                    assert "ไม่พบผลการค้นหา" in got.text
        revenue = client.fetch("https://www.revenue.test/search?q=" + quote("นโยบายคุ้มครองข้อมูลส่วนบุคคล")).text
        assert 'href="/privacy/"' in revenue
    assert testbed.site("dft")["search"]["works"] is False
    assert all(e["results"] == 0 for e in testbed.site("dft")["search"]["examples"])


def test_ckan_api_and_data_json_on_open_data_sites_only(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            base = site["homepage"].rstrip("/")
            status = client.fetch(base + "/api/3/action/status_show")
            if site["open_data"] is None:
                assert status.status == client.fetch(base + "/data.json").status == site["not_found_status"]
                continue
            assert json.loads(status.body)["success"] is True
            search = json.loads(client.fetch(base + "/api/3/action/package_search?rows=0").body)
            assert search["result"]["count"] == len(site["open_data"]["datasets"])
            assert search["result"]["results"] == []
            first = site["open_data"]["datasets"][0]
            shown = json.loads(client.fetch(f"{base}/api/3/action/package_show?id={first['name']}").body)
            assert shown["result"] == first
            missing = client.fetch(base + "/api/3/action/package_show?id=nope")
            assert missing.status == 404 and json.loads(missing.body)["success"] is False
            catalog = json.loads(client.fetch(base + "/data.json").body)
            assert [d["title"] for d in catalog["dataset"]] == [d["title"] for d in site["open_data"]["datasets"]]
            for resource in first["resources"]:
                assert client.fetch(resource["url"]).status == 200


def test_eservice_steps_answer_as_designed_and_validate_in_javascript(testbed: TestbedHandle) -> None:
    with testbed.client(verify=False) as client:
        for slug in ("revenue", "cgd"):
            for service in testbed.site(slug)["eservices"]:
                start = client.fetch(service["url"])
                assert start.status == 200
                step1 = client.fetch(service["steps"][0]["url"])
                assert "addEventListener('submit'" in step1.text and "citizen_id" in step1.text
                statuses = [client.fetch(step["url"] + "?citizen_id=1101700203450").status for step in service["steps"]]
                assert statuses == [step["status"] for step in service["steps"]]
                assert service["works"] == all(s < 400 for s in statuses)
    assert not testbed.site("cgd")["eservices"][0]["works"]


def test_complaint_form_accepts_a_post_and_stores_nothing(testbed: TestbedHandle) -> None:
    with testbed.client() as client:
        got = client.fetch("https://www.revenue.test/complaint/submit", method="POST", body=b"fullname=x",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert got.status == 200 and "ได้รับเรื่อง" in got.text
        assert client.fetch("https://www.revenue.test/complaint/submit").status == 405


def test_javascript_only_site_has_no_content_in_its_html_but_in_its_json(testbed: TestbedHandle) -> None:
    with testbed.client() as client:
        html = client.fetch("https://www.nso.test/about/").text
        assert "<a " not in html and 'id="app"' in html and "/static/app.js" in html
        assert client.fetch("https://www.nso.test/static/app.js").status == 200
        content = json.loads(client.fetch("https://www.nso.test/_content/about/index.json").body)
        assert 'href="/about/authority/"' in content["html"]


def test_tracker_site_loads_a_third_party_script_that_sets_cookies(testbed: TestbedHandle) -> None:
    with testbed.client() as client:
        home = client.fetch("https://www.tat.test/").text
        script = testbed.site("tat")["third_party"]["scripts_before_consent"][0]
        assert f'<script src="{script}"' in home and 'id="cookie-consent"' not in home
        tracker = client.fetch(script)
        assert tracker.status == 200 and "Domain=tracker.test" in (tracker.header("Set-Cookie") or "")
        assert 'id="cookie-consent"' in client.fetch("https://www.revenue.test/").text


def test_gzip_is_served_when_asked_and_decodes_to_the_same_page(testbed: TestbedHandle) -> None:
    with testbed.client() as client:
        plain = client.fetch("https://www.revenue.test/news/")
        packed = client.fetch("https://www.revenue.test/news/", headers={"Accept-Encoding": "gzip"}, decompress=False)
        assert packed.header("Content-Encoding") == "gzip" and len(packed.body) < len(plain.body)
        assert client.fetch("https://www.revenue.test/news/", headers={"Accept-Encoding": "gzip"}).body == plain.body


def test_hostile_and_unknown_hosts(testbed: TestbedHandle) -> None:
    hostile = {h["slug"]: h for h in testbed.manifest["hostile"]}
    assert len(hostile) >= 15
    with testbed.client() as client:
        for site in hostile.values():  # routed to its handler, over HTTPS with a valid certificate
            robots = client.fetch(site["homepage"] + "robots.txt")
            assert robots.status == 200 and "User-agent: *" in robots.text, site["host"]
        robots = client.fetch(hostile["norobots"]["homepage"] + "robots.txt")
        assert "Disallow: /" in robots.text
        assert client.fetch("http://www.revenue.test/", headers={"Host": "www.nowhere.test"}).status == 421


def test_state_file_describes_the_running_server(testbed: TestbedHandle) -> None:
    state = testbed.state
    assert testbed.ca_pem.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert testbed.registry_path.exists() and testbed.hostmap_path.exists()
    assert testbed.hostmap.resolve("www.revenue.test", 443).port == state["https_port"]  # type: ignore[union-attr]
    assert testbed.hostmap.resolve("www.dol.test", 443).port == state["closed_port"]  # type: ignore[union-attr]
    assert testbed.manifest["hostmap"] == state["hostmap"]


def test_conditional_requests_answer_304_for_unchanged_pages(testbed: TestbedHandle) -> None:
    with testbed.client() as client:
        first = client.fetch("https://www.revenue.test/news/3/")
        etag, modified = first.header("ETag"), first.header("Last-Modified")
        assert etag and modified
        assert client.fetch("https://www.revenue.test/news/3/", headers={"If-None-Match": etag}).status == 304
        assert client.fetch("https://www.revenue.test/news/3/", headers={"If-Modified-Since": modified}).status == 304
        changed = client.fetch("https://www.revenue.test/news/3/", headers={"If-None-Match": 'W/"other"'})
        assert changed.status == 200 and changed.body == first.body


def test_links_and_forms_in_the_served_html_are_exactly_the_manifests(testbed: TestbedHandle) -> None:
    """What a crawler extracts (every <a href>, every form field) is what the manifest lists, in order."""
    import lxml.html

    with testbed.client(verify=False) as client:
        for site in normal_sites(testbed):
            if not site["pages"][0]["content_in_static_html"]:
                continue
            for page in site["pages"]:
                if page["status"] != 200:
                    continue
                tree = lxml.html.fromstring(client.fetch(page["url"]).body, base_url=page["url"])
                tree.make_links_absolute(page["url"], resolve_base_href=False)
                hrefs = [a.get("href") for a in tree.iter("a")]
                assert hrefs == [link["url"] for link in page["links"]], page["url"]
                forms = [(f.get("id"), [el.get("name") for el in f.inputs]) for f in tree.forms]
                expected = [(f["id"], [field["name"] for field in f["fields"]]) for f in page["forms"]]
                assert forms == expected, page["url"]
                labelled = {lab.get("for") for lab in tree.iter("label")}
                for form in page["forms"]:
                    for field in form["fields"]:
                        assert (f"{form['id']}-{field['name']}" in labelled) == (field["label"] is not None)
