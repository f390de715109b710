// HTTP at the socket level, where Node's defaults would answer without AWS's shape or leave a socket open:
// slow clients (408, then the socket is destroyed), unparseable requests, `Expect` other than 100-continue,
// `Upgrade` and CONNECT, and answers given before the request body has arrived (413 above all), which must
// not turn into a broken pipe for a client still uploading.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerOptions as HttpServerOptions, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { FrameworkError, frameworkErrors, type ApiError } from '../errors.js';
import { errorBody, sendError, AWS_JSON_CONTENT_TYPE } from './respond.js';

export interface HttpEdgeLimits {
  headerTimeoutMs: number;
  bodyTimeoutMs: number;
  maxBodyBytes: number;
}

/** A refused upload is read and discarded up to this multiple of the body cap before its socket is cut. */
const DRAIN_FACTOR = 4;

/** Sockets whose current request was already answered while its body was still arriving (see lingerBeforeClose). */
const answeredEarly = new WeakSet<Duplex>();

/** `Expect: 100-continue` requests refused before their body was asked for: it is not coming, so no draining. */
const notInvited = new WeakSet<IncomingMessage>();

/** Options for `createServer`: Node enforces both timeouts itself, checking its connections this often. */
export function httpServerOptions(limits: HttpEdgeLimits): HttpServerOptions {
  const shortest = Math.min(limits.headerTimeoutMs, limits.bodyTimeoutMs);
  return {
    headersTimeout: limits.headerTimeoutMs,
    // Whole request; readBody's own timer normally answers first, with the request's id. This is the backstop
    // for bodies nobody reads (an answer given early, a request that is being drained).
    requestTimeout: limits.headerTimeoutMs + limits.bodyTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(shortest / 4))),
  };
}

/** Installs the socket-level handlers on `server` (whose request listener serves everything else). */
export function installHttpEdges(server: Server, limits: HttpEdgeLimits): void {
  // Node emits this for requests it cannot parse and for its header and request timeouts. Its own answer is a
  // bare status line; ours is AWS-shaped, and the socket is destroyed rather than half-closed (a half-closed
  // socket stays open as long as the client does).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET' || answeredEarly.has(socket)) {
      socket.destroy();
      return;
    }
    const answer = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? frameworkErrors.requestTimeout('headers', limits.headerTimeoutMs)
      : new FrameworkError('MalformedHttpRequestException', 400, 'The request is not valid HTTP.');
    answerOnSocket(socket, answer);
  });

  // Only ask for the body when it can be accepted: an oversize upload is refused (413) before it is sent.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length']) > limits.maxBodyBytes) notInvited.add(req);
    else res.writeContinue();
    server.emit('request', req, res);
  });

  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const err = frameworkErrors.expectationFailed(String(req.headers.expect));
    prepareErrorAnswer(req, res, err.httpStatus, limits);
    sendError(res, randomUUID(), routingOf(req), err);
  });

  // With an `upgrade` listener Node hands over the raw socket; without one it serves the request normally but
  // leaves its parser stopped at the upgrade, so the next request on the socket is never read. We keep the
  // normal serving (an HTTP/1.1 server may ignore Upgrade, as curl --http2's h2c offer expects) and close the
  // connection after the answer: see closesAfterAnswer. CONNECT has no meaning here: refuse it and close.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    answerOnSocket(socket, frameworkErrors.unknownOperation(`Only POST is supported; got ${req.method} ${req.url}.`));
  });
}

/** Called by the request listener: a request offering an upgrade is answered normally, then its socket closed. */
export function closesAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (req.headers.upgrade !== undefined) res.setHeader('Connection', 'close');
}

/**
 * Called before an error answer is written. A 408 closes the connection (Node destroys the socket once the
 * answer is out), as does an answer to a body never invited (no 100 Continue was sent). Any other answer given while the body is still arriving closes the connection too, but
 * only after reading (and discarding) the rest of the body: see lingerBeforeClose.
 */
export function prepareErrorAnswer(req: IncomingMessage, res: ServerResponse, status: number, limits: HttpEdgeLimits): void {
  if (req.socket.destroyed) return;
  if (status === 408 || notInvited.has(req)) {
    answeredEarly.add(req.socket);
    res.setHeader('Connection', 'close');
    return;
  }
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  lingerBeforeClose(req, limits);
}

/**
 * Closing a socket whose peer is still sending makes the kernel answer with a reset, and a client that writes
 * its whole body before reading (Python's http.client, a plain socket) then gets a broken pipe instead of the
 * answer waiting in its receive buffer. So the rest of the body is read and thrown away as it streams in, and
 * the socket is closed once it has all arrived, or destroyed once more than DRAIN_FACTOR × the body cap has
 * arrived or the body timeout has passed.
 */
function lingerBeforeClose(req: IncomingMessage, limits: HttpEdgeLimits): void {
  const socket = req.socket;
  answeredEarly.add(socket);
  // Node closes the socket of a `Connection: close` answer by calling destroySoon() once the answer is written;
  // hold that call until the body is drained.
  const closeSoon = socket.destroySoon.bind(socket);
  let drained = false;
  let closeRequested = false;
  socket.destroySoon = () => {
    closeRequested = true;
    if (drained) closeSoon();
  };
  let received = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', onEnd);
  };
  const cut = () => {
    stop();
    socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > DRAIN_FACTOR * limits.maxBodyBytes) cut();
  };
  const onEnd = () => {
    stop();
    drained = true;
    if (closeRequested) closeSoon();
  };
  const timer = setTimeout(cut, limits.bodyTimeoutMs);
  timer.unref();
  socket.once('close', stop);
  req.on('data', onData); // also keeps the request flowing: nothing is buffered
  req.once('end', onEnd);
}

function routingOf(req: IncomingMessage): 'awsJson' | 'rest' {
  const url = req.url ?? '/';
  return url === '/' || url.startsWith('/?') ? 'awsJson' : 'rest';
}

/** Writes an AWS-shaped error straight to a socket that has no response object, then destroys the socket. */
function answerOnSocket(socket: Duplex, err: ApiError): void {
  const body = errorBody(err);
  // end() only half-closes: destroy once the answer is handed to the kernel, and in any case soon after.
  socket.end(
    `HTTP/1.1 ${err.httpStatus} ${STATUS_CODES[err.httpStatus] ?? 'Error'}\r\nContent-Type: ${AWS_JSON_CONTENT_TYPE}\r\n` +
      `x-amzn-RequestId: ${randomUUID()}\r\nx-amzn-ErrorType: ${err.code}\r\nDate: ${new Date().toUTCString()}\r\n` +
      `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}
