/**
 * The keys that appear more than once in the same JSON object of `text` (which must be valid
 * JSON). JSON.parse silently keeps the last of duplicated keys, so it cannot tell.
 */
export function duplicateKeys(text: string): string[] {
  const objects: Array<Set<string> | null> = []; // null marks an array
  const duplicates: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const literal = text.slice(i, end + 1);
      i = end + 1;
      while (/\s/.test(text[i] ?? '')) i += 1;
      const keys = objects.at(-1);
      if (text[i] === ':' && keys) {
        const key = JSON.parse(literal) as string;
        if (keys.has(key)) duplicates.push(key);
        keys.add(key);
      }
      continue;
    }
    if (c === '{') objects.push(new Set());
    else if (c === '[') objects.push(null);
    else if (c === '}' || c === ']') objects.pop();
    i += 1;
  }
  return duplicates;
}
