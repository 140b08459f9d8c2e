// The sync dashboard: loads the organization's state over HTTP, then keeps it current from
// graphql-ws (run progress, delivery changes, alerts) without reloading the page.
import { createApi } from './api.js';
import * as Q from './queries.js';
import * as R from './render.js';

const KEY = 'hotcrm.dashboard.apiKey';
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const $ = (id) => document.getElementById(id);

let api = null;
let stops = [];
let refreshTimer = null;

function showLogin(message = '') {
  $('login').hidden = false;
  $('dashboard').hidden = true;
  $('forget').hidden = true;
  $('login-error').textContent = message;
  $('api-key').focus();
}

function showError(error) {
  if (error?.unauthenticated) return signOut('That key was refused: ' + error.message);
  $('error').hidden = false;
  $('error').textContent = error?.message ?? String(error);
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  for (const stop of stops) stop();
  stops = [];
  api?.close();
  api = null;
  showLogin(message);
}

/** Replaces a section's content, unless the operator is typing in it (a custom value, say). */
function fill(id, nodes, emptyText) {
  const el = $(id);
  if (el.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') return;
  el.replaceChildren(...(nodes.length ? nodes : [R.empty(emptyText)]));
}

async function load() {
  const [health, connections, configs, webhooks, conflicts, automations] = await Promise.all([
    api.request(Q.HEALTH), api.request(Q.CONNECTIONS), api.request(Q.SYNC_CONFIGS), api.request(Q.WEBHOOKS), api.request(Q.CONFLICTS),
    api.request(Q.AUTOMATIONS),
  ]);
  $('health').replaceChildren(...R.health(health.integrationHealth));
  const configNodes = configs.syncConfigs.edges.map((e) => e.node);
  fill('syncs', configNodes.map((c) => R.syncConfig(c, (event) => trigger(c.id, event.currentTarget))), 'No sync configs yet.');
  fill('connections', connections.connections.edges.map((e) => R.connection(e.node)), 'No connections yet.');
  fill('webhooks', webhooks.webhookSubscriptions.edges.map((e) => R.webhook(e.node, retry)), 'No webhook subscriptions yet.');
  fill('automations', automations.automations.edges.map((e) => R.automation(e.node, retryRun)), 'No automations yet.');
  fill('conflicts', conflicts.syncConflicts.edges.map((e) => R.conflict(e.node, resolve)), 'No open conflicts.');
  // Each failed config with what troubleshoot makes of it; a report that fails to load leaves the error alone.
  const failed = configNodes.filter((c) => c.lastRun?.status === 'FAILED').slice(0, 5);
  const reports = await Promise.all(failed.map((c) => api.request(Q.TROUBLESHOOT, { id: c.id }).then((d) => d.troubleshoot, () => null)));
  fill('failures', failed.map((c, i) => R.failure(c, reports[i])), 'No failed runs.');
  $('error').hidden = true;
}

/** Many live events in a burst (a run's pages, a fan-out of deliveries) make one reload. */
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => load().catch(showError), 250);
}

async function act(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

function trigger(configId, button) {
  return act(button, async () => {
    const { triggerSync: run } = await api.request(Q.TRIGGER, { id: configId });
    onRun({ ...run, syncConfig: { id: configId }, recordsProcessed: 0, recordsCreated: 0, recordsUpdated: 0, recordsFailed: 0, conflicts: 0 });
  });
}

function retry(deliveryId, button) {
  return act(button, async () => {
    await api.request(Q.RETRY, { id: deliveryId });
    button.textContent = 'Queued';
    refreshSoon();
  });
}

function retryRun(runId, button) {
  return act(button, async () => {
    await api.request(Q.RETRY_RUN, { id: runId });
    button.textContent = 'Queued';
    refreshSoon();
  });
}

function resolve(conflictId, choice, value, button) {
  return act(button, async () => {
    let parsed = value;
    if (choice === 'CUSTOM') {
      try {
        parsed = JSON.parse(value);
      } catch {
        parsed = value; // plain text is a string value
      }
    }
    await api.request(Q.RESOLVE, { id: conflictId, choice, value: choice === 'CUSTOM' ? parsed : undefined });
    document.querySelector(`[data-conflict-id="${conflictId}"]`)?.remove();
    refreshSoon();
  });
}

const RANK = { QUEUED: 0, RUNNING: 1, COMPLETED: 2, FAILED: 2, CANCELLED: 2 };
const seenRuns = new Map();

/** A run changed: patch its config's card in place; reload the rest once it ends. */
function onRun(run) {
  // The trigger's answer and the socket's notices race; never step a run back to an earlier state.
  const seen = seenRuns.get(run.id);
  if (seen && (RANK[run.status] < seen.rank || (RANK[run.status] === seen.rank && run.recordsProcessed < seen.processed))) return;
  seenRuns.set(run.id, { rank: RANK[run.status], processed: run.recordsProcessed });
  const card = document.querySelector(`[data-config-id="${run.syncConfig.id}"]`);
  const current = card?.querySelector('.run');
  if (current) current.replaceWith(R.runSummary(run));
  if (!card || TERMINAL.has(run.status)) refreshSoon();
}

function onAlert(alert) {
  const list = $('alerts');
  if ([...list.children].some((li) => li.dataset.alertId === alert.id)) return; // a notice heard twice
  list.querySelector('.empty')?.remove();
  list.prepend(R.alert(alert));
  while (list.children.length > 50) list.lastElementChild.remove();
}

function setLive(state) {
  $('live').dataset.state = state;
  $('live').textContent = state;
}

async function open(key) {
  api = createApi(key, setLive);
  try {
    await load();
  } catch (error) {
    if (error.unauthenticated || error.errors) return signOut(`That key was refused: ${error.message}`);
    throw error;
  }
  sessionStorage.setItem(KEY, key);
  $('login').hidden = true;
  $('dashboard').hidden = false;
  $('forget').hidden = false;
  stops = [
    api.live(Q.RUN_UPDATES, (d) => onRun(d.syncRunUpdated), showError),
    api.live(Q.DELIVERY_UPDATES, () => refreshSoon(), showError),
    api.live(Q.AUTOMATION_RUN_UPDATES, () => refreshSoon(), showError),
    api.live(Q.ALERTS, (d) => onAlert(d.integrationAlert), showError),
  ];
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  $('api-key').value = '';
  if (key) open(key).catch(showError);
});
$('forget').addEventListener('click', () => signOut(''));

const saved = sessionStorage.getItem(KEY);
if (saved) open(saved).catch(showError);
else showLogin();
