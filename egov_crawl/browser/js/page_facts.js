// Facts of the rendered page, read once after load (egov_crawl.browser.pages). Returns a plain object.
(consentPattern) => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const size = (e) => e.transferSize || e.encodedBodySize || 0;
  const vitals = window.__egovVitals || { lcp: null, cls: null, fcp: null };
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || el.hidden) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // Consent banner: the smallest visible block whose text names cookies/consent (Thai or English).
  const re = new RegExp(consentPattern, 'i');
  let banner = null;
  // Containers only: a lone "accept cookies" button is part of a banner, not the banner.
  for (const el of document.querySelectorAll('[role=dialog],[role=alertdialog],div,section,aside,footer,dialog')) {
    const text = (el.innerText || '').trim();
    if (text.length < 15 || text.length > 1500 || !re.test(text) || !visible(el)) continue;
    // A banner offers a choice and stands out: a dialog, a fixed/sticky layer, or named so by the site.
    if (!el.querySelector('button,[role=button],a,input[type=button],input[type=submit]')) continue;
    const pos = getComputedStyle(el).position;
    const named = /cookie|consent|pdpa|gdpr/i.test((el.id || '') + ' ' + (el.className || ''));
    if (!(named || pos === 'fixed' || pos === 'sticky' || /dialog/.test(el.getAttribute('role') || '') || el.tagName === 'DIALOG')) continue;
    if (!banner || text.length < banner.length) banner = text;
  }
  const meta = document.querySelector('meta[name=viewport]');
  const body = document.body;
  return {
    title: document.title || '',
    lang: document.documentElement.lang || '',
    viewport_meta: meta ? meta.getAttribute('content') || '' : null,
    rendered_text: body ? body.innerText || '' : '',
    consent_text: banner,
    vitals: {
      lcp_ms: vitals.lcp, cls: vitals.cls, fcp_ms: vitals.fcp,
      ttfb_ms: nav ? nav.responseStart : null,
    },
    bytes: (nav ? size(nav) : 0) + resources.reduce((n, e) => n + size(e), 0),
  };
}
