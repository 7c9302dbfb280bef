import type { ProviderCreate } from '@accessgraph/contract';
import { describe, expect, it } from 'vitest';
import { checkProviderCreate } from './provider-rules.js';

const provider = (fields: Partial<ProviderCreate> = {}): ProviderCreate => ({
  name: 'GitHub',
  custom_template: 'application',
  ...fields,
});

describe('checkProviderCreate', () => {
  it('accepts a plain provider of each template', () => {
    expect(checkProviderCreate(provider())).toEqual([]);
    expect(checkProviderCreate(provider({ custom_template: 'identity_provider' }))).toEqual([]);
    expect(checkProviderCreate(provider({ custom_template: 'hris', provisioning: true }))).toEqual([]);
  });

  it.each(['SCIM', 'SEND_REST_PAYLOAD'] as const)(
    'accepts external_lifecycle_management_type %s with the application template',
    (type) => {
      expect(checkProviderCreate(provider({ external_lifecycle_management_type: type }))).toEqual([]);
    },
  );

  it.each(['identity_provider', 'hris'] as const)(
    'refuses external_lifecycle_management_type with the %s template, at that path',
    (template) => {
      const issues = checkProviderCreate(
        provider({ custom_template: template, external_lifecycle_management_type: 'SCIM' }),
      );
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe('external_lifecycle_management_type');
      expect(issues[0]!.code).toBe('application_only');
      expect(issues[0]!.message).toContain('"application"');
      expect(issues[0]!.message).toContain(`"${template}"`);
    },
  );

  it('refuses a name over 256 bytes at path name', () => {
    const issues = checkProviderCreate(provider({ name: 'n'.repeat(257) }));
    expect(issues).toEqual([{ path: 'name', code: 'too_long', message: expect.stringContaining('257 bytes') }]);
  });

  it('accepts a name of exactly 256 bytes', () => {
    expect(checkProviderCreate(provider({ name: 'n'.repeat(256) }))).toEqual([]);
  });

  it('returns every issue at once', () => {
    const issues = checkProviderCreate({
      name: 'n'.repeat(300),
      custom_template: 'hris',
      external_lifecycle_management_type: 'SEND_REST_PAYLOAD',
    });
    expect(issues.map((i) => i.path).sort()).toEqual(['external_lifecycle_management_type', 'name']);
  });

  it('is not misled by other options that carry no rule', () => {
    const body = provider({ custom_template: 'identity_provider', provisioning: true, push_type: 1, internal_app_name: 'x' });
    expect(checkProviderCreate(body)).toEqual([]);
  });
});
