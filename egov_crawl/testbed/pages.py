"""The pages of a generated agency site, Thai first (menus, ITA/OIT, complaint form, e-services…) then English."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from egov_crawl.testbed import content as C
from egov_crawl.testbed.builder import SiteContent, external, internal
from egov_crawl.testbed.model import (
    Block,
    DatedItem,
    EService,
    Faq,
    Field,
    Form,
    FormBlock,
    Heading,
    Link,
    LinkList,
    NewsList,
    Page,
    Para,
    People,
    Person,
    Table,
)


class PageMaker(SiteContent):
    # --- Thai pages ------------------------------------------------------------------------------------------
    def people(self) -> People:
        head = {"ministry": "ปลัดกระทรวง", "state-enterprise": "ผู้ว่าการ"}.get(self.a.cohort)
        if head is None:
            head = "เลขาธิการ" if self.a.name_th.startswith("สำนักงาน") else "อธิบดี"
        positions = (head, f"รอง{head}", f"รอง{head}")
        people = []
        for n, position in enumerate(positions, start=1):
            name = f"{self.rng.choice(C.TITLES)}{self.rng.choice(C.FIRST_NAMES)} {self.rng.choice(C.SURNAMES)}"
            contact = self.q.executives_with_contact
            phone = f"02-{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)}" if contact else ""
            email = f"exec{n}@{self.a.slug}.test" if contact else ""
            people.append(Person(name, f"{position}{self.a.name_th}", self.docs[f"exec-{n}"].path, phone, email))
        return People(tuple(people))

    def complaint_form(self) -> Form:
        labelled = self.q.labelled_forms

        def field(name: str, label: str, kind: str = "text", required: bool = False, **extra: object) -> Field:
            return Field(name, label if labelled else None, kind, required, placeholder=label, **extra)  # type: ignore[arg-type]

        return Form(
            "complaint-form",
            "/complaint/submit",
            "post",
            "complaint",
            (
                field("fullname", "ชื่อ-นามสกุล", required=True),
                field("phone", "โทรศัพท์", "tel", pattern="0[0-9]{8,9}"),
                field("email", "อีเมล", "email", required=True),
                field("topic", "ประเภทเรื่อง", "select", options=("ร้องเรียนการให้บริการ", "ร้องเรียนการทุจริต", "ข้อเสนอแนะ")),
                field("detail", "รายละเอียดเรื่องร้องเรียน", "textarea", required=True),
                field("consent", "ยินยอมให้เก็บรวบรวมข้อมูลส่วนบุคคลเพื่อดำเนินการเรื่องร้องเรียน", "checkbox", required=True),
            ),
            "ส่งเรื่องร้องเรียน",
        )

    def search_form(self) -> Form:
        label = "ค้นหาภายในเว็บไซต์" if self.q.labelled_forms else None
        return Form(
            "site-search", "/search", "get", "search", (Field("q", label, "search", placeholder="คำค้น"),), "ค้นหา"
        )

    def make_pages(self) -> None:
        a, q, fy = self.a, self.q, self.fy
        name = a.name_th
        self.add(
            "home",
            name,
            "home",
            Para(f"ยินดีต้อนรับสู่เว็บไซต์{name} ({a.name_en})"),
            FormBlock(self.search_form()),
            NewsList("ข่าวประชาสัมพันธ์ล่าสุด", tuple(self.news[:5])),
            LinkList("ข่าวทั้งหมด", (Link("/news.php", "ดูข่าวทั้งหมด"),)),
            LinkList("บริการอิเล็กทรอนิกส์ (e-Service)", tuple(Link(e.start_path, e.name_th) for e in self.eservices)),
            LinkList(
                "บริการประชาชน",
                self.links(
                    ("services", "คู่มือสำหรับประชาชน"),
                    ("forms", "ดาวน์โหลดแบบฟอร์ม"),
                    ("complaint", "ร้องเรียน/ร้องทุกข์"),
                    ("jobs", "รับสมัครงาน"),
                    ("statistics", "สถิติการให้บริการ"),
                ),
            ),
            LinkList("หน่วยงานที่เกี่ยวข้อง", tuple(external(u, t) for u, t in C.RELATED)),
            Para("สถิติผู้เข้าชมเว็บไซต์ วันนี้ 1,234 คน"),
            description=f"เว็บไซต์ทางการของ{name} ข่าวสาร บริการประชาชน และข้อมูลการเปิดเผยต่อสาธารณะ",
        )
        self.add(
            "about",
            f"เกี่ยวกับ{name}",
            "about",
            Heading("วิสัยทัศน์"),
            Para(f"{name}เป็นองค์กรที่ให้บริการประชาชนด้วยความโปร่งใสและทันสมัย"),
            Heading("พันธกิจ"),
            Para("พัฒนาการให้บริการด้วยเทคโนโลยีดิจิทัล เปิดเผยข้อมูลต่อสาธารณะ"),
            LinkList(
                None, self.links(("authority", "อำนาจหน้าที่"), ("structure", "โครงสร้างองค์กร"), ("executives", "ผู้บริหาร"))
            ),
        )
        self.add(
            "authority",
            "อำนาจหน้าที่",
            "authority",
            Para(f"ตามกฎกระทรวงแบ่งส่วนราชการ{name} ให้มีอำนาจหน้าที่ดังต่อไปนี้"),
            Para("(1) ดำเนินการตามกฎหมายว่าด้วยการจัดตั้งส่วนราชการ (2) ให้บริการและเผยแพร่ข้อมูลแก่ประชาชน"),
        )
        divisions = ("สำนักงานเลขานุการกรม", "กองแผนงาน", "กองกฎหมาย", "ศูนย์เทคโนโลยีสารสนเทศและการสื่อสาร")
        self.add(
            "structure",
            "โครงสร้างองค์กร",
            "structure",
            Para(f"แผนภูมิโครงสร้างการบริหาร{name}"),
            LinkList(None, (Link(self.docs["org-chart"].path, "แผนภูมิโครงสร้างองค์กร (ภาพ)"),)),
            Table("หน่วยงานภายใน", ("ลำดับ", "หน่วยงาน"), tuple((str(i), d) for i, d in enumerate(divisions, 1))),
        )
        self.add("executives", "ผู้บริหาร", "executives", self.people())
        self.add("contact", "ติดต่อเรา", "contact", self.contact, Para("เวลาทำการ วันจันทร์ - วันศุกร์ เวลา 08.30 - 16.30 น."))
        self.add("news", "ข่าวประชาสัมพันธ์", "news", NewsList("ข่าวประชาสัมพันธ์", tuple(self.news)))
        oit = [(code, label, self.link(target, f"{code} {label}")) for code, label, target in C.OIT_ITEMS]
        self.add(
            "oit",
            f"การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปีงบประมาณ พ.ศ. {fy}",
            "oit",
            Para(f"ITA {fy}: ข้อมูลการเปิดเผยต่อสาธารณะตามแบบตรวจการเปิดเผยข้อมูลสาธารณะ (OIT)"),
            LinkList(None, tuple(link for _, _, link in oit if link is not None)),
        )
        self.add(
            "info-center",
            "ศูนย์ข้อมูลข่าวสาร",
            "info-center",
            Para("ข้อมูลข่าวสารตามมาตรา 7 และมาตรา 9 แห่งพระราชบัญญัติข้อมูลข่าวสารของราชการ พ.ศ. 2540"),
            LinkList(
                "มาตรา 7",
                self.links(
                    ("structure", "โครงสร้างและการจัดองค์กร"),
                    ("authority", "อำนาจหน้าที่"),
                    ("contact", "สถานที่ติดต่อ"),
                    ("laws", "กฎหมายที่เกี่ยวข้อง"),
                ),
            ),
            LinkList(
                "มาตรา 9",
                self.links(
                    ("plans", "แผนงาน โครงการ"),
                    ("budget", "งบประมาณ"),
                    ("procurement", "การจัดซื้อจัดจ้าง"),
                    ("oit", "ITA/OIT"),
                ),
            ),
        )
        self.add("plans", "แผนยุทธศาสตร์และแผนปฏิบัติราชการ", "plans", self.doc_links("strategic-plan", "action-plan"))
        self.add(
            "budget",
            "งบประมาณ",
            "budget",
            Para(f"ข้อมูลงบประมาณประจำปีงบประมาณ พ.ศ. {fy}"),
            self.doc_links("budget-plan", "disbursement", "six-month-report", "annual-report"),
        )
        self.add(
            "procurement",
            "จัดซื้อจัดจ้าง",
            "procurement",
            Para("ประกาศจัดซื้อจัดจ้าง แผนการจัดซื้อจัดจ้าง และสรุปผลการจัดซื้อจัดจ้างรายเดือน (สขร.1)"),
            self.doc_links(
                "procurement-plan",
                "procurement-notice-1",
                "procurement-notice-2",
                "procurement-notice-3",
                "procurement-monthly",
                "procurement-annual",
            ),
            LinkList("ระบบการจัดซื้อจัดจ้างภาครัฐ", (external(C.EGP_URL, "ระบบ e-GP กรมบัญชีกลาง"),)),
        )
        self.add(
            "laws",
            "กฎหมายที่เกี่ยวข้อง",
            "laws",
            Para("กฎหมาย ระเบียบ ข้อบังคับ และคำสั่งที่เกี่ยวข้องกับการปฏิบัติงาน"),
            LinkList(None, (external(C.KRISDIKA_URL, "ระบบกฎหมายกลาง สำนักงานคณะกรรมการกฤษฎีกา"),)),
        )
        self.add(
            "integrity",
            "คุณธรรมและความโปร่งใส",
            "integrity",
            Para("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน"),
            self.doc_links("integrity-statement", "no-gift", "risk-assessment"),
        )
        self.add(
            "hr",
            "การบริหารและพัฒนาทรัพยากรบุคคล",
            "hr",
            Para("หลักเกณฑ์การบริหารและพัฒนาทรัพยากรบุคคล"),
            self.doc_links("hr-policy", "hr-report"),
        )
        self.add(
            "services",
            "คู่มือสำหรับประชาชน",
            "services",
            Table(
                "มาตรฐานการให้บริการ",
                ("งานบริการ", "ระยะเวลา", "ค่าธรรมเนียม", "เอกสารที่ต้องใช้"),
                tuple((e.name_th, "1 วันทำการ", "ไม่มีค่าธรรมเนียม", "บัตรประจำตัวประชาชน") for e in self.eservices),
            ),
            LinkList(None, tuple(Link(e.start_path, e.name_th) for e in self.eservices)),
            self.doc_links("operating-manual"),
        )
        self.add(
            "statistics",
            "สถิติการให้บริการ",
            "statistics",
            Table(
                f"ข้อมูลเชิงสถิติการให้บริการ ปีงบประมาณ พ.ศ. {fy - 1}",
                ("ไตรมาส", "จำนวนผู้รับบริการ"),
                tuple((f"ไตรมาส {i}", f"{self.rng.randint(1000, 9000):,}") for i in range(1, 5)),
            ),
            Heading("ผลการสำรวจความพึงพอใจการให้บริการ"),
            Para(f"ผลการสำรวจความพึงพอใจของผู้รับบริการ ร้อยละ {self.rng.randint(850, 980) / 10}"),
        )
        forms_links = [Link(self.docs[k].path, self.docs[k].title) for k in ("complaint-form", "request-form")]
        if q.online_forms:
            forms_links.append(internal("complaint", "ร้องเรียนออนไลน์"))
        self.add("forms", "ดาวน์โหลดแบบฟอร์ม", "forms", LinkList("แบบฟอร์ม", tuple(forms_links)))
        complaint_blocks: tuple[Block, ...]
        if q.online_forms:
            complaint_blocks = (
                Para("กรอกแบบฟอร์มด้านล่างเพื่อแจ้งเรื่องร้องเรียนหรือข้อเสนอแนะ"),
                FormBlock(self.complaint_form()),
            )
        else:
            complaint_blocks = (
                Para("ดาวน์โหลดแบบฟอร์มเรื่องร้องเรียน กรอกข้อมูล แล้วส่งทางไปรษณีย์หรืออีเมล"),
                self.doc_links("complaint-form"),
            )
        self.add(
            "complaint",
            "ร้องเรียน/ร้องทุกข์",
            "complaint",
            *complaint_blocks,
            LinkList(None, self.links(("anti-corruption", "แจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"))),
        )
        self.add(
            "anti-corruption",
            "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
            "anti-corruption",
            Para("แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"),
            Table(f"สถิติเรื่องร้องเรียนการทุจริต ปี {fy - 1}", ("ประเภท", "จำนวน"), (("ได้รับ", "4"), ("ยุติ", "4"))),
        )
        self.add(
            "eservice",
            "บริการอิเล็กทรอนิกส์ (e-Service)",
            "eservice-list",
            LinkList(None, tuple(Link(e.start_path, e.name_th) for e in self.eservices)),
        )
        for service in self.eservices:
            self.add_eservice(service)
        self.add("faq", "คำถามที่พบบ่อย (FAQ)", "faq", Faq(C.FAQ_PAIRS))
        self.add(
            "privacy",
            "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
            "privacy",
            Para(f"{name} ในฐานะผู้ควบคุมข้อมูลส่วนบุคคล ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562"),
            Heading("วัตถุประสงค์การเก็บรวบรวมข้อมูล"),
            Para("เพื่อให้บริการตามอำนาจหน้าที่และปรับปรุงการให้บริการ"),
            Heading("สิทธิของเจ้าของข้อมูลส่วนบุคคล"),
            Para("ท่านมีสิทธิขอเข้าถึง แก้ไข ลบ หรือคัดค้านการประมวลผลข้อมูล"),
            Heading("เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล (DPO)"),
            Para(f"ติดต่อ dpo@{a.slug}.test"),
        )
        self.add("cookies", "นโยบายคุกกี้", "cookie-policy", Para("เว็บไซต์ใช้คุกกี้ที่จำเป็นเท่านั้น เว้นแต่ท่านยอมรับคุกกี้เพื่อการวิเคราะห์"))
        self.add("website-policy", "นโยบายเว็บไซต์", "website-policy", Para("ข้อตกลงและเงื่อนไขการใช้งานเว็บไซต์ และข้อสงวนสิทธิ์"))
        self.add(
            "security-policy",
            "นโยบายการรักษาความมั่นคงปลอดภัยเว็บไซต์",
            "security-policy",
            Para("มาตรการรักษาความมั่นคงปลอดภัยของระบบสารสนเทศตามมาตรฐานเว็บไซต์ภาครัฐ"),
        )
        self.add(
            "accessibility",
            "การเข้าถึงเว็บไซต์ (Accessibility Statement)",
            "accessibility",
            Para(f"{name}มุ่งมั่นให้เว็บไซต์เป็นไปตามมาตรฐาน WCAG 2.1 ระดับ AA (สอดคล้องบางส่วน)"),
            Para(f"แจ้งปัญหาการเข้าถึงได้ที่ {self.contact.email} ปรับปรุงล่าสุด {C.thai_date(self.ref, 'long')}"),
        )
        self.add(
            "jobs",
            "รับสมัครงาน",
            "jobs",
            NewsList(
                "ประกาศรับสมัครงาน",
                (
                    DatedItem(
                        Link(self.docs["hr-policy"].path, "ประกาศรับสมัครบุคคลเพื่อเลือกสรร"),
                        self.ref - timedelta(days=10),
                        C.thai_date(self.ref - timedelta(days=10), "short"),
                    ),
                ),
            ),
        )
        if q.open_data:
            self.add(
                "opendata",
                "ข้อมูลเปิด (Open Data)",
                "opendata",
                Para("นโยบายข้อมูลเปิดภาครัฐ ธรรมาภิบาลข้อมูล และบัญชีข้อมูลของหน่วยงาน"),
                LinkList("ชุดข้อมูล", tuple(Link(r.path, r.name) for d in self.datasets for r in d.resources)),
                LinkList(
                    "API",
                    (Link("/data.json", "แคตตาล็อกข้อมูล data.json"), Link("/api/3/action/package_search", "CKAN API")),
                ),
                LinkList(None, (external(C.DATA_GO_TH, "ศูนย์กลางข้อมูลเปิดภาครัฐ data.go.th"),)),
            )
        if q.broken_links:
            self.pages.append(
                Page(
                    "/reports/legacy/",
                    "ระบบรายงานเดิม",
                    "th",
                    "error",
                    (Para("เกิดข้อผิดพลาดภายในระบบ"),),
                    status=500,
                    in_sitemap=False,
                )
            )

    def add_eservice(self, service: EService) -> None:
        step1, step2, done = service.steps
        self.pages.append(
            Page(
                service.start_path,
                service.name_th,
                "th",
                "eservice",
                (
                    Para(f"บริการ{service.name_th} ยื่นคำขอออนไลน์ได้ตลอด 24 ชั่วโมง"),
                    LinkList(None, (Link(step1.path, "เริ่มใช้บริการ"),)),
                ),
            )
        )
        citizen = Field("citizen_id", "เลขประจำตัวประชาชน 13 หลัก", "text", True, pattern="[0-9]{13}")
        if not self.q.labelled_forms:
            citizen = replace(citizen, label=None, placeholder="เลขประจำตัวประชาชน 13 หลัก")
        form1 = Form(
            f"{service.id}-step-1",
            step2.path,
            "get",
            "eservice",
            (
                citizen,
                replace(
                    citizen, name="fullname", label=citizen.label and "ชื่อ-นามสกุล", placeholder="ชื่อ-นามสกุล", pattern=None
                ),
            ),
            "ถัดไป",
        )
        self.pages.append(
            Page(
                step1.path,
                step1.title,
                "th",
                "eservice-step",
                (
                    Para("กรอกข้อมูลผู้ยื่นคำขอ ระบบจะตรวจสอบเลขประจำตัวประชาชนก่อนดำเนินการต่อ"),
                    FormBlock(form1, validated_by_js=True),
                ),
                in_sitemap=False,
            )
        )
        if step2.status >= 400:
            self.pages.append(
                Page(
                    step2.path,
                    "ระบบขัดข้อง",
                    "th",
                    "error",
                    (Para("ขออภัย ระบบไม่สามารถดำเนินการได้ในขณะนี้ (HTTP 500)"),),
                    status=step2.status,
                    in_sitemap=False,
                )
            )
        else:
            branch = Field(
                "branch",
                "สถานที่รับเอกสาร" if self.q.labelled_forms else None,
                "select",
                True,
                options=("สำนักงานใหญ่", "สำนักงานสาขา", "รับทางไปรษณีย์อิเล็กทรอนิกส์"),
            )
            form2 = Form(f"{service.id}-step-2", done.path, "get", "eservice", (branch,), "ยืนยันการยื่นคำขอ")
            self.pages.append(
                Page(
                    step2.path,
                    step2.title,
                    "th",
                    "eservice-step",
                    (Para("ตรวจสอบข้อมูลของท่าน"), FormBlock(form2, validated_by_js=True)),
                    in_sitemap=False,
                )
            )
        self.pages.append(
            Page(
                done.path,
                done.title,
                "th",
                "eservice-step",
                (Para("ระบบได้รับคำขอของท่านแล้ว (ระบบทดสอบ: ไม่มีการบันทึกข้อมูล)"),),
                in_sitemap=False,
            )
        )

    # --- English pages ---------------------------------------------------------------------------------------
    def make_english(self) -> None:
        a = self.a
        en = [
            Page(
                "/en/",
                a.name_en,
                "en",
                "home",
                (
                    Para(f"Welcome to the official website of {a.name_en} ({a.name_th})."),
                    NewsList("Latest news", tuple(self.news_en)),
                    LinkList("Online services", tuple(Link(e.start_path, e.name_en) for e in self.eservices)),
                ),
                description=f"Official website of {a.name_en}",
            ),
            Page(
                "/en/about/",
                f"About {a.name_en}",
                "en",
                "about",
                (
                    Heading("Vision"),
                    Para("A transparent, modern public service for everyone."),
                    Heading("Mission"),
                    Para("Deliver services online and publish information openly."),
                ),
            ),
            Page("/en/contact/", "Contact us", "en", "contact", (self.contact,)),
            Page("/en/news/", "News", "en", "news", (NewsList("News", tuple(self.news_en)),)),
            Page(
                "/en/services/",
                "Services",
                "en",
                "services",
                (LinkList(None, tuple(Link(e.start_path, e.name_en) for e in self.eservices)),),
            ),
        ]
        if self.q.privacy_policy:
            en.append(
                Page(
                    "/en/privacy/",
                    "Privacy policy",
                    "en",
                    "privacy",
                    (
                        Para(
                            f"{a.name_en} is the data controller under the Personal Data Protection Act "
                            "B.E. 2562 (2019). Purposes, your rights and our Data Protection Officer (DPO): "
                            f"dpo@{a.slug}.test."
                        ),
                    ),
                )
            )
        self.pages.extend(en)

    # --- chrome, link statuses, site facts -------------------------------------------------------------------
