#!/usr/bin/env node
import { main } from '../lib/cli/main.js';
import { run } from '../lib/cli/node.js';

await run('keytab', main);
