export { consumerName, startTriggers, TRIGGER_HEADERS, type TriggerRunner, type TriggerRunnerOptions } from './trigger-runner.js';
