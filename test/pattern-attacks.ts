// Worst-case inputs derived from a pattern's own parts. A small parser reads the ECMA-262 pattern into a tree;
// from it come matching samples (for semantic checks against RegExp) and pumped inputs: a prefix that reaches a
// quantified group, that group's sample repeated up to the length bound, then a character that breaks the match.
// That is the shape of every catastrophic-backtracking input (the issue's `"a" + ".a"*31 + "!"` is one).

type Node =
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; options: Node[] }
  | { kind: 'repeat'; body: Node; min: number; max: number }
  | { kind: 'chars'; sample: string }
  | { kind: 'empty' };

/** Characters tried, in order, as the sample of a class or escape. */
const CANDIDATES = ['a', 'A', 'z', '0', '1', '9', '.', '-', '_', '/', ':', '@', '+', '=', ',', ' ', 'é', 'Ω', '中', '!', '#'];

export function parsePattern(pattern: string): Node {
  const dotAll = pattern.includes('(?s)');
  const source = pattern.replaceAll('(?s)', '');
  const flags = dotAll ? 'us' : 'u';
  let i = 0;
  const sampleOf = (atom: string): string => {
    const regex = new RegExp(`^(?:${atom})$`, flags);
    const printable = Array.from({ length: 95 }, (_, k) => String.fromCharCode(32 + k));
    return [...CANDIDATES, ...printable].find((c) => regex.test(c)) ?? '';
  };
  const alt = (): Node => {
    const options = [seq()];
    while (source[i] === '|') {
      i++;
      options.push(seq());
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  };
  const seq = (): Node => {
    const items: Node[] = [];
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      let node = atom();
      const q = /^(?:\{(\d+)(,(\d*))?\}|[*+?])\??/.exec(source.slice(i));
      if (q) {
        i += q[0].length;
        const [min, max] =
          q[0][0] === '*' ? [0, Infinity] : q[0][0] === '+' ? [1, Infinity] : q[0][0] === '?' ? [0, 1]
            : [Number(q[1]), q[2] === undefined ? Number(q[1]) : q[3] ? Number(q[3]) : Infinity];
        node = { kind: 'repeat', body: node, min, max };
      }
      items.push(node);
    }
    return { kind: 'seq', items };
  };
  const atom = (): Node => {
    const start = i;
    const c = source[i]!;
    if (c === '^' || c === '$') {
      i++;
      return { kind: 'empty' };
    }
    if (c === '(') {
      const look = /^\(\?<?[=!]/.exec(source.slice(i));
      i += look ? look[0].length : source.startsWith('(?:', i) ? 3 : (/^\(\?<\w+>/.exec(source.slice(i))?.[0].length ?? 1);
      const body = alt();
      i++; // ')'
      return look ? { kind: 'empty' } : body;
    }
    if (c === '[') {
      i++;
      while (source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '\\') {
      const long = /^\\(?:[pPuk]\{[^}]*\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[a-zA-Z])/.exec(source.slice(i));
      i += long ? long[0].length : 2;
    } else {
      const char = String.fromCodePoint(source.codePointAt(i)!);
      i += char.length;
      return { kind: 'chars', sample: char };
    }
    return { kind: 'chars', sample: sampleOf(source.slice(start, i)) };
  };
  return alt();
}

/** A string the node matches: each repeat taken `count(min, max)` times, each alternation's option `choice`. */
export function sample(node: Node, count: (min: number, max: number) => number = (min) => min, choice = 0): string {
  switch (node.kind) {
    case 'seq':
      return node.items.map((n) => sample(n, count, choice)).join('');
    case 'alt':
      return sample(node.options[choice % node.options.length]!, count, choice);
    case 'repeat':
      return sample(node.body, count, choice).repeat(count(node.min, node.max));
    case 'chars':
      return node.sample;
    case 'empty':
      return '';
  }
}

/** Matching candidates of a few shapes: minimal, one of each repeat, a few of each, each alternative. */
export function samples(node: Node): string[] {
  const counts = [(min: number) => min, (min: number, max: number) => Math.min(max, Math.max(min, 1)), (min: number, max: number) => Math.min(max, Math.max(min, 1) + 2)];
  const out = new Set<string>();
  for (const count of counts) for (let choice = 0; choice < 3; choice++) out.add(sample(node, count, choice));
  return [...out];
}

/** Every quantified part with a way to reach it: the prefix before it and the strings one iteration can be. */
export function pumps(node: Node, prefix = '', out: Array<{ prefix: string; unit: string }> = []): Array<{ prefix: string; unit: string }> {
  switch (node.kind) {
    case 'seq': {
      let before = prefix;
      for (const item of node.items) {
        pumps(item, before, out);
        before += sample(item);
      }
      break;
    }
    case 'alt':
      for (const option of node.options) pumps(option, prefix, out);
      break;
    case 'repeat': {
      if (node.max > 1) {
        const options = node.body.kind === 'alt' ? node.body.options : [node.body];
        const units = new Set([...options.map((o) => sample(o, (min, max) => Math.min(max, Math.max(min, 1)))), options.map((o) => sample(o)).join('')]);
        for (const unit of units) if (unit) out.push({ prefix, unit });
      }
      pumps(node.body, prefix, out);
      break;
    }
    default:
      break;
  }
  return out;
}

/** Characters that end a pumped input, to force a late mismatch. */
export const POISONS = ['!', '\n', '\u0000', '\u{1F600}'];

/** Pumped inputs of exactly `length` code units (or close): with and without a poisoned last character. */
export function attacks(node: Node, length: number): string[] {
  const out = new Set<string>();
  for (const { prefix, unit } of pumps(node)) {
    const body = prefix + unit.repeat(Math.max(1, Math.ceil((length - prefix.length) / unit.length)));
    out.add(body.slice(0, length));
    for (const poison of POISONS) out.add(body.slice(0, Math.max(0, length - poison.length)) + poison);
  }
  return [...out];
}
