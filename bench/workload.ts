/** The callees every library guards, so each runs exactly the same work. */

/** A successful async call. */
export const succeed = async (): Promise<number> => 1;

/** The error every failing callee throws: allocated once, so no stack capture is measured. */
export const calleeError = new Error('callee failed');

/** A failing async call: the callee throws, in every library. */
export const fail = async (): Promise<never> => {
  throw calleeError;
};

/** Awaits a promise that may reject, and swallows the rejection. */
export async function settle(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch {
    // expected: a rejection or the callee's own error
  }
}
