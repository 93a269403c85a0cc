// Stands in for `server-only` in tests and scripts, which run on the server by definition.
export {};
