// placeholder, being written
import type { Services } from '../context.js';
import type { Transaction } from '../store/store.js';
import type { OpportunityRecord } from '../store/records.js';
export function createAwsReferral(_services: Services, _body: Record<string, unknown>): unknown { throw new Error('todo'); }
export function expireDueInvitations(_services: Services): number { return 0; }
export function simulateAwsReferral(_tx: Transaction, _services: Services, _opportunity: OpportunityRecord): void {}
