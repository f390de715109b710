// placeholder, being written
import type { Services } from '../context.js';
import type { Transaction } from '../store/store.js';
import type { OpportunityRecord } from '../store/records.js';
export function snapshotOnChange(_tx: Transaction, _services: Services, _opportunity: OpportunityRecord): void {}
