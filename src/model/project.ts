// Projects a stored document onto a generated shape: only the shape's members survive, recursively. Used to
// build summaries and views (e.g. a snapshot's OpportunitySummaryView) from full records without leaking
// members the target shape does not have.
import { shapes } from './generated/shapes.js';

export function projectOnto<T>(shapeName: string, value: unknown): T {
  return (project(shapeName, value) ?? {}) as T;
}

/** Nested structures left with no members are dropped: responses omit unset members (decision 4). */
function project(shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const def = shapes[shapeName];
  if (!def) return value;
  switch (def.type) {
    case 'structure':
    case 'union': {
      if (typeof value !== 'object' || Array.isArray(value)) return undefined;
      const record = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(def.members)) {
        const v = project(member.target, record[name]);
        if (v !== undefined) out[name] = v;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => project(def.member.target, v)).filter((v) => v !== undefined) : undefined;
    default:
      return value;
  }
}
