// Keyboard shortcuts for the review pages. An element with data-key="a" (space-separated keys allowed) is
// clicked (links, buttons) or focused (inputs) when that key is pressed outside a text box.
(function () {
  "use strict";
  function rows() { return Array.from(document.querySelectorAll("tr[data-href]")); }
  function select(list, i) {
    list.forEach(function (r) { r.classList.remove("selected"); });
    if (list[i]) { list[i].classList.add("selected"); list[i].scrollIntoView({block: "nearest"}); }
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t.matches && t.matches("input, select, textarea")) {
      if (e.key === "Escape") { t.blur(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var list = rows();
    var cur = list.findIndex(function (r) { return r.classList.contains("selected"); });
    if (list.length && (e.key === "j" || e.key === "k") && !document.querySelector('[data-key~="' + e.key + '"]')) {
      e.preventDefault();
      select(list, e.key === "j" ? Math.min(cur + 1, list.length - 1) : Math.max(cur - 1, 0));
      return;
    }
    if (list.length && e.key === "Enter" && cur >= 0) {
      e.preventDefault();
      window.location.href = list[cur].getAttribute("data-href");
      return;
    }
    var el = document.querySelector('[data-key~="' + CSS.escape(e.key) + '"]');
    if (!el || el.disabled) { return; }
    e.preventDefault();
    if (el.matches("input, select, textarea")) {
      el.focus();
      if (el.select) { el.select(); }
    } else if (el.matches("[tabindex]") && !el.matches("a, button")) {
      var first = el.querySelector("input");
      if (first) { first.focus(); }
    } else {
      el.click();
    }
  });
}());
