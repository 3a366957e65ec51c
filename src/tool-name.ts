/** Thrown when a tool name cannot name a tool: not a string, empty, or too long. */
export class InvalidToolNameError extends TypeError {
  override readonly name = 'InvalidToolNameError';
  constructor(problem: string) {
    super(`tripstate: invalid tool name: ${problem}`);
  }
}

/**
 * The longest tool name accepted by default, in UTF-16 code units: 1,024. Real names are far
 * shorter (the model APIs allow 64 to 128 characters, MCP clients prefix a server's name), while
 * a model, or a prompt injected into one, may produce names of any length. A registry may allow
 * longer names (`maxToolNameLength`); a lookup still costs no more than the name's own length.
 */
export const DEFAULT_MAX_TOOL_NAME_LENGTH = 1_024;

/**
 * Checks a tool name from untrusted input (a model's output). Any non-empty string up to
 * `maxLength` is a distinct tool: names are keys of a `Map`, never of an object or an
 * XState id, so `__proto__`, `constructor`, `/`, `.`, `#` and `:` are ordinary characters.
 */
export function checkToolName(tool: unknown, maxLength: number): asserts tool is string {
  if (typeof tool !== 'string') throw new InvalidToolNameError(`expected a string, got ${typeof tool}`);
  if (tool.length === 0) throw new InvalidToolNameError('the empty string names no tool');
  if (tool.length > maxLength) {
    throw new InvalidToolNameError(`${tool.length} characters, more than the limit of ${maxLength}`);
  }
}
