import type { CommandFactory } from '../command.js';
import { adCommand } from './ad/index.js';
import { addCommand } from './add.js';
import { deriveCommand } from './derive.js';
import { diffCommand } from './diff.js';
import { doctorCommand } from './doctor.js';
import { gmsaCommand } from './gmsa.js';
import { krb5confCommand } from './krb5conf.js';
import { listCommand } from './list.js';
import { mergeCommand } from './merge.js';
import { removeCommand } from './remove.js';
import { rotateCommand } from './rotate.js';
import { saltCommand } from './salt.js';
import { verifyCommand } from './verify.js';

/** Every `keytab` subcommand, in the order --help lists them. */
export const commands: readonly CommandFactory[] = [
  listCommand,
  addCommand,
  removeCommand,
  mergeCommand,
  diffCommand,
  deriveCommand,
  saltCommand,
  adCommand,
  gmsaCommand,
  rotateCommand,
  verifyCommand,
  doctorCommand,
  krb5confCommand,
];
