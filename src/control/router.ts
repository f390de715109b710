// The control plane's router: path → route module, method → handler. It answers 404 for an unknown path and
// 405 (with `Allow`) for a known path and another method, reads and parses a POST body once, and checks the
// body and query against the handler's schemas before the handler runs, so handlers only see valid input.
// Every answer is JSON unless a handler answers bytes (the console's static files); every error is
// `{"error": "..."}` with a 4xx status. A route may also claim every path under a prefix (`/_emulator/ui/`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../context.js';
import { readBody } from '../protocol/body.js';
import { prepareErrorAnswer } from '../protocol/http-edges.js';
import { sendBytes, sendJson } from '../protocol/respond.js';
import { checkObject, checkQuery, ControlInputError, type Checked, type Schema } from './schema.js';

/** A control-plane refusal other than a bad input (e.g. 404 for an unknown event id). */
export class ControlError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlCall<Query, Body> {
  query: Query;
  body: Body;
  /** The last path segment of a route declared as `…/{id}` (percent-decoded); '' otherwise. */
  id: string;
  req: IncomingMessage;
  services: Services;
  /** The request path as sent (for prefix routes: the part after the prefix is theirs to interpret). */
  path: string;
  requestId: string;
}

export interface ControlAnswer {
  status: number;
  /** Takes the response over instead (a long-lived stream); the call ends when the returned promise settles. */
  takeOver?: (res: ServerResponse) => Promise<void>;
  /** Sent as JSON, except a Buffer, sent as is (its Content-Type in `headers`). */
  body: unknown;
  headers?: Record<string, string>;
  /**
   * A JSON answer too large to build in memory (a state export): called instead of sending `body`, it writes
   * the answer a chunk at a time; `write` resolves once the socket can take more.
   */
  stream?: (write: (chunk: string) => Promise<void>) => Promise<void>;
}

/** One method of a route, with the schemas of what it accepts (by default: no parameters, an empty body). */
export interface MethodHandler {
  query: Schema;
  /** `'unchecked'`: the parsed JSON body is handed over as it is, for a handler that checks a larger document itself. */
  body: Schema | 'unchecked';
  /** Largest body accepted; default the server's `maxBodyBytes`. */
  maxBodyBytes?: number;
  handle(call: ControlCall<unknown, unknown>): ControlAnswer | Promise<ControlAnswer>;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/**
 * `paths` match exactly (trailing slashes ignored), except that an `{id}` segment, last or last but one
 * (`…/{id}`, `…/{id}/dead-letters`), matches any one segment (the `id`); `prefix` (ending in '/') matches every
 * path under it.
 */
export type ControlRoute = { paths: readonly string[]; prefix?: string } & { [M in Method]?: MethodHandler };

const ID_SEGMENT = '/{id}';

/** Declares a handler; its `query` and `body` arrive typed by their schemas. */
export function handler<Q extends Schema = Record<never, never>, B extends Schema = Record<never, never>>(def: {
  query?: Q;
  body?: B;
  handle: (call: ControlCall<Checked<Q>, Checked<B>>) => ControlAnswer | Promise<ControlAnswer>;
}): MethodHandler {
  return { query: def.query ?? {}, body: def.body ?? {}, handle: def.handle as MethodHandler['handle'] };
}

/** Declares a handler that checks its (parsed JSON) body itself, accepting up to `maxBodyBytes`. */
export function uncheckedBodyHandler<Q extends Schema = Record<never, never>>(def: {
  query?: Q;
  maxBodyBytes?: number;
  handle: (call: ControlCall<Checked<Q>, unknown>) => ControlAnswer | Promise<ControlAnswer>;
}): MethodHandler {
  return { query: def.query ?? {}, body: 'unchecked', maxBodyBytes: def.maxBodyBytes, handle: def.handle as MethodHandler['handle'] };
}

/** Writes a streamed answer, waiting for the socket to drain; stops quietly when the client has gone. */
async function sendStream(res: ServerResponse, status: number, headers: Record<string, string>, stream: NonNullable<ControlAnswer['stream']>): Promise<void> {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  let gone = false;
  const closed = new Promise<void>((resolve) => res.once('close', () => {
    gone = true;
    resolve();
  }));
  try {
    await stream(async (chunk) => {
      if (gone) throw new ClientGone();
      if (!res.write(chunk)) await Promise.race([new Promise<void>((resolve) => res.once('drain', resolve)), closed]);
    });
    res.end();
  } catch (err) {
    // Headers are out: a failure can only cut the answer short (the JSON stays unterminated, so it is noticed).
    res.destroy();
    if (!(err instanceof ClientGone)) throw err;
  }
}

class ClientGone extends Error {}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): ControlAnswer {
  return { status, body, headers };
}

function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 0x2f) end--;
  return path.slice(0, end);
}

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new ControlInputError('The body must be a JSON object.');
  }
}

export type ControlEntry = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
  services: Services,
  requestId: string,
) => Promise<void>;

/** Builds the lookup table once, at start-up; a path claimed twice is a programming error. */
export function controlRouter(routes: readonly ControlRoute[]): ControlEntry {
  const byPath = new Map<string, ControlRoute>();
  const prefixed = routes.filter((route) => route.prefix !== undefined);
  /** Routes with an `{id}` segment, by their path as declared. */
  const byPattern = new Map<string, ControlRoute>();
  for (const route of routes) {
    for (const path of route.paths) {
      const table = path.includes(ID_SEGMENT) ? byPattern : byPath;
      if (table.has(path)) throw new Error(`control route ${path} is declared twice`);
      table.set(path, route);
    }
  }

  /** The route for `path` and the id segment it carries ('' for exact paths). */
  function lookup(path: string): { route: ControlRoute; id: string } | undefined {
    const exact = byPath.get(path);
    if (exact) return { route: exact, id: '' };
    // The id is the last segment (`…/{id}`) or the one before it (`…/{id}/dead-letters`).
    const segments = path.split('/');
    for (let at = segments.length - 1; at >= Math.max(1, segments.length - 2); at--) {
      const pattern = [...segments.slice(0, at), '{id}', ...segments.slice(at + 1)].join('/');
      const route = byPattern.get(pattern);
      if (!route) continue;
      try {
        return { route, id: decodeURIComponent(segments[at]!) };
      } catch {
        return undefined; // malformed percent-encoding: no such resource
      }
    }
    return undefined;
  }

  return async function handleControl(req, res, path, query, services, requestId) {
    const headers = { 'x-amzn-RequestId': requestId };
    try {
      const prefixedRoute = prefixed.find((r) => path.startsWith(r.prefix!));
      const found = prefixedRoute ? { route: prefixedRoute, id: '' } : lookup(withoutTrailingSlashes(path));
      if (!found) throw new ControlError(404, `No control-plane route ${req.method} ${path}. See the README for /_emulator endpoints.`);
      const { route } = found;
      const method = METHODS.find((m) => m === req.method);
      const target = method && route[method];
      if (!target) {
        const allowed = METHODS.filter((m) => route[m]).join(', ');
        prepareErrorAnswer(req, res, 405, services.options);
        sendJson(res, 405, { error: `Method ${req.method} is not allowed on ${withoutTrailingSlashes(path)}; allowed: ${allowed}.` }, { ...headers, Allow: allowed });
        return;
      }
      const checkedQuery = checkQuery(target.query, new URLSearchParams(query));
      let checkedBody: unknown = {};
      if (method === 'POST' || method === 'PUT') {
        const parsed = parseJsonBody(await readBody(req, target.maxBodyBytes ?? services.options.maxBodyBytes, services.options.bodyTimeoutMs));
        checkedBody = target.body === 'unchecked' ? parsed : checkObject(target.body, parsed);
      }
      const answer = await target.handle({ query: checkedQuery, body: checkedBody, id: found.id, req, services, path, requestId });
      if (answer.takeOver) {
        res.setHeader('x-amzn-RequestId', requestId);
        await answer.takeOver(res);
        return;
      }
      if (answer.stream) await sendStream(res, answer.status, { ...headers, ...answer.headers }, answer.stream);
      else if (answer.body instanceof Buffer) sendBytes(res, answer.status, { ...headers, ...answer.headers }, answer.body);
      else sendJson(res, answer.status, answer.body, { ...headers, ...answer.headers });
    } catch (err) {
      if (err instanceof Error && 'httpStatus' in err && typeof err.httpStatus === 'number') {
        // An error answered before the body was read must not leave the upload half-read on a reused socket.
        prepareErrorAnswer(req, res, err.httpStatus, services.options);
        sendJson(res, err.httpStatus, { error: err.message }, headers);
      } else {
        throw err;
      }
    }
  };
}
