// What a referral seeded through the control plane (`POST /_emulator/invitations`, `/_emulator/referrals`)
// contains when the caller leaves out opportunity details: a complete, realistic customer and project, as a
// real AWS referral carries, so the accepted opportunity reads back like one. The choice among a few fictional
// customers follows the opportunity id (drawn from the seedable id source), so a seed reproduces it; whatever
// the caller sent is merged over these defaults.
import { createHash } from 'node:crypto';
import type { CreateOpportunityRequest } from '../model/generated/types.js';

type OpportunityFields = Omit<CreateOpportunityRequest, 'Catalog' | 'ClientToken'>;

interface SampleCustomer {
  company: string;
  industry: NonNullable<NonNullable<NonNullable<CreateOpportunityRequest['Customer']>['Account']>['Industry']>;
  website: string;
  street: string;
  city: string;
  state: string;
  postalCode: string;
  country: 'US' | 'DE' | 'GB' | 'AU' | 'CA' | 'JP';
  contact: { first: string; last: string; title: string; phone: string };
  title: string;
  problem: string;
  monthlyUsd: string;
}

// Fictional companies on reserved example domains; addresses shaped as in their countries.
const CUSTOMERS: readonly SampleCustomer[] = [
  {
    company: 'Northwind Logistics Inc.',
    industry: 'Transportation and Logistics',
    website: 'https://www.northwind-logistics.example.com',
    street: '1200 Harbor Avenue',
    city: 'Seattle',
    state: 'WA',
    postalCode: '98101',
    country: 'US',
    contact: { first: 'Dana', last: 'Whitfield', title: 'VP of Engineering', phone: '+12065550143' },
    title: 'Fleet telemetry platform migration',
    problem:
      'Northwind runs its fleet-tracking and routing systems in an ageing data centre whose lease ends next year. Peak-season load regularly exceeds capacity, and the team wants a managed, scalable platform for telemetry ingestion and route analytics.',
    monthlyUsd: '18500',
  },
  {
    company: 'Helios Health Partners',
    industry: 'Healthcare',
    website: 'https://www.helios-health.example.com',
    street: '88 Medical Center Drive',
    city: 'Austin',
    state: 'TX',
    postalCode: '78701',
    country: 'US',
    contact: { first: 'Priya', last: 'Raman', title: 'Chief Information Officer', phone: '+15125550178' },
    title: 'Patient records modernization',
    problem:
      'Helios operates twelve clinics on an on-premises electronic health record system that cannot scale to new sites. They need a compliant cloud architecture for patient records, with disaster recovery and analytics on de-identified data.',
    monthlyUsd: '24000',
  },
  {
    company: 'Kestrel Retail GmbH',
    industry: 'Retail',
    website: 'https://www.kestrel-retail.example.com',
    street: 'Friedrichstrasse 120',
    city: 'Berlin',
    state: 'Berlin',
    postalCode: '10117',
    country: 'DE',
    contact: { first: 'Jonas', last: 'Becker', title: 'Head of E-Commerce', phone: '+493055501234' },
    title: 'Omnichannel storefront replatforming',
    problem:
      'Kestrel sells through 140 stores and an online shop whose monolithic platform fails under seasonal peaks. They want to move the storefront and inventory services to a cloud platform that scales with demand and shortens release cycles.',
    monthlyUsd: '15200',
  },
  {
    company: 'Bluefin Capital Ltd',
    industry: 'Financial Services',
    website: 'https://www.bluefin-capital.example.com',
    street: '25 Old Broad Street',
    city: 'London',
    state: 'Greater London',
    postalCode: 'EC2N 1HQ',
    country: 'GB',
    contact: { first: 'Amelia', last: 'Hughes', title: 'Director of Technology', phone: '+442079460321' },
    title: 'Risk analytics data lake',
    problem:
      'Bluefin computes portfolio risk overnight on a fixed grid that no longer finishes before markets open. They need elastic compute for risk models and a governed data lake that meets regulatory retention requirements.',
    monthlyUsd: '32000',
  },
  {
    company: 'Wattle Energy Pty Ltd',
    industry: 'Energy - Power and Utilities',
    website: 'https://www.wattle-energy.example.com',
    street: '400 George Street',
    city: 'Sydney',
    state: 'NSW',
    postalCode: '2000',
    country: 'AU',
    contact: { first: 'Liam', last: "O'Connor", title: 'Digital Transformation Lead', phone: '+61255501987' },
    title: 'Smart meter data platform',
    problem:
      'Wattle is rolling out two million smart meters and its current systems cannot ingest readings at five-minute intervals. They need a streaming ingestion and billing analytics platform that scales with the rollout.',
    monthlyUsd: '21000',
  },
  {
    company: 'Maple Learning Corp.',
    industry: 'Education',
    website: 'https://www.maple-learning.example.com',
    street: '150 King Street West',
    city: 'Toronto',
    state: 'ON',
    postalCode: 'M5H 1J9',
    country: 'CA',
    contact: { first: 'Sophie', last: 'Tremblay', title: 'CTO', phone: '+14165550192' },
    title: 'Online learning platform expansion',
    problem:
      'Maple Learning serves 300,000 students from a single hosting provider and suffers outages during exam periods. They want a resilient, multi-AZ learning platform with video delivery and usage analytics for instructors.',
    monthlyUsd: '12800',
  },
];

const DAY_MS = 86_400_000;
/** A fresh referral's target close date: about a quarter ahead of the business clock. */
const CLOSE_IN_DAYS = 90;

function sampleFor(opportunityId: string): SampleCustomer {
  const digest = createHash('sha256').update(opportunityId).digest();
  return CUSTOMERS[digest.readUInt32BE(0) % CUSTOMERS.length]!;
}

/** The complete opportunity a referral carries when the caller sends no details; `nowMs` is the business clock. */
export function referralDefaults(opportunityId: string, nowMs: number): OpportunityFields {
  const c = sampleFor(opportunityId);
  const domain = new URL(c.website).hostname.replace(/^www\./, '');
  return {
    OpportunityType: 'Net New Business',
    NationalSecurity: 'No',
    PrimaryNeedsFromAws: ['Co-Sell - Technical Consultation'],
    Customer: {
      Account: {
        CompanyName: c.company,
        Industry: c.industry,
        WebsiteUrl: c.website,
        Address: { StreetAddress: c.street, City: c.city, StateOrRegion: c.state, PostalCode: c.postalCode, CountryCode: c.country },
      },
      Contacts: [
        {
          FirstName: c.contact.first,
          LastName: c.contact.last,
          BusinessTitle: c.contact.title,
          Email: `${c.contact.first}.${c.contact.last}@${domain}`.toLowerCase().replace(/'/g, ''),
          Phone: c.contact.phone,
        },
      ],
    },
    Project: {
      Title: c.title,
      CustomerBusinessProblem: c.problem,
      CustomerUseCase: 'Migration / Database Migration',
      DeliveryModels: ['Professional Services'],
      ExpectedCustomerSpend: [{ Amount: c.monthlyUsd, CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      SalesActivities: ['Initialized discussions with customer'],
    },
    LifeCycle: {
      Stage: 'Prospect',
      TargetCloseDate: new Date(nowMs + CLOSE_IN_DAYS * DAY_MS).toISOString().slice(0, 10),
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Structures taken whole when the caller sends them: a street from one address and a country from another is no address. */
const TAKEN_WHOLE = new Set(['Address']);

/** `given` over `defaults`: objects merge member by member; anything else the caller sent (lists too) wins. */
export function mergeOver(defaults: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) && !TAKEN_WHOLE.has(key) ? mergeOver(base, value) : value;
  }
  return merged;
}
