/**
 * What the examples in README.md and docs/ leave to the reader: the caller's signal, the
 * agent's own tool functions, a model, a prompt. Declared here once, with the types a real
 * agent would have (a tool function that requires its `AbortSignal`, a record indexed under
 * `noUncheckedIndexedAccess`), so each example compiles as a reader pastes it into a project
 * that has these. Written into the scratch project as a global declaration file. The AI SDK's
 * provider packages are not dependencies of this repository: their one function the examples
 * use is declared here too.
 */
export const DOC_GLOBALS = String.raw`
type WrapModel = Parameters<typeof import('ai').wrapLanguageModel>[0]['model'];

/** The caller's own cancellation. */
declare const signal: AbortSignal;
declare const url: string;
declare const prompt: string;
declare const args: { readonly query: string };

/** A tool call as an agent loop sees it. */
interface ToolCall {
  readonly toolName: string;
  readonly input: unknown;
}
declare const toolCall: ToolCall;
declare const call: ToolCall;
/** Runs a tool; its function requires the signal it is given. */
declare function runTool(call: ToolCall, signal: AbortSignal): Promise<unknown>;
declare function runToolSomewhere(): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
declare function callTool(args: { readonly query: string }, signal: AbortSignal): Promise<string>;
declare function getWeather(city: string, signal: AbortSignal | undefined): Promise<string>;
declare function fetchWeather(city: string): Promise<string>;
/** Calls a model; its function requires the signal it is given. */
declare function callModel(signal: AbortSignal): Promise<string>;
declare function webSearch(query: string): Promise<string>;
declare class ToolArgumentError extends Error {}

declare const registry: import('tripstate').Registry;
declare const log: (line: string) => void;
declare const agent: { pause(reason: string): void };
declare const inspector: { readonly inspect: import('xstate').Observer<import('xstate').InspectionEvent> };

/** A language model (any provider's) and two providers' model factories. */
declare const model: WrapModel;
declare function myPrepareStep(step: unknown): { readonly system?: string };
declare const models: Readonly<Record<'llm:openai' | 'llm:anthropic', WrapModel>>;
declare function complete(model: WrapModel, prompt: string, options: { signal: AbortSignal }): Promise<string>;

/** MCP clients (the SDK 1.x Client). */
declare const mcpClient: import('@modelcontextprotocol/sdk/client/index.js').Client;
declare const client: import('@modelcontextprotocol/sdk/client/index.js').Client;

declare module '@ai-sdk/openai' {
  export function openai(modelId: string): WrapModel;
}
declare module '@ai-sdk/anthropic' {
  export function anthropic(modelId: string): WrapModel;
}
`;
