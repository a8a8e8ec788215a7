// The schema library of every module that can end up in a Lambda bundle is zod/mini: the same
// checks as zod in a small fraction of its code (about 30 KiB of a bundle against 460 KiB), as
// long as each module imports it itself (`import * as z from 'zod/mini'`, which esbuild can
// tree-shake; a re-exported namespace object cannot be). Importing this module gives them zod's
// English messages, so that errors read as before. Modules that never reach a bundle (the CLI,
// the CDK app) keep the classic zod API.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
