// Free loopback ports for servers that bind them later (the local stack's Prometheus, Alertmanager
// and notification sink, and the test servers). A port found by binding port 0 and closing is
// one the kernel hands out as an ephemeral port: any outgoing connection or `listen(0)` in the
// meantime can take it again (CI saw `vigil up --demo` fail with EADDRINUSE that way). Ports
// below the kernel's ephemeral range are never assigned implicitly, so only another explicit
// bind can take one, and picking at random makes two such choices unlikely to meet.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { CommandFailedError } from '@vigil/conventions';

/** An inclusive range of ports. */
export interface PortRange {
  low: number;
  high: number;
}

/** Linux's default ephemeral range, used when /proc says nothing (another OS, a sandbox). */
export const DEFAULT_EPHEMERAL_RANGE: PortRange = { low: 32768, high: 60999 };

/** The lowest port chosen: below it sit most services' well-known ports. */
const BAND_LOW = 10_000;

/** Below this many candidate ports the band is too crowded to pick from at random. */
const MIN_BAND = 100;

/** Ports a developer's machine commonly runs something on, never chosen. */
const WELL_KNOWN = new Set([3000, 9090, 9091, 9092, 9093, 9094, 10250, 11211, 15672, 16686, 27017]);

/** Parses /proc/sys/net/ipv4/ip_local_port_range ("32768\t60999"); undefined if it is not that. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = Number(match[2]);
  return low >= 1 && low <= high && high <= 65_535 ? { low, high } : undefined;
}

/** The kernel's ephemeral port range, or {@link DEFAULT_EPHEMERAL_RANGE} when it cannot be read. */
export function ephemeralPortRange(): PortRange {
  try {
    return parsePortRange(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')) ?? DEFAULT_EPHEMERAL_RANGE;
  } catch {
    return DEFAULT_EPHEMERAL_RANGE;
  }
}

/** Where {@link freeLoopbackPorts} looks: injectable so tests can shrink the band. */
export interface FreePortOptions {
  /** The ephemeral range to stay out of; read from the kernel by default. */
  ephemeralRange?: () => PortRange;
  /** A number in [0, 1); `Math.random` by default. */
  random?: () => number;
}

/** Binds `port` on 127.0.0.1 (0: any), closes it, and gives the port bound, or undefined if it was taken. */
function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * `count` distinct ports on 127.0.0.1 that were free a moment ago, chosen at random from 10000 up
 * to just below the kernel's ephemeral range, where no implicit assignment (an outgoing
 * connection, a `listen(0)`) can take them before the caller binds them. Only when that band is
 * too small (an ephemeral range starting low) or yields nothing free does it fall back to ports
 * the kernel assigns, which carry that race.
 */
export async function freeLoopbackPorts(count: number, options: FreePortOptions = {}): Promise<number[]> {
  const range = (options.ephemeralRange ?? ephemeralPortRange)();
  const random = options.random ?? Math.random;
  const bandHigh = Math.min(range.low - 1, 65_535);
  const found = new Set<number>();
  if (bandHigh - BAND_LOW + 1 >= MIN_BAND) {
    for (let tries = 0; found.size < count && tries < count * 20; tries++) {
      const port = BAND_LOW + Math.floor(random() * (bandHigh - BAND_LOW + 1));
      if (found.has(port) || WELL_KNOWN.has(port)) continue;
      if ((await tryBind(port)) === port) found.add(port);
    }
  }
  for (let tries = 0; found.size < count; tries++) {
    if (tries >= count * 20) throw new CommandFailedError(`cannot bind a port on 127.0.0.1 (found ${found.size} of ${count})`);
    const port = await tryBind(0);
    if (port !== undefined) found.add(port);
  }
  return [...found];
}
