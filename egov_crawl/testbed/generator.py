"""Generate the sample government web, deterministically from a seed: ``generate(seed) -> Testbed``.

Every random choice comes from ``random.Random`` seeded per site (seed and slug), and every date is relative
to ``REFERENCE_DATE``, never the wall clock: the same seed always gives the same sites and the same manifest.
"""

from __future__ import annotations

import random
from dataclasses import replace

from egov_crawl.testbed import content as C
from egov_crawl.testbed import sitefacts
from egov_crawl.testbed.builder import external
from egov_crawl.testbed.model import (
    REFERENCE_DATE,
    Block,
    Link,
    LinkList,
    NewsList,
    Site,
    Testbed,
    ThirdPartyHost,
)
from egov_crawl.testbed.pages import PageMaker
from egov_crawl.testbed.roster import ROSTER
from egov_crawl.testbed.search import SearchIndex

DEFAULT_SEED = 2551  # B.E. 2551 = 2008, the year of the MICT/NIDA e-government readiness survey
TRACKER_HOST = "www.tracker.test"


def generate(seed: int = DEFAULT_SEED) -> Testbed:
    sites = tuple(_SiteBuilder(agency, random.Random(f"{seed}:{agency.slug}")).build() for agency in ROSTER)
    third_party = (ThirdPartyHost(TRACKER_HOST, "advertising tracker loaded before consent by one site"),)
    return Testbed(seed=seed, reference_date=REFERENCE_DATE, sites=sites, third_party=third_party)


class _SiteBuilder(PageMaker):
    def build(self) -> Site:
        self.make_documents()
        self.make_news()
        self.make_eservices()
        if self.q.open_data:
            self.make_datasets()
        self.make_pages()
        if self.q.english:
            self.make_english()
        return self.finish()

    # --- chrome, link statuses, site facts -------------------------------------------------------------------
    def chrome(self) -> tuple[tuple[Link, ...], tuple[Link, ...], tuple[Link, ...], tuple[Link, ...]]:
        nav = self.links(
            ("home", "หน้าหลัก"),
            ("about", "เกี่ยวกับเรา"),
            ("news", "ข่าวประชาสัมพันธ์"),
            ("services", "บริการประชาชน"),
            ("eservice", "บริการออนไลน์"),
            ("info-center", "ศูนย์ข้อมูลข่าวสาร"),
            ("oit", "ITA/OIT"),
            ("opendata", "ข้อมูลเปิด"),
            ("complaint", "ร้องเรียน"),
            ("contact", "ติดต่อเรา"),
        )
        if self.q.english:
            nav += (Link("/en/", "English", rel="alternate"),)
        footer = self.links(
            ("contact", "ติดต่อเรา"),
            ("privacy", "นโยบายคุ้มครองข้อมูลส่วนบุคคล"),
            ("cookies", "นโยบายคุกกี้"),
            ("website-policy", "นโยบายเว็บไซต์"),
            ("security-policy", "นโยบายการรักษาความมั่นคงปลอดภัยเว็บไซต์"),
            ("accessibility", "การเข้าถึงเว็บไซต์"),
            ("sitemap", "แผนผังเว็บไซต์"),
            ("faq", "คำถามที่พบบ่อย"),
        )
        footer += (
            external(f"tel:{self.contact.phone.replace('-', '')}", f"โทรศัพท์ {self.contact.phone}"),
            external(f"mailto:{self.contact.email}", self.contact.email),
        )
        if self.q.social_links:
            footer += tuple(external(url.format(slug=self.a.slug), text) for url, text in C.SOCIAL)
        nav_en: tuple[Link, ...] = ()
        footer_en: tuple[Link, ...] = ()
        if self.q.english:
            nav_en = (
                Link("/en/", "Home"),
                Link("/en/about/", "About us"),
                Link("/en/news/", "News"),
                Link("/en/services/", "Services"),
                Link("/en/contact/", "Contact us"),
                Link("/", "ภาษาไทย", rel="alternate"),
            )
            footer_en = (Link("/en/privacy/", "Privacy policy"),) if self.q.privacy_policy else ()
            footer_en += (external(f"mailto:{self.contact.email}", self.contact.email),)
        return nav, nav_en, footer, footer_en

    def add_broken_links(self) -> None:
        broken = LinkList(
            "ลิงก์ที่เกี่ยวข้อง",
            (
                Link("/about/history/", "ประวัติหน่วยงาน"),
                Link("/files/reports/annual-report-2560.pdf", "รายงานประจำปี 2560"),
                Link("/reports/legacy/", "ระบบรายงานเดิม"),
            ),
        )
        self.pages = [replace(p, blocks=(*p.blocks, broken)) if p.path in ("/", "/about/") else p for p in self.pages]

    def add_sitemap_page(self) -> None:
        listed = [p for p in self.pages if p.lang == "th" and p.in_sitemap and p.kind != "news-item" and p.path != "/"]
        self.add("sitemap", "แผนผังเว็บไซต์", "sitemap", LinkList(None, tuple(Link(p.path, p.title) for p in listed)))

    def status_of(self, path: str) -> int:
        path = path.split("?", 1)[0].split("#", 1)[0]
        for page in self.pages:
            if page.path == path:
                return page.status
        if any(d.path == path for d in self.docs.values()):
            return 200
        for redirect in self.redirects:
            if redirect.path == path:
                return redirect.status
        if path in sitefacts.dynamic_paths(self.q):
            return 200
        return 200 if self.q.soft_404 else 404

    def resolve(self, links: tuple[Link, ...]) -> tuple[Link, ...]:
        return tuple(
            link if link.external else replace(link, expected_status=self.status_of(link.href)) for link in links
        )

    def resolve_block(self, block: Block) -> Block:
        if isinstance(block, LinkList):
            return replace(block, links=self.resolve(block.links))
        if isinstance(block, NewsList):
            items = tuple(replace(i, link=self.resolve((i.link,))[0]) for i in block.items)
            return replace(block, items=items)
        return block

    def finish(self) -> Site:
        if self.q.broken_links:
            self.add_broken_links()
        self.add_sitemap_page()
        nav, nav_en, footer, footer_en = self.chrome()
        pages = tuple(replace(p, blocks=tuple(self.resolve_block(b) for b in p.blocks)) for p in self.pages)
        slug, q = self.a.slug, self.q
        base = f"{'http' if q.tls == 'none' else 'https'}://www.{slug}.test"
        script_hosts = (TRACKER_HOST,) if q.trackers_before_consent else ()
        site = Site(
            slug=slug,
            name_th=self.a.name_th,
            name_en=self.a.name_en,
            cohort=self.a.cohort,
            quality=q,
            pages=pages,
            documents=tuple(self.docs.values()),
            redirects=tuple(self.redirects),
            nav=self.resolve(nav),
            nav_en=self.resolve(nav_en),
            footer=self.resolve(footer),
            footer_en=self.resolve(footer_en),
            contact=self.contact,
            headers=sitefacts.server_headers(q) + sitefacts.security_headers(q, script_hosts),
            cookies=(sitefacts.session_cookie(slug, q, f"{self.rng.getrandbits(64):016x}"),),
            robots_txt=sitefacts.robots_txt(base, q),
            security_txt_fields=sitefacts.security_txt(base, slug, q, self.ref),
            datasets=tuple(self.datasets),
            eservices=tuple(self.eservices),
            zone=sitefacts.zone(slug, q, 1 + [a.slug for a in ROSTER].index(slug)),
            description=self.a.summary,
            extra_hosts=script_hosts,
        )
        index = SearchIndex.of(site)
        examples = tuple((query, index.search(query)[0]) for query in (self.a.name_th, "ข้อมูลส่วนบุคคล", "งบประมาณ"))
        if not q.search_works:
            examples = tuple((query, 0) for query, _ in examples)
        return replace(site, search_examples=examples)
