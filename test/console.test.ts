// The web console in a real browser: Playwright drives Debian's Chromium through a whole AWS-referral story
// (referral → invitation → accept → opportunity and its events → review → expiry by the clock → injected task
// failure → AWS-side data through its forms → fault rules → solutions), checking each step on the page and,
// through the SDK, on the server. Screenshots of the main views go to test-artifacts/console/. Skipped when no
// Chromium executable is installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CreateOpportunityCommand, GetAwsOpportunitySummaryCommand, GetOpportunityCommand, ListEngagementInvitationsCommand } from '@aws-sdk/client-partnercentral-selling';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningServer } from '../src/server.js';
import { clientFor, control, controlOk, eventsOf, REPO_ROOT, startTestServer } from './helpers.js';
import { awsReferralInput, submitForReview } from './fixtures.js';

const CHROMIUM = [process.env.PCL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && existsSync(p));
const SHOTS = join(REPO_ROOT, 'test-artifacts', 'console');
const PARTNER = '222222222222';

describe('web console in Chromium', { skip: CHROMIUM ? false : 'no Chromium executable found (set PCL_CHROMIUM)' }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    server = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      // The console probes GET /_emulator/faults, which answers 404 on a server without fault injection.
      // The AWS-side data test sends a body the server refuses (400) on purpose.
      const expected = (msg.text().includes('404') && msg.location().url.endsWith('/_emulator/faults')) ||
        (msg.text().includes('400') && msg.location().url.endsWith('/_emulator/aws-opportunity-data'));
      if (msg.type() === 'error' && !expected) pageErrors.push(`${msg.text()} ${msg.location().url}`);
    });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const status = () => page.locator('#status');
  /** Waits until the status bar reports `text` (every console action ends there). */
  async function reported(text: string) {
    await page.waitForFunction((t) => document.querySelector('#status')?.textContent?.includes(t), text);
    assert.equal(await status().getAttribute('class'), 'ok', await status().textContent() ?? '');
  }
  async function openTab(title: string) {
    // The tab bar is redrawn by every render; a click that lands on a button being replaced is clicked again.
    for (let attempt = 1; ; attempt++) {
      await page.locator('#tabs button', { hasText: title }).click();
      try {
        await page.locator('#main h2', { hasText: title }).waitFor({ timeout: 5000 });
        return;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  }
  async function sendReferral(company: string) {
    await openTab('Simulate');
    await page.fill('#referral-form [name=company]', company);
    await page.click('#referral-form button[type=submit]');
    await reported('Send referral: done');
  }
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

  it('sends a referral, accepts it, shows the opportunity and its events, reviews it', async () => {
    await page.goto(`${server.endpoint}/_emulator/ui/#account=${PARTNER}&catalog=Sandbox&view=simulate`);
    await page.locator('#referral-form').waitFor();
    assert.equal(await page.inputValue('#referral-form [name=receiver]'), PARTNER);
    await shot('simulate');
    await sendReferral('Browser Corp');

    await openTab('Invitations');
    const row = page.locator('table.list tbody tr', { hasText: 'PENDING' });
    await row.click();
    await page.locator('#detail h3', { hasText: 'Invitation' }).waitFor();
    await shot('invitation');
    await page.locator('#detail button', { hasText: 'Accept' }).click();
    await reported('TaskStatus COMPLETE');

    await openTab('Opportunities');
    await page.locator('table.list tbody tr', { hasText: 'Browser Corp' }).click();
    await page.locator('#detail dd', { hasText: 'Approved' }).waitFor();
    // The live stream shows what the acceptance announced.
    await page.locator('#events .event-type', { hasText: 'Opportunity Created' }).waitFor();
    await page.locator('#events .event-type', { hasText: 'Engagement Invitation Accepted' }).first().waitFor();
    await shot('opportunity');

    // Review as AWS (Sandbox): the decision reaches the server. AWS reviews submitted opportunities only (the
    // accepted referral is already Approved), so a partner opportunity is submitted first and reviewed here.
    const partner = clientFor(server.endpoint, PARTNER);
    const submitted = await partner.send(
      new CreateOpportunityCommand(
        awsReferralInput('console-review', 'Reviewed deal', {
          opportunity: { Origin: 'Partner Referral' },
          account: { CompanyName: 'Reviewed Corp' },
          project: { CustomerUseCase: 'Migration / Database Migration', SalesActivities: ['Initialized discussions with customer'] },
        }),
      ),
    );
    await submitForReview(partner, submitted.Id!, { involvementType: 'For Visibility Only' });
    await openTab('Engagements');
    await openTab('Opportunities');
    await page.locator('table.list tbody tr', { hasText: 'Reviewed Corp' }).click();
    await page.locator('#detail dd', { hasText: 'Submitted' }).waitFor();
    await page.selectOption('#detail select[aria-label="Review as AWS"]', 'Action Required');
    await page.fill('#detail input[aria-label="Review comments"]', 'Please describe the workload.');
    await page.locator('#detail button', { hasText: 'Review as AWS' }).click();
    await reported('Action Required: done');
    await page.locator('#detail dd', { hasText: 'Action Required' }).waitFor();
    const id = (await page.locator('table.list tbody tr.selected td').first().textContent())!;
    const stored = await clientFor(server.endpoint, PARTNER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }));
    assert.equal(stored.LifeCycle?.ReviewStatus, 'Action Required');
    assert.equal(stored.LifeCycle?.ReviewComments, 'Please describe the workload.');

    await openTab('Engagements');
    assert.equal(await page.locator('table.list tbody tr').count(), 1);
    await openTab('Snapshot jobs');
    await page.locator('table.list tbody tr').first().waitFor();
    await openTab('Snapshots');
    await page.locator('table.list tbody tr').first().click();
    await page.locator('#detail h3', { hasText: 'Snapshot' }).waitFor();
  });

  it('expires an invitation by moving the clock, and filters by status', async () => {
    await sendReferral('Expiring Corp');
    const before = (await control(server.endpoint, 'clock')).json();
    await page.click('#expire-invitations');
    await reported('Advance 15d: done');
    const afterMove = (await control(server.endpoint, 'clock')).json();
    assert.ok(Date.parse(String(afterMove.now)) - Date.parse(String(before.now)) >= 15 * 86_400_000);

    await openTab('Invitations');
    await page.selectOption('#filter', 'EXPIRED');
    await page.locator('table.list tbody tr', { hasText: 'EXPIRED' }).waitFor();
    assert.equal(await page.locator('table.list tbody tr').count(), 1);
    await page.locator('#events .event-type', { hasText: 'Engagement Invitation Expired' }).waitFor();
    await page.fill('#search', 'no such thing');
    assert.equal(await page.locator('table.list tbody tr').count(), 0);
    const { EngagementInvitationSummaries } = await clientFor(server.endpoint, PARTNER).send(
      new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER', Status: ['EXPIRED'] }),
    );
    assert.equal(EngagementInvitationSummaries?.length, 1);
  });

  it('injects a task failure from the settings and shows the failed task', async () => {
    await openTab('Settings');
    await page.fill('#config-form [name=reasonCode]', 'InternalError');
    await page.fill('#config-form [name=failureMessage]', 'Injected by the console test.');
    await page.click('#config-form button[type=submit]');
    await reported('Save settings: done');
    assert.deepEqual((await control(server.endpoint, 'config')).json().forcedTaskFailure, { reasonCode: 'InternalError', message: 'Injected by the console test.' });
    await page.locator('#main pre.json', { hasText: 'Injected by the console test.' }).waitFor();
    // The faults section exists exactly when the server has the route.
    const faultsRoute = await control(server.endpoint, 'faults');
    assert.equal(await page.locator('#faults-panel').count(), faultsRoute.status === 404 ? 0 : 1);
    await shot('settings');

    await sendReferral('Failing Corp');
    await openTab('Invitations');
    await page.locator('table.list tbody tr', { hasText: 'PENDING' }).click();
    await page.locator('#detail button', { hasText: 'Accept' }).click();
    await reported('TaskStatus FAILED, ReasonCode InternalError');
    await openTab('Tasks');
    await page.selectOption('#filter', 'FAILED');
    await page.locator('table.list tbody tr', { hasText: 'InternalError' }).click();
    await page.locator('#detail dd', { hasText: 'Injected by the console test.' }).waitFor();
    await shot('tasks');
    // The accepted referral and the partner opportunity reviewed above; the failed task created none.
    assert.equal((await eventsOf(server.endpoint, { account: PARTNER, detailType: 'Opportunity Created' })).length, 2);
  });

  it('sets AWS-side data of a submitted opportunity through its form and shows it in the AWS summary', async () => {
    const partner = clientFor(server.endpoint, PARTNER);
    const created = await partner.send(
      new CreateOpportunityCommand(
        awsReferralInput('console-aws-data', 'AWS data deal', {
          opportunity: { Origin: 'Partner Referral' },
          account: { CompanyName: 'Aws Data Corp' },
          project: { CustomerUseCase: 'Migration / Database Migration', SalesActivities: ['Initialized discussions with customer'] },
        }),
      ),
    );
    await submitForReview(partner, created.Id!, { involvementType: 'For Visibility Only' });
    await openTab('Engagements');
    await openTab('Opportunities');
    await page.locator('table.list tbody tr', { hasText: 'Aws Data Corp' }).click();
    const form = page.locator('#aws-opportunity-form');
    await form.waitFor();
    await form.locator('[name=stage]').selectOption('Qualify');
    await form.locator('[name=score]').fill('87');
    await form.locator('[name=trend]').fill('Improving');
    await form.locator('[name=cosellMotion]').fill('Co-Sell with AWS');
    await form.scrollIntoViewIfNeeded();
    await shot('aws-data-form');
    await form.locator('button[type=submit]').click();
    await reported(`AWS-side data ${created.Id}: done`);
    await page.locator('#aws-summary pre', { hasText: '"Score": 87' }).waitFor();
    await page.locator('#aws-summary pre', { hasText: 'Qualify' }).waitFor();
    const summary = await partner.send(new GetAwsOpportunitySummaryCommand({ Catalog: 'Sandbox', RelatedOpportunityIdentifier: created.Id }));
    assert.equal(summary.LifeCycle?.Stage, 'Qualify');
    assert.equal(summary.Insights?.OpportunityQuality?.Score, 87);

    // A body the server refuses: its 400 text is shown under the form, and nothing changes.
    const again = page.locator('#aws-opportunity-form');
    await again.locator('[name=raw]').fill('{"team": "not a list"}');
    await again.locator('button[type=submit]').click();
    await page.locator('#aws-opportunity-form p.error', { hasText: '400' }).waitFor();
    assert.equal(await status().getAttribute('class'), 'error');
    const unchanged = await partner.send(new GetAwsOpportunitySummaryCommand({ Catalog: 'Sandbox', RelatedOpportunityIdentifier: created.Id }));
    assert.deepEqual([unchanged.LifeCycle, unchanged.Insights], [summary.LifeCycle, summary.Insights]);
  });

  it('sets AWS-side data of an invitation', async () => {
    await sendReferral('Enriched Corp');
    await openTab('Invitations');
    // Any pending invitation will do (the failed acceptance above left one too).
    await page.locator('table.list tbody tr', { hasText: 'PENDING' }).first().click();
    const form = page.locator('#aws-invitation-form');
    await form.waitFor();
    await form.locator('[name=leadReadinessScore]').selectOption('High');
    await form.locator('button[type=submit]').click();
    await reported('done');
    await page.locator('#detail pre.json', { hasText: '"LeadReadinessScore": "High"' }).waitFor();
  });

  it('adds and removes a fault rule, and lists solutions', async () => {
    await openTab('Settings');
    const form = page.locator('#fault-form');
    await form.waitFor();
    await form.locator('[name=operation]').fill('ListSolutions');
    await form.locator('[name=count]').fill('5');
    await form.locator('button[type=submit]').click();
    await reported('Inject fault: done');
    await page.locator('#faults-panel li', { hasText: 'ListSolutions' }).waitFor();
    const rules = (await controlOk(server.endpoint, 'faults')).faults as Array<Record<string, unknown>>;
    assert.equal(rules.length, 1);
    assert.equal(rules[0]!.operation, 'ListSolutions');
    await page.locator('#faults-panel li button', { hasText: 'Remove' }).click();
    await reported(`Remove fault ${String(rules[0]!.id)}: done`);
    await page.locator('#faults-panel li').waitFor({ state: 'detached' });
    assert.deepEqual((await controlOk(server.endpoint, 'faults')).faults, []);

    await controlOk(server.endpoint, 'solutions', {
      accountId: PARTNER, catalog: 'Sandbox',
      solutions: [{ id: 'S-0012345', name: 'Console Solution', status: 'Active', category: 'Software Product', createdDate: '2025-01-01T00:00:00Z' }],
    });
    await openTab('Solutions');
    await page.locator('table.list tbody tr', { hasText: 'Console Solution' }).click();
    await page.locator('#detail h3', { hasText: 'Solution S-0012345' }).waitFor();
  });

  it('raised no error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
