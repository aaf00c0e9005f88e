/**
 * bench.html's script. Opened by a person, it mounts the benchmark panel; opened as `bench.html?driven` by
 * `npm run bench -- --browser`, it becomes the page Node drives (a 640 × 640 canvas for the whole-frame
 * workload and a status line) and loads TF.js only then.
 */
import { parsePanelParams } from './plan';

const params = parsePanelParams(location.search);

if (params.driven) {
  document.body.className = 'driven';
  const canvas = document.createElement('canvas');
  canvas.id = 'frame';
  canvas.width = 640;
  canvas.height = 640;
  const status = document.createElement('div');
  status.id = 'status';
  status.textContent = 'Run with npm run bench -- --browser; this page is driven from Node.';
  document.body.replaceChildren(canvas, status);
  await import('./page');
} else {
  const { mountPanel } = await import('./panel');
  await mountPanel(params);
}
