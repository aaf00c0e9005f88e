// Loss and accuracy of every member of a population over the training and test sets at once: one
// workgroup per member, each lane a stride of the samples, summed in a fixed order. The lines marked `//@`
// are the fused evaluation's straight-line code for the shape (src/engine/codegen.ts), pointed at the
// member's parameters by src/engine/codegenPopulation.ts. Twin: evaluate() in src/engine/twin.ts.

struct PopulationEval {
  n_train: u32,   // samples [0, n_train) are the training set, [n_train, n_total) the test set
  n_total: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<storage, read> ys: array<f32>;
@group(0) @binding(2) var<storage, read> params: array<f32>;               // (members, P)
@group(0) @binding(3) var<storage, read_write> results: array<vec4<f32>>;  // (members): train loss, correct, test loss, correct
@group(0) @binding(4) var<uniform> ev: PopulationEval;

const PARAM_COUNT: u32 = __PARAM_COUNT__u;
var<private> pbase: u32;
var<workgroup> red: array<vec4<f32>, 64>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let member = wid.x;
  pbase = member * PARAM_COUNT;
  var sums = vec4<f32>(0.0, 0.0, 0.0, 0.0);
  for (var idx = lid; idx < ev.n_total; idx += 64u) {
    var loss_sum = 0.0;
    var correct = 0.0;
    //@ one sample: forward, loss, correct
    let both = vec2<f32>(loss_sum, correct);
    sums += select(vec4<f32>(0.0, 0.0, both), vec4<f32>(both, 0.0, 0.0), idx < ev.n_train);
  }
  red[lid] = sums;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { red[lid] += red[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { results[member] = red[0]; }
}
