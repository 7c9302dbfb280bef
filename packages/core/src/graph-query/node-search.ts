import type { NodeKind } from '../graph/derived-graph.js';
import { FILTER_OPERATORS, RANGE_OPERATORS, parseFilter, type FilterNode } from '../list-filter.js';
import { issue, type Checked, type ValidationIssue } from '../validation-issue.js';

/** A node search, checked: what the query API's `GET /api/v1/graph/nodes` asks. Strings compared ignoring case are lower-cased here. */
export interface NodeSearch {
  type?: NodeKind;
  /** Veza-style node type, lower-cased. */
  nodeType?: string;
  providerId?: string;
  dataSourceId?: string;
  /** Name, exactly or containing, lower-cased. */
  name?: { exact?: string; contains?: string };
  /** Key (id, name or dot path as pushed), exactly or containing, lower-cased. */
  key?: { exact?: string; contains?: string };
  /** Tags the node must all carry: a key, or a key with its value (exact, as pushed). */
  tags: Array<{ key: string; value?: string }>;
  /** Property filter (`matchesProperties`). */
  properties?: FilterNode;
}

/** The query parameters of a node search, as the route receives them. */
export interface NodeSearchParams {
  type?: string | undefined;
  node_type?: string | undefined;
  provider_id?: string | undefined;
  data_source_id?: string | undefined;
  name?: string | undefined;
  name_contains?: string | undefined;
  key?: string | undefined;
  key_contains?: string | undefined;
  tag?: string | string[] | undefined;
  filter?: string | undefined;
}

/** Checks a node search's parameters; every problem names its parameter. */
export function readNodeSearch(params: NodeSearchParams): Checked<NodeSearch> {
  const issues: ValidationIssue[] = [];
  const search: NodeSearch = { tags: [] };
  if (params.type) search.type = params.type as NodeKind;
  if (params.node_type) search.nodeType = params.node_type.toLowerCase();
  if (params.provider_id) search.providerId = params.provider_id.toLowerCase();
  if (params.data_source_id) search.dataSourceId = params.data_source_id.toLowerCase();
  const text = (exact: string | undefined, contains: string | undefined) =>
    exact || contains ? { ...(exact ? { exact: exact.toLowerCase() } : {}), ...(contains ? { contains: contains.toLowerCase() } : {}) } : undefined;
  const name = text(params.name, params.name_contains);
  if (name) search.name = name;
  const key = text(params.key, params.key_contains);
  if (key) search.key = key;
  for (const tag of typeof params.tag === 'string' ? [params.tag] : (params.tag ?? [])) {
    const equals = tag.indexOf('=');
    const tagKey = equals < 0 ? tag : tag.slice(0, equals);
    if (tagKey.trim() === '') issues.push(issue('tag', 'invalid_tag', `tag "${tag}" has no key: use key or key=value`));
    else search.tags.push(equals < 0 ? { key: tagKey } : { key: tagKey, value: tag.slice(equals + 1) });
  }
  if (params.filter?.trim()) {
    const filter = parseFilter(params.filter, { fields: 'any', operators: [...FILTER_OPERATORS, ...RANGE_OPERATORS] });
    if (filter.ok) search.properties = filter.value;
    else issues.push(...filter.issues);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: search };
}
