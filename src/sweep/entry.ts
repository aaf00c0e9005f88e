/**
 * sweep.html's script: find a WebGPU device (the population trains only there) and mount the page, or
 * say why not and point back to the app.
 */
import { requestGpu } from '../engine/browserGpu';
import { mountSweepPage } from './page';

const testing = new URLSearchParams(location.search).has('test');
const gpu = await requestGpu();
if (gpu.device) {
  mountSweepPage(gpu.device, gpu.adapter, testing);
} else {
  document.getElementById('adapter')!.textContent = 'none';
  const notice = document.getElementById('notice')!;
  notice.textContent =
    `${gpu.why} The sweep trains its networks as one population on the GPU, which needs WebGPU (recent Chrome or Edge). ` +
    'The app itself still runs without it, on the CPU: ';
  const back = document.createElement('a');
  back.href = './';
  back.id = 'fault-back';
  back.textContent = 'back to Detangle';
  notice.append(back, '.');
  notice.hidden = false;
  document.getElementById('controls')!.hidden = true;
  document.body.dataset.state = 'no-webgpu';
}
