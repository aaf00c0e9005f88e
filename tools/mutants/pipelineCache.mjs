/** Planted bugs in the device's pipeline cache. */
export const MUTANTS = [
  {
    name: 'pipeline-cache-key-without-code',
    why: 'the cache keys a pipeline on its label and entry point alone: another network of the same kernel gets the first one’s pipeline',
    file: 'src/engine/pipelineCache.ts',
    find: '${named(entryPoint)}\\u0000${entryPoint}\\u0000${code}`',
    replace: '${named(entryPoint)}\\u0000${entryPoint}`',
    test: 'tests/engine-pipeline-cache.test.ts',
  },
  {
    name: 'pipeline-cache-keeps-failed-wgsl',
    why: 'a module that failed to compile stays in the cache',
    file: 'src/engine/pipelineCache.ts',
    find: "if (info.messages.some((m) => m.type === 'error'))",
    replace: "if (info.messages.some((m) => m.type === 'fatal'))",
    test: 'tests/engine-pipeline-cache.test.ts',
  },
  {
    name: 'pipeline-cache-unbounded',
    why: 'the least recently used pipeline is never dropped',
    file: 'src/engine/pipelineCache.ts',
    find: 'while (cache.pipelines.size > PIPELINE_CACHE_SIZE)',
    replace: 'while (cache.pipelines.size > 2 * PIPELINE_CACHE_SIZE)',
    test: 'tests/engine-pipeline-cache.test.ts',
  },
];
