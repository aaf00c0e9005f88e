// Chunked training, a step in three dispatches: `main` here, `update` here, then general_step.wgsl's
// `advance`. `main` takes the batch in chunks of u.chunk samples, one workgroup a chunk, each lane its own
// samples through the layered kernel's bodies (one straight-line body per run of identical layers, each
// layer staged in a private array). Each chunk's gradient and loss, summed in a fixed order (its lanes'
// samples, then its lanes in order), go to partials[chunk]; `update`, one lane a parameter, adds the chunks
// up in chunk order and applies the optimiser: no atomics, so a seed on an adapter always gives the same
// run. The lines marked `//@` are filled per shape and optimiser (src/engine/codegenLayered.ts).
// Twin: TwinTrainer.train() in src/engine/twin.ts.

@group(0) @binding(1) var<uniform> u: TrainUniforms;
@group(0) @binding(2) var<storage, read> xs: array<f32>;               // (N, IN)
@group(0) @binding(3) var<storage, read> ys: array<f32>;               // (N)
@group(0) @binding(4) var<storage, read_write> params: array<f32>;     // (P)
@group(0) @binding(5) var<storage, read_write> moments: array<f32>;    // (2, P) moments, (3, P) backup
@group(0) @binding(6) var<storage, read_write> state: State;
@group(0) @binding(7) var<storage, read_write> scratch: array<f32>;    // (batch, S)
@group(0) @binding(8) var<storage, read_write> partials: array<f32>;   // (chunks, P + 1)
@group(0) @binding(9) var<storage, read> bias_table: array<vec2<f32>>;

//@ constants

var<workgroup> red: array<f32, WG>;
var<workgroup> shared_step: vec2<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) group: vec3<u32>) {
  if (lid == 0u) { shared_step = vec2<u32>(state.step, state.diverged_step); }
  let position = workgroupUniformLoad(&shared_step);
  if (position.y != NONE) { return; }
  let step = position.x;
  let epoch = step / u.steps_per_epoch;
  let lo = (step - epoch * u.steps_per_epoch) * u.batch;
  let count = min(u.n_train, lo + u.batch) - lo;
  let chunk = group.x;
  let first = chunk * u.chunk;
  if (first >= count) { return; }
  let last = min(count, first + u.chunk);
  let out = chunk * (P + 1u);
  let key = epoch_key(u.seed, epoch);
  for (var s = first + lid; s < last; s += WG) {
    let idx = permute(lo + s, u.n_train, key, u.index_bits);
    //@ load the inputs of slot s (sample idx)
  }
  //@ forward
  var loss = 0.0;
  for (var s = first + lid; s < last; s += WG) {
    let idx = permute(lo + s, u.n_train, key, u.index_bits);
    //@ loss of slot s (sample idx)
  }
  red[lid] = loss;
  workgroupBarrier();
  if (lid == 0u) {
    var total = 0.0;
    for (var k = 0u; k < WG; k++) { total += red[k]; }
    partials[out + P] = total;
  }
  //@ gradients
}

// The step's update, one lane a parameter; skipped when the batch loss is not finite (advance then stops
// the run). The weights and moments it replaces gave a finite loss: they go to the backup first.
@compute @workgroup_size(64)
fn update(@builtin(global_invocation_id) id: vec3<u32>) {
  let p = id.x;
  if (p >= P || state.diverged_step != NONE) { return; }
  let step = state.step;
  let epoch = step / u.steps_per_epoch;
  let lo = (step - epoch * u.steps_per_epoch) * u.batch;
  let count = min(u.n_train, lo + u.batch) - lo;
  let chunks = (count + u.chunk - 1u) / u.chunk;
  var loss = 0.0;
  var sum = 0.0;
  for (var c = 0u; c < chunks; c++) {
    loss += partials[c * (P + 1u) + P];
    sum += partials[c * (P + 1u) + p];
  }
  if (is_not_finite(loss / f32(count))) { return; }
  var bias = vec2<f32>(1.0, 1.0);
  if (ADAM) { bias = adam_bias(step, u.bias_steps, bias_table[min(step, u.bias_steps - 1u)], u.beta1, u.beta2); }
  var g = sum / f32(count);
  //@ update parameter p with gradient g
}
