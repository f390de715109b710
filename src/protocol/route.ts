// Finds the operation of a request: awsJson1_0 (`POST /` + `X-Amz-Target: AWSPartnerCentralSelling.<Op>`) or
// the REST style AWS's Postman collection uses (`POST /<Op>`). Both answer identically (decision 1).
import type { IncomingHttpHeaders } from 'node:http';
import { frameworkErrors } from '../errors.js';
import { operationNames, type OperationName } from '../model/generated/operations.js';

export const TARGET_PREFIX = 'AWSPartnerCentralSelling.';

export type Routing = 'awsJson' | 'rest';

export interface Route {
  operation: OperationName;
  routing: Routing;
}

const known: ReadonlySet<string> = new Set(operationNames);

export function resolveRoute(method: string, path: string, headers: IncomingHttpHeaders): Route {
  const target = headers['x-amz-target'];
  if (method !== 'POST') {
    throw frameworkErrors.unknownOperation(`Only POST is supported; got ${method} ${path}.`);
  }
  if (typeof target === 'string' && target !== '') {
    // X-Amz-Target wins when both are present (protocol.md §1.2).
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!known.has(name)) throw frameworkErrors.unknownOperation();
    return { operation: name as OperationName, routing: 'awsJson' };
  }
  // Accept the root and `/<Op>` with or without a trailing slash; empty segments are ignored.
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.length === 1 && known.has(segments[0]!)) {
    return { operation: segments[0] as OperationName, routing: 'rest' };
  }
  throw frameworkErrors.unknownOperation();
}
