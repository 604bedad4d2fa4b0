"""The one model of the sample government web: it renders the sites and writes the ground-truth manifest.

Everything a site serves is described here as frozen data, and both ``render`` (HTML, robots.txt, sitemaps…)
and ``manifest`` (what a correct crawler should observe) read the same objects, so the sites and their ground
truth cannot drift apart. Nothing here does I/O or reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

TlsKind = Literal["valid", "expired", "self-signed", "wrong-host", "none"]
DnssecKind = Literal["none", "signed", "broken"]
DocFormat = Literal["pdf", "docx", "xlsx", "csv", "json", "png"]

# Reference "today" of the generated web: news freshness, fiscal years and certificate dates are relative to it,
# so the manifest never depends on the wall clock. Checks that judge freshness should use the manifest's date.
REFERENCE_DATE = date(2026, 11, 20)


@dataclass(frozen=True)
class Link:
    """A hyperlink as written in the page. ``href`` is root-relative for internal links, absolute otherwise."""

    href: str
    text: str
    external: bool = False
    # Filled by the generator from the site's routes: the status a client gets for the href (None for external).
    expected_status: int | None = 200
    rel: str | None = None

    @property
    def broken(self) -> bool:
        return self.expected_status is not None and self.expected_status >= 400


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    format: DocFormat
    body: bytes
    category: str  # "procurement", "budget", "plan", "form", "report", "dataset", "image"…

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def size(self) -> int:
        return len(self.body)


CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "png": "image/png",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str | None  # None: the input has no <label> (an inaccessible form), only a placeholder
    type: str = "text"  # text, email, tel, textarea, select, checkbox, date, search, hidden
    required: bool = False
    placeholder: str | None = None
    pattern: str | None = None
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    id: str
    action: str
    method: Literal["get", "post"]
    purpose: str  # "complaint", "search", "eservice", "newsletter"
    fields: tuple[Field, ...]
    submit_label: str

    @property
    def labelled(self) -> bool:
        return all(f.label is not None for f in self.fields if f.type != "hidden")


# Page content is a sequence of blocks; the renderer turns each kind into HTML.
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class LinkList:
    title: str | None
    links: tuple[Link, ...]


@dataclass(frozen=True)
class DatedItem:
    """A news or announcement entry: a link, its date and how the date is written on the page."""

    link: Link
    day: date
    date_text: str


@dataclass(frozen=True)
class NewsList:
    title: str
    items: tuple[DatedItem, ...]


@dataclass(frozen=True)
class Person:
    name: str
    position: str
    photo: str  # path of a PNG document
    phone: str
    email: str


@dataclass(frozen=True)
class People:
    people: tuple[Person, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Faq:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class FormBlock:
    form: Form
    # True: the form has JavaScript validation (the e-service steps).
    validated_by_js: bool = False


@dataclass(frozen=True)
class Contact:
    address: str
    phone: str
    fax: str
    email: str


Block = Heading | Para | LinkList | NewsList | People | Table | Faq | FormBlock | Contact


@dataclass(frozen=True)
class Page:
    path: str
    title: str
    lang: Literal["th", "en"]
    kind: str  # a role a check may look for: home, contact, privacy, oit, news-item, eservice-step…
    blocks: tuple[Block, ...] = ()
    status: int = 200
    description: str | None = None
    published: date | None = None  # news items: article:published_time
    in_sitemap: bool = True

    def links(self) -> tuple[Link, ...]:
        """Links of the page's own content (menus and footer are the site's, see ``Site.links_of``)."""
        found: list[Link] = []
        for block in self.blocks:
            if isinstance(block, LinkList):
                found.extend(block.links)
            elif isinstance(block, NewsList):
                found.extend(item.link for item in block.items)
        return tuple(found)

    def forms(self) -> tuple[Form, ...]:
        return tuple(b.form for b in self.blocks if isinstance(b, FormBlock))

    def text(self) -> str:
        """The visible text of the content (what the site search indexes)."""
        parts: list[str] = [self.title]
        for block in self.blocks:
            if isinstance(block, Heading | Para):
                parts.append(block.text)
            elif isinstance(block, LinkList):
                parts.extend([block.title or "", *(link.text for link in block.links)])
            elif isinstance(block, NewsList):
                parts.extend([block.title, *(f"{i.link.text} {i.date_text}" for i in block.items)])
            elif isinstance(block, People):
                parts.extend(f"{p.name} {p.position}" for p in block.people)
            elif isinstance(block, Table):
                parts.append(block.caption)
                parts.extend(" ".join(row) for row in block.rows)
            elif isinstance(block, Faq):
                parts.extend(f"{q} {a}" for q, a in block.pairs)
            elif isinstance(block, Contact):
                parts.extend([block.address, block.phone, block.email])
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Redirect:
    path: str
    location: str  # root-relative or absolute
    status: int = 301


@dataclass(frozen=True)
class Resource:
    name: str
    format: str  # CKAN's format field: CSV, JSON, XLSX, PDF
    path: str


@dataclass(frozen=True)
class Dataset:
    """A dataset of the agency's catalogue, served through the CKAN API and /data.json."""

    name: str  # CKAN package name (slug)
    title: str
    title_en: str
    notes: str
    license_id: str
    license_title: str
    modified: date
    update_frequency: str  # "monthly", "yearly"…
    tags: tuple[str, ...]
    resources: tuple[Resource, ...]


@dataclass(frozen=True)
class EServiceStep:
    path: str
    title: str
    status: int = 200  # a broken step answers 500


@dataclass(frozen=True)
class EService:
    id: str
    name_th: str
    name_en: str
    start_path: str
    steps: tuple[EServiceStep, ...]

    @property
    def works(self) -> bool:
        return all(step.status < 400 for step in self.steps)


@dataclass(frozen=True)
class DnsRecord:
    name: str  # relative to the zone origin; "@" is the apex
    rtype: str
    value: str
    ttl: int = 3600


@dataclass(frozen=True)
class Zone:
    origin: str  # "revenue.test."
    records: tuple[DnsRecord, ...]
    dnssec: DnssecKind = "none"


@dataclass(frozen=True)
class Quality:
    """What the site is designed to do right or wrong; the expected indicator outcomes derive from it."""

    tier: Literal["model", "average", "poor", "fault"]
    fault: str | None  # the one thing a "fault" site gets wrong, e.g. "no-https"; None otherwise
    tls: TlsKind = "valid"
    https_redirect: bool = True
    hsts_max_age: int | None = 63072000
    security_headers: int = 5  # how many of the five INF-06 headers are sent
    secure_cookies: bool = True
    consent_banner: bool = True
    trackers_before_consent: bool = False
    privacy_policy: bool = True
    website_policies: bool = True
    accessibility_statement: bool = True
    online_forms: bool = True  # False: forms only as PDF/DOCX downloads
    labelled_forms: bool = True
    image_alt: bool = True  # False: an informative image without alt text (WCAG 2.x SC 1.1.1; axe image-alt)
    text_contrast: bool = True  # False: a text block below 4.5:1 contrast (WCAG 2.x SC 1.4.3; axe color-contrast)
    responsive: bool = True
    js_only: bool = False
    broken_links: bool = False
    fresh_news: bool = True
    open_data: bool = True
    eservice_works: bool = True
    search_works: bool = True
    english: bool = True
    faq: bool = True
    robots_txt: bool = True
    sitemap: bool = True
    security_txt: bool = True
    soft_404: bool = False
    version_banner: bool = False
    mixed_content: bool = False
    spf_dmarc: bool = True
    ipv6: bool = True
    dnssec: DnssecKind = "none"
    social_links: bool = True
    executives_with_contact: bool = True
    structured_data: bool = True  # schema.org GovernmentOrganization JSON-LD on the home page (INF-26)
    display_aids: bool = True  # text-size buttons ก- ก ก+ (INF-18)
    open_licences: bool = True  # every dataset under an open licence (OPN-18)


@dataclass(frozen=True)
class Site:
    slug: str
    name_th: str
    name_en: str
    cohort: str  # registry cohort: ministry, department, state-enterprise…
    quality: Quality
    pages: tuple[Page, ...]
    documents: tuple[Document, ...]
    redirects: tuple[Redirect, ...]
    nav: tuple[Link, ...]
    nav_en: tuple[Link, ...]
    footer: tuple[Link, ...]
    footer_en: tuple[Link, ...]
    contact: Contact
    headers: tuple[tuple[str, str], ...]  # sent with every HTML response of the site (HTTPS adds HSTS)
    cookies: tuple[str, ...]  # Set-Cookie values sent with the home page
    robots_txt: str | None
    security_txt_fields: tuple[tuple[str, str], ...] | None  # (field, value) in file order; None: no file
    datasets: tuple[Dataset, ...]
    eservices: tuple[EService, ...]
    zone: Zone
    search_examples: tuple[tuple[str, int], ...] = ()  # (query, expected number of results)
    description: str = ""
    extra_hosts: tuple[str, ...] = field(default=())  # third-party hosts the site loads (trackers)

    @property
    def host(self) -> str:
        return f"www.{self.slug}.test"

    @property
    def security_txt(self) -> str | None:
        """The file served at /.well-known/security.txt, written from its fields (the manifest's ground truth
        names the fields themselves, so nothing in the testbed parses the file back)."""
        if self.security_txt_fields is None:
            return None
        return "".join(f"{name}: {value}\n" for name, value in self.security_txt_fields)

    @property
    def apex(self) -> str:
        return f"{self.slug}.test"

    @property
    def hosts(self) -> tuple[str, str]:
        return (self.host, self.apex)

    @property
    def scheme(self) -> str:
        """The scheme of the site's canonical URLs: https unless the site has no HTTPS at all."""
        return "http" if self.quality.tls == "none" else "https"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def homepage(self) -> str:
        return f"{self.base_url}/"

    def nav_for(self, lang: str) -> tuple[Link, ...]:
        return self.nav if lang == "th" else self.nav_en

    def footer_for(self, lang: str) -> tuple[Link, ...]:
        return self.footer if lang == "th" else self.footer_en

    def links_of(self, page: Page) -> tuple[Link, ...]:
        """Every link of the rendered page in document order: menu, content, footer."""
        return (*self.nav_for(page.lang), *page.links(), *self.footer_for(page.lang))

    def page(self, path: str) -> Page | None:
        return next((p for p in self.pages if p.path == path), None)


@dataclass(frozen=True)
class ThirdPartyHost:
    """A host outside every agency that agency pages load from (a tracker): served, mapped, never crawled."""

    host: str
    purpose: str


@dataclass(frozen=True)
class Testbed:
    __test__ = False  # a pytest collection hint, not a test class

    seed: int
    reference_date: date
    sites: tuple[Site, ...]
    third_party: tuple[ThirdPartyHost, ...] = ()

    def site(self, slug: str) -> Site:
        return next(s for s in self.sites if s.slug == slug)
