import { messageOf } from './errors';

/** A `warmup/load` or `warmup/unload` the server sent, for the `client` backend. */
export interface LoadRequest { model: string; reason?: string; confidence?: number; neededInSeconds?: number }

/** What an AI extension registers to perform loads for the `client` backend. */
export interface LoadHandler {
  load(request: LoadRequest): Promise<{ memoryMb?: number } | void>;
  /** `reason`: why the server no longer keeps it (not expected soon enough, no room, the machine short of memory). */
  unload?(model: string, reason?: string): Promise<void>;
}

/** The `warmup/modelState` answer. */
export interface ModelStateParams { model: string; state: 'loading' | 'ready' | 'failed' | 'unloaded';
  loadMs?: number; memoryMb?: number; error?: string }

/**
 * Turns the server's `warmup/load` / `warmup/unload` into calls of the registered handler, answering each with
 * `warmup/modelState` (loading, then ready or failed; unloaded). Without a handler a load fails at once; when one
 * registers, `loaderReady` tells the server (`warmup/loaderReady`), which then tries what failed at once instead of
 * at the end of its back-off (up to ten minutes). `warn` hears what went wrong that the server is not told in words.
 */
export class LoadBridge {
  private handler: LoadHandler | undefined;
  /** What the handler has loaded and not unloaded since, with the memory it said it holds. */
  private readonly loaded = new Map<string, number | undefined>();

  constructor(private readonly send: (p: ModelStateParams) => void, private readonly loaderReady: () => void,
    private readonly now: () => number = Date.now,
    private readonly warn: (message: string) => void = () => undefined) {}

  register(handler: LoadHandler): { dispose(): void } {
    if (handler !== this.handler) {
      this.loaded.clear(); // another handler's models are its own to keep or drop
    }
    this.handler = handler;
    this.loaderReady();
    return { dispose: () => {
      if (this.handler === handler) { // gone with its models, which no server could unload through it any more
        this.handler = undefined;
        this.loaded.clear();
      }
    } };
  }

  async load(req: LoadRequest): Promise<void> {
    const h = this.handler;
    if (!h) {
      this.send({ model: req.model, state: 'failed', error: 'no extension registered a load handler' });
      return;
    }
    const started = this.now();
    this.send({ model: req.model, state: 'loading' });
    try {
      const r = await h.load(req);
      const memoryMb = r && typeof r.memoryMb === 'number' ? r.memoryMb : undefined;
      if (this.handler === h) { // one replaced meanwhile finished it: that model is its own
        this.loaded.set(req.model, memoryMb);
      }
      this.send({ model: req.model, state: 'ready', loadMs: this.now() - started, memoryMb });
    } catch (e) {
      this.send({ model: req.model, state: 'failed', error: messageOf(e) });
    }
  }

  /**
   * An unload the handler fails leaves the model loaded: the server hears `ready` (it holds its memory still), and
   * decides again as it does when a model server refuses an unload.
   */
  async unload(model: string, reason?: string): Promise<void> {
    if (this.handler?.unload) {
      try {
        await this.handler.unload(model, reason);
      } catch (e) {
        this.warn(`the load handler could not unload ${model}: ${messageOf(e)}`);
        this.send({ model, state: 'ready', memoryMb: this.loaded.get(model) });
        return;
      }
    }
    this.loaded.delete(model);
    this.send({ model, state: 'unloaded' });
  }

  /**
   * Tells a server that has just started (a restart: settings changed, or after a crash) what the handler holds
   * loaded, as `ready`: it starts knowing nothing, and would otherwise never unload them.
   */
  announceLoaded(): void {
    this.loaded.forEach((memoryMb, model) => this.send({ model, state: 'ready', memoryMb }));
  }
}
