// DOM builders. Every value from the API goes in as text, never as markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(child instanceof Node ? child : String(child));
  return el;
}

export const empty = (text) => h('p', { class: 'empty' }, text);
export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const show = (value) => (value === undefined || value === null ? '∅' : typeof value === 'string' ? value : JSON.stringify(value));
const badge = (status) => h('span', { class: `badge s-${String(status).toLowerCase()}`, 'data-status': status }, status);

const HEALTH_TILES = [
  ['connections', 'Connections'], ['connectionsInError', 'In error'], ['activeSyncConfigs', 'Active syncs'], ['runningSyncs', 'Running'],
  ['failedSyncRuns24h', 'Failed runs 24h'], ['webhookDeliveries24h', 'Deliveries 24h'], ['webhookFailures24h', 'Delivery failures 24h'], ['openConflicts', 'Open conflicts'],
];
const ALARMING = new Set(['connectionsInError', 'failedSyncRuns24h', 'webhookFailures24h', 'openConflicts']);

export function health(data) {
  return HEALTH_TILES.map(([field, label]) =>
    h('div', { class: `tile${ALARMING.has(field) && data[field] > 0 ? ' alarm' : ''}`, 'data-health': field }, h('strong', {}, data[field]), h('span', {}, label)),
  );
}

/** The run part of a config card; patched in place by syncRunUpdated. */
export function runSummary(run) {
  if (!run) return h('div', { class: 'run' }, h('span', { class: 'muted' }, 'never run'));
  const active = run.status === 'RUNNING' || run.status === 'QUEUED';
  const counts = `${run.recordsProcessed} processed · ${run.recordsCreated} created · ${run.recordsUpdated} updated · ${run.recordsFailed} failed${run.conflicts ? ` · ${run.conflicts} conflicts` : ''}`;
  return h('div', { class: `run${active ? ' active' : ''}`, 'data-run-id': run.id },
    badge(run.status),
    h('span', { class: 'counts', 'data-processed': run.recordsProcessed }, counts),
    active ? h('div', { class: 'bar', role: 'progressbar', 'aria-label': 'running' }, h('span')) : h('span', { class: 'muted' }, run.completedAt ? `ended ${when(run.completedAt)}` : ''),
    run.errorDetails ? h('p', { class: 'error small' }, run.errorDetails) : null,
  );
}

export function syncConfig(config, onTrigger) {
  return h('article', { class: 'item', 'data-config-id': config.id },
    h('div', { class: 'row' },
      h('div', {}, h('h3', {}, config.name), h('p', { class: 'muted' }, `${config.connection.name} · ${config.direction} · ${config.frequency}${config.isActive ? '' : ' · paused'}`)),
      h('button', { type: 'button', class: 'trigger', onclick: onTrigger }, 'Sync now'),
    ),
    runSummary(config.lastRun),
  );
}

export function failure(config, report) {
  return h('article', { class: 'item', 'data-failure-config': config.id },
    h('h3', {}, config.name), h('p', { class: 'error small' }, config.lastRun.errorDetails ?? 'failed'),
    report ? h('p', { class: 'muted' }, report.summary) : null,
    report ? h('ul', { class: 'findings' }, report.findings.map((f) =>
      h('li', { 'data-finding': f.code }, badge(f.severity), h('strong', {}, ` ${f.code} `), f.title,
        h('p', { class: 'small' }, f.explanation), f.suggestedFix ? h('p', { class: 'small fix' }, `Fix: ${f.suggestedFix}`) : null))) : null,
  );
}

export function connection(c) {
  return h('article', { class: 'item row', 'data-connection-id': c.id },
    h('div', {}, h('h3', {}, c.name), h('p', { class: 'muted' }, `${c.connector.name} · last used ${when(c.lastUsedAt)}`), c.lastError ? h('p', { class: 'error small' }, c.lastError) : null),
    badge(c.status),
  );
}

export function webhook(sub, onRetry) {
  const ok = sub.succeeded.totalCount;
  const failed = sub.failed.totalCount;
  const rate = ok + failed ? `${Math.round((100 * ok) / (ok + failed))}% delivered (${ok}/${ok + failed})` : 'no deliveries yet';
  return h('article', { class: 'item', 'data-subscription-id': sub.id },
    h('div', { class: 'row' }, h('div', {}, h('h3', {}, sub.name), h('p', { class: 'muted url' }, sub.targetUrl)), badge(sub.status)),
    h('p', { class: 'rate', 'data-rate': rate }, rate, sub.disabledReason ? ` · ${sub.disabledReason}` : ''),
    sub.failed.edges.length ? h('ul', { class: 'deliveries' }, sub.failed.edges.map(({ node: d }) => {
      const last = d.attempts[d.attempts.length - 1];
      return h('li', { class: 'row', 'data-delivery-id': d.id },
        h('span', {}, badge('FAILED'), ` ${d.eventType} · ${d.attemptCount} attempt(s) · ${last ? (last.responseStatus ?? last.error ?? '') : ''}`),
        h('button', { type: 'button', class: 'retry', onclick: (e) => onRetry(d.id, e.currentTarget) }, 'Retry'));
    })) : null,
  );
}

export function conflict(c, onResolve) {
  const custom = h('input', { type: 'text', class: 'custom', 'aria-label': 'Custom value', placeholder: 'custom value' });
  const resolve = (choice) => (e) => onResolve(c.id, choice, choice === 'CUSTOM' ? custom.value : undefined, e.currentTarget);
  return h('article', { class: 'item', 'data-conflict-id': c.id },
    h('h3', {}, `${c.syncConfig.name}: ${c.field}`),
    h('dl', { class: 'values' },
      h('dt', {}, 'Was'), h('dd', {}, show(c.baseValue)),
      h('dt', {}, 'Source'), h('dd', { class: 'source' }, show(c.sourceValue)),
      h('dt', {}, 'HotCRM'), h('dd', { class: 'target' }, show(c.targetValue))),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'keep-source', onclick: resolve('KEEP_SOURCE') }, 'Keep source'),
      h('button', { type: 'button', class: 'keep-target', onclick: resolve('KEEP_TARGET') }, 'Keep HotCRM'),
      custom, h('button', { type: 'button', class: 'keep-custom', onclick: resolve('CUSTOM') }, 'Use custom')),
  );
}

export function alert(a) {
  return h('li', { class: `alert sev-${a.severity.toLowerCase()}`, 'data-alert-id': a.id, 'data-alert-code': a.code }, badge(a.severity), h('strong', {}, ` ${a.code} `), a.message, h('p', { class: 'muted small' }, when(a.at)));
}

/** An automation with its last runs; a failed run gets a Retry button (retryAutomationRun). */
export function automation(a, onRetry) {
  const failed = a.failed.totalCount;
  return h('article', { class: 'item', 'data-automation-id': a.id },
    h('div', { class: 'row' },
      h('div', {}, h('h3', {}, a.name), h('p', { class: 'muted' }, `${a.eventTypes.join(', ')} → ${a.connection.name} · ${a.action} · last triggered ${when(a.lastTriggeredAt)}`)),
      badge(a.isActive ? 'ACTIVE' : 'PAUSED')),
    h('p', { class: 'rate', 'data-runs': a.recent.totalCount }, `${a.recent.totalCount} run(s)${failed ? ` · ${failed} failed` : ''}`),
    a.recent.edges.length ? h('ul', { class: 'runs' }, a.recent.edges.map(({ node: r }) =>
      h('li', { class: 'row', 'data-automation-run-id': r.id },
        h('span', {}, badge(r.status), ` ${r.event.type} · ${r.attemptCount} attempt(s) · ${when(r.completedAt ?? r.createdAt)}`, r.error ? h('p', { class: 'error small' }, r.error) : null),
        r.status === 'FAILED' ? h('button', { type: 'button', class: 'retry-run', onclick: (e) => onRetry(r.id, e.currentTarget) }, 'Retry') : null))) : null,
  );
}
