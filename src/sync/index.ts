export { readSyncDefinition, cronProblem, syncPath, type SyncDefinition, type SyncRule, type SyncPaging, type PagingStyle, type SyncWrites } from './sync-definition.js';
export { SyncStore, type SyncJobRecord, type SyncJobVersion, type SyncRunRecord, type SyncRunState, type FailedRecord, type RecordOutcome } from './sync-store.js';
export { SyncRunner, contentHash, type GraphExecutor, type RunEnd } from './sync-runner.js';
export { SyncService, type SyncServiceOptions } from './sync-service.js';
export { CronScheduler, type SchedulerClock, type ScheduledJob } from './cron-schedule.js';
export { DEFAULT_ENGINE_SETTINGS, SYNC_QUEUE, type JobEngine, type JobEngineSettings, type SyncJobRequest } from './job-engine.js';
export { syncSettingsFromEnvironment, SYNC_VARIABLES } from './sync-settings.js';
export { readGivenChanges, GivenChangesError, type GivenChanges } from './given-changes.js';
