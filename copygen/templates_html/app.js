(function () {
  "use strict";
  // Talks to this server's own API with fetch; shows the returned preview in a sandboxed frame.
  // Nothing the user typed is ever inserted as HTML: the preview is escaped by the server's template.
  var $ = function (id) { return document.getElementById(id); };
  var view = $("view"), status = $("status"), error = $("error");
  var lastHtml = null;

  document.querySelectorAll(".tabs button").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll(".tabs button").forEach(function (o) {
        o.setAttribute("aria-selected", String(o === b));
        $(o.dataset.panel).hidden = o !== b;
      });
    });
  });

  function fail(text) {
    error.textContent = text;
    error.hidden = false;
    status.textContent = "";
  }

  function post(url, body, type) {
    error.hidden = true;
    status.textContent = "处理中…";
    return fetch(url, { method: "POST", headers: { "Content-Type": type }, body: body }).then(function (r) {
      if (r.ok) return r.text();
      return r.json().then(function (j) { throw new Error(typeof j.detail === "string" ? j.detail : JSON.stringify(j.detail)); },
                           function () { throw new Error("服务器返回 " + r.status); });
    });
  }

  function show(html, note) {
    lastHtml = html;
    view.srcdoc = html;
    view.hidden = false;
    status.textContent = note;
  }

  $("check").addEventListener("click", function () {
    var text = $("draft").value;
    if (!text.trim()) { fail("请先粘贴一篇草稿"); return; }
    var btn = this;
    btn.disabled = true;
    post("/preview/check", JSON.stringify({ id: "草稿", kind: $("kind").value, text: text }), "application/json")
      .then(function (html) { show(html, "检查完成：标出的文字点一下可以看原因"); }, function (e) { fail(e.message); })
      .then(function () { btn.disabled = false; });
  });

  $("campaign-file").addEventListener("change", function () {
    var f = this.files[0];
    if (!f) return;
    f.text().then(function (t) { $("campaign").value = t; $("campaign").dataset.json = /\.json$/i.test(f.name) ? "1" : ""; });
  });

  function campaignType() { return $("campaign").dataset.json ? "application/json" : "application/yaml"; }
  function seed() { return encodeURIComponent(String(parseInt($("seed").value, 10) || 0)); }

  $("pack").addEventListener("click", function () {
    var text = $("campaign").value;
    if (!text.trim()) { fail("请先上传或粘贴活动文件"); return; }
    var btn = this;
    btn.disabled = true;
    $("downloads").hidden = true;
    post("/preview/pack?seed=" + seed(), text, campaignType())
      .then(function (html) {
        show(html, "文案包已生成");
        $("download-html").href = URL.createObjectURL(new Blob([html], { type: "text/html" }));
        return post("/pack?seed=" + seed(), text, campaignType()).then(function (json) {
          $("download-json").href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
          $("downloads").hidden = false;
          status.textContent = "文案包已生成：标出的文字点一下可以看原因";
        });
      })
      .catch(function (e) { fail(e.message); })
      .then(function () { btn.disabled = false; });
  });
})();
