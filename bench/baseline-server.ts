// The baseline of every benchmark: a bare node:http server that reads the request body and answers a fixed
// JSON document the size of a GetOpportunity response. Run as a child process:
//   node dist/bench/baseline-server.js --port <n>
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** A GetOpportunity answer of the shape and size the emulator returns for the benchmark's opportunity. */
export const BASELINE_DOCUMENT = {
  Catalog: 'Sandbox',
  Id: 'O5000001',
  Arn: 'arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O5000001',
  PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
  NationalSecurity: 'No',
  PartnerOpportunityIdentifier: 'bench-opp-1',
  Customer: {
    Account: {
      Industry: 'Software and Internet',
      CompanyName: 'Example Corp',
      WebsiteUrl: 'https://example.com',
      Address: { City: 'Seattle', PostalCode: '98101', StateOrRegion: 'Washington', CountryCode: 'US', StreetAddress: '123 Main St' },
    },
    Contacts: [{ Email: 'jane@example.com', FirstName: 'Jane', LastName: 'Doe', BusinessTitle: 'CTO', Phone: '+12065550100' }],
  },
  Project: {
    DeliveryModels: ['SaaS or PaaS'],
    ExpectedCustomerSpend: [{ Amount: '10000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
    Title: 'Data platform migration',
    CustomerBusinessProblem:
      'The customer needs to migrate its on-premises data warehouse to a managed cloud analytics platform to reduce cost and improve agility.',
    CustomerUseCase: 'Migration',
    SalesActivities: ['Initialized discussions with customer'],
  },
  OpportunityType: 'Net New Business',
  Marketing: { Source: 'None' },
  LifeCycle: {
    Stage: 'Prospect',
    NextSteps: 'Schedule architecture review',
    TargetCloseDate: '2030-12-31',
    ReviewStatus: 'Pending Submission',
    NextStepsHistory: [{ Value: 'Schedule architecture review', Time: '2026-01-01T00:00:00.000Z' }],
  },
  OpportunityTeam: [{ BusinessTitle: 'OpportunityOwner', Email: 'alliance-lead-111111111111@example.com', FirstName: 'Alliance', LastName: 'Lead' }],
  RelatedEntityIdentifiers: { AwsProducts: [], Solutions: [], AwsMarketplaceOffers: [], AwsMarketplaceOfferSets: [] },
  CreatedDate: '2026-01-01T00:00:00.000Z',
  LastModifiedDate: '2026-01-01T00:00:00.000Z',
};

export const BASELINE_BODY = JSON.stringify(BASELINE_DOCUMENT);

export function startBaseline(port: number): void {
  const body = Buffer.from(BASELINE_BODY);
  const headers = { 'Content-Type': 'application/x-amz-json-1.0', 'Content-Length': String(body.length) };
  const server = createServer((req, res) => {
    // Consume the request like a real handler would, then answer.
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  startBaseline(i >= 0 ? Number(process.argv[i + 1]) : 0);
}
