"""The report's stylesheet: light and dark (prefers-color-scheme), print, narrow screens.
Colours are chosen for WCAG AA contrast against their background."""
CSS = """
:root{--bg:#ffffff;--fg:#1b1f24;--muted:#4a5560;--line:#d0d7de;--card:#f6f8fa;--bar:#2f6fb0;
--trivial:#1a6b32;--moderate:#7a5300;--hard:#a3330f;--blocker:#8b1a3f;--badge-fg:#ffffff}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#a9b4bf;--line:#30363d;
--card:#161b22;--bar:#58a6ff;--trivial:#1f7a3a;--moderate:#8a5d00;--hard:#b23a14;--blocker:#a3244f}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:72rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.8rem;margin:0 0 .25rem}h2{border-bottom:1px solid var(--line);padding-bottom:.25rem;margin-top:2rem}
.sub,.meta{color:var(--muted)}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0}
.stats div{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.stats dt{color:var(--muted);font-size:.85rem}.stats dd{margin:0;font-size:1.3rem;font-weight:600}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--card)}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;word-break:break-all}
.badge{display:inline-block;padding:0 .45rem;border-radius:999px;color:var(--badge-fg);background:var(--muted);font-size:.85rem}
.d-trivial{background:var(--trivial)}.d-moderate{background:var(--moderate)}.d-hard{background:var(--hard)}
.d-blocker{background:var(--blocker)}
.chart{max-width:40rem;display:block;margin:1rem 0}.chart .lbl,.chart .val{fill:var(--fg);font-size:12px}
.chart .bar{fill:var(--bar)}
.steps li{margin-bottom:1rem}.steps h3{margin:.2rem 0;font-size:1.05rem}
@media (max-width:40rem){main{padding:.75rem}h1{font-size:1.4rem}}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--line:#999;--card:#fff}
main{max-width:none;padding:0}.scroll{overflow:visible}tr,li{break-inside:avoid}h2{break-after:avoid}
.badge{border:1px solid #000;color:#000;background:none}}
"""
