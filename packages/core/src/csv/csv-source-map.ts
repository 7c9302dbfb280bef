/** Where in the CSV a part of the generated payload came from. */
export interface CsvSource {
  row: number;
  column?: string;
}

/**
 * Payload paths (`applications[0].local_users[3].email`) to the row and column they were read
 * from, so that a problem the payload validation finds can be told in the CSV's terms.
 */
export class CsvSourceMap {
  private readonly sources = new Map<string, CsvSource>();

  /**
   * @param tracking whether to record anything: a large CSV makes millions of paths, so a push
   *   maps without them and maps again with them only when it has problems to locate.
   */
  constructor(readonly tracking = true) {}

  /** Records where `path` came from; the first record of a path stands (it is where it was defined). */
  note(path: string, row: number, column?: string): void {
    if (this.tracking && !this.sources.has(path)) this.sources.set(path, column === undefined ? { row } : { row, column });
  }

  /** The source of `path`, or of its nearest ancestor that has one. */
  locate(path: string): CsvSource | undefined {
    for (let current = path; current !== ''; current = parentPath(current)) {
      const source = this.sources.get(current);
      if (source) return source;
    }
    return undefined;
  }
}

/** `a.b[2].c` -> `a.b[2]` -> `a.b` -> `a` -> ``. */
function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut <= 0 ? '' : path.slice(0, cut);
}
