// Injection token of the running process's Runtime (database, object store, queue, keys, use cases).
export const RUNTIME = Symbol('imagora.runtime');
