#!/usr/bin/env node
// The `accessgraph` command. The CLI is compiled by `npm install` (the root `prepare` script).
import { main } from '../packages/cli/dist/main.js';

await main();
