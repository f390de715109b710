// How the console talks to the server: the control plane (plain JSON) and the public API through
// POST /_emulator/call, which runs an operation as an account without SigV4 signing.

export class ControlPlaneError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** An AWS error answer (`errorType`, `error.Message`), as an SDK would raise it. */
export class AwsError extends Error {
  constructor(answer) {
    super(`${answer.errorType}: ${answer.error?.Message ?? ''}`);
    this.answer = answer;
  }
}

export async function control(path, { method = 'GET', body } = {}) {
  const res = await fetch(`/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const value = text === '' ? {} : JSON.parse(text);
  if (!res.ok) throw new ControlPlaneError(res.status, value.error ?? `${res.status} ${res.statusText}`);
  return value;
}

/** Runs one API operation as `account`; answers the output or throws an AwsError. */
export async function call(account, operation, input) {
  const answer = await control('call', { method: 'POST', body: { account, operation, input } });
  if (answer.status !== 200) throw new AwsError(answer);
  return answer.output;
}

/** Follows NextToken through at most `maxPages` pages and concatenates the `key` lists. */
export async function listAll(account, operation, input, key, maxPages = 10) {
  const items = [];
  let NextToken;
  for (let page = 0; page < maxPages; page++) {
    const out = await call(account, operation, { ...input, ...(NextToken ? { NextToken } : {}) });
    items.push(...(out[key] ?? []));
    NextToken = out.NextToken;
    if (!NextToken) break;
  }
  return items;
}

export function newClientToken() {
  return globalThis.crypto?.randomUUID?.() ?? `console-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Delivers the outbox's events, oldest first, in batches: everything already there, then what arrives.
 * Today it polls GET /_emulator/events once a second; switching to the live stream (SSE) means replacing
 * only this function. `onReset` is called when the last seen event is gone (the state was reset).
 * Returns a function that stops the stream.
 */
export function streamEvents(onEvents, onReset, intervalMs = 1000) {
  let after = '';
  let stopped = false;
  let timer;
  async function poll() {
    try {
      for (;;) {
        const query = new URLSearchParams({ limit: '1000', ...(after ? { after } : {}) });
        const { events } = await control(`events?${query}`);
        if (stopped) return;
        if (events.length > 0) {
          after = events[events.length - 1].id;
          onEvents(events);
        }
        if (events.length < 1000) break;
      }
    } catch (err) {
      if (err instanceof ControlPlaneError && err.status === 404 && after) {
        after = '';
        onReset();
      }
    }
    if (!stopped) timer = setTimeout(poll, intervalMs);
  }
  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
