// The resource views: how each list is loaded through the public API, its columns, the value its filter
// offers, and its detail view with the simulations that apply to it. Adding a resource is adding an entry.
import { listAll, newClientToken } from './api.js';
import { h, shortTime } from './dom.js';

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
];
