import type { OaaTag } from '@accessgraph/contract';
import { at, type IssueCollector } from './issues.js';

const TAG_KEY = /^[\p{L}\p{N}_]+$/u;
const TAG_VALUE = /^[\p{L}\p{N}_\s,@.-]+$/u;
const MAX_TAG_KEY = 255;
const MAX_TAG_VALUE = 4096;

/**
 * Checks the `tags` of the entity at `path` with oaaclient's rules (key: letters, digits, `_`;
 * value: also spaces, `,@.-`) and returns them with duplicates (same key and value, any case of
 * the key) collapsed. Paths are built only to report: most entities have no or valid tags.
 */
export function readTags(tags: readonly OaaTag[] | null | undefined, path: string, issues: IssueCollector): OaaTag[] {
  if (!tags || tags.length === 0) return [];
  const seen = new Map<string, OaaTag>();
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    const value = tag.value ?? '';
    if (tag.key.length > MAX_TAG_KEY || !TAG_KEY.test(tag.key)) {
      issues.error(at(tagPath(path, i), 'key'), 'invalid_tag_key', `tag key "${tag.key.slice(0, 64)}" must be 1-255 letters, digits or underscores`);
      continue;
    }
    if (value !== '' && (value.length > MAX_TAG_VALUE || !TAG_VALUE.test(value))) {
      issues.error(
        at(tagPath(path, i), 'value'),
        'invalid_tag_value',
        `tag value "${value.slice(0, 64)}" may only hold letters, digits, spaces and _,@.- (at most 4096 characters)`,
      );
      continue;
    }
    seen.set(`${tag.key.toLowerCase()}\u0000${value}`, { key: tag.key, value });
  }
  return [...seen.values()];
}

function tagPath(entityPath: string, index: number): string {
  return at(at(entityPath, 'tags'), index);
}
