// Build step after tsc: the web console is static files (no compilation), served from next to the compiled
// control-plane routes, so they ship wherever dist/ ships.
import { cpSync, rmSync } from 'node:fs';

const from = new URL('../src/control/ui/', import.meta.url);
const to = new URL('../dist/src/control/ui/', import.meta.url);
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
