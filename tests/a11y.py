"""The page checks of the accessibility sweep (tests/test_browser_a11y.py), run inside Chromium.

- ``AXE``: axe-core from the npm package (node_modules, installed by scripts/setup.sh), never a CDN.
- ``run_axe``: violations of the WCAG 2.0/2.1 A and AA rules.
- ``horizontal_overflow``: how far the page is wider than the viewport (WCAG 1.4.10 at 375 px).
- ``small_text``: text set smaller than 12 px.
- ``focus_walk``: tabs through the page and reports each focused element whose focus indicator is
  missing or has less than 3:1 contrast against what surrounds it (WCAG 2.4.7, 1.4.11).
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  }));
}"""

_OVERFLOW = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"

_SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || !el.getClientRects().length) continue;
    if (el.closest('.sr-only, svg')) continue;
    const size = parseFloat(style.fontSize);
    if (size < 12) small.push(el.tagName.toLowerCase() + ' ' + size + 'px: ' + node.textContent.trim().slice(0, 40));
  }
  return small.slice(0, 5);
}"""

# Contrast of the focus indicator against the background it is drawn on (the nearest opaque
# background of the element's parent chain), as WCAG defines relative luminance.
_FOCUS_CHECK = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = c => { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : [0, 0, 0, 0]; };
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const background = node => {
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) return c;
    }
    return [255, 255, 255];
  };
  const style = getComputedStyle(el);
  const text = (el.textContent || '').trim().slice(0, 30);
  const label = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + text + '"';
  const width = parseFloat(style.outlineWidth);
  if (style.outlineStyle !== 'none' && width >= 2) {
    const surround = background(el.parentElement || el);
    const r = ratio(parse(style.outlineColor), surround);
    return r >= 3 ? {ok: true} : {ok: false, why: label + ': focus outline contrast ' + r.toFixed(2) + ':1'};
  }
  if (style.boxShadow && style.boxShadow !== 'none') return {ok: true};
  return {ok: false, why: label + ': no visible focus indicator'};
}"""


def inject_axe(page) -> None:
    page.add_script_tag(path=str(AXE))


def run_axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        inject_axe(page)
    return page.evaluate(_RUN_AXE, WCAG_AA)


def horizontal_overflow(page) -> int:
    return page.evaluate(_OVERFLOW)


def small_text(page) -> list[str]:
    return page.evaluate(_SMALL_TEXT)


def focus_walk(page, steps: int = 15) -> list[str]:
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    problems = []
    seen = set()
    for _ in range(steps):
        page.keyboard.press("Tab")
        result = page.evaluate(_FOCUS_CHECK)
        if result is None:
            break
        if not result["ok"] and result["why"] not in seen:
            seen.add(result["why"])
            problems.append(result["why"])
    return problems
