// The resource views: how each list is loaded through the public API, its columns, the value its filter
// offers, and its detail view with the simulations that apply to it. Adding a resource is adding an entry.
import { listAll, newClientToken } from './api.js';
import { h, pretty, shortTime } from './dom.js';

const REVIEW_DECISIONS = ['Approved', 'Action Required', 'Rejected', 'In review'];
const REJECTION_REASONS = ['Customer problem unclear', 'Next steps unclear', 'Unable to support', 'Duplicate of partner referral', 'Other'];

/** A select and a button; `run(value)` is the action. */
function choice(label, values, run) {
  const select = h('select', { 'aria-label': label }, values.map((v) => h('option', {}, v)));
  return h('span', { class: 'action' }, select, h('button', { onclick: () => run(select.value) }, label));
}

/** Sandbox review simulation (decision 17): the GetOpportunity body sent back with AWS's review status. */
function reviewInput(opportunity, status, comments) {
  const { Id, CreatedDate, OpportunityTeam, RelatedEntityIdentifiers, Arn, ...rest } = opportunity;
  return { ...rest, Identifier: Id, LifeCycle: { ...rest.LifeCycle, ReviewStatus: status, ReviewComments: comments || undefined } };
}

const AWS_STAGES = ['Not Started', 'In Progress', 'Prospect', 'Engaged', 'Identified', 'Qualify', 'Research', 'Seller Engaged', 'Evaluating',
  'Seller Registered', 'Term Sheet Negotiation', 'Contract Negotiation', 'Onboarding', 'Building Integration', 'Qualified', 'On-hold',
  'Technical Validation', 'Business Validation', 'Committed', 'Launched', 'Deferred to Partner', 'Closed Lost', 'Completed', 'Closed Incomplete'];

function labelled(label, control) {
  return h('label', {}, h('span', {}, label), control);
}

/**
 * A small form for what only AWS writes; `body(values)` builds the request (or throws on bad raw JSON) and
 * `send(body)` posts it. The server's refusal (4xx text) is shown under the form as well as in the status bar.
 */
function awsDataForm(c, id, label, controls, body, send) {
  const error = h('p', { class: 'error', 'aria-live': 'polite' });
  const form = h('form', { id, class: 'aws-data', onsubmit: (e) => {
    e.preventDefault();
    error.textContent = '';
    c.act(label, async () => {
      try {
        return await send(body(Object.fromEntries(new FormData(form).entries())));
      } catch (err) {
        error.textContent = err.status ? `${err.status} ${err.message}` : String(err.message ?? err);
        throw err;
      }
    });
  } }, h('h4', {}, 'AWS-side data'), h('div', { class: 'grid' }, controls), h('button', { type: 'submit', class: 'primary' }, 'Set AWS-side data'), error);
  return form;
}

/** The raw-JSON textarea's members, merged under the form's fields. */
function rawMembers(text, what) {
  if (!text.trim()) return {};
  let value;
  try { value = JSON.parse(text); } catch (err) { throw new Error(`${what} is not JSON: ${err.message}`); }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be a JSON object.`);
  return value;
}

function awsOpportunityForm(c, o) {
  const controls = [
    labelled('Stage (empty: keep)', h('select', { name: 'stage' }, h('option', { value: '' }, ''), AWS_STAGES.map((s) => h('option', {}, s)))),
    labelled('Quality score (0–100)', h('input', { name: 'score', type: 'number', min: 0, max: 100 })),
    labelled('Quality trend', h('input', { name: 'trend', list: 'quality-trends' })),
    h('datalist', { id: 'quality-trends' }, ['Improving', 'Stable', 'Declining'].map((t) => h('option', { value: t }))),
    labelled('Co-sell motion', h('input', { name: 'cosellMotion' })),
    labelled('Other members (JSON: lifeCycle, team, insights, recommendations, softwareRevenue, …)',
      h('textarea', { name: 'raw', rows: 3, placeholder: '{"team": [{"FirstName": "Ana", "Email": "ana@example.com"}]}' })),
  ];
  const body = (v) => {
    const quality = {};
    if (v.score !== '') quality.Score = Number(v.score);
    if (v.trend) quality.Trend = v.trend;
    return {
      ...rawMembers(v.raw, 'Other members'),
      accountId: c.account, catalog: c.catalog, opportunityId: o.Id,
      ...(v.stage ? { stage: v.stage } : {}),
      ...(Object.keys(quality).length ? { opportunityQuality: quality } : {}),
      ...(v.cosellMotion ? { cosellMotion: v.cosellMotion } : {}),
    };
  };
  return awsDataForm(c, 'aws-opportunity-form', `AWS-side data ${o.Id}`, controls, body,
    (b) => c.control('aws-opportunity-data', { method: 'POST', body: b }));
}

function awsInvitationForm(c, i) {
  const controls = [
    labelled('Lead readiness score (empty: keep)', h('select', { name: 'leadReadinessScore' }, ['', 'Low', 'Medium', 'High'].map((s) => h('option', { value: s }, s)))),
    labelled('EnrichmentContext (JSON)', h('textarea', { name: 'enrichmentContext', rows: 3, placeholder: '{"LeadInsights": {"LeadReadinessScore": "High"}}' })),
  ];
  const body = (v) => ({
    catalog: c.catalog,
    ...(v.leadReadinessScore ? { leadReadinessScore: v.leadReadinessScore } : {}),
    ...(v.enrichmentContext.trim() ? { enrichmentContext: rawMembers(v.enrichmentContext, 'EnrichmentContext') } : {}),
  });
  return awsDataForm(c, 'aws-invitation-form', `AWS-side data ${i.Id}`, controls, body,
    (b) => c.control(`invitations/${encodeURIComponent(i.Id)}/aws-data`, { method: 'PUT', body: b }));
}

export const views = [
  {
    id: 'opportunities',
    title: 'Opportunities',
    load: (c) => listAll(c.account, 'ListOpportunities', { Catalog: c.catalog }, 'OpportunitySummaries'),
    key: (r) => r.Id,
    columns: [
      ['Id', (r) => r.Id],
      ['Customer', (r) => r.Customer?.Account?.CompanyName],
      ['Stage', (r) => r.LifeCycle?.Stage],
      ['Review', (r) => r.LifeCycle?.ReviewStatus],
      ['Modified', (r) => shortTime(r.LastModifiedDate)],
    ],
    status: (r) => r.LifeCycle?.ReviewStatus,
    async detail(c, row) {
      const o = await c.call('GetOpportunity', { Catalog: c.catalog, Identifier: row.Id });
      const comments = h('input', { placeholder: 'ReviewComments (optional)', 'aria-label': 'Review comments' });
      // AWS's view exists once the opportunity was submitted; before that the call is refused, and that is shown.
      const awsSummary = await c.call('GetAwsOpportunitySummary', { Catalog: c.catalog, RelatedOpportunityIdentifier: o.Id })
        .then((s) => s, (err) => ({ unavailable: err.message }));
      const submitted = o.LifeCycle?.ReviewStatus && o.LifeCycle.ReviewStatus !== 'Pending Submission';
      return {
        title: `Opportunity ${o.Id}`,
        fields: [
          ['Customer', o.Customer?.Account?.CompanyName],
          ['Project', o.Project?.Title],
          ['Stage', o.LifeCycle?.Stage],
          ['Review status', o.LifeCycle?.ReviewStatus],
          ['Review comments', o.LifeCycle?.ReviewComments],
          ['Type', o.OpportunityType],
          ['Created', shortTime(o.CreatedDate)],
        ],
        data: o,
        actions:
          c.catalog === 'Sandbox'
            ? [h('span', { class: 'action' }, comments), choice('Review as AWS', REVIEW_DECISIONS, (s) =>
                c.act(`Review ${o.Id}: ${s}`, () => c.call('UpdateOpportunity', reviewInput(o, s, comments.value))))]
            : [h('span', { class: 'hint' }, 'Review decisions can be simulated in the Sandbox catalog only.')],
        extra: [
          submitted ? awsOpportunityForm(c, o) : h('p', { class: 'hint' }, 'AWS-side data can be set once the opportunity is submitted.'),
          h('section', { id: 'aws-summary' }, h('h4', {}, 'AWS summary (GetAwsOpportunitySummary)'), pretty(awsSummary)),
        ],
      };
    },
  },
  {
    id: 'invitations',
    title: 'Invitations',
    async load(c) {
      const byRole = (ParticipantType) =>
        listAll(c.account, 'ListEngagementInvitations', { Catalog: c.catalog, ParticipantType }, 'EngagementInvitationSummaries');
      const [received, sent] = await Promise.all([byRole('RECEIVER'), byRole('SENDER')]);
      return [...received, ...sent];
    },
    key: (r) => r.Id,
    columns: [
      ['Id', (r) => r.Id],
      ['Role', (r) => r.ParticipantType],
      ['Type', (r) => r.PayloadType],
      ['From', (r) => r.SenderCompanyName ?? r.SenderAwsAccountId],
      ['Status', (r) => r.Status],
      ['Expires', (r) => shortTime(r.ExpirationDate)],
    ],
    status: (r) => r.Status,
    async detail(c, row) {
      const i = await c.call('GetEngagementInvitation', { Catalog: c.catalog, Identifier: row.Arn ?? row.Id });
      const pending = i.Status === 'PENDING' && row.ParticipantType === 'RECEIVER';
      const accept = i.PayloadType === 'OpportunityInvitation'
        ? () => c.call('StartEngagementByAcceptingInvitationTask', { Catalog: c.catalog, Identifier: i.Arn, ClientToken: newClientToken() })
        : () => c.call('AcceptEngagementInvitation', { Catalog: c.catalog, Identifier: i.Arn });
      return {
        title: `Invitation ${i.Id}`,
        fields: [
          ['Status', i.Status],
          ['Engagement', i.EngagementId],
          ['Title', i.EngagementTitle],
          ['Sender', `${i.SenderCompanyName ?? ''} (${i.SenderAwsAccountId ?? ''})`],
          ['Invited', shortTime(i.InvitationDate)],
          ['Expires', shortTime(i.ExpirationDate)],
          ['Rejection reason', i.RejectionReason],
        ],
        data: i,
        actions: pending
          ? [h('button', { class: 'primary', onclick: () => c.act(`Accept ${i.Id}`, accept) }, 'Accept'),
             choice('Reject', REJECTION_REASONS, (reason) =>
               c.act(`Reject ${i.Id}`, () => c.call('RejectEngagementInvitation', { Catalog: c.catalog, Identifier: i.Arn, RejectionReason: reason })))]
          : [],
        extra: [awsInvitationForm(c, i)],
      };
    },
  },
  {
    id: 'engagements',
    title: 'Engagements',
    load: (c) => listAll(c.account, 'ListEngagements', { Catalog: c.catalog }, 'EngagementSummaryList'),
    key: (r) => r.Id,
    columns: [
      ['Id', (r) => r.Id],
      ['Title', (r) => r.Title],
      ['Members', (r) => r.MemberCount],
      ['Created by', (r) => r.CreatedBy],
      ['Modified', (r) => shortTime(r.ModifiedAt)],
    ],
    status: (r) => r.CreatedBy,
    async detail(c, row) {
      const input = { Catalog: c.catalog, Identifier: row.Id };
      const [engagement, members, resources] = await Promise.all([
        c.call('GetEngagement', input),
        listAll(c.account, 'ListEngagementMembers', input, 'EngagementMemberList'),
        listAll(c.account, 'ListEngagementResourceAssociations', { Catalog: c.catalog, EngagementIdentifier: row.Id }, 'EngagementResourceAssociationSummaries'),
      ]);
      return {
        title: `Engagement ${row.Id}`,
        fields: [
          ['Title', engagement.Title],
          ['Members', members.map((m) => `${m.CompanyName} (${m.AccountId})`).join(', ')],
          ['Resources', resources.map((r) => `${r.ResourceType} ${r.ResourceId}`).join(', ')],
        ],
        data: { engagement, members, resources },
        actions: [],
      };
    },
  },
  {
    id: 'tasks',
    title: 'Tasks',
    load: (c) => listAll(c.account, 'ListEngagementByAcceptingInvitationTasks', { Catalog: c.catalog }, 'TaskSummaries'),
    key: (r) => r.TaskId,
    columns: [
      ['Task', (r) => r.TaskId],
      ['Status', (r) => r.TaskStatus],
      ['Invitation', (r) => r.EngagementInvitationId],
      ['Opportunity', (r) => r.OpportunityId],
      ['Reason', (r) => r.ReasonCode],
      ['Started', (r) => shortTime(r.StartTime)],
    ],
    status: (r) => r.TaskStatus,
    detail: async (c, row) => ({
      title: `Task ${row.TaskId}`,
      fields: [['Status', row.TaskStatus], ['Reason', row.ReasonCode], ['Message', row.Message], ['Snapshot job', row.ResourceSnapshotJobId]],
      data: row,
      actions: [],
    }),
  },
  {
    id: 'snapshot-jobs',
    title: 'Snapshot jobs',
    load: (c) => listAll(c.account, 'ListResourceSnapshotJobs', { Catalog: c.catalog }, 'ResourceSnapshotJobSummaries'),
    key: (r) => r.Id,
    columns: [['Id', (r) => r.Id], ['Engagement', (r) => r.EngagementId], ['Status', (r) => r.Status]],
    status: (r) => r.Status,
    async detail(c, row) {
      const job = await c.call('GetResourceSnapshotJob', { Catalog: c.catalog, ResourceSnapshotJobIdentifier: row.Id });
      return {
        title: `Snapshot job ${row.Id}`,
        fields: [['Status', job.Status], ['Resource', `${job.ResourceType} ${job.ResourceId}`], ['Template', job.ResourceSnapshotTemplateName], ['Latest error', job.LastFailure]],
        data: job,
        actions: [],
      };
    },
  },
  {
    id: 'snapshots',
    title: 'Snapshots',
    // Snapshots are listed per engagement; the engagement travels with each row for its detail view.
    async load(c) {
      const engagements = await listAll(c.account, 'ListEngagements', { Catalog: c.catalog }, 'EngagementSummaryList');
      const lists = await Promise.all(engagements.map(async (e) => {
        const rows = await listAll(c.account, 'ListResourceSnapshots', { Catalog: c.catalog, EngagementIdentifier: e.Id }, 'ResourceSnapshotSummaries');
        return rows.map((r) => ({ EngagementId: e.Id, ...r }));
      }));
      return lists.flat();
    },
    key: (r) => r.Arn,
    columns: [
      ['Engagement', (r) => r.EngagementId],
      ['Resource', (r) => `${r.ResourceType} ${r.ResourceId}`],
      ['Template', (r) => r.ResourceSnapshotTemplateName],
      ['Revision', (r) => r.Revision],
      ['Created by', (r) => r.CreatedBy],
    ],
    status: (r) => r.ResourceType,
    async detail(c, row) {
      const snapshot = await c.call('GetResourceSnapshot', {
        Catalog: c.catalog, EngagementIdentifier: row.EngagementId, ResourceType: row.ResourceType,
        ResourceIdentifier: row.ResourceId, ResourceSnapshotTemplateIdentifier: row.ResourceSnapshotTemplateName, Revision: row.Revision,
      });
      return {
        title: `Snapshot ${row.ResourceId} r${row.Revision}`,
        fields: [['Engagement', row.EngagementId], ['Created', shortTime(snapshot.CreatedAt)], ['Created by', snapshot.CreatedBy]],
        data: snapshot,
        actions: [],
      };
    },
  },
  {
    id: 'solutions',
    title: 'Solutions',
    load: (c) => listAll(c.account, 'ListSolutions', { Catalog: c.catalog }, 'SolutionSummaries'),
    key: (r) => r.Id,
    columns: [
      ['Id', (r) => r.Id],
      ['Name', (r) => r.Name],
      ['Category', (r) => r.Category],
      ['Status', (r) => r.Status],
      ['Created', (r) => shortTime(r.CreatedDate)],
    ],
    status: (r) => r.Status,
    detail: async (c, row) => ({
      title: `Solution ${row.Id}`,
      fields: [['Name', row.Name], ['Category', row.Category], ['Status', row.Status], ['Arn', row.Arn]],
      data: row,
      actions: [],
    }),
  },
];
