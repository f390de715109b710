// Webhooks: each registration POSTs every matching outbox event (its EventBridge envelope, as JSON) to a URL,
// one at a time in outbox order, retrying a failure with exponential backoff; an event that still fails after
// `maxAttempts` goes to the webhook's dead-letter list and delivery moves on. Signed with HMAC-SHA256 when the
// registration has a secret.
import { createHmac } from 'node:crypto';
import { VERSION } from '../version.js';
import type { OutboxCursor, Pending } from './cursor.js';
import { backoffMs, Follower } from './follower.js';
import type { DeliveryContext } from './hub.js';
import { loadDeadLetters, saveDeadLetters, type OutboxEvent, type SavedWebhook } from './persistence.js';

export const SIGNATURE_HEADER = 'X-Partnercentral-Local-Signature';
/** Newest dead letters kept per webhook. */
export const MAX_DEAD_LETTERS = 100;
/** Events read per round. */
const BATCH = 100;

/** The name a webhook's cursor and dead letters are kept under. */
export const webhookConsumer = (id: string) => `webhook:${id}`;

export interface DeadLetter {
  event: OutboxEvent['envelope'];
  attempts: number;
  lastError: string;
  /** Wall-clock time it was given up on. */
  failedAt: string;
}

/** `sha256=<hex HMAC-SHA256(secret, body)>`: what a receiver recomputes over the raw body to verify. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The registration as the control plane shows it: the secret is never echoed, only whether there is one. */
export function describeWebhook(webhook: SavedWebhook) {
  const { secret, startAfter: _startAfter, ...shown } = webhook;
  return { ...shown, signed: secret !== undefined };
}

export class WebhookFollower extends Follower {
  constructor(
    readonly webhook: SavedWebhook,
    cursor: OutboxCursor,
    private readonly ctx: DeliveryContext,
  ) {
    super(cursor, ctx.log);
  }

  private accepts = (event: OutboxEvent): boolean =>
    (this.webhook.detailTypes === undefined || this.webhook.detailTypes.includes(event.envelope['detail-type'])) &&
    (this.webhook.accounts === undefined || this.webhook.accounts.includes(event.envelope.account));

  protected async round(): Promise<boolean> {
    const before = this.cursor.position;
    const batch = await this.cursor.next(this.ctx.store, {}, this.ctx.clock.now(), BATCH, this.accepts);
    for (const item of batch.items) {
      if (!(await this.deliver(item))) return false; // stopped: the cursor stays before this event
      this.cursor.ack(item);
      this.ctx.cursorMoved();
    }
    this.cursor.finish(batch);
    if (this.cursor.position !== before) this.ctx.cursorMoved();
    return batch.items.length > 0 || batch.end !== before;
  }

  /** Tries until delivered or dead-lettered; answers false only when stopped first. */
  private async deliver(item: Pending): Promise<boolean> {
    const body = JSON.stringify(item.envelope);
    const policy = this.ctx.retry;
    let lastError = '';
    for (let attempt = 1; attempt <= this.webhook.maxAttempts; attempt++) {
      if (attempt > 1 && !(await this.pause(backoffMs(policy, attempt - 1)))) return false;
      if (this.stopped) return false;
      lastError = await this.post(body, item.envelope.id, attempt);
      if (lastError === '') return true;
      if (this.stopped) return false;
      this.log.warn(`webhook ${this.webhook.id}: delivery of event ${item.envelope.id} failed (attempt ${attempt} of ${this.webhook.maxAttempts}): ${lastError}`);
    }
    await this.deadLetter({ event: item.envelope, attempts: this.webhook.maxAttempts, lastError, failedAt: new Date().toISOString() });
    return true;
  }

  /** One POST; answers '' on a 2xx, else what went wrong. */
  private async post(body: string, eventId: string, attempt: number): Promise<string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `partnercentral-local/${VERSION}`,
      'x-partnercentral-local-event-id': eventId,
      'x-partnercentral-local-attempt': String(attempt),
    };
    if (this.webhook.secret !== undefined) headers[SIGNATURE_HEADER.toLowerCase()] = signature(this.webhook.secret, body);
    try {
      const res = await fetch(this.webhook.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        // Not aborted by close(): an attempt in flight runs to its answer (or timeout), so a receiver that got the
        // event is acknowledged and the next deliverer (after a restart or a takeover) does not send it again.
        signal: AbortSignal.timeout(this.ctx.retry.timeoutMs),
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 300 ? '' : `HTTP ${res.status}`;
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${this.ctx.retry.timeoutMs} ms`;
      return `${err instanceof Error ? err.message : String(err)}${cause}`;
    }
  }

  private async deadLetter(letter: DeadLetter): Promise<void> {
    const letters = await loadDeadLetters<DeadLetter>(this.ctx.store, webhookConsumer(this.webhook.id));
    letters.push(letter);
    await saveDeadLetters(this.ctx.store, webhookConsumer(this.webhook.id), letters.slice(-MAX_DEAD_LETTERS));
    this.log.warn(`webhook ${this.webhook.id}: event ${letter.event.id} moved to the dead letters after ${letter.attempts} attempts (${letter.lastError})`);
  }
}
