// Renders answers: success bodies and every error, with the headers all official clients rely on
// (decisions 2, 5, 6; protocol.md §2–§4).
import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import type { Routing } from './route.js';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
export const REST_CONTENT_TYPE = 'application/json';

function contentType(routing: Routing): string {
  return routing === 'rest' ? REST_CONTENT_TYPE : AWS_JSON_CONTENT_TYPE;
}

interface Answer {
  res: ServerResponse;
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/**
 * Successful API answers ready during one event-loop turn, written together at its end. A busy server that wrote
 * each answer the moment it was ready woke the client's process once per answer, and a wake-up costs the writer a
 * syscall's worth of scheduler work (in a VM an inter-processor interrupt: a fifth of a GetOpportunity's CPU time
 * and half of its kernel time, BENCHMARKS.md). Written back to back, the first answer wakes the client and the
 * others find it awake. An answer waits at most for the rest of its turn.
 */
let turnAnswers: Answer[] = [];
const queuedAnswers = new WeakSet<ServerResponse>();

/** Writes the answers queued so far (the server calls it before closing connections, so none is dropped). */
export function writeTurnAnswers(): void {
  const answers = turnAnswers;
  turnAnswers = [];
  for (const { res, status, headers, body } of answers) {
    try {
      res.writeHead(status, headers);
      res.end(body);
    } catch {
      // Only a socket already gone can refuse an answer: nobody is left to read it.
      res.destroy();
    }
  }
}

/**
 * `headers` must be a fresh object (every caller builds one): it is completed in place, not copied. `atTurnEnd`:
 * queue the answer with the turn's others (API successes); otherwise it is written at once, as errors are: an
 * error may end its connection (a 413 whose upload is drained, then cut past its bound), and its answer must be
 * on the wire before that.
 */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer, atTurnEnd = false): void {
  if (res.headersSent || queuedAnswers.has(res)) return;
  headers['Content-Length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  // Date: Node adds real wall-clock time (IMF-fixdate, cached per second), never the emulator's business clock
  // (decision 6). Copying the headers and formatting a date per answer cost ~15% of a GetOpportunity's CPU
  // time (BENCHMARKS.md).
  if (!atTurnEnd) {
    res.writeHead(status, headers);
    res.end(body);
    return;
  }
  queuedAnswers.add(res);
  // The request log reads the status as soon as the answer is queued.
  res.statusCode = status;
  if (turnAnswers.length === 0) setImmediate(writeTurnAnswers);
  turnAnswers.push({ res, status, headers, body });
}

/** 200 with the output; operations with no output answer an empty body (decision 5). */
export function renderOutput(output: unknown): string {
  return output === undefined || output === null ? '' : JSON.stringify(output);
}

/** 200 with an already rendered output (see renderOutput). */
export function sendRendered(res: ServerResponse, requestId: string, routing: Routing, body: string | Buffer): void {
  send(res, 200, { 'Content-Type': contentType(routing), 'x-amzn-RequestId': requestId }, body, true);
}

export function sendOutput(res: ServerResponse, requestId: string, routing: Routing, output: unknown): void {
  sendRendered(res, requestId, routing, renderOutput(output));
}

export function errorBody(err: ApiError): string {
  return JSON.stringify({ __type: `${err.namespace}#${err.code}`, Message: err.message, ...err.bodyMembers() });
}

export function sendError(res: ServerResponse, requestId: string, routing: Routing, err: ApiError): void {
  send(
    res,
    err.httpStatus,
    { 'Content-Type': contentType(routing), 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': err.code, ...err.headers },
    errorBody(err),
  );
}

/** Plain JSON for the control plane. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, { 'Content-Type': REST_CONTENT_TYPE, ...headers }, JSON.stringify(value));
}

/** Bytes as they are, with the caller's headers (Content-Type included); the console's static files. */
export function sendBytes(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  send(res, status, { ...headers }, body);
}
