// Smithy `@pattern` constraints, matched in time linear in the input. The model's patterns are ECMA-262 (plus
// the `(?s)` inline flag); JavaScript's backtracking engine takes exponential time on some of them (the
// CompanyWebsiteUrl pattern stalls the event loop for a minute on 64 characters). So each pattern is translated
// once, at start-up, into RE2 syntax and run by re2js, with JavaScript's semantics kept: the pattern's own
// anchors, `.` excluding line terminators unless `(?s)`, `\s` as Unicode white space, code-point matching.
// What RE2 cannot express (look-around, back-references) keeps a RegExp; the pattern test proves those fast.
import { RE2JS } from 're2js';

export interface CompiledPattern {
  /** The pattern as the model spells it. */
  readonly source: string;
  /**
   * `linear`: time linear in the input, by re2js (plus a length guard) or, for a flat pattern (see `isFlat`), by
   * a JavaScript RegExp that cannot backtrack more than linearly; `backtracking`: a RegExp, only where RE2 cannot go.
   */
  readonly engine: 'linear' | 'backtracking';
  test(text: string): boolean;
}

/** What JavaScript's `.` refuses without the `s` flag. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
/** JavaScript's `\s`, spelled for RE2 (whose `\s` is ASCII only), without the brackets. */
const WHITE_SPACE = '\\t\\n\\x{B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** RE2 refuses repeat counts above 1000; larger ones are split into a sum of smaller ones. */
const MAX_RE2_REPEAT = 1000;

class Unsupported extends Error {}

export function compilePattern(pattern: string): CompiledPattern {
  const dotAll = pattern.includes('(?s)');
  const source = pattern.replaceAll('(?s)', '');
  const regex = javascriptRegExp(source, dotAll);
  const length = regex.unicode ? lengthOnly(source) : undefined;
  if (length) return { source: pattern, engine: 'linear', test: (text) => lengthWithin(text, length.min, length.max, dotAll) };
  // Most other patterns are flat (`^O[0-9]{1,19}$`): V8 runs those several times faster than re2js.
  if (isFlat(source)) return { source: pattern, engine: 'linear', test: (text) => regex.test(text) };
  if (regex.unicode) {
    try {
      return linearPattern(pattern, source, dotAll);
    } catch {
      // Not expressible in RE2: fall through to the RegExp (tests prove each such pattern fast).
    }
  }
  return { source: pattern, engine: 'backtracking', test: (text) => regex.test(text) };
}

/**
 * A flat pattern is a sequence of single-character atoms (a literal, an escape such as `\d` or `\p{L}`, a class,
 * `.`), each optionally quantified, with no group, alternation, back-reference or look-around, and at most one
 * quantifier of variable count. A backtracking engine tries each count of that one quantifier once, then matches
 * a fixed-width remainder: linear in the input when the pattern is anchored with `^` (a single start position);
 * unanchored, it qualifies only with no variable quantifier at all (a fixed-width match tried at each position).
 */
export function isFlat(source: string): boolean {
  const anchored = source.startsWith('^');
  let i = anchored ? 1 : 0;
  let variable = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '$' && i === source.length - 1) break;
    // One atom.
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[1-9kbB]/.test(next)) return false; // back-reference or word boundary
      if (next === 'p' || next === 'P' || next === 'u' || next === 'x') {
        // \p{…}, \u{…}, \uXXXX, \xXX: skip the escape whole.
        const braced = source[i + 2] === '{';
        const end = braced ? source.indexOf('}', i + 2) : i + (next === 'u' ? 6 : next === 'x' ? 4 : 2);
        if (end < 0 || (!braced && (next === 'p' || next === 'P'))) return false;
        i = braced ? end + 1 : end;
      } else {
        i += 2;
      }
    } else if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : source[j] === '[' ? Infinity : 1;
      if (j >= source.length) return false; // unterminated, or a nested class: not worth telling apart
      i = j + 1;
    } else if ('()|^$*+?{}'.includes(c)) {
      return false;
    } else {
      i += 1;
    }
    // Its quantifier, if any.
    const q = source[i];
    if (q === '*' || q === '+' || q === '?') {
      variable++;
      i++;
    } else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return false;
      if (m[2] !== undefined && m[3] !== m[1]) variable++;
      i += m[0].length;
    }
    if (source[i] === '?') i++; // lazy: the same counts, tried in the other order
  }
  return variable === 0 || (anchored && variable === 1);
}

/** Always Unicode mode when the pattern allows it: `.` then matches a code point, as in the service's (Java) regexes. */
function javascriptRegExp(source: string, dotAll: boolean): RegExp {
  const flags = dotAll ? 's' : '';
  try {
    return new RegExp(source, `u${flags}`);
  } catch {
    return new RegExp(source, flags); // a pattern only valid outside Unicode mode
  }
}

/** `{m,n}`, `{m,}`, `{m}`, `*` or `+` as bounds; `quantifier` is what a match of QUANTIFIER found. */
const QUANTIFIER = /(\*|\+|\{(\d+)(,(\d*))?\})/;
function bounds(quantifier: string, low: string | undefined, comma: string | undefined, high: string | undefined): { min: number; max: number } {
  if (low === undefined) return { min: quantifier === '+' ? 1 : 0, max: Infinity };
  const min = Number(low);
  return { min, max: comma === undefined ? min : high ? Number(high) : Infinity };
}

/**
 * `^.{m,n}$`, with or without `(?s)`: the model's most common pattern says only how long a string may be, so it
 * is a count of code points in code (what `.` matches in Unicode mode), not a regular expression run.
 */
function lengthOnly(source: string): { min: number; max: number } | undefined {
  const m = new RegExp(`^\\^\\.${QUANTIFIER.source}\\$$`).exec(source);
  return m ? bounds(m[1]!, m[2], m[3], m[4]) : undefined;
}

/** Whether `text` holds `min` to `max` code points, none of them a line terminator unless `dotAll`. */
function lengthWithin(text: string, min: number, max: number, dotAll: boolean): boolean {
  if (text.length < min || (!dotAll && LINE_TERMINATOR.test(text))) return false;
  // A code point is one or two code units: count them only when the units alone do not decide.
  if (text.length <= max && text.length >= 2 * min) return true;
  let n = 0;
  for (const _ of text) if (++n > max) return false;
  return n >= min;
}

/**
 * A leading `^(?=.{m,n}$)` (the model's way to bound a pattern's length) becomes a length check in code, since
 * RE2 has no look-ahead; the rest of the pattern goes to re2js.
 */
function linearPattern(pattern: string, source: string, dotAll: boolean): CompiledPattern {
  const guard = new RegExp(`^\\^\\(\\?=\\.${QUANTIFIER.source}\\$\\)`).exec(source);
  if (!guard) {
    const re2 = RE2JS.compile(toRe2(source, dotAll));
    return { source: pattern, engine: 'linear', test: (text) => re2.test(text) };
  }
  const { min, max } = bounds(guard[1]!, guard[2], guard[3], guard[4]);
  const re2 = RE2JS.compile(toRe2(`^${source.slice(guard[0].length)}`, dotAll));
  return { source: pattern, engine: 'linear', test: (text) => lengthWithin(text, min, max, dotAll) && re2.test(text) };
}

/** Translates an ECMA-262 Unicode-mode pattern into RE2 syntax, or throws Unsupported. */
function toRe2(source: string, dotAll: boolean): string {
  const out: string[] = [];
  const groupStarts: number[] = [];
  let atomStart = -1; // index in `out` where the last quantifiable atom begins
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const at = out.length;
    if (c === '\\') {
      const [text, next] = escape(source, i, false);
      out.push(text);
      i = next;
      atomStart = at;
    } else if (c === '[') {
      const [text, next] = characterClass(source, i);
      out.push(text);
      i = next;
      atomStart = at;
    } else if (c === '.') {
      out.push(dotAll ? '(?s:.)' : '[^\\n\\r\\x{2028}\\x{2029}]');
      i++;
      atomStart = at;
    } else if (c === '(') {
      if (source.startsWith('(?:', i)) {
        out.push('(?:');
        i += 3;
      } else if (source.startsWith('(?<', i) && !/^\(\?<[=!]/.test(source.slice(i, i + 4))) {
        out.push('(?P<');
        i += 3;
      } else if (source[i + 1] === '?') {
        throw new Unsupported('look-around');
      } else {
        out.push('(');
        i++;
      }
      groupStarts.push(at);
    } else if (c === ')') {
      out.push(')');
      i++;
      atomStart = groupStarts.pop() ?? -1;
    } else if (c === '{' || c === '*' || c === '+' || c === '?') {
      const quantifier = /^(?:\{(\d+)(,(\d*))?\}|[*+?])\??/.exec(source.slice(i))![0];
      i += quantifier.length;
      const counts = /^\{(\d+)(,(\d*))?\}/.exec(quantifier);
      if (counts && atomStart >= 0 && Math.max(Number(counts[1]), Number(counts[3] ?? 0)) > MAX_RE2_REPEAT) {
        const atom = out.splice(atomStart).join('');
        const low = Number(counts[1]);
        const high = counts[2] === undefined ? low : counts[3] ? Number(counts[3]) : Infinity;
        out.push(splitRepeat(`(?:${atom})`, low, high, quantifier.endsWith('}?') ? '?' : ''));
      } else {
        out.push(quantifier);
      }
      atomStart = -1;
    } else {
      const char = String.fromCodePoint(source.codePointAt(i)!);
      out.push(c === '^' || c === '$' || c === '|' ? c : literal(char));
      i += char.length;
      atomStart = c === '^' || c === '$' || c === '|' ? -1 : at;
    }
  }
  return out.join('');
}

/**
 * `atom{low,high}` in repeats RE2 accepts: exact chunks for `low`, then `{0,k}` as `atom{0,1000}|atom{1000}{0,k-1000}`
 * recursively. Not `{0,1000}{0,1000}…`: that says the same but is ambiguous, and an ambiguous split costs the
 * automaton one live thread per way of splitting (quadratic, 250 ms for 2,048 characters).
 */
function splitRepeat(atom: string, low: number, high: number, lazy: string): string {
  let exact = '';
  for (let left = low; left > 0; left -= MAX_RE2_REPEAT) exact += `${atom}{${Math.min(left, MAX_RE2_REPEAT)}}${lazy}`;
  if (high === Infinity) return `${exact}${atom}*${lazy}`;
  const upTo = (k: number): string =>
    k <= MAX_RE2_REPEAT
      ? `${atom}{0,${k}}${lazy}`
      : `(?:${atom}{0,${MAX_RE2_REPEAT}}${lazy}|${atom}{${MAX_RE2_REPEAT}}${upTo(k - MAX_RE2_REPEAT)})`;
  return high > low ? `${exact}${upTo(high - low)}` : exact;
}

function literal(char: string): string {
  return /[\\.+*?()|[\]{}^$]/.test(char) ? `\\${char}` : char;
}

function hex(codePoint: number): string {
  return `\\x{${codePoint.toString(16).toUpperCase()}}`;
}

/** One escape at `source[i] === '\\'`: its RE2 spelling and the index after it. */
function escape(source: string, i: number, inClass: boolean): [string, number] {
  const c = source[i + 1];
  if (c === undefined) throw new Unsupported('trailing backslash');
  if ('dDwW'.includes(c)) return [`\\${c}`, i + 2];
  if (c === 'b' || c === 'B') return inClass ? (c === 'b' ? [hex(8), i + 2] : unsupported()) : [`\\${c}`, i + 2];
  if (c === 's') return [inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`, i + 2];
  if (c === 'S') return inClass ? unsupported() : [`[^${WHITE_SPACE}]`, i + 2];
  if ('tnvfr'.includes(c)) return [c === 'v' ? hex(11) : `\\${c}`, i + 2];
  if (c === '0' && !/[0-9]/.test(source[i + 2] ?? '')) return [hex(0), i + 2];
  if (c === 'c' && /[a-zA-Z]/.test(source[i + 2] ?? '')) return [hex(source.charCodeAt(i + 2) % 32), i + 3];
  if (c === 'x') return [hex(parseInt(source.slice(i + 2, i + 4), 16)), i + 4];
  if (c === 'u') {
    const braced = /^\{([0-9a-fA-F]+)\}/.exec(source.slice(i + 2));
    if (braced) return [hex(parseInt(braced[1]!, 16)), i + 3 + braced[0].length - 1];
    const unit = parseInt(source.slice(i + 2, i + 6), 16);
    const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(source.slice(i + 6));
    if (unit >= 0xd800 && unit <= 0xdbff && low) {
      return [hex(0x10000 + ((unit - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00)), i + 12];
    }
    return [hex(unit), i + 6];
  }
  if (c === 'p' || c === 'P') {
    const name = /^\{([^}]*)\}/.exec(source.slice(i + 2));
    if (!name) throw new Unsupported('property escape');
    // JavaScript's `Script=Greek` / `General_Category=L` are RE2's `Greek` / `L`.
    const property = name[1]!.replace(/^(Script|sc|General_Category|gc)=/, '');
    return [`\\${c}{${property}}`, i + 2 + name[0].length];
  }
  if (/[0-9k]/.test(c)) throw new Unsupported('back-reference');
  return [`\\${c}`, i + 2]; // an escaped syntax character, e.g. \. \- \/
}

function unsupported(): never {
  throw new Unsupported('escape inside a class');
}

/** A character class at `source[i] === '['`. JavaScript closes on the first `]`; RE2 reads `[:` as POSIX. */
function characterClass(source: string, i: number): [string, number] {
  let j = i + 1;
  const negated = source[j] === '^';
  if (negated) j++;
  const members: string[] = [];
  while (source[j] !== ']') {
    if (j >= source.length) throw new Unsupported('unterminated class');
    if (source[j] === '\\') {
      const [text, next] = escape(source, j, true);
      members.push(text);
      j = next;
    } else {
      const char = String.fromCodePoint(source.codePointAt(j)!);
      members.push(char === '[' || char === ']' || char === '^' ? `\\${char}` : char);
      j += char.length;
    }
  }
  if (members.length === 0) return [negated ? '(?s:.)' : '[^\\x{0}-\\x{10FFFF}]', j + 1];
  return [`[${negated ? '^' : ''}${members.join('')}]`, j + 1];
}
