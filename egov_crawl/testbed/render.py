"""HTML (and the other text formats) of the testbed sites, from the model; every value is escaped.

Plain f-strings: the pages are simple and are rendered once at server start, so a template engine would add a
dependency and no safety that ``html.escape`` on every interpolated value does not already give.
"""

from __future__ import annotations

import json
from html import escape

from egov_crawl.testbed import content as C
from egov_crawl.testbed.model import (
    REFERENCE_DATE,
    Block,
    Contact,
    Faq,
    Form,
    FormBlock,
    Heading,
    Link,
    LinkList,
    NewsList,
    Page,
    Para,
    People,
    Site,
    Table,
)

TRACKER_SCRIPT = "https://www.tracker.test/t.js"
_CSS = (
    "*{box-sizing:border-box}body{margin:0;font-family:'Loma','Garuda','Sarabun',sans-serif;color:#1a1a1a;"
    "background:#fff;line-height:1.6}header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;"
    "padding:.5rem 1rem;background:#fff;border-bottom:4px solid #003366}header img{width:48px;height:48px}"
    ".site-name{font-weight:bold;font-size:1.2rem;color:#003366}nav ul{list-style:none;margin:0;padding:0;"
    "display:flex;flex-wrap:wrap;background:#003366}nav a{display:block;padding:.5rem .75rem;color:#fff}"
    "main{padding:1rem;max-width:60rem}footer{padding:1rem;background:#f2f2f2;border-top:1px solid #ccc}"
    "footer ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}a{color:#0b4f9c}"
    "table{border-collapse:collapse;max-width:100%}td,th{border:1px solid #999;padding:.25rem .5rem}"
    ".field{margin:.5rem 0}.field label{display:block}input,select,textarea{max-width:100%;font:inherit}"
    ".font-size button{font:inherit;margin-left:.25rem}.errors{color:#a00000}"
    "#cookie-consent{position:fixed;bottom:0;left:0;right:0;background:#fff;border-top:2px solid #003366;"
    "padding:1rem}.person img{width:60px;height:80px}"
)
_FIXED_CSS = "body{min-width:1200px}.page{width:1200px}nav ul{white-space:nowrap}"
# #c8c8c8 on white is 1.7:1, below the 4.5:1 of WCAG 2.x SC 1.4.3 (axe rule color-contrast).
_LOW_CONTRAST_CSS = ".faint{color:#c8c8c8}"

# Thai citizen ID check digit: 13th digit = (11 - sum(d_i * (13 - i)) mod 11) mod 10 over the first 12 digits.
_VALIDATION_JS = """
(function(){var f=document.getElementById(%(form)s);if(!f)return;
function okId(v){if(!/^[0-9]{13}$/.test(v))return false;var s=0;for(var i=0;i<12;i++)s+=(+v[i])*(13-i);
return (11-s%%11)%%10===+v[12];}
var q=new URLSearchParams(location.search),out=document.getElementById('summary');
if(out){q.forEach(function(v,k){var dt=document.createElement('dt');dt.textContent=k;
var dd=document.createElement('dd');dd.textContent=v;out.appendChild(dt);out.appendChild(dd);});}
f.addEventListener('submit',function(e){var errs=[];
Array.prototype.forEach.call(f.elements,function(el){if(el.required&&!el.value)errs.push('กรุณากรอก '+
(el.dataset.label||el.name));if(el.name==='citizen_id'&&el.value&&!okId(el.value))
errs.push('เลขประจำตัวประชาชนไม่ถูกต้อง');});
var box=document.getElementById(%(form)s+'-errors');box.textContent=errs.join(' / ');
if(errs.length)e.preventDefault();});})();
"""
_CONSENT_JS = """
(function(){var b=document.getElementById('cookie-consent');
function load(){var s=document.createElement('script');s.src='/static/analytics.js';document.head.appendChild(s);}
if(document.cookie.indexOf('consent=1')>=0){b.hidden=true;load();return;}
document.getElementById('cookie-accept').onclick=function(){document.cookie='consent=1; path=/; max-age=31536000';
b.hidden=true;load();};
document.getElementById('cookie-reject').onclick=function(){document.cookie='consent=0; path=/; max-age=31536000';
b.hidden=true;};})();
"""
APP_JS = """
(function(){var app=document.getElementById('app');var p=location.pathname;if(p.slice(-1)!=='/')p+='/';
fetch('/_content'+p+'index.json').then(function(r){return r.json();}).then(function(d){
app.innerHTML=d.html;document.documentElement.lang=d.lang;
if(d.consent){var c=document.createElement('div');c.innerHTML=d.consent;document.body.appendChild(c.firstChild);
var s=document.createElement('script');s.textContent=d.consent_js;document.body.appendChild(s);}});})();
"""


def page_title(site: Site, page: Page) -> str:
    """The exact ``<title>``: the home page is the agency name, other pages "title | agency"."""
    name = site.name_th if page.lang == "th" else site.name_en
    return name if page.path in ("/", "/en/") else f"{page.title} | {name}"


def link_html(link: Link, site: Site) -> str:
    rel = f' rel="{escape(link.rel)}"' if link.rel else ""
    extra = ""
    doc = next((d for d in site.documents if d.path == link.href), None)
    if doc is not None and doc.format != "png":
        extra = f" <small>({doc.format.upper()}, {max(1, doc.size // 1024)} KB)</small>"
    target = ' target="_blank"' if link.external and link.href.startswith("http") else ""
    return f'<a href="{escape(link.href)}"{rel}{target}>{escape(link.text)}</a>{extra}'


def _field_html(form: Form, index: int) -> str:
    field = form.fields[index]
    fid = f"{form.id}-{field.name}"
    attrs = f' id="{fid}" name="{escape(field.name)}"'
    if field.required:
        attrs += " required"
    if field.placeholder:
        attrs += f' placeholder="{escape(field.placeholder)}"'
    if field.pattern:
        attrs += f' pattern="{escape(field.pattern)}"'
    if field.label:
        attrs += f' data-label="{escape(field.label)}"'
    label = f'<label for="{fid}">{escape(field.label)}</label>' if field.label else ""
    if field.type == "textarea":
        control = f'<textarea{attrs} rows="5"></textarea>'
    elif field.type == "select":
        options = "".join(f"<option>{escape(o)}</option>" for o in field.options)
        control = f"<select{attrs}>{options}</select>"
    elif field.type == "checkbox":
        control = f'<input type="checkbox"{attrs} value="yes">'
        return f'<div class="field">{control} {label}</div>'
    else:
        control = f'<input type="{escape(field.type)}"{attrs}>'
    return f'<div class="field">{label}{control}</div>'


def form_html(block: FormBlock) -> str:
    form = block.form
    role = ' role="search"' if form.purpose == "search" else ""
    novalidate = " novalidate" if block.validated_by_js else ""
    fields = "".join(_field_html(form, i) for i in range(len(form.fields)))
    html = (
        f'<form id="{escape(form.id)}" action="{escape(form.action)}" method="{form.method}"{role}{novalidate}>'
        f'{fields}<div id="{escape(form.id)}-errors" class="errors" role="alert" aria-live="assertive"></div>'
        f'<button type="submit">{escape(form.submit_label)}</button></form>'
    )
    if block.validated_by_js:
        html += '<dl id="summary"></dl>' if form.id.endswith("step-2") else ""
        html += f"<script>{_VALIDATION_JS % {'form': json.dumps(form.id)}}</script>"
    return html


def block_html(block: Block, site: Site) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, LinkList):
        title = f"<h2>{escape(block.title)}</h2>" if block.title else ""
        items = "".join(f"<li>{link_html(link, site)}</li>" for link in block.links)
        return f"<section>{title}<ul>{items}</ul></section>"
    if isinstance(block, NewsList):
        items = "".join(
            f'<li><time datetime="{item.day.isoformat()}">{escape(item.date_text)}</time> '
            f"{link_html(item.link, site)}</li>"
            for item in block.items
        )
        return f'<section class="news"><h2>{escape(block.title)}</h2><ul>{items}</ul></section>'
    if isinstance(block, People):
        cards = []
        for person in block.people:
            contact = ""
            if person.phone or person.email:
                contact = f"<p>โทรศัพท์ {escape(person.phone)} อีเมล {escape(person.email)}</p>"
            cards.append(
                f'<div class="person"><img src="{escape(person.photo)}" alt="{escape(person.name)}">'
                f"<h2>{escape(person.name)}</h2><p>{escape(person.position)}</p>{contact}</div>"
            )
        return "".join(cards)
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.headers)
        rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in block.rows)
        caption = f"<caption>{escape(block.caption)}</caption>"
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Faq):
        return "".join(f"<details><summary>{escape(q)}</summary><p>{escape(a)}</p></details>" for q, a in block.pairs)
    if isinstance(block, Contact):
        return (
            f"<address><p>{escape(block.address)}</p><p>โทรศัพท์ {escape(block.phone)} โทรสาร {escape(block.fax)}</p>"
            f"<p>อีเมล {escape(block.email)}</p></address>"
        )
    if isinstance(block, FormBlock):
        return form_html(block)
    raise TypeError(f"unknown block {block!r}")


def _head(site: Site, page: Page) -> str:
    q = site.quality
    parts = ['<meta charset="utf-8">']
    if q.responsive:
        parts.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    parts.append(f"<title>{escape(page_title(site, page))}</title>")
    if page.description:
        parts.append(f'<meta name="description" content="{escape(page.description)}">')
        parts.append(f'<meta property="og:title" content="{escape(page_title(site, page))}">')
        parts.append(f'<meta property="og:description" content="{escape(page.description)}">')
    if page.status == 200:
        parts.append(f'<link rel="canonical" href="{escape(site.base_url + page.path)}">')
    if q.english and page.path in ("/", "/en/"):
        parts.append(f'<link rel="alternate" hreflang="th" href="{escape(site.base_url)}/">')
        parts.append(f'<link rel="alternate" hreflang="en" href="{escape(site.base_url)}/en/">')
    parts.append('<link rel="alternate" type="application/rss+xml" title="RSS" href="/news/rss.xml">')
    if page.published:
        parts.append(f'<meta property="article:published_time" content="{page.published.isoformat()}">')
    if page.path == "/" and q.structured_data:
        org = {
            "@context": "https://schema.org",
            "@type": "GovernmentOrganization",
            "name": site.name_th,
            "alternateName": site.name_en,
            "url": site.homepage,
            "email": site.contact.email,
            "telephone": site.contact.phone,
        }
        parts.append(
            f'<script type="application/ld+json">{escape(json.dumps(org, ensure_ascii=False), False)}</script>'
        )
    parts.append(
        f"<style>{_CSS}{'' if q.responsive else _FIXED_CSS}{'' if q.text_contrast else _LOW_CONTRAST_CSS}</style>"
    )
    if q.trackers_before_consent:
        parts.append(f'<script src="{TRACKER_SCRIPT}" async></script>')
    return "".join(parts)


def _body(site: Site, page: Page) -> str:
    q = site.quality
    lang = page.lang
    logo = next(d for d in site.documents if d.path == "/images/logo.png")
    name = site.name_th if lang == "th" else site.name_en
    mixed = f'<img src="http://{site.host}/images/logo.png" alt="" width="1" height="1">' if q.mixed_content else ""
    # An informative image (the emblem again, as a banner) with no alt attribute at all: axe rule image-alt.
    no_alt = "" if q.image_alt else f'<img src="{escape(logo.path)}" width="48" height="48">'
    faint = "" if q.text_contrast else f'<p class="faint">{"ปรับปรุงข้อมูลล่าสุด" if lang == "th" else "Last updated"}</p>'

    font = (
        ""
        if q.tier == "poor"
        else (
            '<div class="font-size" role="group" aria-label="ปรับขนาดตัวอักษร">'
            '<button type="button">ก-</button><button type="button">ก</button><button type="button">ก+</button></div>'
        )
    )
    nav, footer = site.nav_for(lang), site.footer_for(lang)
    menu = "".join(f"<li>{link_html(link, site)}</li>" for link in nav)
    foot = "".join(f"<li>{link_html(link, site)}</li>" for link in footer)
    blocks = "".join(block_html(b, site) for b in page.blocks)
    copyright_ = f"© {REFERENCE_DATE.year + C.BE_OFFSET} {escape(name)}"
    return (
        f'<div class="page"><header><img src="{escape(logo.path)}" alt="{escape(logo.title)}">{mixed}'
        f'{no_alt}<span class="site-name">{escape(name)}</span>{font}</header>'
        f'<nav aria-label="{"เมนูหลัก" if lang == "th" else "Main menu"}"><ul>{menu}</ul></nav>'
        f'<main id="main"><h1>{escape(page.title)}</h1>{faint}{blocks}</main>'
        f"<footer>{block_html(site.contact, site) if lang == 'th' else ''}<ul>{foot}</ul><p>{copyright_}</p>"
        "</footer></div>"
    )


def _consent_banner(site: Site) -> str:
    if not site.quality.consent_banner:
        return ""
    return (
        '<div id="cookie-consent" role="dialog" aria-label="การตั้งค่าคุกกี้"><p>เว็บไซต์นี้ใช้คุกกี้ที่จำเป็น '
        "และขอความยินยอมก่อนใช้คุกกี้เพื่อการวิเคราะห์ ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล พ.ศ. 2562</p>"
        '<button type="button" id="cookie-accept">ยอมรับคุกกี้</button> '
        '<button type="button" id="cookie-reject">ปฏิเสธคุกกี้ที่ไม่จำเป็น</button></div>'
    )


def _consent(site: Site) -> str:
    banner = _consent_banner(site)
    return f"{banner}<script>{_CONSENT_JS}</script>" if banner else ""


def page_html(site: Site, page: Page) -> bytes:
    if site.quality.js_only:
        body = (
            '<div id="app"><noscript>กรุณาเปิดใช้งาน JavaScript เพื่อดูเนื้อหา</noscript></div>'
            '<script src="/static/app.js"></script>'
        )
    else:
        body = _body(site, page) + _consent(site)
    head = _head(site, page)
    return f'<!DOCTYPE html>\n<html lang="{page.lang}"><head>{head}</head><body>{body}</body></html>\n'.encode()


def content_json(site: Site, page: Page) -> bytes:
    # The JavaScript-only site's consent manager arrives with the content, as a CMP script would insert it.
    content = {"title": page.title, "lang": page.lang, "html": _body(site, page)}
    if site.quality.consent_banner:
        content |= {"consent": _consent_banner(site), "consent_js": _CONSENT_JS}
    return json.dumps(content, ensure_ascii=False).encode()
