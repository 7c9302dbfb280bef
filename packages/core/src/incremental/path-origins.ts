import { at } from '../payload/issues.js';
import { listOf, type CollectionSpec, type Json } from './collection-spec.js';

/**
 * Where the entities of a merged payload came from in the incremental payload that changed them.
 * The resulting state is validated as a whole, so its problems come with paths into it
 * (`applications[0].local_users[4711]`); a connector author needs the path in what they sent
 * (`applications[0].local_users[2]`). Entities the change did not touch keep their stored path.
 */
export class PathOrigins {
  private prefixes?: Map<string, Origin>;

  constructor(
    private readonly merged: Json,
    private readonly collections: readonly CollectionSpec[],
    private readonly objects: WeakMap<object, string>,
    private readonly topLevel: ReadonlySet<string>,
  ) {}

  /**
   * The path in the incremental payload of the entity a merged path points into (with the rest of
   * the path kept), or undefined when the path is in stored data the change did not send.
   */
  fromChange(path: string): string | undefined {
    const prefixes = (this.prefixes ??= this.collect());
    // Longest prefix first: a field of a sub-resource belongs to the sub-resource, not its parent.
    for (let end = path.length; end > 0; end--) {
      if (end < path.length && path[end] !== '.' && path[end] !== '[') continue;
      const origin = prefixes.get(path.slice(0, end));
      if (origin === undefined) continue;
      const rest = path.slice(end);
      // Inside a changed container, an entity of its collections that the change did not name is stored data.
      const collection = /^\.([A-Za-z_]+)\[/.exec(rest)?.[1];
      if (collection !== undefined && origin.collections.has(collection)) return undefined;
      return origin.path + rest;
    }
    return undefined;
  }

  /** Walked only when a problem needs a path: a large stored payload is a million entities. */
  private collect(): Map<string, Origin> {
    const prefixes = new Map<string, Origin>();
    for (const field of this.topLevel) prefixes.set(field, { path: field, collections: NONE });
    const walk = (specs: readonly CollectionSpec[], container: Json, path: string) => {
      for (const spec of specs) {
        const items = listOf(container, spec.field);
        for (let i = 0; i < items.length; i++) {
          const item = items[i];
          if (typeof item !== 'object' || item === null) continue;
          const itemPath = at(at(path, spec.field), i);
          const origin = this.objects.get(item);
          if (origin !== undefined) prefixes.set(itemPath, { path: origin, collections: new Set((spec.children ?? []).map((child) => child.field)) });
          if (spec.children) walk(spec.children, item as Json, itemPath);
        }
      }
    };
    walk(this.collections, this.merged, '');
    return prefixes;
  }
}

/** Where a changed entity came from, and the collections inside it (whose entities have origins of their own, if any). */
interface Origin {
  path: string;
  collections: ReadonlySet<string>;
}

const NONE: ReadonlySet<string> = new Set();
