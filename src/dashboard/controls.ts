import type { IncomingMessage } from 'node:http';
import type { Registry } from '../registry.js';
import { InvalidToolNameError } from '../tool-name.js';
import { HttpError, readBody } from './http.js';

/** What a control button does to one tool. */
export type ControlAction = 'reset' | 'isolate' | 'release';

/** The control actions, by the last segment of their endpoint (`POST /api/<action>`). */
export const CONTROL_ACTIONS: readonly ControlAction[] = ['reset', 'isolate', 'release'];

/** Bytes a control request may carry: a tool name of 64 Ki UTF-16 units, JSON-escaped, fits. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * Runs a control request `{ "tool": name }` on the registry and returns the tool's name.
 * Throws an `HttpError` for anything but a JSON request from the page's own origin naming a
 * tool the registry knows; the registry itself never sees a bad input.
 */
export async function runControl(
  registry: Registry,
  action: ControlAction,
  req: IncomingMessage,
): Promise<string> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, 'expected application/json');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    throw new HttpError(403, 'cross-origin request refused');
  }
  const tool = parseTool(await readBody(req, MAX_BODY_BYTES));
  if (!registry.snapshot().diagnostics.some((d) => d.tool === tool)) {
    throw new HttpError(404, 'no such tool');
  }
  try {
    registry[action](tool);
  } catch (error) {
    if (error instanceof InvalidToolNameError) throw new HttpError(400, error.message);
    throw error;
  }
  return tool;
}

function parseTool(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  const tool =
    typeof parsed === 'object' && parsed !== null ? (parsed as { tool?: unknown }).tool : undefined;
  if (typeof tool !== 'string' || tool === '')
    throw new HttpError(400, 'expected { "tool": non-empty string }');
  return tool;
}
