/** One poll of `warmup.metrics` kept for the charts. */
export interface MetricsPoint { t: number; hits: number; misses: number; warmGbHours: number; warmMb: number }

function series(points: MetricsPoint[], value: (p: MetricsPoint) => number, w: number, h: number): string {
  if (points.length < 2) {
    return '';
  }
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t;
  const max = Math.max(1e-9, ...points.map(value));
  return points.map(p => `${((p.t - t0) / Math.max(1, t1 - t0) * w).toFixed(1)},`
    + `${(h - value(p) / max * h).toFixed(1)}`).join(' ');
}

function chart(title: string, points: MetricsPoint[], value: (p: MetricsPoint) => number, unit: string): string {
  const last = points.length > 0 ? value(points[points.length - 1]) : 0;
  return `<h2>${title}: ${last.toFixed(unit === '%' ? 0 : 2)}${unit}</h2>`
    + `<svg width="600" height="120" viewBox="0 0 600 120" role="img" aria-label="${title}">`
    + `<rect width="600" height="120" fill="none" stroke="currentColor" stroke-opacity="0.2"/>`
    + `<polyline fill="none" stroke="currentColor" stroke-width="2" points="${series(points, value, 600, 120)}"/>`
    + `</svg>`;
}

/** The metrics view: charts of hits and cold starts, warm memory and accuracy over time; no scripts at all. */
export function metricsHtml(points: MetricsPoint[], cspSource: string): string {
  const accuracy = (p: MetricsPoint) => (p.hits + p.misses === 0 ? 0 : 100 * p.hits / (p.hits + p.misses));
  return `<!DOCTYPE html><html><head><meta charset="utf-8">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">`
    + `<title>Warmup metrics</title></head><body>`
    + chart('Hits (model was warm)', points, p => p.hits, '')
    + chart('Cold starts', points, p => p.misses, '')
    + chart('Warm memory now', points, p => p.warmMb / 1024, ' GB')
    + chart('Prediction accuracy (hits / uses)', points, accuracy, '%')
    + `<p>${points.length} samples, one every 10 s while this view is open.</p></body></html>`;
}
