import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CustomTemplate } from '@accessgraph/contract';
import { validPayload } from './application/test-support/payloads.js';
import { validHrisPayload } from './hris/test-support/hris-payloads.js';
import { validIdpPayload } from './idp/test-support/idp-payloads.js';
import { PAYLOAD_TEMPLATES } from './payload-templates.js';
import { checkTemplate } from './test-support/template-check.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8'));

/** Payloads of each template that between them make every kind of node it can. */
const PAYLOADS: Record<CustomTemplate, Array<() => unknown>> = {
  application: [validPayload, () => fixture('seed-app-roles.json'), () => fixture('seed-app-simple.json'), () => fixture('app-ledger.json')],
  identity_provider: [validIdpPayload, () => fixture('seed-idp-simple.json')],
  hris: [validHrisPayload, () => fixture('seed-hris-bamboo.json')],
};

describe('node kinds of each template', () => {
  for (const template of Object.keys(PAYLOADS) as CustomTemplate[]) {
    it(`lists every kind of node a ${template} payload derives, and only those (searches skip other data sources by it)`, () => {
      const made = new Set<string>();
      for (const payload of PAYLOADS[template]) for (const node of checkTemplate(template, payload()).graph().nodes) made.add(node.kind);
      expect([...made].sort()).toEqual([...PAYLOAD_TEMPLATES[template].nodeKinds].sort());
    });
  }
});
