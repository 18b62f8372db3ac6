// Sets <html lang> to the UI language (Streamlit's index.html always says lang="en").
// Loaded from /app/static (same origin), so the site's CSP needs no inline-script hash for it.
(function () {
  var s = document.currentScript;
  var lang = s && s.getAttribute("data-lang");
  if (lang && /^[a-z]{2}$/.test(lang)) {
    document.documentElement.setAttribute("lang", lang);
  }
})();
