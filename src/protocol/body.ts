// Reads a request body with a hard cap: a declared Content-Length over the cap is refused before a byte is
// read, and a chunked body is refused as soon as it crosses the cap, so oversize bodies are never buffered.
// With a time limit, a body still incomplete when it expires is refused (408): a client trickling its body
// cannot hold a socket and a request for longer than that.
import type { IncomingMessage } from 'node:http';
import { FrameworkError, frameworkErrors } from '../errors.js';

export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs?: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(frameworkErrors.entityTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (err: FrameworkError) => {
      failed = true;
      chunks.length = 0;
      if (timer !== undefined) clearTimeout(timer);
      reject(err);
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
      if (!failed) fail(frameworkErrors.requestTimeout('body', timeoutMs));
    }, timeoutMs);
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) fail(frameworkErrors.entityTooLarge(maxBytes));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      if (timer !== undefined) clearTimeout(timer);
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // The client went away mid-body (Node: Error 'aborted'): its fault, not an internal failure.
    req.on('error', () => {
      if (!failed) fail(new FrameworkError('RequestAbortedException', 400, 'The request was aborted before its body was received.'));
    });
  });
}
