import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { ApplicationPayload, IdpPayload } from '@accessgraph/contract';

/**
 * node-casbin, the RBAC library a Node team would pick instead, given the query benchmark's
 * organisation as RBAC policy (issue 6's peer): the same edges, as casbin spells them.
 * - `g, <member>, <role>`: a local user in its local group, an IdP user holding its local account
 *   (an account linked by `identities` acts for the person), an IdP user in its IdP groups, an IdP
 *   group in its parent group, an IdP group in the local group linked to it;
 * - `p, <principal>, <resource>, <permission>`: each grant, its role spelled out as its permissions,
 *   on the resource it was granted on (casbin has no resource hierarchy without a second role
 *   definition, and its implicit-permission APIs would not walk one: so casbin's answers name the
 *   4,000 parents where ours name every resource reached, children included).
 * Subjects and objects are prefixed with their application (`app3:a17`) to keep applications apart.
 */
export const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
`;

/** What casbin is asked, by its subjects' and objects' names. */
export interface CasbinQuestions {
  /** IdP users whose implicit permissions are asked, one after the other. */
  users: string[];
  /** Grants added in one batch (addPolicies), as [subject, object, action]. */
  grants: string[][];
  /** The resource whose subjects are asked. */
  resource: string;
}

/** What the worker reports, one message per question. */
export type CasbinReport =
  | { stage: 'load'; ms: number }
  | { stage: 'user'; times: number[]; rows: number }
  | { stage: 'add'; ms: number }
  | { stage: 'resource'; ms: number; rows: number };

export interface CasbinAnswers {
  policies: number;
  groupings: number;
  load?: number;
  user?: { times: number[]; rows: number };
  add?: number;
  resource?: { ms: number; rows: number };
  /** The question casbin was still answering when it was stopped, and after how long. */
  stopped?: { stage: string; afterMs: number };
}

/**
 * Writes the organisation as a casbin policy file, then, in a worker thread, loads it the way an
 * application would (the file adapter) and asks the questions. A question still unanswered
 * `timeoutMs` after the previous answer stops the worker: casbin's answers are synchronous walks
 * that cannot be interrupted otherwise, and who can reach a resource may take many minutes.
 */
export async function askCasbin(idp: IdpPayload, apps: readonly ApplicationPayload[], questions: CasbinQuestions, timeoutMs: number, log: (line: string) => void): Promise<CasbinAnswers> {
  const dir = await mkdtemp(join(tmpdir(), 'accessgraph-casbin-'));
  try {
    const file = join(dir, 'policy.csv');
    const answers: CasbinAnswers = await writePolicy(file, idp, apps);
    log(`    casbin policy: ${answers.policies.toLocaleString('en-US')} p rules, ${answers.groupings.toLocaleString('en-US')} g rules`);
    const worker = new Worker(typeScriptWorker(new URL('./casbin-worker.ts', import.meta.url)), { workerData: { file, questions }, resourceLimits: { maxOldGenerationSizeMb: 8_192 } });
    // The questions in the worker's order: the one after the last answer is the one under way.
    const stages: Array<CasbinReport['stage']> = ['load', 'user', 'add', 'resource'];
    let next = 0;
    await new Promise<void>((resolve, reject) => {
      let since = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          answers.stopped = { stage: stages[next]!, afterMs: performance.now() - since };
          void worker.terminate();
        }, timeoutMs);
      };
      arm();
      worker.on('message', (message: CasbinReport) => {
        since = performance.now();
        next = stages.indexOf(message.stage) + 1;
        if (message.stage === 'load') answers.load = message.ms;
        else if (message.stage === 'user') answers.user = { times: message.times, rows: message.rows };
        else if (message.stage === 'add') answers.add = message.ms;
        else answers.resource = { ms: message.ms, rows: message.rows };
        arm();
      });
      worker.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      worker.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return answers;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A worker entry that runs a TypeScript module: Node 20 starts a worker's entry before loader
 * hooks given on its command line apply, so a small module registers tsx (as the benchmark's own
 * `--import tsx` does) and then imports the real entry.
 */
function typeScriptWorker(entry: URL): URL {
  const code = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); await import(${JSON.stringify(entry.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

export const casbinUser = (identity: string) => `idp:${identity}`;
export const casbinResource = (app: number, resource: string) => `app${app}:${resource}`;

async function writePolicy(file: string, idp: IdpPayload, apps: readonly ApplicationPayload[]): Promise<{ policies: number; groupings: number }> {
  const out = createWriteStream(file);
  let policies = 0;
  let groupings = 0;
  let buffer: string[] = [];
  const line = async (text: string) => {
    buffer.push(text);
    if (buffer.length < 10_000) return;
    const chunk = buffer.join('\n') + '\n';
    buffer = [];
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const g = (member: string, role: string) => {
    groupings += 1;
    return line(`g, ${member}, ${role}`);
  };
  const p = (subject: string, object: string, action: string) => {
    policies += 1;
    return line(`p, ${subject}, ${object}, ${action}`);
  };

  // The generated payloads give every user and group an identity and name groups by { identity }.
  const identityOf = (entry: string | { identity: string }) => (typeof entry === 'string' ? entry : entry.identity);
  const userByEmail = new Map<string, string>();
  for (const user of idp.users ?? []) {
    const identity = user.identity!;
    if (user.email) userByEmail.set(user.email.toLowerCase(), identity);
    for (const group of user.groups ?? []) await g(casbinUser(identity), casbinUser(identityOf(group)));
  }
  for (const group of idp.groups ?? []) for (const parent of group.groups ?? []) await g(casbinUser(group.identity!), casbinUser(identityOf(parent)));

  for (const [index, app] of apps.entries()) {
    const a = (name: string) => `app${index}:${name}`;
    const application = app.applications![0]!;
    const roles = new Map((application.local_roles ?? []).map((r) => [r.name, r.permissions ?? []]));
    for (const user of application.local_users ?? []) {
      const key = user.id ?? user.name;
      for (const group of user.groups ?? []) await g(a(key), a(group));
      for (const identity of user.identities ?? []) {
        const person = userByEmail.get(identity.toLowerCase());
        if (person !== undefined) await g(casbinUser(person), a(key));
      }
    }
    for (const group of application.local_groups ?? []) for (const identity of group.identities ?? []) await g(casbinUser(identity), a(group.name));
    for (const grant of app.identity_to_permissions ?? []) {
      for (const assignment of grant.role_assignments ?? []) {
        for (const resource of assignment.resources ?? []) for (const permission of roles.get(assignment.role) ?? []) await p(a(grant.identity), a(resource), permission);
      }
    }
  }
  if (buffer.length > 0) out.write(buffer.join('\n') + '\n');
  out.end();
  await once(out, 'finish');
  return { policies, groupings };
}
