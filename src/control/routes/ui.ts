// GET /_emulator/ui/…: the web console's static files (src/control/ui, copied next to the compiled routes by
// the build). They are read once, at start-up, into a table keyed by their path under the prefix, so a request
// can only ever name one of those files: nothing from the request reaches the file system.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ControlError, handler, ok, type ControlRoute } from '../router.js';

export const UI_PREFIX = '/_emulator/ui/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// Only this origin's scripts, styles and fetches; the console needs nothing else.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

function loadFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return files; // reported per request: the console is optional, the API is not
  }
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(relative(dir, join(dir, name)).split(sep).join('/'), { body, type, etag });
  }
  return files;
}

const UI_DIR = fileURLToPath(new URL('../ui/', import.meta.url));
const files = loadFiles(UI_DIR);

export const uiRoute: ControlRoute = {
  // Without the slash, relative module URLs would resolve against /_emulator/.
  paths: ['/_emulator/ui'],
  prefix: UI_PREFIX,
  GET: handler({
    handle: ({ path, req }) => {
      if (!path.startsWith(UI_PREFIX)) return ok({ moved: UI_PREFIX }, 301, { Location: UI_PREFIX });
      const name = path.slice(UI_PREFIX.length) || 'index.html';
      const file = files.get(name);
      if (file === undefined) {
        const why = files.size === 0 ? ` The console's files are missing from ${UI_DIR}; rebuild with npm run build.` : '';
        throw new ControlError(404, `No console file '${name}'.${why}`);
      }
      // Revalidated on every load, so a newer server never runs an older console from the cache.
      const headers = { 'Content-Type': file.type, ETag: file.etag, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS };
      if (req.headers['if-none-match'] === file.etag) return ok(Buffer.alloc(0), 304, headers);
      return ok(file.body, 200, headers);
    },
  }),
};
