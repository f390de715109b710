// EventBridge envelope of the events AWS sends for Partner Central (behavior.md §5.3).
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: 'aws.partnercentral-selling';
  account: string;
  time: string;
  region: 'us-east-1';
  resources: string[];
  detail: Record<string, unknown>;
}
