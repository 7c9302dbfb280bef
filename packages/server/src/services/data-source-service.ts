import { randomUUID } from 'node:crypto';
import type { DataSource, DataSourceCreate, ListQuery } from '@accessgraph/contract';
import { checkNameLength } from '@accessgraph/core';
import { DATA_SOURCE_LIST_FIELDS, StoreError, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { nowIso } from './clock.js';
import { pagedQuestion, valuesEnvelope } from './list-paging.js';
import type { ProviderService } from './provider-service.js';

/** Data source use cases, always under their provider. */
export class DataSourceService {
  constructor(
    private readonly store: Store,
    private readonly providers: ProviderService,
  ) {}

  async create(providerId: string, body: DataSourceCreate): Promise<DataSource> {
    const provider = await this.providers.get(providerId);
    const issues = checkNameLength(body.name);
    if (body.id !== undefined && body.id.toLowerCase() !== provider.id) {
      issues.push({
        path: 'id',
        code: 'id_mismatch',
        message: `provider id "${body.id}" in the body differs from "${providerId}" in the path`,
      });
    }
    if (body.custom_template !== undefined && body.custom_template !== provider.custom_template) {
      issues.push({
        path: 'custom_template',
        code: 'template_mismatch',
        message: `custom_template "${body.custom_template}" differs from the provider's "${provider.custom_template}"`,
      });
    }
    if (issues.length > 0) {
      throw ApiError.fromIssues(issues, issues.some((i) => i.code === 'id_mismatch') ? 'ID_MISMATCH' : 'INVALID_ARGUMENTS');
    }
    try {
      return await this.store.createDataSource({ id: randomUUID(), providerId: provider.id, name: body.name, now: nowIso() });
    } catch (error) {
      if (error instanceof StoreError && error.code === 'duplicate') {
        throw ApiError.invalid(
          [{ field: 'name', description: 'Data source with the same name already exists for this provider' }],
          'DUPLICATE_NAME',
        );
      }
      throw error;
    }
  }

  async get(providerId: string, id: string): Promise<DataSource> {
    await this.providers.get(providerId);
    const dataSource = await this.store.getDataSource(providerId, id);
    if (!dataSource) throw ApiError.notFound('datasource', id);
    return dataSource;
  }

  async list(providerId: string, query: ListQuery) {
    const provider = await this.providers.get(providerId);
    const { request, question } = pagedQuestion(`datasources:${provider.id}`, query, DATA_SOURCE_LIST_FIELDS);
    return valuesEnvelope(await this.store.listDataSources(provider.id, request), question);
  }

  async delete(providerId: string, id: string): Promise<void> {
    await this.providers.get(providerId);
    if (!(await this.store.deleteDataSource(providerId, id))) throw ApiError.notFound('datasource', id);
  }
}
