// Public surface of the embedded deployment: running services as supervised child processes.

export { runScript } from './run-script.ts';
export { type ServiceProcess, type ServiceProcessOptions, startServiceProcess } from './service-process.ts';
