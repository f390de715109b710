// Identifier formats of the real service (behavior.md §6), drawn from one seedable source.
// Each identifier is derived from (seed, kind, sequence number); sequence numbers live in the database and
// advance inside the caller's transaction, so identifiers never repeat across restarts and a given seed
// reproduces the same identifiers run after run.
import { createHmac } from 'node:crypto';

export type IdKind = 'opportunity' | 'engagement' | 'invitation' | 'task' | 'job' | 'event' | 'token';

/** Where sequence numbers come from: the caller's unit of work, so they commit (or roll back) with it. */
export interface SequenceSource {
  /** Returns the next sequence number for `kind` (1, 2, 3, …), persisted with the current transaction. */
  nextSequence(kind: string): Promise<number>;
}

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** First opportunity number: real ids are 7–8 digits and grow over time. */
const OPPORTUNITY_BASE = 5_000_000;

export class IdSource {
  constructor(private readonly seed: string) {}

  private async bytes(uow: SequenceSource, kind: IdKind): Promise<Buffer> {
    const n = await uow.nextSequence(kind);
    return createHmac('sha256', this.seed).update(`${kind}:${n}`).digest();
  }

  private async base36(uow: SequenceSource, kind: IdKind, length: number): Promise<string> {
    const digest = await this.bytes(uow, kind);
    let out = '';
    for (let i = 0; i < length; i++) out += ALPHABET[digest[i]! % 36];
    return out;
  }

  async opportunityId(uow: SequenceSource): Promise<string> {
    return `O${OPPORTUNITY_BASE + (await uow.nextSequence('opportunity'))}`;
  }
  async engagementId(uow: SequenceSource): Promise<string> {
    return `eng-${await this.base36(uow, 'engagement', 14)}`;
  }
  async invitationId(uow: SequenceSource): Promise<string> {
    return `engi-${await this.base36(uow, 'invitation', 13)}`;
  }
  async taskId(uow: SequenceSource): Promise<string> {
    return `task-${await this.base36(uow, 'task', 13)}`;
  }
  /** Prospecting tasks have one more character than the other tasks (decision 20). */
  async prospectingTaskId(uow: SequenceSource): Promise<string> {
    return `task-${await this.base36(uow, 'task', 14)}`;
  }
  async snapshotJobId(uow: SequenceSource): Promise<string> {
    return `job-${await this.base36(uow, 'job', 13)}`;
  }
  /** UUID-shaped identifier (EventBridge event ids). */
  async uuid(uow: SequenceSource, kind: 'event' | 'token' = 'event'): Promise<string> {
    const h = (await this.bytes(uow, kind)).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
