(function () {
  "use strict";
  var table = document.getElementById("claims");
  var form = document.getElementById("filters");
  var count = document.getElementById("count");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var total = rows.length;
  var keys = rows.map(function (tr, i) {
    return {tr: tr, rank: i, text: tr.cells[0].textContent.toLowerCase(),
      outlets: tr.getAttribute("data-outlets").split("|"),
      speakers: tr.getAttribute("data-speakers").split("|"),
      flags: tr.getAttribute("data-flags").split("|")};
  });
  var inputs = {text: document.getElementById("f-text"), outlet: document.getElementById("f-outlet"),
    speaker: document.getElementById("f-speaker"), flag: document.getElementById("f-flag")};
  function apply() {
    var q = inputs.text.value.trim().toLowerCase(), o = inputs.outlet.value,
      s = inputs.speaker.value, f = inputs.flag.value, shown = 0;
    keys.forEach(function (k) {
      var ok = (!q || k.text.indexOf(q) !== -1) && (!o || k.outlets.indexOf(o) !== -1) &&
        (!s || k.speakers.indexOf(s) !== -1) && (!f || k.flags.indexOf(f) !== -1);
      k.tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown === total ? "Showing all " + total + " claims." :
      "Showing " + shown + " of " + total + " claims.";
  }
  var timer = null;
  inputs.text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 80); });
  ["outlet", "speaker", "flag"].forEach(function (n) { inputs[n].addEventListener("change", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.hidden = false;

  function value(k, col, kind) {
    var cell = k.tr.cells[col], v = cell.getAttribute("data-sort-value");
    if (v === null) { v = cell.textContent.trim(); }
    return kind === "num" ? parseFloat(v) || 0 : v.toLowerCase();
  }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var sortSelect = document.getElementById("f-sort");
  // Sort rows by one column; col < 0 restores the published ranking.
  function sortBy(col, dir) {
    var kind = col < 0 ? "" : heads[col].getAttribute("data-sort");
    var sign = dir === "descending" ? -1 : 1;
    heads.forEach(function (h, i) {
      if (i === col) { h.setAttribute("aria-sort", dir); } else { h.removeAttribute("aria-sort"); }
    });
    keys.sort(function (a, b) {
      if (col < 0) { return a.rank - b.rank; }
      var x = value(a, col, kind), y = value(b, col, kind);
      return x < y ? -sign : x > y ? sign : a.rank - b.rank;
    });
    var frag = document.createDocumentFragment();
    keys.forEach(function (k) { frag.appendChild(k.tr); });
    body.appendChild(frag);
  }
  heads.forEach(function (th, col) {
    if (!th.getAttribute("data-sort")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      sortBy(col, dir);
      sortSelect.value = col + ":" + dir;
      if (sortSelect.value !== col + ":" + dir) { sortSelect.value = "rank"; }
    });
  });
  sortSelect.addEventListener("change", function () {
    var parts = sortSelect.value.split(":");
    sortBy(parts[0] === "rank" ? -1 : parseInt(parts[0], 10), parts[1] || "ascending");
  });
}());
