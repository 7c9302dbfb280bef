import type { NeighboursQuery, NodeSearchQuery } from '@accessgraph/contract';
import { readNodeSearch } from '@accessgraph/core';
import type { Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { simplePage, valuesEnvelope } from './list-paging.js';

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
}
