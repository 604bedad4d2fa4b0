// Measured after the viewport was set to 360x800 (egov_crawl.browser.pages).
// Tap targets smaller than 24x24 CSS px fail WCAG 2.2 SC 2.5.8 (Target Size, Minimum); inline links in a
// sentence are exempt there, so only links that are not inside running text are counted.
() => {
  const doc = document.documentElement;
  let small = 0;
  for (const el of document.querySelectorAll('a[href],button,input:not([type=hidden]),select,textarea,[role=button]')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden') continue;
    if (el.tagName === 'A' && s.display === 'inline' && el.parentElement && el.parentElement.closest('p,li,td,dd')
        && (el.parentElement.innerText || '').length > (el.innerText || '').length + 20) continue;
    if (r.width < 24 || r.height < 24) small++;
  }
  return { viewport_width: window.innerWidth, scroll_width: Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0), small_tap_targets: small };
}
