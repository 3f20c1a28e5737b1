import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EPHEMERAL_RANGE, ephemeralPortRange, freeLoopbackPorts, parsePortRange } from './ports.js';

/** Binds `port` on 127.0.0.1 and closes it again; false when it is taken. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('parsePortRange', () => {
  it('reads the two numbers of ip_local_port_range, and nothing else', () => {
    expect(parsePortRange('32768\t60999\n')).toEqual({ low: 32768, high: 60999 });
    expect(parsePortRange('1024 65535')).toEqual({ low: 1024, high: 65535 });
    expect(parsePortRange('')).toBeUndefined();
    expect(parsePortRange('60999 32768')).toBeUndefined();
    expect(parsePortRange('1 70000')).toBeUndefined();
  });
});

describe('ephemeralPortRange', () => {
  it('is the kernel\'s where readable, else the default', () => {
    let text: string | undefined;
    try {
      text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    } catch {
      text = undefined;
    }
    expect(ephemeralPortRange()).toEqual((text && parsePortRange(text)) || DEFAULT_EPHEMERAL_RANGE);
  });
});

describe('freeLoopbackPorts', () => {
  it('gives distinct, bindable ports from 10000 up to just below the ephemeral range it read', async () => {
    const range = { low: 20_000, high: 30_000 };
    const ports = await freeLoopbackPorts(8, { ephemeralRange: () => range });
    expect(new Set(ports).size).toBe(8);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(range.low);
      expect(await bindable(port)).toBe(true);
    }
  });

  it('stays out of the kernel\'s own range by default', async () => {
    const range = ephemeralPortRange();
    for (const port of await freeLoopbackPorts(3)) {
      expect(port < range.low || port > range.high, `${port} outside ${range.low}-${range.high}`).toBe(true);
    }
  });

  it('skips a port that is taken and one that is well known', async () => {
    const range = () => ({ low: 20_000, high: 30_000 });
    const [taken, free] = (await freeLoopbackPorts(2, { ephemeralRange: range })) as [number, number];
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(taken, '127.0.0.1', resolve));
    try {
      // The draws land on the taken port, then on 10250 (the kubelet's), then on a free one.
      const draws = [taken, 10_250, free].map((port) => (port - 10_000 + 0.5) / (20_000 - 10_000));
      let i = 0;
      const ports = await freeLoopbackPorts(1, { ephemeralRange: range, random: () => draws[Math.min(i++, draws.length - 1)] as number });
      expect(ports).toEqual([free]);
      expect(i).toBe(3);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('falls back to ports the kernel assigns when the band below the range is too small', async () => {
    const kernel = ephemeralPortRange();
    const ports = await freeLoopbackPorts(3, { ephemeralRange: () => ({ low: 10_050, high: 60_999 }) });
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      // Port-0 allocation: from the kernel's real range, not from the (empty) band.
      expect(port).toBeGreaterThanOrEqual(kernel.low);
      expect(port).toBeLessThanOrEqual(kernel.high);
      expect(await bindable(port)).toBe(true);
    }
  });
});
