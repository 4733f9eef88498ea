/** The parts of `warmup/status` and `warmup/statusChanged` the status bar shows. */
export interface ModelStatus {
  id: string;
  state: string;
  memoryMb?: number;
  probability?: number | null;
  lastUsed?: string | null;
  backend?: string;
  /** For a warm model this server will not unload: who holds it. */
  heldBy?: 'anotherServer' | 'otherProgram' | null;
  /** For a failed model: the WMP message of its last failed load. */
  error?: string | null;
  /**
   * For a failed model: when it is tried next (ISO-8601); for an unloaded one its model server unloaded by itself:
   * until when the server leaves it alone.
   */
  retryAt?: string | null;
  /**
   * Since when (ISO-8601) the model's server has not said what it has loaded (no answer, or errors), once that is
   * half a minute or more: the state is as last seen.
   */
  unconfirmedSince?: string | null;
  /** For an unloaded model the server itself unloaded: why (until it is loaded again). */
  unloadReason?: string | null;
}

const HELD_BY: Record<string, string> = {
  anotherServer: ' (held by another editor\'s server)',
  otherProgram: ' (loaded by another program)',
};

export interface WarmupStatus {
  state: string;
  predictor?: string;
  predictorNote?: string;
  models: ModelStatus[];
  memoryUsedMb?: number;
  memoryBudgetMb?: number;
  /** What the machine holds warming back with now, each a WMP message (a busy CPU, a lowered memory budget). */
  heldBack?: string[] | null;
}

export interface StatusView {
  text: string;
  tooltip: string;
  kind: 'ok' | 'busy' | 'paused' | 'error';
}

/** Status bar text and tooltip: what is warm, loading and predicted, with confidence and memory. */
export function formatStatus(s: WarmupStatus | undefined, error?: string): StatusView {
  if (error) {
    return { text: '$(error) Warmup', tooltip: `Warmup server: ${error}`, kind: 'error' };
  }
  if (!s) {
    return { text: '$(sync~spin) Warmup', tooltip: 'Warmup server starting…', kind: 'busy' };
  }
  const warm = s.models.filter(m => m.state === 'warm' || m.state === 'ready');
  const loading = s.models.filter(m => m.state === 'loading');
  const predicted = s.models.filter(m => m.state !== 'warm' && m.state !== 'loading'
    && (m.probability ?? 0) >= 0.5);
  const parts = [`${warm.length} warm`];
  if (loading.length > 0) {
    parts.push(`${loading.length} loading`);
  }
  if (predicted.length > 0) {
    parts.push(`${predicted.length} predicted`);
  }
  const icon = s.state === 'paused' ? '$(debug-pause)' : loading.length > 0 ? '$(sync~spin)' : '$(flame)';
  const lines = s.models.map(m => {
    const p = m.probability === undefined || m.probability === null ? '' : `, p=${m.probability.toFixed(2)}`;
    const mem = m.memoryMb ? `, ${m.memoryMb} MB` : '';
    return `${m.id}: ${m.state}${p}${mem}${m.heldBy ? HELD_BY[m.heldBy] ?? '' : ''}${failure(m)}${unconfirmed(m)}`;
  });
  const memory = s.memoryBudgetMb ? `\nMemory: ${s.memoryUsedMb ?? 0} / ${s.memoryBudgetMb} MB` : '';
  const heldBack = (s.heldBack ?? []).map(h => `\nHeld back: ${h}`).join('');
  const predictor = s.predictor ? `\nPredictor: ${s.predictor}${s.predictorNote ? ' (' + s.predictorNote + ')' : ''}`
    : '';
  return {
    text: `${icon} ${parts.join(', ')}`,
    tooltip: (lines.length > 0 ? lines.join('\n') : 'No models configured (warmup.models)') + memory + heldBack
      + predictor,
    kind: s.state === 'paused' ? 'paused' : loading.length > 0 ? 'busy' : 'ok',
  };
}

/** The hour and minute of an ISO-8601 instant on this machine's clock; undefined if it is not one. */
function localTime(instant: string | null | undefined): string | undefined {
  const t = instant ? new Date(instant) : undefined;
  return t && !isNaN(t.getTime()) ? t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : undefined;
}

/** For a model whose server has not answered for a while: that its state is as last seen, and since when. */
function unconfirmed(m: ModelStatus): string {
  const since = localTime(m.unconfirmedSince);
  return since ? ` (as last seen: its model server has not answered since ${since})` : '';
}

/**
 * Why a failed model failed and when it is tried next, until when one its model server unloaded is left alone, or
 * why the server unloaded one, for its tooltip line; '' for any other.
 */
function failure(m: ModelStatus): string {
  const at = localTime(m.retryAt);
  if (m.state === 'unloaded') {
    return at ? ` (unloaded by its model server; not warmed before ${at})`
      : m.unloadReason ? ` (unloaded: ${m.unloadReason})` : '';
  }
  if (m.state !== 'failed') {
    return '';
  }
  return `${m.error ? ' — ' + m.error : ''}${at ? ` (next try ${at})` : ''}`;
}

/** What `warmup.forgetHistory` answers. */
export interface ForgetResult {
  events?: number;
  dailyCounts?: number;
  metricsSnapshots?: number;
  compacted?: boolean;
  /** Files deleted too: the trained model, copies of the history set aside when damaged or exported there. */
  filesDeleted?: number;
  /** Why the store file could not be compacted (another window's server held it); the rows are overwritten anyway. */
  notCompacted?: string;
}

/** The message after the history was forgotten. */
export function forgetSummary(r: ForgetResult): string {
  const events = r.events ?? 0;
  const days = r.dailyCounts ?? 0;
  const base = `Warmup forgot ${events} recorded event${events === 1 ? '' : 's'} and ${days} daily count`
    + `${days === 1 ? '' : 's'}, and what it learnt from them; it learns again from now on.`;
  return r.notCompacted ? `${base} (The file could not be compacted now: ${r.notCompacted}.)` : base;
}

/** What `warmup.retrain` answers. */
export interface RetrainResult {
  samples?: number;
  /** The tasks the trees were grown for; the others are forecast by the context rates. */
  learnedTasks?: string[];
  /** The model file. */
  file?: string;
  /** Whether the model file was written; when not, `notSaved` says why (WMP-2004: it could not). */
  saved?: boolean;
  notSaved?: string;
  /** Why the stored history could not be read for it (WMP-7004): trained on this session's events only. */
  historyUnread?: string;
}

/** The message after retraining, and whether it is a warning (the model file was not saved, or the history unread). */
export function retrainSummary(r: RetrainResult): { text: string; warning: boolean } {
  const samples = r.samples ?? 0;
  const tasks = r.learnedTasks ?? [];
  const base = `Warmup retrained on ${samples} sample${samples === 1 ? '' : 's'}: `
    + (tasks.length > 0 ? `trees for ${tasks.join(', ')}.` : 'no task has enough history for trees yet.');
  const unread = r.historyUnread ? ` Trained on this session's events only: ${r.historyUnread}` : '';
  if (r.saved === false) {
    return { text: `${base} The model was not saved: ${r.notSaved}${unread}`, warning: true };
  }
  return { text: `${r.file ? `${base} Saved to ${r.file}.` : base}${unread}`, warning: unread !== '' };
}

/** What `warmup.exportTrace` answers. */
export interface ExportResult { path?: string; events?: number; complete?: boolean; note?: string }

/** The message after an export, and whether it is a warning (the store could not take the latest events). */
export function exportSummary(r: ExportResult, chosen: string): { text: string; warning: boolean } {
  const text = `Warmup exported ${r.events ?? 0} events to ${r.path ?? chosen}`;
  return r.complete === false ? { text: `${text}, not all: ${r.note ?? 'the store could not take the latest'}`,
    warning: true } : { text, warning: false };
}
