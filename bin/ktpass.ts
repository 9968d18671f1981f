import { ktpassMain } from '../lib/cli/ktpass.js';
import { ktpassDeps } from '../lib/cli/ktpass-directory.js';
import { run } from '../lib/cli/node.js';

void run('ktpass', (ctx, argv) => ktpassMain(ctx, argv, ktpassDeps));
