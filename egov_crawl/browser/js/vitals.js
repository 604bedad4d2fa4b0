// Injected before any page script (Page.add_init_script): collects web vitals as the page loads.
// Definitions: https://web.dev/articles/lcp, /cls, /fcp, /ttfb. CLS here is the sum of layout shifts without
// recent input (the session-window refinement does not change a load-time measurement).
(() => {
  const v = { lcp: null, cls: 0, fcp: null };
  window.__egovVitals = v;
  const observe = (type, fn) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(fn)).observe({ type, buffered: true }); }
    catch (e) { /* entry type not supported */ }
  };
  observe('largest-contentful-paint', (e) => { v.lcp = e.renderTime || e.loadTime || e.startTime; });
  observe('layout-shift', (e) => { if (!e.hadRecentInput) v.cls += e.value; });
  observe('paint', (e) => { if (e.name === 'first-contentful-paint') v.fcp = e.startTime; });
})();
