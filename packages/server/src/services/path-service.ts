import type { AccessPathsQuery } from '@accessgraph/contract';
import { ACCESS_HOLDER_KINDS, canonicalKey, ENTITY_KINDS, type Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { HOLDS_NO_ACCESS, type GraphService } from './graph-service.js';
import { countedEnvelope, countRows, type PageRequest, questionOf, simplePage } from './list-paging.js';

/** The query API's "how": every chain of edges by which a principal holds a permission on an application or resource. */
export class PathService {
  constructor(
    private readonly store: Store,
    private readonly graph: GraphService,
  ) {}

  async paths(nodeId: string, query: AccessPathsQuery) {
    await this.graph.nodeOfType(nodeId, ACCESS_HOLDER_KINDS, HOLDS_NO_ACCESS);
    await this.graph.nodeOfType(query.target, ENTITY_KINDS, 'are not reached by grants: the target must be an application or a resource', 'target');
    const { page_size: _size, page_token: _token, total: _total, ...asked } = query;
    // A page token continues only the question it came from.
    const question = questionOf('paths', nodeId, asked);
    const filters = {
      target: query.target,
      ...(query.permission ? { permission: query.permission.toLowerCase() } : {}),
      ...(query.canonical_type ? { canonicalType: canonicalKey(query.canonical_type) } : {}),
    };
    const read = async (page: PageRequest) => {
      const answer = await this.store.listAccessPaths(nodeId, { ...filters, ...page });
      // Either node may have gone with a push or a deletion since it was checked.
      if (answer === undefined) throw ApiError.notFound('node', nodeId);
      if ('exceeded' in answer) {
        const { limit, max } = answer.exceeded;
        throw ApiError.invalid([
          {
            field: 'target',
            description: `the paths from node_id to target take more than ${max} search steps to order (limit ${limit}); narrow them with permission or canonical_type`,
          },
        ]);
      }
      return answer.page;
    };
    const page = await read(simplePage(question, query));
    return countedEnvelope(page, question, query.total ? await countRows(read) : undefined);
  }
}
