import type { QuerySpecNodesPage, QuerySpecPageQuery, QuerySpecResult } from '@accessgraph/contract';
import { parseQuerySpec, type QuerySpec } from '@accessgraph/core';
import type { Store } from '@accessgraph/storage';
import { ApiError } from '../http/api-error.js';
import { questionOf, simplePage, valuesEnvelope } from './list-paging.js';

/** Paging of a query spec's results, as the query string gives it. */
export type QuerySpecPaging = Pick<QuerySpecPageQuery, 'page_size' | 'page_token' | 'order_by'>;

/**
 * Runs Veza query specs over the graph (spec §14.1–14.2): the body of `query_spec:nodes` and
 * `:result`, or a saved query's spec (`parse` it, then `nodes` / `result`). Page tokens belong to
 * the spec as parsed — what is evaluated, not how it was spelled — so a token of `:result`'s
 * first page continues on `:nodes`, and a saved query's tokens stay valid while its spec is.
 */
export class QuerySpecService {
  constructor(private readonly store: Store) {}

  /** The query spec of a request body or saved query, or a 400 naming the JSON path of every problem. */
  parse(body: unknown): QuerySpec {
    const spec = parseQuerySpec(body);
    if (!spec.ok) throw ApiError.fromIssues(spec.issues);
    return spec.value;
  }

  /** A page of the spec's results: `{values, next_page_token, has_more}`. */
  async nodes(spec: QuerySpec, paging: QuerySpecPaging): Promise<QuerySpecNodesPage> {
    const question = specQuestion(spec, paging);
    const page = await this.store.evaluateQuerySpec({ spec, ...simplePage(question, paging) });
    return valuesEnvelope(page, question);
  }

  /** The number of results (a full pass) and a page of them, as Veza's `:result` answers. */
  async result(spec: QuerySpec, paging: QuerySpecPaging): Promise<QuerySpecResult> {
    const nodes = await this.nodes(spec, paging);
    const count = await this.store.countQuerySpec(spec);
    return { result_type: 'NUMBER', number_value: String(count), nodes_value: nodes };
  }
}

/** The question of a spec's pages; only the default order is supported. */
function specQuestion(spec: QuerySpec, paging: QuerySpecPaging): string {
  if (paging.order_by?.trim()) {
    throw ApiError.invalid([{ field: 'order_by', description: 'only the default order (by data source, then node) is supported: leave order_by empty' }]);
  }
  return questionOf('query_spec', spec);
}
