"""The report's stylesheet: light and dark (prefers-color-scheme), print, narrow screens.

The palettes are data so a test can compute the WCAG contrast of every pair the page draws
(`CONTRAST_PAIRS`): 4.5:1 for text, 3:1 for bars and other shapes (WCAG 2.1 AA, 1.4.3 / 1.4.11).
A difficulty or severity the palette does not name is drawn in the `badge` colour, text kept.
"""
from __future__ import annotations

LIGHT = {
    "bg": "#ffffff", "fg": "#1b1f24", "muted": "#4a5560", "line": "#d0d7de", "card": "#f6f8fa",
    "link": "#0b5cad", "bar": "#2f6fb0", "bar2": "#8250df", "badge-fg": "#ffffff", "badge": "#4a5560",
    "trivial": "#1a6b32", "moderate": "#7a5300", "hard": "#a3330f", "blocker": "#8b1a3f",
    "warning": "#7a5300", "unknown": "#4a5560",
}
DARK = {
    "bg": "#0d1117", "fg": "#e6edf3", "muted": "#a9b4bf", "line": "#30363d", "card": "#161b22",
    "link": "#6cb6ff", "bar": "#58a6ff", "bar2": "#bc8cff", "badge-fg": "#ffffff", "badge": "#57606a",
    "trivial": "#1f7a3a", "moderate": "#8a5d00", "hard": "#b23a14", "blocker": "#a3244f",
    "warning": "#8a5d00", "unknown": "#57606a",
}
TEXT, SHAPE = 4.5, 3.0
# (foreground, background, minimum ratio): every colour pair the stylesheet below puts together.
CONTRAST_PAIRS = (
    [(fg, bg, TEXT) for fg in ("fg", "muted", "link") for bg in ("bg", "card")]
    + [("badge-fg", tone, TEXT) for tone in ("trivial", "moderate", "hard", "blocker", "warning", "unknown", "badge")]
    + [(bar, bg, SHAPE) for bar in ("bar", "bar2") for bg in ("bg", "card")]
)
BADGE_TONES = ("trivial", "moderate", "hard", "blocker", "warning", "unknown")


def _vars(palette: dict[str, str]) -> str:
    return ";".join(f"--{name}:{value}" for name, value in palette.items())


CSS = (":root{" + _vars(LIGHT) + "}\n@media (prefers-color-scheme:dark){:root{" + _vars(DARK) + "}}\n" + """
*{box-sizing:border-box}
:root{color-scheme:light dark}
body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:76rem;margin:0 auto;padding:1.5rem}
a{color:var(--link)}
h1{font-size:1.8rem;margin:0 0 .25rem;line-height:1.25}
h2{border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2.25rem}
h3{margin:1.5rem 0 .5rem;font-size:1.1rem}h4{margin:1rem 0 .25rem;font-size:1rem}
.sub,.meta,.note{color:var(--muted)}.note{font-size:.9rem}
nav.toc ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;margin:.5rem 0;list-style:none}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0}
.stats div{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.stats dt{color:var(--muted);font-size:.85rem}.stats dd{margin:0;font-size:1.3rem;font-weight:600}
.verdict{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--bar);
border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.verdict p{margin:.25rem 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1rem 2rem}
.grid section{min-width:0}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.92rem}
.narrow table{max-width:46rem}
table.findings{table-layout:fixed;min-width:36rem}
.findings th:nth-child(1){width:19%}.findings th:nth-child(2){width:10%}.findings th:nth-child(3){width:10%}
.findings th:nth-child(5){width:24%}.findings th,.findings td{overflow-wrap:anywhere}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--card)}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tbody th{font-weight:600}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;overflow-wrap:anywhere}
code.src{display:block;white-space:pre-wrap;background:var(--card);padding:.1rem .3rem;border-radius:4px;margin-bottom:.2rem}
pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem;overflow-x:auto}
pre code{overflow-wrap:normal}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;color:var(--badge-fg);background:var(--badge);
font-size:.85rem;white-space:nowrap}
""" + "".join(f".t-{tone}{{background:var(--{tone})}}" for tone in BADGE_TONES) + """
.chart{width:100%;max-width:34rem;display:block;margin:.5rem 0}
.chart text{fill:var(--fg);font-size:13px}.chart .val{font-weight:600}
.chart .bar{fill:var(--bar)}.chart .bar.alt{fill:var(--bar2)}.chart .axis{stroke:var(--line)}
.timeline{min-width:34rem;max-width:56rem}
.steps li{margin-bottom:1rem}.steps h3{margin:.2rem 0;font-size:1.05rem}
.locs{font-size:.85rem}
#filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;background:var(--card);
border:1px solid var(--line);border-radius:6px;padding:.75rem;margin:1rem 0}
#filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
#filters input,#filters select,#filters button{font:inherit;color:var(--fg);background:var(--bg);
border:1px solid var(--muted);border-radius:4px;padding:.2rem .4rem}
#filters [hidden],[hidden]{display:none !important}
#filter-status{margin:0;font-weight:600}#filters .note{flex-basis:100%;margin:0}
.rule{border-top:1px solid var(--line);padding-top:.25rem}
:focus-visible{outline:3px solid var(--link);outline-offset:2px}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.4rem}.grid{grid-template-columns:1fr}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--card:#fff;--link:#000}
html{font-size:11px}main{max-width:none;padding:0}.scroll{overflow:visible}.timeline,table.findings{min-width:0}
pre{white-space:pre-wrap;overflow:visible}
tr,li,.chart{break-inside:avoid}h2,h3,h4,caption{break-after:avoid}
.badge{border:1px solid #000;color:#000;background:none}#filters,nav.toc{display:none}
a{text-decoration:none}}
""")
