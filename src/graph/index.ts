export { buildGraph, type Graph, type GraphOptions } from './build-graph.js';
