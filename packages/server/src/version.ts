import { createRequire } from 'node:module';

/** The server package's version (from src/ or dist/, package.json is one level up). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
