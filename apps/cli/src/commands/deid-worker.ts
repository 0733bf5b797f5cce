import { MessagePort, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Deidentifier } from '@imagora/deid';
import { deidentifyToOutcome, type DeidFileOutcome } from '@imagora/runtime/dicom-files/deidentify-path';

// The worker-thread side of `imagora deid`: each worker runs the shared per-file function on the paths it is sent.
export { deidentifyPath, deidentifyToOutcome, isNotDicom, IN_MEMORY_LIMIT, type DeidFileOutcome } from '@imagora/runtime/dicom-files/deidentify-path';

/** workerData of a de-identification worker. */
export interface DeidWorkerInit {
  readonly role: typeof DEID_WORKER_ROLE;
  readonly key: Uint8Array;
  readonly options: readonly string[];
}

/** Main thread → worker: one file to process. */
export interface DeidTask {
  readonly id: number;
  readonly source: string;
  readonly target: string;
}

/** Worker → main thread. */
export interface DeidTaskResult {
  readonly id: number;
  readonly outcome: DeidFileOutcome;
}

export const DEID_WORKER_ROLE = 'imagora-deid-worker';

function serveTasks(port: MessagePort, init: DeidWorkerInit): void {
  const deidentifier = new Deidentifier({ key: Buffer.from(init.key), options: init.options });
  port.on('message', (task: DeidTask) => {
    const result: DeidTaskResult = { id: task.id, outcome: deidentifyToOutcome(deidentifier, task.source, task.target) };
    port.postMessage(result);
  });
}

// Worker entry: started by the pool in deid.command.ts with the `@imagora/*` alias hook preloaded.
if (!isMainThread && parentPort && (workerData as Partial<DeidWorkerInit> | undefined)?.role === DEID_WORKER_ROLE) {
  serveTasks(parentPort, workerData as DeidWorkerInit);
}
