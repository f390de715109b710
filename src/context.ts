// What a handler receives: who is calling, in which catalog, and the shared services (store, clock, ids,
// events, tasks). Handlers never see HTTP.
import type { Caller } from './auth/authenticate.js';
import type { Clock } from './clock.js';
import type { SharedSettings } from './settings.js';
import type { RuntimeConfig, ServerOptions } from './config.js';
import type { EventOutbox } from './events/outbox.js';
import type { IdSource } from './ids.js';
import type { Logger } from './log.js';
import type { OperationName } from './model/generated/operations.js';
import type { OperationShapes, ReviewStatus } from './model/generated/types.js';
import type { Catalog, OpportunityRecord } from './store/records.js';
import type { RetentionSweeper } from './retention.js';
import type { StoreHealthMonitor } from './store/health.js';
import type { UnitOfWork, UnitOfWorkStore } from './store/unit-of-work.js';
import type { TaskRunner } from './tasks/runner.js';
import type { EventDelivery } from './delivery/hub.js';
import type { AccountDirectory } from './accounts.js';
import type { FaultRules } from './faults/rules.js';
import type { Throttle } from './throttling/quotas.js';

export interface Services {
  store: UnitOfWorkStore;
  /** Whether the store takes writes (health route, start-up). */
  storeHealth: StoreHealthMonitor;
  clock: Clock;
  /** The clock and run-time configuration as shared with the other processes on the database. */
  settings: SharedSettings;
  ids: IdSource;
  events: EventOutbox;
  tasks: TaskRunner;
  /** Deletes expired idempotency records and events outside the outbox's retention. */
  retention: RetentionSweeper;
  accounts: AccountDirectory;
  options: ServerOptions;
  runtime: RuntimeConfig;
  log: Logger;
  /** The API pipeline after authentication (validation, handler, rendering), acting as `caller`; set by the server. */
  runOperation: OperationRunner;
  /** Fault-injection rules (`/_emulator/faults`). */
  faults: FaultRules;
  /** Request quota counters, consulted when `runtime.throttling` is `aws`. */
  throttle: Throttle;
  /** Event delivery from the outbox: live streams, webhooks, EventBridge. */
  delivery: EventDelivery;
  /** Sandbox simulations the resource modules trigger (set by `registerSimulations`). */
  simulations: SimulationHooks;
}

// Simulation hooks. Simulations import resource modules, never the reverse; a resource
// module that must set one off (CreateOpportunity's AWS referral, AWS's approval) calls it through here.
export interface SimulationHooks {
  /** CreateOpportunity with Origin "AWS Referral" in Sandbox: AWS's engagement and invitation (decision 16). */
  awsReferral(uow: UnitOfWork, opportunity: OpportunityRecord): Promise<void>;
  /** AWS's review decision (decision 17), before the opportunity is saved: AWS answers the invitations it was sent. */
  reviewBefore(uow: UnitOfWork, opportunity: OpportunityRecord, decision: ReviewStatus): Promise<void>;
  /** …and after: the opportunities of the partners the sender invited follow the decision (behavior.md §2.3). */
  reviewAfter(uow: UnitOfWork, opportunity: OpportunityRecord, decision: ReviewStatus): Promise<void>;
}

/** Answers the rendered output (empty for operations without one) or throws, an ApiError for AWS-shaped refusals. */
export type OperationRunner = (
  operation: OperationName,
  caller: Caller,
  raw: Record<string, unknown>,
  requestId: string,
  /** Filled in as the pipeline learns it, for the request log. */
  seen?: { catalog?: string },
  /** The request body `raw` was parsed from (the API path): a short one keys the read cache as it is. */
  body?: string,
) => Promise<string | Buffer>;

export interface RequestContext {
  operation: OperationName;
  requestId: string;
  caller: Caller;
  /** The caller's account (from the SigV4 credential, decision 7). */
  accountId: string;
  catalog: Catalog;
  services: Services;
  /**
   * The request body as parsed, before validation projected it (nulls and unknown members dropped). Only for
   * the rare member whose explicit `null` means something (UpdateOpportunity's ExpectedContractDuration).
   */
  sent: Readonly<Record<string, unknown>>;
}

/**
 * An answer already serialized by its resource module (a view stored beside its record, see `RecordKind.view`):
 * the server sends the text as it is. It must be exactly what serializing the operation's output would give.
 */
export class RenderedOutput {
  constructor(readonly json: string) {}
}

export type Handler<Op extends OperationName> = (
  ctx: RequestContext,
  input: OperationShapes[Op]['input'],
) => OperationShapes[Op]['output'] | RenderedOutput | Promise<OperationShapes[Op]['output'] | RenderedOutput>;

export type HandlerTable = { [Op in OperationName]?: Handler<Op> };
