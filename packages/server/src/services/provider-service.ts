import { randomUUID } from 'node:crypto';
import type { ListQuery, Provider, ProviderCreate, ProviderPatch } from '@accessgraph/contract';
import { checkNameLength, checkProviderCreate } from '@accessgraph/core';
import { PROVIDER_LIST_FIELDS, StoreError, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { nowIso } from './clock.js';
import { pagedQuestion, valuesEnvelope } from './list-paging.js';

const DUPLICATE_PROVIDER = 'Provider with the same name already exists';

/** Provider use cases: create, read, list, patch, delete. */
export class ProviderService {
  constructor(private readonly store: Store) {}

  async create(body: ProviderCreate): Promise<Provider> {
    const issues = checkProviderCreate(body);
    if (issues.length > 0) throw ApiError.fromIssues(issues);
    const { name, custom_template, provisioning, ...options } = body;
    return this.uniqueName(() =>
      this.store.createProvider({
        id: randomUUID(),
        name,
        customTemplate: custom_template,
        provisioning: provisioning ?? false,
        options,
        state: 'ENABLED',
        now: nowIso(),
      }),
    );
  }

  /** The provider, or a 404 (also for ids that are not even UUIDs, as oaaclient expects). */
  async get(id: string): Promise<Provider> {
    const provider = await this.store.getProvider(id);
    if (!provider) throw ApiError.notFound('provider', id);
    return provider;
  }

  async list(query: ListQuery) {
    const { request, question } = pagedQuestion('providers', query, PROVIDER_LIST_FIELDS);
    return valuesEnvelope(await this.store.listProviders(request), question);
  }

  async patch(id: string, body: ProviderPatch): Promise<Provider> {
    if (body.name !== undefined) {
      const issues = checkNameLength(body.name);
      if (issues.length > 0) throw ApiError.fromIssues(issues);
    }
    const updated = await this.uniqueName(() =>
      this.store.updateProvider(id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.provisioning !== undefined ? { provisioning: body.provisioning } : {}),
        ...(body.notification_preferences !== undefined
          ? { options: { notification_preferences: body.notification_preferences } }
          : {}),
        now: nowIso(),
      }),
    );
    if (!updated) throw ApiError.notFound('provider', id);
    return updated;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteProvider(id))) throw ApiError.notFound('provider', id);
  }

  private async uniqueName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof StoreError && error.code === 'duplicate') {
        throw ApiError.invalid([{ field: 'name', description: DUPLICATE_PROVIDER }], 'DUPLICATE_NAME');
      }
      throw error;
    }
  }
}
