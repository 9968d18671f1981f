import { main } from '../lib/cli/main.js';
import { run } from '../lib/cli/node.js';

void run('keytab', main);
