export { compileJoins, joinDirectiveSDL, type Join, type LoadOperation } from './join-directive.js';
