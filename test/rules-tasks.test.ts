// Prospecting, lead conversion and StartEngagementFromOpportunityTask rules, tested as the pure functions they are.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptedIdentifiers,
  canAdvance,
  engagementOutcome,
  isFinished,
  prospectingCustomer,
  prospectingResult,
  taskCounts,
  taskVerdict,
} from '../src/rules/prospecting.js';
import { addDays, conversionFailure, customerProjectFromLead, leadIndustry, opportunityFromLead } from '../src/rules/lead-conversion.js';
import { STEPS, engagementText, firstFailure, invitationStep, type TaskState } from '../src/rules/engagement-from-opportunity.js';
import type { EngagementContextDetails, LeadContext } from '../src/model/generated/types.js';

const lead: LeadContext = {
  Customer: { CompanyName: 'Lead Co', Industry: 'Computers & Electronics', WebsiteUrl: 'https://lead.example.com', Address: { CountryCode: 'DE', City: 'Berlin' } },
  Interactions: [
    { SourceType: 'Event', BusinessProblem: 'First problem statement of the lead', Contact: { BusinessTitle: 'CTO', Email: 'c@example.com', FirstName: 'C', LastName: 'D' } },
    { SourceType: 'Event', BusinessProblem: 'Latest problem statement of the lead', Contact: { BusinessTitle: 'CTO', Email: 'c@example.com', FirstName: 'C', LastName: 'D' } },
    { SourceType: 'Event', Contact: { BusinessTitle: 'CTO', Email: 'c@example.com', FirstName: 'C', LastName: 'D' } },
  ],
};
const leadContext: EngagementContextDetails = { Id: '1', Type: 'Lead', Payload: { Lead: lead } };
const projectContext: EngagementContextDetails = {
  Id: '2',
  Type: 'CustomerProject',
  Payload: { CustomerProject: { Customer: { CompanyName: 'Project Co', CountryCode: 'US', Industry: 'Retail', WebsiteUrl: 'https://p.example.com' } } },
};

describe('prospecting (decision 20)', () => {
  it('statuses move PENDING → IN_PROGRESS → COMPLETED | FAILED only', () => {
    assert.ok(canAdvance('PENDING', 'IN_PROGRESS'));
    assert.ok(canAdvance('IN_PROGRESS', 'COMPLETED') && canAdvance('IN_PROGRESS', 'FAILED'));
    assert.ok(!canAdvance('PENDING', 'COMPLETED') && !canAdvance('COMPLETED', 'FAILED') && !canAdvance('FAILED', 'IN_PROGRESS'));
    assert.ok(isFinished('COMPLETED') && isFinished('FAILED') && !isFinished('PENDING'));
  });

  it('each engagement: missing → ResourceNotFound, not a member → AccessDenied, else COMPLETED', () => {
    assert.deepEqual(engagementOutcome({ engagementId: 'eng-1', exists: true, isMember: true }), { status: 'COMPLETED' });
    const missing = engagementOutcome({ engagementId: 'eng-1', exists: false, isMember: false });
    assert.equal(missing.status === 'FAILED' && missing.reasonCode, 'ResourceNotFound');
    const foreign = engagementOutcome({ engagementId: 'eng-1', exists: true, isMember: false });
    assert.equal(foreign.status === 'FAILED' && foreign.reasonCode, 'AccessDenied');
    assert.match(foreign.status === 'FAILED' ? foreign.message : '', /eng-1/);
  });

  it('the task: COMPLETED when one completed, FAILED when none, running meanwhile', () => {
    assert.equal(taskVerdict([{ Status: 'PENDING' }, { Status: 'PENDING' }]).status, 'PENDING');
    assert.equal(taskVerdict([{ Status: 'COMPLETED' }, { Status: 'PENDING' }]).status, 'IN_PROGRESS');
    assert.equal(taskVerdict([{ Status: 'IN_PROGRESS' }]).status, 'IN_PROGRESS');
    assert.deepEqual(taskVerdict([{ Status: 'COMPLETED' }, { Status: 'FAILED', ReasonCode: 'AccessDenied' }]), { status: 'COMPLETED' });
    const allFailed = taskVerdict([{ Status: 'FAILED', ReasonCode: 'AccessDenied' }, { Status: 'FAILED', ReasonCode: 'AccessDenied' }]);
    assert.equal(allFailed.status, 'FAILED');
    assert.equal(allFailed.reasonCode, 'AccessDenied');
    const mixed = taskVerdict([{ Status: 'FAILED', ReasonCode: 'AccessDenied' }, { Status: 'FAILED', ReasonCode: 'ResourceNotFound' }]);
    assert.equal(mixed.reasonCode, undefined);
    assert.ok(mixed.message);
    assert.equal(taskVerdict([]).status, 'FAILED');
    assert.deepEqual(taskCounts([{ Status: 'COMPLETED' }, { Status: 'FAILED' }, { Status: 'FAILED' }]), {
      TotalEngagementCount: 3,
      CompletedEngagementCount: 1,
      FailedEngagementCount: 2,
    });
  });

  it('identifiers: ids from ARNs, each once, in order', () => {
    assert.deepEqual(acceptedIdentifiers(['eng-b', 'arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/eng-a', 'eng-b', 'eng-a']), ['eng-b', 'eng-a']);
  });

  it('the result is deterministic, from the CustomerProject customer first, else the lead', () => {
    const task = { taskId: 'task-01234567890abc', taskArn: 'arn:x', taskName: 'Q3', startTime: '2026-01-01T00:00:00.000Z', endTime: '2026-01-01T00:00:01.000Z' };
    const one = prospectingResult(task, [leadContext, projectContext]);
    assert.deepEqual(one, prospectingResult(task, [leadContext, projectContext]));
    assert.deepEqual(one.Aws?.Customer, { AccountName: 'Project Co', Country: 'US', Industry: 'Retail' });
    assert.equal(one.Aws?.TaskName, 'Q3');
    // Lead industry "Computers & Electronics" is not the enum's spelling, so prospecting leaves it out.
    assert.deepEqual(prospectingCustomer([leadContext]), { AccountName: 'Lead Co', Country: 'DE' });
    assert.equal(prospectingCustomer([]), undefined);
    assert.equal(prospectingResult(task, []).Aws?.Customer, undefined);
    const supplied = prospectingResult(task, [projectContext], { Aws: { Customer: { AccountName: 'From control plane' }, Insights: { SolutionScore: '0.9' } } });
    assert.deepEqual(supplied.Aws?.Customer, { AccountName: 'From control plane' });
    assert.equal(supplied.Aws?.Insights?.SolutionScore, '0.9');
    assert.equal(supplied.Aws?.TaskId, task.taskId);
  });
});

describe('lead conversion (§9, §1.3)', () => {
  const base = { engagementId: 'eng-1', contextId: '1', isMember: true, contexts: [leadContext] };

  it('a qualified or unqualified lead converts', () => {
    assert.equal(conversionFailure(base), undefined);
  });

  it('each failure has its ReasonCode', () => {
    const code = (over: Partial<typeof base>) => conversionFailure({ ...base, ...over })?.reasonCode;
    assert.equal(code({ isMember: false }), 'EngagementAccessDenied');
    assert.equal(code({ contextId: '9' }), 'ContextNotFound');
    assert.equal(code({ contextId: '2', contexts: [leadContext, projectContext] }), 'CustomerProjectContextNotPermitted');
    assert.equal(code({ contexts: [leadContext, projectContext] }), 'CustomerProjectContextNotPermitted');
    assert.equal(code({ contextId: '3', contexts: [{ Id: '3', Type: 'ProspectingResult', Payload: { ProspectingResult: {} } }] }), 'ContextNotFound');
    const disqualified: EngagementContextDetails = { Id: '1', Type: 'Lead', Payload: { Lead: { ...lead, QualificationStatus: ' disQualified ' } } };
    assert.equal(code({ contexts: [disqualified] }), 'DisqualifiedLeadNotPermitted');
    const five = [leadContext, ...['2', '3', '4', '5'].map((Id): EngagementContextDetails => ({ Id, Type: 'ProspectingResult', Payload: { ProspectingResult: {} } }))];
    assert.equal(code({ contexts: five }), 'ServiceQuotaExceeded');
  });

  it('the opportunity carries the documented defaults', () => {
    const o = opportunityFromLead(lead, '2025-12-15');
    assert.deepEqual(o, {
      Customer: { Account: { CompanyName: 'Lead Co', Industry: 'Computers and Electronics', WebsiteUrl: 'https://lead.example.com', Address: { CountryCode: 'DE' } }, Contacts: [] },
      Project: { Title: 'Converted from Lead', CustomerBusinessProblem: 'Latest problem statement of the lead', ExpectedCustomerSpend: [] },
      LifeCycle: { Stage: 'Prospect', ReviewStatus: 'Pending Submission', TargetCloseDate: '2026-03-15' },
      OpportunityType: 'Net New Business',
      NationalSecurity: 'No',
      Marketing: { Source: 'None' },
    });
    assert.equal(addDays('2025-11-03', 90), '2026-02-01');
  });

  it('a lead without address, industry or problem converts without inventing them', () => {
    const bare: LeadContext = { Customer: { CompanyName: 'Bare' }, Interactions: [] };
    const o = opportunityFromLead(bare, '2026-01-01');
    assert.deepEqual(o.Customer?.Account, { CompanyName: 'Bare' });
    assert.deepEqual(o.Project, { Title: 'Converted from Lead', ExpectedCustomerSpend: [] });
    assert.deepEqual(customerProjectFromLead(bare, o), { Customer: { CompanyName: 'Bare' }, Project: { Title: 'Converted from Lead', TargetCompletionDate: '2026-04-01' } });
  });

  it('the CustomerProject context mirrors the new opportunity', () => {
    const o = opportunityFromLead(lead, '2025-12-15');
    assert.deepEqual(customerProjectFromLead(lead, o), {
      Customer: { CompanyName: 'Lead Co', Industry: 'Computers and Electronics', WebsiteUrl: 'https://lead.example.com', CountryCode: 'DE' },
      Project: { Title: 'Converted from Lead', BusinessProblem: 'Latest problem statement of the lead', TargetCompletionDate: '2026-03-15' },
    });
    assert.equal(leadIndustry('Retail'), 'Retail');
    assert.equal(leadIndustry('Widgets'), undefined);
  });
});

describe('StartEngagementFromOpportunityTask (§3.6, §1.3)', () => {
  const ok: TaskState = { opportunityId: 'O1', reviewStatus: 'Pending Submission', solutionCount: 1, completeness: [] };

  it('steps in the model order, each citing its source', () => {
    assert.deepEqual(STEPS.map((s) => s.step), ['GetOpportunity', 'CreateEngagement', 'CreateResourceSnapshot', 'CreateResourceSnapshotJob', 'CreateEngagementInvitation', 'SubmitOpportunity']);
    for (const s of STEPS) assert.match(s.source, /§/);
  });

  it('passes when everything is in place, including a resubmission', () => {
    assert.equal(firstFailure(ok), undefined);
    assert.equal(firstFailure({ ...ok, reviewStatus: 'Action Required' }), undefined);
  });

  it('each failure with its ReasonCode', () => {
    assert.equal(firstFailure({ ...ok, reviewStatus: 'Submitted' })?.reasonCode, 'OpportunitySubmissionFailed');
    assert.equal(firstFailure({ ...ok, reviewStatus: 'Approved' })?.reasonCode, 'OpportunitySubmissionFailed');
    assert.equal(firstFailure({ ...ok, solutionCount: 0 })?.reasonCode, 'OpportunitySubmissionFailed');
    const invalid = firstFailure({ ...ok, completeness: [{ FieldName: 'project.title', Code: 'REQUIRED_FIELD_MISSING', Message: 'x' }] });
    assert.equal(invalid?.reasonCode, 'OpportunityValidationFailed');
    assert.match(invalid!.message, /project\.title/);
    assert.equal(firstFailure({ ...ok, engagement: { id: 'eng-1', callerIsMember: false, contexts: [] } })?.reasonCode, 'EngagementAccessDenied');
    const full = Array.from({ length: 5 }, (_, i): EngagementContextDetails => ({ Id: String(i + 1), Type: 'Lead', Payload: { Lead: lead } }));
    assert.equal(firstFailure({ ...ok, engagement: { id: 'eng-1', callerIsMember: true, contexts: full } })?.reasonCode, 'ServiceQuotaExceeded');
    assert.equal(firstFailure({ ...ok, engagement: { id: 'eng-1', callerIsMember: true, contexts: [...full.slice(1), projectContext] } }), undefined);
  });

  it('the invitation to AWS is reused while pending or accepted', () => {
    assert.equal(invitationStep(undefined), 'create');
    assert.equal(invitationStep({ status: 'PENDING' }), 'reuse');
    assert.equal(invitationStep({ status: 'ACCEPTED' }), 'reuse');
    assert.equal(invitationStep({ status: 'REJECTED' }), 'create');
    assert.equal(invitationStep({ status: 'EXPIRED' }), 'create');
  });

  it('engagement title ≤ 40 and description ≤ 255 characters', () => {
    const text = engagementText({ Title: 'Partner Project Title - this field is not short', CustomerBusinessProblem: 'p'.repeat(300) });
    assert.equal(text.Title, 'Partner Project Title - this field is no');
    assert.equal(text.Description?.length, 255);
    assert.deepEqual(engagementText(undefined), {});
  });
});
