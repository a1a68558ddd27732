/** What each paper did: one function per published method or table, the published numbers beside them. */
export * from "./paper1/index.js";
export * from "./paper2/index.js";
