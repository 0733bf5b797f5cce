// globalSetup and globalTeardown run in the same jest parent process: this module carries the
// handles of the servers between them.
const state: { root?: string; stops: Array<() => Promise<void>> } = { stops: [] };

export function registerTestServices(root: string, stops: Array<() => Promise<void>>): void {
  state.root = root;
  state.stops = stops;
}

export function takeTestServices(): { root?: string; stops: Array<() => Promise<void>> } {
  const taken = { ...state };
  state.stops = [];
  return taken;
}
