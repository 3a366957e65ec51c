/** How long the benchmark runs: `full` for figures, `smoke` (`--smoke`) to check in CI that every scenario still runs. */
export interface BenchConfig {
  readonly smoke: boolean;
  /** mitata sampling: minimum CPU time per measurement, in nanoseconds, and sample bounds. */
  readonly mitata: {
    readonly min_cpu_time: number;
    readonly min_samples: number;
    readonly max_samples: number;
  };
  /** Interleaved rounds of the measurements a target compares (each variant's median over rounds is reported). */
  readonly rounds: number;
  /** Concurrent callers arriving at a half-open breaker (scenario 4). */
  readonly burstCallers: number;
  /** Bursts per library (scenario 4); the median is reported. */
  readonly burstRounds: number;
  /** Whole trip/reject/probe/close cycles per library (scenario 7). */
  readonly cycles: number;
  /** Registry sizes (scenario 5). */
  readonly registrySizes: readonly number[];
  /** Failures recorded on tools not seen before, per registry size (scenario 5). */
  readonly freshTools: number;
}

export function benchConfig(argv: readonly string[]): BenchConfig {
  const smoke = argv.includes('--smoke');
  return smoke
    ? {
        smoke,
        mitata: { min_cpu_time: 2e6, min_samples: 2, max_samples: 50 },
        rounds: 1,
        burstCallers: 200,
        burstRounds: 2,
        cycles: 5,
        registrySizes: [10, 100, 1_000],
        freshTools: 200,
      }
    : {
        smoke,
        mitata: { min_cpu_time: 642e6, min_samples: 12, max_samples: 1e9 },
        rounds: 3,
        burstCallers: 10_000,
        burstRounds: 15,
        cycles: 300,
        registrySizes: [10, 1_000, 100_000],
        freshTools: 5_000,
      };
}
