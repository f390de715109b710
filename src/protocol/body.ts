// Reads a request body with a hard cap: a declared Content-Length over the cap is refused before a byte is
// read, and a chunked body is refused as soon as it crosses the cap, so oversize bodies are never buffered.
import type { IncomingMessage } from 'node:http';
import { FrameworkError, frameworkErrors } from '../errors.js';

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(frameworkErrors.entityTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(frameworkErrors.entityTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // The client went away mid-body (Node: Error 'aborted'): its fault, not an internal failure.
    req.on('error', () => {
      if (!failed) {
        failed = true;
        reject(new FrameworkError('RequestAbortedException', 400, 'The request was aborted before its body was received.'));
      }
    });
  });
}
