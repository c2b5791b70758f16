import { readFileSync } from 'node:fs';
import { postBatches } from '@tally/testbed/demo-data';
import { startEmbeddedStack } from '@tally/testbed/stack';
import { demoEvents, storedCounts } from './test/ingestion/support.ts';

const stack = await startEmbeddedStack({ mode: 'kafka', partitions: 4 });
try {
  const batches = demoEvents(3000, 21);
  let killed = false;
  const t = Date.now();
  await postBatches(batches, {
    collectorUrl: stack.collectorUrl,
    writeKey: stack.writeKey,
    batchSize: 200,
    concurrency: 4,
    onProgress: (a) => {
      if (!killed && a >= 1000) {
        killed = true;
        console.log('kill at', Date.now() - t);
        void stack
          .worker()!
          .kill('SIGKILL')
          .then(() => stack.restartWorker())
          .then(() => console.log('restarted', Date.now() - t));
      }
    },
  });
  console.log('posted', Date.now() - t);
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const c = await storedCounts(stack.clickhouse, stack.appId);
    console.log(i, c);
    if (c.rows >= 3000) break;
  }
  console.log(readFileSync(`${stack.dir}/logs/worker.log`, 'utf8').split('\n').slice(-40).join('\n'));
} finally {
  await stack.stop();
}
