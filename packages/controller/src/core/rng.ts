/**
 * A seeded pseudo-random generator for the core (which never calls `Math.random`). xoshiro128**
 * (Blackman & Vigna, 2018): 128-bit state, 32-bit output, passes BigCrush; seeded with splitmix32.
 */

/** A source of uniform numbers in [0, 1). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** Builds a seeded xoshiro128** generator. Same seed, same sequence. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return {
    next(): number {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      return result / 4294967296;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Standard normal variate (Box-Muller, one of the pair). */
export function normalVariate(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Binomial variate, exact: counts geometric waiting times between successes (Devroye's second
 * waiting-time method), O(n·p) draws; flips to failures when p > 0.5.
 */
export function binomialVariate(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomialVariate(rng, n, 1 - p);
  const logQ = Math.log1p(-p);
  let successes = 0;
  let position = 0;
  for (;;) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    position += Math.floor(Math.log(u) / logQ) + 1;
    if (position > n) return successes;
    successes++;
  }
}

/** Poisson variate, exact: counts exponential arrivals in [0, mean) (fine for the means we simulate). */
export function poissonVariate(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normalVariate(rng)));
  let count = 0;
  let time = 0;
  for (;;) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    time -= Math.log(u);
    if (time >= mean) return count;
    count++;
  }
}

/** Gamma variate with unit scale (Marsaglia & Tsang, 2000; shapes below 1 boosted by U^(1/shape)). */
export function gammaVariate(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    return gammaVariate(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalVariate(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Beta variate with the given mean and intra-cluster correlation ρ = 1 / (a + b + 1): the
 * per-user probability of a beta-binomial, whose users' events correlate by exactly ρ.
 */
export function betaVariateByCorrelation(rng: Rng, mean: number, correlation: number): number {
  if (correlation <= 0) return mean;
  const total = 1 / correlation - 1;
  const a = gammaVariate(rng, mean * total);
  const b = gammaVariate(rng, (1 - mean) * total);
  return a / (a + b);
}
