/** One poll of `warmup.metrics` kept for the charts. */
export interface MetricsPoint {
  t: number; hits: number; misses: number; warmGbHours: number; warmMb: number;
  /** The server's own resident memory (`process.residentMb` of `warmup.metrics`); undefined where it is not known. */
  serverMb?: number;
}

/** Uses on one local day (the server's time zone), as `warmup.usageStats` gives them in its `daily`. */
export interface DailyUses { day: string; uses: number }

/** Days shown in the chart of uses by day, ending today. */
export const USAGE_DAYS = 30;

/** `date`'s day (YYYY-MM-DD) in this machine's time zone, the zone the server counts uses by. */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The `USAGE_DAYS` days up to `today` (YYYY-MM-DD), oldest first, with their uses (0 where none). */
export function lastDays(daily: DailyUses[], today: string): DailyUses[] {
  const byDay = new Map(daily.map(d => [d.day, d.uses]));
  const end = Date.parse(`${today}T00:00:00Z`);
  const days: DailyUses[] = [];
  for (let i = USAGE_DAYS - 1; i >= 0; i--) {
    const day = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    days.push({ day, uses: byDay.get(day) ?? 0 });
  }
  return days;
}

function dailyChart(days: DailyUses[], complete: boolean): string {
  const total = days.reduce((sum, d) => sum + d.uses, 0);
  const max = Math.max(1, ...days.map(d => d.uses));
  const w = 600 / days.length;
  const bars = days.map((d, i) => {
    const h = d.uses / max * 120;
    return `<rect x="${(i * w + 1).toFixed(1)}" y="${(120 - h).toFixed(1)}" width="${(w - 2).toFixed(1)}" `
      + `height="${h.toFixed(1)}" fill="currentColor"><title>${d.day}: ${d.uses}</title></rect>`;
  }).join('');
  const inside = total === 0 ? empty('no model use recorded in these days')
    : `${bars}${scaleLabel(`${max} a day`)}`;
  return `<h2>Model uses by day, last ${days.length} days: ${total}</h2>`
    + (complete ? '' : '<p>Not counting the latest uses: they wait for the usage store, which the server cannot write'
      + ' now (WMP-7002).</p>')
    + `<svg width="600" height="120" viewBox="0 0 600 120" role="img" aria-label="Model uses by day">`
    + `<rect width="600" height="120" fill="none" stroke="currentColor" stroke-opacity="0.2"/>${inside}</svg>`;
}

/** A chart's top value, in its top left corner. */
function scaleLabel(text: string): string {
  return `<text x="6" y="14" font-size="11" fill="currentColor" fill-opacity="0.7">${text}</text>`;
}

/** What an empty chart says in its middle. */
function empty(text: string): string {
  return `<text x="300" y="64" font-size="12" text-anchor="middle" fill="currentColor" fill-opacity="0.7">`
    + `${text}</text>`;
}

/** The polyline's points: time across the whole view's span [t0, t1], the value up from 0 to max. */
function series(points: MetricsPoint[], value: (p: MetricsPoint) => number, max: number, t0: number,
  t1: number): string {
  return points.map(p => `${((p.t - t0) / Math.max(1, t1 - t0) * 600).toFixed(1)},`
    + `${(120 - value(p) / max * 120).toFixed(1)}`).join(' ');
}

/** How a chart reads its samples: the value of each, its unit and digits, and what its title says without one. */
interface Measure {
  value: (p: MetricsPoint) => number | undefined;
  unit: string;
  digits: number;
  /** The title's figure when the last sample has no value (accuracy before any use). */
  none?: string;
  /** The top of the chart when fixed (a percentage's 100); otherwise the largest value, and at least 1. */
  top?: number;
}

function chart(title: string, points: MetricsPoint[], m: Measure): string {
  const format = (v: number) => `${v.toFixed(m.digits)}${m.unit}`;
  const last = points.length > 0 ? m.value(points[points.length - 1]) : undefined;
  const heading = last !== undefined ? format(last) : (points.length > 0 ? m.none ?? 'not known' : 'not sampled yet');
  const known = points.filter(p => m.value(p) !== undefined);
  const max = m.top ?? Math.max(1, ...known.map(p => m.value(p) as number));
  const inside = known.length >= 2 ? `<polyline fill="none" stroke="currentColor" stroke-width="2" points="`
      + `${series(known, p => m.value(p) as number, max, points[0].t, points[points.length - 1].t)}"/>`
      + scaleLabel(format(max))
    : empty(points.length >= 2 && m.none ? m.none : 'a line once there are two samples (one every 10 s)');
  return `<h2>${title}: ${heading}</h2>`
    + `<svg width="600" height="120" viewBox="0 0 600 120" role="img" aria-label="${title}">`
    + `<rect width="600" height="120" fill="none" stroke="currentColor" stroke-opacity="0.2"/>${inside}</svg>`;
}

/** A model server's cgroup memory limit that leaves less than the machine has: its backends' models keep within it. */
export interface MemoryLimit {
  backends?: string[]; limitMb?: number; availableMb?: number;
  /** Whose limit, in words. */
  where?: string;
}

/** A model server's cgroup CPU quota that reads busier than the machine: its backends' warm-ups wait on it. */
export interface CpuLimit {
  backends?: string[]; cores?: number; load?: number;
  /** Whose quota, in words. */
  where?: string;
}

/** A model server found on the machine, whether or not a limit of its cgroup binds. */
export interface ModelServer {
  backends?: string[]; pid?: number;
  /** How it was found, in words ("port 11434 forwarded by docker-proxy (pid 812) to 172.17.0.2:11434, pid 4242"). */
  where?: string;
}

/** The machine as the server last read it (`machine` of `warmup.metrics`). */
export interface MachineReading {
  memoryTotalMb?: number; memoryAvailableMb?: number; cpuLoad?: number;
  memoryLimits?: MemoryLimit[];
  cpuLimits?: CpuLimit[];
  modelServers?: ModelServer[];
}

/** Text from the server, safe inside HTML. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/**
 * What the server reads of the machine: memory available, CPU load, whose limits they are where not its own, and the
 * model servers it found.
 */
function machineSection(m: MachineReading): string {
  const memory = m.memoryAvailableMb !== undefined && m.memoryTotalMb !== undefined
    ? `${m.memoryAvailableMb.toLocaleString('en-US')} of ${m.memoryTotalMb.toLocaleString('en-US')} MB of memory`
      + ' available'
    : 'memory not read';
  const cpu = m.cpuLoad !== undefined ? `CPU ${Math.round(m.cpuLoad * 100)} % busy` : 'CPU load not known';
  const limits = (m.memoryLimits ?? []).map(l => `<p>The models of backend ${escapeHtml((l.backends ?? []).join(', '))}`
    + ` keep within ${escapeHtml(l.where ?? 'a memory limit')}: `
    + `${l.availableMb === undefined ? 'unknown' : l.availableMb.toLocaleString('en-US')} MB of it available.</p>`);
  const quotas = (m.cpuLimits ?? []).map(q => `<p>The warm-ups of backend ${escapeHtml((q.backends ?? []).join(', '))}`
    + ` wait on ${escapeHtml(q.where ?? 'a CPU quota')}: `
    + `${q.load === undefined ? 'unknown' : `${Math.round(q.load * 100)} %`} of it busy.</p>`);
  const servers = (m.modelServers ?? []).map(s => `<p>The model server of backend `
    + `${escapeHtml((s.backends ?? []).join(', '))}: ${escapeHtml(s.where ?? 'found')}.</p>`);
  return `<h2>The machine as the server reads it</h2><p>${memory}; ${cpu}.</p>${limits.join('')}${quotas.join('')}`
    + servers.join('');
}

/**
 * The metrics view: the recorded uses by day (from the store, so the view has a history the moment it opens; left
 * out when `days` is undefined; `daysComplete` false when the server said its store is missing the latest), and
 * charts of hits and cold starts, warm memory, accuracy and the server's own memory since it opened, and what the
 * server last read of the machine (left out when `machine` is undefined); no scripts.
 */
export function metricsHtml(points: MetricsPoint[], cspSource: string, days?: DailyUses[],
  daysComplete = true, machine?: MachineReading): string {
  const accuracy = (p: MetricsPoint) => (p.hits + p.misses === 0 ? undefined : 100 * p.hits / (p.hits + p.misses));
  return `<!DOCTYPE html><html><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">`
    + `<title>Warmup metrics</title></head><body>`
    + (days ? dailyChart(days, daysComplete) : '')
    + chart('Hits (model was warm)', points, { value: p => p.hits, unit: '', digits: 0 })
    + chart('Cold starts', points, { value: p => p.misses, unit: '', digits: 0 })
    + chart('Warm memory now', points, { value: p => p.warmMb / 1024, unit: ' GB', digits: 2 })
    + chart('Prediction accuracy (hits / uses)', points, { value: accuracy, unit: '%', digits: 0, none: 'no uses yet',
      top: 100 })
    + (points.some(p => p.serverMb !== undefined)
      ? chart('This server\'s own memory (resident)', points, { value: p => p.serverMb, unit: ' MB', digits: 0 }) : '')
    + (machine ? machineSection(machine) : '')
    + `<p>${points.length} sample${points.length === 1 ? '' : 's'}, one every 10 s while this view is open.</p>`
    + `</body></html>`;
}
