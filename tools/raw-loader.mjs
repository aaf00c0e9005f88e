// Lets plain Node import `file.wgsl?raw` the way vite does: the module's default export is the file's text.
import { register } from 'node:module';

register('./raw-hooks.mjs', import.meta.url);
