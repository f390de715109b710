// A tiny element builder: h('tr', { class: 'x', onclick: fn }, child, 'text', …). Text is always text, never HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  // After the children, so a <select> finds the option its value names.
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  return el;
}

export const $ = (selector) => document.querySelector(selector);

export function pretty(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

/** "2026-03-09T01:50:25.123Z" → "2026-03-09 01:50:25" (UTC, as the emulator's clock). */
export function shortTime(iso) {
  return typeof iso === 'string' ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}
