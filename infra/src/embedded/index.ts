// Public surface of the embedded deployment: running services as supervised child processes.
export { type ServiceProcess, type ServiceProcessOptions, startServiceProcess } from './service-process.ts';
export { runScript } from './run-script.ts';
