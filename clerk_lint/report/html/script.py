"""The page's one inline script: filters and search over the findings, a progressive enhancement.

Without it the page shows every finding and the filter form stays hidden; with it the form
appears and hides the rows (and the file and step groups left empty) that do not match. Initial
values may come from the query string (`report.html?difficulty=hard&q=useUser`), so a filtered view
can be linked. The Content-Security-Policy allows exactly this text, by its SHA-256, and no network.
"""
from __future__ import annotations

import base64
import hashlib

SCRIPT = """(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-difficulty]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group]"));
  var status = document.getElementById("filter-status");
  var keys = ["package", "difficulty", "category"];
  var query = new URLSearchParams(window.location.search);
  keys.concat(["q"]).forEach(function (name) {
    var field = form.elements[name];
    if (field && query.get(name) !== null) field.value = query.get(name);
  });
  function apply() {
    var text = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = keys.every(function (name) {
        var field = form.elements[name];
        return !field || !field.value || row.getAttribute("data-" + name) === field.value;
      }) && (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !match;
      if (match) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("tr[data-difficulty]:not([hidden])");
    });
    status.textContent = "Showing " + shown + " of " + rows.length + " findings";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();
})();"""

def sha256(text: str) -> str:
    """A CSP source for an inline element with exactly this text."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


SCRIPT_HASH = sha256(SCRIPT)
