(function () {
  "use strict";
  // Rule id and message of every finding under the pointer (hover), the focus (keyboard) or a tap (phone).
  // Everything is read from data-* attributes and written with textContent: nothing is parsed as HTML.
  var tip = document.getElementById("tip");
  var pinned = null;

  function targets(el) {
    var out = [];
    for (var n = el; n && n.classList; n = n.parentElement) {
      if (n.classList.contains("bubble")) break;
      if (n.matches("mark.finding, .ph")) out.push(n);
    }
    return out;
  }

  function line(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function show(el) {
    var list = targets(el);
    if (!list.length) return;
    tip.textContent = "";
    list.forEach(function (m) {
      var item = document.createElement("div");
      item.className = "tip-item";
      var head = document.createElement("b");
      if (m.classList.contains("finding")) {
        head.textContent = m.dataset.rule + " · " + m.dataset.severityLabel;
        item.dataset.rule = m.dataset.rule;
        item.appendChild(head);
        item.appendChild(document.createTextNode(" " + m.dataset.message));
        if (m.dataset.suggestion) item.appendChild(line("tip-sug", "建议：" + m.dataset.suggestion));
      } else {
        head.textContent = m.dataset.ph;
        item.appendChild(head);
        item.appendChild(document.createTextNode(" " + m.dataset.tip));
      }
      tip.appendChild(item);
    });
    document.querySelectorAll("mark.finding.active").forEach(function (m) { m.classList.remove("active"); });
    list.forEach(function (m) { if (m.classList.contains("finding")) m.classList.add("active"); });
    tip.hidden = false;
    var r = el.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - 4 && r.top - h - 6 > 4) top = r.top - h - 6;
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function hide() {
    tip.hidden = true;
    pinned = null;
    document.querySelectorAll("mark.finding.active").forEach(function (m) { m.classList.remove("active"); });
  }

  function hit(e) {
    return e.target && e.target.closest ? e.target.closest("mark.finding, .ph") : null;
  }

  document.addEventListener("mouseover", function (e) {
    var el = hit(e);
    if (el) show(el);
    else if (!pinned) hide();
  });
  document.addEventListener("click", function (e) {
    var el = hit(e);
    if (el) { pinned = el; show(el); }
    else hide();
  });
  document.addEventListener("focusin", function (e) { var el = hit(e); if (el) show(el); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  window.addEventListener("scroll", function () { if (!pinned) hide(); }, { passive: true });

  // A finding in the list lights up its span(s) in the bubble.
  document.querySelectorAll("details.findings li[data-finding]").forEach(function (li) {
    var id = li.dataset.finding;
    function marks() { return document.querySelectorAll('mark.finding[data-finding="' + id + '"]'); }
    li.addEventListener("mouseenter", function () { marks().forEach(function (m) { m.classList.add("hl"); }); });
    li.addEventListener("mouseleave", function () { marks().forEach(function (m) { m.classList.remove("hl"); }); });
  });
})();
