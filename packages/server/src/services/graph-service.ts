import type { EntityAccessQuery, NeighboursQuery, NodeSearchQuery, PrincipalAccessQuery } from '@accessgraph/contract';
import { readNodeSearch } from '@accessgraph/core';
import { ACCESS_HOLDER_KINDS, canonicalKey, ENTITY_KINDS, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { countedEnvelope, countRows, simplePage, valuesEnvelope } from './list-paging.js';

/** The query API's reads of the graph across data sources: node search, one node, its neighbours. */
export class GraphService {
  constructor(private readonly store: Store) {}

  async searchNodes(query: NodeSearchQuery) {
    const search = readNodeSearch(query);
    if (!search.ok) throw ApiError.fromIssues(search.issues, 'INVALID_FILTER');
    // A page token continues only the search it came from.
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    const question = JSON.stringify(['nodes', asked]);
    const page = await this.store.searchNodes({ search: search.value, ...simplePage(question, query), total: query.total === true });
    return { ...valuesEnvelope(page, question), ...(page.total === undefined ? {} : { total_count: page.total }) };
  }

  async node(nodeId: string) {
    const node = await this.store.getNode(nodeId);
    if (node === undefined) throw ApiError.notFound('node', nodeId);
    return { value: node };
  }

  async neighbours(nodeId: string, query: NeighboursQuery) {
    const question = JSON.stringify(['neighbours', nodeId, query.edge ?? '', query.direction ?? '']);
    const page = await this.store.listNeighbours(nodeId, {
      ...simplePage(question, query),
      ...(query.edge ? { edge: query.edge } : {}),
      ...(query.direction ? { direction: query.direction } : {}),
    });
    if (page === undefined) throw ApiError.notFound('node', nodeId);
    return valuesEnvelope(page, question);
  }

  async access(nodeId: string, query: PrincipalAccessQuery) {
    await this.nodeOfType(nodeId, ACCESS_HOLDER_KINDS, 'hold no access of their own: ask about a local user, group, role, credential or idp identity, an IdP user or group, or an HRIS employee');
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    const question = JSON.stringify(['access', nodeId, asked]);
    const filters = {
      ...(query.data_source_id ? { dataSourceId: query.data_source_id.toLowerCase() } : {}),
      ...(query.application ? { application: query.application.toLowerCase() } : {}),
      ...(query.resource_type ? { resourceType: query.resource_type.toLowerCase() } : {}),
      ...(query.permission ? { permission: query.permission.toLowerCase() } : {}),
      ...(query.canonical_type ? { canonicalType: canonicalKey(query.canonical_type) } : {}),
    };
    const page = await this.store.listPrincipalAccess(nodeId, { ...simplePage(question, query), ...filters });
    if (page === undefined) throw ApiError.notFound('node', nodeId);
    const total = query.total ? await countRows((request) => this.store.listPrincipalAccess(nodeId, { ...request, ...filters })) : undefined;
    return countedEnvelope(page, question, total);
  }

  async accessors(nodeId: string, query: EntityAccessQuery) {
    await this.nodeOfType(nodeId, ENTITY_KINDS, 'are not reached by grants: ask about an application or a resource');
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    const question = JSON.stringify(['accessors', nodeId, asked]);
    const filters = {
      ...(query.principal_type ? { principalType: query.principal_type } : {}),
      ...(query.permission ? { permission: query.permission.toLowerCase() } : {}),
      ...(query.canonical_type ? { canonicalType: canonicalKey(query.canonical_type) } : {}),
    };
    const page = await this.store.listEntityAccess(nodeId, { ...simplePage(question, query), ...filters });
    if (page === undefined) throw ApiError.notFound('node', nodeId);
    const total = query.total ? await countRows((request) => this.store.listEntityAccess(nodeId, { ...request, ...filters })) : undefined;
    return countedEnvelope(page, question, total);
  }

  /** A 404 for an unknown node, a 400 naming `field` (the parameter that gave the id) for a node of another type than the question asks about. */
  async nodeOfType(nodeId: string, types: readonly string[], otherwise: string, field = 'node_id'): Promise<void> {
    const node = await this.store.findNode(nodeId);
    if (node === undefined) throw ApiError.notFound('node', nodeId);
    if (!types.includes(node.type)) throw ApiError.invalid([{ field, description: `${node.type.replace(/_/g, ' ')} nodes ${otherwise}` }]);
  }
}
