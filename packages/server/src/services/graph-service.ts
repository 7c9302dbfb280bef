import type { EntityAccessQuery, NeighboursQuery, NodeSearchQuery, PrincipalAccessQuery } from '@accessgraph/contract';
import { readNodeSearch } from '@accessgraph/core';
import { ACCESS_HOLDER_KINDS, canonicalKey, ENTITY_KINDS, NodeKindError, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { countedEnvelope, countRows, questionOf, simplePage, valuesEnvelope } from './list-paging.js';

/** The query API's reads of the graph across data sources: node search, one node, its neighbours. */
export class GraphService {
  constructor(private readonly store: Store) {}

  async searchNodes(query: NodeSearchQuery) {
    const search = readNodeSearch(query);
    if (!search.ok) throw ApiError.fromIssues(search.issues, 'INVALID_FILTER');
    // A page token continues only the search it came from.
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    const question = questionOf('nodes', asked);
    const page = await this.store.searchNodes({ search: search.value, ...simplePage(question, query), total: query.total === true });
    return { ...valuesEnvelope(page, question), ...(page.total === undefined ? {} : { total_count: page.total }) };
  }

  async node(nodeId: string) {
    const node = await this.store.getNode(nodeId);
    if (node === undefined) throw ApiError.notFound('node', nodeId);
    return { value: node };
  }

  async neighbours(nodeId: string, query: NeighboursQuery) {
    const question = questionOf('neighbours', nodeId, query.edge ?? '', query.direction ?? '');
    const page = await this.store.listNeighbours(nodeId, {
      ...simplePage(question, query),
      ...(query.edge ? { edge: query.edge } : {}),
      ...(query.direction ? { direction: query.direction } : {}),
    });
    if (page === undefined) throw ApiError.notFound('node', nodeId);
    return valuesEnvelope(page, question);
  }

  async access(nodeId: string, query: PrincipalAccessQuery) {
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    const question = questionOf('access', nodeId, asked);
    const filters = {
      ...(query.data_source_id ? { dataSourceId: query.data_source_id.toLowerCase() } : {}),
      ...(query.application ? { application: query.application.toLowerCase() } : {}),
      ...(query.resource_type ? { resourceType: query.resource_type.toLowerCase() } : {}),
      ...(query.permission ? { permission: query.permission.toLowerCase() } : {}),
      ...(query.canonical_type ? { canonicalType: canonicalKey(query.canonical_type) } : {}),
    };
    const paging = await this.nodePage(nodeId, ACCESS_HOLDER_KINDS, HOLDS_NO_ACCESS, question, query);
    const page = await ofKind(HOLDS_NO_ACCESS, () => this.store.listPrincipalAccess(nodeId, { ...paging, ...filters, kinds: ACCESS_HOLDER_KINDS }));
    if (page === undefined) throw ApiError.notFound('node', nodeId);
    const total = query.total ? await countRows((request) => this.store.listPrincipalAccess(nodeId, { ...request, ...filters })) : undefined;
    return countedEnvelope(page, question, total);
  }

  async accessors(nodeId: string, query: EntityAccessQuery) {
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    const question = questionOf('accessors', nodeId, asked);
    const filters = {
      ...(query.principal_type ? { principalType: query.principal_type } : {}),
      ...(query.permission ? { permission: query.permission.toLowerCase() } : {}),
      ...(query.canonical_type ? { canonicalType: canonicalKey(query.canonical_type) } : {}),
    };
    const paging = await this.nodePage(nodeId, ENTITY_KINDS, NOT_GRANTED, question, query);
    const page = await ofKind(NOT_GRANTED, () => this.store.listEntityAccess(nodeId, { ...paging, ...filters, kinds: ENTITY_KINDS }));
    if (page === undefined) throw ApiError.notFound('node', nodeId);
    const total = query.total ? await countRows((request) => this.store.listEntityAccess(nodeId, { ...request, ...filters })) : undefined;
    return countedEnvelope(page, question, total);
  }

  /**
   * The page asked about a node whose type the store checks as it answers. A bad page token of
   * an unknown node, or of a node of another type, still gets the 404 or 400 that its node earns
   * first, as when the node was read before the token.
   */
  private async nodePage(nodeId: string, types: readonly string[], otherwise: string, question: string, query: { page_size?: number | undefined; page_token?: string | undefined }) {
    try {
      return simplePage(question, query);
    } catch (error) {
      await this.nodeOfType(nodeId, types, otherwise);
      throw error;
    }
  }

  /** A 404 for an unknown node, a 400 naming `field` (the parameter that gave the id) for a node of another type than the question asks about. */
  async nodeOfType(nodeId: string, types: readonly string[], otherwise: string, field = 'node_id'): Promise<void> {
    const node = await this.store.findNode(nodeId);
    if (node === undefined) throw ApiError.notFound('node', nodeId);
    if (!types.includes(node.type)) throw wrongType(node.type, otherwise, field);
  }
}

export const HOLDS_NO_ACCESS = 'hold no access of their own: ask about a local user, group, role, credential or idp identity, an IdP user or group, or an HRIS employee';
const NOT_GRANTED = 'are not reached by grants: ask about an application or a resource';

function wrongType(type: string, otherwise: string, field = 'node_id'): ApiError {
  return ApiError.invalid([{ field, description: `${type.replace(/_/g, ' ')} nodes ${otherwise}` }]);
}

/** The store's answer, its refusal of a node of another type as the 400 `nodeOfType` gives. */
async function ofKind<T>(otherwise: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NodeKindError) throw wrongType(error.kind, otherwise);
    throw error;
  }
}
