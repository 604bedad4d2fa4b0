"""Page facts from small HTML documents: what a reader sees is what the crawler records."""

from __future__ import annotations

from egov_crawl.crawler.charset import decode_html
from egov_crawl.crawler.extract import document_format, extract_page, page_has_content

OWN = frozenset({"www.rd.test", "rd.test"})


def extract(
    html: str | bytes, content_type: str | None = "text/html; charset=utf-8", url: str = "https://www.rd.test/a/"
):
    body = html.encode() if isinstance(html, str) else html
    return extract_page(body, url=url, content_type=content_type, own_hosts=OWN)


def test_head_facts() -> None:
    page = extract(
        """<!doctype html><html lang="th-TH"><head><title>  กรมสรรพากร |
        หน้าแรก </title><meta name="description" content="บริการภาษี">
        <meta name="viewport" content="width=device-width"><meta name="generator" content="Joomla! 3.9">
        <link rel="canonical" href="/"><meta property="og:title" content="RD">
        <link rel="alternate" type="application/rss+xml" href="/rss.xml">
        <link rel="alternate" hreflang="en" href="/en/"><script type="application/ld+json">
        {"@graph": [{"@type": "GovernmentOrganization"}, {"@type": ["WebSite"]}]}</script>
        </head><body></body></html>"""
    )
    assert page.title == "กรมสรรพากร | หน้าแรก"
    assert page.lang == "th-TH"
    facts = page.facts
    assert facts["meta_description"] == "บริการภาษี"
    assert facts["viewport"] == "width=device-width"
    assert facts["generator"] == "Joomla! 3.9"
    assert facts["canonical"] == "https://www.rd.test/"
    assert facts["open_graph"] == {"og:title": "RD"}
    assert facts["feeds"][0]["url"] == "https://www.rd.test/rss.xml"
    assert facts["hreflang"] == [{"url": "https://www.rd.test/en/", "hreflang": "en"}]
    assert facts["jsonld_types"] == ["GovernmentOrganization", "WebSite"]


def test_links_have_region_anchor_text_and_scope() -> None:
    page = extract(
        """<html><body><div id="header"><a href="/">หน้าแรก</a></div>
        <nav><a href="../about">เกี่ยวกับ<b>เรา</b></a></nav>
        <main><a href="https://rd.test/news#top">ข่าว</a><a href="#skip">ข้าม</a>
        <a href="https://www.facebook.com/rdthailand"><img alt="Facebook"></a></main>
        <div class="site-footer"><a href="mailto:info@rd.test">อีเมล</a><a href="tel:๑๑๖๑">1161</a>
        <a href="/files/plan.pdf">แผนปฏิบัติราชการ</a></div><a href="javascript:void(0)">x</a></body></html>"""
    )
    links = [(link.url, link.text, link.region, link.internal) for link in page.links]
    assert links == [
        ("https://www.rd.test/", "หน้าแรก", "header", True),
        ("https://www.rd.test/about", "เกี่ยวกับเรา", "nav", True),
        ("https://rd.test/news", "ข่าว", "main", True),
        ("https://www.facebook.com/rdthailand", "Facebook", "main", False),
        ("https://www.rd.test/files/plan.pdf", "แผนปฏิบัติราชการ", "footer", True),
    ]
    assert [(d.url, d.format, d.region) for d in page.documents] == [
        ("https://www.rd.test/files/plan.pdf", "pdf", "footer")
    ]
    assert page.facts["contacts"] == {
        "emails": ["info@rd.test"],
        "phones": ["1161"],
        "emails_from": {"info@rd.test": "mailto"},
        "phones_from": {"1161": "tel"},
    }
    assert page.facts["social"] == {"facebook": "https://www.facebook.com/rdthailand"}
    assert page.facts["text"]["footer"].startswith("อีเมล")


def test_form_fields_labels_required_captcha_and_upload() -> None:
    page = extract(
        """<html><body><form action="/complaint" method="post" enctype="multipart/form-data">
        <label for="n">ชื่อ-นามสกุล</label><input id="n" name="name" required>
        <label>อีเมล <input type="email" name="email"></label>
        <input type="tel" name="phone" aria-label="เบอร์โทรศัพท์" aria-required="true">
        <span id="t">เรื่องที่ร้องเรียน</span><textarea name="detail" aria-labelledby="t"></textarea>
        <input name="nolabel" placeholder="ระบุ">
        <input type="file" name="attachment"><input type="hidden" name="csrf" value="x">
        <div class="g-recaptcha" data-sitekey="k"></div><button type="submit">ส่งเรื่อง</button></form>
        <form><input type="password" name="pw"></form></body></html>"""
    )
    complaint, login = page.forms
    assert complaint.action == "https://www.rd.test/complaint"
    assert complaint.method == "POST"
    labels = {f["name"]: (f["label"], f["label_source"], f["required"]) for f in complaint.fields}
    assert labels == {
        "name": ("ชื่อ-นามสกุล", "for", True),
        "email": ("อีเมล", "wrap", False),
        "phone": ("เบอร์โทรศัพท์", "aria-label", True),
        "detail": ("เรื่องที่ร้องเรียน", "aria-labelledby", False),
        "nolabel": (None, None, False),
        "attachment": (None, None, False),
        "csrf": (None, None, False),
    }
    assert complaint.has_captcha and complaint.has_file_upload and not complaint.has_password
    assert complaint.facts["submit"] == ["ส่งเรื่อง"]
    assert login.action == "https://www.rd.test/a/" and login.method == "GET"
    assert login.has_password and not login.has_captcha


def test_text_dates_and_thai_share() -> None:
    page = extract(
        "<html><body><main><p>ข่าวประชาสัมพันธ์</p><p>ประกาศ ณ วันที่ ๕ มีนาคม ๒๕๖๘</p>"
        "<script>var x = 'ignored 1 Jan 2001';</script></main></body></html>"
    )
    assert page.facts["dates"] == [{"date": "2025-03-05", "era": "BE", "text": "5 มีนาคม 2568"}]
    assert page.facts["latest_date"] == "2025-03-05"
    assert "ignored" not in page.facts["text"]["all"]
    assert page.facts["text"]["all"].startswith("ข่าวประชาสัมพันธ์ ประกาศ")
    assert page.facts["thai_share"] == 1.0


def test_mixed_content_and_images_on_https_pages() -> None:
    page = extract(
        '<html><body><img src="http://cdn.test/a.png"><img src="/b.png" alt="">'
        '<script src="//x.test/s.js"></script></body></html>'
    )
    assert page.facts["mixed_content"] == ["http://cdn.test/a.png"]
    assert page.facts["images"] == {"count": 2, "missing_alt": 1, "empty_alt": 1}


def test_undeclared_tis620_is_decoded_as_thai() -> None:
    body = "<html><head><title>สำนักงานเขตพื้นที่</title></head><body>ประกาศ</body></html>".encode("tis-620")
    page = extract(body, content_type="text/html")
    assert page.title == "สำนักงานเขตพื้นที่"
    assert page.facts["charset"] == {"encoding": "cp874", "source": "sniffed", "declared": None, "mismatch": False}


def test_tis620_labelled_utf8_is_read_as_thai_and_flagged() -> None:
    decoded = decode_html("<title>กรม</title>".encode("tis-620"), "text/html; charset=utf-8")
    assert decoded.text == "<title>กรม</title>"
    assert decoded.replaced and decoded.declared == "utf-8"


def test_accented_latin_without_charset_is_not_mistaken_for_thai() -> None:
    assert decode_html("<title>café</title>".encode("latin-1"), None).text == "<title>café</title>"


def test_document_formats_by_extension_and_media_type() -> None:
    assert document_format("https://x.test/a/Report.XLSX?v=1") == "xlsx"
    assert document_format("https://x.test/download.php?id=3", "application/pdf") == "pdf"
    assert document_format("https://x.test/news.php") is None
    assert document_format("https://x.test/v1.0/page") is None


def test_broken_html_still_yields_facts() -> None:
    page = extract("<html><title>หน้า</title><body><div><p>ไม่ปิด<a href='/x'>ลิงก์")
    assert page.title == "หน้า"
    assert [link.url for link in page.links] == ["https://www.rd.test/x"]


# --- every label a citizen sees (snippets modelled on Thai home pages captured in March 2018) ------------------


def labelled(page) -> list[tuple[str, str]]:
    return [(link.url.removeprefix("https://www.rd.test"), link.text) for link in page.links]


def test_image_links_are_labelled_by_alt_or_title_and_unlabelled_ones_are_kept() -> None:
    page = extract(
        # kmutt.ac.th and www.egat.co.th: banners without alt; www.pea.co.th: icons with alt; image inputs, svg
        # titles, areas of an image map (www.soc.go.th) and aria-label.
        """<html><body>
        <a href="/complain"><img src="/b/complain.jpg" width="130"></a>
        <a href="/ita"><img src="/b/ita.png" alt="" title="ศูนย์ข้อมูลข่าวสาร"></a>
        <a href="/larger"><img src="/i/iconAplus.png" alt="เพิ่มขนาดตัวหนังสือ"></a>
        <a href="/search"><input type="image" src="/i/s.png" alt="ค้นหา"></a>
        <a href="/close"><svg><title>ปิด</title></svg></a>
        <a href="/fb" aria-label="Facebook"><i class="fa fa-facebook"></i></a>
        <a href="/top" title="กลับด้านบน"><i class="icon-up"></i></a>
        <map><area href="/report.pdf" alt="รายงานประจำปี" shape="rect"><area href="/plan.pdf" shape="rect"></map>
        </body></html>"""
    )
    assert labelled(page) == [
        ("/complain", ""),
        ("/ita", "ศูนย์ข้อมูลข่าวสาร"),
        ("/larger", "เพิ่มขนาดตัวหนังสือ"),
        ("/search", "ค้นหา"),
        ("/close", "ปิด"),
        ("/fb", "Facebook"),
        ("/top", "กลับด้านบน"),
        ("/report.pdf", "รายงานประจำปี"),
        ("/plan.pdf", ""),
    ]


def test_script_links_become_links_when_they_name_a_url_and_labels_otherwise() -> None:
    page = extract(
        # www.soc.go.th (percent-encoded javascript: window.open), www.onec.go.th (onclick location.href on
        # <a href="#filter"> and on an <img>), www.finearts.go.th (<a href="#" onclick>), www.pea.co.th
        # (javascript:void(0) dropdowns), kmutt.ac.th (href="#" menu parents), a menu <li onclick>.
        """<html><body><nav>
        <a href="javascript:void(0)" class="dropdown-toggle">ข่าวสารประกาศ</a>
        <a href="#">ติดต่อ</a>
        <a href="#content">ข้ามไปเนื้อหา</a>
        <li onclick="openMenu(this)">บริการประชาชน</li>
        </nav><main>
        <a href="javascript:%20void%20window.open('https://soc.rd.test/opn/cabinet.asp', 'new', 'width=562');">
        ความคิดเห็นประชาชน</a>
        <a href="#filter" onclick="javascript:window.location.href='https://www.rd.test/book/All';">หนังสือทั้งหมด</a>
        <a href="#" title="ปฏิทิน" onclick="window.location.href='/events/month/2018/3'; return false;">15</a>
        <img src="/b/reform.png" alt="ปฏิรูปการศึกษา" onclick="javascript : window.location.href='/reform';">
        <li onclick="location.href='/faq'">คำถามที่พบบ่อย</li>
        </main></body></html>"""
    )
    assert labelled(page) == [
        ("https://soc.rd.test/opn/cabinet.asp", "ความคิดเห็นประชาชน"),
        ("/book/All", "หนังสือทั้งหมด"),
        ("/events/month/2018/3", "15"),
        ("/reform", "ปฏิรูปการศึกษา"),
        ("/faq", "คำถามที่พบบ่อย"),
    ]
    assert page.facts["script_links"] == [
        {"label": "ข่าวสารประกาศ", "region": "nav", "how": "javascript"},
        {"label": "ติดต่อ", "region": "nav", "how": "hash"},
        {"label": "บริการประชาชน", "region": "nav", "how": "onclick"},
    ]
    assert page.facts["script_links_count"] == 3
    assert page.facts["script_links_resolved"] == 5


def test_links_in_articles_and_news_listings_have_context() -> None:
    page = extract(
        # www.forest.go.th's news table, www.finearts.go.th's banners wrapped one by one in <article>, kmutt.ac.th's
        # ASP.NET <form class="News"> around the whole page, mahidol.ac.th's WordPress menu items.
        """<html><body><form class="News"><nav><ul>
        <li class="menu-item menu-item-type-post_type"><a href="/about">เกี่ยวกับเรา</a></li></ul></nav>
        <table class="newsshow1 gk_news_show_table"><tr><td><a href="/news/1926">อ่านเพิ่มเติม...</a></td></tr></table>
        <ul class="slides"><li><article class="wk-content"><p><a href="/km"><img alt="คลังความรู้"></a></p>
        </article></li></ul>
        <article><h2>กรมจัดงานวันป่าไม้</h2><p>ผู้สนใจ <a href="/complaint">แจ้งเรื่องร้องเรียน</a></p></article>
        <div itemscope itemtype="https://schema.org/NewsArticle"><a href="/n/2">ข่าว 2</a></div>
        <a href="/contact">ติดต่อเรา</a></form></body></html>"""
    )
    contexts = {link.url.removeprefix("https://www.rd.test"): link.context for link in page.links}
    assert contexts == {
        "/about": None,
        "/news/1926": "article",
        "/km": None,
        "/complaint": "article",
        "/n/2": "article",
        "/contact": None,
    }
    assert page.facts["article"] == {"elements": 2, "jsonld": ["NewsArticle"], "byline_date": False}


def test_article_page_signals() -> None:
    page = extract(
        """<html><head><meta property="article:published_time" content="2018-03-12">
        <script type="application/ld+json">{"@type": "NewsArticle"}</script></head>
        <body><article><h1>ข่าว</h1><time datetime="2018-03-12">12 มี.ค. 2561</time></article></body></html>"""
    )
    assert page.facts["article"] == {"elements": 1, "jsonld": ["NewsArticle"], "byline_date": True}


def test_social_embeds_are_counted_with_the_account_they_show() -> None:
    page = extract(
        # www.onec.go.th (likebox iframe), www.nectec.or.th (page plugin), www.pcd.go.th (fb-page widget).
        """<html><body>
        <iframe src="http://www.facebook.com/plugins/likebox.php?href=http://www.facebook.com/thai.education&amp;stream=true"></iframe>
        <iframe src="https://www.youtube.com/embed/J1VIyAUtxMM"></iframe>
        <div class="fb-page" data-href="https://www.facebook.com/PCD.go.th/"></div>
        <a class="twitter-timeline" href="https://twitter.com/rd_thailand">Tweets</a>
        </body></html>"""
    )
    assert page.facts["social_embeds"] == [
        {
            "platform": "facebook",
            "url": "http://www.facebook.com/plugins/likebox.php?href=http://www.facebook.com/thai.education&stream=true",
            "account": "http://www.facebook.com/thai.education",
            "how": "iframe",
        },
        {"platform": "youtube", "url": "https://www.youtube.com/embed/J1VIyAUtxMM", "account": None, "how": "iframe"},
        {
            "platform": "facebook",
            "url": "https://www.facebook.com/PCD.go.th/",
            "account": "https://www.facebook.com/PCD.go.th/",
            "how": "widget",
        },
        {"platform": "x", "url": "https://twitter.com/rd_thailand", "account": "https://twitter.com/rd_thailand",
         "how": "widget"},
    ]  # fmt: skip
    assert page.facts["social"] == {
        "x": "https://twitter.com/rd_thailand",
        "facebook": "http://www.facebook.com/thai.education",
        "youtube": "https://www.youtube.com/embed/J1VIyAUtxMM",
    }


def test_phones_and_emails_are_read_from_the_text() -> None:
    page = extract(
        # Layouts seen on www.drr.go.th, www.soc.go.th, www.nu.ac.th, kmutt.ac.th, mahidol.ac.th,
        # www.forest.go.th and www.pea.co.th; dates as on www.finearts.go.th; Thai digits.
        """<html><body><footer>
        โทรศัพท์ : 02-551-5000 สอบถามเส้นทาง สายด่วน : 1146
        โทร 02 280 9000 ต่อ 1444 และ 1445 โทรสาร 02 280 9111
        โทรศัพท์ : 055 961000 โทรสาร : 055 961103
        โทร.0 2470 8000 0 2427 0039 Nakhon Pathom +66 (0) 2849-6000
        โทรศัพท์:(662)-561-4292-3 PEA Call Center 1129 Call center : 1130
        แฟ้มข่าว 05-03-2561 00:00 เลขที่ 0105536000123 งบประมาณ 1,234,000 บาท ติดต่อ ๐๒-๑๒๓-๔๕๖๗
        อีเมล: <a href="/cdn-cgi/l/email-protection" class="__cf_email__"
        data-cfemail="502735323d312324352210363f223523247e373f7e2438">[email&#160;protected]</a>
        E-mail : itc@drr.go.th <img src="logo@2x.png">
        </footer></body></html>"""
    )
    contacts = page.facts["contacts"]
    assert contacts["phones"] == [
        "025515000", "1146", "022809000", "055961000", "024708000", "024270039", "028496000", "025614292", "1129",
        "1130", "021234567",
    ]  # fmt: skip
    assert set(contacts["phones_from"].values()) == {"text"}
    assert contacts["emails"] == ["webmaster@forest.go.th", "itc@drr.go.th"]
    assert contacts["emails_from"] == {"webmaster@forest.go.th": "cloudflare", "itc@drr.go.th": "text"}
    assert "webmaster@forest.go.th" in page.facts["text"]["all"]
    assert page.links == []  # the e-mail protection URL is an address, not a page


def test_caps_that_were_hit_are_recorded() -> None:
    headings = "".join(f"<h3>หัวข้อ {i}</h3>" for i in range(150))
    page = extract(f"<html><body><nav>{'เมนู ' * 2000}</nav><main>{headings}</main></body></html>")
    assert len(page.facts["headings"]) == 100
    assert page.facts["truncated"] == {"headings": True, "text": True, "text_regions": ["nav"], "links": False}
    small = extract("<html><body><h1>หน้าแรก</h1></body></html>")
    assert small.facts["truncated"] == {"headings": False, "text": False, "text_regions": [], "links": False}


def test_content_language_comes_from_the_text_not_the_lang_attribute() -> None:
    thai = "การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย ข่าวประชาสัมพันธ์ ร่วมสร้างสรรค์สังคม Call Center"
    english = "Mahidol University, Wisdom of the Land. News, Admissions, Research and Academic Services"
    assert extract(f'<html lang="en-gb"><body><p>{thai}</p></body></html>').facts["content_lang"] == "th"
    assert extract(f'<html lang="th"><body><p>{english}</p></body></html>').facts["content_lang"] == "en"
    assert extract("<html><body><p>หน้าแรก</p></body></html>").facts["content_lang"] is None


def test_language_version_links() -> None:
    page = extract(
        # www.egat.co.th (icon-eng image, /en/ path), www.navy.mi.th (flags with alt TH/EN), www.nu.ac.th
        # (<a href="#" onclick> ภาษาไทย), www.forest.go.th (&lang=th on every link is not a switch).
        """<html><head><link rel="alternate" hreflang="en" href="/en/"></head><body>
        <a href="/en/index.php"><img src="/images/homepage/homepage-icon-eng.png"></a>
        <a href="/main?language=th"><img src="/images/th.png" alt="TH"></a>
        <a href="#" onclick="return false;">ภาษาไทย</a>
        <a href="https://eng.rd.test/">English</a>
        <a href="/index.php?limitstart=5&amp;lang=th">2</a>
        <a href="/th/contact.aspx">ติดต่อ</a>
        <a href="/contact-us"><img src="/images/icon-contact-us.png"></a>
        </body></html>"""
    )
    assert page.facts["language_links"] == [
        {"lang": "en", "url": "https://www.rd.test/en/index.php", "label": "", "how": "flag"},
        {"lang": "th", "url": "https://www.rd.test/main?language=th", "label": "TH", "how": "label"},
        {"lang": "th", "url": None, "label": "ภาษาไทย", "how": "label"},
        {"lang": "en", "url": "https://eng.rd.test/", "label": "English", "how": "label"},
        {"lang": "en", "url": "https://www.rd.test/en/", "label": "", "how": "hreflang"},
    ]


def test_markup_after_an_early_html_end_tag_is_read() -> None:
    # www.pcd.go.th's capture: an nginx error page, then the real home page.
    page = extract(
        "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n\n"
        '<html><head><script>var a = 1;</script></head><body><a href="/air">คุณภาพอากาศ</a></body></html>'
    )
    assert labelled(page) == [("/air", "คุณภาพอากาศ")]


def test_meta_refresh_target_is_a_link() -> None:
    page = extract(
        '<html><head><meta http-equiv="refresh" content="10; URL=/webnew/main/"></head>'
        '<body><a href="/th">เข้าสู่เว็บไซต์</a></body></html>'
    )
    assert page.facts["meta_refresh_link"] == {"url": "https://www.rd.test/webnew/main/", "delay": 10.0}
    assert labelled(page) == [("/th", "เข้าสู่เว็บไซต์"), ("/webnew/main/", "")]


def test_page_has_content_tells_a_door_from_a_page() -> None:
    stub = b'<html><head><meta http-equiv="refresh" content="0;URL=/webnew/"></head><body><table></table></body>'
    splash = stub.replace(b"<table></table>", b'<a href="/main">Enter</a>')
    assert not page_has_content(stub, url="https://www.rd.test/", content_type="text/html")
    assert page_has_content(splash, url="https://www.rd.test/", content_type="text/html")
