/**
 * `tripstate/dashboard`: a live, local, self-contained page of a registry's breakers (Node only).
 * @packageDocumentation
 */
export { serveDashboard } from './serve.js';
export type { DashboardHandle, DashboardOptions } from './options.js';
