// Field declarations shared by several control-plane routes.
import type { FieldSpec } from '../schema.js';

export const ACCOUNT_ID = { type: 'string', pattern: /^\d{12}$/, expected: 'a 12-digit account id' } as const satisfies FieldSpec;
export const CATALOG = { type: 'string', values: ['AWS', 'Sandbox'] } as const satisfies FieldSpec;
