"""HTTPS deployment of one domain, the pshtt way: four endpoints (http/https × apex/www), then judgements.

Definitions follow cisagov/pshtt (https://github.com/cisagov/pshtt#what-its-checking-for), simplified:
an endpoint is *live* when HTTP answered (over TLS for https, whether or not the certificate verifies);
the *canonical* endpoint is www when the apex redirects to www (or the apex is down) and apex otherwise; HTTPS
is *enforced* when every live http endpoint ends on https of the same domain.
"""

from __future__ import annotations

import asyncio
from typing import cast
from urllib.parse import urlsplit

from egov_crawl.probes import facts
from egov_crawl.probes.net import Fetcher, Response, base_domain

ENDPOINTS: tuple[facts.EndpointName, ...] = ("http://apex", "http://www", "https://apex", "https://www")


def endpoint_url(name: facts.EndpointName, domain: str) -> str:
    scheme, which = name.split("://")
    return f"{scheme}://{domain if which == 'apex' else 'www.' + domain}/"


def _same_domain(url: str | None, domain: str) -> bool:
    return bool(url) and base_domain(urlsplit(url or "").hostname or "") == domain


def endpoint(response: Response, domain: str) -> facts.Endpoint:
    https = response.url.startswith("https://")
    first = response.chain[0] if response.chain else None
    live = first is not None
    final = response.final_url if live else None
    return facts.Endpoint(
        **response.to_fact(),
        live=live,
        valid_tls=(first["tls_error"] is None) if https and first is not None else None,
        redirect=first is not None and first["location"] is not None,
        redirect_to=first["location"] if first is not None else None,
        redirects_to_https=bool(final and final.startswith("https://") and _same_domain(final, domain)),
    )


def judge(domain: str, endpoints: dict[str, facts.Endpoint]) -> facts.HttpsFact:
    def host_of(url: str | None) -> str:
        return (urlsplit(url or "").hostname or "").lower()

    apex_live = endpoints["http://apex"]["live"] or endpoints["https://apex"]["live"]
    www_live = endpoints["http://www"]["live"] or endpoints["https://www"]["live"]
    apex_to_www = any(
        endpoints[n]["live"] and host_of(endpoints[n]["final_url"]) == f"www.{domain}"
        for n in ("http://apex", "https://apex")
    )
    which = "www" if (apex_to_www or (www_live and not apex_live)) else "apex"
    https_endpoint = endpoints[f"https://{which}"]
    downgrades = any(
        endpoints[n]["live"] and (endpoints[n]["final_url"] or "").startswith("http://")
        for n in ("https://apex", "https://www")
    )
    supports = any(
        endpoints[n]["live"] and not (endpoints[n]["final_url"] or "").startswith("http://")
        for n in ("https://apex", "https://www")
    )
    canonical_https = https_endpoint["live"] and not (https_endpoint["final_url"] or "").startswith("http://")
    canonical = cast(facts.EndpointName, f"{'https' if canonical_https else 'http'}://{which}")
    live_http = [endpoints[n] for n in ("http://apex", "http://www") if endpoints[n]["live"]]
    enforces = supports and bool(live_http) and all(e["redirects_to_https"] for e in live_http)
    canonical_endpoint = endpoints[canonical]
    valid = bool(
        canonical_https
        and https_endpoint["valid_tls"]
        and https_endpoint["status"] is not None
        and https_endpoint["status"] < 400
    )
    return facts.HttpsFact(
        domain=domain,
        endpoints=dict(endpoints),
        supports_https=supports,
        valid_https=valid,
        enforces_https=enforces,
        downgrades_https=downgrades,
        canonical=canonical if (apex_live or www_live) else None,
        canonical_url=canonical_endpoint["final_url"] if canonical_endpoint["live"] else None,
    )


async def probe_https(fetcher: Fetcher, domain: str) -> facts.HttpsFact:
    responses = await asyncio.gather(*(fetcher.fetch(endpoint_url(n, domain), read_body=False) for n in ENDPOINTS))
    return judge(domain, {n: endpoint(r, domain) for n, r in zip(ENDPOINTS, responses, strict=True)})


def error_class(fact: facts.HttpsFact) -> str | None:
    """The row's class: None when the canonical endpoint answered; else the canonical endpoint's failure."""
    if fact["canonical"] is None:
        classes = [e["error_class"] for e in fact["endpoints"].values() if e["error_class"]]
        return classes[-1] if classes else facts.DNS_ERROR
    return None
