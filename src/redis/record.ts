/** The scripts by name with their SHA1s (for EVALSHA), and a record as the scripts return it, checked. */
import { createHash } from 'node:crypto';
import type { FleetRecord } from '../share/types.js';
import { CLAIM, CLOSE, ISOLATE, LOAD, OPEN, RELEASE, REPORT, RESET } from './scripts.js';

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');
export const SCRIPTS = { REPORT, OPEN, CLAIM, CLOSE, RESET, ISOLATE, RELEASE, LOAD } as const;
export type ScriptName = keyof typeof SCRIPTS;
export const SHAS = Object.fromEntries(Object.entries(SCRIPTS).map(([k, v]) => [k, sha1(v)])) as Record<
  ScriptName,
  string
>;

/** A record from a script's reply or a message, checked: a TypeError when a field is missing or invalid. @internal */
export function parseRecord(text: unknown): FleetRecord & { granted?: boolean } {
  const raw = JSON.parse(String(text)) as Record<string, unknown>;
  const number = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TypeError(`tripstate: a fleet record from Redis has an invalid ${key}`);
    }
    return value;
  };
  if (typeof raw.tool !== 'string') throw new TypeError('tripstate: a fleet record from Redis has no tool');
  const state = raw.state === 'open' || raw.state === 'isolated' ? raw.state : 'closed';
  const reasons = [
    'threshold',
    'failureRate',
    'slowCallRate',
    'probeFailed',
    'probeTimeout',
    'closed',
    'reset',
    'isolated',
    'released',
  ];
  const reason = (
    reasons.includes(String(raw.reason)) ? raw.reason : state === 'open' ? 'threshold' : 'closed'
  ) as FleetRecord['reason'];
  return {
    tool: raw.tool,
    generation: number('generation'),
    state,
    reason,
    remainingMs: number('remainingMs'),
    backoffMs: number('backoffMs'),
    leaseMs: number('leaseMs'),
    failures: number('failures'),
    windowCalls: number('windowCalls', 0),
    windowFailures: number('windowFailures', 0),
    windowSlow: number('windowSlow', 0),
    ...(typeof raw.granted === 'boolean' ? { granted: raw.granted } : {}),
  };
}
