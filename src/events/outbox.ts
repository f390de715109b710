// Builds EventBridge envelopes (behavior.md §5.3) and appends them to the outbox inside the caller's
// transaction, so an event exists exactly when the state change it announces was committed.
import type { UnitOfWork } from '../store/unit-of-work.js';
import type { IdSource } from '../ids.js';
import type { EventEnvelope } from './envelope.js';

export type DetailType =
  | 'Opportunity Created'
  | 'Opportunity Updated'
  | 'Engagement Invitation Created'
  | 'Engagement Invitation Accepted'
  | 'Engagement Invitation Rejected'
  | 'Engagement Invitation Expired'
  | 'Engagement Member Added'
  | 'Engagement Resource Snapshot Created'
  | 'Engagement Created'
  | 'Engagement Updated';

/** Real envelopes carry `time` at second precision. */
function eventTime(nowMs: number): string {
  return new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class EventOutbox {
  constructor(
    private readonly ids: IdSource,
    private readonly now: () => number,
  ) {}

  /**
   * Appends one event addressed to `account`. AWS itself (`aws`) receives no events. `atMs` dates an event that
   * happens later on the business clock (a delayed referral's arrival); readers see it from then on.
   */
  async emit(uow: UnitOfWork, account: string, detailType: DetailType, resources: string[], detail: Record<string, unknown>, atMs?: number): Promise<void> {
    if (account === 'aws') return;
    const envelope: EventEnvelope = {
      version: '0',
      id: await this.ids.uuid(uow, 'event'),
      'detail-type': detailType,
      source: 'aws.partnercentral-selling',
      account,
      time: eventTime(atMs ?? this.now()),
      region: 'us-east-1',
      resources,
      detail,
    };
    await uow.appendEvent(envelope, atMs ?? 0);
  }
}
