// The console: header (account, catalog, business clock), resource views, the live event stream, and the
// simulation and settings panels. State lives in the URL's hash, so a view can be linked and reloaded.
import { AwsError, call, control, ControlPlaneError, streamEvents } from './api.js';
import { $, h, pretty, shortTime } from './dom.js';
import { views } from './views.js';
import { faultsPanel, settingsPanel, simulatePanel } from './panels.js';

const hash = new URLSearchParams(location.hash.slice(1));
const state = {
  account: hash.get('account') ?? '',
  catalog: hash.get('catalog') === 'AWS' ? 'AWS' : 'Sandbox',
  view: hash.get('view') ?? 'opportunities',
  rows: [],
  selected: null,
  clock: null,
  events: [],
};
const MAX_EVENTS_SHOWN = 500;

function saveHash() {
  history.replaceState(null, '', `#${new URLSearchParams({ account: state.account, catalog: state.catalog, view: state.view })}`);
}

function report(message, kind = 'ok') {
  const bar = $('#status');
  bar.className = kind;
  bar.textContent = `${shortTime(new Date().toISOString())}  ${message}`;
}

function describe(err) {
  if (err instanceof AwsError) return `${err.answer.status} ${err.message}`;
  if (err instanceof ControlPlaneError) return `${err.status} ${err.message}`;
  return String(err?.message ?? err);
}

/** What views and panels get: the current account and catalog, API calls as that account, and `act`. */
const ctx = {
  get account() { return state.account; },
  get catalog() { return state.catalog; },
  call: (operation, input) => call(state.account, operation, input),
  control,
  /** Runs a user action, reports its outcome and refreshes what it may have changed. */
  async act(label, fn) {
    try {
      const result = await fn();
      report(`${label}: done${summary(result)}`);
      await Promise.all([refreshClock(), refreshAccounts()]);
      await render();
      return result;
    } catch (err) {
      report(`${label}: ${describe(err)}`, 'error');
      return undefined;
    }
  },
};

function summary(result) {
  if (!result || typeof result !== 'object') return '';
  const keys = ['TaskStatus', 'ReasonCode', 'invitationId', 'Id', 'now'];
  const parts = keys.filter((k) => result[k] !== undefined).map((k) => `${k} ${result[k]}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

// ---- header ----

async function refreshAccounts() {
  const { accounts } = await control('accounts');
  $('#accounts').replaceChildren(...accounts.map((a) => h('option', { value: a.accountId }, a.catalogs.join(', '))));
  if (!state.account && accounts.length) setAccount(accounts[0].accountId);
}

function setAccount(account) {
  state.account = account;
  $('#account').value = account;
  state.selected = null;
  saveHash();
}

async function refreshClock() {
  state.clock = await control('clock');
  state.clock.fetchedAt = Date.now();
  tickClock();
}

function tickClock() {
  const c = state.clock;
  if (!c) return;
  const now = c.frozen ? Date.parse(c.now) : Date.parse(c.now) + (Date.now() - c.fetchedAt);
  $('#clock').textContent = `${shortTime(new Date(now).toISOString())} UTC${c.frozen ? ' (frozen)' : ''}${c.offsetMs ? ` (${offsetText(c.offsetMs)} from real time)` : ''}`;
}

function offsetText(ms) {
  const sign = ms < 0 ? '−' : '+';
  const hours = Math.abs(ms) / 3600000;
  return hours >= 48 ? `${sign}${(hours / 24).toFixed(1).replace(/\.0$/, '')}d` : `${sign}${hours.toFixed(1).replace(/\.0$/, '')}h`;
}

// ---- views ----

function tabs() {
  const names = [...views.map((v) => [v.id, v.title]), ['simulate', 'Simulate'], ['settings', 'Settings']];
  $('#tabs').replaceChildren(...names.map(([id, title]) =>
    h('button', { class: id === state.view ? 'tab active' : 'tab', 'data-view': id, onclick: () => { Object.assign(state, { view: id, selected: null, search: '', filter: '' }); saveHash(); render(); } }, title)));
}

/** Renders started later win: a slower, earlier render never overwrites what a newer one drew. */
let renderGeneration = 0;

async function render() {
  const generation = ++renderGeneration;
  tabs();
  const view = views.find((v) => v.id === state.view);
  const main = $('#main');
  if (!view) {
    const settings = state.view === 'settings';
    let panel;
    try {
      panel = settings ? [await settingsPanel(ctx), await faultsPanel(ctx)] : [simulatePanel(ctx, state.clock)];
    } catch (err) {
      report(`${settings ? 'Settings' : 'Simulate'}: ${describe(err)}`, 'error');
      panel = [];
    }
    if (generation !== renderGeneration) return;
    main.replaceChildren(h('h2', {}, settings ? 'Settings' : 'Simulate'), ...panel.filter(Boolean));
    return;
  }
  if (!/^\d{12}$/.test(state.account)) {
    main.replaceChildren(h('p', { class: 'hint' }, 'Choose a 12-digit account above.'));
    return;
  }
  const search = h('input', { type: 'search', id: 'search', placeholder: 'Search…', value: state.search ?? '', oninput: () => { state.search = search.value; drawRows(); } });
  const filter = h('select', { id: 'filter', 'aria-label': 'Filter', onchange: () => { state.filter = filter.value; drawRows(); } });
  const table = h('table', { class: 'list' }, h('thead', {}, h('tr', {}, view.columns.map(([label]) => h('th', {}, label)))), h('tbody'));
  const count = h('span', { class: 'count' });
  const detail = h('section', { id: 'detail' });
  main.replaceChildren(h('h2', {}, `${view.title} — ${state.account} / ${state.catalog}`), h('div', { class: 'toolbar' }, search, filter, count), table, detail);
  try {
    state.rows = await view.load(ctx);
  } catch (err) {
    state.rows = [];
    report(`${view.title}: ${describe(err)}`, 'error');
  }
  const statuses = [...new Set(state.rows.map(view.status).filter(Boolean))].sort();
  if (state.filter && !statuses.includes(state.filter)) state.filter = '';
  filter.replaceChildren(h('option', { value: '' }, 'All'), ...statuses.map((s) => h('option', { value: s }, s)));
  filter.value = state.filter ?? '';

  function drawRows() {
    const needle = (state.search ?? '').toLowerCase();
    const shown = state.rows.filter((r) => (!state.filter || view.status(r) === state.filter) && (!needle || JSON.stringify(r).toLowerCase().includes(needle)));
    table.tBodies[0].replaceChildren(...shown.map((r) => h('tr', {
      class: view.key(r) === state.selected ? 'selected' : undefined,
      onclick: () => { state.selected = view.key(r); drawRows(); showDetail(view, r, detail); },
    }, view.columns.map(([, value]) => h('td', {}, value(r) ?? '')))));
    count.textContent = `${shown.length} of ${state.rows.length}`;
  }
  drawRows();
  const selected = state.rows.find((r) => view.key(r) === state.selected);
  if (selected) await showDetail(view, selected, detail);
}

async function showDetail(view, row, into) {
  try {
    const d = await view.detail(ctx, row);
    into.replaceChildren(
      h('h3', {}, d.title),
      h('dl', {}, d.fields.filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])),
      ...(d.actions.length ? [h('div', { class: 'actions' }, d.actions)] : []),
      ...(d.extra ?? []),
      pretty(d.data),
    );
  } catch (err) {
    into.replaceChildren(h('p', { class: 'error' }, describe(err)));
  }
}

// ---- live events ----

function drawEvents() {
  const onlyMine = $('#events-mine').checked;
  const needle = $('#events-search').value.toLowerCase();
  const shown = state.events
    .filter((e) => (!onlyMine || e.account === state.account) && (!needle || JSON.stringify(e).toLowerCase().includes(needle)))
    .slice(-MAX_EVENTS_SHOWN)
    .reverse();
  $('#events').replaceChildren(...shown.map((e) => h('li', {},
    h('details', {},
      h('summary', {}, h('span', { class: 'event-type' }, e['detail-type']), ' ', h('span', { class: 'muted' }, `${e.account} ${e.detail?.catalog ?? ''} ${shortTime(e.time)}`)),
      pretty(e)))));
  $('#events-count').textContent = `${shown.length} shown, ${state.events.length} received`;
}

let refreshTimer;
function onEvents(batch) {
  state.events.push(...batch);
  if (state.events.length > 5 * MAX_EVENTS_SHOWN) state.events.splice(0, state.events.length - MAX_EVENTS_SHOWN);
  drawEvents();
  // Something changed: bring the open list up to date (not the detail, where the user may be typing).
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    refreshAccounts().catch(() => {});
    const focused = document.activeElement;
    // A form the user has started filling in (or is focused on) is never redrawn under them.
    const editing = focused?.closest('#detail') || document.querySelector('#detail form[data-edited]');
    if (!views.some((v) => v.id === state.view) || editing) return;
    render().then(() => { if (focused?.id) document.getElementById(focused.id)?.focus(); });
  }, 300);
}

// ---- start ----

$('#account').value = state.account;
// Mark a detail form as edited on the first change, so event-driven refreshes leave it alone.
document.addEventListener('input', (e) => e.target.closest?.('#detail form')?.setAttribute('data-edited', ''));
document.addEventListener('change', (e) => e.target.closest?.('#detail form')?.setAttribute('data-edited', ''));
$('#account').addEventListener('change', () => { setAccount($('#account').value.trim()); render(); });
$('#catalog').value = state.catalog;
$('#catalog').addEventListener('change', () => { state.catalog = $('#catalog').value; state.selected = null; saveHash(); render(); });
$('#refresh').addEventListener('click', () => { refreshClock(); refreshAccounts(); render(); });
$('#events-mine').addEventListener('change', drawEvents);
$('#events-search').addEventListener('input', drawEvents);
setInterval(tickClock, 1000);
drawEvents();
await Promise.all([refreshClock(), refreshAccounts()]).catch((err) => report(describe(err), 'error'));
await render();
streamEvents(onEvents, () => { state.events = []; drawEvents(); });
