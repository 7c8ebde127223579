export { buildGraph, graphDirectivesSDL, type Graph, type GraphOptions } from './build-graph.js';
