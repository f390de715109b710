// The live stream (GET /_emulator/events/stream): Server-Sent Events of the outbox, one SSE event per outbox
// event (`id:` the event id, `data:` the envelope), heartbeats as comments. A reader that does not keep up
// makes its stream wait: nothing more is read from the outbox for it until its socket drains.
import type { ServerResponse } from 'node:http';
import type { OutboxCursor } from './cursor.js';
import { Follower } from './follower.js';
import type { DeliveryContext } from './hub.js';
import type { OutboxFilter } from './persistence.js';

export const HEARTBEAT_MS = 15_000;
/** Events read per round. */
const BATCH = 200;

export class StreamFollower extends Follower {
  private readonly heartbeat: NodeJS.Timeout;
  /** Resolves once the response has ended, whoever ended it. */
  readonly ended: Promise<void>;

  constructor(
    private readonly res: ServerResponse,
    cursor: OutboxCursor,
    private readonly filter: OutboxFilter,
    private readonly ctx: DeliveryContext,
  ) {
    super(cursor, ctx.log);
    this.ended = new Promise((resolve) => res.once('close', resolve));
    res.once('close', () => void this.close());
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // The retry hint for EventSource, and a first line so that clients see the stream open at once.
    res.write('retry: 1000\n: stream open\n\n');
    this.heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': heartbeat\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  protected async round(): Promise<boolean> {
    const before = this.cursor.position;
    const batch = await this.cursor.next(this.ctx.store, this.filter, this.ctx.clock.now(), BATCH);
    for (const item of batch.items) {
      if (this.stopped) return false;
      const fits = this.res.write(`id: ${item.envelope.id}\ndata: ${JSON.stringify(item.envelope)}\n\n`);
      this.cursor.ack(item);
      if (!fits) await this.drained();
    }
    this.cursor.finish(batch);
    return batch.items.length > 0 || batch.end !== before;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }

  override async close(): Promise<void> {
    clearInterval(this.heartbeat);
    // A reader that stopped reading would hold a graceful end forever.
    if (this.res.writableNeedDrain) this.res.destroy();
    else this.res.end();
    await super.close();
  }
}
