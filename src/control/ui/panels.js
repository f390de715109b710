// The panels that drive the emulator itself: AWS referrals, the business clock, resets, run-time settings
// and (when the server has them) fault injections. Each returns an element; actions go through ctx.act.
import { ControlPlaneError } from './api.js';
import { h, pretty } from './dom.js';

/** A labelled input; `attrs.value` is the default. */
function field(label, name, attrs = {}) {
  return h('label', {}, h('span', {}, label), h(attrs.options ? 'select' : 'input', { name, ...attrs, options: undefined },
    (attrs.options ?? []).map((o) => h('option', {}, o))));
}

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/** A button that acts only on a second click within three seconds, for what cannot be undone. */
function confirmButton(label, run) {
  let armedUntil = 0;
  const button = h('button', { class: 'danger', onclick: () => {
    if (Date.now() > armedUntil) {
      armedUntil = Date.now() + 3000;
      button.textContent = `${label}: click again to confirm`;
      setTimeout(() => { button.textContent = label; }, 3000);
      return;
    }
    armedUntil = 0;
    button.textContent = label;
    run();
  } }, label);
  return button;
}

function inDays(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

export function simulatePanel(ctx, clock) {
  const referral = h('form', { id: 'referral-form', onsubmit: (e) => {
    e.preventDefault();
    const v = formValues(referral);
    const opportunity = {
      Origin: 'AWS Referral',
      Customer: { Account: { CompanyName: v.company, Industry: v.industry, WebsiteUrl: v.website, Address: { CountryCode: v.country, PostalCode: v.postalCode } } },
      Project: { Title: v.title, CustomerBusinessProblem: v.problem,
        ExpectedCustomerSpend: [{ Amount: v.amount, CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
      LifeCycle: { Stage: 'Prospect', TargetCloseDate: v.closeDate },
    };
    const body = { receiverAccountId: v.receiver, catalog: v.catalog, senderAccountId: v.sender, opportunity, ...(v.message ? { message: v.message } : {}) };
    ctx.act('Send referral', () => ctx.control('referrals', { method: 'POST', body }));
  } },
    h('h3', {}, 'Send an AWS referral (or a partner invitation)'),
    h('div', { class: 'grid' },
      field('Receiver account', 'receiver', { value: ctx.account, required: true, pattern: '\\d{12}' }),
      field('Sender', 'sender', { value: 'aws', required: true, pattern: 'aws|\\d{12}' }),
      field('Catalog', 'catalog', { options: [ctx.catalog, ctx.catalog === 'AWS' ? 'Sandbox' : 'AWS'] }),
      field('Customer', 'company', { value: 'Example Corp', required: true }),
      field('Industry', 'industry', { value: 'Software and Internet' }),
      field('Website', 'website', { value: 'https://www.example.com' }),
      field('Country', 'country', { value: 'US' }),
      field('Postal code', 'postalCode', { value: '98101' }),
      field('Project title', 'title', { value: 'Migration to AWS', required: true }),
      field('Business problem', 'problem', { value: 'The customer needs to move its data centre workloads to the cloud.', required: true }),
      field('Monthly spend (USD)', 'amount', { value: '25000' }),
      field('Target close date', 'closeDate', { type: 'date', value: inDays(90) }),
      field('Message', 'message', {})),
    h('button', { type: 'submit', class: 'primary' }, 'Send referral'));

  const advance = h('input', { name: 'advance', value: '1d', 'aria-label': 'Advance by', size: 6 });
  const setAt = h('input', { name: 'set', type: 'datetime-local', step: 1, 'aria-label': 'Set to (UTC)', title: 'UTC' });
  const moveClock = (label, body) => ctx.act(label, () => ctx.control('clock', { method: 'POST', body }));
  const clockBox = h('section', { id: 'clock-panel' },
    h('h3', {}, 'Business clock'),
    h('p', {}, `Now ${clock?.now ?? '?'}${clock?.frozen ? ' (frozen)' : ''}. Invitations expire 15 days after they are sent; delayed tasks run when due.`),
    h('div', { class: 'actions' },
      h('button', { onclick: () => moveClock('Advance 1h', { advance: '1h' }) }, '+1 hour'),
      h('button', { onclick: () => moveClock('Advance 1d', { advance: '1d' }) }, '+1 day'),
      h('button', { id: 'expire-invitations', onclick: () => moveClock('Advance 15d', { advance: '15d' }) }, '+15 days (expire invitations)'),
      h('span', { class: 'action' }, advance, h('button', { onclick: () => moveClock(`Advance ${advance.value}`, { advance: /^-?\d+$/.test(advance.value) ? Number(advance.value) : advance.value }) }, 'Advance'))),
    h('div', { class: 'actions' },
      h('span', { class: 'action' }, setAt, h('button', { onclick: () => setAt.value && moveClock('Set clock', { set: `${setAt.value.length === 16 ? `${setAt.value}:00` : setAt.value}Z`, freeze: true }) }, 'Set and freeze')),
      h('button', { onclick: () => moveClock('Freeze', { freeze: true }) }, 'Freeze'),
      h('button', { onclick: () => moveClock('Unfreeze', { freeze: false }) }, 'Unfreeze'),
      h('button', { onclick: () => moveClock('Clock reset', { reset: true }) }, 'Back to real time')));

  const reset = h('section', {},
    h('h3', {}, 'Reset'),
    h('div', { class: 'actions' },
      confirmButton(`Reset account ${ctx.account}`, () => ctx.act('Reset account', () => ctx.control('reset', { method: 'POST', body: { accountId: ctx.account } }))),
      confirmButton(`Reset catalog ${ctx.catalog}`, () => ctx.act('Reset catalog', () => ctx.control('reset', { method: 'POST', body: { catalog: ctx.catalog } }))),
      confirmButton('Reset everything', () => ctx.act('Reset', () => ctx.control('reset', { method: 'POST', body: {} })))));

  return h('div', { class: 'panel' }, referral, clockBox, reset,
    h('p', { class: 'hint' }, 'Review decisions (Approved, Action Required, Rejected) are on each Sandbox opportunity; accepting and rejecting on each invitation.'));
}

export async function settingsPanel(ctx) {
  const config = await ctx.control('config');
  const form = h('form', { id: 'config-form', onsubmit: (e) => {
    e.preventDefault();
    const v = formValues(form);
    const body = {
      taskProgression: v.taskProgression,
      taskDelayMs: v.taskDelayMs,
      taskPolls: v.taskPolls === '' ? null : Number(v.taskPolls),
      referralDelayMs: v.referralDelayMs,
      forcedTaskFailure: v.reasonCode ? { reasonCode: v.reasonCode, message: v.failureMessage || 'Failure injected from the console.' } : null,
    };
    ctx.act('Save settings', () => ctx.control('config', { method: 'POST', body }));
  } },
    h('h3', {}, 'Run-time settings'),
    h('div', { class: 'grid' },
      field('Task progression', 'taskProgression', { options: ['immediate', 'async'], value: config.taskProgression }),
      field('Task delay', 'taskDelayMs', { value: `${config.taskDelayMs}ms` }),
      field('Complete on read n (empty: by delay)', 'taskPolls', { type: 'number', min: 1, value: config.taskPolls ?? '' }),
      field('Referral delay', 'referralDelayMs', { value: `${config.referralDelayMs}ms` }),
      field('Forced task failure: ReasonCode (empty: none)', 'reasonCode', { value: config.forcedTaskFailure?.reasonCode ?? '', list: 'reason-codes' }),
      field('Failure message', 'failureMessage', { value: config.forcedTaskFailure?.message ?? '' })),
    h('datalist', { id: 'reason-codes' }, ['InternalError', 'InvitationValidationFailed', 'EngagementInvitationConflict', 'ServiceQuotaExceeded', 'RequestThrottled'].map((c) => h('option', { value: c }))),
    h('button', { type: 'submit', class: 'primary' }, 'Save settings'));
  return h('div', { class: 'panel' }, form, h('h3', {}, 'Effective configuration'), pretty(config));
}

/** Fault injections, shown only when the server has the route (GET /_emulator/faults answers). */
export async function faultsPanel(ctx) {
  let faults;
  try {
    faults = await ctx.control('faults');
  } catch (err) {
    if (err instanceof ControlPlaneError && err.status === 404) return null;
    throw err;
  }
  const list = Array.isArray(faults) ? faults : faults.faults ?? [];
  const form = h('form', { id: 'fault-form', onsubmit: (e) => {
    e.preventDefault();
    const v = formValues(form);
    const body = { error: { code: v.code, ...(v.status ? { status: Number(v.status) } : {}), ...(v.message ? { message: v.message } : {}) } };
    for (const k of ['operation', 'account', 'catalog']) if (v[k]) body[k] = v[k];
    if (v.count) body.count = Number(v.count);
    if (v.probability) body.probability = Number(v.probability);
    if (v.latencyMs) body.latencyMs = Number(v.latencyMs);
    ctx.act('Inject fault', () => ctx.control('faults', { method: 'POST', body }));
  } },
    h('div', { class: 'grid' },
      field('Operation (empty: all)', 'operation'), field('Account', 'account', { pattern: '\\d{12}' }), field('Catalog', 'catalog', { options: ['', 'AWS', 'Sandbox'] }),
      field('Count', 'count', { type: 'number', min: 1 }), field('Probability', 'probability', { type: 'number', min: 0, max: 1, step: 0.01 }),
      field('Error code', 'code', { value: 'ThrottlingException', required: true }), field('HTTP status', 'status', { type: 'number' }),
      field('Message', 'message'), field('Latency (ms)', 'latencyMs', { type: 'number', min: 0 })),
    h('button', { type: 'submit', class: 'primary' }, 'Inject fault'));
  return h('div', { class: 'panel', id: 'faults-panel' },
    h('h3', {}, 'Faults'),
    h('ul', { class: 'faults' }, list.map((f) => h('li', {}, pretty(f),
      h('button', { onclick: () => ctx.act(`Remove fault ${f.id}`, () => ctx.control(`faults/${encodeURIComponent(f.id)}`, { method: 'DELETE' })) }, 'Remove')))),
    form);
}
