import type { EffectivePermissionsQuery, IdentityLinksQuery, PushHistoryQuery } from '@accessgraph/contract';
import type { Store } from '@accessgraph/storage';
import type { DataSourceService } from './data-source-service.js';
import { questionOf, simplePage, valuesEnvelope } from './list-paging.js';

/** What a data source's pushes left behind: its push history, its effective permissions and its identity links. */
export class ReadBackService {
  constructor(
    private readonly store: Store,
    private readonly dataSources: DataSourceService,
  ) {}

  async pushes(providerId: string, dataSourceId: string, query: PushHistoryQuery) {
    const dataSource = await this.dataSources.get(providerId, dataSourceId);
    const question = questionOf('pushes', dataSource.id);
    return valuesEnvelope(await this.store.listPushes(dataSource.id, simplePage(question, query)), question);
  }

  async effectivePermissions(providerId: string, dataSourceId: string, query: EffectivePermissionsQuery) {
    const dataSource = await this.dataSources.get(providerId, dataSourceId);
    const question = questionOf('effective', dataSource.id, query.principal ?? '', query.target ?? '');
    const page = await this.store.listEffectivePermissions(dataSource.id, {
      ...simplePage(question, query),
      ...(query.principal ? { principal: query.principal } : {}),
      ...(query.target ? { target: query.target } : {}),
    });
    return valuesEnvelope(page, question);
  }

  async identityLinks(providerId: string, dataSourceId: string, query: IdentityLinksQuery) {
    const dataSource = await this.dataSources.get(providerId, dataSourceId);
    const question = questionOf('identity_links', dataSource.id, query.unlinked === true);
    return valuesEnvelope(await this.store.listIdentityLinks(dataSource.id, { ...simplePage(question, query), unlinked: query.unlinked === true }), question);
  }
}
