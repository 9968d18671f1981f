#!/usr/bin/env node
process.stderr.write('ktpass: the ktpass-compatible front end is not built yet; use "keytab" for now.\n');
process.exitCode = 1;
