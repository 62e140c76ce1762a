// Handbook: narrow the list of procedures while typing (code or title). Without
// JavaScript the filter stays hidden and the whole list shows.
(function () {
  "use strict";
  var box = document.querySelector("[data-procedure-filter]");
  var list = document.getElementById("procedure-list");
  if (!box || !list) return;
  var input = box.querySelector("input");
  var count = box.querySelector("[data-filter-count]");
  var empty = list.querySelector("[data-filter-empty]");
  var rows = Array.prototype.slice.call(list.querySelectorAll("tr[data-filter-text]"));

  // "p07", "P 07" and "p-07" all find P-07; accents do not matter ("beëindiging").
  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }
  function compact(text) { return text.replace(/ /g, ""); }

  rows.forEach(function (row) {
    var text = normalise(row.getAttribute("data-filter-text"));
    row._filterText = text;
    row._filterCompact = compact(text);
  });

  function apply() {
    var words = normalise(input.value).split(" ").filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var match = words.every(function (w) {
        return row._filterText.indexOf(w) !== -1 || row._filterCompact.indexOf(w) !== -1;
      });
      row.hidden = !match;
      if (match) shown += 1;
    });
    if (empty) empty.hidden = shown !== 0;
    if (count) {
      count.textContent = words.length === 0 ? "" : shown === 1
        ? count.getAttribute("data-one")
        : count.getAttribute("data-many").replace("%(n)s", shown);
    }
  }

  box.hidden = false;
  input.addEventListener("input", apply);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; apply(); }
  });
  apply();
})();
