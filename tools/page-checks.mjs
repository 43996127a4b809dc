// Checks that run inside a page (through Playwright's evaluate), shared by
// the end-to-end tests and `cargo xtask audit`. Each function is
// self-contained, because Playwright sends its source to the page.

/**
 * The WCAG 2 contrast ratio of an element's text against what it is drawn
 * on: the element's and its ancestors' backgrounds (through shadow roots to
 * their hosts), blended where they are translucent, over a white canvas.
 */
export function contrastOf(element) {
  const parse = (css) => {
    const m = /rgba?\(([^)]*)\)/.exec(css);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const alpha = top[3] + bottom[3] * (1 - top[3]);
    if (alpha === 0) return [0, 0, 0, 0];
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / alpha;
    return [mix(0), mix(1), mix(2), alpha];
  };
  const layers = [];
  for (let node = element; node; ) {
    if (node.nodeType === 1) layers.push(parse(getComputedStyle(node).backgroundColor));
    node = node.parentElement || (node.getRootNode && node.getRootNode().host) || null;
  }
  let background = [255, 255, 255, 1];
  for (const layer of layers.reverse()) background = over(layer, background);
  const text = over(parse(getComputedStyle(element).color), background);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100;
}

/** How a control looks: what "equal weight" compares. */
export function looksOf(element) {
  const s = getComputedStyle(element);
  const r = element.getBoundingClientRect();
  return {
    width: Math.round(r.width),
    height: Math.round(r.height),
    fontWeight: s.fontWeight,
    fontSize: s.fontSize,
    color: s.color,
    background: s.backgroundColor,
    border: s.borderTopWidth + ' ' + s.borderTopStyle + ' ' + s.borderTopColor,
    visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none',
  };
}
