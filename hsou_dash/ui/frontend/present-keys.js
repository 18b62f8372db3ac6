// Presenter mode: ← / → (and PageUp / PageDown, which slide clickers send) press the page's
// "previous" / "next" indicator buttons. Keys typed into a field, a list or a slider stay
// theirs. Loaded from /app/static (same origin), so the site's CSP needs no inline script.
(function () {
  if (window.hsouPresentKeys) { return; }
  window.hsouPresentKeys = true;
  var OWN = /^(INPUT|TEXTAREA|SELECT)$/;
  var ROLES = /^(slider|combobox|listbox|option|spinbutton|tab|radio|textbox|menu|menuitem)$/;
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    var t = e.target;
    if (t && t.nodeType === 1 && (OWN.test(t.tagName) || t.isContentEditable ||
        ROLES.test(t.getAttribute("role") || ""))) { return; }
    var dir = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" }[e.key];
    if (!dir) { return; }
    var button = document.querySelector(".st-key-present_" + dir + " button");
    if (!button || button.disabled) { return; }
    e.preventDefault();
    button.click();
  });
})();
