import type { CommandFactory } from '../command.js';
import { diffCommand } from './diff.js';
import { listCommand } from './list.js';
import { mergeCommand } from './merge.js';
import { removeCommand } from './remove.js';

/** Every `keytab` subcommand, in the order --help lists them. */
export const commands: readonly CommandFactory[] = [listCommand, mergeCommand, removeCommand, diffCommand];
