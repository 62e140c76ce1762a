// The header search box: while typing, a short list of matching titles the user
// may see (/zoeken/suggesties/). Without JavaScript the box is a plain search form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var url = form.getAttribute("data-suggest-url");
  var list = document.createElement("ul");
  list.className = "suggest";
  list.id = "topsearch-suggest";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  // ARIA 1.2 combobox: the box controls a list box of suggestions.
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  var timer = null;
  var latest = 0;

  function close() { list.hidden = true; list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }

  function show(entries) {
    list.innerHTML = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry.url;
      link.setAttribute("role", "option");
      var kind = document.createElement("span");
      kind.className = "suggest__kind";
      kind.textContent = entry.soort;
      link.appendChild(kind);
      link.appendChild(document.createTextNode(entry.titel));
      item.appendChild(link);
      list.appendChild(item);
    });
    list.hidden = entries.length === 0;
    input.setAttribute("aria-expanded", entries.length ? "true" : "false");
  }

  function lookup() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    var ticket = ++latest;
    fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {resultaten: []}; })
      .then(function (data) { if (ticket === latest) show(data.resultaten || []); })
      .catch(close);
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 200); });
  input.addEventListener("keydown", function (e) {
    var first = list.querySelector("a");
    if (e.key === "Escape") { close(); }
    else if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
  });
  list.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && at < links.length - 1) { e.preventDefault(); links[at + 1].focus(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    else if (e.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
})();
