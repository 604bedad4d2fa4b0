"""The state and helpers of one site under construction, and its documents, news, e-services and datasets.

``SiteContent`` holds what a site is made of while it is generated (pages, documents by key, redirects…);
``pages.PageMaker`` adds the pages on top of it and ``generator`` finishes the site (menus, link statuses,
site-level facts). Split only to keep each module readable; together they are one builder.
"""

from __future__ import annotations

import random
from datetime import timedelta

from egov_crawl.testbed import content as C
from egov_crawl.testbed import documents as D
from egov_crawl.testbed.model import (
    REFERENCE_DATE,
    Block,
    Contact,
    Dataset,
    DatedItem,
    Document,
    EService,
    EServiceStep,
    Link,
    LinkList,
    Page,
    Para,
    Redirect,
    Resource,
)
from egov_crawl.testbed.roster import Agency

PATHS: dict[str, str] = {
    "home": "/",
    "about": "/about/",
    "authority": "/about/authority/",
    "structure": "/about/structure/",
    "executives": "/about/executives/",
    "contact": "/contact/",
    "news": "/news/",
    "oit": "/oit/",
    "info-center": "/info-center/",
    "plans": "/plans/",
    "budget": "/budget/",
    "procurement": "/procurement/",
    "laws": "/laws/",
    "integrity": "/integrity/",
    "hr": "/hr/",
    "services": "/services/",
    "statistics": "/service-statistics/",
    "forms": "/forms/",
    "complaint": "/complaint/",
    "anti-corruption": "/complaint/anti-corruption/",
    "eservice": "/eservice/",
    "faq": "/faq/",
    "privacy": "/privacy/",
    "cookies": "/cookie-policy/",
    "website-policy": "/website-policy/",
    "security-policy": "/security-policy/",
    "accessibility": "/accessibility/",
    "sitemap": "/sitemap/",
    "opendata": "/opendata/",
    "jobs": "/jobs/",
}


def internal(key: str, text: str) -> Link:
    return Link(PATHS[key], text)


def external(url: str, text: str) -> Link:
    return Link(url, text, external=True, expected_status=None)


class SiteContent:
    def __init__(self, agency: Agency, rng: random.Random) -> None:
        self.a = agency
        self.q = agency.quality
        self.rng = rng
        self.ref = REFERENCE_DATE
        self.fy = C.fiscal_year_be(self.ref)
        self.pages: list[Page] = []
        self.docs: dict[str, Document] = {}  # by key
        self.redirects: list[Redirect] = [Redirect("/index.php", "/"), Redirect("/news.php", "/news/")]
        self.eservices: list[EService] = []
        self.datasets: list[Dataset] = []
        self.news: list[DatedItem] = []
        self.news_en: list[DatedItem] = []
        self.contact = Contact(
            address=f"{agency.name_th} เลขที่ {rng.randint(1, 999)} ถนนราชดำเนินนอก แขวงดุสิต เขตดุสิต กรุงเทพมหานคร 10300",
            phone=f"02-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            fax=f"02-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            email=f"saraban@{agency.slug}.test",
        )

    # --- what exists -----------------------------------------------------------------------------------------
    def has(self, key: str) -> bool:
        q = self.q
        return {
            "privacy": q.privacy_policy,
            "faq": q.faq,
            "website-policy": q.website_policies,
            "security-policy": q.website_policies,
            "accessibility": q.accessibility_statement,
            "sitemap": q.sitemap,
            "opendata": q.open_data,
            "cookies": q.consent_banner,
        }.get(key, True)

    def link(self, key: str, text: str) -> Link | None:
        if key.startswith("doc:"):
            doc = self.docs.get(key[4:])
            return Link(doc.path, text) if doc else None
        if key.startswith("ext:"):
            return external(C.SOCIAL[0][0].format(slug=self.a.slug), text)
        return internal(key, text) if self.has(key) else None

    def links(self, *pairs: tuple[str, str]) -> tuple[Link, ...]:
        return tuple(link for key, text in pairs if (link := self.link(key, text)) is not None)

    def add(self, key: str, title: str, kind: str, *blocks: Block, **extra: object) -> None:
        if self.has(key):
            self.pages.append(Page(PATHS[key], title, "th", kind, tuple(blocks), **extra))  # type: ignore[arg-type]

    def doc(self, key: str, path: str, title: str, fmt: str, body: bytes, category: str) -> None:
        self.docs[key] = Document(path, title, fmt, body, category)  # type: ignore[arg-type]

    def doc_links(self, *keys: str) -> LinkList:
        return LinkList(None, tuple(Link(self.docs[k].path, self.docs[k].title) for k in keys if k in self.docs))

    # --- build -----------------------------------------------------------------------------------------------

    # --- documents -------------------------------------------------------------------------------------------
    def make_documents(self) -> None:
        a, fy = self.a, self.fy
        name = a.name_th

        def pdf(key: str, path: str, title: str, category: str) -> None:
            lines = [a.name_en, title.encode("ascii", "ignore").decode() or key, f"Fiscal year B.E. {fy}"]
            self.doc(key, path, title, "pdf", D.pdf(f"{title} {name}", lines), category)

        pdf(
            "strategic-plan",
            f"/files/plans/strategic-plan-{fy - 4}-{fy}.pdf",
            f"แผนยุทธศาสตร์{name} พ.ศ. {fy - 4}-{fy}",
            "plan",
        )
        pdf("action-plan", f"/files/plans/action-plan-{fy}.pdf", f"แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. {fy}", "plan")
        pdf(
            "budget-plan",
            f"/files/budget/budget-plan-{fy}.pdf",
            f"แผนการใช้จ่ายงบประมาณประจำปีงบประมาณ พ.ศ. {fy}",
            "budget",
        )
        pdf(
            "six-month-report",
            f"/files/reports/six-month-report-{fy - 1}.pdf",
            f"รายงานการกำกับติดตามการดำเนินงานและการใช้จ่ายงบประมาณ รอบ 6 เดือน พ.ศ. {fy - 1}",
            "report",
        )
        pdf("annual-report", f"/files/reports/annual-report-{fy - 1}.pdf", f"รายงานประจำปี {fy - 1}", "report")
        pdf("operating-manual", "/files/manuals/operating-manual.pdf", "คู่มือการปฏิบัติงาน", "manual")
        pdf(
            "procurement-plan",
            f"/files/procurement/procurement-plan-{fy}.pdf",
            f"แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. {fy}",
            "procurement",
        )
        for n in range(1, 4):
            pdf(
                f"procurement-notice-{n}",
                f"/files/procurement/notice-{fy}-{n:03d}.pdf",
                f"ประกาศผู้ชนะการเสนอราคา โครงการจัดซื้อครุภัณฑ์คอมพิวเตอร์ ครั้งที่ {n}/{fy}",
                "procurement",
            )
        monthly = [["ลำดับ", "งานที่จัดซื้อจัดจ้าง", "วงเงิน (บาท)", "วิธีซื้อหรือจ้าง", "ผู้ได้รับการคัดเลือก"]]
        monthly += [
            [
                str(i),
                f"จัดซื้อวัสดุสำนักงาน รายการที่ {i}",
                f"{self.rng.randint(5, 500) * 1000:,}",
                "เฉพาะเจาะจง",
                f"บริษัท ตัวอย่าง {i} จำกัด",
            ]
            for i in range(1, 6)
        ]
        month = C.THAI_MONTHS[(self.ref.month - 2) % 12]
        self.doc(
            "procurement-monthly",
            f"/files/procurement/sor-khor-ror-1-{fy}-{self.ref.month - 1:02d}.xlsx",
            f"สรุปผลการจัดซื้อจัดจ้างประจำเดือน{month} (แบบ สขร.1)",
            "xlsx",
            D.xlsx(monthly),
            "procurement",
        )
        self.doc(
            "procurement-annual",
            f"/files/procurement/procurement-report-{fy - 1}.csv",
            f"รายงานผลการจัดซื้อจัดจ้างประจำปี {fy - 1}",
            "csv",
            D.csv_bytes(monthly),
            "procurement",
        )
        spending = [["ไตรมาส", "งบประมาณที่ได้รับ", "ผลการเบิกจ่าย", "ร้อยละ"]]
        spending += [[f"ไตรมาส {i}", "12,500,000", f"{2_500_000 * i:,}", f"{20 * i}"] for i in range(1, 5)]
        self.doc(
            "disbursement",
            f"/files/budget/disbursement-{fy - 1}.xlsx",
            f"รายงานผลการใช้จ่ายงบประมาณ ประจำปี {fy - 1}",
            "xlsx",
            D.xlsx(spending),
            "budget",
        )
        pdf("hr-policy", f"/files/hr/hr-policy-{fy}.pdf", f"นโยบายการบริหารทรัพยากรบุคคล ประจำปี {fy}", "hr")
        pdf(
            "hr-report", f"/files/hr/hr-report-{fy - 1}.pdf", f"รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี {fy - 1}", "hr"
        )
        pdf(
            "integrity-statement",
            f"/files/integrity/integrity-statement-{fy}.pdf",
            "ประกาศเจตจำนงสุจริตของผู้บริหาร",
            "integrity",
        )
        pdf(
            "no-gift",
            f"/files/integrity/no-gift-policy-{fy}.pdf",
            "ประกาศนโยบายไม่รับของขวัญ (No Gift Policy)",
            "integrity",
        )
        pdf(
            "risk-assessment",
            f"/files/integrity/risk-assessment-{fy}.pdf",
            "การประเมินความเสี่ยงการทุจริตประจำปี",
            "integrity",
        )
        pdf("complaint-form", "/files/forms/complaint-form.pdf", "แบบฟอร์มเรื่องร้องเรียน", "form")
        self.doc(
            "request-form",
            "/files/forms/request-form.docx",
            "แบบคำร้องทั่วไป",
            "docx",
            D.docx("แบบคำร้องทั่วไป", [a.name_th, "ชื่อ-นามสกุล ............", "เรื่อง ............"]),
            "form",
        )
        self.doc("logo", "/images/logo.png", f"ตราสัญลักษณ์{name}", "png", D.png(48, 48, (0, 51, 102)), "image")
        self.doc(
            "org-chart",
            "/images/org-chart.png",
            f"แผนภูมิโครงสร้าง{name}",
            "png",
            D.png(120, 80, (230, 230, 240)),
            "image",
        )
        for n in range(1, 4):
            self.doc(
                f"exec-{n}",
                f"/images/executives/{n}.png",
                f"ภาพผู้บริหาร {n}",
                "png",
                D.png(60, 80, (200, 180 - 20 * n, 160)),
                "image",
            )

    # --- news ------------------------------------------------------------------------------------------------
    def make_news(self) -> None:
        count = 150 if self.q.tier == "model" else 12
        newest = self.ref - timedelta(days=3 if self.q.fresh_news else 420)
        day = newest
        for n in range(count, 0, -1):
            topic = self.rng.randrange(len(C.NEWS_TOPICS))
            title = self.rng.choice(C.NEWS_TEMPLATES).format(agency=self.a.name_th, topic=C.NEWS_TOPICS[topic])
            style = ("thai-digits", "long", "short")[n % 3]
            item = DatedItem(Link(f"/news/{n}/", title), day, C.thai_date(day, style))
            self.news.append(item)
            body = (
                Para(f"วันที่ {item.date_text} {title}"),
                Para(f"{self.a.name_th}ดำเนินการเรื่อง{C.NEWS_TOPICS[topic]} เพื่อยกระดับการให้บริการประชาชน"),
                LinkList(None, (internal("news", "กลับไปหน้าข่าวประชาสัมพันธ์"),)),
            )
            self.pages.append(Page(f"/news/{n}/", title, "th", "news-item", body, published=day))
            if len(self.news_en) < 5 and self.q.english:
                title_en = f"{self.a.name_en} on {C.NEWS_TOPICS_EN[topic]}"
                self.news_en.append(DatedItem(Link(f"/en/news/{n}/", title_en), day, C.english_date(day)))
                self.pages.append(
                    Page(
                        f"/en/news/{n}/",
                        title_en,
                        "en",
                        "news-item",
                        (Para(f"{C.english_date(day)}. {title_en}."),),
                        published=day,
                    )
                )
            day -= timedelta(days=self.rng.randint(1, 6))

    # --- e-services ------------------------------------------------------------------------------------------
    def make_eservices(self) -> None:
        specs = (
            ("certificate", "ขอหนังสือรับรองทางอิเล็กทรอนิกส์", "Electronic certificate request"),
            ("appointment", "นัดหมายรับบริการล่วงหน้า", "Book an appointment"),
        )
        for index, (sid, name_th, name_en) in enumerate(specs):
            base = f"/eservice/{sid}/"
            broken = not self.q.eservice_works and index == 0
            steps = (
                EServiceStep(f"{base}step-1/", f"{name_th} ขั้นตอนที่ 1: ข้อมูลผู้ยื่นคำขอ"),
                EServiceStep(f"{base}step-2/", f"{name_th} ขั้นตอนที่ 2: ตรวจสอบข้อมูล", 500 if broken else 200),
                EServiceStep(f"{base}done/", f"{name_th}: ยื่นคำขอเรียบร้อย"),
            )
            self.eservices.append(EService(sid, name_th, name_en, base, steps))

    # --- open data -------------------------------------------------------------------------------------------
    def make_datasets(self) -> None:
        slug, fy = self.a.slug, self.fy
        open_licence = ("cc-by", "Creative Commons Attribution")
        specs = (
            ("budget-disbursement", f"ผลการเบิกจ่ายงบประมาณ ปี {fy - 1}", "Budget disbursement", "budget", open_licence),
            ("service-statistics", "สถิติการให้บริการประชาชน", "Service statistics", "statistics", open_licence),
            (
                "procurement-summary",
                "สรุปผลการจัดซื้อจัดจ้าง",
                "Procurement summary",
                "procurement",
                open_licence if self.q.open_licences else ("notspecified", "License not specified"),
            ),
        )
        for n, (name, title, title_en, tag, (licence_id, licence_title)) in enumerate(specs):
            rows = [
                ["month", "value"],
                *([f"{fy - 1}-{m:02d}", str(self.rng.randint(100, 9999))] for m in range(1, 13)),
            ]
            csv_path = f"/opendata/files/{name}.csv"
            self.doc(f"data-{name}", csv_path, f"{title} (CSV)", "csv", D.csv_bytes(rows), "dataset")
            resources = [Resource(f"{title} (CSV)", "CSV", csv_path)]
            if n == 1:
                json_path = f"/opendata/files/{name}.json"
                self.doc(
                    f"data-{name}-json",
                    json_path,
                    f"{title} (JSON)",
                    "json",
                    D.json_bytes([dict(zip(rows[0], r, strict=True)) for r in rows[1:]]),
                    "dataset",
                )
                resources.append(Resource(f"{title} (JSON)", "JSON", json_path))
            self.datasets.append(
                Dataset(
                    name=f"{slug}-{name}",
                    title=title,
                    title_en=title_en,
                    notes=f"{title} ของ{self.a.name_th} เผยแพร่ตามนโยบายข้อมูลเปิดภาครัฐ",
                    license_id=licence_id,
                    license_title=licence_title,
                    modified=self.ref - timedelta(days=20 + 30 * n),
                    update_frequency="monthly",
                    tags=(tag, "opendata"),
                    resources=tuple(resources),
                )
            )

    # --- Thai pages ------------------------------------------------------------------------------------------
