// Sets <html lang> to the UI language (Streamlit's index.html always says lang="en"), and gives
// the phone menu button ("»", aria-label "Expand sidebar" hard-coded in English) the name
// shown beside it by the page CSS, in the same language (WCAG 2.5.3: the spoken name contains
// the visible label). Loaded from /app/static (same origin), so the site's CSP needs no
// inline-script hash for it.
(function () {
  var s = document.currentScript;
  var lang = s && s.getAttribute("data-lang");
  var menu = s && s.getAttribute("data-menu");
  if (lang && /^[a-z]{2}$/.test(lang)) {
    document.documentElement.setAttribute("lang", lang);
  }
  if (!menu) { return; }
  window.hsouMenuLabel = menu;
  function name() {
    var b = document.querySelector('[data-testid="stExpandSidebarButton"]');
    if (b && b.getAttribute("aria-label") !== window.hsouMenuLabel) {
      b.setAttribute("aria-label", window.hsouMenuLabel);
    }
  }
  name();
  if (!window.hsouMenuObserver && window.MutationObserver) {
    window.hsouMenuObserver = new MutationObserver(name);
    window.hsouMenuObserver.observe(document.body, {childList: true, subtree: true,
                                                    attributes: true,
                                                    attributeFilter: ["aria-label"]});
  }
})();
