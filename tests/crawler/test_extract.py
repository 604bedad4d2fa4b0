"""Page facts from small HTML documents: what a reader sees is what the crawler records."""

from __future__ import annotations

from egov_crawl.crawler.charset import decode_html
from egov_crawl.crawler.extract import document_format, extract_page

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
    assert page.facts["contacts"] == {"emails": ["info@rd.test"], "phones": ["1161"]}
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
