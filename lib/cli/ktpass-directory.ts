/** ktpass's directory and random-password support (wired to lib/ad). */
import type { KtpassDeps } from './ktpass.js';

export const ktpassDeps: KtpassDeps = {};
