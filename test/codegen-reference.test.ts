// src/model/generated/reference-data.ts must be exactly what scripts/codegen-reference.ts makes of ../shared/data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countryCodesFor, defaultDataDir, generateReference, parseCsv, readSources } from '../scripts/codegen-reference.js';
import { AWS_PRODUCT_IDS, COUNTRIES_WITHOUT_POSTAL_CODE, US_STATES_OR_REGIONS } from '../src/model/generated/reference-data.js';
import { shapes } from '../src/model/generated/shapes.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = defaultDataDir(repoRoot);
const countryShape = shapes.CountryCode;
const countryCodes = countryShape?.type === 'enum' ? countryShape.values : [];

describe('codegen-reference', () => {
  it('regenerates the committed reference-data.ts byte for byte', (t) => {
    if (!existsSync(join(dataDir, 'aws_products.json'))) {
      t.skip(`reference data not present at ${dataDir}`);
      return;
    }
    const committed = readFileSync(join(repoRoot, 'src', 'model', 'generated', 'reference-data.ts'), 'utf8');
    assert.ok(generateReference(readSources(dataDir, countryCodes)) === committed, 'reference-data.ts differs: run `npm run codegen:reference`');
  });

  it('committed tables hold what the rules rely on', () => {
    assert.ok(AWS_PRODUCT_IDS.size > 500);
    for (const id of ['AWSAmplify', 'AmazonEC2Linux']) assert.ok(AWS_PRODUCT_IDS.has(id), id);
    for (const code of ['HK', 'BO', 'AE']) assert.ok(COUNTRIES_WITHOUT_POSTAL_CODE.has(code), code);
    assert.ok(!COUNTRIES_WITHOUT_POSTAL_CODE.has('US'));
    for (const code of COUNTRIES_WITHOUT_POSTAL_CODE) assert.ok(countryCodes.includes(code), code);
    assert.ok(US_STATES_OR_REGIONS.has('Washington') && US_STATES_OR_REGIONS.has('Dist. of Columbia'));
  });

  it('parses quoted CSV and refuses a country it cannot place', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n'), [['a', 'b'], ['x, y', 'say "hi"']]);
    assert.deepEqual(countryCodesFor(['Germany', 'Hong Kong'], ['DE', 'HK']), ['DE', 'HK']);
    assert.throws(() => countryCodesFor(['Atlantis'], ['DE']), /Atlantis/);
  });
});
