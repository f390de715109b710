// Identifier formats of the real service (behavior.md §6), drawn from one seedable source.
// Each identifier is derived from (seed, kind, sequence number); sequence numbers live in the database and
// advance inside the caller's transaction, so identifiers never repeat across restarts and a given seed
// reproduces the same identifiers run after run.
import { createHmac } from 'node:crypto';

export type IdKind = 'opportunity' | 'engagement' | 'invitation' | 'task' | 'job' | 'event' | 'token';

export interface SequenceSource {
  /** Returns the next sequence number for `kind` (1, 2, 3, …), persisted with the current transaction. */
  next(kind: IdKind): number;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** First opportunity number: real ids are 7–8 digits and grow over time. */
const OPPORTUNITY_BASE = 5_000_000;

export class IdSource {
  constructor(
    private readonly seed: string,
    private readonly sequences: SequenceSource,
  ) {}

  private bytes(kind: IdKind): Buffer {
    const n = this.sequences.next(kind);
    return createHmac('sha256', this.seed).update(`${kind}:${n}`).digest();
  }

  private base36(kind: IdKind, length: number): string {
    const digest = this.bytes(kind);
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[digest[i]! % 36];
    return out;
  }

  opportunityId(): string {
    return `O${OPPORTUNITY_BASE + this.sequences.next('opportunity')}`;
  }
  engagementId(): string {
    return `eng-${this.base36('engagement', 14)}`;
  }
  invitationId(): string {
    return `engi-${this.base36('invitation', 13)}`;
  }
  taskId(): string {
    return `task-${this.base36('task', 13)}`;
  }
  snapshotJobId(): string {
    return `job-${this.base36('job', 13)}`;
  }
  /** UUID-shaped identifier (EventBridge event ids). */
  uuid(kind: 'event' | 'token' = 'event'): string {
    const h = this.bytes(kind).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
