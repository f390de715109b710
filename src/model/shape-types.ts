// The format of the tables that scripts/codegen.ts writes into src/model/generated/. Hand-written, because
// it is the contract between the generator and the code that reads its output (validator, handlers).

export interface LengthConstraint {
  min?: number;
  max?: number;
}

export interface RangeConstraint {
  min?: number;
  max?: number;
}

/** Constraints that Smithy allows on a member as well as on its target shape. */
export interface Constraints {
  length?: LengthConstraint;
  pattern?: string;
  range?: RangeConstraint;
}

export interface MemberDef extends Constraints {
  /** Shape name in `shapes` (namespace dropped; prelude shapes as `smithy.api#String`). */
  target: string;
  required?: boolean;
  idempotencyToken?: boolean;
  default?: string | number | boolean;
}

export type ShapeDef =
  | ({ type: 'structure'; members: Record<string, MemberDef>; error?: 'client' | 'server'; httpStatus?: number } & Constraints)
  | ({ type: 'union'; members: Record<string, MemberDef> } & Constraints)
  | ({ type: 'list'; member: MemberDef } & Constraints)
  | ({ type: 'map'; key: MemberDef; value: MemberDef } & Constraints)
  | ({ type: 'enum'; values: string[] } & Constraints)
  | ({ type: 'string' } & Constraints)
  | ({ type: 'integer'; default?: number } & Constraints)
  | ({ type: 'long' | 'float' | 'double' | 'boolean' | 'blob' | 'document' } & Constraints)
  | ({ type: 'timestamp'; format?: 'date-time' | 'epoch-seconds' | 'http-date' } & Constraints);

export interface PaginationDef {
  inputToken: string;
  outputToken: string;
  pageSize: string;
  items: string;
}

export interface OperationDef {
  /** Input structure name, or null for Unit input. */
  input: string | null;
  /** Output structure name, or null for Unit output (answered with an empty body). */
  output: string | null;
  errors: string[];
  /** Name of the input member carrying `@idempotencyToken`, if any. */
  idempotencyToken: string | null;
  idempotent: boolean;
  readonly: boolean;
  paginated: PaginationDef | null;
  /** From the `@http` trait; awsJson ignores it, the REST-style route uses its uri. */
  http: { method: string; uri: string; code: number };
}
