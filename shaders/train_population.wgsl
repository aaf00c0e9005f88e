// Population training: N independent networks of one shape in one dispatch, one workgroup per member.
// Each workgroup runs exactly the fused kernel's step (shaders/train_fused.wgsl) on its own slice of the
// parameter, moment and state buffers, with its own seed (batch order) and learning rate; the data is
// shared. The lines marked `//@` are the fused kernel's straight-line code for the shape
// (src/engine/codegen.ts); src/engine/codegenPopulation.ts points their buffer reads at the member's
// slice. Twin: one TwinTrainer per member (src/engine/twin.ts).

struct Member {
  seed: u32,
  lr: f32,
  _pad0: u32,
  _pad1: u32,
}

struct PopulationControl {
  target_step: u32,  // every member trains up to this step (or until it diverges)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> shared_uniforms: TrainUniforms;
@group(0) @binding(1) var<storage, read> xs: array<f32>;              // (N_data, IN): train, then test
@group(0) @binding(2) var<storage, read> ys: array<f32>;              // (N_data)
@group(0) @binding(3) var<storage, read_write> params: array<f32>;    // (members, P)
@group(0) @binding(4) var<storage, read_write> moments: array<f32>;   // (members, 5P): moments, backup
@group(0) @binding(5) var<storage, read_write> states: array<State>;  // (members)
@group(0) @binding(6) var<storage, read> bias_table: array<vec2<f32>>;
@group(0) @binding(7) var<storage, read> members: array<Member>;
@group(0) @binding(8) var<uniform> control: PopulationControl;

const PARAM_COUNT: u32 = __PARAM_COUNT__u;

// The shared settings with this member's seed and learning rate (the generated update reads u.lr).
var<private> u: TrainUniforms;
// Where this member's parameters and moments start.
var<private> pbase: u32;
var<private> mbase: u32;

var<workgroup> step_range: vec4<u32>;
//@ workgroup declarations

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let member = wid.x;
  u = shared_uniforms;
  u.seed = members[member].seed;
  u.lr = members[member].lr;
  pbase = member * PARAM_COUNT;
  mbase = member * 5u * PARAM_COUNT;
  if (lid == 0u) {
    let state = states[member];
    let start = state.step;
    let end = select(start, min(control.target_step, start + u.steps_per_dispatch), state.diverged_step == NONE);
    step_range = vec4<u32>(start, end, state.good_step, 0u);
  }
  let range = workgroupUniformLoad(&step_range);
  var good = range.z;
  //@ load parameters
  var diverged_at = NONE;
  var last_loss = 0.0;
  for (var step = range.x; step < range.y; step++) {
    let epoch = step / u.steps_per_epoch;
    let lo = (step - epoch * u.steps_per_epoch) * u.batch;
    let hi = min(u.n_train, lo + u.batch);
    let key = epoch_key(u.seed, epoch);
    //@ zero gradients
    //@ contractive terms of the step
    var loss_sum = 0.0;
    for (var slot = lo + lid; slot < hi; slot += WORKGROUP_SIZE) {
      let idx = permute(slot, u.n_train, key, u.index_bits);
      //@ one sample: forward, loss, backward, accumulate
    }
    //@ reduce over the workgroup
    let count = f32(hi - lo);
    let batch_loss = loss_sum / count;
    if (is_not_finite(batch_loss) && diverged_at == NONE) { diverged_at = step; }
    let live = diverged_at == NONE;
    last_loss = select(last_loss, batch_loss, live);
    let bias = adam_bias(step, u.bias_steps, bias_table[min(step, u.bias_steps - 1u)], u.beta1, u.beta2);
    let bias1 = bias.x;
    let bias2 = bias.y;
    if (live) {
      good = step;
      //@ back up parameters
    }
    //@ optimiser update
  }
  let rollback = diverged_at != NONE && diverged_at > 0u && good == diverged_at - 1u;
  if (rollback) {
    //@ restore parameters from the backup
  } else if (lid == 0u) {
    //@ store parameters
  }
  if (lid == 0u) {
    states[member].last_loss = last_loss;
    states[member].good_step = good;
    if (diverged_at != NONE) {
      states[member].diverged_step = diverged_at;
      states[member].step = select(diverged_at, diverged_at - 1u, rollback);
    } else {
      states[member].step = range.y;
    }
  }
}
