export { buildProgram, main } from './main.js';
export { serverLogger } from './logging.js';
