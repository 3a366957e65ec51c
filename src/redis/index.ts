export { redisShare, type RedisShareClient, type RedisShareOptions } from './share.js';
export type { FleetRecord, FleetShare, ShareStatus } from '../share/types.js';
