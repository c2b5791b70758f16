// Script-tag entry: exposes the API as window.Tally. The only global the SDK creates.
import * as Tally from './index.ts';

(globalThis as { Tally?: typeof Tally }).Tally = Tally;
