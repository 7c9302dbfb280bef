import { parentPort, workerData } from 'node:worker_threads';
import { FileAdapter, newEnforcer, newModelFromString } from 'casbin';
import { CASBIN_MODEL, type CasbinQuestions, type CasbinReport } from './casbin-peer.js';

/**
 * Runs in a worker thread (casbin-peer.ts): loads the policy file into a casbin enforcer and asks
 * it the benchmark's questions, reporting each answer as it comes, so that the main thread can
 * stop a question that runs for too long and still keep the figures before it.
 */
const { file, questions } = workerData as { file: string; questions: CasbinQuestions };
const report = (message: CasbinReport) => parentPort!.postMessage(message);

let started = performance.now();
const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL), new FileAdapter(file));
report({ stage: 'load', ms: performance.now() - started });

const times: number[] = [];
let rows = 0;
for (const user of questions.users) {
  started = performance.now();
  rows += (await enforcer.getImplicitPermissionsForUser(user)).length;
  times.push(performance.now() - started);
}
report({ stage: 'user', times, rows });

started = performance.now();
await enforcer.addPolicies(questions.grants);
report({ stage: 'add', ms: performance.now() - started });

// Who can reach the resource: the subjects of its policies and every user that holds them, transitively.
started = performance.now();
const who = new Set<string>();
for (const policy of await enforcer.getFilteredPolicy(1, questions.resource)) {
  who.add(policy[0]!);
  for (const user of await enforcer.getImplicitUsersForRole(policy[0]!)) who.add(user);
}
report({ stage: 'resource', ms: performance.now() - started, rows: who.size });
