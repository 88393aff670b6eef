"""The page's one inline script: filters and search over the findings, a progressive enhancement.

Without it the page shows every finding and the filter form stays hidden; with it the form
appears and hides the rows (and the file and step groups left empty) that do not match, and
redraws the charts of finding counts (`svg[data-counts]`) for the rows shown: a filtered value
is marked `data-filtered`, as it is no longer the JSON's; cleared, the charts are as written. Initial
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
  var charts = Array.prototype.slice.call(document.querySelectorAll("svg[data-counts]")).map(function (svg) {
    var bars = Array.prototype.slice.call(svg.querySelectorAll("g[data-key]")).map(function (g) {
      var rect = g.querySelector("rect"), val = g.querySelector(".val");
      return {key: g.getAttribute("data-key"), label: g.querySelector("text").textContent, rect: rect, val: val,
              width: rect.getAttribute("width"), x: val.getAttribute("x"), text: val.textContent};
    });
    var desc = svg.querySelector("desc");
    return {name: svg.getAttribute("data-counts"), scale: parseFloat(svg.getAttribute("data-scale")),
            bars: bars, desc: desc, text: desc.textContent};
  });
  function count(n) { return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ","); }
  function redraw(shown, filtered) {
    charts.forEach(function (chart) {
      var counts = {};
      shown.forEach(function (row) {
        var key = row.getAttribute("data-" + chart.name);
        counts[key] = (counts[key] || 0) + 1;
      });
      chart.bars.forEach(function (bar) {
        var n = counts[bar.key] || 0, width = n ? Math.max(2, chart.scale * n) : 0;
        bar.rect.setAttribute("width", filtered ? width.toFixed(1) : bar.width);
        bar.val.setAttribute("x", filtered ? (width + 6).toFixed(1) : bar.x);
        bar.val.textContent = filtered ? count(n) : bar.text;
        if (filtered) bar.val.setAttribute("data-filtered", ""); else bar.val.removeAttribute("data-filtered");
      });
      chart.desc.textContent = filtered ? "Of the findings shown: " + chart.bars.map(function (bar) {
        return bar.label + ": " + count(counts[bar.key] || 0);
      }).join("; ") : chart.text;
    });
  }
  var query = new URLSearchParams(window.location.search);
  keys.concat(["q"]).forEach(function (name) {
    var field = form.elements[name];
    if (field && query.get(name) !== null) field.value = query.get(name);
  });
  function apply() {
    var text = form.elements.q.value.trim().toLowerCase();
    var shown = [];
    rows.forEach(function (row) {
      var match = keys.every(function (name) {
        var field = form.elements[name];
        return !field || !field.value || row.getAttribute("data-" + name) === field.value;
      }) && (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !match;
      if (match) shown.push(row);
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("tr[data-difficulty]:not([hidden])");
    });
    status.textContent = "Showing " + shown.length + " of " + rows.length + " findings";
    redraw(shown, Boolean(text) || keys.some(function (name) {
      var field = form.elements[name];
      return field && field.value;
    }));
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
