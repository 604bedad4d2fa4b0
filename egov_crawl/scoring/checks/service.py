"""SERVICE checks: information about services, e-services, help and participation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from egov_crawl import failures, thai
from egov_crawl.facts.browser import JourneyFact
from egov_crawl.facts.kinds import BrowserKind
from egov_crawl.facts.model import SiteFacts, Source
from egov_crawl.scoring.checks.common import (
    absent,
    content_unobserved,
    find,
    keyword_check,
    match_evidence,
    page_of,
)
from egov_crawl.scoring.checks.sources import Preference, decide
from egov_crawl.scoring.detections import main_language, other_language, other_language_pages, page_language
from egov_crawl.scoring.lexicon import find_host, find_in_text, fold, load_lexicon
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import check

# Thai postcode: five digits, first non-zero (catalog SRV-01), near an address word (lexicon SRV-01.address).
POSTCODE = re.compile(r"\b[1-9]\d{4}\b")
DOCUMENT_FORMATS = {"pdf", "doc", "docx", "rtf", "odt", "xls", "xlsx"}

keyword_check(
    "SRV-04",
    "live-help",
    "Real-time help: live chat / chatbot",
    what="A chat widget, chatbot or messaging link (Messenger, LINE Official Account).",
    why="LOSI #270a/#270b, UN #009: help when a citizen is stuck, not only by e-mail.",
    mode="B",
    text=True,
)
keyword_check(
    "SRV-05",
    "service-catalogue",
    "Service catalogue & citizen manuals",
    what="A list of services with citizen manuals (documents, steps, time, fee) or a link to the central portal.",
    why="Licensing Facilitation Act B.E. 2558; ITA67 O15; LOSI #222.",
    mode="A→J",
)
keyword_check(
    "SRV-07",
    "digital-identity-login",
    "Digital identity login",
    what="Login with the national digital ID (ThaiD, NDID, DGA Digital ID) for e-services.",
    why="LOSI #245, UN #017, EU eID.",
    mode="B→J",
    text=True,
)
keyword_check(
    "SRV-08",
    "online-payment",
    "Online payment",
    what="Fees, fines or taxes payable online (PromptPay, QR, e-Payment).",
    why="LOSI #269a/#269b, UN #043/#044.",
    mode="B→J",
    text=True,
)
keyword_check(
    "SRV-09",
    "status-tracking",
    "Application status tracking",
    what="Online tracking of an application's or a complaint's status.",
    why="EU transparency of service delivery; UN #087.",
    mode="A→J",
)
keyword_check(
    "SRV-12",
    "service-statistics",
    "Service statistics published",
    what="Statistics of the services delivered in the current or previous fiscal year.",
    why="ITA67 O16.",
    mode="A→J",
)
keyword_check(
    "SRV-13",
    "satisfaction",
    "User-satisfaction mechanism and results",
    what="A satisfaction survey or rating mechanism, and its published results.",
    why="LOSI #293/#294, ITA67 O17.",
    mode="A→J",
    part_names=("mechanism", "results"),
    text=True,
)
keyword_check(
    "SRV-18",
    "e-consultation",
    "e-Consultation / opinion collection",
    what="An online consultation, poll or survey on a policy or a draft law, or a link to law.go.th.",
    why="LOSI #272/#277, ITA67 O30, EU transparency of service design.",
    mode="A→J",
)
keyword_check(
    "SRV-20",
    "incident-reporting",
    "Report problems in public space / incidents",
    what="Online incident reporting (own form or a Traffy Fondue link).",
    why="LOSI #274 (local administrations above all).",
)
keyword_check(
    "SRV-21",
    "emergency-information",
    "Emergency / disaster information & alerts",
    what="An emergency or disaster section, or an alert subscription.",
    why="LOSI #218/#290.",
)
keyword_check(
    "SRV-22",
    "job-vacancies",
    "Job vacancies / recruitment online",
    what="A vacancies page or a link to the central recruitment portal.",
    why="LOSI #266, UN #058, Thai Website Standard.",
)
keyword_check(
    "SRV-23",
    "e-procurement-link",
    "e-Procurement platform link / e-bidding",
    what="A link to the national e-GP system or the agency's own tender platform.",
    why="LOSI #265, UN #029.",
)
keyword_check(
    "SRV-24",
    "help-and-helpdesk",
    "Help / tutorials for online services; helpdesk number",
    what="A how-to guide or FAQ for online services, and a helpdesk contact.",
    why="LOSI #241/#288, UN #016.",
    part_names=("guide", "helpdesk"),
    text=True,
)
keyword_check(
    "SRV-25",
    "assisted-access",
    "Assisted / free access",
    what="Information on free Wi-Fi or assisted service points.",
    why="LOSI #225a/#225b, UN #036a/#036b.",
    mode="A→J",
    text=True,
)
keyword_check(
    "SRV-27",
    "vulnerable-groups",
    "Services/info for vulnerable groups",
    what="Pages for the elderly, people with disabilities, children, low-income or homeless people.",
    why="LOSI #231/#297, UN #143–#148.",
    mode="A→J",
)


@check("SRV-01", "contact-details", "Contact details")
def contact_details(site: SiteFacts) -> Finding:
    """What: A phone number, an e-mail address and a postal address on the contact page or in the footer.
    Why: LOSI #214, UN #008, ITA-OIT O5, OIA §7(3): the first thing a citizen looks for.
    Evidence: the numbers and addresses found (tel:/mailto: links and text), the postcode next to an address
    word (ถนน, แขวง, อำเภอ…), and the page they are on.
    Outcomes: PASS with all three; PARTIAL 0.5 with two; FAIL with fewer after a complete crawl; NOT_OBSERVED when
    the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    contact = find(site, "SRV-01")
    pages = [p for p in (page_of(site, contact), site.home) if p is not None]
    phones: set[str] = set()
    emails: set[str] = set()
    address: str | None = None
    address_words = [t.text for t in load_lexicon().terms_of("SRV-01.address")]
    for page in pages:
        contacts = page.facts.get("contacts")
        if contacts:
            phones |= set(contacts.get("phones") or [])
            emails |= set(contacts.get("emails") or [])
        text = thai.normalize(page.text())  # Thai digits ๐–๙ as ASCII
        for code in POSTCODE.finditer(text):
            window = fold(text[max(0, code.start() - 120) : code.start()])
            if any(word in window for word in address_words):
                address = text[max(0, code.start() - 80) : code.end()]
                break
    have = [bool(phones), bool(emails), address is not None]
    data = {"phones": sorted(phones)[:3], "emails": sorted(emails)[:3], "address": address}
    url = (pages[0].final_url or pages[0].url) if pages else site.homepage
    evidence = Evidence(f"{sum(have)} of phone, e-mail, postal address found", url, data)
    score = 1.0 if all(have) else 0.5 if sum(have) == 2 else 0.0
    return Finding.graded(score, evidence)


@check("SRV-02", "complaint-channel", "Complaint / feedback channel (general)", mode="A→J")
def complaint_channel(site: SiteFacts) -> Finding:
    """What: An online complaint or feedback form, or a dedicated page naming the channel.
    Why: LOSI #271, ITA63 O32, Thai Website Standard: citizens must be able to complain without travelling.
    Evidence: the complaint page and the form on it (a form with a free-text field).
    Outcomes: PASS with an online form; PARTIAL 0.5 with a page or link only; FAIL when a complete crawl found no
    complaint channel; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match = find(site, "SRV-02")
    if match is None:
        return absent(site, "no complaint or feedback channel", key="SRV-02")
    page = page_of(site, match)
    page_urls = {page.url, page.final_url} if page else set()
    forms = [f for f in site.forms if f.page_url in page_urls and _free_text(f.fields)]
    if forms:
        form = forms[0]
        return Finding.passed(match_evidence(match), Evidence(f"an online form posts to {form.action}", form.page_url))
    return Finding.graded(0.5, match_evidence(match), Evidence("no online form on the complaint page"))


def _free_text(fields: Sequence[object]) -> bool:
    return any(isinstance(f, dict) and (f.get("tag") == "textarea" or f.get("type") == "textarea") for f in fields)


@check("SRV-03", "faq", "Q&A / FAQ / web board")
def faq(site: SiteFacts) -> Finding:
    """What: A FAQ page, a Q&A page or a web board.
    Why: LOSI #240, UN #006, ITA-OIT O8: answers before a phone call.
    Evidence: the FAQ page (title, heading or link) and its URL.
    Outcomes: PASS when the page was reached; PARTIAL 0.5 for a link whose page was not crawled; FAIL when a
    complete crawl found none; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match = find(site, "SRV-03")
    if match is None:
        return absent(site, "no FAQ or Q&A page", key="SRV-03")
    if page_of(site, match) is None:
        return Finding.graded(0.5, match_evidence(match), Evidence("linked, but the page was not crawled"))
    return Finding.passed(match_evidence(match))


def _not_loaded(journey: JourneyFact) -> bool:
    steps = journey.get("steps") or []
    first = steps[0] if steps else None
    return first is not None and not first.get("ok") and "net::ERR_" in str(first.get("error") or "")


def _eservice_starts(site: SiteFacts) -> list[str]:
    """Pages under an e-service path (lexicon SRV-06 paths) that carry a form: services that can be started."""
    patterns = load_lexicon().paths.get("SRV-06", ())
    urls = sorted(
        {
            f.page_url
            for f in site.forms
            if any(p.search(urlsplit(f.page_url).path) for p in patterns) and f.method.upper() in ("GET", "POST")
        }
    )
    return urls


@check(
    "SRV-06",
    "transactional-eservices",
    "Transactional e-services available",
    mode="A→J",
    needs={Source.BROWSER, Source.CRAWL},
)
def transactional_eservices(site: SiteFacts) -> Finding:
    """What: Online services that can be started and completed online (not just a PDF form).
    Why: LOSI SP #253–#299, UN SP, EU online availability, ITA67 O18: the core of digital government.
    Evidence: the browser's read-only journeys through each e-service (steps reached, the step that failed);
    without them, the e-service pages with a form found by the crawler (started, not completed).
    Outcomes: the share of the e-services offered that a journey completed (PASS all, PARTIAL some, FAIL none);
    without journeys, PASS when at least one e-service can be started online, FAIL when a complete crawl found
    none; NOT_OBSERVED when neither could tell, or when robots.txt closed the e-services to the browser (the
    crawl obeys the same file, so it could not have seen them either).
    """
    return decide(site, ESERVICE_SOURCES, Finding.not_observed("no e-service was observed", site.homepage))


def _eservices_journeyed(site: SiteFacts) -> Finding | None:
    # A journey whose first page did not load (net::ERR_…, e.g. a certificate the browser rightly refused)
    # observed nothing about the e-service itself.
    journeys = [b for b in site.browser_of(BrowserKind.JOURNEY) if not b.error_class and not _not_loaded(b.payload)]
    if journeys:
        done = [j for j in journeys if j.payload.get("ok")]
        data = {"journeys": len(journeys), "completed": len(done)}
        failed = [j for j in journeys if not j.payload.get("ok")]
        evidence = [Evidence(f"{len(done)} of {len(journeys)} e-services completed online", site.homepage, data)]
        evidence += [
            Evidence(f"{j.payload.get('eservice_id')}: step {j.payload.get('broken_step')} failed", j.url)
            for j in failed[:3]
        ]
        return Finding.graded(len(done) / len(journeys), *evidence)
    return None


def _eservices_crawled(site: SiteFacts) -> Finding | None:
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    starts = _eservice_starts(site)
    if starts:
        return Finding.passed(Evidence(f"{len(starts)} e-services can be started online", starts[0], {"urls": starts}))
    closed = [b for b in site.browser_of(BrowserKind.JOURNEY) if b.error_class == failures.BLOCKED_BY_ROBOTS]
    if closed:
        return Finding.not_observed(f"robots.txt closes {len(closed)} e-service(s) to crawlers", closed[0].url)
    return absent(site, "no e-service with an online form")


# Completed journeys (the browser) say more than a form that starts a service (the crawl).
ESERVICE_SOURCES: Preference = ((Source.BROWSER, _eservices_journeyed), (Source.CRAWL, _eservices_crawled))


@check("SRV-11", "digital-forms", "Digital forms instead of print-only forms")
def digital_forms(site: SiteFacts) -> Finding:
    """What: The share of the links on the forms page that lead to fillable online forms rather than documents
    to print (PDF, DOC…).
    Why: OMB M-23-22 and 21st Century IDEA (digital forms, no wet signature); EU eDocuments.
    Evidence: the forms page, its document links and its links to pages with an online form.
    Outcomes: PASS when every form is online, PARTIAL for a share, FAIL when all are print-only; NOT_OBSERVED when
    the crawl could not tell; NOT_APPLICABLE when the site has no forms page.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match = find(site, "SRV-11")
    page = page_of(site, match)
    if match is None or page is None:
        return Finding.not_applicable("no forms page: nothing to judge")
    urls = {page.url, page.final_url}
    form_pages = {f.page_url for f in site.forms if _free_text(f.fields) or f.has_file_upload or len(f.fields) > 2}
    documents: list[str] = []
    online: list[str] = []
    for link in site.links:
        if link.source_url not in urls or link.region != "main" or link.broken:
            continue
        target = link.target_url
        extension = urlsplit(target).path.rsplit(".", 1)[-1].lower()
        if extension in DOCUMENT_FORMATS:
            documents.append(target)
        else:
            target_page = site.page(target)
            if target_page and {target_page.url, target_page.final_url} & form_pages:
                online.append(target)
    total = len(documents) + len(online)
    if total == 0:
        return Finding.not_applicable("the forms page links no forms")
    data = {"documents": documents[:10], "online": online[:10]}
    summary = f"{len(online)} of {total} forms on the forms page are online forms"
    return Finding.graded(len(online) / total, Evidence(summary, page.final_url or page.url, data))


@check("SRV-15", "social-media", "Official social media presence")
def social_media(site: SiteFacts) -> Finding:
    """What: At least one official social-media account linked from the site (the platforms are recorded).
    Why: LOSI #273, UN #007, ITA-OIT O9.
    Evidence: the social links the crawler recorded per page (Facebook, LINE, X, YouTube, TikTok, Instagram).
    Outcomes: PASS with one or more; FAIL when a complete crawl found none; NOT_OBSERVED when it could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    platforms: dict[str, str | None] = {}
    for page in site.ok_pages:
        for platform, url in (page.facts.get("social") or {}).items():
            if platform not in ("app-store", "google-play"):
                platforms.setdefault(platform, url)
    if platforms:
        # The alphabetically first platform's link, not the first stored: PostgreSQL's jsonb reorders the keys of
        # page.facts.social, and the evidence must not depend on the store.
        first = platforms[min(platforms)]
        return Finding.passed(Evidence(f"linked platforms: {', '.join(sorted(platforms))}", first, platforms))
    match = find_host(site, "SRV-15")
    if match:
        return Finding.passed(match_evidence(match))
    return absent(site, "no social-media account linked")


@check("SRV-16", "other-language-content", "Content in another language")
def other_language_content(site: SiteFacts) -> Finding:
    """What: Pages in a language other than the site's main one (English on a Thai site, Thai or Spanish on an
    English one), reached through a language switch (hreflang, /en/ pages, an "English"/"EN" link or flag).
    Why: LOSI #212, UN #015, Thai Website Standard: foreign residents and businesses use government sites too.
    Evidence: the pages reached whose content (its script, not its lang attribute) is in another language than
    the home page's, and the link to them.
    Outcomes: PASS when such a page was reached; PARTIAL 0.5 for a language link only; FAIL when a complete crawl
    found neither; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    main = main_language(site)
    pages = other_language_pages(site)
    if pages:
        url = pages[0].final_url or pages[0].url
        languages = sorted({page_language(p) or "" for p in pages})
        summary = f"{len(pages)} pages in {', '.join(languages)} reached (the site's main language is {main})"
        return Finding.passed(Evidence(summary, url, {"pages": len(pages), "languages": languages, "main": main}))
    link = other_language(site)
    if link is not None:
        summary = f"a {link.term} version is linked ({link.snippet}), but no page in it was reached"
        return Finding.graded(0.5, Evidence(summary, link.url, {"main": main}))
    return absent(site, f"no version in a language other than {main or 'the main one'}")


@check("SRV-17", "mobile-app", "Mobile app for services")
def mobile_app(site: SiteFacts) -> Finding:
    """What: A link to an official app in the App Store or Google Play.
    Why: LOSI #283/#204, UN mobile services.
    Evidence: the app-store link.
    Outcomes: PASS with such a link; FAIL when a complete crawl found none; NOT_OBSERVED when it could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    for page in site.ok_pages:
        social = page.facts.get("social") or {}
        for store in ("app-store", "google-play"):
            if store in social:
                return Finding.passed(Evidence(f"{store} link", social[store]))
    match = find_host(site, "SRV-17") or find_in_text(site, "SRV-17")
    if match:
        return Finding.passed(match_evidence(match))
    return absent(site, "no app-store link")


SECTORS = ("health", "education", "welfare", "environment", "waste", "roads", "labour", "culture")


@check("SRV-26", "sector-information", "Sector information coverage", mode="A→J")
def sector_information(site: SiteFacts) -> Finding:
    """What: The share of public-service sectors (health, education, welfare, environment, waste, roads,
    labour, culture) with a page.
    Why: LOSI #226–#233: a local government's site should cover the services it is responsible for.
    Evidence: the page or link found per sector.
    Outcomes: the share of sectors found (PASS all, PARTIAL some, FAIL none); the methodology applies it to
    provinces and local administrations only; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    found: list[Evidence] = []
    for sector in SECTORS:
        match = find(site, f"SRV-26.{sector}")
        if match:
            found.append(match_evidence(match))
    return Finding.graded(len(found) / len(SECTORS), *found) if found else absent(site, "no sector pages")
