"""Who is in the sample government web and what each agency site is designed to get right or wrong.

Names follow real Thai agencies so pages read like the real thing, but every host is under the reserved
``.test`` TLD (RFC 6761 §6.2), so nothing here can ever reach the real agency. One model agency passes almost
every indicator, a few average ones fail a realistic mix, one poor one fails most, and each "fault" site fails
in exactly one way (everything else as the model), so a check that misfires points at one cause.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from egov_crawl.testbed.model import Quality


@dataclass(frozen=True)
class Agency:
    slug: str
    name_th: str
    name_en: str
    cohort: str
    quality: Quality
    summary: str  # one line for docs/testbed.md: what the site is designed to show


MODEL = Quality(tier="model", fault=None, dnssec="signed")

AVERAGE_A = Quality(
    tier="average",
    fault=None,
    hsts_max_age=None,
    security_headers=2,
    secure_cookies=False,
    consent_banner=False,
    security_txt=False,
    accessibility_statement=False,
    faq=True,
    version_banner=True,
    structured_data=False,
    open_licences=False,
)
AVERAGE_B = replace(AVERAGE_A, hsts_max_age=31536000, security_headers=3, open_data=False, dnssec="broken", ipv6=False)
AVERAGE_C = replace(AVERAGE_A, soft_404=True, english=False, website_policies=False, security_headers=1)

POOR = Quality(
    tier="poor",
    fault=None,
    tls="valid",
    https_redirect=False,
    hsts_max_age=None,
    security_headers=0,
    secure_cookies=False,
    consent_banner=False,
    privacy_policy=False,
    website_policies=False,
    accessibility_statement=False,
    online_forms=False,
    labelled_forms=False,
    image_alt=False,
    text_contrast=False,
    responsive=False,
    broken_links=True,
    fresh_news=False,
    open_data=False,
    english=False,
    faq=False,
    robots_txt=False,
    sitemap=False,
    security_txt=False,
    version_banner=True,
    mixed_content=True,
    spf_dmarc=False,
    ipv6=False,
    social_links=False,
    executives_with_contact=False,
    structured_data=False,
    display_aids=False,
)


def _fault(name: str, **changes: object) -> Quality:
    return replace(MODEL, tier="fault", fault=name, **changes)  # type: ignore[arg-type]


ROSTER: tuple[Agency, ...] = (
    Agency(
        "revenue",
        "กรมสรรพากร",
        "The Revenue Department",
        "department",
        MODEL,
        "Model agency: passes nearly every indicator; the largest site (sitemap index), DNSSEC-signed zone.",
    ),
    Agency(
        "dlt",
        "กรมการขนส่งทางบก",
        "Department of Land Transport",
        "department",
        AVERAGE_A,
        "Average: no HSTS, 2 of 5 security headers, insecure cookies, no consent banner, no security.txt, "
        "no accessibility statement, version banner.",
    ),
    Agency(
        "moph",
        "กระทรวงสาธารณสุข",
        "Ministry of Public Health",
        "ministry",
        AVERAGE_B,
        "Average: HSTS 1 year, 3 security headers, no open data, broken DNSSEC signature, no IPv6.",
    ),
    Agency(
        "dopa",
        "กรมการปกครอง",
        "Department of Provincial Administration",
        "department",
        AVERAGE_C,
        "Average: soft-404 (unknown paths answer 200), no English version, no website policies.",
    ),
    Agency(
        "oae",
        "สำนักงานเศรษฐกิจการเกษตร",
        "Office of Agricultural Economics",
        "department",
        POOR,
        "Poor: fails most indicators (HTTPS not enforced, no privacy policy, stale news, PDF-only forms, "
        "broken links, fixed layout, mixed content, no robots.txt/sitemap, no SPF/DMARC).",
    ),
    Agency(
        "dol",
        "กรมที่ดิน",
        "Department of Lands",
        "department",
        _fault("no-https", tls="none", https_redirect=False, hsts_max_age=None),
        "No HTTPS at all: port 443 refuses connections.",
    ),
    Agency(
        "customs",
        "กรมศุลกากร",
        "The Customs Department",
        "department",
        _fault("https-not-enforced", https_redirect=False),
        "HTTPS works but http:// is served without a redirect.",
    ),
    Agency(
        "excise",
        "กรมสรรพสามิต",
        "The Excise Department",
        "department",
        _fault("short-hsts", hsts_max_age=86400),
        "HSTS max-age of one day (below the one-year threshold).",
    ),
    Agency(
        "dsd",
        "กรมพัฒนาฝีมือแรงงาน",
        "Department of Skill Development",
        "department",
        _fault("expired-certificate", tls="expired"),
        "Certificate expired (signed by the testbed CA).",
    ),
    Agency(
        "doe",
        "กรมการจัดหางาน",
        "Department of Employment",
        "department",
        _fault("self-signed-certificate", tls="self-signed"),
        "Self-signed certificate.",
    ),
    Agency(
        "tmd",
        "กรมอุตุนิยมวิทยา",
        "Thai Meteorological Department",
        "department",
        _fault("wrong-host-certificate", tls="wrong-host"),
        "Certificate valid but issued for another host name.",
    ),
    Agency(
        "dbd",
        "กรมพัฒนาธุรกิจการค้า",
        "Department of Business Development",
        "department",
        _fault("no-privacy-policy", privacy_policy=False),
        "No privacy policy (PDPA notice) anywhere.",
    ),
    Agency(
        "sso",
        "สำนักงานประกันสังคม",
        "Social Security Office",
        "department",
        _fault("pdf-only-forms", online_forms=False),
        "Forms only as PDF/DOCX downloads: no online complaint form.",
    ),
    Agency(
        "doa",
        "กรมวิชาการเกษตร",
        "Department of Agriculture",
        "department",
        _fault("broken-links", broken_links=True),
        "Internal links to missing pages (404) and to a failing page (500).",
    ),
    Agency(
        "finearts",
        "กรมศิลปากร",
        "The Fine Arts Department",
        "department",
        _fault("stale-news", fresh_news=False),
        "Newest news item is more than a year old.",
    ),
    Agency(
        "dwr",
        "กรมทรัพยากรน้ำ",
        "Department of Water Resources",
        "department",
        _fault("no-open-data", open_data=False),
        "No open-data page, no CKAN API, no /data.json.",
    ),
    Agency(
        "dop",
        "กรมกิจการผู้สูงอายุ",
        "Department of Older Persons",
        "department",
        _fault("inaccessible-forms", labelled_forms=False, image_alt=False, text_contrast=False),
        "Inaccessible: form inputs without labels (placeholders only), an image without alt text, low-contrast text.",
    ),
    Agency(
        "rid",
        "กรมชลประทาน",
        "Royal Irrigation Department",
        "department",
        _fault("mobile-overflow", responsive=False),
        "Fixed 1200 px layout and no viewport meta: overflows a 360 px screen.",
    ),
    Agency(
        "tat",
        "การท่องเที่ยวแห่งประเทศไทย",
        "Tourism Authority of Thailand",
        "state-enterprise",
        _fault("trackers-before-consent", trackers_before_consent=True, consent_banner=False),
        "Third-party tracker script and cookie (www.tracker.test) on first load, before any consent.",
    ),
    Agency(
        "nso",
        "สำนักงานสถิติแห่งชาติ",
        "National Statistical Office",
        "department",
        _fault("javascript-only", js_only=True),
        "Every page's content and links exist only after JavaScript runs.",
    ),
    Agency(
        "cgd",
        "กรมบัญชีกลาง",
        "The Comptroller General's Department",
        "department",
        _fault("broken-eservice", eservice_works=False),
        "E-service step 2 answers HTTP 500.",
    ),
    Agency(
        "dft",
        "กรมการค้าต่างประเทศ",
        "Department of Foreign Trade",
        "department",
        _fault("broken-search", search_works=False),
        "Site search box present but every query returns no results.",
    ),
)
