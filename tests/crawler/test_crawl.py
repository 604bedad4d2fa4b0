"""End-to-end: real crawls in a child process against loopback sites, compared with what the sites serve.

Each crawl is a ``python -m egov_crawl.crawler`` child (a Twisted reactor cannot restart), exactly as the CLI
runs it; the loopback server logs every request, so tests can prove what was *not* requested.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from egov_crawl.crawler.runner import CrawlSummary, crawl
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Document, Form, Link, Page, SiteCrawl
from tests.fixtures.loopback import LoopbackSites, Reply
from tests.fixtures.loopback_crawl import FAST, html, pages_of, registry, run_crawl, session, site_crawl

pytestmark = pytest.mark.slow  # each test crawls loopback sites in a child process

CONTACT = "https://survey.example.test/contact"


# --- the main site: one crawl, many assertions -----------------------------------------------------------------

TIS_TITLE = "ประกาศสำนักงาน"
ALPHA = "www.alpha.test"


def alpha_site() -> dict[str, Any]:
    tis = f"<html><head><title>{TIS_TITLE}</title></head><body><p>ข่าว ๑๕ ม.ค. ๒๕๖๗</p></body></html>"
    return {
        "/": Reply(
            body=html(
                "กรมอัลฟา หน้าแรก",
                [
                    ("/about", "เกี่ยวกับเรา"),
                    ("/news", "ข่าวประชาสัมพันธ์"),
                    ("/private/report", "ภายใน"),
                    ("/gone", "หน้าที่หายไป"),
                    ("/docs/plan-2568.pdf", "แผนปฏิบัติราชการ"),
                    ("/docs/budget.xlsx", "งบประมาณ"),
                    ("https://www.facebook.com/alpha", "Facebook"),
                    ("/old-about", "เกี่ยวกับ (เดิม)"),
                    ("/legacy", "ประกาศเก่า"),
                    ("/contact", "ติดต่อเรา"),
                    ("/images/banner.jpg", "ภาพ"),
                ],
                '<script type="application/ld+json">{"@type": "GovernmentOrganization"}</script>',
            )
        ),
        "/about": Reply(body=html("เกี่ยวกับเรา", [("/", "หน้าแรก"), ("/about/executives", "ผู้บริหาร")])),
        "/about/executives": Reply(body=html("ผู้บริหาร", [("/about", "กลับ")], lang="th-TH")),
        "/news": Reply(body=html("ข่าว", [("/news?page=2", "ถัดไป")], "<p>ประกาศ ณ วันที่ 5 มีนาคม 2568</p>")),
        "/news?page=2": Reply(body=html("ข่าว หน้า 2")),
        "/private/report": Reply(body=html("ไม่ควรเห็น")),
        "/old-about": Reply(301, b"", {"Location": "/about"}),
        "/legacy": Reply(body=tis.encode("tis-620"), content_type="text/html"),
        "/contact": Reply(
            body=html(
                "ติดต่อเรา",
                [("/", "หน้าแรก")],
                '<form action="/contact/send" method="post"><label for="n">ชื่อ</label>'
                '<input id="n" name="name" required><label>อีเมล <input type="email" name="email"></label>'
                '<textarea name="msg" aria-label="ข้อความ"></textarea>'
                '<img src="/captcha.php" class="captcha"><button>ส่ง</button></form>',
            )
        ),
        "/images/banner.jpg": Reply(body=b"\xff\xd8jpeg", content_type="image/jpeg"),
        "/docs/plan-2568.pdf": Reply(body=b"%PDF-1.4 " + b"x" * 1000, content_type="application/pdf"),
        "/docs/budget.xlsx": Reply(body=b"PK" + b"y" * 500, content_type="application/vnd.ms-excel"),
        "/robots.txt": Reply(
            body="User-agent: *\nDisallow: /private/\nSitemap: https://www.alpha.test/sitemap-index.xml\n",
            content_type="text/plain",
        ),
        "/sitemap-index.xml": Reply(
            body='<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<sitemap><loc>https://www.alpha.test/sitemap-pages.xml</loc></sitemap></sitemapindex>",
            content_type="application/xml",
        ),
        "/sitemap-pages.xml": Reply(
            body='<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<url><loc>https://www.alpha.test/</loc><lastmod>2025-03-05</lastmod></url>"
            "<url><loc>https://www.alpha.test/docs/plan-2568.pdf</loc></url></urlset>",
            content_type="application/xml",
        ),
        "/.well-known/security.txt": Reply(
            body="Contact: mailto:security@alpha.test\nExpires: 2030-01-01T00:00:00Z\n", content_type="text/plain"
        ),
    }


def soft404_site() -> dict[str, Any]:
    # Every unknown path answers 200 with the home page: a soft 404.
    return {"/": Reply(body=html("กรมเบตา", [("/a", "ก")])), "/a": Reply(body=html("ก"))}


@pytest.fixture(scope="module")
def alpha(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("alpha")
    sites = LoopbackSites(
        {
            ALPHA: alpha_site(),
            "alpha.test": {"/": Reply(301, b"", {"Location": "https://www.alpha.test/"})},
            "www.beta.test": soft404_site(),
        },
        tls_hosts={ALPHA, "alpha.test"},
    )
    sites.fallback["www.beta.test"] = lambda _request: Reply(body=html("กรมเบตา"))
    sites.start()
    db = tmp / "crawl.db"
    reg = registry(("alpha", f"https://{ALPHA}/"), ("beta", "http://www.beta.test/"))
    summary, received = run_crawl(sites, reg, db, tmp, warc_dir=tmp / "warc", contact_url=CONTACT)
    yield {"sites": sites, "db": db, "summary": summary, "events": received, "tmp": tmp}
    sites.stop()


def test_every_reachable_page_is_stored_once_with_status_and_title(alpha: dict[str, Any]) -> None:
    pages = pages_of(alpha["db"], "alpha")
    base = f"https://{ALPHA}"
    got = {url.removeprefix(base): (p.status, p.title) for url, p in pages.items()}
    assert got == {
        "/": (200, "กรมอัลฟา หน้าแรก"),
        "/about": (200, "เกี่ยวกับเรา"),
        "/about/executives": (200, "ผู้บริหาร"),
        "/news": (200, "ข่าว"),
        "/news?page=2": (200, "ข่าว หน้า 2"),
        "/gone": (404, "Not found"),
        "/old-about": (301, None),  # redirects to /about, which is fetched as its own page (once)
        "/legacy": (200, TIS_TITLE),
        "/contact": (200, "ติดต่อเรา"),
    }
    page_gets = Counter(alpha["sites"].paths(ALPHA, "GET"))
    assert page_gets["/about"] == 1
    assert pages[f"{base}/about/executives"].lang == "th-TH"
    assert pages[f"{base}/"].depth == 0 and pages[f"{base}/about/executives"].depth == 2


def test_undeclared_tis620_page_decodes_to_thai(alpha: dict[str, Any]) -> None:
    legacy = pages_of(alpha["db"], "alpha")[f"https://{ALPHA}/legacy"]
    assert legacy.title == TIS_TITLE
    assert legacy.facts["charset"]["encoding"] == "cp874"
    assert legacy.facts["dates"][0]["date"] == "2024-01-15"


def test_robots_disallowed_paths_are_never_requested(alpha: dict[str, Any]) -> None:
    assert not [path for path in alpha["sites"].paths(ALPHA) if path.startswith("/private/")]
    facts = site_crawl(alpha["db"], "alpha").site_facts
    assert facts["robots"]["groups"][0]["disallow"] == ["/private/"]
    assert facts["crawl"]["robots_blocked"] == [f"https://{ALPHA}/private/report"]


def test_links_record_region_scope_and_target_status(alpha: dict[str, Any]) -> None:
    with session(alpha["db"]) as s:
        home = s.scalars(select(Page).where(Page.url == f"https://{ALPHA}/")).one()
        links = {link.target_url: link for link in s.scalars(select(Link).where(Link.page_id == home.id))}
    assert links["https://www.facebook.com/alpha"].internal is False
    assert links["https://www.facebook.com/alpha"].status is None  # external: recorded, never requested
    assert links[f"https://{ALPHA}/about"].region == "nav"
    assert links[f"https://{ALPHA}/about"].anchor_text == "เกี่ยวกับเรา"
    assert links[f"https://{ALPHA}/about"].status == 200
    assert links[f"https://{ALPHA}/gone"].status == 404
    assert links[f"https://{ALPHA}/docs/plan-2568.pdf"].status == 200
    assert links[f"https://{ALPHA}/private/report"].status is None  # not requested: robots.txt
    assert not [h for h in alpha["sites"].hits if "facebook" in h.host]


def test_documents_by_format_with_size_from_head(alpha: dict[str, Any]) -> None:
    with session(alpha["db"]) as s:
        documents = {d.url: (d.format, d.size_bytes, d.status) for d in s.scalars(select(Document))}
    assert documents == {
        f"https://{ALPHA}/docs/plan-2568.pdf": ("pdf", 1009, 200),
        f"https://{ALPHA}/docs/budget.xlsx": ("xlsx", 502, 200),
    }
    heads = Counter(alpha["sites"].paths(ALPHA, "HEAD"))
    assert heads["/docs/plan-2568.pdf"] == heads["/images/banner.jpg"] == 1  # checked, not downloaded
    gets = alpha["sites"].paths(ALPHA, "GET")
    assert "/docs/plan-2568.pdf" not in gets and "/images/banner.jpg" not in gets


def test_forms_with_labels_required_and_captcha(alpha: dict[str, Any]) -> None:
    with session(alpha["db"]) as s:
        form = s.scalars(select(Form)).one()
    assert (form.action, form.method, form.has_captcha) == (f"https://{ALPHA}/contact/send", "POST", True)
    assert [(f["name"], f["label"], f["required"]) for f in form.fields] == [
        ("name", "ชื่อ", True),
        ("email", "อีเมล", False),
        ("msg", "ข้อความ", False),
    ]


def test_site_facts_sum_up_the_sitemaps(alpha: dict[str, Any]) -> None:
    facts = site_crawl(alpha["db"], "alpha").site_facts
    assert facts["sitemap_summary"] == {
        "requested": 3,  # /sitemap.xml (404), the index named in robots.txt, its child
        "valid_files": 2,
        "urls": 2,
        "pdfs": 1,
        "lastmod_latest": "2025-03-05",
    }


def test_security_txt_the_404_test_and_the_twin_host_are_left_to_the_probes(alpha: dict[str, Any]) -> None:
    # One collector per fact: the probes fetch these, so the crawl neither asks the site for them nor stores them.
    sites = alpha["sites"]
    assert "/.well-known/security.txt" not in sites.paths(ALPHA)
    assert not sites.paths("alpha.test")  # the apex twin of www.alpha.test
    beta_paths = set(sites.paths("www.beta.test"))  # every unknown path answers 200 here: a random one would show
    assert beta_paths <= {"/", "/a", "/robots.txt", "/sitemap.xml"}, beta_paths
    for agency in ("alpha", "beta"):
        facts = site_crawl(alpha["db"], agency).site_facts
        assert not {"security_txt", "soft_404", "twin"} & set(facts), agency


def test_site_crawl_rows_and_events(alpha: dict[str, Any]) -> None:
    summary: CrawlSummary = alpha["summary"]
    assert {(a.agency_id, a.status, a.finish_reason, a.pages) for a in summary.agencies} == {
        ("alpha", "complete", "finished", 9),
        ("beta", "complete", "finished", 2),
    }
    finished = [e for e in alpha["events"] if e["event"] == "agency_finished"]
    assert sorted(e["agency"] for e in finished) == ["alpha", "beta"]
    assert site_crawl(alpha["db"], "alpha").stats["finish_reason"] == "finished"


def test_requests_identify_the_crawler(alpha: dict[str, Any]) -> None:
    agents = {h.headers.get("User-Agent", "") for h in alpha["sites"].hits}
    assert agents and all(agent.startswith("egov-crawl/") and f"+{CONTACT}" in agent for agent in agents)


def test_warc_records_read_back_and_every_page_points_at_one(alpha: dict[str, Any]) -> None:
    records: dict[str, tuple[str, bytes]] = {}
    for path in (alpha["tmp"] / "warc").glob("*.warc.gz"):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    records[record.rec_headers.get_header("WARC-Record-ID")] = (
                        record.rec_headers.get_header("WARC-Target-URI"),
                        record.content_stream().read(),
                    )
    pages = [p for agency in ("alpha", "beta") for p in pages_of(alpha["db"], agency).values()]
    assert pages and all(p.warc_record_id in records for p in pages)
    for page in pages:
        uri, payload = records[page.warc_record_id]  # type: ignore[index]
        assert uri == page.final_url
        assert len(payload) == page.bytes


# --- budget, politeness ------------------------------------------------------------------------------------------


def test_page_budget_is_exact_and_extra_links_are_not_fetched(tmp_path: Path) -> None:
    links = [(f"/p/{i}", f"หน้า {i}") for i in range(30)]
    site: dict[str, Any] = {"/": Reply(body=html("กรมแกมมา", links))}
    site.update({f"/p/{i}": Reply(body=html(f"หน้า {i}", links[:5])) for i in range(30)})
    sites = LoopbackSites({"www.gamma.test": site}).start()
    try:
        summary, _ = run_crawl(
            sites, registry(("gamma", "http://www.gamma.test/")), tmp_path / "c.db", tmp_path, max_pages=7
        )
    finally:
        sites.stop()
    assert [(a.pages, a.finish_reason) for a in summary.agencies] == [(7, "budget")]
    page_gets = [p for p in sites.paths("www.gamma.test", "GET") if p == "/" or p.startswith("/p/")]
    assert len(page_gets) == 7 == len(set(page_gets))
    assert len(pages_of(tmp_path / "c.db", "gamma")) == 7


def test_crawl_delay_and_per_host_concurrency_are_respected(tmp_path: Path) -> None:
    links = [(f"/p/{i}", str(i)) for i in range(4)]
    site: dict[str, Any] = {
        "/": Reply(body=html("กรมเดลตา", links)),
        "/robots.txt": Reply(body="User-agent: *\nCrawl-delay: 0.4\n", content_type="text/plain"),
    }
    site.update({f"/p/{i}": Reply(body=html(str(i))) for i in range(4)})
    fast: dict[str, Any] = {"/": Reply(body=html("กรมเอปไซลอน", [(f"/q/{i}", str(i)) for i in range(12)]))}
    fast.update({f"/q/{i}": Reply(body=html(str(i)), delay=0.05) for i in range(12)})
    sites = LoopbackSites({"www.delta.test": site, "www.epsilon.test": fast}).start()
    try:
        run_crawl(
            sites,
            registry(("delta", "http://www.delta.test/"), ("epsilon", "http://www.epsilon.test/")),
            tmp_path / "c.db",
            tmp_path,
        )
    finally:
        sites.stop()
    delta = [h.at for h in sites.hits if h.host == "www.delta.test" and h.path != "/robots.txt"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(delta)]
    assert len(delta) >= 5 and min(gaps) >= 0.35  # Crawl-delay 0.4 s (a few ms of scheduling slack)
    assert sites.max_in_flight["www.epsilon.test"] <= 2  # CONCURRENT_REQUESTS_PER_DOMAIN


def test_certificate_from_an_unknown_ca_is_a_tls_error(tmp_path: Path) -> None:
    sites = LoopbackSites({"www.zeta.test": {"/": Reply(body=html("กรมซีตา"))}}, tls_hosts={"www.zeta.test"})
    sites.start()
    try:
        summary = crawl(
            registry(("zeta", "https://www.zeta.test/")),
            None,
            db_url=f"sqlite:///{tmp_path / 'c.db'}",
            hostmap=sites.hostmap(),
            ca_file=None,  # the site's CA is not trusted
            polite=False,
            settings=FAST,
            log_file=tmp_path / "crawl.log",
        )
    finally:
        sites.stop()
    (result,) = summary.agencies
    assert result.status == "failed"
    assert result.error_class is not None and result.error_class.startswith("tls_error:")


# --- resume and incremental ------------------------------------------------------------------------------------


def sectioned_site(sections: int, per_section: int, delay: float = 0.0) -> dict[str, Any]:
    """A home page linking to sections, each linking to its pages and to the next section (depth ≤ 2)."""
    site: dict[str, Any] = {"/": Reply(body=html("กรมอีตา", [(f"/s/{i}", f"หมวด {i}") for i in range(sections)]))}
    for i in range(sections):
        pages = [(f"/s/{i}/{j}", f"หน้า {j}") for j in range(per_section)]
        site[f"/s/{i}"] = Reply(body=html(f"หมวด {i}", [*pages, (f"/s/{(i + 1) % sections}", "ถัดไป")]), delay=delay)
        site.update({path: Reply(body=html(text), delay=delay) for path, text in pages})
    return site


def test_kill_9_then_resume_fetches_the_rest_without_duplicates(tmp_path: Path) -> None:
    import os
    import signal

    from egov_crawl.crawler.runner import CrawlJob, start_crawl_process
    from egov_crawl.store import repository, runs

    site = sectioned_site(10, 12, delay=0.01)
    n = len(site)
    sites = LoopbackSites({"www.eta.test": site}).start()
    db = tmp_path / "c.db"
    reg = registry(("eta", "http://www.eta.test/"))
    try:
        engine = open_store(f"sqlite:///{db}")
        with session_factory(engine).begin() as s:
            from egov_crawl.registry.models import Agency as RegistryAgency

            repository.sync_agencies(s, [RegistryAgency.model_validate(a.model_dump()) for a in reg.agencies])
            run_id = runs.create_run(
                s, code_version="test", request=runs.RunRequest(crawl=runs.CrawlRequest(agency_ids=["eta"]))
            ).id
        job = CrawlJob(
            db_url=f"sqlite:///{db}",
            run_id=run_id,
            agencies=[reg.agencies[0].model_dump(mode="json")],
            hostmap=sites.hostmap().to_json(),
            polite=False,
            settings={**FAST, "EGOV_DB_BATCH_PAGES": 5},
        )
        child = start_crawl_process(job, tmp_path)
        deadline = time.monotonic() + 60
        stored = 0
        while time.monotonic() < deadline and stored < 30:
            time.sleep(0.05)
            with session_factory(engine)() as s:
                stored = len(s.scalars(select(Page.url)).all())
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert 30 <= stored < n, "the crawl must be killed mid-way"
        with session_factory(engine)() as s:
            before = set(s.scalars(select(Page.url)).all())
        hits_before = len(sites.hits)
        summary, _ = run_crawl(sites, reg, db, tmp_path, run_id=run_id, resume=True)
    finally:
        sites.stop()
    with session_factory(engine)() as s:
        urls = s.scalars(select(Page.url)).all()
    assert len(urls) == len(set(urls)) == n
    assert set(urls) == {f"http://www.eta.test{path}" for path in site}
    refetched = [h.path for h in sites.hits[hits_before:] if h.method == "GET"]
    assert not {f"http://www.eta.test{p}" for p in refetched} & before
    assert [(a.status, a.pages) for a in summary.agencies] == [("complete", n)]


def test_incremental_run_sends_conditional_requests_and_reuses_unchanged_pages(tmp_path: Path) -> None:
    etagged = {
        "/": Reply(
            body=html(
                "กรมธีตา", [("/a", "ก"), ("/b", "ข")], main='<article><h2>ข่าว</h2><a href="/c">อ่านต่อ</a></article>'
            ),
            headers={"ETag": '"home-1"'},
        ),
        "/a": Reply(body=html("หน้า ก", [("/c", "ค")]), headers={"ETag": '"a-1"'}),
        "/b": Reply(body=html("หน้า ข"), headers={"Last-Modified": "Mon, 06 Jan 2025 00:00:00 GMT"}),
        "/c": Reply(body=html("หน้า ค")),
    }

    def conditional(path: str) -> Any:
        def answer(request: Any) -> Reply:
            original = etagged[path]
            validator = original.headers.get("ETag")
            if validator and request.headers.get("If-None-Match") == validator:
                return Reply(304, b"", {"ETag": validator}, content_type=None)
            if "Last-Modified" in original.headers and request.headers.get("If-Modified-Since"):
                return Reply(304, b"", {}, content_type=None)
            return original

        return answer

    sites = LoopbackSites({"www.theta.test": {path: conditional(path) for path in etagged}}).start()
    db = tmp_path / "c.db"
    reg = registry(("theta", "http://www.theta.test/"))
    try:
        run_crawl(sites, reg, db, tmp_path)
        second, _ = run_crawl(sites, reg, db, tmp_path, incremental=True)
    finally:
        sites.stop()
    with session(db) as s:
        pages = s.scalars(select(Page).join(SiteCrawl).where(SiteCrawl.run_id == second.run_id)).all()
        by_path = {p.url.removeprefix("http://www.theta.test"): p for p in pages}
        home_links = s.execute(select(Link.target_url, Link.context).where(Link.page_id == by_path["/"].id)).all()
    assert set(by_path) == {"/", "/a", "/b", "/c"}
    assert by_path["/"].facts["not_modified"]["status"] == 304
    assert by_path["/"].title == "กรมธีตา" and by_path["/"].status == 200
    assert by_path["/b"].facts["not_modified"]["status"] == 304
    assert "not_modified" not in by_path["/c"].facts  # no validator: fetched again in full
    # Copied from the first run with the unchanged page, context included.
    assert sorted(home_links) == [
        ("http://www.theta.test/a", None),
        ("http://www.theta.test/b", None),
        ("http://www.theta.test/c", "article"),
    ]
    conditional_hits = [h for h in sites.hits if "If-None-Match" in h.headers or "If-Modified-Since" in h.headers]
    assert {h.path for h in conditional_hits} == {"/", "/a", "/b"}


@pytest.mark.postgres
def test_crawl_into_postgresql_with_incremental_second_run(pg_database: str, tmp_path: Path) -> None:
    site = {
        "/": Reply(body=html("กรมไคอา", [("/a", "ก"), ("/docs/x.pdf", "เอกสาร")]), headers={"ETag": '"h1"'}),
        "/a": Reply(body=html("หน้า ก")),
        "/docs/x.pdf": Reply(body=b"%PDF", content_type="application/pdf"),
    }
    sites = LoopbackSites({"www.chi.test": site}).start()
    reg = registry(("chi", "http://www.chi.test/"))
    try:
        options = {"hostmap": sites.hostmap(), "polite": False, "settings": FAST, "log_file": tmp_path / "c.log"}
        first = crawl(reg, None, db_url=pg_database, **options)  # type: ignore[arg-type]
        second = crawl(reg, None, db_url=pg_database, incremental=True, **options)  # type: ignore[arg-type]
    finally:
        sites.stop()
    assert [(a.status, a.pages) for a in first.agencies] == [("complete", 2)]
    assert [(a.status, a.pages) for a in second.agencies] == [("complete", 2)]
    with session_factory(open_store(pg_database))() as s:
        documents = s.scalars(select(Document.url)).all()
        home = s.scalars(select(Page).join(SiteCrawl).where(SiteCrawl.run_id == second.run_id, Page.depth == 0)).one()
    assert sorted(documents) == ["http://www.chi.test/docs/x.pdf", "http://www.chi.test/docs/x.pdf"]  # one per run
    assert home.title == "กรมไคอา" and "not_modified" not in home.facts  # the server ignores If-None-Match
    assert [h.headers.get("If-None-Match") for h in sites.hits if h.path == "/"] == [None, '"h1"']


def test_splash_pages_are_kept_and_only_an_empty_door_redirects(tmp_path: Path) -> None:
    # Modelled on www.navy.mi.th (an entry page with links; here with a 10 s refresh as well) and dcy.go.th (an
    # immediate refresh on an empty page), both home pages of March 2018.
    splash = (
        '<html><head><title>Royal Thai Navy - Index</title><meta http-equiv="refresh" content="10;URL=/main/">'
        '</head><body><a href="/main/?language=th"><img src="/images/th.png" alt="TH"></a></body></html>'
    )
    door = (
        '<html><head><meta http-equiv="Refresh" content="0;URL=http://www.door.test/webnew/main/">'
        "<title>Department</title></head><body><table><tr><td>&nbsp;</td></tr></table></body></html>"
    )
    sites = LoopbackSites(
        {
            "www.splash.test": {
                "/": Reply(body=splash),
                "/main/": Reply(body=html("กองทัพเรือ")),
                "/main/?language=th": Reply(body=html("กองทัพเรือ ภาษาไทย")),
            },
            "www.door.test": {"/": Reply(body=door), "/webnew/main/": Reply(body=html("กรมกิจการเด็กและเยาวชน"))},
        }
    ).start()
    db = tmp_path / "c.db"
    reg = registry(("splash", "http://www.splash.test/"), ("door", "http://www.door.test/"))
    try:
        run_crawl(sites, reg, db, tmp_path)
    finally:
        sites.stop()
    splash_pages = pages_of(db, "splash")
    home = splash_pages["http://www.splash.test/"]
    assert home.title == "Royal Thai Navy - Index" and home.final_url == "http://www.splash.test/"
    assert home.facts["meta_refresh_link"] == {"url": "http://www.splash.test/main/", "delay": 10.0}
    assert splash_pages["http://www.splash.test/main/"].title == "กองทัพเรือ"
    door_home = pages_of(db, "door")["http://www.door.test/"]
    assert door_home.final_url == "http://www.door.test/webnew/main/"
    assert door_home.title == "กรมกิจการเด็กและเยาวชน"
    assert door_home.facts["redirect_chain"][0]["status"] == "meta refresh"
