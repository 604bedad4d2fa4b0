// The forms of the page as the browser sees them (egov_crawl.browser.forms). Label association follows the
// accessible-name sources of HTML-AAM for form controls: <label for>, a wrapping <label>, aria-labelledby,
// aria-label, title. A placeholder is deliberately NOT a label here (WCAG 2.x F82/H44), although axe accepts it.
() => {
  const text = (el) => ((el && (el.innerText || el.textContent)) || '').trim().replace(/\s+/g, ' ');
  const labelOf = (el) => {
    if (el.labels && el.labels.length) return text(el.labels[0]) || 'label';
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const t = by.split(/\s+/).map((id) => text(document.getElementById(id))).join(' ').trim();
      if (t) return t;
    }
    return (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim();
  };
  const forms = [];
  document.querySelectorAll('form').forEach((form, index) => {
    const fields = [];
    for (const el of form.querySelectorAll('input,select,textarea')) {
      const type = el.tagName === 'INPUT' ? (el.getAttribute('type') || 'text').toLowerCase() : el.tagName.toLowerCase();
      if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
      const label = labelOf(el);
      fields.push({
        tag: el.tagName.toLowerCase(), type, name: el.name || el.id || '',
        labelled: !!label, label: label.slice(0, 100), required: !!el.required,
        autocomplete: el.getAttribute('autocomplete') || '',
      });
    }
    const html = form.outerHTML.toLowerCase();
    forms.push({
      index,
      action: form.action || location.href,
      method: (form.getAttribute('method') || 'get').toUpperCase(),
      role: form.getAttribute('role') || '',
      fields,
      html_markers: html.slice(0, 20000),
      has_submit: !!form.querySelector('button:not([type]),button[type=submit],input[type=submit],input[type=image]'),
    });
  });
  return { forms, page_html: document.documentElement.outerHTML.toLowerCase().slice(0, 200000) };
}
