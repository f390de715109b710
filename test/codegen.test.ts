// The generated model tables must be exactly what scripts/codegen.ts makes of the Smithy model: regenerate in
// memory and compare byte for byte with the committed src/model/generated/*.ts (design.md, "Generated model").

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultModelPath, generate, type GeneratedFiles } from '../scripts/codegen.js';
import { operationNames, operations } from '../src/model/generated/operations.js';

// dist/test/codegen.test.js → the repository root is two levels up.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelPath = resolve(repoRoot, '..', 'shared', 'models', 'partnercentral-selling-2022-07-26.2026-10.json');
const generatedDir = join(repoRoot, 'src', 'model', 'generated');
const FILES: ReadonlyArray<keyof GeneratedFiles> = ['shapes.ts', 'operations.ts', 'types.ts'];

type Ast = Parameters<typeof generate>[0];

function loadModel(): Ast {
  return JSON.parse(readFileSync(modelPath, 'utf8')) as Ast;
}

describe('codegen', () => {
  it('finds the repository root and the default model path from it', () => {
    assert.ok(existsSync(join(repoRoot, 'package.json')), repoRoot);
    assert.ok(existsSync(join(repoRoot, 'scripts', 'codegen.ts')), repoRoot);
    assert.equal(defaultModelPath(repoRoot), modelPath);
  });

  it('regenerates the committed src/model/generated files byte for byte', (t) => {
    if (!existsSync(modelPath)) {
      t.skip(`model not present at ${modelPath}`);
      return;
    }
    const files = generate(loadModel());
    assert.deepEqual(Object.keys(files).sort(), [...FILES].sort());
    for (const name of FILES) {
      const committed = readFileSync(join(generatedDir, name), 'utf8');
      assert.ok(files[name] === committed, `src/model/generated/${name} differs from a fresh codegen run: run \`npm run codegen\``);
    }
  });

  it('generates the current model\'s 45 operations, each with an input structure and a POST http binding', (t) => {
    if (!existsSync(modelPath)) {
      t.skip(`model not present at ${modelPath}`);
      return;
    }
    const text = generate(loadModel())['operations.ts'];
    const names = /export const operationNames = (\[[^\]]*\]) as const;/.exec(text);
    assert.ok(names, 'operationNames literal');
    const list = JSON.parse(names[1]!) as string[];
    assert.equal(list.length, 45);
    // The three operations AWS added in June 2026 prove the generator reads the current model, not April's.
    for (const op of ['GetProspectingFromEngagementTask', 'ListProspectingFromEngagementTasks', 'StartProspectingFromEngagementTask']) {
      assert.ok(list.includes(op), op);
    }
    assert.deepEqual(list, [...list].sort((a, b) => a.localeCompare(b)));
    assert.deepEqual(list, [...operationNames]);
    assert.equal((text.match(/"http": \{/g) ?? []).length, 45);
  });

  it('is deterministic', (t) => {
    if (!existsSync(modelPath)) {
      t.skip(`model not present at ${modelPath}`);
      return;
    }
    const model = loadModel();
    assert.deepEqual(generate(model), generate(structuredClone(model)));
  });

  it('committed table: 45 operations, every idempotency token required, the three 204 http codes', () => {
    assert.equal(operationNames.length, 45);
    const withToken = operationNames.filter((op) => operations[op].idempotencyToken !== null);
    assert.deepEqual(withToken, [
      'CreateEngagement',
      'CreateEngagementContext',
      'CreateEngagementInvitation',
      'CreateOpportunity',
      'CreateResourceSnapshot',
      'CreateResourceSnapshotJob',
      'StartEngagementByAcceptingInvitationTask',
      'StartEngagementFromOpportunityTask',
      'StartOpportunityFromEngagementTask',
      'StartProspectingFromEngagementTask',
    ]);
    for (const op of withToken) assert.equal(operations[op].idempotencyToken, 'ClientToken', op);
    assert.deepEqual(
      operationNames.filter((op) => operations[op].http.code === 204),
      ['DeleteResourceSnapshotJob', 'StartResourceSnapshotJob', 'StopResourceSnapshotJob'],
    );
    assert.equal(operationNames.filter((op) => operations[op].paginated !== null).length, 12);
    assert.deepEqual(
      operationNames.filter((op) => operations[op].output === null),
      [
        'AcceptEngagementInvitation',
        'AssignOpportunity',
        'AssociateOpportunity',
        'DeleteResourceSnapshotJob',
        'DisassociateOpportunity',
        'RejectEngagementInvitation',
        'StartResourceSnapshotJob',
        'StopResourceSnapshotJob',
        'SubmitOpportunity',
      ],
    );
  });

  it('translates a small model: resource-bound operations, Unit io, member constraints, enums, unions, errors', () => {
    const ns = 'com.amazonaws.partnercentralselling#';
    const ast: Ast = {
      shapes: {
        [`${ns}Svc`]: { type: 'service', operations: [{ target: `${ns}Ping` }], resources: [{ target: `${ns}Thing` }] },
        [`${ns}Thing`]: { type: 'resource', read: { target: `${ns}GetThing` }, operations: [{ target: `${ns}Zap` }] },
        [`${ns}Ping`]: { type: 'operation', input: { target: 'smithy.api#Unit' }, output: { target: 'smithy.api#Unit' } },
        [`${ns}Zap`]: {
          type: 'operation',
          input: { target: `${ns}ZapRequest` },
          output: { target: 'smithy.api#Unit' },
          traits: { 'smithy.api#idempotent': {}, 'smithy.api#http': { method: 'POST', uri: '/Zap', code: 204 } },
        },
        [`${ns}GetThing`]: {
          type: 'operation',
          input: { target: `${ns}GetThingRequest` },
          output: { target: `${ns}GetThingResponse` },
          errors: [{ target: `${ns}Oops` }],
          traits: { 'smithy.api#readonly': {} },
        },
        [`${ns}ZapRequest`]: {
          type: 'structure',
          members: { Token: { target: 'smithy.api#String', traits: { 'smithy.api#idempotencyToken': {}, 'smithy.api#required': {} } } },
        },
        [`${ns}GetThingRequest`]: {
          type: 'structure',
          members: {
            Name: { target: `${ns}Name`, traits: { 'smithy.api#required': {}, 'smithy.api#pattern': '^(?s).{1,5}$' } },
            Size: { target: 'smithy.api#Integer', traits: { 'smithy.api#range': { min: 1, max: 9 } } },
            Kind: { target: `${ns}Kind` },
            Choice: { target: `${ns}Choice` },
          },
        },
        [`${ns}GetThingResponse`]: { type: 'structure', members: { At: { target: `${ns}DateTime` } } },
        [`${ns}Name`]: { type: 'string', traits: { 'smithy.api#length': { min: 1, max: 10 } } },
        [`${ns}Kind`]: { type: 'enum', members: { A: { target: 'smithy.api#Unit', traits: { 'smithy.api#enumValue': 'a' } } } },
        [`${ns}Choice`]: { type: 'union', members: { X: { target: 'smithy.api#String' }, Y: { target: 'smithy.api#Integer' } } },
        [`${ns}DateTime`]: { type: 'timestamp', traits: { 'smithy.api#timestampFormat': 'date-time' } },
        [`${ns}Oops`]: {
          type: 'structure',
          members: { Message: { target: 'smithy.api#String' } },
          traits: { 'smithy.api#error': 'client', 'smithy.api#httpError': 404 },
        },
        'other.namespace#Ignored': { type: 'string' },
      },
    };
    const files = generate(ast);
    const table = JSON.parse(/export const operations: [^=]+= (\{[\s\S]*\});\n$/.exec(files['operations.ts'])![1]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(table), ['GetThing', 'Ping', 'Zap']);
    assert.deepEqual(table.Ping, { input: null, output: null, errors: [], idempotencyToken: null, idempotent: false, readonly: false, paginated: null, http: { method: 'POST', uri: '/Ping', code: 200 } });
    assert.deepEqual(table.Zap, { input: 'ZapRequest', output: null, errors: [], idempotencyToken: 'Token', idempotent: true, readonly: false, paginated: null, http: { method: 'POST', uri: '/Zap', code: 204 } });
    assert.deepEqual(table.GetThing, {
      input: 'GetThingRequest',
      output: 'GetThingResponse',
      errors: ['Oops'],
      idempotencyToken: null,
      idempotent: false,
      readonly: true,
      paginated: null,
      http: { method: 'POST', uri: '/GetThing', code: 200 },
    });
    const shapesTable = JSON.parse(/export const shapes: [^=]+= (\{[\s\S]*\});\n$/.exec(files['shapes.ts'])![1]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(shapesTable), ['Choice', 'DateTime', 'GetThingRequest', 'GetThingResponse', 'Kind', 'Name', 'Oops', 'ZapRequest']);
    assert.deepEqual(shapesTable.GetThingRequest, {
      type: 'structure',
      members: {
        Name: { target: 'Name', pattern: '^(?s).{1,5}$', required: true },
        Size: { target: 'smithy.api#Integer', range: { min: 1, max: 9 } },
        Kind: { target: 'Kind' },
        Choice: { target: 'Choice' },
      },
    });
    assert.deepEqual(shapesTable.Name, { type: 'string', length: { min: 1, max: 10 } });
    assert.deepEqual(shapesTable.Kind, { type: 'enum', values: ['a'] });
    assert.deepEqual(shapesTable.DateTime, { type: 'timestamp', format: 'date-time' });
    assert.deepEqual(shapesTable.Oops, { type: 'structure', members: { Message: { target: 'smithy.api#String' } }, error: 'client', httpStatus: 404 });
    assert.match(files['types.ts'], /export interface GetThingRequest \{\n {2}Name: Name;\n {2}Size\?: number;\n {2}Kind\?: Kind;\n {2}Choice\?: Choice;\n\}/);
    assert.match(files['types.ts'], /export type Choice =\n {2}\| \{ X: string; Y\?: never; \}\n {2}\| \{ Y: number; X\?: never; \};/);
    assert.match(files['types.ts'], / {2}Ping: \{ input: Record<string, never>; output: void \};/);
  });
});
